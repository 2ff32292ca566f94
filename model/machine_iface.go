package model

import (
	"fmt"

	"github.com/maintsim/maintsim/sim"
)

// Machine is what the engine drives: the Cloud Connect [World] and the
// Exchange profile implement it, so the loop, observers, invariants, trace,
// CLI and reports are shared by every profile.
type Machine interface {
	// Init declares every entity and schedules the first events.
	Init() (Ready, error)
	// Step applies one event at time now.
	Step(now sim.Time, ev Event) (Ready, error)
	// Finish publishes the end-of-run record.
	Finish(now sim.Time) Ready
}

var _ Machine = (*World)(nil)

// profiles maps a semantics profile to its machine constructor. The vcc
// profile is built in; others register themselves (see exchange.go).
var profiles = map[string]func(*Spec) (Machine, error){
	"vcc": func(s *Spec) (Machine, error) { return NewWorld(s) },
	"":    func(s *Spec) (Machine, error) { return NewWorld(s) },
}

// NewMachineReusing is NewMachine for a caller that builds one machine
// after another on one goroutine (check's workers): a Cloud Connect world
// is built in old's place when old is one, reusing its storage, which is
// still in the core's cache (see newWorld). old must not be used again,
// nor its records: their declarations are rewritten.
func NewMachineReusing(old Machine, spec *Spec) (Machine, error) {
	if w, ok := old.(*World); ok && (spec.Semantics.Profile == "" || spec.Semantics.Profile == "vcc") {
		return newWorld(w, spec)
	}
	return NewMachine(spec)
}

// NewMachine builds the machine for the spec's profile.
func NewMachine(spec *Spec) (Machine, error) {
	mk, ok := profiles[spec.Semantics.Profile]
	if !ok {
		return nil, &TransitionError{Machine: "world", State: "new", Event: "profile " + spec.Semantics.Profile}
	}
	return mk(spec)
}

// outbox is the part every machine shares: the time of the step being
// applied and the effects decided so far (raft's Ready). Machines embed it,
// so the step preamble and the effect buffer exist once.
type outbox struct {
	now     sim.Time
	ready   Ready
	started bool
}

// Now is the time of the last Step.
func (o *outbox) Now() sim.Time { return o.now }

func (o *outbox) reset() {
	o.ready.Timers = o.ready.Timers[:0]
	o.ready.Records = o.ready.Records[:0]
}

// emit publishes r, stamped with the current time.
func (o *outbox) emit(r Record) {
	r.At = o.now
	o.ready.Records = append(o.ready.Records, r)
}

// after schedules ev at time at.
func (o *outbox) after(at sim.Time, ev Event) {
	o.ready.Timers = append(o.ready.Timers, Timer{At: at, Event: ev})
}

// begin opens a Step at time now: effects cleared, Init done, time monotone.
func (o *outbox) begin(now sim.Time) error {
	o.reset()
	if !o.started {
		return fmt.Errorf("model: Step before Init")
	}
	if now < o.now {
		return fmt.Errorf("model: time went backwards: %s after %s", now, o.now)
	}
	o.now = now
	return nil
}
