package scenarios

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// This file is the Cloud Connect part of the invariant catalogue of
// shared/spec/INVARIANTS.md (INV-01 … INV-16): one streaming checker per
// invariant. Checkers keep state in slices indexed by the dense IDs of the
// records (servers, tenants, jobs; objects flattened per job), never by
// names; a job has at most one live session, so session state is a slot
// per job; tasks in process live in a small open-addressing table. Memory
// follows the declared world and what is live, not the length of the run,
// and the same checkers judge a live simulation and a recorded trace
// (`maintsim verify`). Each checker reads only the record kinds it needs
// and returns at once on the others: they run on every record of fleet
// runs of tens of millions of events.
//
// Checkers that the catalogue marks FaultFree judge only entities that no
// fault touched: a service stop or power off of their server, a disable of
// their tenant, or (where the invariant says so) an operator stop of their
// session. They see the fault records in the trace and scope themselves.

func init() {
	catalogue = append(catalogue, []Invariant{
		{ID: "INV-01", Name: "no-half-transfer", Rules: []string{"S2", "S3", "M3"},
			Holds: "Every task that ends Success transferred all its bytes and committed exactly one restore point; every task that ends otherwise left no restore point and no partial data visible. No task ends while in Transfer without one of those two outcomes.",
			New: func(c *Catalog) Checker {
				return &inv01{checker: newChecker(c, "INV-01", "S2", "S3", "M3")}
			}},
		{ID: "INV-02", Name: "restores-survive-maintenance", Rules: []string{"M8", "M11"}, FaultFree: true,
			Holds: "Every restore (and every M8 operation) started or running while its server is in maintenance ends Success (fault-free: service running, power on, tenant enabled).",
			New:   func(c *Catalog) Checker { return &inv02{checker: newChecker(c, "INV-02", "M8", "M11")} }},
		{ID: "INV-03", Name: "no-affected-start-in-maintenance", Rules: []string{"M3", "M4", "M5"},
			Holds: "No task of an affected job starts on a server while it is in maintenance, except tasks of a standalone agent session that was already running at enable (M4).",
			New:   func(c *Catalog) Checker { return &inv03{checker: newChecker(c, "INV-03", "M3", "M4", "M5")} }},
		{ID: "INV-04", Name: "in-process-tasks-finish", Rules: []string{"M3"}, FaultFree: true,
			Holds: "Every task in Transfer or Commit at the moment maintenance is enabled ends Success (fault-free).",
			New: func(c *Catalog) Checker {
				return &inv04{checker: newChecker(c, "INV-04", "M3")}
			}},
		{ID: "INV-05", Name: "maintenance-message-shown", Rules: []string{"M6", "M7"},
			Holds: "Every session that failed because of maintenance shows the effective message when M6's conditions hold, and no maintenance text otherwise.",
			New: func(c *Catalog) Checker {
				return &invMessage{checker: newChecker(c, "INV-05", "M6", "M7"), shown: true}
			}},
		{ID: "INV-06", Name: "message-changes-on-restart-only", Rules: []string{"M7"},
			Holds: "The effective message changes only at a service (re)start.",
			New:   func(c *Catalog) Checker { return &invMessage{checker: newChecker(c, "INV-06", "M7")} }},
		{ID: "INV-07", Name: "restore-points-immutable", Rules: []string{"S7", "M11"},
			Holds: "The set of restore points only grows, except by retention; no stop, maintenance or fault removes or alters one.",
			New:   func(c *Catalog) Checker { return &inv07{checker: newChecker(c, "INV-07", "S7", "M11")} }},
		{ID: "INV-08", Name: "no-orphan-snapshot", Rules: []string{"S2"},
			Holds: "Every snapshot created is removed by the end of its task, whatever the end.",
			New: func(c *Catalog) Checker {
				return &inv08{checker: newChecker(c, "INV-08", "S2")}
			}},
		{ID: "INV-09", Name: "immediate-stop-outcome", Rules: []string{"S2"},
			Holds: "After an immediate stop: in-process objects have no new restore point, finished ones keep theirs, session Failed.",
			New:   func(c *Catalog) Checker { return &inv09{checker: newChecker(c, "INV-09", "S2")} }},
		{ID: "INV-10", Name: "graceful-stop-outcome", Rules: []string{"S3", "S4"}, FaultFree: true,
			Holds: "After a graceful stop: in-process objects get restore points, pending ones none; result per S3/S4.",
			New: func(c *Catalog) Checker {
				return &inv10{checker: newChecker(c, "INV-10", "S3", "S4")}
			}},
		{ID: "INV-11", Name: "concurrency-limits", Rules: []string{"M14"},
			Holds: "Tasks in process never exceed the tenant's max_concurrent_tasks nor the server's task_slots.",
			New: func(c *Catalog) Checker {
				return &inv11{checker: newChecker(c, "INV-11", "M14")}
			}},
		{ID: "INV-12", Name: "lifecycle-well-formed", Rules: []string{"all"},
			Holds: "Every session and task reaches exactly one terminal state, once; nothing happens to an entity after its terminal state; times never go backwards.",
			New: func(c *Catalog) Checker {
				return &inv12{checker: newChecker(c, "INV-12", "all")}
			}},
		{ID: "INV-13", Name: "drain-terminates", Rules: []string{"M3"}, FaultFree: true,
			Holds: "After maintenance is enabled, affected work on that server reaches zero within the longest in-process task's remaining time (liveness, fault-free).",
			New: func(c *Catalog) Checker {
				return &inv13{checker: newChecker(c, "INV-13", "M3")}
			}},
		{ID: "INV-14", Name: "disabled-tenant-inert", Rules: []string{"M12"},
			Holds: "A disabled tenant has no task in process and starts nothing, restores included.",
			New: func(c *Catalog) Checker {
				return &inv14{checker: newChecker(c, "INV-14", "M12")}
			}},
		{ID: "INV-15", Name: "backup-move-needs-disable", Rules: []string{"M12"},
			Holds: "No backup move happens while its tenant is enabled.",
			New:   func(c *Catalog) Checker { return &inv15{checker: newChecker(c, "INV-15", "M12")} }},
		{ID: "INV-16", Name: "retry-policy", Rules: []string{"S8"},
			Holds: "Retries happen only as S8 allows.",
			New:   func(c *Catalog) Checker { return &inv16{checker: newChecker(c, "INV-16", "S8")} }},
	}...)
	// Other profiles' files append theirs; the catalogue stays in ID order
	// whichever init runs first ("INV-01" < "INV-16" < "INV-X1").
	slices.SortStableFunc(catalogue, func(a, b Invariant) int { return strings.Compare(a.ID, b.ID) })
}

// InvariantByID finds a catalogue entry.
func InvariantByID(id string) (Invariant, bool) {
	for _, inv := range catalogue {
		if inv.ID == id {
			return inv, true
		}
	}
	return Invariant{}, false
}

// ---------------------------------------------------------------------------
// Shared machinery

// checker is what every invariant embeds: its identity, the catalog for
// names and static facts, and the capped list of violations.
type checker struct {
	cat     *Catalog
	id      string
	rules   []string
	out     []Violation
	dropped int
	// byServer lists the jobs of each server, built once from the
	// declarations on first use (declarations precede everything else).
	byServer [][]int32
}

// kindsChanged tells the set that the checker's kindMask changed.
func (c *checker) kindsChanged() { c.cat.kindsChanged = true }

func newChecker(c *Catalog, id string, rules ...string) checker {
	return checker{cat: c, id: id, rules: rules}
}

// Violations implements Checker.
func (c *checker) Violations() []Violation { return c.out }

// who names the entities of a violation by ID; None leaves one out.
type who struct{ srv, ten, job, n, obj int32 }

func whoOf(r *model.Record) who { return who{r.Server, r.Tenant, r.Job, r.N, r.Object} }

func (c *checker) start() time.Time {
	if c.cat.Scenario != nil {
		return c.cat.Scenario.Start
	}
	return time.Time{}
}

// violate records one violation; evs are the records that show it, oldest
// first (nil entries are skipped). Formatting happens only below the cap,
// so a broken model costs nothing once the list is full.
func (c *checker) violate(at sim.Time, w who, evs []*model.Record, format string, args ...any) {
	if len(c.out) >= MaxViolationsPerInvariant {
		c.dropped++
		return
	}
	v := Violation{Invariant: c.id, Rules: c.rules, T: int64(at), Time: sim.FormatRFC3339(c.start(), at),
		Message: fmt.Sprintf(format, args...)}
	if w.srv >= 0 {
		if n := c.cat.ServerName(w.srv); n != "" {
			v.Entities = append(v.Entities, "server "+n)
		}
	}
	switch {
	case w.job >= 0 && int(w.job) < len(c.cat.JobTenant) && w.n > 0:
		v.Entities = append(v.Entities, "session "+c.cat.SessionName(w.job, w.n))
	case w.job >= 0 && int(w.job) < len(c.cat.JobTenant):
		v.Entities = append(v.Entities, "job "+c.cat.TenantName(c.cat.JobTenant[w.job])+"/"+c.cat.JobName(w.job))
	case w.ten >= 0:
		if n := c.cat.TenantName(w.ten); n != "" {
			v.Entities = append(v.Entities, "tenant "+n)
		}
	}
	if w.obj >= 0 {
		if n := c.cat.ObjectName(w.job, w.obj); n != "" {
			v.Entities = append(v.Entities, "object "+n)
		}
	}
	start := c.start()
	for _, r := range evs {
		if r != nil && r.Kind != model.RecNone {
			v.Events = append(v.Events, string(AppendTraceLine(nil, c.cat, start, r)))
		}
	}
	c.out = append(c.out, v)
}

func (c *checker) jobDecl(j int32) *model.Decl { return c.cat.fact(j).Decl }

func (c *checker) jobFlags(j int32) model.Flags { return c.cat.fact(j).Flags }

func (c *checker) jobTenant(j int32) int32 { return c.cat.fact(j).Tenant }

func (c *checker) tenantServer(t int32) int32 {
	if t < 0 || int(t) >= len(c.cat.TenantServer) {
		return model.None
	}
	return c.cat.TenantServer[t]
}

func (c *checker) jobServer(j int32) int32 { return c.cat.fact(j).Server }

// createsRP reports whether a committed task of job j makes a restore
// point (restores, failover and failback read only).
func (c *checker) createsRP(j int32) bool { return c.cat.fact(j).CreatesRP }

// jobsOn returns the jobs of server s, in declaration order.
func (c *checker) jobsOn(s int32) []int32 {
	if c.byServer == nil {
		c.byServer = make([][]int32, len(c.cat.Servers))
		for j := range c.cat.JobTenant {
			if sv := c.jobServer(int32(j)); sv >= 0 && int(sv) < len(c.byServer) {
				c.byServer[sv] = append(c.byServer[sv], int32(j))
			}
		}
	}
	if s < 0 || int(s) >= len(c.byServer) {
		return nil
	}
	return c.byServer[s]
}

// perJob returns &s[j] of a per-job array of records, grown at once to
// every declared job (or to j): records are large, and growing such an
// array one doubling at a time was a check case's largest allocation.
func (c *checker) perJob(s *[]model.Record, j int32) *model.Record {
	return rowAt(s, j, len(c.cat.Jobs))
}

// perTenant is perJob for a per-tenant array.
func (c *checker) perTenant(s *[]model.Record, t int32) *model.Record {
	return rowAt(s, t, len(c.cat.Tenants))
}

