package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// This file summarises an exchange run (profile exchange): the end state
// of every server, database and client in Summary.Exchange, and the
// message metrics in Metrics.Exchange (docs/exchange.md, "Metrics"). Both
// come from one observer of the record stream, like the Cloud Connect
// summary and metrics.

// DelayThreshold is how long a message may wait between acceptance and
// delivery before it counts as delayed.
const DelayThreshold = 5 * time.Minute

// ExchangeSummary is the end state of an exchange run.
type ExchangeSummary struct {
	Servers   []ExServerSummary   `json:"servers"`
	Databases []ExDatabaseSummary `json:"databases"`
	Clients   []ExClientSummary   `json:"clients,omitempty"`
}

// ExServerSummary is one server at the end of the run.
type ExServerSummary struct {
	Name   string `json:"name"`
	DAG    string `json:"dag,omitempty"`
	Policy string `json:"database_copy_auto_activation_policy"`
	// Components lists the components not Active, or held by a requester.
	Components []ExComponentSummary `json:"components"`
	QueueDepth int64                `json:"queue_depth"`
	ClientsAt  string               `json:"clients_connect_to"` // where clients homed here connect
}

// ExComponentSummary is a component's effective state and its holds.
type ExComponentSummary struct {
	Component string `json:"component"`
	Effective string `json:"effective"`
	// Holds maps each requester holding a state other than Active to it.
	Holds map[string]string `json:"holds,omitempty"`
}

// ExDatabaseSummary is one database at the end of the run.
type ExDatabaseSummary struct {
	Name      string   `json:"name"`
	Active    string   `json:"active"`
	Mounted   bool     `json:"mounted"`
	Suspended []string `json:"suspended_copies,omitempty"` // servers
}

// ExClientSummary is one client over the run.
type ExClientSummary struct {
	Name           string `json:"name"`
	Home           string `json:"home"`
	ConnectsTo     string `json:"connects_to"`
	Database       string `json:"database"`
	RequestsFailed int64  `json:"requests_failed"`
}

// ExchangeMetrics are the message numbers of an exchange run. Counts are
// integers, durations seconds.
type ExchangeMetrics struct {
	MessagesArrived    int64 `json:"messages_arrived"`
	MessagesAccepted   int64 `json:"messages_accepted"`
	MessagesDeferred   int64 `json:"messages_deferred"` // refused by every server: the sender keeps them
	MessagesDelivered  int64 `json:"messages_delivered"`
	MessagesRedirected int64 `json:"messages_redirected"` // moves by Redirect-Message (a message may move twice)
	MessagesQueued     int64 `json:"messages_queued_at_end"`
	// MessagesLost follows X5 (and INV-X1): accepted messages neither
	// delivered nor queued on a server that can still deliver them, that
	// is accepted − delivered − queued at the end, plus those queued at the
	// end on a server whose HubTransport is Inactive (not redirected, the
	// server did not come back; they count in MessagesQueued too).
	MessagesLost int64 `json:"messages_lost"`
	// MessagesDelayed counts the deferred messages and those delivered more
	// than DelayThreshold (5 minutes) after they were accepted.
	MessagesDelayed          int64             `json:"messages_delayed"`
	DeliveryLatencyMeanSecs  float64           `json:"delivery_latency_mean"`
	DeliveryLatencyMaxSecs   float64           `json:"delivery_latency_max"`
	QueueDepthPeak           int64             `json:"queue_depth_peak"` // any server
	DrainTimeSeconds         float64           `json:"drain_time"`       // longest drain (below)
	DrainsIncomplete         int64             `json:"drains_incomplete"`
	ClientRequestsFailed     int64             `json:"client_requests_failed"`
	Drains                   []ExDrainMetrics  `json:"drains"`
	Servers                  []ExServerMetrics `json:"servers"`
	deliveredLatencySumNanos float64
}

// ExDrainMetrics is one drain of one server: from its HubTransport
// leaving Active until its queue is empty (X2: queued work completes or
// is redirected).
type ExDrainMetrics struct {
	Server           string  `json:"server"`
	StartNS          int64   `json:"start_ns"`
	QueuedAtStart    int64   `json:"queued_at_start"`
	Drained          bool    `json:"drained"`    // false: the queue was not empty by the time HubTransport was Active again, or by the end
	DrainTimeSeconds float64 `json:"drain_time"` // a lower bound when not drained
}

// ExServerMetrics are one server's message numbers.
type ExServerMetrics struct {
	Server         string `json:"server"`
	Accepted       int64  `json:"accepted"`
	Delivered      int64  `json:"delivered"`
	Deferred       int64  `json:"deferred"` // arrived here, refused everywhere
	QueueDepthPeak int64  `json:"queue_depth_peak"`
}

