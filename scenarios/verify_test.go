package scenarios_test

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// runWithTrace is `maintsim run --trace`: the run's verdicts and its trace.
func runWithTrace(sc *scenarios.Scenario) (*scenarios.Outcome, []byte) {
	GinkgoHelper()
	var buf bytes.Buffer
	tw := scenarios.NewTraceWriter(&buf)
	out, err := scenarios.RunScenario(sc, scenarios.Options{Observers: []sim.Observer[model.Record]{tw}})
	Expect(err).NotTo(HaveOccurred())
	Expect(tw.Flush()).To(Succeed())
	return out, buf.Bytes()
}

func sameVerdicts(out *scenarios.Outcome, vr *scenarios.VerifyResult) {
	GinkgoHelper()
	Expect(vr.TraceHash).To(Equal(out.Summary.TraceHash))
	Expect(vr.Records).To(Equal(out.Summary.Records))
	Expect(vr.SyntheticEnd).To(BeFalse())
	Expect(vr.Invariants).To(HaveLen(len(out.Summary.Invariants)))
	for i, inv := range out.Summary.Invariants {
		Expect(vr.Invariants[i].ID).To(Equal(inv.ID))
		Expect(vr.Invariants[i].Holds).To(Equal(inv.Holds), inv.ID)
		Expect(vr.Invariants[i].Violations).To(Equal(inv.Violations), inv.ID)
	}
}

var _ = Describe("verify: invariants over a recorded trace", func() {
	It("--trace: every example's trace verifies to the run's verdicts and trace_hash", func() {
		paths, err := filepath.Glob("examples/*.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).NotTo(BeEmpty())
		for _, p := range paths {
			sc, err := scenarios.Load(p)
			Expect(err).NotTo(HaveOccurred())
			out, trace := runWithTrace(sc)
			vr, err := scenarios.Verify(p+".jsonl", bytes.NewReader(trace), nil)
			Expect(err).NotTo(HaveOccurred(), p)
			sameVerdicts(out, vr)
		}
	})

	It("finds in a trace the violations the live run found (mutant runs)", func() {
		gen := scenarios.GenFileWith(scenarios.SelftestGenConfig())
		violated := 0
		for i, m := range scenarios.VCCMutants() {
			for k := range 15 {
				sc, err := scenarios.Compile("mutant", gen.Example(100*i+k))
				Expect(err).NotTo(HaveOccurred())
				sc.Spec.Mutants = m.Mutant
				var buf bytes.Buffer
				tw := scenarios.NewTraceWriter(&buf)
				out, err := scenarios.RunScenario(sc, scenarios.Options{Observers: []sim.Observer[model.Record]{tw}})
				if err != nil {
					continue // the mutant model refused the run (retry-after-stop)
				}
				Expect(tw.Flush()).To(Succeed())
				vr, err := scenarios.Verify("mutant.jsonl", &buf, nil)
				Expect(err).NotTo(HaveOccurred())
				sameVerdicts(out, vr)
				if !vr.Passed {
					violated++
				}
			}
		}
		Expect(violated).To(BeNumerically(">", 20))
	})

	It("reports a malformed line with its line number", func() {
		trace := handWorld + `{"t":0,"ev":"maintenance_enabled","server":"cc-01"}` + "\n" + `{"t":1,"ev":"maintenance_enabled",` + "\n"
		_, err := scenarios.Verify("bad.jsonl", strings.NewReader(trace), nil)
		var te *scenarios.TraceError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.Line).To(Equal(strings.Count(handWorld, "\n") + 2))
		Expect(err.Error()).To(HavePrefix("bad.jsonl:11: "))

		_, err = scenarios.Verify("bad.jsonl", strings.NewReader(handWorld+`{"t":0,"ev":"reboot"}`+"\n"), nil)
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.Line).To(Equal(10))
	})

	It("judges a trace without an end event as ending at its last event", func() {
		vr, err := scenarios.Verify("open.jsonl", strings.NewReader(handWorld+expandMinutes(nightly1+vm1Start+
			`{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@90m,"ev":"maintenance_disabled","server":"cc-01"}`)+"\n"), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(vr.SyntheticEnd).To(BeTrue())
		Expect(vr.Passed).To(BeFalse())
		for _, inv := range vr.Invariants {
			Expect(inv.Holds).To(Equal(inv.ID != "INV-13"), inv.ID)
		}
	})

	It("reports an unreadable file as bad input", func() {
		_, err := scenarios.VerifyFile(filepath.Join(GinkgoT().TempDir(), "missing.jsonl"), nil)
		Expect(err).To(MatchError(fs.ErrNotExist))
		Expect(err.Error()).To(HavePrefix("cannot read the trace: open "))
	})
})
