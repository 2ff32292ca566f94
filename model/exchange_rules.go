package model

import (
	"fmt"
	"time"

	"github.com/maintsim/maintsim/sim"
)

// This file is the exchange profile's rules. Each function names the rule
// IDs of SEMANTICS.md it enforces. X3 and X4 (the runbook order and its
// pitfalls) judge the operator, not the model: the model carries out every
// action as Exchange would, and INV-X2 judges the order.

// combine is X1 for one component over its own requesters. The mutants
// break it on purpose.
func (w *ExchangeWorld) combine(holds *[NumRequesters]CompState) CompState {
	if w.mut.has(MutExDrainingWins) {
		eff := StateActive
		for _, s := range holds {
			if s == StateDraining {
				return StateDraining
			}
			if s == StateInactive {
				eff = StateInactive
			}
		}
		return eff
	}
	return CombineX1(holds)
}

// applyOffline recomputes every effective state of a server from the own
// states: X1, ServerWideOffline Inactive makes every component Inactive.
// Callers compare before and after to report what changed.
func (w *ExchangeWorld) applyOffline(s *exServer) {
	offline := s.own[CompServerWideOffline] == StateInactive && !w.mut.has(MutExOfflineIgnored)
	for c := range componentCount {
		e := s.own[c]
		if offline {
			e = StateInactive
		}
		s.eff[c] = e
	}
}

// accepts is X2 at the door: a server takes new messages only while both
// FrontendTransport and HubTransport are Active (Draining accepts none).
func (s *exServer) accepts() bool {
	return s.eff[CompFrontendTransport] == StateActive && s.eff[CompHubTransport] == StateActive
}

// deliverable reports whether messages for database d can be handed to it:
// mounted, on a server whose MailboxDeliveryProxy takes new deliveries (X2).
func (w *ExchangeWorld) deliverable(d int32) bool {
	return w.dbs[d].mounted && w.deliveryProxy(d) == StateActive
}

// deliveryProxy is the effective MailboxDeliveryProxy of the server where
// database d is active: Active takes new deliveries, Draining only lets the
// one in flight finish, Inactive stops it (X2).
func (w *ExchangeWorld) deliveryProxy(d int32) CompState {
	return w.servers[w.dbs[d].active].eff[CompMailboxDeliveryProxy]
}

// arrival is one inbound message at server a (X2): the first server that
// accepts it, a then the others in declaration order (the sender's other
// MX hosts), queues it; if none does, the sender keeps it (deferred).
func (w *ExchangeWorld) arrival(a int32) {
	s := &w.servers[a]
	w.after(w.now+sim.Time(s.arrivals.ExpFloat64()*s.meanGap), Event{Kind: EvExArrival, A: a})
	d := int32(s.arrivals.IntN(len(w.dbs)))
	w.nextMsg++
	to := None
	if s.accepts() {
		to = a
	} else {
		for i := range w.servers {
			if int32(i) != a && w.servers[i].accepts() {
				to = int32(i)
				break
			}
		}
	}
	ex := NewExDetail()
	ex.Msg, ex.Database = w.nextMsg, d
	if to == None {
		w.emit(RecExMsgDeferred, a, ex, "")
		return
	}
	t := &w.servers[to]
	t.queues[d].push(exMsg{id: w.nextMsg, since: w.now})
	t.depth++
	ex.Depth = t.depth
	if to != a {
		ex.Target = a
	}
	w.emit(RecExMsgAccepted, to, ex, "")
	w.pump(to)
}

// pump starts the next delivery of server sv if it is idle: X2, a server
// whose HubTransport is not Inactive keeps delivering what it queued
// (Draining lets work in flight and queued work complete). Of the
// databases that can take a delivery, the one whose oldest message came
// first goes next.
func (w *ExchangeWorld) pump(sv int32) {
	s := &w.servers[sv]
	if s.busy || s.depth == 0 || s.eff[CompHubTransport] == StateInactive {
		return
	}
	best := None
	for d := range s.queues {
		q := &s.queues[d]
		if q.len() == 0 || !w.deliverable(int32(d)) {
			continue
		}
		if best == None || q.front().id < s.queues[best].front().id {
			best = int32(d)
		}
	}
	if best == None {
		return
	}
	s.busy, s.busyDB = true, best
	s.gen++
	dt := time.Duration(s.DeliveryTime.SampleInt(s.service))
	w.after(w.now.Add(dt), Event{Kind: EvExDelivered, A: sv, Gen: s.gen})
}

