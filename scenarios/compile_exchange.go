package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maintsim/maintsim/model"
)

// This file compiles the exchange profile's part of a scenario file
// (docs/exchange.md) into model.ExchangeSpec, with the same one-pass,
// every-problem-positioned checking as the Cloud Connect part, and keeps
// each profile's fields out of the other's files.

// ExchangeExpect is one exchange expectation: Kind says which fields apply.
type ExchangeExpect struct {
	Kind           string // component | policy | database | client | messages | pitfall
	Server         string
	Component      string // canonical name (MailboxDelivery reads MailboxDeliveryProxy)
	State          string
	Policy         string
	Database       string
	Mounted        *bool
	Client         string
	RequestsFailed *int
	Messages       *MessagesExpect
	Pitfall        string
}

// Pitfalls are the X4 pitfalls INV-X2 names, in SEMANTICS.md order.
var Pitfalls = []string{"no-backup", "users-not-notified", "dismount-before-suspend", "traffic-not-redirected", "requester-left-set"}

// DefaultRequestRate is a client's request rate when it names none.
const DefaultRequestRate Rate = 60

// exchangeVersions are the Exchange Server releases with server component
// states and Redirect-Message (2013 and later).
var exchangeVersions = []string{"2013", "2016", "2019", "SE"}

// exchangeVerb reports (for a Cloud Connect file) an exchange action as
// belonging to the other profile; it returns true when it did.
func (c *compiler) exchangeVerb(p fieldPath, do string) bool {
	if !model.IsExActionKind(do) {
		return false
	}
	c.ps.at(p, "%s is an action of the exchange profile; this file simulates Cloud Connect (set semantics: {profile: exchange})", do)
	return true
}

// rejectExchangeOnly reports the exchange fields of a Cloud Connect file.
func (c *compiler) rejectExchangeOnly() {
	f := c.f
	bad := func(p fieldPath, field string) {
		c.ps.atKey(p.with(field), "%s belongs to the exchange profile (semantics: {profile: exchange}); this file simulates Cloud Connect", field)
	}
	for i, s := range f.Servers {
		p := pathOf("servers", i)
		for _, x := range []struct {
			name string
			set  bool
		}{{"dag", s.DAG != ""}, {"message_rate", s.MessageRate != 0}, {"delivery_time", s.DeliveryTime.IsSet()},
			{"database_copy_auto_activation_policy", s.Policy != ""}, {"components", s.Components != nil}} {
			if x.set {
				bad(p, x.name)
			}
		}
	}
	if f.Databases != nil {
		bad(fieldPath{}, "databases")
	}
	if f.Clients != nil {
		bad(fieldPath{}, "clients")
	}
	for i, a := range f.Actions {
		p := pathOf("actions", i)
		for _, x := range []struct {
			name string
			set  bool
		}{{"component", a.Component != ""}, {"state", a.State != ""}, {"requester", a.Requester != ""},
			{"database_copy_auto_activation_policy", a.Policy != ""}, {"database", a.Database != ""}, {"target", a.Target != ""}} {
			if x.set {
				bad(p, x.name)
			}
		}
	}
	for i, e := range f.Expect {
		p := pathOf("expect", i)
		for _, x := range []struct {
			name string
			set  bool
		}{{"server", e.Server != ""}, {"component", e.Component != ""}, {"state", e.State != ""},
			{"database_copy_auto_activation_policy", e.Policy != ""}, {"database", e.Database != ""}, {"mounted", e.Mounted != nil},
			{"client", e.Client != ""}, {"requests_failed", e.RequestsFailed != nil}, {"messages", e.Messages != nil}, {"pitfall", e.Pitfall != ""}} {
			if x.set || c.emptyText(p.with(x.name), "") { // "" is written, not left out
				bad(p, x.name)
			}
		}
	}
}

// exCompiler holds the names of one exchange file while it compiles.
type exCompiler struct {
	*compiler
	x         *model.ExchangeSpec
	servers   map[string]int32
	databases map[string]int32
	clients   map[string]int32
	dbPaths   []fieldPath
}

