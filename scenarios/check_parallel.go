package scenarios

import (
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"pgregory.net/rapid"
)

// This file runs `maintsim check`'s cases on several cores and still finds
// exactly what the sequential rapid.Check finds, for any number of
// workers. It leans on how rapid (v1.3) explores: findBug runs case i from
// a bit stream seeded with seed_i = base + 0 + 1 + … + i (it adds the case
// index to the seed before each case), stops at the first failing case,
// and doCheck then replays that case from seed_i and shrinks it. So:
//
//  1. Exploration: workers take case indices 0, 1, 2, … from a shared
//     counter, draw case i from seed_i (Generator.Example, which draws from
//     the same bit stream without a testing.TB) and run it. Once a case
//     fails, no index above the lowest failing one is taken: the cases
//     before it all run, the ones after it are the only ones skipped.
//     Collect mode runs every case and sums the counts, which does not
//     depend on the order.
//  2. Shrinking: the lowest failing case i* fixes the target and the
//     counts exactly as in the sequential search, and rapid.Check runs
//     again with one case and seed_{i*}: its first case is the failing one,
//     and rapid shrinks it as the sequential search would have.
//
// What would break the correspondence at run time — a generator that
// needs more than one attempt for a case (rapid's invalid data: rapid
// skips the case, Example retries), a replay that does not draw the case
// the exploration found — makes Check fall back to the sequential
// rapid.Check. That the seeds line up at all is rapid's internals: the
// spec "draws case i exactly as rapid.Check's property does"
// (check_parallel_test.go) checks it, and must pass after a rapid upgrade.

// checkParallel is Check; fellBack reports that the parallel exploration
// could not stand in for rapid's and the sequential search ran instead.
func checkParallel(opt CheckOptions) (res *CheckResult, fellBack bool, err error) {
	opt = opt.withDefaults()
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	e, err := newExplorer(opt)
	if err != nil {
		return nil, false, err
	}
	if e.res.AsWritten == "" { // else a base fails as written: nothing to explore
		fellBack = e.search()
	}
	res, err = e.result()
	return res, fellBack, err
}

// search explores in parallel and shrinks the first failure, or falls back
// to the sequential search (and reports it).
func (e *explorer) search() (fellBack bool) {
	opt := e.opt
	base := rapidSeed(opt.Seed)
	var ex exploration
	// Example reads rapid's flags (the seed, logging): only under rapidMu.
	withRapid(opt.Runs, base, opt.shrinkTime(), func() { ex = e.explore(opt.Workers) })
	switch {
	case !ex.exact:
	case opt.Collect:
		e.collected(ex)
		return false
	case ex.failed < 0:
		e.res.Runs = opt.Runs
		return false
	case e.shrink(ex):
		return false
	}
	withRapid(opt.Runs, base, opt.shrinkTime(), e.sequential)
	return true
}

// exploration is what the parallel phase found.
type exploration struct {
	// exact: every case up to the first failing one (all of them in
	// Collect mode) was drawn as rapid draws it.
	exact  bool
	failed int      // the lowest failing case; -1: none
	file   *File    // that case
	bad    []string // the searched-for invariants it violates, in order
	caught map[string]int
}

// caseSeed is the seed rapid's findBug draws case i from: it adds the case
// index to the seed before each case, so case i starts from base + 0 + 1 +
// … + i = base + i(i+1)/2 (mod 2⁶⁴, as rapid's sum wraps).
func caseSeed(base uint64, i int) uint64 {
	n := uint64(i)
	if n%2 == 0 {
		return base + n/2*(n+1)
	}
	return base + n*((n+1)/2)
}

// errRetry stops Example's retries of a case the generator could not draw
// at its first attempt.
var errRetry = errors.New("check: the generator retried a case")

