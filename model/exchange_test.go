package model_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// runMachine drives any profile's machine to its horizon with the engine
// and returns every record.
func runMachine(spec *model.Spec) []model.Record {
	GinkgoHelper()
	m, err := model.NewMachine(spec)
	Expect(err).NotTo(HaveOccurred())
	loop := sim.NewLoop[model.Event](spec.Until, sim.Limits{MaxEvents: 1_000_000})
	var recs []model.Record
	apply := func(rd model.Ready) {
		for _, r := range rd.Records {
			if r.Ex != nil {
				ex := *r.Ex // the world reuses nothing, but keep the test honest
				r.Ex = &ex
			}
			recs = append(recs, r)
		}
		for _, t := range rd.Timers {
			Expect(loop.Schedule(t.At, t.Event)).To(Succeed())
		}
	}
	rd, err := m.Init()
	Expect(err).NotTo(HaveOccurred())
	apply(rd)
	Expect(loop.Run(func(at sim.Time, ev model.Event) error {
		rd, err := m.Step(at, ev)
		apply(rd)
		return err
	})).To(Succeed())
	apply(m.Finish(spec.Until))
	return recs
}

const (
	ex01 int32 = 0
	ex02 int32 = 1
	db01 int32 = 0
	db02 int32 = 1
)

// exWorld is two servers in a DAG, DB01 active on ex-01 and DB02 on ex-02,
// each with a passive copy on the other; mail arrives at ex-01 only, one
// delivery takes a second; a client of DB01 connects to ex-01.
func exWorld(actions ...model.ExAction) *model.Spec {
	return &model.Spec{Name: "ex", Seed: 1, Start: t0, Until: at(4 * time.Hour),
		Semantics: model.Semantics{Profile: "exchange"},
		Exchange: &model.ExchangeSpec{
			Servers: []model.ExServerSpec{
				{Name: "ex-01", Version: "2019", DAG: "DAG1", MessageRatePerHour: 600},
				{Name: "ex-02", Version: "2019", DAG: "DAG1"},
			},
			Databases: []model.ExDatabaseSpec{
				{Name: "DB01", Mounted: true, Copies: []model.ExCopySpec{{Server: ex01, Preference: 1}, {Server: ex02, Preference: 2}}},
				{Name: "DB02", Mounted: true, Copies: []model.ExCopySpec{{Server: ex02, Preference: 1}, {Server: ex01, Preference: 2}}},
			},
			Clients: []model.ExClientSpec{{Name: "sales", Server: ex01, Database: db01, RequestRatePerHour: 120}},
			Actions: actions,
		}}
}

func setState(d time.Duration, sv int32, c model.Component, st model.CompState, r model.Requester) model.ExAction {
	return model.ExAction{At: at(d), Do: model.ExActSetComponentState, Server: sv, Target: model.None, Database: model.None,
		Component: c, State: st, Requester: r}
}

func exAct(d time.Duration, do model.ExActionKind, sv, db int32) model.ExAction {
	return model.ExAction{At: at(d), Do: do, Server: sv, Target: model.None, Database: db}
}

func redirect(d time.Duration, do model.ExActionKind, from, to int32) model.ExAction {
	return model.ExAction{At: at(d), Do: do, Server: from, Target: to, Database: model.None}
}

func ofKind(recs []model.Record, k model.RecordKind) []model.Record {
	var out []model.Record
	for _, r := range recs {
		if r.Kind == k {
			out = append(out, r)
		}
	}
	return out
}

// effectiveAt replays component records: the effective state of a
// component on a server just after time t.
func effectiveAt(recs []model.Record, sv int32, c model.Component, t sim.Time) model.CompState {
	st := model.StateActive
	for _, r := range recs {
		if r.At > t {
			break
		}
		if (r.Kind == model.RecExComponentState || r.Kind == model.RecExComponentEffective) && r.Server == sv && r.Ex.Component == c {
			st = r.Ex.Effective
		}
	}
	return st
}

