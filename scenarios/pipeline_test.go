package scenarios_test

import (
	"bytes"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/scenarios/scentest"
	"github.com/maintsim/maintsim/sim"
)

// summaryJSON is what `maintsim run --summary` would write.
func summaryJSON(g Gomega, sc *scenarios.Scenario, opt scenarios.Options, trace *bytes.Buffer) []byte {
	if trace != nil {
		tw := scenarios.NewTraceWriter(trace)
		opt.Observers = []sim.Observer[model.Record]{tw}
		defer func() { g.Expect(tw.Flush()).To(Succeed()) }()
	}
	out, err := scenarios.RunScenario(sc, opt)
	g.Expect(err).NotTo(HaveOccurred())
	b, err := json.Marshal(out.Summary)
	g.Expect(err).NotTo(HaveOccurred())
	return b
}

var _ = Describe("Observers behind a pipe", func() {
	It("give the same summary, invariant verdicts, metrics and trace as observers on the loop's goroutine, on random worlds under every mutant (property)", func() {
		DeferCleanup(scentest.PinRapid(7, 60))
		mutants := model.Mutants()
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			f := scenarios.GenFile().Draw(t, "scenario")
			sc, err := scenarios.Compile("generated", f)
			g.Expect(err).NotTo(HaveOccurred())
			// A broken model makes the checkers report: the verdicts with
			// violations must agree too, not only the clean ones.
			if i := rapid.IntRange(-1, len(mutants)-1).Draw(t, "mutant"); i >= 0 {
				sc.Spec.Mutants = mutants[i].Mutant
			}
			var seqTrace, pipeTrace bytes.Buffer
			seq := summaryJSON(g, sc, scenarios.Options{Sequential: true}, &seqTrace)
			piped := summaryJSON(g, sc, scenarios.Options{}, &pipeTrace)
			g.Expect(string(piped)).To(Equal(string(seq)))
			g.Expect(pipeTrace.String()).To(Equal(seqTrace.String()))
		})
	})
})
