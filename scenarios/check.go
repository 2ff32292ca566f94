package scenarios

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// This file is `maintsim check`: property-based exploration of random
// worlds (or of random perturbations of given scenarios) with every
// invariant checked on every case. Generation and shrinking are rapid's:
// the property runs inside rapid.Check with a private testing.TB, and the
// last failing case rapid hands the property is the shrunk one. It is
// written to disk as a scenario file that `maintsim run` reproduces. The
// cases before the first failure run in parallel (check_parallel.go), each
// drawn exactly as rapid.Check would draw it, so the parallel search finds
// what the sequential one does.

// CheckOptions configure one exploration.
type CheckOptions struct {
	Runs int    // cases to try (default 100)
	Seed uint64 // exploration seed: the same seed explores the same cases
	// Bases are scenarios to perturb (action times, durations, extra
	// actions); empty explores random worlds drawn with Gen.
	Bases []BaseScenario
	Gen   GenConfig
	// Mutants runs the model with these deliberate defects (selftest).
	Mutants model.Mutant
	// Invariants to check; nil: the whole catalogue.
	Invariants []Invariant
	// NoShrink reports the first failing case as found.
	NoShrink bool
	// ShrinkTime bounds shrinking (wall clock; default 5 minutes). Shrinking
	// small cases ends long before it, which keeps output deterministic.
	ShrinkTime time.Duration
	// Collect runs every case and counts the invariants each violates
	// instead of stopping at the first failure (selftest's table).
	Collect bool
	// Limits bound each case's run (default CheckLimits).
	Limits sim.Limits
	// Workers is how many cases Check runs in parallel (0: one per CPU).
	// The result does not depend on it: the cases, the first failing one
	// and its shrinking are the same (check_parallel.go).
	Workers int
	// FoundBy names the command that finds the counterexample again, for
	// its name: line (default "maintsim check --seed N").
	FoundBy string
}

// BaseScenario is a scenario file to perturb.
type BaseScenario struct {
	Path string
	File *File
}

// CheckLimits bound a generated case: a few thousand events are plenty, so
// a runaway model is reported, not waited for.
var CheckLimits = sim.Limits{MaxEvents: 2_000_000, MaxSpan: 400 * 24 * time.Hour}

// ErrorCheck is the pseudo invariant ID under which a run that the model
// itself refused (a transition error, a limit, a panic) is reported.
const ErrorCheck = "ERROR"

// CheckResult is what an exploration found.
type CheckResult struct {
	Seed uint64
	Runs int // cases run (up to and including the first failure)
	// Caught counts, per invariant ID (and ErrorCheck), the cases that
	// violated it; in Collect mode over every case.
	Caught map[string]int
	// Excluded lists invariants that an unperturbed base scenario already
	// violates; ExcludedBy says which base: each is not searched for in
	// the perturbations of that base only.
	Excluded       []string
	ExcludedBy     map[string][]string // base path → invariant IDs
	Counterexample *Counterexample
	// AsWritten names the base file whose scenario, as written, already
	// violates the counterexample's invariant without its expect: saying
	// so: check reports it (exit 1) instead of searching around it.
	AsWritten string
}

// Counterexample is a minimal failing case.
type Counterexample struct {
	Invariant  string            // the invariant that fails (or ErrorCheck)
	File       *File             // the scenario, with `expect: - invariants: hold`
	YAML       []byte            // File as a scenario file
	Violations []InvariantResult // the invariants it violates
	Err        string            // the run's error, for ErrorCheck
	Shrunk     bool
	Mutants    model.Mutant // the broken model it fails under; 0: the real one
	Path       string       // where WriteCounterexample put it
}

// caseResult is one case's verdict.
type caseResult struct {
	violated []string // IDs in catalogue order; ErrorCheck first if the run failed
	results  []InvariantResult
	err      string
}

// runCase compiles f and simulates it with the invariants online.
func runCase(f *File, opt *CheckOptions) caseResult { return runCaseWith(nil, f, opt) }

