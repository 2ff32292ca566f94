package scenarios

// Internal specs of check_parallel.go: the parallel exploration draws the
// cases rapid draws, and Check finds with any number of workers what the
// sequential rapid.Check finds, without falling back to it. (gomega is not
// dot-imported: package scenarios has its own Expect type.)

import (
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	. "github.com/onsi/ginkgo/v2"
	gm "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
)

// sequentialCheck is the reference: Check as it was before the parallel
// exploration, one rapid.Check over every case.
func sequentialCheck(opt CheckOptions) *CheckResult {
	GinkgoHelper()
	opt = opt.withDefaults()
	e, err := newExplorer(opt)
	gm.Expect(err).NotTo(gm.HaveOccurred())
	withRapid(opt.Runs, rapidSeed(opt.Seed), opt.shrinkTime(), e.sequential)
	res, err := e.result()
	gm.Expect(err).NotTo(gm.HaveOccurred())
	return res
}

// sameCheckResult compares what Check reports (and the CLI prints).
func sameCheckResult(got, want *CheckResult) {
	GinkgoHelper()
	gm.Expect(got.Runs).To(gm.Equal(want.Runs), "runs")
	gm.Expect(got.Caught).To(gm.Equal(want.Caught), "caught")
	gm.Expect(got.Excluded).To(gm.Equal(want.Excluded), "excluded")
	if want.Counterexample == nil {
		gm.Expect(got.Counterexample).To(gm.BeNil())
		return
	}
	gm.Expect(got.Counterexample).NotTo(gm.BeNil())
	g, w := got.Counterexample, want.Counterexample
	gm.Expect(g.Invariant).To(gm.Equal(w.Invariant))
	gm.Expect(string(g.YAML)).To(gm.Equal(string(w.YAML)))
	gm.Expect(g.Err).To(gm.Equal(w.Err))
	gm.Expect(g.Shrunk).To(gm.Equal(w.Shrunk))
	gm.Expect(g.Violations).To(gm.Equal(w.Violations))
}

// exampleBases are the example scenarios, as `check FILE...` perturbs them.
func exampleBases(exchange bool) []BaseScenario {
	GinkgoHelper()
	paths, err := filepath.Glob("examples/*.yaml")
	gm.Expect(err).NotTo(gm.HaveOccurred())
	var out []BaseScenario
	for _, p := range paths {
		if strings.Contains(p, "exchange") != exchange || strings.Contains(p, "fleet") {
			continue
		}
		f, err := LoadFile(p)
		gm.Expect(err).NotTo(gm.HaveOccurred())
		out = append(out, BaseScenario{Path: p, File: f})
	}
	gm.Expect(out).NotTo(gm.BeEmpty())
	return out
}

