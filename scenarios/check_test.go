package scenarios_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/scenarios/scentest"
	"github.com/maintsim/maintsim/sim"
)

func checkExamples() []scenarios.BaseScenario {
	GinkgoHelper()
	paths, err := filepath.Glob("examples/*.yaml")
	Expect(err).NotTo(HaveOccurred())
	Expect(paths).NotTo(BeEmpty())
	var out []scenarios.BaseScenario
	for _, p := range paths {
		f, err := scenarios.LoadFile(p)
		Expect(err).NotTo(HaveOccurred())
		if f.Semantics != nil && f.Semantics.Profile == "exchange" {
			continue // the Cloud Connect profile's examples
		}
		out = append(out, scenarios.BaseScenario{Path: p, File: f})
	}
	return out
}

var _ = Describe("check: property-based exploration", func() {
	It("finds nothing on the correct model", func() {
		res, err := scenarios.Check(scenarios.CheckOptions{Runs: 300, Seed: 1})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Counterexample).To(BeNil())
		Expect(res.Runs).To(Equal(300))
	})

	It("shrinks a failure to a minimal scenario that `run` reproduces (INV-13, drain-hangs)", func() {
		res, err := scenarios.Check(scenarios.CheckOptions{Runs: 200, Seed: 3, Mutants: model.MutDrainHangs})
		Expect(err).NotTo(HaveOccurred())
		ce := res.Counterexample
		Expect(ce).NotTo(BeNil())
		Expect(ce.Invariant).To(Equal("INV-13"))
		Expect(ce.Shrunk).To(BeTrue())
		// Minimal: one of everything, one action, the enable.
		Expect(ce.File.Servers).To(HaveLen(1))
		Expect(ce.File.Tenants).To(HaveLen(1))
		Expect(ce.File.Tenants[0].Jobs).To(HaveLen(1))
		Expect(ce.File.Actions).To(HaveLen(1))
		Expect(ce.File.Actions[0].Do).To(Equal("enable_maintenance"))
		Expect(string(ce.YAML)).To(ContainSubstring("- invariants: hold"))

		sc, err := scenarios.Parse("counterexample.yaml", ce.YAML)
		Expect(err).NotTo(HaveOccurred())
		out, err := scenarios.RunScenario(sc, scenarios.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(scentest.HaveSucceeded(), "the correct model holds on it")
		sc.Spec.Mutants = model.MutDrainHangs
		out, err = scenarios.RunScenario(sc, scenarios.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(scentest.ViolateInvariant("INV-13"))
		Expect(out.Passed()).To(BeFalse(), "`run` exits 1 on it")
	})

	It("is deterministic: the same seed finds the same counterexample", func() {
		opt := scenarios.CheckOptions{Runs: 200, Seed: 11, Mutants: model.MutStopRemovesRP}
		a, err := scenarios.Check(opt)
		Expect(err).NotTo(HaveOccurred())
		b, err := scenarios.Check(opt)
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Counterexample).NotTo(BeNil())
		Expect(a.Counterexample.Invariant).To(Equal("INV-07"))
		Expect(b.Runs).To(Equal(a.Runs))
		Expect(string(b.Counterexample.YAML)).To(Equal(string(a.Counterexample.YAML)))
	})

	It("writes the counterexample where `maintsim run` finds it", func() {
		res, err := scenarios.Check(scenarios.CheckOptions{Runs: 200, Seed: 5, Mutants: model.MutMaintCutsRunning, NoShrink: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Counterexample).NotTo(BeNil())
		Expect(res.Counterexample.Shrunk).To(BeFalse())
		dir := GinkgoT().TempDir()
		path := scenarios.CounterexamplePath(dir, 5)
		Expect(filepath.Base(path)).To(Equal("maintsim-counterexample-5.yaml"))
		// An older, longer file at the path is replaced whole, through a
		// temporary file renamed into place that does not stay behind.
		Expect(os.WriteFile(path, []byte(strings.Repeat("# stale\n", 10000)), 0o600)).To(Succeed())
		Expect(scenarios.WriteCounterexample(res.Counterexample, path, 5, "maintsim check --seed 5")).To(Succeed())
		data, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(HavePrefix("# Counterexample found by: maintsim check --seed 5\n"))
		Expect(string(data)).NotTo(ContainSubstring("# stale"))
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(1), "no temporary file left beside it")
		info, err := os.Stat(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o644)), "readable by others, as the other outputs")
		_, err = scenarios.Load(path)
		Expect(err).NotTo(HaveOccurred())
	})

	It("explores perturbations of given scenarios", func() {
		bases := checkExamples()
		res, err := scenarios.Check(scenarios.CheckOptions{Runs: 150, Seed: 2, Bases: bases})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Excluded).To(BeEmpty())

		Expect(res.Counterexample).To(BeNil())

		var small []scenarios.BaseScenario
		for _, b := range bases {
			if !strings.Contains(b.Path, "fleet") {
				small = append(small, b)
			}
		}
		res, err = scenarios.Check(scenarios.CheckOptions{Runs: 150, Seed: 2, Bases: small, Mutants: model.MutMaintCutsRunning})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Counterexample).NotTo(BeNil())
		Expect(res.Counterexample.Invariant).To(BeElementOf("INV-03", "INV-04", "INV-10"))
	})

	It("does not search for what the scenario as written already violates and expects violated", func() {
		f := scenarios.GenFile().Example(1)
		f.Actions = append(f.Actions, scenarios.Action{At: scenarios.After(0), Do: "move_backups", Tenant: f.Tenants[0].Name})
		f.Expect = []scenarios.Expect{{Invariants: &scenarios.InvariantsExpect{Violated: "INV-15"}}}
		res, err := scenarios.Check(scenarios.CheckOptions{Runs: 30, Seed: 1, Bases: []scenarios.BaseScenario{{Path: "runbook.yaml", File: f}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Excluded).To(ContainElement("INV-15"))
		Expect(res.Counterexample).To(BeNil())
	})

	It("reports a scenario that as written violates an invariant its expect: does not name (exit 1, no search)", func() {
		f := scenarios.GenFile().Example(1)
		f.Actions = append(f.Actions, scenarios.Action{At: scenarios.After(0), Do: "move_backups", Tenant: f.Tenants[0].Name})
		res, err := scenarios.Check(scenarios.CheckOptions{Runs: 30, Seed: 1, Bases: []scenarios.BaseScenario{{Path: "runbook.yaml", File: f}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.AsWritten).To(Equal("runbook.yaml"))
		Expect(res.Runs).To(BeZero())
		Expect(res.Counterexample).NotTo(BeNil())
		Expect(res.Counterexample.Invariant).To(Equal("INV-15"))
	})

	It("shrinks a scenario as written too: what the violation does not need goes, jobs and objects included", func() {
		f, err := scenarios.LoadFile("examples/disabled-tenant.yaml")
		Expect(err).NotTo(HaveOccurred())
		// The disable comes after the move: INV-15, which expect: does not name.
		f.Actions[0].At = scenarios.After(100 * time.Minute)
		res, err := scenarios.Check(scenarios.CheckOptions{Runs: 10, Seed: 1, Bases: []scenarios.BaseScenario{{Path: "runbook.yaml", File: f}}})
		Expect(err).NotTo(HaveOccurred())
		ce := res.Counterexample
		Expect(ce).NotTo(BeNil())
		Expect(ce.Invariant).To(Equal("INV-15"))
		Expect(ce.File.Actions).To(HaveLen(1))
		Expect(ce.File.Actions[0].Do).To(Equal("move_backups"))
		Expect(ce.File.Tenants).To(HaveLen(1))
		Expect(ce.File.Tenants[0].Jobs).To(BeEmpty(), "the move needs no job")
		expectOneMinimal(ce, 0)
	})

	// Before the final shrink went to a fixpoint and removed tenants, jobs
	// and objects, these mutants' counterexamples kept an action, a
	// tenant or a job the violation does not need.
	for _, name := range []string{"slots-ignored", "tenant-limit-ignored", "double-end", "stop-removes-rp", "retry-after-stop", "agent-cut", "snapshot-left"} {
		It("shrinks to a case from which no action, tenant, job or object can go ("+name+", selftest's cases)", func() {
			m, err := model.ParseMutant(name)
			Expect(err).NotTo(HaveOccurred())
			res, err := scenarios.Check(scenarios.CheckOptions{Runs: scenarios.SelftestRuns, Seed: 1, Gen: scenarios.SelftestGenConfig(), Mutants: m})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Counterexample).NotTo(BeNil())
			expectOneMinimal(res.Counterexample, m)
		})
	}

	It("rejects a base scenario that does not compile", func() {
		f := scenarios.GenFile().Example(1)
		f.Tenants[0].Server = "nowhere"
		_, err := scenarios.Check(scenarios.CheckOptions{Runs: 1, Bases: []scenarios.BaseScenario{{Path: "bad.yaml", File: f}}})
		var ie *scenarios.InputError
		Expect(err).To(BeAssignableToTypeOf(ie))
	})
})

var _ = Describe("generators", func() {
	It("GenFile and GenWorld produce scenarios that compile, and print as files Parse reads back (property)", func() {
		DeferCleanup(scentest.PinRapid(7, 200))
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			w := scenarios.GenWorld().Draw(t, "world")
			g.Expect(w.Actions).To(BeEmpty())
			_, err := scenarios.Compile("world", w)
			g.Expect(err).NotTo(HaveOccurred())
			f := scenarios.GenFile().Draw(t, "scenario")
			sc, err := scenarios.Compile("file", f)
			g.Expect(err).NotTo(HaveOccurred())
			y, err := scenarios.Marshal(f)
			g.Expect(err).NotTo(HaveOccurred())
			back, err := scenarios.Parse("file", y)
			g.Expect(err).NotTo(HaveOccurred(), string(y))
			g.Expect(back.Spec).To(Equal(sc.Spec))
		})
	})

	It("perturbations of actions near until, and of huge objects, stay within the format's limits and compile (property)", func() {
		start := scenarios.DefaultStart
		huge := scenarios.Object{Name: "huge", Duration: scenarios.ConstDuration(40000 * 24 * time.Hour), Size: scenarios.ConstSize(4000 << 50)}
		base := &scenarios.File{Name: "edge", Until: scenarios.After(6 * 3600e9),
			Servers: []scenarios.Server{{Name: "cc-01", Version: "12"}},
			Tenants: []scenarios.Tenant{{Name: "acme", Server: "cc-01", Client: "vbr 12", Jobs: []scenarios.Job{{Name: "n", Kind: "backup",
				Objects: scenarios.Objects{Set: &scenarios.ObjectSet{Count: 2, Duration: scenarios.ConstDuration(20 * 60e9)}}, Schedule: &scenarios.Schedule{At: scenarios.After(0)}},
				{Name: "h", Kind: "backup", Objects: scenarios.Objects{Items: []scenarios.Object{huge}}, Schedule: &scenarios.Schedule{At: scenarios.After(0)}}}}},
			Actions: []scenarios.Action{
				{At: scenarios.After(6 * 3600e9), Do: "enable_maintenance", Server: "cc-01"},
				{At: &scenarios.TimeSpec{Time: start.Add(6*time.Hour - time.Minute)}, Do: "disable_maintenance", Server: "cc-01"},
			}}
		gen := scenarios.GenPerturbations([]scenarios.BaseScenario{{Path: "edge.yaml", File: base}}, scenarios.DefaultGenConfig())
		DeferCleanup(scentest.PinRapid(3, 200))
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			f := gen.Draw(t, "perturbed")
			_, err := scenarios.Compile("perturbed", f)
			g.Expect(err).NotTo(HaveOccurred())
		})
	})

	It("perturbations keep backup moves after their disable", func() {
		base := &scenarios.File{Name: "runbook", Until: scenarios.After(6 * 3600e9),
			Servers: []scenarios.Server{{Name: "cc-01", Version: "12"}},
			Tenants: []scenarios.Tenant{{Name: "acme", Server: "cc-01", Client: "vbr 12", Jobs: []scenarios.Job{{Name: "n", Kind: "backup",
				Objects: scenarios.Objects{Set: &scenarios.ObjectSet{Count: 2, Duration: scenarios.ConstDuration(20 * 60e9)}}, Schedule: &scenarios.Schedule{At: scenarios.After(0)}}}}},
			Actions: []scenarios.Action{{At: scenarios.After(3600e9), Do: "disable_tenant", Tenant: "acme"}, {At: scenarios.After(3600e9), Do: "move_backups", Tenant: "acme"}}}
		gen := scenarios.GenPerturbations([]scenarios.BaseScenario{{Path: "runbook.yaml", File: base}}, scenarios.DefaultGenConfig())
		for i := range 100 {
			f := gen.Example(i)
			moves := 0
			for k, a := range f.Actions {
				if a.Do == "move_backups" {
					moves++
					Expect(k).To(BeNumerically(">", 0))
					Expect(f.Actions[k-1].Do).To(Equal("disable_tenant"))
				}
				if a.Tenant == "acme" && a.Do == "enable_tenant" {
					Fail("a perturbation re-enabled a tenant whose backups move: " + strings.Join([]string{a.Do, a.At.String()}, " "))
				}
			}
			Expect(moves).To(Equal(1))
		}
	})
})