// at returns &s[i], growing s with zero values; nil for a negative index.
// A slice of small entries grows to 128 bytes (at most eight entries) at
// once: the checkers keep a dozen small per-entity slices, and growing each
// 1, 2, 4, 8 was a fifth of a check case's allocations.
//
// The common case (i already in s) is inlined at the call; the rest is in
// atGrow, which keeps at under the inliner's budget.
func at[T any](s *[]T, i int32) *T {
	if uint(i) < uint(len(*s)) {
		return &(*s)[i]
	}
	return atGrow(s, i)
}

func atGrow[T any](s *[]T, i int32) *T {
	if i < 0 {
		return nil
	}
	if n := int(i) + 1; n > len(*s) {
		if n > cap(*s) {
			var zero T
			first := min(8, 128/max(1, int(unsafe.Sizeof(zero))))
			*s = slices.Grow(*s, max(n, first)-len(*s))
		}
		old := len(*s)
		*s = (*s)[:n]
		clear((*s)[old:]) // entries past len may hold a truncated slice's values
	}
	return &(*s)[i]
}

// faults follows the injected faults (service stop, power off, tenant
// disable) so a fault-free invariant can tell in O(1) whether anything
// disrupted an entity between two instants: each fault bumps a counter of
// its server or tenant, and a stamp taken earlier no longer matches.
type faults struct {
	srvDown []bool
	srvSeq  []uint32
	tenOff  []bool
	tenSeq  []uint32
}

type stamp struct {
	srv, ten uint32
	bad      bool // already down or disabled when stamped
}

// observe follows r. Every checker that keeps faults calls it on each of
// its records, and only a few kinds change anything: the test is inlined
// at the call, the switch is not.
func (f *faults) observe(r *model.Record) {
	if faultKinds.has(r.Kind) {
		f.follow(r)
	}
}

func (f *faults) follow(r *model.Record) {
	switch r.Kind {
	case model.RecServer:
		*at(&f.srvDown, r.Server) = !r.Flags.Has(model.FlagServiceRunning) || !r.Flags.Has(model.FlagPoweredOn)
		at(&f.srvSeq, r.Server)
	case model.RecTenant:
		*at(&f.tenOff, r.Tenant) = !r.Flags.Has(model.FlagEnabled)
		at(&f.tenSeq, r.Tenant)
	case model.RecServiceStopped, model.RecPowerOff:
		*at(&f.srvDown, r.Server) = true
		*at(&f.srvSeq, r.Server)++
	case model.RecServiceStarted:
		*at(&f.srvDown, r.Server) = false
	case model.RecTenantDisabled:
		*at(&f.tenOff, r.Tenant) = true
		*at(&f.tenSeq, r.Tenant)++
	case model.RecTenantEnabled:
		*at(&f.tenOff, r.Tenant) = false
	}
}

func (f *faults) stamp(srv, ten int32) stamp {
	if srv < 0 || ten < 0 {
		return stamp{bad: true}
	}
	return stamp{srv: *at(&f.srvSeq, srv), ten: *at(&f.tenSeq, ten), bad: *at(&f.srvDown, srv) || *at(&f.tenOff, ten)}
}

// clean reports whether no fault touched (srv, ten) since s was taken.
func (f *faults) clean(s stamp, srv, ten int32) bool {
	return !s.bad && srv >= 0 && ten >= 0 && *at(&f.srvSeq, srv) == s.srv && *at(&f.tenSeq, ten) == s.ten
}

// maintenance follows each server's maintenance state (M2: Active or
// Maintenance, from the declaration and the enable/disable records).
type maintenance struct {
	on     []bool
	enable []model.Record // the last maintenance_enabled of each server, as evidence
}

// observe updates the state and reports whether r switched maintenance on
// (inlined at the call like faults.observe).
func (m *maintenance) observe(r *model.Record) bool {
	return maintKinds.has(r.Kind) && m.follow(r)
}

func (m *maintenance) follow(r *model.Record) bool {
	switch r.Kind {
	case model.RecServer:
		*at(&m.on, r.Server) = r.Flags.Has(model.FlagMaintenance)
		at(&m.enable, r.Server)
	case model.RecMaintenanceEnabled:
		p := at(&m.on, r.Server)
		was := p != nil && *p
		if p != nil {
			*p = true
			*at(&m.enable, r.Server) = *r
		}
		return !was
	case model.RecMaintenanceDisabled:
		if p := at(&m.on, r.Server); p != nil {
			*p = false
		}
	}
	return false
}

func (m *maintenance) in(s int32) bool { return s >= 0 && int(s) < len(m.on) && m.on[s] }

func (m *maintenance) lastEnable(s int32) *model.Record {
	if s < 0 || int(s) >= len(m.enable) {
		return nil
	}
	return &m.enable[s]
}

// bounds are a started task's planned phase boundaries (task_start,
// task_phase and task_plan carry them): a task with a fixed duration
// publishes no task_phase records, so its phase at t follows from them.
type bounds struct {
	transferAt, commitAt sim.Time
}

func (b *bounds) observe(r *model.Record) {
	if r.CommitAt > 0 {
		b.transferAt, b.commitAt = r.TransferAt, r.CommitAt
	}
}

// phase is the task's phase at t: the later of the recorded one and the
// one the plan implies.
func (b *bounds) phase(recorded model.Phase, t sim.Time) model.Phase {
	if b.commitAt <= 0 {
		return recorded
	}
	return max(recorded, model.PhaseAt(b.transferAt, b.commitAt, t))
}

// Tasks in process are keyed by (job, object): a task is one object of
// the job's one live session.
func taskKey(r *model.Record) uint64 { return taskKeyOf(r.Job, r.Object) }
func taskKeyOf(j, o int32) uint64    { return uint64(uint32(j))<<32 | uint64(uint32(o)) }
func taskJob(k uint64) int32         { return int32(k >> 32) }
func taskObject(k uint64) int32      { return int32(uint32(k)) }

// taskTable is one checker's map of tasks in process: values in a dense
// array of slots, reused through a free list, and each task's slot in the
// checker's field of its object's row (rows.go). Every task_start and
// task_end of a fleet run reaches five such checkers; a slot read from a
// row that INV-12 and INV-16 load for the same record costs less than a
// hash probe in each, and the array, sized by the tasks in process, stays
// in cache. Tasks of objects no declaration names (a hand-made trace) have
// no row and go to a small hash table; a key is in one place or the other,
// never both. Callers pass the checker's slot field of the object's row
// (nil when undeclared). The zero value is empty and ready.
type taskTable[V any] struct {
	vals  []V
	keys  []uint64 // per slot: the task's key, or freeSlot
	free  []int32
	other liveTable[V]
}

// freeSlot marks an unused slot: no task has it as key, as a key with
// job and object None has no row.
const freeSlot = ^uint64(0)

// ref returns task k's value (valid until the next set), or nil.
// The slot case is inlined at the call.
func (t *taskTable[V]) ref(s *int32, k uint64) *V {
	if s != nil && *s != 0 {
		return &t.vals[*s-1]
	}
	return t.refOther(k)
}

func (t *taskTable[V]) refOther(k uint64) *V {
	if t.other.n != 0 {
		return t.other.ref(k)
	}
	return nil
}

func (t *taskTable[V]) get(s *int32, k uint64) (V, bool) {
	if p := t.ref(s, k); p != nil {
		return *p, true
	}
	var zero V
	return zero, false
}

func (t *taskTable[V]) set(s *int32, k uint64, v V) {
	switch {
	case s != nil && *s != 0:
		t.vals[*s-1] = v
	case s != nil && (t.other.n == 0 || t.other.find(k) < 0):
		if n := len(t.free); n > 0 {
			i := t.free[n-1]
			t.free = t.free[:n-1]
			t.vals[i], t.keys[i] = v, k
			*s = i + 1
			return
		}
		t.vals = append(t.vals, v)
		t.keys = append(t.keys, k)
		*s = int32(len(t.vals))
	default:
		t.other.set(k, v)
	}
}

// touch loads the value in slot s (a row's slot field; 0: none) ahead of
// its read and returns its first byte, so the load is not optimised away.
func (t *taskTable[V]) touch(s int32) byte {
	if s <= 0 || int(s) > len(t.vals) || unsafe.Sizeof(t.vals[0]) == 0 {
		return 0
	}
	return *(*byte)(unsafe.Pointer(&t.vals[s-1]))
}

// drop removes task k, if there.
func (t *taskTable[V]) drop(s *int32, k uint64) {
	if s != nil && *s != 0 {
		i := *s - 1
		*s = 0
		t.keys[i] = freeSlot
		t.free = append(t.free, i)
		return
	}
	if t.other.n != 0 {
		t.other.del(k)
	}
}

// del removes task k and returns its value.
func (t *taskTable[V]) del(s *int32, k uint64) (V, bool) {
	if s != nil && *s != 0 {
		i := *s - 1
		*s = 0
		t.keys[i] = freeSlot
		t.free = append(t.free, i)
		return t.vals[i], true
	}
	if t.other.n != 0 {
		return t.other.del(k)
	}
	var zero V
	return zero, false
}

// each calls fn for every task in process of the jobs j for which keep(j)
// holds, in slot order, then the table's (callers do not depend on the
// order, or sort). fn may change the value, not the table.
func (t *taskTable[V]) each(keep func(j int32) bool, fn func(k uint64, v *V)) {
	for i, k := range t.keys {
		if k != freeSlot && keep(taskJob(k)) {
			fn(k, &t.vals[i])
		}
	}
	t.other.each(func(k uint64, v *V) {
		if keep(taskJob(k)) {
			fn(k, v)
		}
	})
}

// liveTable is a map of tasks in process: open addressing with linear
// probing over a power-of-two array, values inline. It does what a Go map
// would at a fraction of the cost. Iteration order depends only on the
// keys inserted, so it is deterministic. The zero value is empty and
// ready.
type liveTable[V any] struct {
	keys []uint64 // key+1; 0 is a free slot
	vals []V
	n    int
}

func (t *liveTable[V]) home(k uint64) int {
	return int((k * 0x9E3779B97F4A7C15) >> 32 & uint64(len(t.keys)-1))
}

// find returns k's slot, or -1.
func (t *liveTable[V]) find(k uint64) int {
	if t.n == 0 {
		return -1
	}
	for i := t.home(k); ; i = (i + 1) & (len(t.keys) - 1) {
		switch t.keys[i] {
		case k + 1:
			return i
		case 0:
			return -1
		}
	}
}

func (t *liveTable[V]) get(k uint64) (V, bool) {
	if i := t.find(k); i >= 0 {
		return t.vals[i], true
	}
	var zero V
	return zero, false
}

// ref returns a pointer to k's value (valid until the next set or del),
// or nil.
func (t *liveTable[V]) ref(k uint64) *V {
	if i := t.find(k); i >= 0 {
		return &t.vals[i]
	}
	return nil
}

func (t *liveTable[V]) set(k uint64, v V) {
	if (t.n+1)*2 > len(t.keys) {
		t.grow()
	}
	i := t.home(k)
	for ; t.keys[i] != 0; i = (i + 1) & (len(t.keys) - 1) {
		if t.keys[i] == k+1 {
			t.vals[i] = v
			return
		}
	}
	t.keys[i], t.vals[i] = k+1, v
	t.n++
}