// delivered ends a delivery: the message leaves the queue, into its
// database (X5: delivered).
func (w *ExchangeWorld) delivered(sv int32, gen uint32) {
	s := &w.servers[sv]
	if !s.busy || gen != s.gen {
		return // aborted: the message is still queued
	}
	d := s.busyDB
	m := s.queues[d].pop()
	s.depth--
	s.busy = false
	ex := NewExDetail()
	ex.Msg, ex.Database, ex.Target, ex.Depth, ex.Since = m.id, d, w.dbs[d].active, s.depth, m.since
	w.emit(RecExMsgDelivered, sv, ex, "")
	w.pump(sv)
}

// settle re-examines deliveries after a state change: one whose server's
// HubTransport went Inactive, whose database was dismounted, or whose
// database's server's MailboxDeliveryProxy went Inactive is aborted and
// its message stays queued (X2, X5); then idle servers start again. A
// MailboxDeliveryProxy going Draining takes no new delivery (deliverable)
// but lets the one in flight complete: X2, "work in flight completes".
func (w *ExchangeWorld) settle() {
	for i := range w.servers {
		s := &w.servers[i]
		if !s.busy {
			continue
		}
		if s.eff[CompHubTransport] == StateInactive || !w.dbs[s.busyDB].mounted || w.deliveryProxy(s.busyDB) == StateInactive {
			s.busy = false
			s.gen++
		}
	}
	for i := range w.servers {
		w.pump(int32(i))
	}
}

// request is one client request (X2): served only if the client access
// proxy of the protocol is Active on the server the client connects to,
// and the client's database is mounted.
func (w *ExchangeWorld) request(ci int32) {
	c := &w.clients[ci]
	w.after(w.now+sim.Time(c.rng.ExpFloat64()*c.meanGap), Event{Kind: EvExRequest, A: ci})
	at := w.servers[c.Server].clientsAt
	s := &w.servers[at]
	comp := c.Protocol.Component()
	why := ""
	switch db := &w.dbs[c.Database]; {
	case s.eff[comp] != StateActive:
		why = fmt.Sprintf("%s %s is %s", s.Name, comp, s.eff[comp])
	case !db.mounted:
		why = db.Name + " is dismounted"
	}
	if why == "" {
		return
	}
	ex := NewExDetail()
	ex.Client, ex.Database = ci, c.Database
	w.emit(RecExClientFailed, at, ex, why)
}

func (w *ExchangeWorld) reject(sv int32, a *ExAction, format string, args ...any) {
	w.emit(RecActionRejected, sv, nil, a.Do.String()+": "+fmt.Sprintf(format, args...))
}

func (w *ExchangeWorld) action(a *ExAction) {
	switch a.Do {
	case ExActSetComponentState:
		w.setComponent(a)
	case ExActSetMailboxServer:
		w.setPolicy(a)
	case ExActSuspendCopy, ExActResumeCopy:
		w.suspendResume(a)
	case ExActDismount:
		w.dismount(a)
	case ExActMount:
		w.mount(a)
	case ExActMoveActive:
		w.move(a)
	case ExActRedirectMessage:
		w.redirectMessage(a)
	case ExActRedirectClients:
		w.servers[a.Server].clientsAt = a.Target
		ex := NewExDetail()
		ex.Target = a.Target
		w.emit(RecExClientsRedirected, a.Server, ex, "")
	case ExActNotifyUsers:
		w.emit(RecExUsersNotified, a.Server, NewExDetail(), a.Text)
	case ExActBackup:
		w.emit(RecExBackup, a.Server, NewExDetail(), "")
	default:
		w.err = &TransitionError{Machine: "exchange", State: "running", Event: "action " + a.Do.String()}
	}
}

