package scenarios

import (
	"math/bits"

	"github.com/maintsim/maintsim/model"
)

// Invariant is one entry of the catalogue (shared/spec/INVARIANTS.md): a
// value with an ID, the rules it checks, and a constructor for a streaming
// checker. A checker sees records in order and keeps memory proportional to
// live entities, so the same code judges a live run and a recorded trace.
type Invariant struct {
	ID        string   // "INV-04"
	Name      string   // "in-process-tasks-finish"
	Rules     []string // rule IDs from SEMANTICS.md
	Holds     string   // the "holds when" sentence
	FaultFree bool     // scoped to untouched entities when faults are injected
	// Profile is the semantics profile whose traces it judges: "" for
	// Cloud Connect (vcc), "exchange" for the INV-X invariants. A run or a
	// trace is judged by the invariants of its profile only (the scenario
	// declaration says which), so neither lists the other's.
	Profile string
	New     func(c *Catalog) Checker
}

// Checker observes one run for one invariant.
type Checker interface {
	Observe(r *model.Record)
	// Violations returns what was found (after the end record, liveness
	// violations too). It is capped so a broken model cannot flood memory.
	Violations() []Violation
}

// Violation is one breach of an invariant: which, where, when and the few
// events that show it.
type Violation struct {
	Invariant string   `json:"invariant"`
	Rules     []string `json:"rules"`
	T         int64    `json:"t"`    // nanoseconds since start
	Time      string   `json:"time"` // RFC 3339
	Entities  []string `json:"entities"`
	Message   string   `json:"message"`
	Events    []string `json:"events,omitempty"` // trace lines, oldest first
}

// MaxViolationsPerInvariant bounds what one checker keeps.
const MaxViolationsPerInvariant = 50

// catalogue is filled by invariants.go; Catalogue returns it in ID order.
var catalogue []Invariant

// Catalogue lists every invariant, in ID order.
func Catalogue() []Invariant { return catalogue }

// InvariantResult is the verdict of one invariant on one run.
type InvariantResult struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Rules      []string    `json:"rules"`
	Holds      bool        `json:"holds"`
	Violations []Violation `json:"violations"`
}

// invariantSet runs a list of checkers behind one shared catalog. Only
// the checkers of the trace's profile run and report: the scenario record
// (the first of a trace) sets it; a trace without one is Cloud Connect's.
type invariantSet struct {
	cat      *Catalog
	invs     []Invariant
	checkers []Checker
	active   []bool
	// The active checkers that read record kind k: bit i of byKind[k]
	// stands for checkers[i] (a fixed array: a check case builds a set per
	// case, and a flattened array of interfaces was 8% of its garbage).
	byKind  [64]uint64
	tasks   []taskToucher // the active checkers that keep a table of live tasks
	profile string        // the profile byKind was built for
	built   bool
	// dispatchAll hands every record to every active checker (a test's
	// reference for the narrowed dispatch).
	dispatchAll bool
}

// kindFilter is implemented by checkers that read only some record kinds.
// The kinds may follow the checker's state (INV-04 and INV-13 read task
// records only while they follow tasks in process at an enable, INV-09 and
// INV-10 while a session is stopped, …): a checker whose kinds change says
// so (checker.kindsChanged) and the set rebuilds its dispatch before the
// next record. TestNarrowDispatchJudgesAsEveryRecord holds the narrowing
// to what a set that hands every record to every checker judges.
type kindFilter interface {
	kindMask() kinds
}

// taskToucher is implemented by checkers that keep a table of live tasks
// (taskTable): touchTask loads the value of the object's task in process,
// if any, and returns a byte of it.
type taskToucher interface {
	touchTask(o *objRow) byte
}

func newInvariantSet(invs []Invariant) *invariantSet {
	if len(invs) > 64 {
		panic("scenarios: more than 64 invariants in one set (the kind dispatch keeps them in a bit mask)")
	}
	s := &invariantSet{cat: &Catalog{}, invs: invs, checkers: make([]Checker, 0, len(invs)), active: make([]bool, 0, len(invs))}
	for _, inv := range invs {
		s.checkers = append(s.checkers, inv.New(s.cat))
	}
	s.setProfile("")
	return s
}

// profileOf maps a declared profile to an Invariant.Profile ("" for vcc).
func profileOf(p string) string {
	if p == "vcc" {
		return ""
	}
	return p
}

func (s *invariantSet) setProfile(p string) {
	p = profileOf(p)
	if s.built && s.profile == p {
		return // a trace's scenario record names the profile the set started with
	}
	s.profile, s.built = p, true
	s.active = s.active[:0]
	for _, inv := range s.invs {
		s.active = append(s.active, inv.Profile == p)
	}
	s.tasks = s.tasks[:0]
	for i, c := range s.checkers {
		if t, ok := c.(taskToucher); ok && s.active[i] {
			s.tasks = append(s.tasks, t)
		}
	}
	s.buildKinds()
}