// del removes k and returns its value.
func (t *liveTable[V]) del(k uint64) (V, bool) {
	var zero V
	i := t.find(k)
	if i < 0 {
		return zero, false
	}
	v := t.vals[i]
	mask := len(t.keys) - 1
	// Backward-shift deletion: pull later entries of the probe run into
	// the hole so lookups never need tombstones.
	for j := (i + 1) & mask; t.keys[j] != 0; j = (j + 1) & mask {
		if h := t.home(t.keys[j] - 1); (j-h)&mask >= (j-i)&mask {
			t.keys[i], t.vals[i] = t.keys[j], t.vals[j]
			i = j
		}
	}
	t.keys[i], t.vals[i] = 0, zero
	t.n--
	return v, true
}

func (t *liveTable[V]) grow() {
	keys, vals := t.keys, t.vals
	size := max(16, 2*len(keys))
	t.keys, t.vals, t.n = make([]uint64, size), make([]V, size), 0
	for i, k := range keys {
		if k != 0 {
			t.set(k-1, vals[i])
		}
	}
}

// each calls fn for every entry; fn may change the value, not the table.
func (t *liveTable[V]) each(fn func(k uint64, v *V)) {
	for i, k := range t.keys {
		if k != 0 {
			fn(k-1, &t.vals[i])
		}
	}
}

// kinds is a set of record kinds: each checker names the kinds it reads
// and returns at once on the others, so the sixteen checkers cost little
// on the records that do not concern them.
type kinds uint64

func kindSet(ks ...model.RecordKind) kinds {
	var m kinds
	for _, k := range ks {
		m |= 1 << k
	}
	return m
}

// has reports whether m holds k. (k&63 lets the compiler drop its check
// for shifts past the word: every record kind is below 64, see allKinds.)
func (m kinds) has(k model.RecordKind) bool { return m>>(k&63)&1 != 0 }

var (
	faultKinds = kindSet(model.RecServer, model.RecTenant, model.RecServiceStopped, model.RecPowerOff,
		model.RecServiceStarted, model.RecTenantDisabled, model.RecTenantEnabled)
	maintKinds   = kindSet(model.RecServer, model.RecMaintenanceEnabled, model.RecMaintenanceDisabled)
	sessionKinds = kindSet(model.RecSessionStart, model.RecAttemptStart, model.RecStopRequested, model.RecSessionEnd,
		model.RecTaskStart, model.RecTaskPhase, model.RecTaskPlan, model.RecTaskEnd, model.RecRestorePointRemoved)
)

// taskStart is the compact copy of a task_start record a checker keeps
// to show it as evidence: the rest of the record follows from the task's
// end (same session, object, server, tenant).
type taskStart struct {
	at, due, transferAt, commitAt sim.Time
	bytes                         int64
	attempt                       int32
	live                          bool
}

func (s *taskStart) observe(r *model.Record) {
	*s = taskStart{at: r.At, due: r.Due, transferAt: r.TransferAt, commitAt: r.CommitAt, bytes: r.Bytes, attempt: r.Attempt, live: true}
}

// record rebuilds the task_start line of the task that other ended.
func (s *taskStart) record(other *model.Record) *model.Record {
	if !s.live {
		return nil
	}
	return &model.Record{At: s.at, Kind: model.RecTaskStart, Phase: model.PhaseSnapshot, Server: other.Server,
		Tenant: other.Tenant, Job: other.Job, N: other.N, Object: other.Object, Attempt: s.attempt,
		Bytes: s.bytes, Due: s.due, TransferAt: s.transferAt, CommitAt: s.commitAt}
}

// liveTask is what the checkers read about a task in process, kept once
// for all of them in Catalog.tasks (the set updates it after its checkers
// have seen a record, so a checker reads the task as it was before the
// record). A task is in the table from its task_start to its task_end, by
// (job, object). Checkers that judge what becomes of the tasks in process
// at an instant (maintenance enabled: INV-04, INV-13; a graceful stop:
// INV-10) walk this table then and keep their own entries only for the
// tasks they marked: most task records of a run come while no window is
// open and no stop pending, and then those checkers read no per-task state.
type liveTask struct {
	start  taskStart // its task_start: INV-01's evidence and byte count
	due    sim.Time  // the latest planned end (task_start, task_phase, task_plan): INV-13
	xferAt sim.Time  // the latest planned transfer start, when one was given: INV-13
	bounds bounds    // the latest plan with a commit time: INV-04
	n      int32
	phase  model.Phase // the highest phase recorded: INV-04
}

// liveKinds are the records that change Catalog.tasks.
var liveKinds = kindSet(model.RecTaskStart, model.RecTaskPhase, model.RecTaskPlan, model.RecTaskEnd)

// observeTask follows r in the table of tasks in process (after the
// checkers have read it).
func (c *Catalog) observeTask(r *model.Record) {
	o := c.obj(r.Job, r.Object)
	k := taskKey(r)
	switch r.Kind {
	case model.RecTaskStart:
		t := liveTask{due: r.Due, xferAt: r.TransferAt, n: r.N, phase: model.PhaseSnapshot}
		t.start.observe(r)
		t.bounds.observe(r)
		c.tasks.set(o.slot(slotLive), k, t)
	case model.RecTaskPhase, model.RecTaskPlan:
		if t := c.tasks.ref(o.slot(slotLive), k); t != nil {
			if r.TransferAt != 0 {
				t.xferAt = r.TransferAt
			}
			t.due = r.Due
			t.bounds.observe(r)
			if r.Kind == model.RecTaskPhase {
				t.phase = max(t.phase, r.Phase)
			}
		}
	case model.RecTaskEnd:
		c.tasks.drop(o.slot(slotLive), k)
		if o != nil && r.Flags.Has(model.FlagRestorePoint) {
			o.rpN = r.N
		}
	}
	if f := c.fact(r.Job); r.Kind == model.RecTaskStart || r.Kind == model.RecTaskEnd && r.Flags.Has(model.FlagStarted) {
		d := int32(1)
		if r.Kind == model.RecTaskEnd {
			d = -1
		}
		if f.Tenant >= 0 {
			c.ten(f.Tenant).inProc += d
		}
		if f.Server >= 0 && !f.Local {
			*at(&c.srvInProc, f.Server) += d
		}
	}
	if row := c.row(r.Job); row != nil {
		switch r.Kind {
		case model.RecTaskStart:
			row.starts++
		case model.RecTaskEnd:
			if r.Result == model.ResultFailed {
				row.fails++
			}
		}
	}
}

// liveOn calls fn for every task in process of the jobs j for which
// keep(j) holds (Catalog.tasks).
func (c *checker) liveOn(keep func(j int32) bool, fn func(k uint64, t *liveTask)) {
	c.cat.tasks.each(keep, fn)
}

// ---------------------------------------------------------------------------
// INV-01 no-half-transfer

type inv01 struct {
	checker
}

var inv01Kinds = kindSet(model.RecTaskEnd) // its task_start is in Catalog.tasks

func (c *inv01) Observe(r *model.Record) {
	if !inv01Kinds.has(r.Kind) {
		return
	}
	if r.Kind == model.RecTaskStart {
		return // Catalog.tasks keeps it
	}
	var t taskStart
	if lt := c.cat.tasks.ref(c.cat.obj(r.Job, r.Object).slot(slotLive), taskKey(r)); lt != nil {
		t = lt.start
	}
	rp := r.Flags.Has(model.FlagRestorePoint)
	switch {
	case r.Result != model.ResultSuccess:
		if rp {
			c.violate(r.At, whoOf(r), []*model.Record{t.record(r), r}, "task ended %s but committed a restore point", r.Result)
		}
	case !t.live:
		// A restore point is created only by a task that commits, and a
		// task commits what it transferred after its task_start (INV-01:
		// "transferred all its bytes").
		c.violate(r.At, whoOf(r), []*model.Record{r}, "task ended Success but never started (no task_start): it transferred nothing, so it cannot have committed")
	case r.Phase != model.PhaseCommit && r.Phase != model.PhaseDone:
		// Done (the phase after Commit) is how an export may say "finished".
		c.violate(r.At, whoOf(r), []*model.Record{t.record(r), r}, "task ended Success from phase %s, without going through Commit", r.Phase)
	case r.Bytes != t.bytes:
		c.violate(r.At, whoOf(r), []*model.Record{t.record(r), r}, "task ended Success after transferring %d of its %d bytes", r.Bytes, t.bytes)
	case c.createsRP(r.Job) && !rp:
		c.violate(r.At, whoOf(r), []*model.Record{t.record(r), r}, "task ended Success without committing a restore point")
	case !c.createsRP(r.Job) && rp:
		c.violate(r.At, whoOf(r), []*model.Record{t.record(r), r}, "a %s task committed a restore point; it only reads", c.jobDecl(r.Job).Kind)
	}
}

// ---------------------------------------------------------------------------
// INV-02 restores-survive-maintenance

type inv02 struct {
	checker
	f      faults
	m      maintenance
	seq    []uint32 // maintenance enables per server
	sess   []inv02sess
	starts []model.Record // session_start of the live session of each unaffected job
}

type inv02sess struct {
	n       int32
	live    bool
	inMaint bool
	stopped bool
	seq     uint32
	st      stamp
}

var inv02Kinds = faultKinds | maintKinds | kindSet(model.RecSessionStart, model.RecStopRequested, model.RecSessionEnd)

func (c *inv02) Observe(r *model.Record) {
	if !inv02Kinds.has(r.Kind) {
		return
	}
	c.f.observe(r)
	if c.m.observe(r) {
		*at(&c.seq, r.Server)++
	}
	switch r.Kind {
	case model.RecSessionStart:
		if c.jobFlags(r.Job).Has(model.FlagAffected) {
			return
		}
		s := at(&c.sess, r.Job)
		if s == nil {
			return
		}
		sv := c.jobServer(r.Job)
		*s = inv02sess{n: r.N, live: true, inMaint: c.m.in(sv), seq: *at(&c.seq, sv), st: c.f.stamp(sv, c.jobTenant(r.Job))}
		*c.perJob(&c.starts, r.Job) = *r
	case model.RecStopRequested:
		if s := at(&c.sess, r.Job); s != nil && s.live && s.n == r.N {
			s.stopped = true
		}
	case model.RecSessionEnd:
		s := at(&c.sess, r.Job)
		if s == nil || !s.live || s.n != r.N {
			return
		}
		s.live = false
		sv, tn := c.jobServer(r.Job), c.jobTenant(r.Job)
		sawMaint := s.inMaint || *at(&c.seq, sv) != s.seq
		if !sawMaint || s.stopped || !c.f.clean(s.st, sv, tn) || r.Result == model.ResultSuccess {
			return
		}
		c.violate(r.At, whoOf(r), []*model.Record{&c.starts[r.Job], c.m.lastEnable(sv), r},
			"%s session, unaffected by maintenance (M8), ran while its server was in maintenance and ended %s: %q",
			c.jobDecl(r.Job).Kind, r.Result, r.Text)
	}
}

// ---------------------------------------------------------------------------
// INV-03 no-affected-start-in-maintenance

type inv03 struct {
	checker
	m          maintenance
	enables    []uint32 // per server: maintenance enables so far
	sess       []inv03sess
	standalone [][]int32 // per server, built on first enable
	anyIn      bool      // a server is in maintenance (kindMask)
}

type inv03sess struct {
	n       int32
	attempt int32
	grandAt int32 // the attempt M4 lets finish (the one live at enable)
	enSeq   uint32
	live    bool
	grand   bool // M4: running standalone agent session at enable
	inMaint bool // its server was in maintenance when its attempt started
}

var inv03Kinds = maintKinds | kindSet(model.RecSessionStart, model.RecAttemptStart, model.RecSessionEnd, model.RecTaskStart, model.RecTaskEnd)