var _ = Describe("check: parallel exploration (issue 7)", func() {
	It("caseSeed is rapid's running sum seed_i = seed_{i-1} + i, wrapping mod 2^64", func() {
		for _, base := range []uint64{0, 1, 12345, math.MaxUint64 - 10} {
			seed := base
			for i := range 5000 {
				seed += uint64(i)
				gm.Expect(caseSeed(base, i)).To(gm.Equal(seed), "base %d, case %d", base, i)
			}
		}
		mod := new(big.Int).Lsh(big.NewInt(1), 64)
		for _, i := range []int{1 << 32, 1<<32 + 1, 1<<40 + 3, math.MaxInt32 * 7} {
			n := big.NewInt(int64(i))
			sum := new(big.Int).Mul(n, new(big.Int).Add(n, big.NewInt(1)))
			sum.Rsh(sum, 1).Add(sum, new(big.Int).SetUint64(math.MaxUint64)).Mod(sum, mod)
			gm.Expect(caseSeed(math.MaxUint64, i)).To(gm.Equal(sum.Uint64()), "case %d", i)
		}
	})

	// For every generator check and selftest use, the files rapid.Check's
	// property sees as cases 0, 1, 2, … are the ones the exploration draws.
	DescribeTable("draws case i exactly as rapid.Check's property does",
		func(opt CheckOptions) {
			const cases = 40
			for _, seed := range []uint64{0, 1, 2, 3, 7, 42, 1000, math.MaxUint64} {
				opt.Seed, opt.Runs = seed, cases
				e, err := newExplorer(opt.withDefaults())
				gm.Expect(err).NotTo(gm.HaveOccurred())
				var seen [][]byte
				withRapid(cases, rapidSeed(seed), opt.shrinkTime(), func() {
					tb := &rapidTB{name: "record"}
					rapid.Check(tb, func(t *rapid.T) {
						y, err := Marshal(e.gen.Draw(t, "scenario"))
						if err != nil {
							t.Fatalf("marshal: %v", err)
						}
						seen = append(seen, y)
					})
					gm.Expect(tb.Failed()).To(gm.BeFalse(), "%v", tb.msgs)
					gm.Expect(seen).To(gm.HaveLen(cases), "no case was invalid")
					for i, want := range seen {
						f, ok := e.draw(rapidSeed(seed), i)
						gm.Expect(ok).To(gm.BeTrue(), "seed %d case %d drew at its first attempt", seed, i)
						got, err := Marshal(f)
						gm.Expect(err).NotTo(gm.HaveOccurred())
						gm.Expect(string(got)).To(gm.Equal(string(want)), "seed %d case %d", seed, i)
					}
				})
			}
		},
		Entry("check's random worlds", CheckOptions{}),
		Entry("selftest's random worlds", CheckOptions{Gen: SelftestGenConfig()}),
		Entry("check --profile exchange", CheckOptions{Gen: DefaultExchangeGenConfig()}),
		Entry("selftest's exchange worlds", CheckOptions{Gen: SelftestExchangeGenConfig()}),
		Entry("check --max-actions 3", CheckOptions{Gen: GenConfig{MaxActions: 3}}),
		Entry("perturbations of the examples", CheckOptions{Bases: exampleBases(false)}),
		Entry("perturbations of the exchange examples", CheckOptions{Bases: exampleBases(true)}),
	)

	// The parallel search, with 1, 2 and 3 workers, against the sequential
	// rapid.Check: the same runs, counts and counterexample, and the
	// fallback is not taken.
	DescribeTable("finds what the sequential rapid.Check finds, with any number of workers",
		func(opt CheckOptions) {
			want := sequentialCheck(opt)
			workers := []int{1, 2, 3}
			if !opt.NoShrink && !opt.Collect {
				workers = []int{2} // shrinking takes seconds, and is the same code for any count
			}
			for _, w := range workers {
				opt.Workers = w
				got, fellBack, err := checkParallel(opt)
				gm.Expect(err).NotTo(gm.HaveOccurred())
				gm.Expect(fellBack).To(gm.BeFalse(), "workers %d: the parallel exploration stands in for rapid's", w)
				sameCheckResult(got, want)
			}
		},
		Entry("no failure", CheckOptions{Runs: 300, Seed: 1}),
		Entry("drain-hangs, shrunk (INV-13, case 2)", CheckOptions{Runs: 200, Seed: 3, Mutants: model.MutDrainHangs}),
		Entry("stop-removes-rp (INV-07, case 38)", CheckOptions{Runs: 200, Seed: 11, Mutants: model.MutStopRemovesRP, NoShrink: true}),
		Entry("slots-ignored (case 49)", CheckOptions{Runs: 150, Seed: 13, Mutants: model.MutSlotsIgnored, NoShrink: true}),
		Entry("disabled-tenant-runs (case 53)", CheckOptions{Runs: 150, Seed: 16, Mutants: model.MutDisabledTenantRuns, NoShrink: true}),
		Entry("a failure at the last case", CheckOptions{Runs: 53, Seed: 16, Mutants: model.MutDisabledTenantRuns, NoShrink: true}),
		Entry("a failure after the last case", CheckOptions{Runs: 52, Seed: 16, Mutants: model.MutDisabledTenantRuns, NoShrink: true}),
		Entry("the exchange profile, ex-redirect-loses", CheckOptions{Runs: 100, Seed: 3, Gen: DefaultExchangeGenConfig(), Mutants: model.MutExRedirectLoses, NoShrink: true}),
		Entry("perturbations, maint-cuts-running", CheckOptions{Runs: 100, Seed: 2, Bases: exampleBases(false), Mutants: model.MutMaintCutsRunning, NoShrink: true}),
		Entry("Collect mode, slots-ignored", CheckOptions{Runs: 120, Seed: 1, Gen: SelftestGenConfig(), Mutants: model.MutSlotsIgnored, Collect: true}),
		Entry("Collect mode, the correct model", CheckOptions{Runs: 120, Seed: 1, Gen: SelftestGenConfig(), Collect: true}),
	)

	It("check (selftest's entry, under its withRapid) counts as the sequential search does", func() {
		opt := CheckOptions{Runs: 120, Seed: 5, Gen: SelftestGenConfig(), Mutants: model.MutMaintCutsRunning, Collect: true}.withDefaults()
		want := sequentialCheck(opt)
		for _, w := range []int{0, 2} {
			opt.Workers = w
			var got *CheckResult
			var err error
			withRapid(opt.Runs, rapidSeed(opt.Seed), opt.shrinkTime(), func() { got, err = check(opt) })
			gm.Expect(err).NotTo(gm.HaveOccurred())
			sameCheckResult(got, want)
		}
	})

	It("falls back to the sequential search when a generator needs several attempts for a case", func() {
		// A filter that rejects most draws exhausts its tries on many cases:
		// rapid counts those invalid and moves on, which Example does not.
		opt := CheckOptions{Runs: 40, Seed: 4, Mutants: model.MutDrainHangs, NoShrink: true, Workers: 2}.withDefaults()
		gen := GenFile().Filter(func(f *File) bool { return *f.Seed%8 == 0 })
		e, err := newExplorer(opt)
		gm.Expect(err).NotTo(gm.HaveOccurred())
		e.gen = gen
		gm.Expect(e.search()).To(gm.BeTrue(), "fell back")
		got, err := e.result()
		gm.Expect(err).NotTo(gm.HaveOccurred())

		ref, err := newExplorer(opt)
		gm.Expect(err).NotTo(gm.HaveOccurred())
		ref.gen = gen
		withRapid(opt.Runs, rapidSeed(opt.Seed), opt.shrinkTime(), ref.sequential)
		want, err := ref.result()
		gm.Expect(err).NotTo(gm.HaveOccurred())
		sameCheckResult(got, want)
	})

	It("falls back to the sequential search when the replay does not draw the failing case", func() {
		// A generator that draws another file each time it is called: the
		// replay's first case is not the one the exploration ran.
		var calls atomic.Int64
		gen := rapid.Custom(func(t *rapid.T) *File {
			f := GenFile().Draw(t, "scenario")
			f.Name = fmt.Sprintf("draw %d", calls.Add(1))
			return f
		})
		opt := CheckOptions{Runs: 200, Seed: 3, Mutants: model.MutDrainHangs, NoShrink: true, Workers: 2}.withDefaults()
		e, err := newExplorer(opt)
		gm.Expect(err).NotTo(gm.HaveOccurred())
		e.gen = gen
		gm.Expect(e.search()).To(gm.BeTrue(), "fell back")
		res, err := e.result()
		gm.Expect(err).NotTo(gm.HaveOccurred())
		gm.Expect(res.Counterexample).NotTo(gm.BeNil())
		gm.Expect(res.Counterexample.Invariant).To(gm.Equal("INV-13"))
		gm.Expect(res.Runs).To(gm.Equal(2))
	})

	It("a panic while drawing a case is an inexact draw, not a crash", func() {
		e, err := newExplorer(CheckOptions{Runs: 5, Seed: 1}.withDefaults())
		gm.Expect(err).NotTo(gm.HaveOccurred())
		e.gen = rapid.Custom(func(t *rapid.T) *File { panic("generator bug") })
		withRapid(5, rapidSeed(1), time.Nanosecond, func() {
			ex := e.explore(2)
			gm.Expect(ex.exact).To(gm.BeFalse())
		})
	})
})