// conserve checks X5 on a whole run: every accepted message is delivered or
// in a final queue; it returns (accepted, delivered, queued at the end).
func conserve(recs []model.Record) (int, int, int) {
	GinkgoHelper()
	acc, del, queued := 0, 0, 0
	for _, r := range recs {
		switch r.Kind {
		case model.RecExMsgAccepted:
			acc++
		case model.RecExMsgDelivered:
			del++
		case model.RecExQueue:
			queued += int(r.Ex.Depth)
		}
	}
	Expect(acc).To(Equal(del+queued), "X5: accepted = delivered + still queued")
	return acc, del, queued
}

var _ = Describe("Exchange profile (X1–X5)", func() {
	It("builds through NewMachine for profile exchange, and needs the Exchange spec", func() {
		m, err := model.NewMachine(exWorld())
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(BeAssignableToTypeOf(&model.ExchangeWorld{}))
		_, err = model.NewMachine(&model.Spec{Semantics: model.Semantics{Profile: "exchange"}})
		Expect(err).To(HaveOccurred())
	})

	It("X1: Inactive wins over Draining, and the component is Active only when no requester holds it", func() {
		recs := runMachine(exWorld(
			setState(time.Hour, ex01, model.CompHubTransport, model.StateDraining, model.ReqMaintenance),
			setState(time.Hour+time.Minute, ex01, model.CompHubTransport, model.StateInactive, model.ReqHealthAPI),
			setState(time.Hour+2*time.Minute, ex01, model.CompHubTransport, model.StateActive, model.ReqHealthAPI),
			setState(time.Hour+3*time.Minute, ex01, model.CompHubTransport, model.StateActive, model.ReqFunctional),
			setState(time.Hour+4*time.Minute, ex01, model.CompHubTransport, model.StateActive, model.ReqMaintenance),
		))
		sets := ofKind(recs, model.RecExComponentState)
		Expect(sets).To(HaveLen(5))
		var eff []model.CompState
		for _, r := range sets {
			eff = append(eff, r.Ex.Effective)
		}
		Expect(eff).To(Equal([]model.CompState{model.StateDraining, model.StateInactive, model.StateDraining,
			model.StateDraining, model.StateActive}), "a Functional Active does not lift Maintenance's Draining")
	})

	It("X1: ServerWideOffline Inactive makes every component Inactive, and lifting it restores each", func() {
		recs := runMachine(exWorld(
			setState(time.Hour, ex01, model.CompHubTransport, model.StateDraining, model.ReqMaintenance),
			setState(2*time.Hour, ex01, model.CompServerWideOffline, model.StateInactive, model.ReqMaintenance),
			setState(3*time.Hour, ex01, model.CompServerWideOffline, model.StateActive, model.ReqMaintenance),
		))
		Expect(effectiveAt(recs, ex01, model.CompOwaProxy, at(2*time.Hour))).To(Equal(model.StateInactive))
		Expect(effectiveAt(recs, ex01, model.CompHubTransport, at(2*time.Hour))).To(Equal(model.StateInactive))
		Expect(effectiveAt(recs, ex01, model.CompOwaProxy, at(3*time.Hour))).To(Equal(model.StateActive))
		Expect(effectiveAt(recs, ex01, model.CompHubTransport, at(3*time.Hour))).To(Equal(model.StateDraining))
		Expect(effectiveAt(recs, ex02, model.CompOwaProxy, at(2*time.Hour))).To(Equal(model.StateActive), "the other server is untouched")
	})

	It("X1: holds declared at time zero publish their effective state", func() {
		sp := exWorld()
		sp.Exchange.Servers[1].Holds = []model.ExHold{{Component: model.CompServerWideOffline, Requester: model.ReqDeployment, State: model.StateInactive}}
		recs := runMachine(sp)
		init := ofKind(recs, model.RecExComponentEffective)
		Expect(init).To(HaveLen(model.NumComponents))
		for _, r := range init {
			Expect(r.At).To(BeZero())
			Expect(r.Server).To(Equal(ex02))
			Expect(r.Ex.Effective).To(Equal(model.StateInactive))
		}
	})

	It("X2: Draining accepts no new message but delivers what is queued; arrivals go to the next server that accepts", func() {
		recs := runMachine(exWorld(
			exAct(time.Hour, model.ExActDismount, model.None, db01),
			exAct(time.Hour, model.ExActDismount, model.None, db02),
			setState(time.Hour+10*time.Minute, ex01, model.CompHubTransport, model.StateDraining, model.ReqMaintenance),
			exAct(time.Hour+20*time.Minute, model.ExActMount, model.None, db02),
		))
		drainAt := at(time.Hour + 10*time.Minute)
		for _, r := range ofKind(recs, model.RecExMsgAccepted) {
			if r.At > drainAt {
				Expect(r.Server).To(Equal(ex02), "ex-01 is Draining: the sender's next MX takes the message")
				Expect(r.Ex.Target).To(Equal(ex01))
			}
		}
		deliveredFromEx01AfterDrain := 0
		for _, r := range ofKind(recs, model.RecExMsgDelivered) {
			if r.Server == ex01 && r.At > drainAt {
				deliveredFromEx01AfterDrain++
				Expect(r.Ex.Database).To(Equal(db02), "DB01 is dismounted: its messages wait")
			}
		}
		Expect(deliveredFromEx01AfterDrain).To(BeNumerically(">", 0), "queued DB02 mail still leaves a Draining server")
		_, _, queued := conserve(recs)
		Expect(queued).To(BeNumerically(">", 0), "DB01's messages are still queued at the end (X5: not lost)")
	})

	It("X2: Inactive serves nothing: no delivery while it holds, and the queue resumes after", func() {
		recs := runMachine(exWorld(
			setState(time.Hour, ex01, model.CompHubTransport, model.StateInactive, model.ReqHealthAPI),
			setState(2*time.Hour, ex01, model.CompHubTransport, model.StateActive, model.ReqHealthAPI),
		))
		for _, r := range ofKind(recs, model.RecExMsgDelivered) {
			if r.Server == ex01 {
				Expect(r.At <= at(time.Hour)+sim.Time(time.Second) || r.At > at(2*time.Hour)).To(BeTrue(), "delivered at %s", r.At)
			}
		}
		for _, r := range ofKind(recs, model.RecExMsgAccepted) {
			if r.At > at(time.Hour) && r.At < at(2*time.Hour) {
				Expect(r.Server).To(Equal(ex02))
			}
		}
		conserve(recs)
	})

	// Deliveries of ten minutes and mail every six seconds: ex-01 is always
	// mid-delivery when the component changes at 1h.
	DescribeTable("X2: MailboxDeliveryProxy Draining lets the delivery in flight complete and starts no other; Inactive aborts it",
		func(st model.CompState, inFlight int) {
			sp := exWorld(setState(time.Hour, ex01, model.CompMailboxDeliveryProxy, st, model.ReqMaintenance),
				setState(2*time.Hour, ex01, model.CompMailboxDeliveryProxy, model.StateActive, model.ReqMaintenance))
			sp.Exchange.Servers[0].DeliveryTime = sim.Const(float64(10 * time.Minute))
			recs := runMachine(sp)
			done := 0
			for _, r := range ofKind(recs, model.RecExMsgDelivered) {
				// DB02 is active on ex-02, whose MailboxDeliveryProxy stays Active.
				if r.Server == ex01 && r.Ex.Database == db01 && r.At > at(time.Hour) && r.At < at(2*time.Hour) {
					Expect(r.At).To(BeNumerically("<=", at(time.Hour+10*time.Minute)), "only the delivery started before 1h")
					done++
				}
			}
			Expect(done).To(Equal(inFlight))
			conserve(recs)
		},
		Entry("Draining: work in flight completes", model.StateDraining, 1),
		Entry("Inactive: nothing is served", model.StateInactive, 0),
	)

	It("X2: Redirect-Message moves the queue to a target that accepts, keeping every message; a target that does not accept refuses", func() {
		recs := runMachine(exWorld(
			exAct(time.Hour, model.ExActDismount, model.None, db02),
			setState(time.Hour+30*time.Minute, ex01, model.CompHubTransport, model.StateDraining, model.ReqMaintenance),
			setState(time.Hour+30*time.Minute, ex02, model.CompHubTransport, model.StateDraining, model.ReqMaintenance),
			redirect(time.Hour+40*time.Minute, model.ExActRedirectMessage, ex01, ex02),
			setState(time.Hour+50*time.Minute, ex02, model.CompHubTransport, model.StateActive, model.ReqMaintenance),
			redirect(time.Hour+55*time.Minute, model.ExActRedirectMessage, ex01, ex02),
			exAct(2*time.Hour, model.ExActMount, model.None, db02),
		))
		rej := ofKind(recs, model.RecActionRejected)
		Expect(rej).To(HaveLen(1))
		Expect(rej[0].Text).To(ContainSubstring("ex-02 does not accept messages"))
		red := ofKind(recs, model.RecExMsgRedirected)
		Expect(red).To(HaveLen(1))
		Expect(red[0].Ex.Count).To(BeNumerically(">", 0))
		Expect(red[0].Ex.Depth).To(BeZero())
		_, _, queued := conserve(recs)
		Expect(queued).To(BeZero(), "after the remount every message reached its mailbox")
	})

	It("X2: client requests fail while their proxy is not Active or their database is dismounted, and redirection fixes the first", func() {
		recs := runMachine(exWorld(
			setState(time.Hour, ex01, model.CompMapiProxy, model.StateInactive, model.ReqMaintenance),
			redirect(2*time.Hour, model.ExActRedirectClients, ex01, ex02),
			exAct(3*time.Hour, model.ExActDismount, model.None, db01),
		))
		fails := ofKind(recs, model.RecExClientFailed)
		Expect(fails).NotTo(BeEmpty())
		for _, r := range fails {
			switch {
			case r.At < at(time.Hour):
				Fail("no failure before the proxy went Inactive")
			case r.At < at(2*time.Hour):
				Expect(r.Text).To(Equal("ex-01 MapiProxy is Inactive"))
			case r.At < at(3*time.Hour):
				Fail("redirected to ex-02: requests are served")
			default:
				Expect(r.Server).To(Equal(ex02))
				Expect(r.Text).To(Equal("DB01 is dismounted"))
			}
		}
	})

	It("X3: the runbook's actions are carried out and recorded: policy, suspend, dismount, mount, resume, move", func() {
		recs := runMachine(exWorld(
			model.ExAction{At: at(time.Hour), Do: model.ExActSetMailboxServer, Server: ex01, Target: model.None, Database: model.None, Policy: model.PolicyBlocked},
			exAct(time.Hour+time.Minute, model.ExActSuspendCopy, ex01, db01),
			exAct(time.Hour+2*time.Minute, model.ExActSuspendCopy, ex01, db01),
			exAct(time.Hour+3*time.Minute, model.ExActDismount, model.None, db01),
			exAct(time.Hour+4*time.Minute, model.ExActMount, model.None, db01),
			exAct(time.Hour+5*time.Minute, model.ExActResumeCopy, ex01, db01),
			exAct(time.Hour+6*time.Minute, model.ExActMoveActive, ex02, db01),
			model.ExAction{At: at(time.Hour + 7*time.Minute), Do: model.ExActSetMailboxServer, Server: ex01, Target: model.None, Database: model.None, Policy: model.PolicyUnrestricted},
		))
		var kinds []model.RecordKind
		for _, r := range recs {
			if r.Kind >= model.RecExPolicy && r.Kind <= model.RecExDatabaseMoved || r.Kind == model.RecActionRejected {
				kinds = append(kinds, r.Kind)
			}
		}
		Expect(kinds).To(Equal([]model.RecordKind{model.RecExPolicy, model.RecExCopySuspended, model.RecActionRejected,
			model.RecExDatabaseDismounted, model.RecExDatabaseMounted, model.RecExCopyResumed, model.RecExDatabaseMoved, model.RecExPolicy}))
		moved := ofKind(recs, model.RecExDatabaseMoved)[0]
		Expect(moved.Server).To(Equal(ex01))
		Expect(moved.Ex.Target).To(Equal(ex02))
		Expect(moved.Ex.Auto).To(BeFalse())
	})

	It("X3: going offline fails databases over to the best copy not Blocked nor suspended, else dismounts them", func() {
		recs := runMachine(exWorld(
			setState(time.Hour, ex01, model.CompServerWideOffline, model.StateInactive, model.ReqMaintenance),
			setState(2*time.Hour, ex01, model.CompServerWideOffline, model.StateActive, model.ReqMaintenance),
			exAct(2*time.Hour+time.Minute, model.ExActMoveActive, ex01, db01),
			model.ExAction{At: at(2*time.Hour + 2*time.Minute), Do: model.ExActSetMailboxServer, Server: ex02, Target: model.None, Database: model.None, Policy: model.PolicyBlocked},
			setState(3*time.Hour, ex01, model.CompServerWideOffline, model.StateInactive, model.ReqMaintenance),
		))
		moved := ofKind(recs, model.RecExDatabaseMoved)
		Expect(moved).To(HaveLen(2))
		Expect(moved[0].Ex.Auto).To(BeTrue())
		Expect(moved[0].Ex.Target).To(Equal(ex02))
		dis := ofKind(recs, model.RecExDatabaseDismounted)
		Expect(dis).To(HaveLen(1), "ex-02 is Blocked: nowhere to fail over to")
		Expect(dis[0].Ex.Auto).To(BeTrue())
		Expect(dis[0].At).To(Equal(at(3 * time.Hour)))
	})

	It("X5: the seed's runbook, entry and reverse exit, loses no message and delivers everything after the exit", func() {
		maint := model.ReqMaintenance
		recs := runMachine(exWorld(
			model.ExAction{At: at(time.Hour), Do: model.ExActNotifyUsers, Server: ex01, Target: model.None, Database: model.None, Text: "maintenance tonight"},
			model.ExAction{At: at(time.Hour), Do: model.ExActBackup, Server: ex01, Target: model.None, Database: model.None},
			redirect(time.Hour+time.Minute, model.ExActRedirectClients, ex01, ex02),
			model.ExAction{At: at(time.Hour + 2*time.Minute), Do: model.ExActSetMailboxServer, Server: ex01, Target: model.None, Database: model.None, Policy: model.PolicyBlocked},
			exAct(time.Hour+3*time.Minute, model.ExActSuspendCopy, ex01, db01),
			exAct(time.Hour+3*time.Minute, model.ExActSuspendCopy, ex01, db02),
			exAct(time.Hour+4*time.Minute, model.ExActDismount, model.None, db01),
			setState(time.Hour+5*time.Minute, ex01, model.CompHubTransport, model.StateDraining, maint),
			setState(time.Hour+5*time.Minute, ex01, model.CompFrontendTransport, model.StateDraining, maint),
			setState(time.Hour+5*time.Minute, ex01, model.CompMailboxDeliveryProxy, model.StateDraining, maint),
			setState(2*time.Hour, ex01, model.CompHubTransport, model.StateActive, maint),
			setState(2*time.Hour, ex01, model.CompFrontendTransport, model.StateActive, maint),
			setState(2*time.Hour, ex01, model.CompMailboxDeliveryProxy, model.StateActive, maint),
			exAct(2*time.Hour+time.Minute, model.ExActMount, model.None, db01),
			exAct(2*time.Hour+2*time.Minute, model.ExActResumeCopy, ex01, db01),
			exAct(2*time.Hour+2*time.Minute, model.ExActResumeCopy, ex01, db02),
			model.ExAction{At: at(2*time.Hour + 3*time.Minute), Do: model.ExActSetMailboxServer, Server: ex01, Target: model.None, Database: model.None, Policy: model.PolicyUnrestricted},
			redirect(2*time.Hour+4*time.Minute, model.ExActRedirectClients, ex01, ex01),
		))
		Expect(ofKind(recs, model.RecActionRejected)).To(BeEmpty())
		acc, _, queued := conserve(recs)
		Expect(acc).To(BeNumerically(">", 1000))
		Expect(queued).To(BeZero())
		Expect(ofKind(recs, model.RecExMsgDeferred)).To(BeEmpty(), "ex-02 accepted what ex-01 refused")
	})

	It("is deterministic: the same spec and seed give the same records, another seed other arrivals", func() {
		a := runMachine(exWorld(setState(time.Hour, ex01, model.CompHubTransport, model.StateDraining, model.ReqMaintenance)))
		b := runMachine(exWorld(setState(time.Hour, ex01, model.CompHubTransport, model.StateDraining, model.ReqMaintenance)))
		Expect(b).To(Equal(a))
		sp := exWorld(setState(time.Hour, ex01, model.CompHubTransport, model.StateDraining, model.ReqMaintenance))
		sp.Seed = 2
		Expect(runMachine(sp)).NotTo(Equal(a))
	})

	DescribeTable("mutants break the rule they name",
		func(m model.Mutant, check func([]model.Record) bool) {
			sp := exWorld(
				exAct(time.Hour, model.ExActDismount, model.None, db01),
				setState(time.Hour+30*time.Minute, ex01, model.CompHubTransport, model.StateDraining, model.ReqMaintenance),
				setState(time.Hour+31*time.Minute, ex01, model.CompHubTransport, model.StateInactive, model.ReqHealthAPI),
				redirect(time.Hour+32*time.Minute, model.ExActRedirectMessage, ex01, ex02),
				setState(time.Hour+33*time.Minute, ex01, model.CompServerWideOffline, model.StateInactive, model.ReqMaintenance),
			)
			Expect(check(runMachine(sp))).To(BeFalse(), "the correct model")
			sp.Mutants = m
			Expect(check(runMachine(sp))).To(BeTrue(), "the mutant")
			Expect(m.Profile()).To(Equal("exchange"))
		},
		Entry("ex-drain-drops-queue (X5)", model.MutExDrainDropsQueue, lost),
		Entry("ex-redirect-loses (X5)", model.MutExRedirectLoses, lost),
		Entry("ex-draining-wins (X1)", model.MutExDrainingWins, func(recs []model.Record) bool {
			return effectiveAt(recs, ex01, model.CompHubTransport, at(time.Hour+31*time.Minute)) == model.StateDraining
		}),
		Entry("ex-offline-ignored (X1)", model.MutExOfflineIgnored, func(recs []model.Record) bool {
			return effectiveAt(recs, ex01, model.CompOwaProxy, at(2*time.Hour)) == model.StateActive
		}),
	)
})

// lost reports whether a run lost a message (X5 broken).
func lost(recs []model.Record) bool {
	acc, del, queued := 0, 0, 0
	for _, r := range recs {
		switch r.Kind {
		case model.RecExMsgAccepted:
			acc++
		case model.RecExMsgDelivered:
			del++
		case model.RecExQueue:
			queued += int(r.Ex.Depth)
		}
	}
	return acc != del+queued
}
