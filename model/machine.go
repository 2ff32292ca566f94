package model

import "fmt"

// TransitionError is an illegal move of one of the model's machines: a bug in
// the model (or a mutant), never a user error. It names the machine, the
// state it was in and the event that was refused.
type TransitionError struct {
	Machine string // "session", "task", "world"
	Entity  string
	State   string
	Event   string
}

func (e *TransitionError) Error() string {
	if e.Entity != "" {
		return fmt.Sprintf("model: %s %s: event %q not allowed in state %s", e.Machine, e.Entity, e.Event, e.State)
	}
	return fmt.Sprintf("model: %s: event %q not allowed in state %s", e.Machine, e.Event, e.State)
}

// SessionTransitions is the session machine: Starting → Working →
// Stopping → Stopped. Working → Working is a new S8 attempt.
var SessionTransitions = map[SessionState][]SessionState{
	SessionStarting: {SessionWorking, SessionStopped},
	SessionWorking:  {SessionWorking, SessionStopping, SessionStopped},
	SessionStopping: {SessionStopped},
}

// TaskTransitions is the task machine: phases in order, and any live phase
// may end (Done) early when the task is failed or canceled.
var TaskTransitions = map[Phase][]Phase{
	PhasePending:  {PhaseSnapshot, PhaseDone},
	PhaseSnapshot: {PhaseTransfer, PhaseDone},
	PhaseTransfer: {PhaseCommit, PhaseDone},
	PhaseCommit:   {PhaseDone},
}

// tables are the maps above flattened for the hot path.
var (
	sessionOK [4][4]bool
	taskOK    [5][5]bool
)

func init() {
	for from, tos := range SessionTransitions {
		for _, to := range tos {
			sessionOK[from][to] = true
		}
	}
	for from, tos := range TaskTransitions {
		for _, to := range tos {
			taskOK[from][to] = true
		}
	}
}

func (w *World) sessionName(s *session) string {
	j := &w.jobs[s.job]
	return fmt.Sprintf("%s/%s#%d", w.tenants[j.Tenant].Name, j.Name, s.n)
}

func (w *World) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *World) moveSession(s *session, to SessionState, event string) {
	if !sessionOK[s.state][to] {
		w.fail(&TransitionError{Machine: "session", Entity: w.sessionName(s), State: s.state.String(), Event: event})
		return
	}
	s.state = to
}

func (w *World) moveTask(t *task, to Phase, event string) bool {
	if !taskOK[t.phase][to] {
		s := &w.sessions[t.sess]
		w.fail(&TransitionError{Machine: "task", Entity: w.sessionName(s) + "/" + w.jobs[s.job].Objects[t.obj].Name,
			State: t.phase.String(), Event: event})
		return false
	}
	t.phase = to
	return true
}