// kindMask implements kindFilter: a task_start is judged only while a
// server is in maintenance, a task_end only when maintenance is its cause.
func (c *inv03) kindMask() kinds {
	m := inv03Kinds&^kindSet(model.RecTaskEnd) | endCauses(model.CauseMaintenance)
	if c.anyIn {
		return m
	}
	return m &^ kindSet(model.RecTaskStart)
}
func (c *inv03) Observe(r *model.Record) {
	if !inv03Kinds.has(r.Kind) {
		return
	}
	if maintKinds.has(r.Kind) {
		defer c.followMaintenance()
	}
	if c.m.observe(r) {
		*at(&c.enables, r.Server)++
		// M4: every standalone agent session running at enable may go on.
		if c.standalone == nil {
			c.standalone = make([][]int32, len(c.cat.Servers))
			for j, f := range c.cat.JobFlags {
				if sv := c.jobServer(int32(j)); f.Has(model.FlagStandaloneAgent) && sv >= 0 && int(sv) < len(c.standalone) {
					c.standalone[sv] = append(c.standalone[sv], int32(j))
				}
			}
		}
		if int(r.Server) < len(c.standalone) {
			for _, j := range c.standalone[r.Server] {
				if s := at(&c.sess, j); s.live {
					s.grand, s.grandAt = true, s.attempt
				}
			}
		}
		return
	}
	switch r.Kind {
	case model.RecSessionStart:
		if s := at(&c.sess, r.Job); s != nil {
			sv := c.jobServer(r.Job)
			*s = inv03sess{n: r.N, live: true, attempt: max(r.Attempt, 1), inMaint: c.m.in(sv)}
			s.enSeq = c.enablesOf(sv)
		}
	case model.RecAttemptStart:
		if s := at(&c.sess, r.Job); s != nil && s.live && s.n == r.N {
			sv := c.jobServer(r.Job)
			s.attempt, s.inMaint, s.enSeq = r.Attempt, c.m.in(sv), c.enablesOf(sv)
		}
	case model.RecSessionEnd:
		if s := at(&c.sess, r.Job); s != nil && s.n == r.N {
			s.live = false
		}
	case model.RecTaskEnd:
		// Maintenance fails a task only while its server is in
		// maintenance (M3 at the enable, M5 at a gate): a task failed
		// "because of maintenance" outside it, or of a job maintenance
		// does not affect (M8), names a cause that was not there.
		if r.Cause == model.CauseMaintenance {
			sv := c.jobServer(r.Job)
			s := at(&c.sess, r.Job)
			switch {
			case s != nil && s.live && s.n == r.N && s.grand && r.Attempt == s.grandAt:
				c.violate(r.At, whoOf(r), []*model.Record{c.m.lastEnable(sv), r}, "task of a standalone agent session running at enable ended %s with cause maintenance (M4: it runs to completion, all objects)", r.Result)
			case !c.m.in(sv) && (s == nil || s.n != r.N || !s.inMaint && c.enablesOf(sv) == s.enSeq):
				// An export may write a pending object's failure late (with
				// the session's end): maintenance must have been on at some
				// moment of the attempt, not necessarily at this line.
				c.violate(r.At, whoOf(r), []*model.Record{r}, "task ended %s with cause maintenance, but its server was not in maintenance at any time during the attempt (M3, M5)", r.Result)
			case !c.jobFlags(r.Job).Has(model.FlagAffected):
				c.violate(r.At, whoOf(r), []*model.Record{c.m.lastEnable(sv), r}, "task of a job maintenance does not affect ended %s with cause maintenance (M8)", r.Result)
			}
		}
	case model.RecTaskStart:
		f := c.jobFlags(r.Job)
		if !f.Has(model.FlagAffected) {
			return
		}
		sv := c.jobServer(r.Job)
		if !c.m.in(sv) {
			return
		}
		s := at(&c.sess, r.Job)
		if f.Has(model.FlagStandaloneAgent) && s != nil && s.live && s.n == r.N && s.grand && r.Attempt == s.grandAt {
			return // M4: the attempt running at the enable; a retry meets M5
		}
		c.violate(r.At, whoOf(r), []*model.Record{c.m.lastEnable(sv), r},
			"task of an affected job started while its server is in maintenance")
	}
}

// followMaintenance updates anyIn after a maintenance record.
func (c *inv03) followMaintenance() {
	in := slices.Contains(c.m.on, true)
	if in != c.anyIn {
		c.anyIn = in
		c.kindsChanged()
	}
}

// enablesOf is how many times server sv was put into maintenance so far
// (0 for an unknown server).
func (c *inv03) enablesOf(sv int32) uint32 {
	if p := at(&c.enables, sv); p != nil {
		return *p
	}
	return 0
}

// ---------------------------------------------------------------------------
// INV-04 in-process-tasks-finish

type inv04 struct {
	checker
	f       faults
	m       maintenance
	marked  liveTable[inv04task] // the tasks in process at an enable, by taskKey
	jobStop []uint32             // immediate stops per job (an operator stop is not maintenance)
}

// inv04task is what INV-04 keeps of a task in process at an enable (the
// task's plan and phase are in Catalog.tasks).
type inv04task struct {
	st       stamp // at the enable: faults on the task's server and tenant
	stopSeq  uint32
	atEnable model.Phase
	must     bool
	// maybe: the task was in process at the enable (at enableAt), in a
	// phase the trace did not show as Transfer or Commit; st and stopSeq
	// are the enable's. A trace without plans or task_phase lines (an
	// export) can still show the phase at the enable: a task_end at that
	// same instant says the phase the task was in, since no time passed.
	maybe    bool
	enableAt sim.Time
}

var (
	inv04Kinds = faultKinds | maintKinds | kindSet(model.RecStopRequested) | inv04TaskKinds
	// inv04TaskKinds are read only while some task is marked.
	inv04TaskKinds = kindSet(model.RecTaskStart, model.RecTaskEnd)
)

// kindMask implements kindFilter: task records matter only while a task
// in process at an enable is followed (most of a run's records, none of
// them judged here).
func (c *inv04) kindMask() kinds {
	if c.marked.n > 0 {
		return inv04Kinds
	}
	return inv04Kinds &^ inv04TaskKinds
}

func (c *inv04) Observe(r *model.Record) {
	if !inv04Kinds.has(r.Kind) {
		return
	}
	c.f.observe(r)
	if c.m.observe(r) {
		if c.marked.n == 0 {
			defer c.kindsChanged() // it may mark some
		}
		c.liveOn(func(j int32) bool { return c.jobServer(j) == r.Server }, func(k uint64, lt *liveTask) {
			j := taskJob(k)
			t := c.marked.ref(k)
			if t != nil && t.must {
				return
			}
			if t == nil {
				c.marked.set(k, inv04task{})
				t = c.marked.ref(k)
			}
			st, stop := c.f.stamp(r.Server, c.jobTenant(j)), *at(&c.jobStop, j)
			if p := lt.bounds.phase(lt.phase, r.At); p == model.PhaseTransfer || p == model.PhaseCommit {
				t.must, t.st, t.stopSeq, t.atEnable = true, st, stop, p
			} else {
				t.maybe, t.enableAt, t.st, t.stopSeq = true, r.At, st, stop
			}
		})
		return
	}
	switch r.Kind {
	case model.RecTaskStart:
		if c.marked.n != 0 {
			c.marked.del(taskKey(r)) // a new task of the object: nothing was in process at an enable
			if c.marked.n == 0 {
				c.kindsChanged()
			}
		}
	case model.RecStopRequested:
		if r.Mode == model.StopImmediate {
			*at(&c.jobStop, r.Job)++
		}
	case model.RecTaskEnd:
		if c.marked.n == 0 {
			return
		}
		t, ok := c.marked.del(taskKey(r))
		if !ok {
			return
		}
		if c.marked.n == 0 {
			c.kindsChanged()
		}
		if !t.must && t.maybe && t.enableAt == r.At && (r.Phase == model.PhaseTransfer || r.Phase == model.PhaseCommit) {
			t.must, t.atEnable = true, r.Phase // ended at the enable's instant, in this phase
		}
		if t.must && r.Result != model.ResultSuccess && *at(&c.jobStop, r.Job) == t.stopSeq &&
			c.f.clean(t.st, c.jobServer(r.Job), c.jobTenant(r.Job)) {
			c.violate(r.At, whoOf(r), []*model.Record{c.m.lastEnable(c.jobServer(r.Job)), r},
				"task was in %s when maintenance was enabled and ended %s (cause %s) instead of finishing", t.atEnable, r.Result, r.Cause)
		}
	}
}

// ---------------------------------------------------------------------------
// INV-05 maintenance-message-shown and INV-06 message-changes-on-restart-only
//
// Both judge the statistics text of sessions that failed because of
// maintenance, at the moment maintenance failed them (the first task that
// failed with cause maintenance in the attempt: M3 at enable, M5 at the
// gate). INV-05 (shown) judges whether a notice is shown (M6's conditions);
// INV-06 judges which: the message loaded at the last service start, and a
// service start loads the configured message (M7).

type invMessage struct {
	checker
	shown   bool // INV-05; else INV-06
	srv     []msgServer
	sess    []msgSession
	decided []model.Record // per job: the record at which maintenance failed the live attempt
	// notices are the maintenance texts the trace has shown to exist: the
	// default, and every message any server had configured or loaded. A
	// session text among them is a notice; any other is not (where M6
	// wants the generic error, a real system's own wording is not judged).
	notices []string
}

type msgServer struct {
	service    bool
	faults     uint32 // service stops and power-offs so far
	effective  string
	configured string
	started    model.Record // last service_started, as evidence
	configRec  model.Record // last message_configured
}

type msgSession struct {
	n        int32
	live     bool
	have     bool // the maintenance failure of this attempt was seen
	cond     bool // M6: service running and client supports the notice
	stopped  bool // a stop was requested in the attempt
	faultSeq uint32
	eff      string
}

var msgKinds = kindSet(model.RecServer, model.RecServiceStarted, model.RecServiceStopped, model.RecPowerOff,
	model.RecMessageConfigured, model.RecSessionStart, model.RecAttemptStart, model.RecStopRequested,
	model.RecTaskEnd, model.RecSessionEnd)

// genericTexts are the fixed texts that are not a maintenance notice.
var genericTexts = []string{"", model.MsgConnectionFailed, model.MsgTenantDisabled, model.MsgCanceledByUser,
	model.MsgStoppedByUser, model.MsgStoppedGracefully}

func isNotice(text string) bool { return !slices.Contains(genericTexts, text) }