// setComponent is Set-ServerComponentState (X1): the requester's hold
// changes, the component's effective state follows from every requester,
// and a ServerWideOffline change reaches every other component. Then X2
// follows: a server whose HubTransport stops accepting keeps delivering
// its queue unless it went Inactive, and databases mounted on a server
// that went offline fail over (Active Manager).
func (w *ExchangeWorld) setComponent(a *ExAction) {
	sv := a.Server
	s := &w.servers[sv]
	before := s.eff
	c := a.Component
	s.holds[c][a.Requester] = a.State
	if w.mut.has(MutExLastRequesterWins) {
		s.own[c] = a.State
	} else {
		s.own[c] = w.combine(&s.holds[c])
	}
	w.applyOffline(s)
	if w.mut.has(MutExDrainDropsQueue) && before[CompHubTransport] == StateActive && s.eff[CompHubTransport] != StateActive {
		for d := range s.queues {
			s.queues[d].truncate(0)
		}
		s.depth, s.busy = 0, false
		s.gen++
	}
	if s.busy && s.eff[CompHubTransport] == StateInactive && w.mut.has(MutExInactiveDropsInFlight) {
		s.queues[s.busyDB].pop()
		s.depth--
		s.busy = false
		s.gen++
	}
	ex := NewExDetail()
	ex.Component, ex.Requester, ex.State, ex.Effective, ex.Depth = c, a.Requester, a.State, s.eff[c], s.depth
	w.emit(RecExComponentState, sv, ex, "")
	for k := range componentCount {
		if k != c && s.eff[k] != before[k] {
			ex := NewExDetail()
			ex.Component, ex.Effective, ex.Depth = k, s.eff[k], s.depth
			w.emit(RecExComponentEffective, sv, ex, "")
		}
	}
	if before[CompServerWideOffline] != StateInactive && s.eff[CompServerWideOffline] == StateInactive {
		w.failover(sv)
	}
	w.settle()
}

// failover is Active Manager when server sv goes offline: each database
// mounted there moves to the copy with the best (lowest) activation
// preference on a server that is online, whose copy is not suspended and
// whose DatabaseCopyAutoActivationPolicy is not Blocked; with no such copy
// the database is dismounted.
func (w *ExchangeWorld) failover(sv int32) {
	for i := range w.dbs {
		db := &w.dbs[i]
		if db.active != sv || !db.mounted {
			continue
		}
		best := -1
		for k, cp := range db.Copies {
			t := &w.servers[cp.Server]
			if cp.Server == sv || db.suspended[k] || t.policy == PolicyBlocked || t.eff[CompServerWideOffline] == StateInactive {
				continue
			}
			if best < 0 || cp.Preference < db.Copies[best].Preference {
				best = k
			}
		}
		ex := NewExDetail()
		ex.Database, ex.Auto = int32(i), true
		if best < 0 {
			db.mounted = false
			w.emit(RecExDatabaseDismounted, sv, ex, "no copy can be activated: the others are suspended, Blocked or offline")
			continue
		}
		db.active = db.Copies[best].Server
		ex.Target = db.active
		w.emit(RecExDatabaseMoved, sv, ex, "")
	}
}

// setPolicy is Set-MailboxServer -DatabaseCopyAutoActivationPolicy (X3's
// "block database copy auto-activation" and its undo).
func (w *ExchangeWorld) setPolicy(a *ExAction) {
	s := &w.servers[a.Server]
	if !(w.mut.has(MutExPolicyStaysBlocked) && s.policy == PolicyBlocked) {
		s.policy = a.Policy
	}
	ex := NewExDetail()
	ex.Policy = s.policy
	w.emit(RecExPolicy, a.Server, ex, "")
}

// suspendResume is Suspend-/Resume-MailboxDatabaseCopy DB\SERVER (X3).
func (w *ExchangeWorld) suspendResume(a *ExAction) {
	db := &w.dbs[a.Database]
	k := w.x.copyIndex(a.Database, a.Server)
	suspend := a.Do == ExActSuspendCopy
	switch {
	case suspend && db.suspended[k]:
		w.reject(a.Server, a, "the copy %s\\%s is already suspended", db.Name, w.servers[a.Server].Name)
		return
	case !suspend && !db.suspended[k]:
		w.reject(a.Server, a, "the copy %s\\%s is not suspended", db.Name, w.servers[a.Server].Name)
		return
	case !suspend && w.mut.has(MutExResumeIgnored):
		return
	}
	db.suspended[k] = suspend
	ex := NewExDetail()
	ex.Database = a.Database
	kind := RecExCopyResumed
	if suspend {
		kind = RecExCopySuspended
	}
	w.emit(kind, a.Server, ex, "")
}