// exchangeObserver builds the summary and metrics of an exchange run.
type exchangeObserver struct {
	cat     *Catalog
	m       ExchangeMetrics
	servers []exObsServer
	dbs     []ExDatabaseSummary
	dbCopy  [][]int32 // per database: copy servers
	dbSusp  [][]bool
	dbAct   []int32
	clients []ExClientSummary
	end     sim.Time
}

type exObsServer struct {
	name, dag string
	policy    model.ActivationPolicy
	holds     [model.NumComponents][model.NumRequesters]model.CompState
	eff       [model.NumComponents]model.CompState
	depth     int64
	clientsAt int32
	drain     int // index of the open drain in m.Drains, -1 none
}

func newExchangeObserver(cat *Catalog) *exchangeObserver { return &exchangeObserver{cat: cat} }

// ObserveBatch implements sim.BatchObserver: it reads the summary
// builder's catalog, so it is one too and subscribed after the builder
// (a Bus calls BatchObservers in subscription order, after the plain ones).
func (o *exchangeObserver) ObserveBatch(rs []model.Record) {
	for i := range rs {
		o.Observe(&rs[i])
	}
}

func (o *exchangeObserver) Observe(r *model.Record) {
	x := r.Ex
	switch r.Kind {
	case model.RecServer:
		if r.Decl == nil || r.Decl.Exchange == nil {
			return
		}
		d := r.Decl.Exchange
		s := exObsServer{name: r.Decl.Name, dag: d.DAG, policy: d.Policy, clientsAt: r.Server, drain: -1}
		for _, h := range d.Holds {
			s.holds[h.Component][h.Requester] = h.State
		}
		o.servers = growSet(o.servers, r.Server, s)
		o.m.Servers = growSet(o.m.Servers, r.Server, ExServerMetrics{Server: r.Decl.Name})
		return
	case model.RecExDatabase:
		d := r.Decl.Exchange
		var copies []int32
		var susp []bool
		for _, c := range d.Copies {
			copies, susp = append(copies, c.Server), append(susp, c.Suspended)
		}
		o.dbs = growSet(o.dbs, x.Database, ExDatabaseSummary{Name: r.Decl.Name, Mounted: d.Mounted})
		o.dbCopy = growSet(o.dbCopy, x.Database, copies)
		o.dbSusp = growSet(o.dbSusp, x.Database, susp)
		o.dbAct = growSet(o.dbAct, x.Database, d.Active)
		return
	case model.RecExClient:
		o.clients = growSet(o.clients, x.Client, ExClientSummary{Name: r.Decl.Name, Home: o.cat.ServerName(r.Server),
			Database: o.cat.DatabaseName(r.Decl.Exchange.Database)})
		return
	case model.RecEnd:
		o.end = r.At
		return
	}
	if x == nil {
		return
	}
	s := o.server(r.Server)
	switch r.Kind {
	case model.RecExComponentState, model.RecExComponentEffective:
		if s == nil {
			return
		}
		if r.Kind == model.RecExComponentState {
			s.holds[x.Component][x.Requester] = x.State
		}
		before := s.eff[model.CompHubTransport]
		s.eff[x.Component] = x.Effective
		if x.Component == model.CompHubTransport {
			o.hubChanged(r.Server, before, x.Effective, r.At)
		}
	case model.RecExPolicy:
		if s != nil {
			s.policy = x.Policy
		}
	case model.RecExCopySuspended, model.RecExCopyResumed:
		if x.Database >= 0 && int(x.Database) < len(o.dbCopy) {
			if k := slices.Index(o.dbCopy[x.Database], r.Server); k >= 0 {
				o.dbSusp[x.Database][k] = r.Kind == model.RecExCopySuspended
			}
		}
	case model.RecExDatabaseDismounted, model.RecExDatabaseMounted:
		if x.Database >= 0 && int(x.Database) < len(o.dbs) {
			o.dbs[x.Database].Mounted = r.Kind == model.RecExDatabaseMounted
		}
	case model.RecExDatabaseMoved:
		if x.Database >= 0 && int(x.Database) < len(o.dbAct) {
			o.dbAct[x.Database] = x.Target
		}
	case model.RecExClientsRedirected:
		if s != nil {
			s.clientsAt = x.Target
		}
	case model.RecExMsgAccepted:
		o.m.MessagesArrived++
		o.m.MessagesAccepted++
		if sm := o.srvMetrics(r.Server); sm != nil {
			sm.Accepted++
		}
	case model.RecExMsgDeferred:
		o.m.MessagesArrived++
		o.m.MessagesDeferred++
		o.m.MessagesDelayed++
		if sm := o.srvMetrics(r.Server); sm != nil {
			sm.Deferred++
		}
	case model.RecExMsgDelivered:
		o.m.MessagesDelivered++
		lat := r.At - x.Since
		o.m.deliveredLatencySumNanos += float64(lat)
		o.m.DeliveryLatencyMaxSecs = math.Max(o.m.DeliveryLatencyMaxSecs, time.Duration(lat).Seconds())
		if time.Duration(lat) > DelayThreshold {
			o.m.MessagesDelayed++
		}
		if sm := o.srvMetrics(r.Server); sm != nil {
			sm.Delivered++
		}
	case model.RecExMsgRedirected:
		o.m.MessagesRedirected += int64(x.Count)
		o.depth(x.Target, x.TargetDepth, r.At)
	case model.RecExQueue:
		o.m.MessagesQueued += int64(max(x.Depth, 0))
	case model.RecExClientFailed:
		o.m.ClientRequestsFailed++
		if x.Client >= 0 && int(x.Client) < len(o.clients) {
			o.clients[x.Client].RequestsFailed++
		}
	}
	o.depth(r.Server, x.Depth, r.At)
}