// runCaseWith is runCase reusing rs's compiler, machine, loop and
// invariant set (a check worker's; nil for none).
func runCaseWith(rs *reuse, f *File, opt *CheckOptions) (res caseResult) {
	defer func() {
		if p := recover(); p != nil {
			if rs != nil {
				*rs = reuse{} // a run cut short by a panic may leave any of it half changed
			}
			res = caseResult{violated: []string{ErrorCheck}, err: fmt.Sprintf("panic: %v\n%s", p, debug.Stack())}
		}
	}()
	sc, err := rs.compile(f)
	if err != nil {
		return caseResult{violated: []string{ErrorCheck}, err: "generated scenario does not compile: " + err.Error()}
	}
	spec := *sc.Spec
	spec.Mutants = opt.Mutants
	set := rs.invariants(opt.Invariants)
	limits := opt.Limits
	if limits == (sim.Limits{}) {
		limits = CheckLimits
	}
	// A scenario's own limits: block holds for its perturbations too, as
	// it does for `maintsim run`.
	if sc.Limits.MaxEvents > 0 {
		limits.MaxEvents = sc.Limits.MaxEvents
	}
	if sc.Limits.MaxSpan > 0 {
		limits.MaxSpan = sc.Limits.MaxSpan
	}
	if _, err := simulate(rs, &spec, limits, set); err != nil {
		res.violated, res.err = []string{ErrorCheck}, err.Error()
	}
	if set.anyViolated() { // most cases hold: no results to build then
		res.results = set.results()
		for _, r := range res.results {
			if !r.Holds {
				res.violated = append(res.violated, r.ID)
			}
		}
	}
	return res
}

// Check explores opt.Runs cases. It returns a counterexample when an
// invariant fails (shrunk unless NoShrink), and an error for a base
// scenario that does not compile. The cases run on opt.Workers cores; the
// result is the same for any number of workers (check_parallel.go).
func Check(opt CheckOptions) (*CheckResult, error) {
	res, _, err := checkParallel(opt)
	return res, err
}

func (opt CheckOptions) withDefaults() CheckOptions {
	if opt.Runs <= 0 {
		opt.Runs = 100
	}
	if opt.Invariants == nil {
		opt.Invariants = Catalogue()
	}
	if opt.ShrinkTime <= 0 {
		opt.ShrinkTime = 5 * time.Minute
	}
	return opt
}

func (opt CheckOptions) shrinkTime() time.Duration {
	if opt.NoShrink {
		return time.Nanosecond // rapid's shrink loop checks its deadline first
	}
	return opt.ShrinkTime
}

// check is an exploration inside withRapid(opt.Runs, rapidSeed(opt.Seed),
// …), which Selftest holds while it runs one check per mutant in parallel:
// rapid's flags stay as they are. Collect mode runs its cases on
// opt.Workers goroutines (≤ 0: one, the caller being parallel already); a
// search for a counterexample runs rapid sequentially, as Check's fallback
// does.
func check(opt CheckOptions) (*CheckResult, error) {
	e, err := newExplorer(opt)
	if err != nil {
		return nil, err
	}
	if e.res.AsWritten != "" {
		return e.result() // nothing to explore: a base fails as written
	}
	if opt.Collect {
		if ex := e.explore(max(opt.Workers, 1)); ex.exact {
			e.collected(ex)
			return e.result()
		}
	}
	e.sequential()
	return e.result()
}

// explorer is one exploration: its options, generator and excluded
// invariants, and what it found.
type explorer struct {
	opt      CheckOptions
	gen      *rapid.Generator[*File]
	excluded []map[string]bool // per base (File.base - 1)
	res      *CheckResult

	// The property's state (property): the target invariant, the last
	// case that violated it, the cases run until the first failure.
	target string
	last   *File
	lastR  caseResult
	cases  int
	// replay is the case a replay's first draw must give (Marshal
	// output); mismatch records that it did not.
	replay   []byte
	mismatch bool
	// rs is what the explorer's own runs reuse from case to case: the
	// bases', the sequential property's and the shrinking's, all on one
	// goroutine (a parallel exploration's workers keep their own).
	rs reuse
}