var _ = Describe("determinism soak", func() {
	It("runs each random scenario twice with the same seed to the same trace hash, and differs across seeds", func() {
		gen := scenarios.GenFileWith(scenarios.SelftestGenConfig())
		for i := range 60 {
			f := gen.Example(i)
			sc, err := scenarios.Compile("soak", f)
			Expect(err).NotTo(HaveOccurred())
			a, err := scenarios.RunScenario(sc, scenarios.Options{})
			Expect(err).NotTo(HaveOccurred())
			b, err := scenarios.RunScenario(sc, scenarios.Options{})
			Expect(err).NotTo(HaveOccurred())
			Expect(b.Summary.TraceHash).To(Equal(a.Summary.TraceHash), "case %d", i)
			Expect(b.Summary.Records).To(Equal(a.Summary.Records))
			other := sc.Spec.Seed + 1
			c, err := scenarios.RunScenario(sc, scenarios.Options{Seed: &other})
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Summary.TraceHash).NotTo(Equal(a.Summary.TraceHash), "case %d", i)
		}
	})
})

// expectOneMinimal checks that removing any one action, tenant, job or
// object (one of a set) from ce's scenario makes its invariant hold under
// ce's model, or makes the scenario fail to compile, or (for a mutant)
// makes the correct model violate something: nothing in it is spare.
func expectOneMinimal(ce *scenarios.Counterexample, m model.Mutant) {
	GinkgoHelper()
	violates := func(f *scenarios.File, m model.Mutant) []string {
		sc, err := scenarios.Compile("smaller.yaml", f)
		if err != nil {
			return nil
		}
		sc.Spec.Mutants = m
		out, err := scenarios.RunScenario(sc, scenarios.Options{Sequential: true})
		Expect(err).NotTo(HaveOccurred())
		var ids []string
		for _, inv := range out.Summary.Invariants {
			if len(inv.Violations) > 0 {
				ids = append(ids, inv.ID)
			}
		}
		return ids
	}
	spare := func(what string, c scenarios.File) {
		if !slices.Contains(violates(&c, m), ce.Invariant) {
			return
		}
		if m != 0 && len(violates(&c, 0)) > 0 {
			return // a runbook mistake of its own on the correct model
		}
		Fail(fmt.Sprintf("without %s the case still violates %s:\n%s", what, ce.Invariant, ce.YAML))
	}
	f := *ce.File
	for i := range f.Actions {
		c := f
		c.Actions = slices.Delete(slices.Clone(f.Actions), i, i+1)
		spare(fmt.Sprintf("action %d (%s)", i, f.Actions[i].Do), c)
	}
	for ti, t := range f.Tenants {
		c := f
		c.Tenants = slices.Delete(slices.Clone(f.Tenants), ti, ti+1)
		spare("tenant "+t.Name, c)
		for ji, j := range t.Jobs {
			edit := func(e func(j *scenarios.Job)) scenarios.File {
				c := f
				c.Tenants = slices.Clone(f.Tenants)
				c.Tenants[ti].Jobs = slices.Clone(t.Jobs)
				e(&c.Tenants[ti].Jobs[ji])
				return c
			}
			c := f
			c.Tenants = slices.Clone(f.Tenants)
			c.Tenants[ti].Jobs = slices.Delete(slices.Clone(t.Jobs), ji, ji+1)
			spare("job "+t.Name+"/"+j.Name, c)
			if s := j.Objects.Set; s != nil && s.Count > 1 {
				spare("an object of "+j.Name, edit(func(j *scenarios.Job) { n := *s; n.Count--; j.Objects.Set = &n }))
			}
			for k := range j.Objects.Items {
				if len(j.Objects.Items) > 1 {
					spare("object "+j.Objects.Items[k].Name, edit(func(j *scenarios.Job) {
						j.Objects.Items = slices.Delete(slices.Clone(j.Objects.Items), k, k+1)
					}))
				}
			}
		}
	}
}

