package model

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/maintsim/maintsim/sim"
)

// ExchangeWorld is the exchange profile's machine (SEMANTICS.md X1–X5):
// Mailbox servers with per-requester component states, transport queues
// that accept, deliver and redirect messages, mailbox databases with
// copies, and clients. Like World it owns no time and does no I/O: Step
// returns timers and records, the engine does the rest. The rules live in
// exchange_rules.go; this file builds the world and dispatches events.
type ExchangeWorld struct {
	outbox  // now, effects of the step in progress, started
	spec    *Spec
	x       *ExchangeSpec
	mut     Mutant
	servers []exServer
	dbs     []exDB
	clients []exClient
	nextMsg int64
	err     error
}

var _ Machine = (*ExchangeWorld)(nil)

func init() {
	profiles["exchange"] = func(s *Spec) (Machine, error) { return NewExchangeWorld(s) }
}

// exMsg is a queued message: its number and when it was first accepted
// (a redirect keeps it).
type exMsg struct {
	id    int64
	since sim.Time
}

// msgQueue is a FIFO of messages for one database on one server.
type msgQueue struct {
	buf  []exMsg
	head int
}

func (q *msgQueue) len() int       { return len(q.buf) - q.head }
func (q *msgQueue) front() exMsg   { return q.buf[q.head] }
func (q *msgQueue) push(m exMsg)   { q.buf = append(q.buf, m) }
func (q *msgQueue) items() []exMsg { return q.buf[q.head:] }

func (q *msgQueue) pop() exMsg {
	m := q.buf[q.head]
	q.head++
	if q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	} else if q.head > 64 && q.head*2 > len(q.buf) {
		n := copy(q.buf, q.buf[q.head:])
		q.buf, q.head = q.buf[:n], 0
	}
	return m
}

// truncate keeps the first n queued messages.
func (q *msgQueue) truncate(n int) {
	q.buf = q.buf[:q.head+n]
	if n == 0 {
		q.buf, q.head = q.buf[:0], 0
	}
}

type exServer struct {
	ExServerSpec
	holds [NumComponents][NumRequesters]CompState
	own   [NumComponents]CompState // X1 over the component's own requesters
	eff   [NumComponents]CompState // in effect: own, unless ServerWideOffline is Inactive
	// policy is the DatabaseCopyAutoActivationPolicy in force.
	policy    ActivationPolicy
	arrivals  *rand.Rand // inter-arrival times and destinations
	service   *rand.Rand // delivery times
	meanGap   float64    // mean inter-arrival time, ns; 0: no arrivals
	queues    []msgQueue // per database
	depth     int32      // queued messages, the one in delivery included
	busy      bool       // a delivery is in progress: the head of queues[busyDB]
	busyDB    int32
	gen       uint32 // invalidates a delivery's end event when it is aborted
	clientsAt int32  // where clients homed here connect (itself unless redirected)
}

type exDB struct {
	ExDatabaseSpec
	active    int32 // server of the active copy
	mounted   bool
	suspended []bool // per copy
}

type exClient struct {
	ExClientSpec
	rng     *rand.Rand
	meanGap float64
}

// NewExchangeWorld builds the exchange world of a validated spec.
func NewExchangeWorld(spec *Spec) (*ExchangeWorld, error) {
	x := spec.Exchange
	if x == nil {
		return nil, fmt.Errorf("model: profile exchange needs Spec.Exchange")
	}
	if err := x.Validate(); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	w := &ExchangeWorld{spec: spec, x: x, mut: spec.Mutants}
	w.servers = make([]exServer, len(x.Servers))
	for i, s := range x.Servers {
		sv := &w.servers[i]
		sv.ExServerSpec = s
		sv.policy = s.Policy
		sv.clientsAt = int32(i)
		sv.arrivals = sim.Stream(spec.Seed, "exchange/server/"+s.Name+"/arrivals")
		sv.service = sim.Stream(spec.Seed, "exchange/server/"+s.Name+"/delivery")
		if s.MessageRatePerHour > 0 {
			sv.meanGap = float64(time.Hour) / s.MessageRatePerHour
		}
		if !sv.DeliveryTime.IsSet() {
			sv.DeliveryTime = sim.Const(DefaultDeliveryTime)
		}
		sv.queues = make([]msgQueue, len(x.Databases))
		for _, h := range s.Holds {
			sv.holds[h.Component][h.Requester] = h.State
		}
		for c := range NumComponents {
			sv.own[c] = w.combine(&sv.holds[c])
		}
		w.applyOffline(sv)
	}
	w.dbs = make([]exDB, len(x.Databases))
	for i, d := range x.Databases {
		db := &w.dbs[i]
		db.ExDatabaseSpec = d
		db.active = d.Copies[d.Active].Server
		db.mounted = d.Mounted
		db.suspended = make([]bool, len(d.Copies))
		for k, c := range d.Copies {
			db.suspended[k] = c.Suspended
		}
	}
	w.clients = make([]exClient, len(x.Clients))
	for i, c := range x.Clients {
		cl := &w.clients[i]
		cl.ExClientSpec = c
		cl.rng = sim.Stream(spec.Seed, "exchange/client/"+c.Name)
		if c.RequestRatePerHour > 0 {
			cl.meanGap = float64(time.Hour) / c.RequestRatePerHour
		}
	}
	return w, nil
}