// newExplorer compiles and runs the base scenarios (what they already
// violate is not searched for) and picks the generator.
func newExplorer(opt CheckOptions) (*explorer, error) {
	e := &explorer{opt: opt, gen: GenFileWith(opt.Gen),
		res: &CheckResult{Seed: opt.Seed, Caught: map[string]int{}}}
	if len(opt.Bases) > 0 {
		for _, b := range opt.Bases {
			if _, err := Compile(b.Path, b.File); err != nil {
				return nil, err
			}
			base := runCaseWith(&e.rs, withHold(b.File), &e.opt)
			if base.err != "" && e.opt.Mutants == 0 {
				// As written, the scenario does not run to its end (a limit,
				// a world the model refuses): what `maintsim run` reports as
				// bad input is bad input here too, not a silent exclusion.
				return nil, fmt.Errorf("%s: the scenario as written does not run: %s", b.Path, base.err)
			}
			ex := map[string]bool{}
			for _, id := range base.violated {
				if e.opt.Mutants == 0 && id != ErrorCheck && !expectsViolated(b.File, id) && e.last == nil {
					// The file as written breaks an invariant it does not
					// expect broken: that is the finding, not something to
					// search around (a pitfall example expects its own).
					f := *b.File
					e.target, e.last, e.lastR = id, &f, base
					e.res.AsWritten = b.Path
					continue
				}
				ex[id] = true
				if !slices.Contains(e.res.Excluded, id) {
					e.res.Excluded = append(e.res.Excluded, id)
				}
				if e.res.ExcludedBy == nil {
					e.res.ExcludedBy = map[string][]string{}
				}
				if !slices.Contains(e.res.ExcludedBy[b.Path], id) { // a path given twice
					e.res.ExcludedBy[b.Path] = append(e.res.ExcludedBy[b.Path], id)
				}
			}
			e.excluded = append(e.excluded, ex)
		}
		slices.Sort(e.res.Excluded)
		e.gen = GenPerturbations(opt.Bases, opt.Gen)
	}
	return e, nil
}

// bad lists the invariants r, the result of case f, violates that are
// searched for in f: what f's base already violates as written is not.
func (e *explorer) bad(f *File, r caseResult) []string {
	var ex map[string]bool
	if f.base > 0 {
		ex = e.excluded[f.base-1]
	}
	var bad []string
	for _, id := range r.violated {
		if !ex[id] {
			bad = append(bad, id)
		}
	}
	return bad
}

// reset forgets what a property run found (before the fallback).
func (e *explorer) reset() {
	e.res.Caught, e.res.Runs = map[string]int{}, 0
	e.target, e.last, e.lastR, e.cases = "", nil, caseResult{}, 0
	e.replay, e.mismatch = nil, false
}

// sequential is the exploration as rapid runs it, one case after another
// with the flags withRapid(opt.Runs, rapidSeed(opt.Seed), …) set: the
// reference the parallel exploration reproduces, and its fallback.
func (e *explorer) sequential() {
	e.reset()
	rapid.Check(&rapidTB{name: "maintsim-check"}, e.property)
	e.res.Runs = e.cases
}

// property is the check as a rapid property. Unless the target is known
// already (a replay), the first failing case fixes it and counts what it
// violates; from then on the property fails on the target only, so rapid
// shrinks towards it.
func (e *explorer) property(t *rapid.T) {
	f := e.gen.Draw(t, "scenario")
	if e.replay != nil {
		// A replay's first case must be the one the parallel exploration
		// found failing; later draws are rapid's shrinks.
		y, err := Marshal(f)
		e.mismatch = err != nil || !bytes.Equal(y, e.replay)
		e.replay = nil
	}
	if e.mismatch {
		return
	}
	r := runCaseWith(&e.rs, f, &e.opt)
	if e.target == "" {
		e.cases++
	}
	bad := e.bad(f, r)
	if e.opt.Collect {
		for _, id := range bad {
			e.res.Caught[id]++
		}
		return
	}
	if e.target == "" && len(bad) > 0 {
		e.target = bad[0]
		for _, id := range bad {
			e.res.Caught[id]++
		}
	}
	if e.target != "" && slices.Contains(bad, e.target) {
		e.last, e.lastR = f, r
		t.Fatalf("invariant %s violated", e.target) // one message per target, so rapid shrinks towards it
	}
}

