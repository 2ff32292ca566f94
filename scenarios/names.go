package scenarios

import (
	"strconv"
	"time"

	"github.com/maintsim/maintsim/model"
)

// Catalog resolves the dense IDs of records to names. It learns everything
// from the declaration records at the head of a trace, so it works the same
// on a live run and on a recorded trace.
type Catalog struct {
	Scenario *model.Decl
	Servers  []*model.Decl
	Tenants  []*model.Decl
	Jobs     []*model.Decl
	// TenantServer and JobTenant are the declared ownership links.
	TenantServer []int32
	JobTenant    []int32
	JobFlags     []model.Flags
	ServerFlags  []model.Flags
	TenantFlags  []model.Flags
	// Exchange profile: databases and clients by their Ex.Database and
	// Ex.Client IDs, and each client's home server.
	Databases    []*model.Decl
	Clients      []*model.Decl
	ClientServer []int32

	// facts is one small row per job of what the checkers read on every
	// task record; see fact.
	facts      []jobFact
	factsStale bool
	// The checkers' shared state (rows.go).
	rows    []jobRow
	tenRows []tenRow
	objRows []objRow
	memo    struct { // obj's last answer
		notJ, o int32 // ^job: the zero value is job -1, whose row is nil
		row     *objRow
	}
	objBase []int32 // flat index of each job's first object; last entry: the total
	// tasks is what the checkers read about each task in process
	// (liveTask), kept once for all of them (invariantSet.Observe).
	tasks taskTable[liveTask]
	// kindsChanged: a checker's kinds changed (kindFilter); the set
	// rebuilds its dispatch.
	kindsChanged bool
	// srvInProc is each server's tasks in process that take a slot (not
	// local, M8), kept by the set like tenRow.inProc; INV-11 reads it.
	srvInProc []int32
	touched   int32 // what touch loaded (rows.go), kept so its loads stay
}

// jobFact is what observers read about a job on every task record, in one
// row: on a fleet, the per-job lookups of a dozen observers through
// separate slices and declaration pointers are each a cache miss, and
// they were most of a large run's observer time.
type jobFact struct {
	Tenant, Server int32 // None when undeclared
	MaxTasks       int32 // the tenant's max_concurrent_tasks (0: none)
	TaskSlots      int32 // the server's task_slots (0: none)
	RetryCount     int32
	Objects        int32 // declared objects (INV-12: each reaches a terminal state in each session)
	Flags          model.Flags
	Kind           model.JobKind
	CreatesRP      bool // a committed task makes a restore point (unknown job: true)
	Local          bool // target local: no server slot (M8)
	RetryWait      time.Duration
	Decl           *model.Decl // nil when undeclared
}

var unknownJob = jobFact{Tenant: model.None, Server: model.None, CreatesRP: true}

// fact returns job j's row (a shared zero row for an unknown job; do not
// modify it). Declarations normally all come first; one arriving later
// (a hand-made trace) makes the rows stale, and the set rebuilds them
// before the next record that is not a declaration (invariantSet.Observe):
// checkers read no facts while they handle a declaration.
//
// A task record's checkers ask for it a dozen times, so it is inlined at
// every call, and so are the checkers' one-field helpers around it
// (jobServer, …): a slow path called from here put them over the
// inliner's budget, and they were 2% of a fleet run as calls.
func (c *Catalog) fact(j int32) *jobFact {
	if uint(j) < uint(len(c.facts)) {
		return &c.facts[j]
	}
	return &unknownJob
}

func (c *Catalog) buildFacts() {
	c.factsStale = false
	c.facts = c.facts[:0]
	for j, d := range c.Jobs {
		f := unknownJob
		if d != nil {
			f.Decl, f.Kind, f.CreatesRP, f.Local = d, d.Kind, d.Kind.CreatesRestorePoints(), d.Target == model.TargetLocal
			f.RetryCount, f.RetryWait, f.Objects = d.RetryCount, d.RetryWait, int32(len(d.Objects))
		}
		if j < len(c.JobFlags) {
			f.Flags = c.JobFlags[j]
		}
		if t := c.JobTenant[j]; t >= 0 && int(t) < len(c.TenantServer) {
			f.Tenant = t
			if td := c.Tenants[t]; td != nil {
				f.MaxTasks = td.MaxTasks
			}
			if sv := c.TenantServer[t]; sv >= 0 && int(sv) < len(c.Servers) {
				f.Server = sv
				if sd := c.Servers[sv]; sd != nil {
					f.TaskSlots = sd.TaskSlots
				}
			} else if sv >= 0 {
				f.Server = sv // declared link to an undeclared server
			}
		} else if t >= 0 {
			f.Tenant = t
		}
		c.facts = append(c.facts, f)
	}
}

