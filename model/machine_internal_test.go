package model

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/sim"
)

// These specs reach inside the World (package model) to drive its
// machines into illegal moves that no rule produces, and check that each is
// refused with a TransitionError naming the machine, state and event.

func internalWorld() *World {
	GinkgoHelper()
	spec := &Spec{Name: "t", Seed: 1, Until: sim.Time(24 * time.Hour), Semantics: DefaultSemantics(),
		Servers: []ServerSpec{{Name: "cc-01", Version: MustVersion("12")}},
		Tenants: []TenantSpec{{Name: "acme", Server: 0, Client: Client{Product: ProductVBR, Version: MustVersion("12")}}},
		Jobs: []JobSpec{{Name: "nightly", Tenant: 0, Kind: KindBackup, Target: TargetCloudRepository,
			Objects:  []ObjectSpec{{Name: "vm1", SizeBytes: sim.Const(1 << 30), Duration: sim.Const(float64(20 * time.Minute))}},
			Schedule: Schedule{Kind: ScheduleOnce, First: sim.Time(time.Hour)}}},
	}
	w, err := NewWorld(spec)
	Expect(err).NotTo(HaveOccurred())
	_, err = w.Init()
	Expect(err).NotTo(HaveOccurred())
	_, err = w.Step(sim.Time(time.Hour), Event{Kind: EvJobDue, A: 0})
	Expect(err).NotTo(HaveOccurred())
	return w
}

var _ = Describe("Transition tables", func() {
	It("the session table is Starting → Working → Stopping → Stopped, Working → Working for an S8 attempt", func() {
		for from := SessionStarting; from <= SessionStopped; from++ {
			for to := SessionStarting; to <= SessionStopped; to++ {
				want := false
				for _, t := range SessionTransitions[from] {
					want = want || t == to
				}
				Expect(sessionOK[from][to]).To(Equal(want), "%s → %s", from, to)
			}
		}
		Expect(SessionTransitions[SessionStopped]).To(BeEmpty(), "Stopped is terminal")
		Expect(SessionTransitions[SessionWorking]).To(ContainElement(SessionWorking))
		Expect(SessionTransitions[SessionStopping]).To(Equal([]SessionState{SessionStopped}))
	})

	It("the task table walks the phases in order and any live phase may end", func() {
		for from := PhasePending; from <= PhaseDone; from++ {
			for to := PhasePending; to <= PhaseDone; to++ {
				want := from != PhaseDone && (to == from+1 || to == PhaseDone)
				Expect(taskOK[from][to]).To(Equal(want), "%s → %s", from, to)
			}
		}
	})

	It("an illegal task move is a TransitionError naming machine, entity, state and event", func() {
		w := internalWorld()
		k := w.sessions[w.jobs[0].active].obj(0).task
		tk := &w.tasks[k]
		Expect(tk.phase).To(Equal(PhaseSnapshot))
		Expect(w.moveTask(tk, PhasePending, "bogus")).To(BeFalse())
		Expect(tk.phase).To(Equal(PhaseSnapshot), "a refused move changes nothing")
		var te *TransitionError
		Expect(errors.As(w.err, &te)).To(BeTrue())
		Expect(*te).To(Equal(TransitionError{Machine: "task", Entity: "acme/nightly#1/vm1", State: "Snapshot", Event: "bogus"}))
		Expect(te.Error()).To(Equal(`model: task acme/nightly#1/vm1: event "bogus" not allowed in state Snapshot`))
	})

	It("an illegal session move is a TransitionError, and Step returns it", func() {
		w := internalWorld()
		s := &w.sessions[w.jobs[0].active]
		Expect(s.state).To(Equal(SessionWorking))
		w.moveSession(s, SessionStarting, "rewind")
		Expect(s.state).To(Equal(SessionWorking))
		// The error surfaces from the next Step, once.
		_, err := w.Step(sim.Time(time.Hour), Event{Kind: EvRetry, A: 0, Gen: 0})
		var te *TransitionError
		Expect(errors.As(err, &te)).To(BeTrue(), "got %v", err)
		Expect(te.Machine).To(Equal("session"))
		Expect(te.Entity).To(Equal("acme/nightly#1"))
		Expect(te.State).To(Equal("Working"))
		Expect(te.Event).To(Equal("rewind"))
		_, err = w.Step(sim.Time(time.Hour), Event{Kind: EvRetry, A: 0, Gen: 0})
		Expect(err).NotTo(HaveOccurred())
	})

	It("only the first error of a step is kept", func() {
		w := internalWorld()
		s := &w.sessions[w.jobs[0].active]
		w.moveSession(s, SessionStarting, "first")
		w.moveSession(s, SessionStarting, "second")
		Expect(w.err.(*TransitionError).Event).To(Equal("first"))
	})
})

