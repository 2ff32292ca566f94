package scenarios

import (
	"math"
	"math/bits"
	"slices"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// Metrics are the per-run numbers of the summary and the sweep records.
// docs/metrics.md defines each one precisely; the comments here are the
// short form. Durations are seconds (float), sizes bytes, counts integers,
// ratios in [0, 1]. Every value is computed online from the record stream
// (metricsObserver) with memory proportional to the declared entities.
type Metrics struct {
	// Sessions by result, and failed sessions by cause (session_end.cause).
	SessionsTotal             int64 `json:"sessions_total"`
	SessionsSucceeded         int64 `json:"sessions_succeeded"`
	SessionsWarning           int64 `json:"sessions_warning"`
	SessionsFailed            int64 `json:"sessions_failed"`
	SessionsFailedMaintenance int64 `json:"sessions_failed_maintenance"`
	SessionsFailedStop        int64 `json:"sessions_failed_stop"`
	SessionsFailedFault       int64 `json:"sessions_failed_fault"`
	SessionsFailedDisabled    int64 `json:"sessions_failed_disabled"`
	SessionsUnfinished        int64 `json:"sessions_unfinished"` // still running at the horizon

	// Tasks (task_end records) by result, failed tasks by cause.
	TasksTotal             int64 `json:"tasks_total"`
	TasksSucceeded         int64 `json:"tasks_succeeded"`
	TasksFailed            int64 `json:"tasks_failed"`
	TasksFailedMaintenance int64 `json:"tasks_failed_maintenance"`
	TasksFailedStop        int64 `json:"tasks_failed_stop"`
	TasksFailedFault       int64 `json:"tasks_failed_fault"`
	TasksFailedDisabled    int64 `json:"tasks_failed_disabled"`
	TasksCanceled          int64 `json:"tasks_canceled"`
	TasksStarted           int64 `json:"tasks_started"` // task_start records: the queue-wait sample count

	BytesTransferred int64 `json:"bytes_transferred"`
	BytesWasted      int64 `json:"bytes_wasted"` // transferred by tasks that did not commit

	// Tenants that saw at least one Failed session (any cause / maintenance),
	// and tenants that saw maintenance fail at least one task (the notice in
	// a session's statistics), even if an S8 retry succeeded later.
	TenantsFailed            int64 `json:"tenants_failed"`
	TenantsFailedMaintenance int64 `json:"tenants_failed_maintenance"`
	TenantsAffected          int64 `json:"tenants_affected"`

	// Maintenance windows (maintenance_enabled → maintenance_disabled on a
	// server); the run-level values combine the windows (docs/metrics.md).
	MaintenanceWindows int64   `json:"maintenance_windows"`
	DrainTimeSeconds   float64 `json:"drain_time"`        // longest drain of any window
	DrainsIncomplete   int64   `json:"drains_incomplete"` // windows whose drain had not ended at the horizon
	BacklogAtExit      int64   `json:"backlog_at_exit"`   // sessions a window failed work of, summed over windows
	CatchUpTimeSeconds float64 `json:"catch_up_time"`     // longest catch-up of any closed window
	TenantsNotCaughtUp int64   `json:"tenants_not_caught_up"`

	// RPO: tenants with rpo set whose objects went longer than it without a
	// restore point, and the longest such gap (any object of such a tenant).
	RPOViolations    int64   `json:"rpo_violations"`
	RPOGapMaxSeconds float64 `json:"rpo_gap_max"`
	// RPOViolators names those tenants, in declaration order (summary JSON
	// only; at most MaxRPOViolators).
	RPOViolators []string `json:"rpo_violators"`

	// Task slots of servers with a task_slots limit.
	SlotUtilisationPeak float64 `json:"slot_utilisation_peak"`
	SlotUtilisationMean float64 `json:"slot_utilisation_mean"`

	// Queue wait of started tasks (docs/metrics.md, "queue wait").
	QueueWaitMeanSeconds float64 `json:"queue_wait_mean"`
	QueueWaitP50Seconds  float64 `json:"queue_wait_p50"`
	QueueWaitP95Seconds  float64 `json:"queue_wait_p95"`
	QueueWaitP99Seconds  float64 `json:"queue_wait_p99"`
	QueueWaitMaxSeconds  float64 `json:"queue_wait_max"`

	// Windows details each maintenance window (summary JSON and reports
	// only; sweep records carry the scalar metrics above).
	Windows []WindowMetrics `json:"windows"`

	// Exchange are the message metrics of an exchange profile run (nil
	// otherwise); its drain_time is also the run's drain_time above.
	Exchange *ExchangeMetrics `json:"exchange,omitempty"`
}

// WindowMetrics is one maintenance window on one server.
type WindowMetrics struct {
	Server            string  `json:"server"`
	EnableNS          int64   `json:"enable_ns"`
	DisableNS         *int64  `json:"disable_ns"` // nil: still in maintenance at the horizon
	InProcessAtEnable int64   `json:"in_process_at_enable"`
	DrainTimeSeconds  float64 `json:"drain_time"`
	Drained           bool    `json:"drained"`          // false: DrainTimeSeconds is the horizon minus enable, a lower bound
	BacklogAtExit     int64   `json:"backlog_at_exit"`  // sessions with work failed by this window
	ObjectsFailed     int64   `json:"objects_failed"`   // objects that owe a catch-up to this window
	TenantsAffected   int64   `json:"tenants_affected"` // tenants with a task failed by this window
	CatchUpSeconds    float64 `json:"catch_up_time"`    // from exit; 0 while the window is open
	CaughtUp          bool    `json:"caught_up"`        // every owed object has a new restore point
}

// MaxRPOViolators bounds the tenant names kept in Metrics.RPOViolators.
const MaxRPOViolators = 1000

// MaxWindows bounds the per-window detail kept in Metrics.Windows; the
// run-level window metrics stay exact beyond it.
const MaxWindows = 1000

// MetricUnit is how a metric's number reads.
type MetricUnit uint8

// Units of CONTRACT.md.
const (
	UnitCount   MetricUnit = iota // an integer
	UnitSeconds                   // a duration, float seconds
	UnitBytes                     // an integer number of bytes
	UnitRatio                     // a float in [0, 1]
)

func (u MetricUnit) String() string {
	switch u {
	case UnitSeconds:
		return "seconds"
	case UnitBytes:
		return "bytes"
	case UnitRatio:
		return "ratio"
	}
	return "count"
}

// Integer reports whether values of this unit are integers.
func (u MetricUnit) Integer() bool { return u == UnitCount || u == UnitBytes }

// MetricInfo describes one scalar metric: the name sweeps and CSV use (the
// JSON field name of Metrics), its unit and a one-line meaning.
type MetricInfo struct {
	Name string
	Unit MetricUnit
	Help string
	get  func(*Metrics) MetricValue
}

// MetricValue is one metric's number: I for integer units, F otherwise.
type MetricValue struct {
	I     int64
	F     float64
	IsInt bool
}

// Float is the value as a float64 (exact for integers below 2^53).
func (v MetricValue) Float() float64 {
	if v.IsInt {
		return float64(v.I)
	}
	return v.F
}

func ci(f func(*Metrics) int64) func(*Metrics) MetricValue {
	return func(m *Metrics) MetricValue { return MetricValue{I: f(m), IsInt: true} }
}

func cf(f func(*Metrics) float64) func(*Metrics) MetricValue {
	return func(m *Metrics) MetricValue { return MetricValue{F: f(m)} }
}

// metricCatalogue is every scalar metric, in the order records list them.
var metricCatalogue = []MetricInfo{
	{"drain_time", UnitSeconds, "longest maintenance drain: enable → last affected task in process at enable (or started during maintenance) ends", cf(func(m *Metrics) float64 { return m.DrainTimeSeconds })},
	{"sessions_failed", UnitCount, "sessions that ended Failed", ci(func(m *Metrics) int64 { return m.SessionsFailed })},
	{"tasks_failed", UnitCount, "tasks that ended Failed", ci(func(m *Metrics) int64 { return m.TasksFailed })},
	{"bytes_wasted", UnitBytes, "bytes transferred by tasks that did not commit", ci(func(m *Metrics) int64 { return m.BytesWasted })},
	{"backlog_at_exit", UnitCount, "sessions whose work a maintenance window failed (waiting for a retry or the next run at exit), summed over windows", ci(func(m *Metrics) int64 { return m.BacklogAtExit })},
	{"catch_up_time", UnitSeconds, "longest time from a window's exit until every object it failed has a newer restore point", cf(func(m *Metrics) float64 { return m.CatchUpTimeSeconds })},
	{"rpo_violations", UnitCount, "tenants with rpo set whose objects went longer than the rpo without a restore point", ci(func(m *Metrics) int64 { return m.RPOViolations })},
	{"sessions_total", UnitCount, "sessions started", ci(func(m *Metrics) int64 { return m.SessionsTotal })},
	{"sessions_succeeded", UnitCount, "sessions that ended Success", ci(func(m *Metrics) int64 { return m.SessionsSucceeded })},
	{"sessions_warning", UnitCount, "sessions that ended Warning", ci(func(m *Metrics) int64 { return m.SessionsWarning })},
	{"sessions_failed_maintenance", UnitCount, "Failed sessions with cause maintenance (M3, M5)", ci(func(m *Metrics) int64 { return m.SessionsFailedMaintenance })},
	{"sessions_failed_stop", UnitCount, "Failed sessions with cause stop (S2, S4)", ci(func(m *Metrics) int64 { return m.SessionsFailedStop })},
	{"sessions_failed_fault", UnitCount, "Failed sessions with cause fault (M13)", ci(func(m *Metrics) int64 { return m.SessionsFailedFault })},
	{"sessions_failed_disabled", UnitCount, "Failed sessions with cause disabled (M12)", ci(func(m *Metrics) int64 { return m.SessionsFailedDisabled })},
	{"sessions_unfinished", UnitCount, "sessions still running at the horizon", ci(func(m *Metrics) int64 { return m.SessionsUnfinished })},
	{"tasks_total", UnitCount, "tasks ended (task_end records)", ci(func(m *Metrics) int64 { return m.TasksTotal })},
	{"tasks_succeeded", UnitCount, "tasks that committed", ci(func(m *Metrics) int64 { return m.TasksSucceeded })},
	{"tasks_failed_maintenance", UnitCount, "Failed tasks with cause maintenance", ci(func(m *Metrics) int64 { return m.TasksFailedMaintenance })},
	{"tasks_failed_stop", UnitCount, "Failed tasks with cause stop", ci(func(m *Metrics) int64 { return m.TasksFailedStop })},
	{"tasks_failed_fault", UnitCount, "Failed tasks with cause fault", ci(func(m *Metrics) int64 { return m.TasksFailedFault })},
	{"tasks_failed_disabled", UnitCount, "Failed tasks with cause disabled", ci(func(m *Metrics) int64 { return m.TasksFailedDisabled })},
	{"tasks_canceled", UnitCount, "tasks Canceled by a stop", ci(func(m *Metrics) int64 { return m.TasksCanceled })},
	{"tasks_started", UnitCount, "tasks that started (took a snapshot)", ci(func(m *Metrics) int64 { return m.TasksStarted })},
	{"bytes_transferred", UnitBytes, "bytes transferred by all tasks", ci(func(m *Metrics) int64 { return m.BytesTransferred })},
	{"tenants_failed", UnitCount, "tenants with at least one Failed session", ci(func(m *Metrics) int64 { return m.TenantsFailed })},
	{"tenants_failed_maintenance", UnitCount, "tenants with at least one session Failed because of maintenance", ci(func(m *Metrics) int64 { return m.TenantsFailedMaintenance })},
	{"tenants_affected", UnitCount, "tenants with at least one task failed by maintenance (they saw the notice), retried or not", ci(func(m *Metrics) int64 { return m.TenantsAffected })},
	{"maintenance_windows", UnitCount, "maintenance windows opened", ci(func(m *Metrics) int64 { return m.MaintenanceWindows })},
	{"drains_incomplete", UnitCount, "windows whose drain had not ended at the horizon", ci(func(m *Metrics) int64 { return m.DrainsIncomplete })},
	{"tenants_not_caught_up", UnitCount, "tenants with an object that maintenance failed and that had no newer restore point at the horizon", ci(func(m *Metrics) int64 { return m.TenantsNotCaughtUp })},
	{"rpo_gap_max", UnitSeconds, "longest time any object of a tenant with rpo went without a restore point", cf(func(m *Metrics) float64 { return m.RPOGapMaxSeconds })},
	{"slot_utilisation_peak", UnitRatio, "highest tasks in process / task_slots of any limited server", cf(func(m *Metrics) float64 { return m.SlotUtilisationPeak })},
	{"slot_utilisation_mean", UnitRatio, "task-slot time used / task-slot time available, limited servers, whole run", cf(func(m *Metrics) float64 { return m.SlotUtilisationMean })},
	{"queue_wait_mean", UnitSeconds, "mean queue wait of started tasks", cf(func(m *Metrics) float64 { return m.QueueWaitMeanSeconds })},
	{"queue_wait_p50", UnitSeconds, "median queue wait", cf(func(m *Metrics) float64 { return m.QueueWaitP50Seconds })},
	{"queue_wait_p95", UnitSeconds, "95th percentile queue wait", cf(func(m *Metrics) float64 { return m.QueueWaitP95Seconds })},
	{"queue_wait_p99", UnitSeconds, "99th percentile queue wait", cf(func(m *Metrics) float64 { return m.QueueWaitP99Seconds })},
	{"queue_wait_max", UnitSeconds, "longest queue wait", cf(func(m *Metrics) float64 { return m.QueueWaitMaxSeconds })},
}

// MetricCatalogue lists every scalar metric: the contract's sweep metrics
// first, then the rest. The slice is shared; do not modify it.
func MetricCatalogue() []MetricInfo { return metricCatalogue }

// LookupMetric finds a metric by name.
func LookupMetric(name string) (MetricInfo, bool) {
	for _, mi := range metricCatalogue {
		if mi.Name == name {
			return mi, true
		}
	}
	return MetricInfo{}, false
}

// Value returns the metric's value in m.
func (mi MetricInfo) Value(m *Metrics) MetricValue { return mi.get(m) }

// metricsObserver accumulates Metrics online from the record stream. Its
// state is flat slices indexed by the dense entity IDs of the declarations
// (servers, tenants, jobs, and every object of every job): nothing is
// allocated or looked up by name per record.
type metricsObserver struct {
	m   Metrics
	now sim.Time
	end sim.Time

	servers []srvMetric
	tenants []tenMetric
	// lastEnd is each tenant's latest task end, apart from its row: every
	// task end writes it, and on a fleet eight tenants to a cache line
	// are far likelier to be in cache than one.
	lastEnd []sim.Time
	jobs    []jobMetric
	objs    []objMetric
	touched int32 // what Touch loaded, kept so its loads stay
	windows []winMetric

	// slot utilisation over limited servers
	limitedSlots  int64
	limitedInProc int64
	slotBusy      float64 // ∫ limitedInProc dt, task-nanoseconds
	slotLast      sim.Time

	rpoGapMax sim.Time
	wait      waitHistogram
}

type srvMetric struct {
	name   string
	slots  int32
	inProc int32
	maint  bool
	cur    int32   // current (most recent) window, index into windows; -1 none
	wins   []int32 // this server's windows in order
	jobs   []int32 // jobs of tenants on this server
}

type tenMetric struct {
	name        string
	rpo         sim.Time
	maxTasks    int32
	failed      bool
	failedMaint bool
	affected    bool
	violated    bool
	notCaughtUp bool
	lastWin     int32 // last window that counted this tenant in its TenantsAffected
}

type jobMetric struct {
	local    bool // target local: off the provider, takes no task slot (M8)
	tenant   int32
	server   int32
	base     int32 // first object's index in objs
	nobj     int32
	affected bool
	makesRP  bool
	// noRPO: the tenant, declared before the job, has no rpo, so a restore
	// point need not read the tenant's row (a miss per commit on a fleet).
	noRPO bool
	// queue wait state of the running attempt
	attemptStart sim.Time
	started      int32
	maxTasks     int32 // the tenant's limit, copied at declaration; -1: tenant declared later
	nEnds        int32 // tasks of the attempt ended so far
	// End times of the attempt's ended tasks, in order: the last few in
	// ring (the k-th start needs the (k−L)-th end, never one more than L
	// ends back), all of them in ends when L exceeds the ring. The ring
	// sits in the row: a separate slice per job was a cache miss per
	// task start on a fleet.
	ring [4]sim.Time
	ends []sim.Time
	// backlog: the session (N) and window last counted for this job
	hitN, hitWin int32
}

type objMetric struct {
	lastRP    sim.Time
	owe       int32 // 1 + window this object owes a catch-up to; 0 none
	firstWin  int32 // drain tracking: positions in the server's wins; -1 none
	lastWin   int32
	inProcess bool
}

type winMetric struct {
	server     int32
	enable     sim.Time
	disable    sim.Time // -1 while open
	atEnable   int64
	live       int64 // tracked tasks still in process
	drainEnd   sim.Time
	drained    bool
	backlog    int64
	owing      int64
	failedObjs int64
	tenants    int64
	lastCatch  sim.Time
}

func (o *metricsObserver) Observe(r *model.Record) {
	o.now = r.At
	switch r.Kind {
	case model.RecServer:
		if r.Decl != nil { // declarations carry their facts; skip one that does not
			o.declServer(r)
		}
	case model.RecTenant:
		if r.Decl == nil {
			return
		}
		o.tenants = growSet(o.tenants, r.Tenant, tenMetric{name: r.Decl.Name, rpo: sim.Time(r.Decl.RPO), maxTasks: r.Decl.MaxTasks, lastWin: -1})
		o.lastEnd = growSet(o.lastEnd, r.Tenant, 0)
	case model.RecJob:
		if r.Decl != nil {
			o.declJob(r)
		}
	case model.RecMaintenanceEnabled:
		o.openWindow(r.Server)
	case model.RecMaintenanceDisabled:
		if s := o.server(r.Server); s != nil && s.maint {
			s.maint = false
			o.windows[s.cur].disable = r.At
		}
	case model.RecSessionStart:
		o.m.SessionsTotal++
		o.beginAttempt(r)
	case model.RecAttemptStart:
		o.beginAttempt(r)
	case model.RecSessionEnd:
		o.sessionEnd(r)
	case model.RecTaskStart:
		o.taskStart(r)
	case model.RecTaskEnd:
		o.taskEnd(r)
	case model.RecEnd:
		o.end = r.At
	}
}

// ObserveBatch implements sim.BatchObserver (see invariantSet.ObserveBatch).
func (o *metricsObserver) ObserveBatch(rs []model.Record) {
	for i := range rs {
		o.Observe(&rs[i])
	}
}

func (o *metricsObserver) server(i int32) *srvMetric {
	if i < 0 || int(i) >= len(o.servers) {
		return nil
	}
	return &o.servers[i]
}

func (o *metricsObserver) job(i int32) *jobMetric {
	if i < 0 || int(i) >= len(o.jobs) {
		return nil
	}
	return &o.jobs[i]
}

// Touch implements sim.Toucher: behind a pipe, the metrics load the job
// and object rows of a chunk of records before reading them (see
// Catalog.touch).
func (o *metricsObserver) Touch(rs []model.Record) {
	if len(o.objs) < touchMinObjects {
		return
	}
	var sum int32
	jobs, objs := o.jobs, o.objs
	for i := range rs {
		j := rs[i].Job
		if j < 0 || int(j) >= len(jobs) {
			continue
		}
		jm := &jobs[j]
		sum += jm.nEnds
		if ob := rs[i].Object; ob >= 0 && ob < jm.nobj {
			if k := int(jm.base) + int(ob); k < len(objs) {
				sum += objs[k].owe
			}
		}
	}
	o.touched += sum
}

func (o *metricsObserver) obj(j *jobMetric, object int32) *objMetric {
	if object < 0 || object >= j.nobj {
		return nil
	}
	return &o.objs[j.base+object]
}

// reserve sizes the per-entity rows for spec's declarations before they
// arrive: grown record by record, a 1,000-tenant fleet's rows were copied
// a dozen times over, a tenth of a run's start-up. A trace (verify) has no
// spec; its rows grow.
func (o *metricsObserver) reserve(spec *model.Spec) {
	objects := 0
	for i := range spec.Jobs {
		objects += len(spec.Jobs[i].Objects)
	}
	o.servers = slices.Grow(o.servers, len(spec.Servers))
	o.tenants = slices.Grow(o.tenants, len(spec.Tenants))
	o.lastEnd = slices.Grow(o.lastEnd, len(spec.Tenants))
	o.jobs = slices.Grow(o.jobs, len(spec.Jobs))
	o.objs = slices.Grow(o.objs, objects)
}

func (o *metricsObserver) declServer(r *model.Record) {
	o.servers = growSet(o.servers, r.Server, srvMetric{name: r.Decl.Name, slots: r.Decl.TaskSlots, cur: -1})
	if r.Decl.TaskSlots > 0 {
		o.limitedSlots += int64(r.Decl.TaskSlots)
	}
	if r.Flags.Has(model.FlagMaintenance) {
		o.openWindow(r.Server) // in maintenance from the start: a window opened at time zero
	}
}

func (o *metricsObserver) declJob(r *model.Record) {
	j := jobMetric{tenant: r.Tenant, server: r.Server, base: int32(len(o.objs)), nobj: int32(len(r.Decl.Objects)),
		affected: r.Flags.Has(model.FlagAffected), makesRP: r.Decl.Kind.CreatesRestorePoints(), hitWin: -1,
		local: r.Decl.Target == model.TargetLocal, maxTasks: -1}
	if r.Tenant >= 0 && int(r.Tenant) < len(o.tenants) && o.tenants[r.Tenant].name != "" {
		j.maxTasks = o.tenants[r.Tenant].maxTasks
		j.noRPO = o.tenants[r.Tenant].rpo <= 0
	}
	o.jobs = growSet(o.jobs, r.Job, j)
	for range r.Decl.Objects {
		o.objs = append(o.objs, objMetric{firstWin: -1, lastWin: -1})
	}
	if s := o.server(r.Server); s != nil {
		s.jobs = append(s.jobs, r.Job)
	}
}

// limitOf is the max_concurrent_tasks of job j's tenant.
func (o *metricsObserver) limitOf(j *jobMetric) int32 {
	if j.maxTasks >= 0 {
		return j.maxTasks
	}
	return o.tenants[j.tenant].maxTasks
}

// end is the end time of the attempt's i-th ended task (from 0), under
// the tenant limit L.
func (j *jobMetric) end(i, L int32) sim.Time {
	if int(L) <= len(j.ring) {
		return j.ring[i%int32(len(j.ring))]
	}
	return j.ends[i]
}

// openWindow starts a maintenance window on server sv: every task of an
// affected job in process on it now is tracked for the drain.
func (o *metricsObserver) openWindow(sv int32) {
	s := o.server(sv)
	if s == nil || s.maint {
		return
	}
	s.maint = true
	w := int32(len(o.windows))
	pos := int32(len(s.wins))
	o.windows = append(o.windows, winMetric{server: sv, enable: o.now, disable: -1})
	s.wins = append(s.wins, w)
	s.cur = w
	win := &o.windows[w]
	for _, jid := range s.jobs {
		j := &o.jobs[jid]
		if !j.affected {
			continue
		}
		for k := j.base; k < j.base+j.nobj; k++ {
			ob := &o.objs[k]
			if !ob.inProcess {
				continue
			}
			// A task still tracked by this server's previous window stays
			// tracked by it too: drains of consecutive windows may overlap.
			if ob.firstWin < 0 || ob.lastWin != pos-1 {
				ob.firstWin = pos
			}
			ob.lastWin = pos
			win.live++
		}
	}
	win.atEnable = win.live
	if win.live == 0 {
		win.drained, win.drainEnd = true, o.now
	}
}

// beginAttempt resets the queue-wait state of the job's session attempt.
func (o *metricsObserver) beginAttempt(r *model.Record) {
	if j := o.job(r.Job); j != nil {
		j.attemptStart, j.started, j.nEnds, j.ends = r.At, 0, 0, j.ends[:0]
	}
}

func (o *metricsObserver) sessionEnd(r *model.Record) {
	switch r.Result {
	case model.ResultSuccess:
		o.m.SessionsSucceeded++
	case model.ResultWarning:
		o.m.SessionsWarning++
	case model.ResultFailed:
		o.m.SessionsFailed++
		switch r.Cause {
		case model.CauseMaintenance:
			o.m.SessionsFailedMaintenance++
		case model.CauseStop:
			o.m.SessionsFailedStop++
		case model.CauseFault:
			o.m.SessionsFailedFault++
		case model.CauseDisabled:
			o.m.SessionsFailedDisabled++
		}
		if int(r.Tenant) < len(o.tenants) && r.Tenant >= 0 {
			t := &o.tenants[r.Tenant]
			if !t.failed {
				t.failed = true
				o.m.TenantsFailed++
			}
			if r.Cause == model.CauseMaintenance && !t.failedMaint {
				t.failedMaint = true
				o.m.TenantsFailedMaintenance++
			}
		}
	}
}

func (o *metricsObserver) taskStart(r *model.Record) {
	o.m.TasksStarted++
	j := o.job(r.Job)
	if j == nil {
		return
	}
	// Queue wait (docs/metrics.md): the k-th task an attempt starts was
	// ready at the attempt's start if the tenant's limit L lets k run at
	// once (k ≤ L or no limit), else when the attempt's (k−L)-th task ended.
	j.started++
	ready := j.attemptStart
	if int(j.tenant) < len(o.tenants) {
		if L := o.limitOf(j); L > 0 && j.started > L {
			if i := j.started - L - 1; i < j.nEnds {
				ready = max(ready, j.end(i, L))
			} else {
				ready = max(ready, o.lastEnd[j.tenant]) // the slot came from another session of the tenant
			}
		}
	}
	o.wait.add(max(r.At-ready, 0))

	if s := o.server(j.server); s != nil {
		if !j.local {
			s.inProc++
		}
		if s.slots > 0 && !j.local {
			o.slotAdvance()
			o.limitedInProc++
			o.m.SlotUtilisationPeak = max(o.m.SlotUtilisationPeak, float64(s.inProc)/float64(s.slots))
		}
		ob := o.obj(j, r.Object)
		if ob == nil {
			return
		}
		ob.inProcess = true
		ob.firstWin, ob.lastWin = -1, -1
		if s.maint && j.affected {
			// Started during maintenance (M4's standalone agents): part of
			// the drain.
			pos := int32(len(s.wins) - 1)
			ob.firstWin, ob.lastWin = pos, pos
			w := &o.windows[s.cur]
			w.live++
			w.drained = false // until this task ends too
		}
	}
}

func (o *metricsObserver) slotAdvance() {
	o.slotBusy += float64(o.limitedInProc) * float64(o.now-o.slotLast)
	o.slotLast = o.now
}

// addBytes adds a task's bytes (≥ 0) to a byte total, saturating at the
// largest int64: sizes go up to 8191PiB each, so a long run or a big fleet
// can move more than an int64 holds, and a wrapped sum would be a
// plausible-looking wrong number.
func addBytes(total, b int64) int64 {
	if b > math.MaxInt64-total {
		return math.MaxInt64
	}
	return total + b
}

func (o *metricsObserver) taskEnd(r *model.Record) {
	m := &o.m
	m.TasksTotal++
	m.BytesTransferred = addBytes(m.BytesTransferred, r.Bytes)
	switch r.Result {
	case model.ResultSuccess:
		m.TasksSucceeded++
	case model.ResultFailed:
		m.TasksFailed++
		m.BytesWasted = addBytes(m.BytesWasted, r.Bytes)
		switch r.Cause {
		case model.CauseMaintenance:
			m.TasksFailedMaintenance++
		case model.CauseStop:
			m.TasksFailedStop++
		case model.CauseFault:
			m.TasksFailedFault++
		case model.CauseDisabled:
			m.TasksFailedDisabled++
		}
	case model.ResultCanceled:
		m.TasksCanceled++
		m.BytesWasted = addBytes(m.BytesWasted, r.Bytes)
	}
	j := o.job(r.Job)
	if j == nil {
		return
	}
	ob := o.obj(j, r.Object)
	s := o.server(j.server)
	if r.Flags.Has(model.FlagStarted) {
		if int(j.tenant) < len(o.tenants) {
			o.lastEnd[j.tenant] = r.At
			if L := o.limitOf(j); L > 0 { // only limited tenants need the ends (queue wait)
				if int(L) <= len(j.ring) {
					j.ring[j.nEnds%int32(len(j.ring))] = r.At
				} else {
					j.ends = append(j.ends, r.At)
				}
				j.nEnds++
			}
		}
		if s != nil && !j.local {
			s.inProc--
			if s.slots > 0 {
				o.slotAdvance()
				o.limitedInProc--
			}
		}
		if ob != nil && ob.inProcess {
			ob.inProcess = false
			if ob.firstWin >= 0 && s != nil {
				for p := ob.firstWin; p <= ob.lastWin; p++ {
					w := &o.windows[s.wins[p]]
					if w.live--; w.live == 0 && !w.drained {
						w.drained, w.drainEnd = true, r.At
					}
				}
				ob.firstWin, ob.lastWin = -1, -1
			}
		}
	}
	if ob == nil {
		return
	}
	if r.Flags.Has(model.FlagRestorePoint) {
		o.restorePoint(j, ob, r.At)
	}
	if r.Result != model.ResultFailed || r.Cause != model.CauseMaintenance || s == nil || s.cur < 0 {
		return
	}
	w := &o.windows[s.cur]
	if j.hitN != r.N || j.hitWin != s.cur {
		j.hitN, j.hitWin = r.N, s.cur
		w.backlog++
	}
	if int(j.tenant) < len(o.tenants) {
		t := &o.tenants[j.tenant]
		if !t.affected {
			t.affected = true
			o.m.TenantsAffected++
		}
		if t.lastWin != s.cur {
			t.lastWin = s.cur
			w.tenants++
		}
	}
	if j.makesRP && ob.owe == 0 {
		ob.owe = s.cur + 1
		w.owing++
		w.failedObjs++
	}
}

// restorePoint is a commit of object ob at t: it closes the object's RPO
// gap and pays its catch-up debt.
func (o *metricsObserver) restorePoint(j *jobMetric, ob *objMetric, t sim.Time) {
	if !j.noRPO && int(j.tenant) < len(o.tenants) {
		o.rpoGap(&o.tenants[j.tenant], t-ob.lastRP)
	}
	ob.lastRP = t
	if ob.owe != 0 {
		w := &o.windows[ob.owe-1]
		w.owing--
		w.lastCatch = max(w.lastCatch, t)
		ob.owe = 0
	}
}

func (o *metricsObserver) rpoGap(t *tenMetric, gap sim.Time) {
	if t.rpo <= 0 {
		return
	}
	o.rpoGapMax = max(o.rpoGapMax, gap)
	if gap > t.rpo && !t.violated {
		t.violated = true
		o.m.RPOViolations++
	}
}

// Finish closes the run at its end record and returns the metrics.
func (o *metricsObserver) Finish() Metrics {
	end := o.end
	if end < o.now {
		end = o.now
	}
	o.now = end
	m := o.m
	m.SessionsUnfinished = max(m.SessionsTotal-m.SessionsSucceeded-m.SessionsWarning-m.SessionsFailed, 0)

	// Slot utilisation over the whole run.
	o.slotAdvance()
	if o.limitedSlots > 0 && end > 0 {
		m.SlotUtilisationMean = o.slotBusy / (float64(o.limitedSlots) * float64(end))
	}

	// RPO: the open gap of every object of a tenant with an rpo, up to the
	// horizon. Objects start with a virtual restore point at time zero.
	for ji := range o.jobs {
		j := &o.jobs[ji]
		if !j.makesRP || int(j.tenant) >= len(o.tenants) || o.tenants[j.tenant].rpo <= 0 {
			continue
		}
		t := &o.tenants[j.tenant]
		for k := j.base; k < j.base+j.nobj; k++ {
			o.rpoGap(t, end-o.objs[k].lastRP)
		}
	}
	m.RPOViolations = o.m.RPOViolations
	m.RPOGapMaxSeconds = seconds(o.rpoGapMax)
	for i := range o.tenants {
		if o.tenants[i].violated && len(m.RPOViolators) < MaxRPOViolators {
			m.RPOViolators = append(m.RPOViolators, o.tenants[i].name)
		}
	}

	// Windows.
	m.MaintenanceWindows = int64(len(o.windows))
	for i := range o.windows {
		w := &o.windows[i]
		wm := WindowMetrics{EnableNS: int64(w.enable), InProcessAtEnable: w.atEnable, Drained: w.drained,
			BacklogAtExit: w.backlog, ObjectsFailed: w.failedObjs, TenantsAffected: w.tenants, CaughtUp: w.owing == 0}
		if s := o.server(w.server); s != nil {
			wm.Server = s.name
		}
		drainEnd := w.drainEnd
		if !w.drained {
			drainEnd = end
			m.DrainsIncomplete++
		}
		wm.DrainTimeSeconds = seconds(drainEnd - w.enable)
		if w.disable >= 0 {
			d := int64(w.disable)
			wm.DisableNS = &d
			switch {
			case w.owing > 0:
				wm.CatchUpSeconds = seconds(end - w.disable) // a lower bound
			case w.lastCatch > w.disable:
				wm.CatchUpSeconds = seconds(w.lastCatch - w.disable)
			}
		}
		m.DrainTimeSeconds = max(m.DrainTimeSeconds, wm.DrainTimeSeconds)
		m.BacklogAtExit += w.backlog
		m.CatchUpTimeSeconds = max(m.CatchUpTimeSeconds, wm.CatchUpSeconds)
		if i < MaxWindows {
			m.Windows = append(m.Windows, wm)
		}
	}
	for ji := range o.jobs {
		j := &o.jobs[ji]
		if int(j.tenant) >= len(o.tenants) || o.tenants[j.tenant].notCaughtUp {
			continue
		}
		for k := j.base; k < j.base+j.nobj; k++ {
			if o.objs[k].owe != 0 {
				o.tenants[j.tenant].notCaughtUp = true
				m.TenantsNotCaughtUp++
				break
			}
		}
	}

	// Queue wait.
	m.QueueWaitMeanSeconds = o.wait.mean()
	m.QueueWaitP50Seconds = o.wait.quantile(0.50)
	m.QueueWaitP95Seconds = o.wait.quantile(0.95)
	m.QueueWaitP99Seconds = o.wait.quantile(0.99)
	m.QueueWaitMaxSeconds = seconds(o.wait.max)
	return m
}

// metricsRun computes a run's metrics from its record stream alone (a
// sweep's run, a recorded trace): the metrics observer and, once the
// scenario record names the exchange profile, the exchange observer over a
// catalog of the declarations (RunScenario reads the summary builder's).
type metricsRun struct {
	met metricsObserver
	cat Catalog
	ex  *exchangeObserver
}

func (m *metricsRun) Observe(r *model.Record) {
	if r.Decl != nil {
		m.cat.Observe(r)
		if r.Kind == model.RecScenario && r.Decl.Semantics.Profile == "exchange" && m.ex == nil {
			m.ex = newExchangeObserver(&m.cat)
		}
	}
	m.met.Observe(r)
	if m.ex != nil {
		m.ex.Observe(r)
	}
}

func (m *metricsRun) finish() Metrics {
	out := m.met.Finish()
	if m.ex != nil {
		_, em := m.ex.finish()
		out.setExchange(em)
	}
	out.fillLists()
	return out
}

// setExchange attaches an exchange run's message metrics: the run-level
// drain metrics are the exchange drains' (sweeps read drain_time), the
// time and whether one had not ended. RunScenario and Sweep.RunOne both
// use it, so a sweep record and the replayed run agree.
func (m *Metrics) setExchange(em *ExchangeMetrics) {
	m.Exchange = em
	m.DrainTimeSeconds = em.DrainTimeSeconds
	m.DrainsIncomplete = em.DrainsIncomplete
}

func seconds(t sim.Time) float64 { return float64(t) / 1e9 }

// waitHistogram is a fixed-size log-linear histogram of non-negative
// durations (nanoseconds): values below 64 ns have their own bucket; above,
// each power of two is split into 32 buckets, so a bucket spans at most
// 1/32 (3.1 %) of its values. Each bucket keeps its count and the sum of
// its values, and a quantile reports the mean of the bucket that holds the
// nearest-rank sample: exact when that bucket's samples are equal (as in
// hand-checked scenarios), within the bucket's span otherwise.
// Deterministic: integer arithmetic except the per-bucket float sums,
// which are added in record order.
type waitHistogram struct {
	n      uint64
	sum    float64 // nanoseconds
	max    sim.Time
	counts *[histBuckets]uint64
	sums   *[histBuckets]float64
}

const (
	histSubBits = 5 // 32 sub-buckets per power of two
	histLinear  = 2 << histSubBits
	histBuckets = histLinear + (64-histSubBits-1)*(1<<histSubBits)
)

func histBucket(v uint64) int {
	if v < histLinear {
		return int(v)
	}
	b := bits.Len64(v)                        // ≥ histSubBits+2
	shift := b - histSubBits - 1              // keep the top histSubBits+1 bits
	top := int(v>>shift) - (1 << histSubBits) // 0 … 31
	return histLinear + (shift-1)*(1<<histSubBits) + top
}

func (h *waitHistogram) add(v sim.Time) {
	if h.counts == nil {
		h.counts, h.sums = new([histBuckets]uint64), new([histBuckets]float64)
	}
	i := histBucket(uint64(v))
	h.counts[i]++
	h.sums[i] += float64(v)
	h.n++
	h.sum += float64(v)
	h.max = max(h.max, v)
}

func (h *waitHistogram) mean() float64 {
	if h.n == 0 {
		return 0
	}
	return h.sum / float64(h.n) / 1e9
}

// quantile is the nearest-rank q-quantile in seconds: the ⌈q·n⌉-th
// smallest sample, read as the mean of its bucket.
func (h *waitHistogram) quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i := range h.counts {
		c := h.counts[i]
		if c == 0 {
			continue
		}
		seen += c
		if seen >= rank {
			return h.sums[i] / float64(c) / 1e9
		}
	}
	return seconds(h.max)
}