// Observe implements sim.Observer for declaration records; other records are
// ignored.
func (c *Catalog) Observe(r *model.Record) {
	switch r.Kind {
	case model.RecServer, model.RecTenant, model.RecJob:
		c.factsStale = true
	}
	switch r.Kind {
	case model.RecScenario:
		c.Scenario = r.Decl
	case model.RecServer:
		c.Servers = growSet(c.Servers, r.Server, r.Decl)
		c.ServerFlags = growSet(c.ServerFlags, r.Server, r.Flags)
	case model.RecTenant:
		c.Tenants = growSet(c.Tenants, r.Tenant, r.Decl)
		c.TenantServer = growSet(c.TenantServer, r.Tenant, r.Server)
		c.TenantFlags = growSet(c.TenantFlags, r.Tenant, r.Flags)
	case model.RecJob:
		c.Jobs = growSet(c.Jobs, r.Job, r.Decl)
		c.JobTenant = growSet(c.JobTenant, r.Job, r.Tenant)
		c.JobFlags = growSet(c.JobFlags, r.Job, r.Flags)
	case model.RecExDatabase:
		if r.Ex == nil {
			return
		}
		c.Databases = growSet(c.Databases, r.Ex.Database, r.Decl)
	case model.RecExClient:
		if r.Ex == nil {
			return
		}
		c.Clients = growSet(c.Clients, r.Ex.Client, r.Decl)
		c.ClientServer = growSet(c.ClientServer, r.Ex.Client, r.Server)
	}
}

// Exchange reports whether the trace is of the exchange profile.
func (c *Catalog) Exchange() bool {
	return c.Scenario != nil && c.Scenario.Semantics.Profile == "exchange"
}

// DatabaseName returns an exchange database's name, or "".
func (c *Catalog) DatabaseName(i int32) string {
	if i < 0 || int(i) >= len(c.Databases) || c.Databases[i] == nil {
		return ""
	}
	return c.Databases[i].Name
}

// ClientName returns an exchange client's name, or "".
func (c *Catalog) ClientName(i int32) string {
	if i < 0 || int(i) >= len(c.Clients) || c.Clients[i] == nil {
		return ""
	}
	return c.Clients[i].Name
}

func growSet[T any](s []T, i int32, v T) []T {
	for int(i) >= len(s) {
		var zero T
		s = append(s, zero)
	}
	s[i] = v
	return s
}

// ServerName returns the server's name, or "" for None.
func (c *Catalog) ServerName(i int32) string {
	if i < 0 || int(i) >= len(c.Servers) || c.Servers[i] == nil {
		return ""
	}
	return c.Servers[i].Name
}

// TenantName returns the tenant's name, or "".
func (c *Catalog) TenantName(i int32) string {
	if i < 0 || int(i) >= len(c.Tenants) || c.Tenants[i] == nil {
		return ""
	}
	return c.Tenants[i].Name
}

// JobName returns the job's own name (without tenant), or "".
func (c *Catalog) JobName(i int32) string {
	if i < 0 || int(i) >= len(c.Jobs) || c.Jobs[i] == nil {
		return ""
	}
	return c.Jobs[i].Name
}

// ObjectName returns the name of object o of job j, or "".
func (c *Catalog) ObjectName(j, o int32) string {
	if j < 0 || int(j) >= len(c.Jobs) || c.Jobs[j] == nil || o < 0 || int(o) >= len(c.Jobs[j].Objects) {
		return ""
	}
	return c.Jobs[j].Objects[o]
}

// SessionName is TENANT/JOB#N, the contract's session ID.
func (c *Catalog) SessionName(job, n int32) string {
	if job < 0 {
		return ""
	}
	return c.TenantName(c.JobTenant[job]) + "/" + c.JobName(job) + "#" + strconv.Itoa(int(n))
}

// AppendSessionName appends TENANT/JOB#N to b without allocating.
func (c *Catalog) AppendSessionName(b []byte, job, n int32) []byte {
	b = append(b, c.TenantName(c.JobTenant[job])...)
	b = append(b, '/')
	b = append(b, c.JobName(job)...)
	b = append(b, '#')
	return strconv.AppendInt(b, int64(n), 10)
}