func (c *compiler) compileExchange() []Expectation {
	xc := &exCompiler{compiler: c, x: &model.ExchangeSpec{}, servers: map[string]int32{}, databases: map[string]int32{},
		clients: map[string]int32{}}
	c.spec.Exchange = xc.x
	if s := c.f.Semantics; s != nil {
		p := pathOf("semantics")
		for _, k := range []struct {
			name string
			set  bool
		}{{"replication_in_maintenance", s.ReplicationInMaintenance != ""}, {"vcd_backup_in_maintenance", s.VCDBackupInMaintenance != ""},
			{"graceful_stop_result", s.GracefulStopResult != ""}, {"snapshot_time", s.SnapshotTime != nil}, {"commit_time", s.CommitTime != nil}} {
			if k.set {
				c.ps.atKey(p.with(k.name), "%s is a Cloud Connect knob; the exchange profile has none", k.name)
			}
		}
	}
	if c.f.Tenants != nil {
		c.ps.atKey(pathOf("tenants"), "tenants belong to Cloud Connect (profile vcc); an Exchange file has servers, databases and clients")
	}
	xc.exServers()
	xc.exDatabases()
	xc.exClients()
	xc.actions()
	return xc.expect()
}

func (xc *exCompiler) serverNames() []string {
	out := make([]string, len(xc.x.Servers))
	for i, s := range xc.x.Servers {
		out[i] = s.Name
	}
	return out
}

// serverRef resolves a server name; "" reports required with what.
func (xc *exCompiler) serverRef(p fieldPath, name, what string) (int32, bool) {
	if name == "" {
		xc.ps.required(p, what)
		return model.None, false
	}
	if i, ok := xc.servers[name]; ok {
		return i, true
	}
	xc.ps.at(p, "no server is named %q (servers: %s)", name, quoteList(xc.serverNames()))
	return model.None, false
}

func (xc *exCompiler) databaseRef(p fieldPath, name, what string) (int32, bool) {
	if name == "" {
		xc.ps.required(p, what)
		return model.None, false
	}
	if i, ok := xc.databases[name]; ok {
		return i, true
	}
	names := make([]string, len(xc.x.Databases))
	for i, d := range xc.x.Databases {
		names[i] = d.Name
	}
	xc.ps.at(p, "no database is named %q (databases: %s)", name, quoteList(names))
	return model.None, false
}

// copyOn reports whether database d has a copy on server s.
func (xc *exCompiler) copyOn(d, s int32) bool {
	if d < 0 || s < 0 || int(d) >= len(xc.x.Databases) {
		return false
	}
	return slices.ContainsFunc(xc.x.Databases[d].Copies, func(c model.ExCopySpec) bool { return c.Server == s })
}