// result is the CheckResult, with the counterexample: the last case rapid
// handed the property that violated the target (the shrunk one).
func (e *explorer) result() (*CheckResult, error) {
	res := e.res
	if e.last == nil {
		return res, nil
	}
	opt := e.opt
	last, lastR := e.last, e.lastR
	if !opt.NoShrink {
		// Without its expect: block (a base as written names its sessions
		// there), so that removing a job or an object still compiles.
		last, lastR = e.minimize(withHold(last), lastR)
	}
	ce := &Counterexample{Invariant: e.target, File: withHold(last), Err: lastR.err, Shrunk: !opt.NoShrink, Mutants: opt.Mutants}
	foundBy := opt.FoundBy
	if foundBy == "" {
		foundBy = fmt.Sprintf("maintsim check --seed %d", opt.Seed)
	}
	ce.File.Name = fmt.Sprintf("counterexample: %s (%s)", e.target, foundBy)
	for _, r := range lastR.results {
		if !r.Holds {
			ce.Violations = append(ce.Violations, r)
		}
	}
	y, err := Marshal(ce.File)
	if err != nil {
		return nil, fmt.Errorf("check: printing the counterexample: %w", err)
	}
	ce.YAML = y
	res.Counterexample = ce
	return res, nil
}

// minimize finishes rapid's shrinking: it removes, one at a time, every
// operator action, tenant, job, object and declared entity (server,
// database, client) without which the case still violates the target and
// makes no finding it did not make before (findings), and repeats until
// nothing more goes. rapid cannot go below the generator's fewest actions
// (selftest draws at least three, often the same one thrice), nor remove
// what a perturbation copied from its base; and an action (or tenant) the
// failure needed only alongside one removed later may go on a later pass.
// A counterexample should show only what it needs: removing any one
// element of it makes the violation go away (or changes it).
func (e *explorer) minimize(f *File, r caseResult) (*File, caseResult) {
	// A mutant's counterexample must hold on the correct model (it shows
	// the mutant, not a runbook mistake): a smaller case must too.
	correct := e.opt
	correct.Mutants = 0
	holds := func(f *File) bool { return e.opt.Mutants == 0 || len(runCaseWith(&e.rs, f, &correct).violated) == 0 }
	if !holds(f) {
		holds = func(*File) bool { return true }
	}
	before := findings(r)
	// try keeps c if it still violates the target, and nothing new:
	// without an action an operator runbook can break (INV-15, INV-X2), a
	// violation of its own. A c that does not compile (an action naming a
	// removed job) violates ErrorCheck only, and is not kept.
	try := func(c *File) bool {
		cr := runCaseWith(&e.rs, c, &e.opt)
		if slices.Contains(cr.violated, e.target) && !slices.ContainsFunc(findings(cr), func(k string) bool { return !slices.Contains(before, k) }) && holds(c) {
			f, r, before = c, cr, findings(cr)
			return true
		}
		return false
	}
	cur := func() *File { return f }
	for changed := true; changed; {
		changed = dropEach(cur, func(x *File) *[]Action { return &x.Actions }, try)
		for ti := len(f.Tenants) - 1; ti >= 0; ti-- {
			c := *f
			c.Tenants = slices.Delete(slices.Clone(f.Tenants), ti, ti+1)
			if try(&c) {
				changed = true
				continue
			}
			if n := f.Tenants[ti].Count; n != nil && *n > 1 {
				for _, k := range fewer(*n) {
					if try(withTenant(f, ti, func(t *Tenant) { t.Count = &k })) {
						changed = true
						break
					}
				}
			}
			for ji := len(f.Tenants[ti].Jobs) - 1; ji >= 0; ji-- {
				if try(withTenant(f, ti, func(t *Tenant) { t.Jobs = slices.Delete(slices.Clone(t.Jobs), ji, ji+1) })) {
					changed = true
					continue
				}
				withObjects := func(edit func(o *Objects)) *File {
					return withTenant(f, ti, func(t *Tenant) {
						t.Jobs = slices.Clone(t.Jobs)
						edit(&t.Jobs[ji].Objects)
					})
				}
				objs := f.Tenants[ti].Jobs[ji].Objects
				if objs.Set != nil && objs.Set.Count > 1 {
					for _, k := range fewer(objs.Set.Count) {
						if try(withObjects(func(o *Objects) { set := *o.Set; set.Count = k; o.Set = &set })) {
							changed = true
							break
						}
					}
				}
				for k := len(objs.Items) - 1; k >= 0 && len(objs.Items) > 1; k-- {
					if try(withObjects(func(o *Objects) { o.Items = slices.Delete(slices.Clone(o.Items), k, k+1) })) {
						changed = true
					}
					objs = f.Tenants[ti].Jobs[ji].Objects
				}
			}
		}
		changed = dropEach(cur, func(x *File) *[]Server { return &x.Servers }, try) || changed
		changed = dropEach(cur, func(x *File) *[]Database { return &x.Databases }, try) || changed
		changed = dropEach(cur, func(x *File) *[]Client { return &x.Clients }, try) || changed
	}
	return f, r
}