// BenchmarkCheckWorkers measures the exploration's scaling: 200 cases of
// check's random worlds (seed 1 finds nothing, so every case runs) on 1 and
// on 2 workers.
//
//	go test -run '^$' -bench CheckWorkers ./scenarios/
//
// BenchmarkCheckWorkers runs at check's collector setting (GOGC=600,
// cmd/maintsim tuneCheckGC), where check spends its time.
func BenchmarkCheckWorkers(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(600))
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			for b.Loop() {
				res, err := Check(CheckOptions{Runs: 200, Seed: 1, Workers: w})
				if err != nil || res.Counterexample != nil || res.Runs != 200 {
					b.Fatalf("want 200 clean cases, got %+v, %v", res, err)
				}
			}
			b.ReportMetric(float64(b.N*200)/b.Elapsed().Seconds(), "cases/s")
		})
	}
}

var _ = Describe("check: exclusion per base", func() {
	It("what one base violates as written is not searched in its perturbations, but is in a clean base's", func() {
		var bases []BaseScenario
		for _, p := range []string{"examples/exchange-seed-runbook.yaml", "examples/exchange-pitfall-no-backup.yaml"} {
			f, err := LoadFile(p)
			gm.Expect(err).NotTo(gm.HaveOccurred())
			bases = append(bases, BaseScenario{Path: p, File: f})
		}
		e, err := newExplorer(CheckOptions{Runs: 1, Bases: bases}.withDefaults())
		gm.Expect(err).NotTo(gm.HaveOccurred())
		gm.Expect(e.res.Excluded).To(gm.Equal([]string{"INV-X2"}))
		gm.Expect(e.res.ExcludedBy).To(gm.Equal(map[string][]string{bases[1].Path: {"INV-X2"}}))
		r := caseResult{violated: []string{"INV-X2", "INV-X1"}}
		gm.Expect(e.bad(&File{base: 1}, r)).To(gm.Equal([]string{"INV-X2", "INV-X1"}), "the clean runbook's perturbation")
		gm.Expect(e.bad(&File{base: 2}, r)).To(gm.Equal([]string{"INV-X1"}), "the pitfall's perturbation")
		gm.Expect(e.bad(&File{}, r)).To(gm.Equal([]string{"INV-X2", "INV-X1"}), "a random world")
	})
})

