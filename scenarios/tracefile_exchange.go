package scenarios

import (
	"fmt"
	"strconv"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// This file is the exchange profile's part of the JSONL trace format
// (docs/exchange.md, "Trace"). An exchange event line carries, after the
// common keys (t, time, ev, server) and in this order, whichever of these
// apply: component, requester, state, effective, policy, database,
// client, target, msg, count, queue_depth, target_queue_depth,
// accepted_at, auto — then text. Keys left out read back as their
// defaults (no reference, depth not reported), so a line read back is the
// record that was written.

// exTraceLine holds the exchange keys of a trace line. The keys "client"
// and "target" are shared with the Cloud Connect declarations (a tenant's
// client product, a job's target): an exchange line uses them for a client
// name and a server name.
type exTraceLine struct {
	Component          string       `json:"component"`
	Requester          string       `json:"requester"`
	State              string       `json:"state"`
	Effective          string       `json:"effective"`
	Policy             string       `json:"policy"`
	Database           *string      `json:"database"`
	Msg                int64        `json:"msg"`
	Count              int32        `json:"count"`
	QueueDepth         *int32       `json:"queue_depth"`
	TargetQueueDepth   *int32       `json:"target_queue_depth"`
	AcceptedAt         *int64       `json:"accepted_at"`
	Auto               bool         `json:"auto"`
	DAG                string       `json:"dag"`
	MessageRatePerHour float64      `json:"message_rate_per_hour"`
	DeliveryDist       string       `json:"delivery_dist"`
	DeliveryANS        float64      `json:"delivery_a_ns"`
	DeliveryBNS        float64      `json:"delivery_b_ns"`
	Components         []exHoldLine `json:"components"`
	Copies             []exCopyLine `json:"copies"`
	Active             string       `json:"active"`
	Mounted            *bool        `json:"mounted"`
	Protocol           string       `json:"protocol"`
	RequestRatePerHour float64      `json:"request_rate_per_hour"`
}

type exHoldLine struct {
	Component string `json:"component"`
	Requester string `json:"requester"`
	State     string `json:"state"`
}

type exCopyLine struct {
	Server               string `json:"server"`
	ActivationPreference int32  `json:"activation_preference"`
	Suspended            bool   `json:"suspended"`
}

var distNames = []string{"", "const", "uniform", "exponential", "lognormal"}

func isExchangeKind(k model.RecordKind) bool { return k >= model.RecExDatabase }

// kindProfile is the profile whose traces hold a line of kind k: "vcc" for
// tenants, jobs, sessions, tasks and the Cloud Connect server events,
// "exchange" for databases, clients, components and messages, "" for the
// lines both have (scenario, server, action_rejected, end).
func kindProfile(k model.RecordKind) string {
	switch {
	case isExchangeKind(k):
		return "exchange"
	case k == model.RecScenario || k == model.RecServer || k == model.RecActionRejected || k == model.RecEnd:
		return ""
	}
	return "vcc"
}

// profileErr refuses a line of the other profile: a trace is one profile's
// world, judged by that profile's invariants only, so a line of the other
// would never be judged.
func (t *TraceReader) profileErr(ev, lineProfile string) error {
	var whose string
	switch {
	case !t.scenario:
		whose = "it has no scenario line, so its profile is vcc"
	case !t.profileGiven:
		whose = "its scenario line names no profile, so vcc"
	default:
		whose = fmt.Sprintf("its scenario line says \"profile\":%q", t.sem.Profile)
	}
	return t.errf("ev %q is a line of the %s profile, but the trace is of the %s profile (%s): a trace holds one profile's entities and events (docs/trace-format.md, docs/exchange.md)",
		ev, profileName(profileOf(lineProfile)), profileName(profileOf(t.sem.Profile)), whose)
}

func (b jbuf) float(k string, v float64) jbuf { return strconv.AppendFloat(b.key(k), v, 'g', -1, 64) }

// appendExFields writes the exchange keys of an event line.
func appendExFields(b jbuf, c *Catalog, r *model.Record) jbuf {
	x := r.Ex
	switch r.Kind {
	case model.RecExComponentState:
		b = b.str("component", x.Component.String())
		b = b.str("requester", x.Requester.String())
		b = b.str("state", x.State.String())
		b = b.str("effective", x.Effective.String())
	case model.RecExComponentEffective:
		b = b.str("component", x.Component.String())
		b = b.str("effective", x.Effective.String())
	case model.RecExPolicy:
		b = b.str("policy", x.Policy.String())
	}
	if x.Database >= 0 {
		b = b.str("database", c.DatabaseName(x.Database))
	}
	if x.Client >= 0 {
		b = b.str("client", c.ClientName(x.Client))
	}
	if x.Target >= 0 {
		b = b.str("target", c.ServerName(x.Target))
	}
	if x.Msg > 0 {
		b = b.num("msg", x.Msg)
	}
	if r.Kind == model.RecExMsgRedirected {
		b = b.num("count", int64(x.Count))
	}
	if x.Depth >= 0 {
		b = b.num("queue_depth", int64(x.Depth))
	}
	if x.TargetDepth >= 0 {
		b = b.num("target_queue_depth", int64(x.TargetDepth))
	}
	if r.Kind == model.RecExMsgDelivered {
		b = b.num("accepted_at", int64(x.Since))
	}
	if x.Auto {
		b = b.boolean("auto", true)
	}
	return b
}

// appendExDeclLine writes an exchange declaration: a server, a database
// or a client.
func appendExDeclLine(b jbuf, c *Catalog, r *model.Record) jbuf {
	d, x := r.Decl, r.Decl.Exchange
	switch r.Kind {
	case model.RecServer:
		b = b.str("server", d.Name)
		b = b.str("version", x.Version)
		b = b.str("dag", x.DAG)
		b = b.str("policy", x.Policy.String())
		b = b.float("message_rate_per_hour", x.MessageRatePerHour)
		b = b.str("delivery_dist", distNames[min(int(x.DeliveryTime.Kind), len(distNames)-1)])
		b = b.float("delivery_a_ns", x.DeliveryTime.A)
		b = b.float("delivery_b_ns", x.DeliveryTime.B)
		b = append(b.key("components"), '[')
		for i, h := range x.Holds {
			if i > 0 {
				b = append(b, ',')
			}
			hb := jbuf{'{'}
			hb = hb.str("component", h.Component.String())
			hb = hb.str("requester", h.Requester.String())
			hb = hb.str("state", h.State.String())
			b = append(append(b, hb...), '}')
		}
		b = append(b, ']')
	case model.RecExDatabase:
		b = b.str("database", d.Name)
		b = append(b.key("copies"), '[')
		for i, cp := range x.Copies {
			if i > 0 {
				b = append(b, ',')
			}
			cb := jbuf{'{'}
			cb = cb.str("server", c.ServerName(cp.Server))
			cb = cb.num("activation_preference", int64(cp.Preference))
			cb = cb.boolean("suspended", cp.Suspended)
			b = append(append(b, cb...), '}')
		}
		b = append(b, ']')
		b = b.str("active", c.ServerName(x.Active))
		b = b.boolean("mounted", x.Mounted)
	case model.RecExClient:
		b = b.str("client", d.Name)
		b = b.str("server", c.ServerName(r.Server))
		b = b.str("database", c.DatabaseName(x.Database))
		b = b.str("protocol", x.Protocol.String())
		b = b.float("request_rate_per_hour", x.RequestRatePerHour)
	}
	return b
}

// exchangeDecl reads an exchange declaration line back.
func (t *TraceReader) exchangeDecl(l *traceLine, r model.Record) (model.Record, error) {
	if t.databases == nil {
		t.databases, t.clients = map[string]int32{}, map[string]int32{}
	}
	x := &model.ExDecl{}
	d := &model.Decl{Exchange: x}
	var err error
	switch r.Kind {
	case model.RecServer:
		if l.Server == nil || *l.Server == "" {
			return r, t.errf("server declaration without server name")
		}
		if _, dup := t.servers[*l.Server]; dup {
			return r, t.errf("server %q declared twice", *l.Server)
		}
		d.Name, x.Version, x.DAG, x.MessageRatePerHour = *l.Server, l.Version, l.DAG, l.MessageRatePerHour
		if err := parseField(t, "policy", l.Policy, model.ParseActivationPolicy, &x.Policy); err != nil {
			return r, err
		}
		if l.DeliveryDist != "" {
			k := -1
			for i, n := range distNames {
				if n == l.DeliveryDist && n != "" {
					k = i
				}
			}
			if k < 0 {
				return r, t.errf("delivery_dist: unknown distribution %q (one of: const, uniform, exponential, lognormal)", l.DeliveryDist)
			}
			x.DeliveryTime = sim.Dist{Kind: sim.DistKind(k), A: l.DeliveryANS, B: l.DeliveryBNS}
			if err := x.DeliveryTime.Validate(); err != nil {
				return r, t.errf("delivery time: %v", err)
			}
		}
		for _, h := range l.Components {
			var hold model.ExHold
			if hold.Component, err = model.ParseComponent(h.Component); err != nil {
				return r, t.errf("components: %v", err)
			}
			if hold.Requester, err = model.ParseRequester(h.Requester); err != nil {
				return r, t.errf("components: %v", err)
			}
			if hold.State, err = model.ParseCompState(h.State); err != nil {
				return r, t.errf("components: %v", err)
			}
			x.Holds = append(x.Holds, hold)
		}
		r.Server = int32(len(t.servers))
		t.servers[*l.Server] = r.Server
	case model.RecExDatabase:
		if l.Database == nil || *l.Database == "" {
			return r, t.errf("ex_database declaration without database name")
		}
		if _, dup := t.databases[*l.Database]; dup {
			return r, t.errf("database %q declared twice", *l.Database)
		}
		d.Name = *l.Database
		for _, cp := range l.Copies {
			sv, ok := t.servers[cp.Server]
			if !ok {
				return r, t.errf("database %q: copy on undeclared server %q", d.Name, cp.Server)
			}
			x.Copies = append(x.Copies, model.ExCopySpec{Server: sv, Preference: cp.ActivationPreference, Suspended: cp.Suspended})
		}
		if len(x.Copies) == 0 {
			return r, t.errf("database %q has no copies", d.Name)
		}
		active, ok := t.servers[l.Active]
		if !ok {
			return r, t.errf("database %q: active copy on undeclared server %q", d.Name, l.Active)
		}
		x.Active = active
		x.Mounted = l.Mounted != nil && *l.Mounted
		r.Ex = model.NewExDetail()
		r.Ex.Database = int32(len(t.databases))
		t.databases[d.Name] = r.Ex.Database
	case model.RecExClient:
		if l.Client == "" {
			return r, t.errf("ex_client declaration without client name")
		}
		if _, dup := t.clients[l.Client]; dup {
			return r, t.errf("client %q declared twice", l.Client)
		}
		d.Name = l.Client
		if l.Server == nil {
			return r, t.errf("client %q without server", l.Client)
		}
		sv, ok := t.servers[*l.Server]
		if !ok {
			return r, t.errf("client %q on undeclared server %q", l.Client, *l.Server)
		}
		if l.Database == nil {
			return r, t.errf("client %q without database", l.Client)
		}
		db, ok := t.databases[*l.Database]
		if !ok {
			return r, t.errf("client %q of undeclared database %q", l.Client, *l.Database)
		}
		x.Database, x.RequestRatePerHour = db, l.RequestRatePerHour
		if err := parseField(t, "protocol", l.Protocol, model.ParseProtocol, &x.Protocol); err != nil {
			return r, err
		}
		r.Server = sv
		r.Ex = model.NewExDetail()
		r.Ex.Client = int32(len(t.clients))
		t.clients[l.Client] = r.Ex.Client
	}
	r.Decl = d
	return r, nil
}

// exFields reads the exchange keys of an event line into r.Ex.
func (t *TraceReader) exFields(l *traceLine, r model.Record) (model.Record, error) {
	x := model.NewExDetail()
	if err := parseField(t, "field component", l.Component, model.ParseComponent, &x.Component); err != nil {
		return r, err
	}
	if err := parseField(t, "field requester", l.Requester, model.ParseRequester, &x.Requester); err != nil {
		return r, err
	}
	if err := parseField(t, "field state", l.State, model.ParseCompState, &x.State); err != nil {
		return r, err
	}
	if err := parseField(t, "field effective", l.Effective, model.ParseCompState, &x.Effective); err != nil {
		return r, err
	}
	if err := parseField(t, "field policy", l.Policy, model.ParseActivationPolicy, &x.Policy); err != nil {
		return r, err
	}
	if l.Database != nil {
		id, ok := t.databases[*l.Database]
		if !ok {
			return r, t.errf("unknown database %q (declare it with an ev \"ex_database\" line first)", *l.Database)
		}
		x.Database = id
	}
	if l.Client != "" {
		id, ok := t.clients[l.Client]
		if !ok {
			return r, t.errf("unknown client %q (declare it with an ev \"ex_client\" line first)", l.Client)
		}
		x.Client = id
	}
	if l.Target != "" {
		id, ok := t.servers[l.Target]
		if !ok {
			return r, t.errf("unknown target server %q", l.Target)
		}
		x.Target = id
	}
	x.Msg, x.Count, x.Auto = l.Msg, l.Count, l.Auto
	if l.QueueDepth != nil {
		x.Depth = *l.QueueDepth
	}
	if l.TargetQueueDepth != nil {
		x.TargetDepth = *l.TargetQueueDepth
	}
	if l.AcceptedAt != nil {
		x.Since = sim.Time(*l.AcceptedAt)
	}
	r.Ex = x
	return r, nil
}