func (c *invMessage) Observe(r *model.Record) {
	if !msgKinds.has(r.Kind) {
		return
	}
	switch r.Kind {
	case model.RecServer:
		if s := at(&c.srv, r.Server); s != nil && r.Decl != nil {
			*s = msgServer{service: r.Flags.Has(model.FlagServiceRunning) && r.Flags.Has(model.FlagPoweredOn),
				configured: r.Decl.ConfiguredMessage, effective: model.EffectiveMessage(r.Decl.ConfiguredMessage)}
			c.noteNotice(r.Decl.ConfiguredMessage)
		}
	case model.RecServiceStarted:
		s := at(&c.srv, r.Server)
		if s == nil {
			return
		}
		want := model.EffectiveMessage(s.configured)
		if !c.shown && r.Text != "" && r.Text != want {
			c.violate(r.At, whoOf(r), []*model.Record{&s.configRec, r},
				"service started with effective message %q, but the configured message is %q", r.Text, want)
		}
		s.service, s.effective, s.started = true, want, *r
		if r.Text != "" {
			s.effective = r.Text
			c.noteNotice(r.Text)
		}
	case model.RecServiceStopped, model.RecPowerOff:
		if s := at(&c.srv, r.Server); s != nil {
			s.service = false
			s.faults++
		}
	case model.RecMessageConfigured:
		if s := at(&c.srv, r.Server); s != nil {
			s.configured, s.configRec = r.Text, *r
			c.noteNotice(r.Text)
		}
	case model.RecSessionStart, model.RecAttemptStart:
		if s := at(&c.sess, r.Job); s != nil {
			*s = msgSession{n: r.N, live: true}
		}
	case model.RecStopRequested:
		if s := at(&c.sess, r.Job); s != nil && s.live && s.n == r.N {
			s.stopped = true
		}
	case model.RecTaskEnd:
		if r.Cause != model.CauseMaintenance {
			return
		}
		if s := at(&c.sess, r.Job); s != nil && s.live && s.n == r.N && !s.have {
			c.decide(s, r)
		}
	case model.RecSessionEnd:
		s := at(&c.sess, r.Job)
		if s == nil || !s.live || s.n != r.N {
			return
		}
		s.live = false
		sv := at(&c.srv, c.jobServer(r.Job))
		maint := c.maintText(r.Text)
		// Maintenance failed a task of the last attempt, and then the trace
		// shows a fault or a stop (whatever cause session_end gives): the
		// session may end with the notice (M3's message) or with the fault's
		// or the stop's text, but the notice only if M6's conditions held
		// when maintenance failed it, and only the one then in effect.
		later := s.have && r.Result == model.ResultFailed &&
			(r.Cause == model.CauseFault || r.Cause == model.CauseStop || r.Cause == model.CauseDisabled ||
				s.stopped || sv != nil && sv.faults != s.faultSeq)
		switch {
		case later:
			switch {
			case c.shown && !s.cond && maint:
				c.violate(r.At, whoOf(r), []*model.Record{&c.decided[r.Job], r},
					"shows the maintenance notice %q although %s (M6: generic error expected)", r.Text, c.why(r.Job))
			case !c.shown && maint && r.Text != s.eff && sv != nil:
				c.violate(r.At, whoOf(r), []*model.Record{&sv.started, &sv.configRec, &c.decided[r.Job], r},
					"shows %q, but the effective message (loaded at the last service start) is %q", r.Text, s.eff)
			}
			return
		case r.Result != model.ResultFailed || r.Cause != model.CauseMaintenance:
			if c.shown && maint {
				// INV-05's "no maintenance text otherwise": a session that
				// maintenance did not fail (a fault, M13; a stop; a success)
				// shows no maintenance notice.
				why := ""
				if r.Cause != model.CauseNone {
					why = " (cause " + r.Cause.String() + ")"
				}
				c.violate(r.At, whoOf(r), []*model.Record{r},
					"ended %s%s with the maintenance notice %q: only a session maintenance failed shows it (M6, M13)", r.Result, why, r.Text)
			}
			return
		}
		if !s.have {
			c.decide(s, r)
		}
		decided := &c.decided[r.Job]
		switch {
		case c.shown && s.cond && !maint:
			// M6's conditions held: the text must be a maintenance notice
			// (which one is INV-06's business); a generic error, no text or
			// any other text does not show it.
			c.violate(r.At, whoOf(r), []*model.Record{decided, r},
				"failed because of maintenance while the service ran and the client supports the notice (M6), but shows %q instead of the maintenance notice", r.Text)
		case c.shown && !s.cond && maint:
			c.violate(r.At, whoOf(r), []*model.Record{decided, r},
				"shows the maintenance notice %q although %s (M6: generic error expected)", r.Text, c.why(r.Job))
		case c.shown && !s.cond && r.Text != model.MsgConnectionFailed && !isNotice(r.Text):
			// One of the model's other fixed texts (or none) where M6 wants
			// the generic connection error; a real system's own wording of
			// that error is not judged.
			c.violate(r.At, whoOf(r), []*model.Record{decided, r},
				"shows %q although %s: M6 expects the generic connection error %q", r.Text, c.why(r.Job), model.MsgConnectionFailed)
		case !c.shown && maint && r.Text != s.eff && sv != nil:
			c.violate(r.At, whoOf(r), []*model.Record{&sv.started, &sv.configRec, decided, r},
				"shows %q, but the effective message (loaded at the last service start) is %q", r.Text, s.eff)
		}
	}
}

// noteNotice records a maintenance text the trace shows to exist.
func (c *invMessage) noteNotice(text string) {
	if text != "" && !slices.Contains(c.notices, text) && len(c.notices) < 1024 {
		c.notices = append(c.notices, text)
	}
}

// maintText reports whether text is a maintenance notice: the default one
// or a message some server had configured or loaded (INV-06 then judges
// whether it was the one in effect).
func (c *invMessage) maintText(text string) bool {
	return text != "" && (text == model.DefaultNotice || slices.Contains(c.notices, text))
}

func (c *invMessage) decide(s *msgSession, r *model.Record) {
	sv := at(&c.srv, c.jobServer(r.Job))
	s.have = true
	*c.perJob(&c.decided, r.Job) = *r
	s.cond = sv != nil && sv.service && c.clientSupports(r.Job)
	if sv != nil {
		s.eff, s.faultSeq = sv.effective, sv.faults
	}
}

func (c *invMessage) clientSupports(j int32) bool {
	t := c.jobTenant(j)
	return t >= 0 && int(t) < len(c.cat.Tenants) && c.cat.Tenants[t] != nil && c.cat.Tenants[t].Client.SupportsNotice()
}

func (c *invMessage) why(j int32) string {
	t := c.jobTenant(j)
	if !c.clientSupports(j) && t >= 0 && int(t) < len(c.cat.Tenants) && c.cat.Tenants[t] != nil {
		return "client " + c.cat.Tenants[t].Client.String() + " does not support it"
	}
	return "the service was not running"
}

// ---------------------------------------------------------------------------
// INV-07 restore-points-immutable

type inv07 struct {
	checker // per-object state: objRow.inv07
}

// inv07rp counts an object's restore points and remembers which session
// committed the last one.
type inv07rp struct {
	count int32
	lastN int32
	last  sim.Time
}

var inv07Kinds = kindSet(model.RecTaskEnd, model.RecRestorePointRemoved)

func (c *inv07) Observe(r *model.Record) {
	if !inv07Kinds.has(r.Kind) {
		return
	}
	switch r.Kind {
	case model.RecTaskEnd:
		if r.Flags.Has(model.FlagRestorePoint) {
			if o := c.cat.obj(r.Job, r.Object); o != nil {
				p := &o.inv07
				p.count++
				p.lastN, p.last = r.N, r.At
			}
		}
	case model.RecRestorePointRemoved:
		// Retention is not part of the model or the trace format, so every
		// removal is a change of an existing restore point.
		o := c.cat.obj(r.Job, r.Object)
		if o == nil {
			return
		}
		p := &o.inv07
		if p.count == 0 {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "a restore point that was never committed was removed")
			return
		}
		p.count--
		c.violate(r.At, whoOf(r), []*model.Record{r},
			"an existing restore point (the last one committed by session #%d at %s) was removed: restore points only grow (S7, M11)",
			p.lastN, sim.FormatRFC3339(c.start(), p.last))
	}
}

// ---------------------------------------------------------------------------
// INV-08 no-orphan-snapshot

type inv08 struct {
	checker
}

func (c *inv08) Observe(r *model.Record) {
	// A task took a snapshot if its task_end says started, or if its
	// task_start was seen (an end that says started: false after one is
	// INV-12's business too, but the snapshot it took is still left): the
	// set's table of tasks in process holds a declared object's task from
	// its task_start to its task_end.
	if r.Kind != model.RecTaskEnd || r.Flags.Has(model.FlagSnapshotRemoved) {
		return
	}
	took := r.Flags.Has(model.FlagStarted)
	if o := c.cat.obj(r.Job, r.Object); o != nil && !took {
		took = c.cat.tasks.ref(o.slot(slotLive), taskKey(r)) != nil
	}
	if took {
		c.violate(r.At, whoOf(r), []*model.Record{r}, "task ended %s and left its snapshot behind", r.Result)
	}
}

// ---------------------------------------------------------------------------
// INV-09 immediate-stop-outcome

type inv09 struct {
	checker                // per-job state: jobRow.inv09; per object: objRow.rpN
	stops   []model.Record // per job: the immediate stop of the live session
	// immLive counts the live sessions stopped immediately (or whose
	// tenant was disabled): task records are read only while there is one.
	immLive int
}

var inv09TaskKinds = kindSet(model.RecTaskStart, model.RecTaskEnd)

// kindMask implements kindFilter: a task record is judged only in a live
// session stopped immediately (the restore points committed before the
// stop are in objRow.rpN, which the set keeps).
func (c *inv09) kindMask() kinds {
	if c.immLive > 0 {
		return inv09Kinds
	}
	return inv09Kinds &^ inv09TaskKinds
}

// countImm adds d to immLive and tells the set when task records start or
// stop mattering.
func (c *inv09) countImm(d int) {
	before := c.immLive > 0
	c.immLive += d
	if (c.immLive > 0) != before {
		c.kindsChanged()
	}
}

type inv09sess struct {
	n      int32
	live   bool
	imm    bool
	byStop bool // the operator's stop, not a tenant disable (M12 fails pending objects)
}

var inv09Kinds = kindSet(model.RecSessionStart, model.RecStopRequested, model.RecTaskStart, model.RecTaskEnd,
	model.RecRestorePointRemoved, model.RecSessionEnd, model.RecTenantDisabled)

func (c *inv09) Observe(r *model.Record) {
	if !inv09Kinds.has(r.Kind) {
		return
	}
	if r.Kind == model.RecTenantDisabled {
		// M12: a disable terminates the tenant's running sessions "as an
		// immediate stop", so S2's outcome applies to each of them. A
		// disable is rare: a pass over the jobs is fine.
		for j, t := range c.cat.JobTenant {
			if t != r.Tenant {
				continue
			}
			if row := c.cat.row(int32(j)); row != nil && row.inv09.live && !row.inv09.imm {
				row.inv09.imm = true
				c.countImm(1)
				*c.perJob(&c.stops, int32(j)) = *r
			}
		}
		return
	}
	row := c.cat.row(r.Job)
	if row == nil {
		return
	}
	s := &row.inv09
	if r.Kind == model.RecSessionStart {
		if s.live && s.imm {
			c.countImm(-1)
		}
		*s = inv09sess{n: r.N, live: true}
		return
	}
	if !s.live || s.n != r.N {
		return
	}
	switch r.Kind {
	case model.RecStopRequested:
		if r.Mode == model.StopImmediate && !s.imm {
			s.imm, s.byStop = true, true
			c.countImm(1)
			*c.perJob(&c.stops, r.Job) = *r
		}
	case model.RecTaskStart:
		if s.imm {
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r}, "object started after an immediate stop or its tenant's disable (pending objects get none, S2, M12)")
		}
	case model.RecTaskEnd:
		if s.byStop && !r.Flags.Has(model.FlagStarted) && r.Result != model.ResultCanceled && (r.Cause == model.CauseStop || r.Cause == model.CauseNone) {
			// (a pending object maintenance or a fault failed before the
			// stop may be written late, with its own cause)
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r}, "pending object ended %s after an immediate stop (S2: pending objects get none; Canceled)", r.Result)
		}
		if s.imm && !s.byStop && !r.Flags.Has(model.FlagStarted) && r.Result == model.ResultCanceled {
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r}, "pending object ended Canceled after its tenant's disable (M12 fails them: Failed)")
		}
		if r.Flags.Has(model.FlagRestorePoint) && s.imm {
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r}, "object in process at an immediate stop or its tenant's disable committed a restore point (S2, M12)")
		}
	case model.RecRestorePointRemoved:
		// rpN == r.N: the object committed a restore point in this (the
		// live) session.
		if o := c.cat.obj(r.Job, r.Object); o != nil && o.rpN == r.N && s.imm {
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r}, "object finished before the immediate stop lost its new restore point")
		}
	case model.RecSessionEnd:
		s.live = false
		if s.imm {
			c.countImm(-1)
		}
		if s.imm && r.Result != model.ResultFailed {
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r}, "session ended %s after an immediate stop or its tenant's disable (S2, M12: Failed)", r.Result)
		}
	}
}

