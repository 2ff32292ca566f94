package model

import "github.com/maintsim/maintsim/sim"

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

// NewMachine builds the machine for the spec's profile.
func NewMachine(spec *Spec) (Machine, error) {
	mk, ok := profiles[spec.Semantics.Profile]
	if !ok {
		return nil, &TransitionError{Machine: "world", State: "new", Event: "profile " + spec.Semantics.Profile}
	}
	return mk(spec)
}