// emit publishes an exchange record about server sv (None for none).
func (w *ExchangeWorld) emit(kind RecordKind, sv int32, ex *ExDetail, text string) {
	w.outbox.emit(Record{Kind: kind, Server: sv, Tenant: None, Job: None, Object: None, Text: text, Ex: ex})
}

// Init declares the servers, databases and clients, publishes the initial
// effective states that are not Active, and schedules the actions, the
// first arrivals and the first client requests.
func (w *ExchangeWorld) Init() (Ready, error) {
	if w.started {
		return Ready{}, fmt.Errorf("model: Init called twice")
	}
	w.started = true
	w.reset()
	sp := w.spec
	sem := sp.Semantics
	sem.Profile = "exchange"
	w.ready.Records = append(w.ready.Records, Record{Kind: RecScenario, Server: None, Tenant: None, Job: None, Object: None,
		Decl: &Decl{Name: sp.Name, Seed: sp.Seed, Start: sp.Start, Semantics: sem}})
	for i := range w.servers {
		s := &w.servers[i]
		w.ready.Records = append(w.ready.Records, Record{Kind: RecServer, Server: int32(i), Tenant: None, Job: None, Object: None,
			Decl: &Decl{Name: s.Name, Exchange: &ExDecl{Version: s.Version, DAG: s.DAG, Policy: s.policy,
				MessageRatePerHour: s.MessageRatePerHour, DeliveryTime: s.DeliveryTime, Holds: append([]ExHold(nil), s.Holds...)}}})
	}
	for i := range w.dbs {
		d := &w.dbs[i]
		ex := NewExDetail()
		ex.Database = int32(i)
		w.ready.Records = append(w.ready.Records, Record{Kind: RecExDatabase, Server: None, Tenant: None, Job: None, Object: None, Ex: ex,
			Decl: &Decl{Name: d.Name, Exchange: &ExDecl{Copies: append([]ExCopySpec(nil), d.Copies...), Active: d.active, Mounted: d.mounted}}})
	}
	for i := range w.clients {
		c := &w.clients[i]
		ex := NewExDetail()
		ex.Client = int32(i)
		w.ready.Records = append(w.ready.Records, Record{Kind: RecExClient, Server: c.Server, Tenant: None, Job: None, Object: None, Ex: ex,
			Decl: &Decl{Name: c.Name, Exchange: &ExDecl{Database: c.Database, Protocol: c.Protocol, RequestRatePerHour: c.RequestRatePerHour}}})
	}
	for i := range w.servers {
		s := &w.servers[i]
		for c := range componentCount {
			if s.eff[c] != StateActive {
				ex := NewExDetail()
				ex.Component, ex.Effective, ex.Depth = c, s.eff[c], s.depth
				w.emit(RecExComponentEffective, int32(i), ex, "")
			}
		}
	}
	for i, a := range w.x.Actions {
		w.after(a.At, Event{Kind: EvAction, A: int32(i)})
	}
	for i := range w.servers {
		if s := &w.servers[i]; s.meanGap > 0 {
			w.after(sim.Time(s.arrivals.ExpFloat64()*s.meanGap), Event{Kind: EvExArrival, A: int32(i)})
		}
	}
	for i := range w.clients {
		if c := &w.clients[i]; c.meanGap > 0 {
			w.after(sim.Time(c.rng.ExpFloat64()*c.meanGap), Event{Kind: EvExRequest, A: int32(i)})
		}
	}
	return w.ready, nil
}

// Step applies one event at time now and returns what follows from it.
func (w *ExchangeWorld) Step(now sim.Time, ev Event) (Ready, error) {
	if err := w.begin(now); err != nil {
		return Ready{}, err
	}
	switch ev.Kind {
	case EvAction:
		if ev.A < 0 || int(ev.A) >= len(w.x.Actions) {
			return Ready{}, &TransitionError{Machine: "exchange", State: "running", Event: "action out of range"}
		}
		w.action(&w.x.Actions[ev.A])
	case EvExArrival:
		w.arrival(ev.A)
	case EvExDelivered:
		w.delivered(ev.A, ev.Gen)
	case EvExRequest:
		w.request(ev.A)
	default:
		return Ready{}, &TransitionError{Machine: "exchange", State: "running", Event: ev.Kind.String()}
	}
	if w.err != nil {
		err := w.err
		w.err = nil
		return w.ready, err
	}
	return w.ready, nil
}

// Finish publishes each server's final queue depth (X5 judges what is still
// queued) and the end record.
func (w *ExchangeWorld) Finish(now sim.Time) Ready {
	w.reset()
	if now > w.now {
		w.now = now
	}
	for i := range w.servers {
		ex := NewExDetail()
		ex.Depth = w.servers[i].depth
		w.emit(RecExQueue, int32(i), ex, "")
	}
	w.ready.Records = append(w.ready.Records, Record{At: w.now, Kind: RecEnd, Server: None, Tenant: None, Job: None, Object: None})
	return w.ready
}

// EffectiveState is a component's effective state on a server now.
func (w *ExchangeWorld) EffectiveState(server int32, c Component) CompState {
	return w.servers[server].eff[c]
}

// QueueDepth is a server's queue depth now (the message in delivery included).
func (w *ExchangeWorld) QueueDepth(server int32) int32 { return w.servers[server].depth }