// ---------------------------------------------------------------------------
// INV-10 graceful-stop-outcome

type inv10 struct {
	checker
	f     faults
	stops []model.Record // per job: the graceful stop of the live session
	// must holds the tasks in process at a graceful stop (by taskKey):
	// each is to finish, unless a fault since (st) explains it.
	must liveTable[stamp]
	// graceful counts the live sessions stopped gracefully (kindMask).
	graceful int
}

type inv10sess struct {
	n int32
	// starts and fails: jobRow's counts at the session's start and at the
	// attempt's (a task started in the session, one failed in the attempt
	// when they moved).
	starts, fails uint32
	live          bool
	graceful      bool
	s4            bool
	immediate     bool
}

// kindMask implements kindFilter: task records are judged while a live
// session is stopped gracefully (or a task marked at such a stop is still
// followed), task ends caused by a stop always.
func (c *inv10) kindMask() kinds {
	if c.graceful > 0 || c.must.n > 0 {
		return inv10Kinds
	}
	return inv10Kinds&^kindSet(model.RecTaskStart, model.RecTaskEnd) | endCauses(model.CauseStop)
}

// countGraceful adds d to graceful and tells the set when task records
// start or stop mattering.
func (c *inv10) countGraceful(d int) {
	c.graceful += d
	c.kindsChanged() // cheap, and rare: a stop or the end of a stopped session
}

var inv10Kinds = faultKinds | kindSet(model.RecSessionStart, model.RecAttemptStart, model.RecStopRequested,
	model.RecTaskStart, model.RecTaskEnd, model.RecSessionEnd)

func (c *inv10) Observe(r *model.Record) {
	if !inv10Kinds.has(r.Kind) {
		return
	}
	c.f.observe(r)
	if faultKinds.has(r.Kind) {
		return
	}
	s := rowPart(c.cat.row(r.Job), func(r *jobRow) *inv10sess { return &r.inv10 })
	if s == nil {
		return
	}
	row := c.cat.row(r.Job)
	if r.Kind == model.RecSessionStart {
		if s.live && s.graceful {
			c.countGraceful(-1)
		}
		*s = inv10sess{n: r.N, live: true, starts: row.starts, fails: row.fails}
		return
	}
	if !s.live || s.n != r.N {
		return
	}
	switch r.Kind {
	case model.RecAttemptStart:
		s.fails = row.fails
	case model.RecStopRequested:
		switch {
		case r.Mode == model.StopGraceful && !c.cat.fact(r.Job).Kind.GracefulStoppable() && c.cat.fact(r.Job).Decl != nil:
			// S5: the request is rejected with an error and the session
			// runs on; a trace that shows it taken is wrong.
			c.violate(r.At, whoOf(r), []*model.Record{r}, "graceful stop of a %s session (S5: not available for this kind; the request is rejected and the session runs on)", c.cat.fact(r.Job).Kind)
		case r.Mode == model.StopGraceful && !s.graceful && !s.immediate:
			s.graceful, s.s4 = true, row.starts == s.starts
			c.countGraceful(1)
			*c.perJob(&c.stops, r.Job) = *r
			st := c.f.stamp(c.jobServer(r.Job), c.jobTenant(r.Job))
			c.liveOn(func(j int32) bool { return j == r.Job }, func(k uint64, _ *liveTask) {
				c.must.set(k, st)
			})
		case r.Mode == model.StopImmediate:
			s.immediate = true
		}
	case model.RecTaskStart:
		if c.must.n != 0 {
			c.must.del(taskKey(r)) // a new task of the object: not in process at the stop
			if c.must.n == 0 {
				c.kindsChanged()
			}
		}
		if s.graceful && !s.immediate {
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r}, "pending object started after a graceful stop (S3: pending objects are not processed)")
		}
	case model.RecTaskEnd:
		if r.Cause == model.CauseStop && !s.graceful && !s.immediate {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "task ended %s with cause stop, but no stop of its session was requested (S1)", r.Result)
		}
		if s.graceful && !s.immediate && !r.Flags.Has(model.FlagStarted) && r.Result != model.ResultCanceled && (r.Cause == model.CauseStop || r.Cause == model.CauseNone) {
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r}, "pending object ended %s after a graceful stop (S3: pending objects are not processed; Canceled)", r.Result)
		}
		if c.must.n == 0 {
			return
		}
		st, must := c.must.del(taskKey(r))
		if c.must.n == 0 {
			c.kindsChanged()
		}
		committed := r.Result == model.ResultSuccess && (r.Flags.Has(model.FlagRestorePoint) || !c.createsRP(r.Job))
		if must && !s.immediate && !committed && c.f.clean(st, c.jobServer(r.Job), c.jobTenant(r.Job)) {
			c.violate(r.At, whoOf(r), []*model.Record{&c.stops[r.Job], r},
				"object in process at a graceful stop ended %s without a restore point (S3: in-process objects finish)", r.Result)
		}
	case model.RecSessionEnd:
		s.live = false
		if r.Cause == model.CauseStop && !s.graceful && !s.immediate {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "session ended %s with cause stop, but no stop was requested (S1)", r.Result)
		}
		if !s.graceful {
			return
		}
		c.countGraceful(-1)
		want, text := c.knob(), ""
		switch {
		case s.immediate:
			want = model.ResultFailed
		case s.s4:
			want, text = model.ResultFailed, model.MsgCanceledByUser
		case row.fails != s.fails: // an object failed in the last attempt
			want = model.ResultFailed
		}
		stop := &c.stops[r.Job]
		switch {
		case r.Result != want && s.s4 && !s.immediate:
			c.violate(r.At, whoOf(r), []*model.Record{stop, r}, "graceful stop before any object started ended %s (S4: Failed, %q)", r.Result, text)
		case r.Result != want:
			c.violate(r.At, whoOf(r), []*model.Record{stop, r}, "session stopped gracefully ended %s, want %s (S3, graceful_stop_result)", r.Result, want)
		case text != "" && r.Text != text:
			c.violate(r.At, whoOf(r), []*model.Record{stop, r}, "graceful stop before any object started shows %q (S4: %q)", r.Text, text)
		}
	}
}

func (c *inv10) knob() model.Result {
	if c.cat.Scenario != nil && c.cat.Scenario.Semantics.GracefulStopResult != model.ResultNone {
		return c.cat.Scenario.Semantics.GracefulStopResult
	}
	return model.DefaultSemantics().GracefulStopResult
}

// ---------------------------------------------------------------------------
// INV-11 concurrency-limits

type inv11 struct {
	checker
}

// INV-11 judges a task_start against the tasks already in process (the
// set counts them, tenRow.inProc and Catalog.srvInProc, after the
// checkers have seen a record: here they do not include this task yet).
var inv11Kinds = kindSet(model.RecTaskStart)

func (c *inv11) Observe(r *model.Record) {
	if !inv11Kinds.has(r.Kind) {
		return
	}
	fact := c.cat.fact(r.Job)
	tn, sv := fact.Tenant, fact.Server
	if tn < 0 || sv < 0 {
		return
	}
	if lim, n := fact.MaxTasks, c.cat.ten(tn).inProc+1; lim > 0 && n > lim {
		c.violate(r.At, who{model.None, tn, r.Job, r.N, r.Object}, []*model.Record{r},
			"tenant has %d tasks in process, over its max_concurrent_tasks %d", n, lim)
	}
	// A job whose target is local never talks to the provider (M8): it
	// counts against its tenant's limit but takes no server slot.
	if fact.Local {
		return
	}
	if lim, n := fact.TaskSlots, *at(&c.cat.srvInProc, sv)+1; lim > 0 && n > lim {
		c.violate(r.At, who{sv, tn, r.Job, r.N, r.Object}, []*model.Record{r},
			"server has %d tasks in process, over its task_slots %d", n, lim)
	}
}

// ---------------------------------------------------------------------------
// INV-12 lifecycle-well-formed

type inv12 struct {
	checker
	f     faults // a task failed by a fault (M13) needs its server down
	last  sim.Time
	phase taskTable[model.Phase] // tasks in process; slots: objRow.slots[slotINV12]
}

type inv12job struct {
	lastN   int32
	liveN   int32 // 0: no live session
	attempt int32
	inProc  int32
	ended   int32 // objects that reached a terminal state in the live session
}

type inv12ended struct {
	n, attempt int32
}