// buildKinds sets byKind from the active checkers' kinds.
func (s *invariantSet) buildKinds() {
	s.byKind = [64]uint64{}
	for i, c := range s.checkers {
		if !s.active[i] {
			continue
		}
		m := allKinds
		if f, ok := c.(kindFilter); ok && !s.dispatchAll {
			m = f.kindMask()
		}
		if m.has(model.RecTaskEnd) {
			m = m&^kindSet(model.RecTaskEnd) | allEnds // dispatched by cause (endKey)
		}
		for ; m != 0; m &= m - 1 {
			s.byKind[bits.TrailingZeros64(uint64(m))] |= 1 << i
		}
	}
}

func (s *invariantSet) Observe(r *model.Record) {
	if r.Decl != nil {
		s.cat.Observe(r)
		if r.Kind == model.RecScenario {
			s.setProfile(r.Decl.Semantics.Profile)
		}
	} else if s.cat.factsStale {
		s.cat.buildFacts()
	}
	key := r.Kind
	if key == model.RecTaskEnd {
		key = endKey(r.Cause)
	}
	for m := s.byKind[key&63]; m != 0; m &= m - 1 {
		s.checkers[bits.TrailingZeros64(m)].Observe(r)
	}
	if liveKinds.has(r.Kind) {
		s.cat.observeTask(r)
	}
	if s.cat.kindsChanged {
		s.cat.kindsChanged = false
		s.buildKinds()
	}
}

// ObserveBatch implements sim.BatchObserver: behind a pipe the set takes a
// chunk of records at once and runs its own loop over them.
func (s *invariantSet) ObserveBatch(rs []model.Record) {
	for i := range rs {
		s.Observe(&rs[i])
	}
}

// Touch implements sim.Toucher: behind a pipe, the set loads the rows a
// chunk of records will read before its checkers read them, then, for each
// task end, the task's entries in the tables of live tasks (on a fleet
// they fall out of cache between a task's start and its end, minutes of
// simulated time and a million records later).
func (s *invariantSet) Touch(rs []model.Record) {
	if !s.cat.touch(rs) {
		return
	}
	var sum byte
	for i := range rs {
		if rs[i].Kind != model.RecTaskEnd {
			continue
		}
		if o := s.cat.loadedRow(rs[i].Job, rs[i].Object); o != nil {
			sum += s.cat.tasks.touch(o.slots[slotLive])
			for _, t := range s.tasks {
				sum += t.touchTask(o)
			}
		}
	}
	s.cat.touched += int32(sum)
}

// anyViolated reports whether an active checker found a violation.
func (s *invariantSet) anyViolated() bool {
	for i, c := range s.checkers {
		if s.active[i] && len(c.Violations()) > 0 {
			return true
		}
	}
	return false
}

func (s *invariantSet) results() []InvariantResult {
	out := make([]InvariantResult, 0, len(s.invs))
	for i, inv := range s.invs {
		if !s.active[i] {
			continue
		}
		v := s.checkers[i].Violations()
		out = append(out, InvariantResult{ID: inv.ID, Name: inv.Name, Rules: inv.Rules, Holds: len(v) == 0, Violations: nonNil(v)})
	}
	return out
}

// allKinds is every record kind there is: what a checker without a kind
// filter reads. (Kinds past the last one cannot be published or read from
// a trace; leaving them out keeps the dispatch array a third shorter, and
// a check case builds one.)
const allKinds = kinds(1)<<model.RecordKindCount - 1

// The set dispatches a task_end by its cause as well as its kind: each
// cause has a key of its own past the record kinds (endKey), so a checker
// that judges only some task ends (INV-03: those failed by maintenance)
// can ask for only those (endCauses). A checker's mask that holds
// RecTaskEnd reads every task end.
const causeCount = int(model.CauseDisabled) + 1

// endKey is the dispatch key of a task_end with cause c.
func endKey(c model.Cause) model.RecordKind {
	if int(c) >= causeCount {
		c = model.CauseNone // not a cause a trace can hold
	}
	return model.RecordKind(model.RecordKindCount + int(c))
}

// endCauses is the mask of the task ends with one of the causes cs.
func endCauses(cs ...model.Cause) kinds {
	var m kinds
	for _, c := range cs {
		m |= 1 << endKey(c)
	}
	return m
}

// allEnds is every task end, whatever its cause.
var allEnds = endCauses(model.CauseNone, model.CauseMaintenance, model.CauseStop, model.CauseFault, model.CauseDisabled)

// Record kinds and the task-end keys must fit the 64-bit kind masks: this
// fails to compile when they do not.
var _ [64 - model.RecordKindCount - causeCount]struct{}
