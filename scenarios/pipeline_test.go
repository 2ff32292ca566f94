package scenarios_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"

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
	It("give the same summary, invariant verdicts, metrics and trace as observers on the loop's goroutine, on random worlds under every mutant, touching their rows ahead (property)", func() {
		DeferCleanup(scentest.PinRapid(7, 60))
		DeferCleanup(scenarios.TouchEverything())
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

	It("give the same results with the rows touched ahead on a fleet of many chunks, with maintenance and job stops", func() {
		DeferCleanup(scenarios.TouchEverything())
		path := filepath.Join(GinkgoT().TempDir(), "fleet.yaml")
		Expect(os.WriteFile(path, []byte(touchFleet), 0o644)).To(Succeed())
		sc, err := scenarios.Load(path)
		Expect(err).NotTo(HaveOccurred())
		for _, mut := range []model.Mutant{0, model.Mutants()[0].Mutant} {
			sc.Spec.Mutants = mut
			var seqTrace, pipeTrace bytes.Buffer
			g := NewWithT(GinkgoT())
			seq := summaryJSON(g, sc, scenarios.Options{Sequential: true}, &seqTrace)
			piped := summaryJSON(g, sc, scenarios.Options{}, &pipeTrace)
			Expect(bytes.Count(seqTrace.Bytes(), []byte("\n"))).To(BeNumerically(">", 20*sim.TouchChunk), "many chunks")
			Expect(string(piped)).To(Equal(string(seq)))
			Expect(pipeTrace.String()).To(Equal(seqTrace.String()))
		}
	})
})

// touchFleet is a fleet whose trace spans many of a pipe's touch chunks,
// with a maintenance window and job stops over its tasks.
const touchFleet = `name: touched fleet
seed: 3
start: 2026-11-02T20:00:00Z
until: +2d
servers:
  - {name: cc-01, version: "12", task_slots: 32}
tenants:
  - name: t
    count: 250
    server: cc-01
    client: vbr 12
    max_concurrent_tasks: 2
    jobs:
      - name: daily
        kind: backup
        platform: vsphere
        managed_by: vbr
        target: cloud_repository
        objects: {count: 6, prefix: vm, size: 20GiB, duration: {uniform: [60s, 900s]}}
        schedule: {daily: "00:00", jitter: {uniform: [0s, 4h]}}
actions:
  - {at: +5h, do: enable_maintenance, server: cc-01}
  - {at: +6h, do: disable_maintenance, server: cc-01}
  - {at: +4h30m, do: stop_job, tenant: t-0001, job: daily, mode: immediate}
  - {at: +4h30m, do: stop_job, tenant: t-0002, job: daily, mode: graceful}
expect:
  - invariants: hold
`