func (c *inv12) Observe(r *model.Record) {
	if r.At < c.last {
		c.violate(r.At, whoOf(r), []*model.Record{r}, "time went backwards: %s after %s", r.At, c.last)
	} else {
		c.last = r.At
	}
	if faultKinds.has(r.Kind) {
		c.f.observe(r)
	}
	if !sessionKinds.has(r.Kind) {
		return
	}
	j := rowPart(c.cat.row(r.Job), func(r *jobRow) *inv12job { return &r.inv12 })
	if j == nil {
		return
	}
	if r.Kind == model.RecSessionStart {
		if j.liveN != 0 {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "session started while session #%d of the job is still live", j.liveN)
			c.reset(r.Job)
		}
		if r.N <= j.lastN {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "session number %d is not after the job's last session #%d", r.N, j.lastN)
		}
		if r.Attempt > 1 {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "session_start names attempt %d: a session begins with attempt 1 (S8 retries are attempt_start)", r.Attempt)
		}
		*j = inv12job{lastN: max(j.lastN, r.N), liveN: r.N, attempt: max(r.Attempt, 1)} // one report, not one a line
		return
	}
	if j.liveN != r.N {
		if r.N > j.lastN {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "%s of a session that has not started", r.Kind)
		} else {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "%s after the session reached its terminal state", r.Kind)
		}
		return
	}
	if r.Kind != model.RecAttemptStart && r.Attempt != j.attempt {
		// A record of a session belongs to its current attempt: one naming
		// another (an attempt that never started, or an earlier one) is not
		// well formed. A trace line without `attempt` means attempt 1.
		c.violate(r.At, whoOf(r), []*model.Record{r}, "%s names attempt %d, but the session is in attempt %d", r.Kind, r.Attempt, j.attempt)
	}
	switch r.Kind {
	case model.RecAttemptStart:
		if r.Attempt != j.attempt+1 {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "attempt %d follows attempt %d", r.Attempt, j.attempt)
		}
		if j.inProc > 0 {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "new attempt while %d tasks of the previous one are still in process", j.inProc)
		}
		j.attempt = r.Attempt
	case model.RecTaskStart:
		o := c.cat.obj(r.Job, r.Object)
		if o == nil {
			return
		}
		e := &o.inv12
		k := taskKey(r)
		switch p, live := c.phase.get(&o.slots[slotINV12], k); {
		case live:
			c.violate(r.At, whoOf(r), []*model.Record{r}, "task started while the object's previous task is still in %s", p)
		case e.n == r.N && e.attempt == j.attempt:
			c.violate(r.At, whoOf(r), []*model.Record{r}, "object processed again in attempt %d after its task ended", j.attempt)
			j.inProc++
		default:
			j.inProc++
		}
		c.phase.set(&o.slots[slotINV12], k, model.PhaseSnapshot)
	case model.RecTaskPhase, model.RecTaskPlan:
		k := taskKey(r)
		o := c.cat.obj(r.Job, r.Object)
		switch p, live := c.phase.get(o.slot(slotINV12), k); {
		case !live:
			c.violate(r.At, whoOf(r), []*model.Record{r}, "%s of a task that is not in process", r.Kind)
		case r.Kind == model.RecTaskPhase && (r.Phase <= p || !r.Phase.InProcess()):
			c.violate(r.At, whoOf(r), []*model.Record{r}, "task went from %s to %s", p, r.Phase)
		case r.Kind == model.RecTaskPhase:
			c.phase.set(o.slot(slotINV12), k, r.Phase)
		}
	case model.RecTaskEnd:
		o := c.cat.obj(r.Job, r.Object)
		if o == nil {
			return
		}
		e := &o.inv12
		if sv := c.jobServer(r.Job); r.Cause == model.CauseFault && sv >= 0 && !*at(&c.f.srvDown, sv) {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "task ended %s with cause fault while its server's service ran and its power was on (M13)", r.Result)
		}
		switch r.Result {
		case model.ResultSuccess, model.ResultFailed, model.ResultCanceled:
		default:
			c.violate(r.At, whoOf(r), []*model.Record{r}, "task ended with result %q, not Success, Failed or Canceled", r.Result.String())
		}
		k := taskKey(r)
		if _, live := c.phase.del(&o.slots[slotINV12], k); live {
			j.inProc--
			if !r.Flags.Has(model.FlagStarted) {
				c.violate(r.At, whoOf(r), []*model.Record{r}, "task_end says the task never started, but it had a task_start")
			}
		} else if r.Flags.Has(model.FlagStarted) {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "task_end says the task started, but no task_start was seen")
		}
		if e.n == r.N && e.attempt == j.attempt {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "task reached a terminal state twice in attempt %d", j.attempt)
		}
		if e.n != r.N {
			j.ended++ // the object's first terminal state in this session
		}
		e.n, e.attempt = r.N, j.attempt
	case model.RecSessionEnd:
		switch r.Result {
		case model.ResultSuccess, model.ResultWarning, model.ResultFailed:
		default:
			c.violate(r.At, whoOf(r), []*model.Record{r}, "session ended with result %q, not Success, Warning or Failed", r.Result.String())
		}
		if j.inProc > 0 {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "session ended with %d tasks still in process", j.inProc)
			c.reset(r.Job)
		} else if j.ended < c.cat.fact(r.Job).Objects {
			// Every object of the job reaches a terminal state in each of
			// its sessions: a task_end, Pending for one never started.
			// (Counted as they end: a fleet's session end reads no rows.)
			if o := c.unended(r.Job, r.N); o >= 0 {
				c.violate(r.At, whoOf(r), []*model.Record{r}, "session ended without a terminal state for object %s (no task_end in this session)", c.cat.ObjectName(r.Job, o))
			}
		}
		j.liveN, j.inProc = 0, 0
	}
}

// unended returns the first object of job j with no task_end in session
// n, or -1. Objects a hand-made trace never declared have no row and are
// not judged.
func (c *inv12) unended(j, n int32) int32 {
	c.cat.obj(j, 0) // the rows exist from the first task record; a session may have had none
	for i, o := range c.cat.objsOf(j) {
		if o.inv12.n != n {
			return int32(i)
		}
	}
	return -1
}

// reset forgets the tasks of a job whose session ended badly, so one
// violation does not cascade into more.
func (c *inv12) reset(job int32) {
	var gone []uint64
	c.phase.each(func(j int32) bool { return j == job }, func(k uint64, _ *model.Phase) {
		gone = append(gone, k)
	})
	for _, k := range gone {
		o := c.cat.obj(taskJob(k), taskObject(k))
		c.phase.del(o.slot(slotINV12), k)
	}
	c.cat.row(job).inv12.inProc = 0
}

// ---------------------------------------------------------------------------
// INV-13 drain-terminates

type inv13 struct {
	checker
	f   faults
	m   maintenance
	srv []inv13srv
	// marked holds the affected tasks in process at an enable (by
	// taskKey), the ones the drain bound is about.
	marked liveTable[inv13task]
	// tasksRead: task records are read (kindMask), while a task is marked
	// or a server drains.
	tasksRead bool
}

var inv13TaskKinds = kindSet(model.RecTaskStart, model.RecTaskPhase, model.RecTaskPlan, model.RecTaskEnd)

// kindMask implements kindFilter: task records matter only while a task
// is marked or a server drains (see INV-04's).
func (c *inv13) kindMask() kinds {
	if c.tasksRead {
		return inv13Kinds
	}
	return inv13Kinds &^ inv13TaskKinds
}

// followTasks updates tasksRead after its inputs may have changed.
func (c *inv13) followTasks() {
	want := c.marked.n > 0
	for i := range c.srv {
		want = want || c.srv[i].live > 0
	}
	if want != c.tasksRead {
		c.tasksRead = want
		c.kindsChanged()
	}
}

type inv13srv struct {
	live     int32    // affected tasks in process at an enable, still in process
	deadline sim.Time // the latest planned end seen of those tasks
	// joined: a transfer started on the server while it drains, seen as a
	// task_phase Transfer or as a task_start (whose transfer begins at its
	// transfer_at: an export need not write task_phase for it). Under M14
	// only that can push a planned end later (a smaller bandwidth share),
	// so a later plan without it is the model stretching its own drain.
	joined bool
	// joinAt: the earliest transfer_at after the enable of a task already
	// started at it (one still in Snapshot): its transfer joins then.
	joinAt sim.Time
}

type inv13task struct {
	due sim.Time // its planned end, as INV-13 accepts it (see the task_plan case)
	st  stamp
	n   int32
}

var inv13Kinds = faultKinds | maintKinds | kindSet(model.RecTaskStart, model.RecTaskPhase, model.RecTaskPlan,
	model.RecTaskEnd, model.RecEnd)

func (c *inv13) Observe(r *model.Record) {
	if !inv13Kinds.has(r.Kind) {
		return
	}
	c.f.observe(r)
	if c.m.observe(r) {
		sv := at(&c.srv, r.Server)
		if sv.live == 0 {
			sv.joinAt = 0 // an earlier window that drained nothing left none
		}
		c.liveOn(func(j int32) bool { return c.jobServer(j) == r.Server }, func(k uint64, t *liveTask) {
			f := c.cat.fact(taskJob(k))
			if t.xferAt > r.At && !f.Local && (sv.joinAt == 0 || t.xferAt < sv.joinAt) {
				sv.joinAt = t.xferAt // a transfer that begins during the drain
			}
			if !f.Flags.Has(model.FlagAffected) || f.Flags.Has(model.FlagStandaloneAgent) || c.marked.find(k) >= 0 {
				return // M8 work and M4 sessions are not drained
			}
			if t.due == 0 {
				return // no planned end in the trace (docs/trace-format.md: due is optional): no bound to judge
			}
			c.marked.set(k, inv13task{due: t.due, st: c.f.stamp(r.Server, f.Tenant), n: t.n})
			sv.live++
			sv.deadline = max(sv.deadline, t.due)
		})
		c.followTasks()
		return
	}
	switch r.Kind {
	case model.RecTaskStart:
		if c.marked.n != 0 {
			c.marked.del(taskKey(r)) // a new task of the object: not in process at the enable
			defer c.followTasks()
		}
		if f := c.cat.fact(r.Job); f.Server >= 0 && int(f.Server) < len(c.srv) && c.srv[f.Server].live > 0 && !f.Local {
			c.srv[f.Server].joined = true
		}
	case model.RecTaskPhase, model.RecTaskPlan:
		sv := at(&c.srv, c.jobServer(r.Job))
		if r.Kind == model.RecTaskPhase && r.Phase == model.PhaseTransfer && sv != nil && sv.live > 0 && !c.cat.fact(r.Job).Local {
			sv.joined = true
		}
		if c.marked.n == 0 {
			return // an unmarked task's plan is in Catalog.tasks
		}
		if t := c.marked.ref(taskKey(r)); t != nil {
			if sv != nil && r.Due > t.due && !sv.joined && (sv.joinAt == 0 || r.At < sv.joinAt) {
				// A later plan no transfer explains: the bound stays, and
				// so does the task's due, so that the same plan repeated
				// is still later, not accepted the second time.
				return
			}
			t.due = r.Due
			if sv != nil {
				sv.deadline = max(sv.deadline, r.Due)
			}
		}
	case model.RecTaskEnd:
		if c.marked.n == 0 {
			return
		}
		if t, ok := c.marked.del(taskKey(r)); ok {
			svID := c.jobServer(r.Job)
			sv := at(&c.srv, svID)
			if r.At > sv.deadline && c.f.clean(t.st, svID, c.jobTenant(r.Job)) {
				c.violate(r.At, whoOf(r), []*model.Record{c.m.lastEnable(svID), r},
					"affected task in process at maintenance enable ended %s after the drain bound %s (the latest planned end of the tasks in process at enable; its own: %s)",
					time.Duration(r.At-sv.deadline), sv.deadline, t.due)
			}
			if sv.live--; sv.live == 0 {
				sv.deadline, sv.joined, sv.joinAt = 0, false, 0
			}
			c.followTasks()
		}
	case model.RecEnd:
		// Report in (job, object) order: map order is random, output is not.
		type lateTask struct {
			k uint64
			t inv13task
		}
		var late []lateTask
		c.marked.each(func(k uint64, t *inv13task) {
			s := c.jobServer(taskJob(k))
			if s >= 0 && int(s) < len(c.srv) && r.At > c.srv[s].deadline && c.f.clean(t.st, s, c.jobTenant(taskJob(k))) {
				late = append(late, lateTask{k, *t})
			}
		})
		slices.SortFunc(late, func(a, b lateTask) int { return cmp.Compare(a.k, b.k) })
		for _, lt := range late {
			k, t := lt.k, lt.t
			j := taskJob(k)
			s := c.jobServer(j)
			c.violate(r.At, who{s, c.jobTenant(j), j, t.n, taskObject(k)}, []*model.Record{c.m.lastEnable(s), r},
				"affected task in process at maintenance enable is still in process at the end of the run, %s after the drain bound %s",
				time.Duration(r.At-c.srv[s].deadline), c.srv[s].deadline)
		}
	}
}

// ---------------------------------------------------------------------------
// INV-14 disabled-tenant-inert

type inv14 struct {
	checker
	disable []model.Record
	pending []int32 // tenants disabled at the current instant, judged once time moves on
	pendAt  sim.Time
	off     int // tenants disabled now
}

// kindMask implements kindFilter: every record while a disable waits to
// be judged (time moving on is what judges it), task starts while a tenant
// is disabled, and the task ends whose cause is a disable.
func (c *inv14) kindMask() kinds {
	if len(c.pending) > 0 {
		return allKinds
	}
	m := kindSet(model.RecTenant, model.RecTenantDisabled, model.RecTenantEnabled, model.RecEnd) | endCauses(model.CauseDisabled)
	if c.off > 0 {
		m |= kindSet(model.RecTaskStart)
	}
	return m
}