func (xc *exCompiler) exServers() {
	for i, s := range xc.f.Servers {
		p := pathOf("servers", i)
		spec := model.ExServerSpec{Name: s.Name, DAG: s.DAG, MessageRatePerHour: s.MessageRate.PerHour()}
		if xc.ps.checkName(p.with("name"), s.Name, "server", false) {
			if _, dup := xc.servers[s.Name]; dup {
				xc.ps.at(p.with("name"), "duplicate server name %q (first at %s)", s.Name, xc.ps.where(pathOf("servers", int(xc.servers[s.Name]), "name")))
			} else {
				xc.servers[s.Name] = int32(i)
			}
		}
		switch v := strings.TrimSpace(s.Version); {
		case v == "":
			xc.ps.required(p.with("version"), "the Exchange Server version, one of "+strings.Join(exchangeVersions, ", "))
		case slices.Contains(exchangeVersions, strings.ToUpper(v)):
			spec.Version = strings.ToUpper(v)
		default:
			xc.ps.at(p.with("version"), "unsupported Exchange Server version %q (one of: %s)", s.Version, strings.Join(exchangeVersions, ", "))
		}
		for _, x := range []struct {
			name string
			set  bool
		}{{"task_slots", s.TaskSlots != 0}, {"bandwidth", s.Bandwidth != 0}, {"maintenance_message", s.MaintenanceMessage != ""},
			{"maintenance", s.Maintenance}, {"service", s.Service != ""}, {"power", s.Power != ""}} {
			if x.set {
				xc.ps.atKey(p.with(x.name), "%s is a Cloud Connect field (profile vcc); an Exchange server does not take it", x.name)
			}
		}
		if s.DAG != "" && strings.TrimSpace(s.DAG) != s.DAG {
			xc.ps.at(p.with("dag"), "%q has leading or trailing spaces", s.DAG)
		}
		switch r := s.MessageRate.PerHour(); {
		case r < 0:
			xc.ps.at(p.with("message_rate"), "%s is negative; rates are ≥ 0", s.MessageRate)
		case r > model.MaxMessageRatePerHour:
			xc.ps.at(p.with("message_rate"), "%s is more than the limit of %d/h", s.MessageRate, model.MaxMessageRatePerHour)
		case r > 0 && len(xc.f.Databases) == 0:
			xc.ps.at(p.with("message_rate"), "messages arrive but there is no database to deliver them to (add databases:)")
		}
		if s.DeliveryTime.IsSet() && xc.ps.checkDist(p.with("delivery_time"), s.DeliveryTime.Dist()) {
			spec.DeliveryTime = s.DeliveryTime.Dist()
		}
		if s.Policy != "" {
			spec.Policy, _ = checkEnum(&xc.ps, p.with("database_copy_auto_activation_policy"), s.Policy, model.ParseActivationPolicy)
		}
		seen := map[[2]uint8]int{}
		for k, h := range s.Components {
			hp := p.with("components", k)
			var hold model.ExHold
			okC, okR, okS := false, false, false
			if h.Component == "" {
				xc.ps.required(hp.with("component"), "the component, as in HubTransport")
			} else {
				hold.Component, okC = checkEnum(&xc.ps, hp.with("component"), h.Component, model.ParseComponent)
			}
			if h.Requester == "" {
				xc.ps.required(hp.with("requester"), "the requester, one of "+strings.Join(model.RequesterNames(), ", "))
			} else {
				hold.Requester, okR = checkEnum(&xc.ps, hp.with("requester"), h.Requester, model.ParseRequester)
			}
			if h.State == "" {
				xc.ps.required(hp.with("state"), "the state, one of Active, Inactive, Draining")
			} else {
				hold.State, okS = checkEnum(&xc.ps, hp.with("state"), h.State, model.ParseCompState)
			}
			if okC && okR {
				key := [2]uint8{uint8(hold.Component), uint8(hold.Requester)}
				if first, dup := seen[key]; dup {
					xc.ps.at(hp, "%s is already held by %s (at %s)", hold.Component, hold.Requester, xc.ps.where(p.with("components", first)))
					continue
				}
				seen[key] = k
			}
			if okC && okR && okS {
				spec.Holds = append(spec.Holds, hold)
			}
		}
		xc.x.Servers = append(xc.x.Servers, spec)
	}
}

