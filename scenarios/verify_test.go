package scenarios_test

import (
	"bytes"
	"encoding/json"
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
	// docs/metrics.md: the metrics follow from the records alone, so a
	// recorded trace yields the run's (exchange drains included).
	Expect(vr.Metrics).To(Equal(out.Summary.Metrics))
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

	// CONTRACT.md: the trace is JSONL. Names may hold quotes and
	// backslashes (a session's too), and texts control characters, which
	// Go's strconv quoting writes as \x01, \a, \v: not JSON.
	It("--trace writes quotes, backslashes and control characters in names and texts as JSON, and verify reads them back", func() {
		sc, err := scenarios.Parse("quotes.yaml", []byte(`name: "run \"q\" \\ \u0001\u0007\u000b\u007f\u2028 end"
start: 2026-11-02T20:00:00Z
until: +3h
servers:
  - name: "cc \"01\" \\ é"
    version: "12"
tenants:
  - name: "t \"q\" \\ <x>"
    server: "cc \"01\" \\ é"
    client: vbr 12
    max_concurrent_tasks: 1
    jobs:
      - name: "Backup \"#1\" / \\"
        kind: backup
        objects:
          - {name: "vm \"1\" \\", size: 20GiB, duration: 10m}
          - {name: "vm2", size: 20GiB, duration: 10m}
        schedule: {at: +10m}
actions:
  - {at: +5m, do: set_maintenance_message, server: "cc \"01\" \\ é", text: "bell \u0007 vt \u000b del \u007f nul-ish \u0001 \"q\" \\ \u2028 😀"}
  - {at: +6m, do: restart_service, server: "cc \"01\" \\ é"}
  - {at: +15m, do: enable_maintenance, server: "cc \"01\" \\ é"}
`))
		Expect(err).NotTo(HaveOccurred())
		out, trace := runWithTrace(sc)
		lines := strings.Split(strings.TrimSuffix(string(trace), "\n"), "\n")
		sessions := 0
		for _, l := range lines {
			var m map[string]any
			Expect(json.Unmarshal([]byte(l), &m)).To(Succeed(), l)
			if s, ok := m["session"]; ok {
				Expect(s).To(Equal(`t "q" \ <x>/Backup "#1" / \#1`))
				sessions++
			}
			if m["ev"] == "session_end" {
				Expect(m["text"]).To(Equal("bell \a vt \v del \x7f nul-ish \x01 \"q\" \\ \u2028 😀"))
			}
		}
		Expect(sessions).To(BeNumerically(">", 3))
		Expect(out.Summary.Sessions).To(HaveLen(1))
		Expect(out.Summary.Sessions[0].Message).To(ContainSubstring("bell \a"))
		vr, err := scenarios.Verify("quotes.jsonl", bytes.NewReader(trace), nil)
		Expect(err).NotTo(HaveOccurred())
		sameVerdicts(out, vr)
		Expect(vr.Scenario).To(Equal(out.Summary.Scenario))
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
		Expect(err.Error()).To(MatchRegexp(`^bad\.jsonl:11:\d+: `))

		_, err = scenarios.Verify("bad.jsonl", strings.NewReader(handWorld+`{"t":0,"ev":"reboot"}`+"\n"), nil)
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.Line).To(Equal(10))
	})

	// A judge's hand-made or tampered trace: a line that names no entity
	// its kind needs, or says two things at once, is bad input (exit 2),
	// never a panic or a silent guess.
	DescribeTable("refuses a line that is not one world's event, naming the line",
		func(line, want string) {
			_, err := scenarios.Verify("bad.jsonl", strings.NewReader(handWorld+line+"\n"), nil)
			var te *scenarios.TraceError
			Expect(errors.As(err, &te)).To(BeTrue(), "%v", err)
			Expect(te.Line).To(Equal(10+strings.Count(line, "\n")), "the line's own number")
			Expect(te.Msg).To(ContainSubstring(want))
		},
		Entry("a server event without server", `{"t":2,"ev":"maintenance_enabled"}`, "maintenance_enabled event without server"),
		Entry("a fault without server", `{"t":2,"ev":"power_off"}`, "without server"),
		Entry("a tenant event without tenant", `{"t":2,"ev":"tenant_disabled","server":"cc-01"}`, "without tenant"),
		Entry("a stop without session", `{"t":2,"ev":"stop_requested","mode":"immediate"}`, "without session"),
		Entry("a stop without mode", `{"t":2,"ev":"stop_requested","session":"acme/nightly#1"}`, "without mode"),
		Entry("a task event without object", `{"t":2,"ev":"task_start","session":"acme/nightly#1","phase":"Snapshot"}`, "without object"),
		Entry("a task_end without result", `{"t":2,"ev":"task_end","session":"acme/nightly#1","object":"vm1"}`, "without result"),
		Entry("a session_start without session", `{"t":2,"ev":"session_start","tenant":"acme","job":"nightly"}`, "without session"),
		Entry("a server that is not the session's", `{"t":2,"ev":"session_start","server":"cc-01","tenant":"legacy","session":"acme/nightly#1"}`, `tenant "legacy" does not match session`),
		Entry("a second scenario line", `{"t":2,"ev":"scenario","name":"again"}`, "first line"),
		Entry("a declaration after an event", `{"t":0,"ev":"maintenance_enabled","server":"cc-01"}`+"\n"+`{"t":0,"ev":"server","server":"cc-02","version":"12"}`, "declaration after the first event"),
		Entry("a key in another case", `{"t":2,"EV":"maintenance_enabled","server":"cc-01"}`, `unknown field "EV"`),
		Entry("a key twice", `{"t":2,"ev":"maintenance_enabled","server":"cc-01","server":"cc-01"}`, `duplicate key "server"`),
		Entry("two objects on a line", `{"t":2,"ev":"maintenance_enabled","server":"cc-01"}{"t":3,"ev":"end"}`, "extra data after the JSON object"),
		Entry("a string for a number", `{"t":"2","ev":"end"}`, `field "t": want an integer, got a string`),
		Entry("a tenant name with /", `{"t":0,"ev":"tenant","tenant":"a/b","server":"cc-01","client":"vbr 12"}`, "contains / or #"),
		Entry("a tenant name with a newline", `{"t":0,"ev":"tenant","tenant":"a\nb","server":"cc-01","client":"vbr 12"}`, "control character"),
		Entry("negative task slots", `{"t":0,"ev":"server","server":"cc-02","version":"12","task_slots":-8}`, "task_slots: -8 is negative"),
		Entry("a negative retry wait", `{"t":0,"ev":"job","tenant":"acme","job":"x","kind":"backup","retry_wait_ns":-1}`, "retry_wait_ns: -1 is negative"),
	)

	It("refuses a line longer than 16 MiB with its line number", func() {
		long := `{"t":2,"ev":"action_rejected","server":"cc-01","text":"` + strings.Repeat("x", 17<<20) + `"}`
		_, err := scenarios.Verify("long.jsonl", strings.NewReader(handWorld+long+"\n"), nil)
		var te *scenarios.TraceError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.Line).To(Equal(10))
		Expect(te.Msg).To(ContainSubstring("longer than 16 MiB"))
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

	It("defaults a job line's platform and target by its kind, as the scenario format does", func() {
		head := `{"t":0,"ev":"scenario","name":"kinds","seed":1,"start":"2026-11-02T20:00:00Z","replication_in_maintenance":"stop"}
{"t":0,"ev":"server","server":"cc-01","version":"12"}
{"t":0,"ev":"tenant","tenant":"acme","server":"cc-01","client":"vbr 12"}
`
		left := head + `{"t":0,"ev":"job","tenant":"acme","job":"laptop","kind":"agent_backup","objects":["pc1"]}
{"t":0,"ev":"job","tenant":"acme","job":"dr","kind":"replication","objects":["vm1"]}
`
		written := head + `{"t":0,"ev":"job","tenant":"acme","job":"laptop","kind":"agent_backup","platform":"agent","target":"cloud_repository","objects":["pc1"]}
{"t":0,"ev":"job","tenant":"acme","job":"dr","kind":"replication","platform":"vsphere","target":"cloud_host","objects":["vm1"]}
`
		a, err := scenarios.Verify("left.jsonl", strings.NewReader(left), nil)
		Expect(err).NotTo(HaveOccurred())
		b, err := scenarios.Verify("written.jsonl", strings.NewReader(written), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(a.TraceHash).To(Equal(b.TraceHash), "the defaults are the scenario format's: agent_backup on platform agent, replication to a cloud_host")
	})

	It("reports an unreadable file as bad input", func() {
		_, err := scenarios.VerifyFile(filepath.Join(GinkgoT().TempDir(), "missing.jsonl"), nil)
		Expect(err).To(MatchError(fs.ErrNotExist))
		Expect(err.Error()).To(HavePrefix("cannot read the trace: open "))
	})
})