// withTenant is a copy of f whose tenant ti is edited by edit (on a copy:
// f and its tenants stay as they are).
func withTenant(f *File, ti int, edit func(t *Tenant)) *File {
	c := *f
	c.Tenants = slices.Clone(f.Tenants)
	edit(&c.Tenants[ti])
	return &c
}

// fewer is what a count n > 1 is tried at, smallest first: one, half, one
// less (a fleet or an object set shrinks in a few runs, not n).
func fewer(n int) []int {
	out := []int{1}
	if h := n / 2; h > 1 {
		out = append(out, h)
	}
	if n-1 > out[len(out)-1] {
		out = append(out, n-1)
	}
	return out
}

// expectsViolated reports whether f's expect: block says invariant id is
// violated ({invariants: {violated: ID}}).
func expectsViolated(f *File, id string) bool {
	for _, x := range f.Expect {
		if x.Invariants != nil && x.Invariants.Violated == id {
			return true
		}
	}
	return false
}

// findings names what a case violates, finer than invariant IDs where one
// invariant judges several rules: INV-X2's X4 pitfalls and X3 order
// findings are told apart, so dropping a runbook step that turns a
// requester-left-set into a no-backup does not pass for the same failure.
func findings(r caseResult) []string {
	var out []string
	for _, ir := range r.results {
		for _, v := range ir.Violations {
			k := ir.ID
			if rest, ok := strings.CutPrefix(v.Message, "X4 pitfall "); ok {
				name, _, _ := strings.Cut(rest, ":")
				k += " X4 " + name
			} else if strings.HasPrefix(v.Message, "X3") {
				rule, _, _ := strings.Cut(v.Message, ":")
				k += " " + rule
			}
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	if r.err != "" {
		out = append(out, ErrorCheck)
	}
	return out
}

// withHold returns a copy of f that expects every invariant to hold and
// nothing else, so `maintsim run` exits 1 on a counterexample.
func withHold(f *File) *File {
	c := *f
	c.Expect = []Expect{{Invariants: &InvariantsExpect{Hold: true}}}
	return &c
}

// CounterexamplePath is where a check with this seed writes its
// counterexample.
func CounterexamplePath(dir string, seed uint64) string {
	return filepath.Join(dir, "maintsim-counterexample-"+strconv.FormatUint(seed, 10)+".yaml")
}

// WriteCounterexample writes ce's YAML to path, with a header saying how
// it was found and how to replay it.
func WriteCounterexample(ce *Counterexample, path string, seed uint64, command string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Counterexample found by: %s\n", command)
	if ce.Mutants != 0 {
		names := ce.Mutants.Names()
		fmt.Fprintf(&b, "# It violates %s under the deliberately broken model %s; the real model holds on it.\n", ce.Invariant, strings.Join(names, ", "))
	} else {
		fmt.Fprintf(&b, "# It violates %s. Replay: maintsim run %s\n", ce.Invariant, ShellQuote(path))
	}
	b.Write(ce.YAML)
	if err := writeWhole(path, []byte(b.String())); err != nil {
		return err
	}
	ce.Path = path
	return nil
}

// writeWhole writes data to path through a temporary file renamed into
// place, so an interrupted check never leaves half a counterexample that
// would load as a smaller scenario.
func writeWhole(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// rapidSeed maps the user's seed to rapid's, which must not be 0 (0 asks
// rapid for a random seed).
func rapidSeed(seed uint64) uint64 {
	s := sim.SubSeed(seed, 0)
	if s == 0 {
		s = 1
	}
	return s
}

// rapidMu serialises uses of rapid's flags, which are process-wide.
var rapidMu sync.Mutex

// withRapid runs fn with rapid's command-line settings set for one
// exploration: the number of cases, the seed, no fail files, a shrink
// budget. Outside `go test` (the CLI) the testing flags rapid reads are
// registered first.
func withRapid(checks int, seed uint64, shrink time.Duration, fn func()) {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	if flag.Lookup("test.short") == nil {
		testing.Init()
	}
	if !flag.Parsed() {
		_ = flag.CommandLine.Parse(nil)
	}
	set := map[string]string{
		"rapid.checks":     strconv.Itoa(checks),
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.nofailfile": "true",
		"rapid.failfile":   "",
		"rapid.shrinktime": shrink.String(),
		"rapid.v":          "false",
		"rapid.log":        "false",
		"rapid.debug":      "false",
		"test.short":       "false",
	}
	old := map[string]string{}
	for k, v := range set {
		f := flag.Lookup(k)
		if f == nil {
			continue
		}
		old[k] = f.Value.String()
		_ = f.Value.Set(v)
	}
	defer func() {
		for k, v := range old {
			_ = flag.Lookup(k).Value.Set(v)
		}
	}()
	fn()
}

// rapidTB is the testing.TB rapid reports to when the checker runs it:
// failures are recorded (the property keeps the failing case), logs are
// dropped.
type rapidTB struct {
	name   string
	failed bool
	msgs   []string
}

var _ rapid.TB = (*rapidTB)(nil)

func (t *rapidTB) Helper()                          {}
func (t *rapidTB) Name() string                     { return t.name }
func (t *rapidTB) Logf(string, ...any)              {}
func (t *rapidTB) Log(...any)                       {}
func (t *rapidTB) Skipf(format string, args ...any) { t.SkipNow() }
func (t *rapidTB) Skip(args ...any)                 { t.SkipNow() }
func (t *rapidTB) SkipNow()                         { panic(errors.New("check: rapid asked to skip")) }
func (t *rapidTB) Errorf(format string, args ...any) {
	t.failed = true
	if len(t.msgs) < 10 {
		t.msgs = append(t.msgs, fmt.Sprintf(format, args...))
	}
}
func (t *rapidTB) Error(args ...any)                 { t.Errorf("%s", fmt.Sprint(args...)) }
func (t *rapidTB) Fatalf(format string, args ...any) { t.Errorf(format, args...) }
func (t *rapidTB) Fatal(args ...any)                 { t.Error(args...) }
func (t *rapidTB) FailNow()                          { t.failed = true }
func (t *rapidTB) Fail()                             { t.failed = true }
func (t *rapidTB) Failed() bool                      { return t.failed }

// dropEach tries the file cur returns without each entry of one of its
// lists in turn, last first, and reports whether try kept a removal (try
// makes the smaller file current).
func dropEach[T any](cur func() *File, list func(*File) *[]T, try func(*File) bool) (changed bool) {
	for i := len(*list(cur())) - 1; i >= 0; i-- {
		c := *cur()
		l := list(&c)
		*l = slices.Delete(slices.Clone(*l), i, i+1)
		changed = try(&c) || changed
	}
	return changed
}