var _ = Describe("World entry points", func() {
	It("refuses an unknown event kind as a world TransitionError", func() {
		w := internalWorld()
		_, err := w.Step(sim.Time(time.Hour), Event{Kind: EventKind(99)})
		var te *TransitionError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.Machine).To(Equal("world"))
		Expect(te.Event).To(Equal("?99"))
		Expect(te.Error()).To(Equal(`model: world: event "?99" not allowed in state running`))
	})

	It("refuses Step before Init, Init twice, and time going backwards", func() {
		spec := &Spec{Name: "t", Semantics: DefaultSemantics()}
		w, err := NewWorld(spec)
		Expect(err).NotTo(HaveOccurred())
		_, err = w.Step(0, Event{Kind: EvAction})
		Expect(err).To(MatchError(ContainSubstring("before Init")))
		_, err = w.Init()
		Expect(err).NotTo(HaveOccurred())
		_, err = w.Init()
		Expect(err).To(MatchError(ContainSubstring("twice")))

		w = internalWorld()
		_, err = w.Step(sim.Time(time.Minute), Event{Kind: EvRetry})
		Expect(err).To(MatchError(ContainSubstring("backwards")))
	})

	It("drops stale events about reused task slots without a record", func() {
		w := internalWorld()
		k := w.sessions[w.jobs[0].active].obj(0).task
		rd, err := w.Step(sim.Time(time.Hour+time.Minute), Event{Kind: EvTaskPhase, A: k, Gen: w.tasks[k].gen + 7})
		Expect(err).NotTo(HaveOccurred())
		Expect(rd.Records).To(BeEmpty())
		Expect(rd.Timers).To(BeEmpty())
	})

	It("NewWorld refuses dangling references and bad actions", func() {
		base := func() *Spec {
			return &Spec{Semantics: DefaultSemantics(),
				Servers: []ServerSpec{{Name: "cc"}},
				Tenants: []TenantSpec{{Name: "a", Server: 0}},
				Jobs:    []JobSpec{{Name: "j", Tenant: 0}}}
		}
		sp := base()
		sp.Tenants[0].Server = 3
		_, err := NewWorld(sp)
		Expect(err).To(MatchError(ContainSubstring("server index 3")))
		sp = base()
		sp.Jobs[0].Tenant = -1
		_, err = NewWorld(sp)
		Expect(err).To(MatchError(ContainSubstring("tenant index -1")))
		sp = base()
		sp.Servers[0].TaskSlots = -1
		_, err = NewWorld(sp)
		Expect(err).To(HaveOccurred())
		sp = base()
		sp.Actions = []Action{{Do: ActStopJob, Job: 0}}
		_, err = NewWorld(sp)
		Expect(err).To(MatchError(ContainSubstring("needs a mode")))
		sp = base()
		sp.Actions = []Action{{Do: ActEnableMaintenance, Server: 1}}
		_, err = NewWorld(sp)
		Expect(err).To(MatchError(ContainSubstring("out of range")))
	})
})