func (o *exchangeObserver) server(i int32) *exObsServer {
	if i < 0 || int(i) >= len(o.servers) {
		return nil
	}
	return &o.servers[i]
}

func (o *exchangeObserver) srvMetrics(i int32) *ExServerMetrics {
	if i < 0 || int(i) >= len(o.m.Servers) {
		return nil
	}
	return &o.m.Servers[i]
}

// depth follows a reported queue depth (-1: none): peaks, and the end of
// an open drain when the queue empties.
func (o *exchangeObserver) depth(sv int32, d int32, at sim.Time) {
	s := o.server(sv)
	if s == nil || d < 0 {
		return
	}
	s.depth = int64(d)
	o.m.QueueDepthPeak = max(o.m.QueueDepthPeak, s.depth)
	if sm := o.srvMetrics(sv); sm != nil {
		sm.QueueDepthPeak = max(sm.QueueDepthPeak, s.depth)
	}
	if s.drain >= 0 && s.depth == 0 {
		dr := &o.m.Drains[s.drain]
		dr.Drained = true
		dr.DrainTimeSeconds = time.Duration(at - sim.Time(dr.StartNS)).Seconds()
		s.drain = -1
	}
}

// hubChanged opens a drain when HubTransport leaves Active, and closes an
// unfinished one when it is Active again.
func (o *exchangeObserver) hubChanged(sv int32, before, after model.CompState, at sim.Time) {
	s := o.server(sv)
	switch {
	case before == model.StateActive && after != model.StateActive:
		o.m.Drains = append(o.m.Drains, ExDrainMetrics{Server: s.name, StartNS: int64(at), QueuedAtStart: s.depth})
		s.drain = len(o.m.Drains) - 1
		if s.depth == 0 {
			o.m.Drains[s.drain].Drained = true
			s.drain = -1
		}
	case before != model.StateActive && after == model.StateActive && s.drain >= 0:
		dr := &o.m.Drains[s.drain]
		dr.DrainTimeSeconds = time.Duration(at - sim.Time(dr.StartNS)).Seconds()
		s.drain = -1
	}
}

// finish returns the end state and the metrics.
func (o *exchangeObserver) finish() (*ExchangeSummary, *ExchangeMetrics) {
	for i := range o.servers {
		if s := &o.servers[i]; s.drain >= 0 {
			dr := &o.m.Drains[s.drain]
			dr.DrainTimeSeconds = time.Duration(o.end - sim.Time(dr.StartNS)).Seconds()
		}
	}
	m := o.m
	for _, d := range m.Drains {
		m.DrainTimeSeconds = math.Max(m.DrainTimeSeconds, d.DrainTimeSeconds)
		if !d.Drained {
			m.DrainsIncomplete++
		}
	}
	if m.MessagesDelivered > 0 {
		m.DeliveryLatencyMeanSecs = m.deliveredLatencySumNanos / float64(m.MessagesDelivered) / 1e9
	}
	m.MessagesLost = m.MessagesAccepted - m.MessagesDelivered - m.MessagesQueued
	for i := range o.servers {
		if s := &o.servers[i]; s.eff[model.CompHubTransport] == model.StateInactive && s.depth > 0 {
			m.MessagesLost += s.depth // stranded (X5)
		}
	}
	sum := &ExchangeSummary{Databases: []ExDatabaseSummary{}, Clients: o.clients}
	for i := range o.servers {
		s := &o.servers[i]
		ss := ExServerSummary{Name: s.name, DAG: s.dag, Policy: s.policy.String(), QueueDepth: s.depth,
			ClientsAt: o.cat.ServerName(s.clientsAt), Components: []ExComponentSummary{}}
		for k := range model.NumComponents {
			var holds map[string]string
			for q, h := range s.holds[k] {
				if h != model.StateActive {
					if holds == nil {
						holds = map[string]string{}
					}
					holds[model.Requester(q).String()] = h.String()
				}
			}
			if s.eff[k] != model.StateActive || holds != nil {
				ss.Components = append(ss.Components, ExComponentSummary{Component: model.Component(k).String(), Effective: s.eff[k].String(), Holds: holds})
			}
		}
		sum.Servers = append(sum.Servers, ss)
	}
	for i, d := range o.dbs {
		d.Active = o.cat.ServerName(o.dbAct[i])
		for k, susp := range o.dbSusp[i] {
			if susp {
				d.Suspended = append(d.Suspended, o.cat.ServerName(o.dbCopy[i][k]))
			}
		}
		sum.Databases = append(sum.Databases, d)
	}
	for i := range sum.Clients {
		sum.Clients[i].ConnectsTo = o.cat.ServerName(o.servers[o.cat.ClientServer[i]].clientsAt)
	}
	return sum, &m
}