// dismount is Dismount-Database (X3): messages for it stay queued (X5).
func (w *ExchangeWorld) dismount(a *ExAction) {
	db := &w.dbs[a.Database]
	if !db.mounted {
		w.reject(db.active, a, "%s is not mounted", db.Name)
		return
	}
	db.mounted = false
	ex := NewExDetail()
	ex.Database = a.Database
	w.emit(RecExDatabaseDismounted, db.active, ex, "")
	w.settle()
}

// mount is Mount-Database, on the server of the active copy (X3).
func (w *ExchangeWorld) mount(a *ExAction) {
	db := &w.dbs[a.Database]
	switch {
	case db.mounted:
		w.reject(db.active, a, "%s is already mounted", db.Name)
		return
	case w.servers[db.active].eff[CompServerWideOffline] == StateInactive:
		w.reject(db.active, a, "%s is offline (ServerWideOffline is Inactive)", w.servers[db.active].Name)
		return
	}
	db.mounted = true
	ex := NewExDetail()
	ex.Database = a.Database
	w.emit(RecExDatabaseMounted, db.active, ex, "")
	w.settle()
}

// move is Move-ActiveMailboxDatabase DB -ActivateOnServer SERVER: the
// database stays mounted or dismounted as it was, on the new server.
func (w *ExchangeWorld) move(a *ExAction) {
	db := &w.dbs[a.Database]
	k := w.x.copyIndex(a.Database, a.Server)
	switch {
	case db.active == a.Server:
		w.reject(a.Server, a, "%s is already active on %s", db.Name, w.servers[a.Server].Name)
		return
	case db.suspended[k]:
		w.reject(a.Server, a, "the copy %s\\%s is suspended", db.Name, w.servers[a.Server].Name)
		return
	case w.servers[a.Server].eff[CompServerWideOffline] == StateInactive:
		w.reject(a.Server, a, "%s is offline (ServerWideOffline is Inactive)", w.servers[a.Server].Name)
		return
	}
	ex := NewExDetail()
	ex.Database, ex.Target = a.Database, a.Server
	w.emit(RecExDatabaseMoved, db.active, ex, "")
	db.active = a.Server
	w.settle()
}

// redirectMessage is Redirect-Message -Server S -Target T (X2): every
// message queued on S but the one in delivery moves to T, keeping its
// order; T must accept messages.
func (w *ExchangeWorld) redirectMessage(a *ExAction) {
	s, t := &w.servers[a.Server], &w.servers[a.Target]
	if a.Server == a.Target {
		w.reject(a.Server, a, "the target is the server itself")
		return
	}
	if t.eff[CompHubTransport] != StateActive || t.eff[CompServerWideOffline] == StateInactive {
		w.reject(a.Server, a, "%s does not accept messages (HubTransport is %s)", t.Name, t.eff[CompHubTransport])
		return
	}
	var n int32
	for d := range s.queues {
		q := &s.queues[d]
		keep := 0
		if s.busy && s.busyDB == int32(d) {
			keep = 1
		}
		for _, m := range q.items()[keep:] {
			t.queues[d].push(m)
			n++
		}
		q.truncate(keep)
	}
	s.depth -= n
	t.depth += n
	if n > 0 && w.mut.has(MutExRedirectLoses) {
		for d := len(t.queues) - 1; d >= 0; d-- {
			if q := &t.queues[d]; q.len() > 0 && !(t.busy && t.busyDB == int32(d) && q.len() == 1) {
				q.truncate(q.len() - 1)
				t.depth--
				break
			}
		}
	}
	ex := NewExDetail()
	ex.Target, ex.Count, ex.Depth, ex.TargetDepth = a.Target, n, s.depth, t.depth
	w.emit(RecExMsgRedirected, a.Server, ex, "")
	w.settle()
}
