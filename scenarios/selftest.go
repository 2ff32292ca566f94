package scenarios

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/maintsim/maintsim/model"
)

// This file is `maintsim selftest`: every built-in mutant (a deliberately
// broken model, model.Mutants) is explored with `check`, and the result is
// a table of which invariants caught which mutant. An invariant that no
// mutant trips could never fail, and a mutant that no invariant catches is
// a defect the catalogue misses: either makes the selftest fail.

// SelftestRuns is the default number of cases per mutant: with
// SelftestGenConfig and seed 1 every mutant is caught several times over.
const SelftestRuns = 400

// SelftestGenConfig is the generator the selftest explores with: more
// actions than `check`'s default, so that stops, faults and maintenance
// land on running sessions often.
func SelftestGenConfig() GenConfig {
	kinds := append(append([]string(nil), genActionKinds...), genFaultKinds...)
	// Message changes and stops are what the rarest mutants need
	// (message-no-restart, stop-removes-rp): draw them more often.
	kinds = append(kinds, "set_maintenance_message", "stop_job", "stop_job", "enable_maintenance")
	return GenConfig{MaxServers: 2, MaxTenants: 3, MaxJobs: 3, MaxObjects: 6, MinActions: 3, MaxActions: 16,
		Horizon: 12 * time.Hour, Faults: true, ActionKinds: kinds}
}

// VCCMutants lists the built-in mutants of the Cloud Connect (vcc)
// profile's model, which the generators and INV-01…INV-16 explore; the
// Exchange profile's mutants belong to its own invariants.
func VCCMutants() []model.MutantInfo {
	var out []model.MutantInfo
	for _, m := range model.Mutants() {
		if m.Mutant.Profile() == "vcc" {
			out = append(out, m)
		}
	}
	return out
}

// SelftestOptions configure a selftest.
type SelftestOptions struct {
	Runs    int    // cases per mutant (default SelftestRuns)
	Seed    uint64 // exploration seed (the same cases for every mutant)
	Gen     GenConfig
	Mutants []model.MutantInfo // nil: VCCMutants
	// Shrink also finds one minimal counterexample per mutant.
	Shrink  bool
	Workers int // mutants explored in parallel (default GOMAXPROCS)
}

// SelftestResult is the mutant × invariant table.
type SelftestResult struct {
	Seed       uint64
	Runs       int
	Mutants    []string // in model.Mutants order
	Invariants []string // catalogue order
	// Caught[m][i] counts the cases of mutant m that violated invariant i.
	Caught [][]int
	// Errors[m] counts the cases the mutant model refused outright (a
	// transition error): not an invariant's catch.
	Errors []int
	// Baseline counts violations of the correct model over the same cases
	// (invariant ID → cases): anything here is a false alarm or a model bug.
	Baseline        map[string]int
	Uncaught        []string          // mutants no invariant caught
	Unexercised     []string          // invariants no mutant tripped
	Counterexamples []*Counterexample // per mutant, with Shrink
}

// Passed is the exit-0 rule: every mutant caught, every invariant tripped
// by some mutant, and the correct model clean.
func (r *SelftestResult) Passed() bool {
	return len(r.Uncaught) == 0 && len(r.Unexercised) == 0 && len(r.Baseline) == 0
}

// CaughtBy lists the invariants that caught mutant m.
func (r *SelftestResult) CaughtBy(mutant string) []string {
	var out []string
	for m, name := range r.Mutants {
		if name != mutant {
			continue
		}
		for i, id := range r.Invariants {
			if r.Caught[m][i] > 0 {
				out = append(out, id)
			}
		}
	}
	return out
}

