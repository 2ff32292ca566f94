package scenarios

import "unsafe"

// A check worker runs thousands of small cases one after another; building
// a fresh invariant set for each (sixteen checkers, the catalog, their
// per-entity arrays) was half of what a case allocated, and with two
// workers the allocator's share of a case nearly doubled (it sweeps and
// zeroes on the worker's own time once no core is idle: BENCHMARKS.md,
// item 56). So a worker keeps one set and resets it between cases.
//
// Every renew below has one shape: the checker is rebuilt as a struct
// literal, with what its constructor set and each slice it keeps cut to
// length zero. A field a renew leaves out therefore starts from its zero
// value, as in a fresh checker: forgetting one costs an allocation, not a
// wrong verdict. A kept slice may be cut to zero only because every
// checker grows its per-entity slices with at, atGrow or rowAt, which
// zero each entry they bring back into length, or appends to it. Two
// specs hold it: "a renewed invariant set" (invariants_reset_test.go)
// compares a renewed set with a fresh one field by field after runs under
// every mutant, and "a worker's reused world, loop and invariants"
// (check_parallel_test.go) judges each case with both and wants the same
// results.

// renewer is implemented by the checkers a set can renew in place; the
// set builds the others afresh (invariantSet.reset).
type renewer interface{ renew() }

// reuses reports whether s was built for exactly invs (the same slice, as
// a check worker's options hold it).
func (s *invariantSet) reuses(invs []Invariant) bool {
	return len(s.invs) == len(invs) && unsafe.SliceData(s.invs) == unsafe.SliceData(invs)
}

// reset readies s for a new run, keeping its checkers' storage. A checker
// that was not active in the last run was not touched by it.
func (s *invariantSet) reset() {
	s.cat.reset()
	for i, c := range s.checkers {
		switch r, ok := c.(renewer); {
		case !s.active[i]:
		case ok:
			r.renew()
		default:
			s.checkers[i] = s.invs[i].New(s.cat)
		}
	}
	s.built = false
	s.setProfile("")
}

// reset empties the catalog for a new run, keeping its storage.
func (c *Catalog) reset() {
	*c = Catalog{
		Servers: c.Servers[:0], Tenants: c.Tenants[:0], Jobs: c.Jobs[:0],
		TenantServer: c.TenantServer[:0], JobTenant: c.JobTenant[:0],
		JobFlags: c.JobFlags[:0], ServerFlags: c.ServerFlags[:0], TenantFlags: c.TenantFlags[:0],
		facts: c.facts[:0], rows: c.rows[:0], tenRows: c.tenRows[:0], objRows: c.objRows[:0],
		objBase: c.objBase[:0], tasks: c.tasks.renewed(), srvInProc: c.srvInProc[:0],
	}
}

// renewed is c as newChecker made it. Violations are not kept: a case's
// results hold them after the next case starts.
func (c *checker) renewed() checker { return checker{cat: c.cat, id: c.id, rules: c.rules} }

func (t *taskTable[V]) renewed() taskTable[V] {
	return taskTable[V]{vals: t.vals[:0], keys: t.keys[:0], free: t.free[:0], other: t.other.renewed()}
}

// renewed keeps the table's arrays only at the size a fresh table first
// grows to: the order of each depends on the size, and a larger table
// would make a case's evidence depend on the cases before it.
func (t *liveTable[V]) renewed() liveTable[V] {
	if len(t.keys) != 16 {
		return liveTable[V]{}
	}
	clear(t.keys)
	clear(t.vals)
	return liveTable[V]{keys: t.keys, vals: t.vals}
}

func (f *faults) renewed() faults {
	return faults{srvDown: f.srvDown[:0], srvSeq: f.srvSeq[:0], tenOff: f.tenOff[:0], tenSeq: f.tenSeq[:0]}
}

func (m *maintenance) renewed() maintenance {
	return maintenance{on: m.on[:0], enable: m.enable[:0]}
}

func (c *inv01) renew() { *c = inv01{checker: c.renewed()} }

func (c *inv02) renew() {
	*c = inv02{checker: c.renewed(), f: c.f.renewed(), m: c.m.renewed(),
		seq: c.seq[:0], sess: c.sess[:0], starts: c.starts[:0]}
}

func (c *inv03) renew() {
	*c = inv03{checker: c.renewed(), m: c.m.renewed(), enables: c.enables[:0], sess: c.sess[:0]}
}

func (c *inv04) renew() {
	*c = inv04{checker: c.renewed(), f: c.f.renewed(), m: c.m.renewed(),
		marked: c.marked.renewed(), jobStop: c.jobStop[:0]}
}

func (c *invMessage) renew() {
	*c = invMessage{checker: c.renewed(), shown: c.shown, srv: c.srv[:0], sess: c.sess[:0],
		decided: c.decided[:0], notices: c.notices[:0]}
}

func (c *inv07) renew() { *c = inv07{checker: c.renewed()} }

func (c *inv08) renew() { *c = inv08{checker: c.renewed()} }

func (c *inv09) renew() { *c = inv09{checker: c.renewed(), stops: c.stops[:0]} }

func (c *inv10) renew() {
	*c = inv10{checker: c.renewed(), f: c.f.renewed(), stops: c.stops[:0], must: c.must.renewed()}
}

func (c *inv11) renew() { *c = inv11{checker: c.renewed()} }

func (c *inv12) renew() { *c = inv12{checker: c.renewed(), f: c.f.renewed(), phase: c.phase.renewed()} }

func (c *inv13) renew() {
	*c = inv13{checker: c.renewed(), f: c.f.renewed(), m: c.m.renewed(), srv: c.srv[:0], marked: c.marked.renewed()}
}

func (c *inv14) renew() {
	*c = inv14{checker: c.renewed(), disable: c.disable[:0], pending: c.pending[:0]}
}

func (c *inv15) renew() {
	*c = inv15{checker: c.renewed(), enabled: c.enabled[:0], change: c.change[:0]}
}

func (c *inv16) renew() {
	*c = inv16{checker: c.renewed(), f: c.f.renewed(), ev: c.ev[:0], fails: c.fails[:0]}
}
