package scenarios

import (
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
	New       func(c *Catalog) Checker
}

// Checker observes one run for one invariant.
type Checker interface {
	Observe(r model.Record)
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
	Violations []Violation `json:"violations,omitempty"`
}

// invariantSet runs a list of checkers behind one shared catalog.
type invariantSet struct {
	cat      *Catalog
	invs     []Invariant
	checkers []Checker
}

func newInvariantSet(invs []Invariant) *invariantSet {
	s := &invariantSet{cat: &Catalog{}, invs: invs}
	for _, inv := range invs {
		s.checkers = append(s.checkers, inv.New(s.cat))
	}
	return s
}

func (s *invariantSet) Observe(r model.Record) {
	if r.Decl != nil {
		s.cat.Observe(r)
	}
	for _, c := range s.checkers {
		c.Observe(r)
	}
}

func (s *invariantSet) results() []InvariantResult {
	out := make([]InvariantResult, len(s.invs))
	for i, inv := range s.invs {
		v := s.checkers[i].Violations()
		out[i] = InvariantResult{ID: inv.ID, Name: inv.Name, Rules: inv.Rules, Holds: len(v) == 0, Violations: v}
	}
	return out
}