// draw is case i of an exploration whose rapid seed is base: what
// rapid.Check's property draws as its case i. ok is false when the
// generator did not draw the case at its first attempt: rapid would have
// counted it invalid (or failed on a panic) where Example tries again, so
// the cases would no longer line up with rapid's.
func (e *explorer) draw(base uint64, i int) (f *File, ok bool) {
	defer func() {
		if recover() != nil {
			f, ok = nil, false
		}
	}()
	attempts := 0
	g := rapid.Custom(func(t *rapid.T) *File {
		attempts++
		if attempts > 1 {
			panic(errRetry) // Example retries a thousand times: make each retry cheap
		}
		return e.gen.Draw(t, "scenario") // the property's one draw
	})
	// Example takes an int and converts it back to uint64: on a 64-bit
	// int (explore checks) the seed round-trips.
	f = g.Example(int(caseSeed(base, i)))
	return f, attempts == 1
}

// explore runs the cases on workers goroutines, with rapid's flags held
// (withRapid) so that Example may read them.
func (e *explorer) explore(workers int) exploration {
	if strconv.IntSize < 64 {
		return exploration{} // Example's int seed cannot carry rapid's 64-bit one
	}
	runs := e.opt.Runs
	workers = max(1, min(workers, runs))
	base := rapidSeed(e.opt.Seed)
	var (
		next atomic.Int64 // the next case to take
		stop atomic.Int64 // the lowest case that failed or drew inexactly
	)
	stop.Store(int64(runs))
	lower := func(i int) {
		for {
			cur := stop.Load()
			if int64(i) >= cur || stop.CompareAndSwap(cur, int64(i)) {
				return
			}
		}
	}
	// Each worker's first event (a failure, or an inexact draw) is its only
	// one: it lowers stop to its index, and indices are taken in order.
	type event struct {
		i       int
		inexact bool
		file    *File
		bad     []string
	}
	type out struct {
		event  *event
		caught map[string]int
	}
	outs := make([]out, workers)
	run := func(w int) {
		o := &outs[w]
		o.caught = map[string]int{}
		rs := &reuse{}
		for {
			i := int(next.Add(1) - 1)
			if i >= runs || int64(i) > stop.Load() {
				return
			}
			f, ok := e.draw(base, i)
			if !ok {
				o.event = &event{i: i, inexact: true}
				lower(i)
				continue
			}
			bad := e.bad(f, runCaseWith(rs, f, &e.opt)) // runCase turns a panic into ErrorCheck
			if e.opt.Collect {
				for _, id := range bad {
					o.caught[id]++
				}
				continue
			}
			if len(bad) > 0 {
				o.event = &event{i: i, file: f, bad: bad}
				lower(i)
			}
		}
	}
	if workers == 1 {
		run(0)
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { run(w) })
		}
		wg.Wait()
	}
	ex := exploration{exact: true, failed: -1, caught: map[string]int{}}
	var first *event
	for _, o := range outs {
		if o.event != nil && (first == nil || o.event.i < first.i) {
			first = o.event
		}
		for id, n := range o.caught {
			ex.caught[id] += n
		}
	}
	switch {
	case first == nil:
	case first.inexact:
		ex.exact = false
	default:
		ex.failed, ex.file, ex.bad = first.i, first.file, first.bad
	}
	return ex
}

// collected takes a Collect exploration's counts: every case ran.
func (e *explorer) collected(ex exploration) {
	e.res.Caught, e.res.Runs = ex.caught, e.opt.Runs
}

// shrink replays the exploration's first failing case under rapid, as the
// only case of a check seeded with that case's seed: rapid's first case is
// the failing one, and it shrinks it exactly as the sequential search would
// have. It reports false when the replay did not draw that case, or the
// case did not fail.
func (e *explorer) shrink(ex exploration) bool {
	e.reset()
	y, err := Marshal(ex.file)
	if err != nil {
		return false
	}
	e.target, e.cases, e.replay = ex.bad[0], ex.failed+1, y
	for _, id := range ex.bad {
		e.res.Caught[id]++
	}
	withRapid(1, caseSeed(rapidSeed(e.opt.Seed), ex.failed), e.opt.shrinkTime(), func() {
		rapid.Check(&rapidTB{name: "maintsim-check"}, e.property)
	})
	e.res.Runs = e.cases
	return e.replay == nil && !e.mismatch && e.last != nil
}