func (xc *exCompiler) exDatabases() {
	for i, d := range xc.f.Databases {
		p := pathOf("databases", i)
		spec := model.ExDatabaseSpec{Name: d.Name, Mounted: d.Mounted == nil || *d.Mounted}
		if xc.ps.checkName(p.with("name"), d.Name, "database", false) {
			if strings.ContainsAny(d.Name, `\`) {
				xc.ps.at(p.with("name"), "%q contains \\, which separates DATABASE\\SERVER in copy names", d.Name)
			} else if first, dup := xc.databases[d.Name]; dup {
				xc.ps.at(p.with("name"), "duplicate database name %q (first at %s)", d.Name, xc.ps.where(xc.dbPaths[first].with("name")))
			} else {
				xc.databases[d.Name] = int32(i)
			}
		}
		xc.dbPaths = append(xc.dbPaths, p)
		if len(d.Copies) == 0 {
			xc.ps.required(p.with("copies"), "the database's copies, as in [{server: ex-01}]")
		}
		servers := map[int32]int{}
		prefs := map[int]int{}
		dags := map[string]bool{}
		for k, cp := range d.Copies {
			cpp := p.with("copies", k)
			sv, ok := xc.serverRef(cpp.with("server"), cp.Server, "the server holding this copy")
			pref := cp.ActivationPreference
			switch {
			case pref < 0:
				xc.ps.at(cpp.with("activation_preference"), "%d is negative; preferences start at 1", pref)
			case pref == 0:
				pref = k + 1
			}
			if first, dup := prefs[pref]; dup && pref > 0 {
				xc.ps.at(cpp, "activation preference %d is also the copy at %s", pref, xc.ps.where(p.with("copies", first)))
			}
			prefs[pref] = k
			if !ok {
				continue
			}
			if first, dup := servers[sv]; dup {
				xc.ps.at(cpp.with("server"), "a database has one copy per server; %s already has one (at %s)", cp.Server, xc.ps.where(p.with("copies", first)))
				continue
			}
			servers[sv] = k
			dags[xc.x.Servers[sv].DAG] = true
			spec.Copies = append(spec.Copies, model.ExCopySpec{Server: sv, Preference: int32(pref), Suspended: cp.Suspended})
		}
		if len(servers) > 1 && (len(dags) > 1 || dags[""]) {
			xc.ps.at(p.with("copies"), "copies on several servers need those servers in one database availability group (the same dag: on each)")
		}
		if len(spec.Copies) > 0 {
			best := 0
			for k, cp := range spec.Copies {
				if cp.Preference < spec.Copies[best].Preference {
					best = k
				}
			}
			spec.Active = int32(best)
			if d.Active != "" {
				if sv, ok := xc.serverRef(p.with("active"), d.Active, ""); ok {
					k := slices.IndexFunc(spec.Copies, func(c model.ExCopySpec) bool { return c.Server == sv })
					if k < 0 {
						xc.ps.at(p.with("active"), "%s has no copy of %s (copies: %s)", d.Active, d.Name, quoteList(copyServers(d.Copies)))
					} else {
						spec.Active = int32(k)
					}
				}
			}
			// X1/X3: a server whose ServerWideOffline is Inactive serves
			// nothing and mounts nothing (mount_database is rejected
			// there; Active Manager moves databases off it when it goes
			// offline). A database mounted on it at time zero is a state
			// Exchange never reaches.
			if sv := spec.Copies[spec.Active].Server; spec.Mounted && slices.ContainsFunc(xc.x.Servers[sv].Holds, func(h model.ExHold) bool {
				return h.Component == model.CompServerWideOffline && h.State == model.StateInactive
			}) {
				at := p.with("active")
				if d.Active == "" {
					at = p.with("name")
				}
				xc.ps.at(at, "%s is mounted on %s, whose ServerWideOffline is Inactive at time zero: an offline server mounts nothing (make another copy active, or declare mounted: false)",
					d.Name, xc.x.Servers[sv].Name)
			}
		}
		xc.x.Databases = append(xc.x.Databases, spec)
	}
}

func copyServers(cs []DatabaseCopy) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Server
	}
	return out
}

func (xc *exCompiler) exClients() {
	for i, cl := range xc.f.Clients {
		p := pathOf("clients", i)
		spec := model.ExClientSpec{Name: cl.Name, Server: model.None, Database: model.None, RequestRatePerHour: cl.RequestRate.PerHour()}
		if xc.ps.checkName(p.with("name"), cl.Name, "client", false) {
			if first, dup := xc.clients[cl.Name]; dup {
				xc.ps.at(p.with("name"), "duplicate client name %q (first at %s)", cl.Name, xc.ps.where(pathOf("clients", int(first), "name")))
			} else {
				xc.clients[cl.Name] = int32(i)
			}
		}
		spec.Server, _ = xc.serverRef(p.with("server"), cl.Server, "the client's home server")
		spec.Database, _ = xc.databaseRef(p.with("database"), cl.Database, "the database with the client's mailboxes")
		if cl.Protocol != "" {
			spec.Protocol, _ = checkEnum(&xc.ps, p.with("protocol"), cl.Protocol, model.ParseProtocol)
		}
		switch r := cl.RequestRate.PerHour(); {
		case r == 0:
			spec.RequestRatePerHour = DefaultRequestRate.PerHour()
		case r < 0:
			xc.ps.at(p.with("request_rate"), "%s is negative; rates are ≥ 0", cl.RequestRate)
		case r > model.MaxMessageRatePerHour:
			xc.ps.at(p.with("request_rate"), "%s is more than the limit of %d/h", cl.RequestRate, model.MaxMessageRatePerHour)
		}
		xc.x.Clients = append(xc.x.Clients, spec)
	}
}

// exNeeds is which fields an exchange action takes.
type exNeeds struct {
	server, serverOpt, target, database, component, policy, text bool
}

func exNeedsOf(k model.ExActionKind) exNeeds {
	switch k {
	case model.ExActSetComponentState:
		return exNeeds{server: true, component: true}
	case model.ExActSetMailboxServer:
		return exNeeds{server: true, policy: true}
	case model.ExActSuspendCopy, model.ExActResumeCopy, model.ExActMoveActive:
		return exNeeds{server: true, database: true}
	case model.ExActDismount, model.ExActMount:
		return exNeeds{database: true}
	case model.ExActRedirectMessage, model.ExActRedirectClients:
		return exNeeds{server: true, target: true}
	case model.ExActNotifyUsers:
		return exNeeds{serverOpt: true, text: true}
	case model.ExActBackup:
		return exNeeds{serverOpt: true}
	}
	return exNeeds{}
}

func (n exNeeds) takes() string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{{n.server || n.serverOpt, "server"}, {n.component, "component, state, requester"}, {n.database, "database"},
		{n.target, "target"}, {n.policy, "database_copy_auto_activation_policy"}, {n.text, "text"}} {
		if x.on {
			f = append(f, x.name)
		}
	}
	if len(f) == 0 {
		return "nothing"
	}
	return strings.Join(f, ", ")
}

func (xc *exCompiler) actions() {
	for i, a := range xc.f.Actions {
		p := pathOf("actions", i)
		act := model.ExAction{Server: model.None, Target: model.None, Database: model.None}
		if a.At == nil {
			xc.ps.required(p.with("at"), "when the action happens, as in +2h")
		} else {
			act.At, _ = xc.time(p.with("at"), a.At)
		}
		if a.Do == "" {
			xc.ps.required(p.with("do"), "the action, one of "+strings.Join(model.ExActionKindNames(), ", "))
			continue
		}
		kind, err := model.ParseExActionKind(a.Do)
		if err != nil {
			if _, vcc := model.ParseActionKind(a.Do); vcc == nil {
				xc.ps.at(p.with("do"), "%s is a Cloud Connect action (profile vcc); this file simulates Exchange (one of: %s)", a.Do, strings.Join(model.ExActionKindNames(), ", "))
			} else {
				xc.ps.at(p.with("do"), "%s", err.Error())
			}
			continue
		}
		act.Do = kind
		need := exNeedsOf(kind)
		unused := func(field string, set, on bool) {
			if set && !on {
				xc.ps.atKey(p.with(field), "%s does not take %s (it takes %s)", a.Do, field, need.takes())
			}
		}
		unused("server", a.Server != "", need.server || need.serverOpt)
		unused("tenant", a.Tenant != "", false)
		unused("job", a.Job != "", false)
		unused("mode", a.Mode != "", false)
		unused("text", a.Text != nil, need.text)
		unused("component", a.Component != "", need.component)
		unused("state", a.State != "", need.component)
		unused("requester", a.Requester != "", need.component)
		unused("database", a.Database != "", need.database)
		unused("target", a.Target != "", need.target)
		unused("database_copy_auto_activation_policy", a.Policy != "", need.policy)
		switch {
		case need.server:
			act.Server, _ = xc.serverRef(p.with("server"), a.Server, a.Do+" needs the name of a server")
		case need.serverOpt && a.Server != "":
			act.Server, _ = xc.serverRef(p.with("server"), a.Server, "")
		}
		if need.database {
			act.Database, _ = xc.databaseRef(p.with("database"), a.Database, a.Do+" needs the name of a database")
			if need.server && act.Server >= 0 && act.Database >= 0 && !xc.copyOn(act.Database, act.Server) {
				xc.ps.at(p.with("server"), "%s has no copy on %s (copies: %s)", a.Database, a.Server,
					quoteList(copyServers(xc.f.Databases[act.Database].Copies)))
			}
		}
		if need.target {
			act.Target, _ = xc.serverRef(p.with("target"), a.Target, a.Do+" needs the target server")
			if kind == model.ExActRedirectMessage && a.Target != "" && a.Target == a.Server {
				xc.ps.at(p.with("target"), "Redirect-Message needs another server as its target")
			}
		}
		if need.component {
			if a.Component == "" {
				xc.ps.required(p.with("component"), "the component, as in HubTransport")
			} else {
				act.Component, _ = checkEnum(&xc.ps, p.with("component"), a.Component, model.ParseComponent)
			}
			if a.State == "" {
				xc.ps.required(p.with("state"), "the state, one of Active, Inactive, Draining")
			} else {
				act.State, _ = checkEnum(&xc.ps, p.with("state"), a.State, model.ParseCompState)
			}
			if a.Requester == "" {
				xc.ps.required(p.with("requester"), "who sets the state, one of "+strings.Join(model.RequesterNames(), ", ")+" (the runbook's is Maintenance)")
			} else {
				act.Requester, _ = checkEnum(&xc.ps, p.with("requester"), a.Requester, model.ParseRequester)
			}
		}
		if need.policy {
			if a.Policy == "" {
				xc.ps.required(p.with("database_copy_auto_activation_policy"), "the policy, one of Unrestricted, IntrasiteOnly, Blocked")
			} else {
				act.Policy, _ = checkEnum(&xc.ps, p.with("database_copy_auto_activation_policy"), a.Policy, model.ParseActivationPolicy)
			}
		}
		if need.text && a.Text != nil {
			act.Text = *a.Text
		}
		xc.x.Actions = append(xc.x.Actions, act)
	}
}

func (xc *exCompiler) expect() []Expectation {
	var out []Expectation
	for i, e := range xc.f.Expect {
		p := pathOf("expect", i)
		x := Expectation{Pos: xc.ps.loc.pos(p.list())}
		for _, f := range []struct {
			name string
			set  bool
		}{{"session", e.Session != ""}, {"result", e.Result != ""}, {"message", e.Message != nil},
			{"restore_points", e.RestorePoints != nil}, {"tasks", e.Tasks != nil}} {
			if f.set || xc.emptyText(p.with(f.name), "") { // "" is written, not left out
				xc.ps.atKey(p.with(f.name), "%s belongs to Cloud Connect sessions (profile vcc); an Exchange file expects components, databases, clients, messages or pitfalls", f.name)
			}
		}
		var kinds []string
		for _, k := range []struct {
			name string
			set  bool
		}{{"invariants", e.Invariants != nil}, {"pitfall", e.Pitfall != ""}, {"messages", e.Messages != nil},
			{"client", e.Client != ""}, {"database", e.Database != ""}, {"component", e.Component != ""},
			{"database_copy_auto_activation_policy", e.Policy != ""}} {
			if k.set {
				kinds = append(kinds, k.name)
			}
		}
		switch {
		case len(kinds) == 0:
			if xc.hasEmptyText(i) { // reported on its own, at the empty value
				continue
			}
			if e.Server != "" || e.State != "" || e.Mounted != nil || e.RequestsFailed != nil {
				xc.ps.at(p, "an expect entry needs one of component (with server, state), database, client, messages, pitfall, database_copy_auto_activation_policy or invariants")
			} else if e.Session == "" {
				xc.ps.at(p, "an expect entry needs invariants: hold, or one of component, database, client, messages, pitfall")
			}
			continue
		case len(kinds) > 1:
			xc.ps.atKey(p.with(kinds[1]), "an expect entry checks one thing; %s and %s are two (write two entries)", kinds[0], kinds[1])
			continue
		}
		unused := func(field string, set bool) {
			if set {
				xc.ps.atKey(p.with(field), "%s does not belong to a %s expectation", field, kinds[0])
			}
		}
		ex := &ExchangeExpect{Kind: kinds[0]}
		switch kinds[0] {
		case "invariants":
			unused("server", e.Server != "")
			unused("state", e.State != "")
			unused("mounted", e.Mounted != nil)
			unused("requests_failed", e.RequestsFailed != nil)
			iv := e.Invariants
			switch {
			case iv.Hold && iv.Violated != "":
				xc.ps.at(p.with("invariants"), "invariants is either hold or {violated: ID}, not both")
			case iv.Hold:
				x.Invariants = "hold"
			default:
				if xc.checkExchangeInvariant(p.with("invariants", "violated"), iv.Violated) {
					x.Violated = iv.Violated
				}
			}
			out = append(out, x)
			continue
		case "pitfall":
			unused("server", e.Server != "")
			unused("state", e.State != "")
			unused("mounted", e.Mounted != nil)
			unused("requests_failed", e.RequestsFailed != nil)
			if !slices.Contains(Pitfalls, e.Pitfall) {
				xc.ps.at(p.with("pitfall"), "unknown pitfall %q (one of: %s)", e.Pitfall, strings.Join(Pitfalls, ", "))
			}
			ex.Pitfall = e.Pitfall
		case "messages":
			unused("server", e.Server != "")
			unused("state", e.State != "")
			unused("mounted", e.Mounted != nil)
			unused("requests_failed", e.RequestsFailed != nil)
			m := e.Messages
			for _, n := range []struct {
				name string
				v    *int
			}{{"lost", m.Lost}, {"queued", m.Queued}, {"deferred", m.Deferred}, {"delivered", m.Delivered}, {"accepted", m.Accepted}, {"delayed", m.Delayed}} {
				if n.v != nil && *n.v < 0 {
					xc.ps.at(p.with("messages", n.name), "%d is negative; counts are ≥ 0", *n.v)
				}
			}
			if *m == (MessagesExpect{}) {
				xc.ps.at(p.with("messages"), "messages needs at least one count: lost, queued, deferred, delivered, accepted or delayed")
			}
			ex.Messages = m
		case "client":
			unused("server", e.Server != "")
			unused("state", e.State != "")
			unused("mounted", e.Mounted != nil)
			if _, ok := xc.clients[e.Client]; !ok && e.Client != "" {
				names := make([]string, len(xc.x.Clients))
				for k, cl := range xc.x.Clients {
					names[k] = cl.Name
				}
				xc.ps.at(p.with("client"), "no client is named %q (clients: %s)", e.Client, quoteList(names))
			}
			if e.RequestsFailed == nil {
				xc.ps.at(p, "a client expectation needs requests_failed: N")
			} else if *e.RequestsFailed < 0 {
				xc.ps.at(p.with("requests_failed"), "%d is negative; counts are ≥ 0", *e.RequestsFailed)
			}
			ex.Client, ex.RequestsFailed = e.Client, e.RequestsFailed
		case "database":
			unused("state", e.State != "")
			unused("requests_failed", e.RequestsFailed != nil)
			d, _ := xc.databaseRef(p.with("database"), e.Database, "")
			if e.Server != "" {
				if sv, ok := xc.serverRef(p.with("server"), e.Server, ""); ok && d >= 0 && !xc.copyOn(d, sv) {
					xc.ps.at(p.with("server"), "%s has no copy on %s, so it cannot be active there", e.Database, e.Server)
				}
			}
			if e.Mounted == nil && e.Server == "" {
				xc.ps.at(p, "a database expectation needs mounted: true|false or server: (its active copy)")
			}
			ex.Database, ex.Mounted, ex.Server = e.Database, e.Mounted, e.Server
		case "component":
			unused("mounted", e.Mounted != nil)
			unused("requests_failed", e.RequestsFailed != nil)
			xc.serverRef(p.with("server"), e.Server, "the server whose component is expected")
			if c, err := model.ParseComponent(e.Component); err != nil {
				xc.ps.at(p.with("component"), "%s", err.Error())
			} else {
				ex.Component = c.String()
			}
			if e.State == "" {
				xc.ps.required(p.with("state"), "the expected effective state: Active, Inactive or Draining")
			} else {
				checkEnum(&xc.ps, p.with("state"), e.State, model.ParseCompState)
			}
			ex.Server, ex.State = e.Server, e.State
		case "database_copy_auto_activation_policy":
			ex.Kind = "policy"
			unused("state", e.State != "")
			unused("mounted", e.Mounted != nil)
			unused("requests_failed", e.RequestsFailed != nil)
			xc.serverRef(p.with("server"), e.Server, "the server whose policy is expected")
			checkEnum(&xc.ps, p.with("database_copy_auto_activation_policy"), e.Policy, model.ParseActivationPolicy)
			ex.Server, ex.Policy = e.Server, e.Policy
		}
		x.Exchange = ex
		out = append(out, x)
	}
	return out
}

// checkExchangeInvariant accepts the IDs of the exchange profile's
// invariants only: a Cloud Connect invariant is never checked on an
// Exchange run, so expecting it violated could never pass.
func (xc *exCompiler) checkExchangeInvariant(p fieldPath, id string) bool {
	return xc.ps.checkInvariantID(p, id, "exchange")
}

// profileName names an Invariant.Profile in messages.
func profileName(p string) string {
	if p == "" {
		return "Cloud Connect (vcc)"
	}
	return p
}

// String names an exchange expectation in results ("ex-01 HubTransport").
func (e *ExchangeExpect) String() string {
	switch e.Kind {
	case "component":
		return e.Server + " " + e.Component
	case "policy":
		return e.Server + " DatabaseCopyAutoActivationPolicy"
	case "database":
		return "database " + e.Database
	case "client":
		return "client " + e.Client
	case "pitfall":
		return "pitfall " + e.Pitfall
	}
	return fmt.Sprint(e.Kind)
}