// Selftest explores every mutant with the same cases and tabulates which
// invariants caught it.
func Selftest(opt SelftestOptions) (*SelftestResult, error) {
	if opt.Runs <= 0 {
		opt.Runs = SelftestRuns
	}
	if opt.Gen.IsZero() {
		opt.Gen = SelftestGenConfig()
	}
	if opt.Mutants == nil {
		opt.Mutants = VCCMutants()
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	// The invariants of the mutants' profiles: the vcc ones judge Cloud
	// Connect traces, INV-X1..X3 exchange traces (Invariant.Profile).
	profiles := map[string]bool{}
	for _, m := range opt.Mutants {
		profiles[profileOf(m.Mutant.Profile())] = true
	}
	var invs []Invariant
	for _, inv := range Catalogue() {
		if profiles[inv.Profile] {
			invs = append(invs, inv)
		}
	}
	res := &SelftestResult{Seed: opt.Seed, Runs: opt.Runs, Baseline: map[string]int{},
		Caught: make([][]int, len(opt.Mutants)), Errors: make([]int, len(opt.Mutants)),
		Counterexamples: make([]*Counterexample, len(opt.Mutants))}
	for _, inv := range invs {
		res.Invariants = append(res.Invariants, inv.ID)
	}
	base := CheckOptions{Runs: opt.Runs, Seed: opt.Seed, Gen: opt.Gen, Invariants: invs, Collect: true}.withDefaults()
	// Job 0 is the correct model; job m+1 is mutant m. Each explores the
	// worlds of its profile: exchange mutants exchange worlds (and then the
	// correct model runs on those too).
	type job struct {
		idx int
		mut model.Mutant
		gen GenConfig
	}
	genFor := func(m model.Mutant) GenConfig {
		if m.Profile() != "exchange" || base.Gen.Profile == "exchange" {
			return base.Gen
		}
		return SelftestExchangeGenConfig()
	}
	jobs := make(chan job)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	withRapid(base.Runs, rapidSeed(base.Seed), base.shrinkTime(), func() {
		for range opt.Workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					o := base
					o.Mutants, o.Gen = j.mut, j.gen
					r, err := check(o)
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = err
					}
					if err == nil && j.idx == 0 {
						for id, n := range r.Caught {
							res.Baseline[id] += n
						}
					} else if err == nil {
						row := make([]int, len(invs))
						for i, inv := range invs {
							row[i] = r.Caught[inv.ID]
						}
						res.Caught[j.idx-1], res.Errors[j.idx-1] = row, r.Caught[ErrorCheck]
					}
					mu.Unlock()
				}
			}()
		}
		jobs <- job{idx: 0, gen: base.Gen}
		if slices.ContainsFunc(opt.Mutants, func(mi model.MutantInfo) bool { return mi.Mutant.Profile() == "exchange" }) && base.Gen.Profile != "exchange" {
			jobs <- job{idx: 0, gen: SelftestExchangeGenConfig()}
		}
		for m, mi := range opt.Mutants {
			jobs <- job{idx: m + 1, mut: mi.Mutant, gen: genFor(mi.Mutant)}
		}
		close(jobs)
		wg.Wait()
	})
	if firstErr != nil {
		return nil, firstErr
	}
	for m, mi := range opt.Mutants {
		res.Mutants = append(res.Mutants, mi.Name)
		if !slices.ContainsFunc(res.Caught[m], func(n int) bool { return n > 0 }) {
			res.Uncaught = append(res.Uncaught, mi.Name)
		}
	}
	for i, id := range res.Invariants {
		tripped := false
		for m := range res.Mutants {
			tripped = tripped || res.Caught[m][i] > 0
		}
		if !tripped {
			res.Unexercised = append(res.Unexercised, id)
		}
	}
	if opt.Shrink {
		for m, mi := range opt.Mutants {
			if slices.Contains(res.Uncaught, mi.Name) {
				continue
			}
			o := base
			o.Collect, o.Mutants, o.Gen = false, mi.Mutant, genFor(mi.Mutant)
			o.FoundBy = fmt.Sprintf("maintsim selftest --seed %d --runs %d --shrink --mutant %s", base.Seed, base.Runs, mi.Name)
			r, err := Check(o)
			if err != nil {
				return nil, err
			}
			res.Counterexamples[m] = r.Counterexample
		}
	}
	return res, nil
}

// WriteTable prints the mutant × invariant table: a count of the cases in
// which each invariant caught each mutant, "." for none.
func (r *SelftestResult) WriteTable(w io.Writer) {
	nameW := len("MUTANT")
	for _, m := range r.Mutants {
		nameW = max(nameW, len(m))
	}
	short := make([]string, len(r.Invariants))
	for i, id := range r.Invariants {
		short[i] = strings.TrimPrefix(id, "INV-")
	}
	fmt.Fprintf(w, "%-*s", nameW, "MUTANT")
	for _, s := range short {
		fmt.Fprintf(w, " %4s", s)
	}
	fmt.Fprintf(w, "  %s\n", "CAUGHT BY")
	for m, name := range r.Mutants {
		fmt.Fprintf(w, "%-*s", nameW, name)
		for i := range r.Invariants {
			if n := r.Caught[m][i]; n > 0 {
				fmt.Fprintf(w, " %4d", n)
			} else {
				fmt.Fprintf(w, " %4s", ".")
			}
		}
		by := r.CaughtBy(name)
		verdict := strings.Join(by, ", ")
		if len(by) == 0 {
			verdict = "NOT CAUGHT"
		}
		if r.Errors[m] > 0 {
			verdict += fmt.Sprintf(" (model refused %d cases)", r.Errors[m])
		}
		fmt.Fprintf(w, "  %s\n", verdict)
	}
	fmt.Fprintf(w, "%-*s", nameW, "(correct model)")
	for _, id := range r.Invariants {
		if n := r.Baseline[id]; n > 0 {
			fmt.Fprintf(w, " %4d", n)
		} else {
			fmt.Fprintf(w, " %4s", ".")
		}
	}
	if n := r.Baseline[ErrorCheck]; n > 0 {
		fmt.Fprintf(w, "  model refused %d cases", n)
	}
	fmt.Fprintln(w)
}