// setOff records whether tenant t is disabled.
func (c *inv14) setOff(t int32, off bool) {
	e := &c.cat.ten(t).inv14
	if e.off == off {
		return
	}
	e.off = off
	if off {
		c.off++
	} else {
		c.off--
	}
	if c.off == 0 || c.off == 1 && off {
		c.kindsChanged()
	}
}

// inv14ten is INV-14's part of a tenant's row.
type inv14ten struct {
	off bool
}

var inv14Kinds = kindSet(model.RecTenant, model.RecTenantDisabled, model.RecTenantEnabled, model.RecTaskStart,
	model.RecTaskEnd, model.RecEnd)

func (c *inv14) Observe(r *model.Record) {
	if len(c.pending) > 0 && (r.At > c.pendAt || r.Kind == model.RecEnd) {
		// M12 terminates a tenant's work in the same instant as the disable.
		for _, t := range c.pending {
			if row := c.cat.ten(t); row.inv14.off && row.inProc > 0 {
				c.violate(c.pendAt, who{model.None, t, model.None, 0, model.None}, []*model.Record{&c.disable[t], r},
					"tenant was disabled and still has %d tasks in process afterwards", row.inProc)
			}
		}
		c.pending = c.pending[:0]
		c.kindsChanged()
	}
	if !inv14Kinds.has(r.Kind) {
		return
	}
	switch r.Kind {
	case model.RecTenant:
		if r.Tenant >= 0 {
			c.setOff(r.Tenant, !r.Flags.Has(model.FlagEnabled))
		}
	case model.RecTenantDisabled:
		if r.Tenant >= 0 {
			c.setOff(r.Tenant, true)
			*c.perTenant(&c.disable, r.Tenant) = *r
			c.pending = append(c.pending, r.Tenant)
			c.pendAt = r.At
			c.kindsChanged()
		}
	case model.RecTenantEnabled:
		if r.Tenant >= 0 {
			c.setOff(r.Tenant, false)
		}
	case model.RecTaskStart:
		// (Catalog.observeTask counts it in process.)
		if tn := c.jobTenant(r.Job); tn >= 0 && c.cat.ten(tn).inv14.off {
			c.violate(r.At, whoOf(r), []*model.Record{c.perTenant(&c.disable, tn), r}, "disabled tenant started a task")
		}
	case model.RecTaskEnd:
		tn := c.jobTenant(r.Job)
		if r.Cause == model.CauseDisabled && tn >= 0 && !c.cat.ten(tn).inv14.off {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "task ended %s with cause disabled while its tenant was enabled (M12)", r.Result)
		}
	}
}

// ---------------------------------------------------------------------------
// INV-15 backup-move-needs-disable

type inv15 struct {
	checker
	enabled []bool
	change  []model.Record
}

var inv15Kinds = kindSet(model.RecTenant, model.RecTenantEnabled, model.RecTenantDisabled, model.RecBackupMoved)

func (c *inv15) Observe(r *model.Record) {
	if !inv15Kinds.has(r.Kind) {
		return
	}
	switch r.Kind {
	case model.RecTenant:
		*at(&c.enabled, r.Tenant) = r.Flags.Has(model.FlagEnabled)
		c.perTenant(&c.change, r.Tenant)
	case model.RecTenantEnabled, model.RecTenantDisabled:
		if p := at(&c.enabled, r.Tenant); p != nil {
			*p = r.Kind == model.RecTenantEnabled
			*c.perTenant(&c.change, r.Tenant) = *r
		}
	case model.RecBackupMoved:
		if p := at(&c.enabled, r.Tenant); p != nil && *p {
			c.violate(r.At, who{model.None, r.Tenant, model.None, 0, model.None}, []*model.Record{c.perTenant(&c.change, r.Tenant), r},
				"backups moved while the tenant is enabled (M12: disable it first)")
		}
	}
}

// ---------------------------------------------------------------------------
// INV-16 retry-policy

type inv16 struct {
	checker
	// retrying counts the live sessions past their first attempt: a
	// task_start is judged only in one (kindMask).
	retrying int
	f        faults
	ev       []inv16evidence // per job, written only on the rare events that show a violation
	fails    []model.Record  // per job: the last failed task_end of the live session
}

type inv16sess struct {
	lastEnd       sim.Time
	n             int32
	attempt       int32
	tenSeq        uint32
	live          bool
	manual        bool
	stopped       bool
	tenOff        bool // tenant disabled at start or since: M12 ends the session, no retry
	attemptFailed bool
}

type inv16evidence struct {
	start model.Record // session_start of a manual session
	stop  model.Record
}

type inv16obj struct {
	failedN, failedIn int32 // the session and attempt in which the object last failed
}

var inv16Kinds = faultKinds | kindSet(model.RecSessionStart, model.RecAttemptStart, model.RecStopRequested,
	model.RecTaskStart, model.RecTaskEnd, model.RecSessionEnd)

// kindMask implements kindFilter.
func (c *inv16) kindMask() kinds {
	if c.retrying > 0 {
		return inv16Kinds
	}
	return inv16Kinds &^ kindSet(model.RecTaskStart)
}

// countRetrying adds d to retrying and tells the set when task starts
// start or stop mattering.
func (c *inv16) countRetrying(d int) {
	before := c.retrying > 0
	c.retrying += d
	if (c.retrying > 0) != before {
		c.kindsChanged()
	}
}

func (c *inv16) Observe(r *model.Record) {
	if !inv16Kinds.has(r.Kind) {
		return
	}
	c.f.observe(r)
	if faultKinds.has(r.Kind) {
		return
	}
	s := rowPart(c.cat.row(r.Job), func(r *jobRow) *inv16sess { return &r.inv16 })
	if s == nil {
		return
	}
	if r.Kind == model.RecSessionStart {
		if s.live && s.attempt >= 2 {
			c.countRetrying(-1)
		}
		*s = inv16sess{n: r.N, live: true, manual: r.Flags.Has(model.FlagManual), attempt: 1, lastEnd: r.At}
		if tn := c.jobTenant(r.Job); tn >= 0 {
			s.tenOff, s.tenSeq = *at(&c.f.tenOff, tn), *at(&c.f.tenSeq, tn)
		}
		if s.manual {
			at(&c.ev, r.Job).start = *r
		}
		return
	}
	if !s.live || s.n != r.N {
		return
	}
	fact := c.cat.fact(r.Job)
	count, wait, tn := fact.RetryCount, fact.RetryWait, fact.Tenant
	// disabled reads the fault tracker's per-tenant array (a miss on a
	// fleet): only attempt starts and session ends ask.
	disabled := func() bool { return tn >= 0 && (s.tenOff || *at(&c.f.tenSeq, tn) != s.tenSeq) }
	switch r.Kind {
	case model.RecStopRequested:
		if !s.stopped {
			s.stopped = true
			at(&c.ev, r.Job).stop = *r
		}
	case model.RecAttemptStart:
		ev := at(&c.ev, r.Job)
		switch {
		case s.manual:
			c.violate(r.At, whoOf(r), []*model.Record{&ev.start, r}, "retry of a session started manually (S8: none)")
		case s.stopped:
			c.violate(r.At, whoOf(r), []*model.Record{&ev.stop, r}, "retry of a session stopped manually (S8: none)")
		case disabled():
			c.violate(r.At, whoOf(r), []*model.Record{r}, "retry after the tenant was disabled (M12 ends the session as an immediate stop)")
		case !s.attemptFailed:
			c.violate(r.At, whoOf(r), []*model.Record{r}, "retry although no object failed in attempt %d", s.attempt)
		case r.Attempt-1 > count:
			c.violate(r.At, whoOf(r), []*model.Record{r}, "retry %d exceeds retry.count %d", r.Attempt-1, count)
		case r.At < s.lastEnd.Add(wait):
			c.violate(r.At, whoOf(r), []*model.Record{c.perJob(&c.fails, r.Job), r}, "retry %s after the previous attempt ended, before retry.wait %s",
				time.Duration(r.At-s.lastEnd), wait)
		}
		if s.attempt < 2 && r.Attempt >= 2 {
			c.countRetrying(1)
		} else if s.attempt >= 2 && r.Attempt < 2 {
			c.countRetrying(-1)
		}
		s.attempt, s.attemptFailed = r.Attempt, false
	case model.RecTaskStart, model.RecTaskEnd:
		row := c.cat.obj(r.Job, r.Object)
		if row == nil {
			return
		}
		o := &row.inv16
		if s.attempt >= 2 && !(o.failedN == r.N && (o.failedIn == s.attempt-1 || o.failedIn == s.attempt)) {
			c.violate(r.At, whoOf(r), []*model.Record{r}, "attempt %d processed an object that had not failed in attempt %d (S8: only the failed objects again)",
				s.attempt, s.attempt-1)
		}
		if r.Kind == model.RecTaskEnd {
			s.lastEnd = r.At
			if r.Result == model.ResultFailed {
				s.attemptFailed = true
				*c.perJob(&c.fails, r.Job) = *r
				o.failedN, o.failedIn = r.N, s.attempt
			}
		}
	case model.RecSessionEnd:
		s.live = false
		if s.attempt >= 2 {
			c.countRetrying(-1)
		}
		// An object failed in the last attempt: the session failed, stopped
		// or disabled or not (S8: the result reflects the last attempt; S2,
		// M12: a terminated session is Failed anyway).
		if s.attemptFailed && r.Result != model.ResultFailed {
			c.violate(r.At, whoOf(r), []*model.Record{c.perJob(&c.fails, r.Job), r}, "objects failed in the last attempt but the session ended %s (S8: the result reflects the last attempt)", r.Result)
			return
		}
		// Exempt what the trace shows stopped or disabled, not what the
		// session_end claims: its cause is the record under judgement.
		if s.stopped || disabled() {
			return
		}
		switch {
		case !s.attemptFailed && r.Result == model.ResultFailed:
			// Warning is not judged: a real system ends sessions Warning
			// for reasons of its own (the model only after a graceful stop).
			c.violate(r.At, whoOf(r), []*model.Record{r}, "no object failed in the last attempt but the session ended %s (S8: the result reflects the last attempt)", r.Result)
		case s.attemptFailed && !s.manual && s.attempt-1 < count:
			c.violate(r.At, whoOf(r), []*model.Record{c.perJob(&c.fails, r.Job), r}, "session ended Failed with %d of %d retries left (S8)", count-(s.attempt-1), count)
		}
	}
}

// Kind masks let the invariant set hand each record only to the checkers
// that read its kind: most records concern two or three of sixteen, and a
// skipped interface call is the cheapest check of all. Each mask is the
// checker's own early-return filter, so dispatch changes nothing else.
// INV-12 and INV-14 watch the clock on every record and have none.
func (c *inv01) kindMask() kinds      { return inv01Kinds }
func (c *inv02) kindMask() kinds      { return inv02Kinds }
func (c *invMessage) kindMask() kinds { return msgKinds }
func (c *inv07) kindMask() kinds      { return inv07Kinds }
func (c *inv08) kindMask() kinds      { return kindSet(model.RecTaskEnd) }
func (c *inv11) kindMask() kinds      { return inv11Kinds }
func (c *inv15) kindMask() kinds      { return inv15Kinds }

// Touchers of the tables of live tasks (invariantSet.Touch).
func (c *inv12) touchTask(o *objRow) byte { return c.phase.touch(o.slots[slotINV12]) }