var _ = Describe("check: the final shrink keeps the failure it found", func() {
	It("dropping runbook steps may not turn requester-left-set into other INV-X2 findings (no-backup, order)", func() {
		f, err := LoadFile("examples/exchange-pitfall-requester-left-set.yaml")
		gm.Expect(err).NotTo(gm.HaveOccurred())
		e, err := newExplorer(CheckOptions{Runs: 1}.withDefaults())
		gm.Expect(err).NotTo(gm.HaveOccurred())
		e.target = "INV-X2"
		r := runCase(f, &e.opt)
		gm.Expect(findings(r)).To(gm.ContainElement("INV-X2 X4 requester-left-set"))
		gm.Expect(findings(r)).NotTo(gm.ContainElement("INV-X2 X4 no-backup"))
		small, sr := e.minimize(f, r)
		gm.Expect(findings(sr)).To(gm.ContainElement("INV-X2 X4 requester-left-set"))
		for _, k := range findings(sr) {
			gm.Expect(findings(r)).To(gm.ContainElement(k), "a finding the case did not make")
		}
		var kept []string
		for _, a := range small.Actions {
			kept = append(kept, a.Do)
		}
		gm.Expect(kept).To(gm.ContainElements("backup_databases", "notify_users"), "without them the case fails for another reason")
		gm.Expect(len(small.Actions)).To(gm.BeNumerically("<", len(f.Actions)), "what the failure does not need still goes")
	})
})

var _ = Describe("check: a worker's reused compiler", func() {
	It("compiles every example and bad input, one after another, as a fresh compiler does", func() {
		var paths []string
		for _, glob := range []string{"examples/*.yaml", "testdata/bad/*.yaml", "bench/std.yaml"} { // std: a fleet
			m, err := filepath.Glob(glob)
			gm.Expect(err).NotTo(gm.HaveOccurred())
			paths = append(paths, m...)
		}
		gm.Expect(len(paths)).To(gm.BeNumerically(">", 40))
		reused, compiled := newCompiler(), 0
		for round := range 2 { // the second round follows every other file
			for _, path := range paths {
				data, err := ReadFile(path)
				gm.Expect(err).NotTo(gm.HaveOccurred())
				data = normalizeSource(data)
				f, loc, err := decode(path, data)
				if err != nil {
					continue // does not decode: no compile to compare
				}
				want, werr := compile(path, data, f, loc)
				got, gerr := compileWith(reused, path, data, f, loc)
				gm.Expect(fmt.Sprint(gerr)).To(gm.Equal(fmt.Sprint(werr)), "%s, round %d", path, round)
				gm.Expect(got).To(gm.BeComparableTo(want, cmpopts.EquateEmpty()), "%s, round %d", path, round)
				compiled++
			}
		}
		gm.Expect(compiled).To(gm.BeNumerically(">", 2*30))
	})
})

var _ = Describe("check: a worker's reused world, loop and invariants", func() {
	It("judge every case as a fresh world, loop and set do, under every mutant and the correct model", func() {
		violated, cases := 0, 0
		eachSelftestCase(150, 3, func(e *explorer, rs *reuse, i int, f *File) {
			fresh := runCase(f, &e.opt)
			reused := runCaseWith(rs, f, &e.opt)
			gm.Expect(reused).To(gm.Equal(fresh), "mutant %v, case %d", e.opt.Mutants.Names(), i)
			cases++
			if len(fresh.violated) > 0 {
				violated++
			}
		})
		gm.Expect(violated).To(gm.BeNumerically(">", cases/20), "the comparison must cover failing cases, with their results and evidence")
	})
})

// eachSelftestCase draws runs cases from seed for the correct model and
// for each mutant, in the selftest's worlds (faults, more actions; an
// exchange mutant's in exchange worlds), which reach the most checker
// states, and calls fn with each: rs is kept across a mutant's cases, as a
// worker keeps one (a case follows cases of other sizes).
func eachSelftestCase(runs int, seed uint64, fn func(e *explorer, rs *reuse, i int, f *File)) {
	mutants := []model.Mutant{0}
	for _, m := range model.Mutants() {
		mutants = append(mutants, m.Mutant)
	}
	for _, m := range mutants {
		gen := SelftestGenConfig()
		if m.Profile() == "exchange" {
			gen = SelftestExchangeGenConfig()
		}
		e, err := newExplorer(CheckOptions{Runs: runs, Seed: seed, Mutants: m, Gen: gen}.withDefaults())
		gm.Expect(err).NotTo(gm.HaveOccurred())
		rs := &reuse{}
		base := rapidSeed(e.opt.Seed)
		for i := range e.opt.Runs {
			if f, ok := e.draw(base, i); ok {
				fn(e, rs, i, f)
			}
		}
	}
}