var _ = Describe("determinism across offset notation (scenario-format.md, Times)", func() {
	It("runs the same instant written as Z, +00:00 or +02:00 to the same trace hash, with daily at 22:00 UTC", func() {
		var hashes []string
		for _, start := range []string{"2026-11-02T20:00:00Z", "2026-11-02T20:00:00+00:00", "2026-11-02T22:00:00+02:00", "2026-11-02T15:00:00-05:00"} {
			sc, err := scenarios.Parse("offset.yaml", []byte("start: "+start+`
until: 2026-11-04T00:00:00+01:00
servers: [{name: s, version: 12}]
tenants:
  - {name: a, server: s, client: vbr 12, jobs: [{name: j, kind: backup, objects: [{name: vm1, duration: 10m}], schedule: {daily: "22:00"}}]}
actions: [{at: 2026-11-03T00:00:00+02:00, do: enable_maintenance, server: s}]
`))
			Expect(err).NotTo(HaveOccurred())
			Expect(sc.Spec.Jobs[0].Schedule.First).To(Equal(sim.Time(2 * time.Hour))) // 22:00 UTC
			out, err := scenarios.RunScenario(sc, scenarios.Options{})
			Expect(err).NotTo(HaveOccurred())
			Expect(out.Summary.Start).To(Equal("2026-11-02T20:00:00Z"))
			hashes = append(hashes, out.Summary.TraceHash)
		}
		Expect(hashes).To(HaveEach(hashes[0]))
	})
})