// Effective is a component's effective state at the end ("Active" when it
// is not listed).
func (s *ExServerSummary) Effective(component string) string {
	for _, c := range s.Components {
		if c.Component == component {
			return c.Effective
		}
	}
	return model.StateActive.String()
}

// diffExchange judges one exchange expectation against a run.
func diffExchange(e *ExchangeExpect, s *Summary) []string {
	x, m := s.Exchange, s.Metrics.Exchange
	if x == nil || m == nil {
		return []string{"this run is not an exchange run"}
	}
	server := func(name string) *ExServerSummary {
		for i := range x.Servers {
			if x.Servers[i].Name == name {
				return &x.Servers[i]
			}
		}
		return nil
	}
	var d []string
	switch e.Kind {
	case "component":
		if sv := server(e.Server); sv != nil {
			if got := sv.Effective(e.Component); got != e.State {
				d = append(d, fmt.Sprintf("state: expected %s, got %s", e.State, got))
			}
		}
	case "policy":
		if sv := server(e.Server); sv != nil && sv.Policy != e.Policy {
			d = append(d, fmt.Sprintf("database_copy_auto_activation_policy: expected %s, got %s", e.Policy, sv.Policy))
		}
	case "database":
		for _, db := range x.Databases {
			if db.Name != e.Database {
				continue
			}
			if e.Mounted != nil && db.Mounted != *e.Mounted {
				d = append(d, fmt.Sprintf("mounted: expected %t, got %t", *e.Mounted, db.Mounted))
			}
			if e.Server != "" && db.Active != e.Server {
				d = append(d, fmt.Sprintf("server: expected %s, got %s", e.Server, db.Active))
			}
		}
	case "client":
		for _, c := range x.Clients {
			if c.Name == e.Client && int64(*e.RequestsFailed) != c.RequestsFailed {
				d = append(d, fmt.Sprintf("requests_failed: expected %d, got %d", *e.RequestsFailed, c.RequestsFailed))
			}
		}
	case "messages":
		for _, f := range []struct {
			name string
			want *int
			got  int64
		}{{"lost", e.Messages.Lost, m.MessagesLost}, {"queued", e.Messages.Queued, m.MessagesQueued},
			{"deferred", e.Messages.Deferred, m.MessagesDeferred}, {"delivered", e.Messages.Delivered, m.MessagesDelivered},
			{"accepted", e.Messages.Accepted, m.MessagesAccepted}, {"delayed", e.Messages.Delayed, m.MessagesDelayed}} {
			if f.want != nil && int64(*f.want) != f.got {
				d = append(d, fmt.Sprintf("messages.%s: expected %d, got %d", f.name, *f.want, f.got))
			}
		}
	case "pitfall":
		tag := "X4 pitfall " + e.Pitfall + ":"
		var named []string
		for _, inv := range s.Invariants {
			for _, v := range inv.Violations {
				if strings.HasPrefix(v.Message, tag) {
					return nil
				}
				if p, _, ok := strings.Cut(strings.TrimPrefix(v.Message, "X4 pitfall "), ":"); ok && strings.HasPrefix(v.Message, "X4 pitfall ") {
					named = append(named, p)
				}
			}
		}
		got := "none"
		if len(named) > 0 {
			got = strings.Join(slices.Compact(named), ", ")
		}
		d = append(d, fmt.Sprintf("pitfall: expected INV-X2 to report %s, got %s", e.Pitfall, got))
	}
	return d
}
