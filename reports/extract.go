package reports

import (
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// trace is what one pass over a run's records leaves for the report: state
// intervals per server and tenant, sessions with their tasks, operator
// actions and drains. It is built once; the timeline and the tables read it.
// Records that contradict the lifecycle (a task ending twice, a session
// ending that never started) are tolerated, not trusted: a report must still
// render the trace of a broken model, that is when it is needed most.
type trace struct {
	cat   *scenarios.Catalog
	start time.Time // absolute instant of time zero
	end   sim.Time  // the run's horizon (the end record) or its last record

	servers  []serverTrack
	tenants  []tenantTrack
	sessions []*sessTrack // in start order
	tasks    []*taskTrack // started tasks, in start order
	pending  []*pendMark  // objects that ended without starting
	actions  []actionMark // operator actions and what the system said about them

	// firstActivity and lastActivity bound everything that happened after
	// the declarations; they frame the timeline.
	firstActivity, lastActivity sim.Time
	anyActivity                 bool
	records                     int
}

// interval is a span of a state; open means it had not ended by the end.
type interval struct {
	from, to sim.Time
	open     bool
	text     string
}

type serverTrack struct {
	maint, serviceDown, powerOff []interval
	tasks                        []*taskTrack
	failedEnds                   []sim.Time // task ends Failed/Canceled (density rug)

	// What M6/M7 decide a maintenance failure shows, followed through the
	// run as INV-05 does: the notice in force (loaded at the last service
	// start) and whether the service is up (running, power on).
	configured, effective string
	up                    bool
}

type tenantTrack struct {
	disabled []interval
}

type sessTrack struct {
	job, n, tenant, server int32
	start, end             sim.Time
	ended                  bool
	result                 model.Result
	text                   string
	cause                  model.Cause
	manual, late, affected bool
	mode                   model.StopMode
	attempts               []sim.Time // starts of attempts 2..
	notices                []attemptNotice
	faultTasks             int      // tasks failed by a service stop or power off (M13)
	firstFail              sim.Time // the first task of the session that ended Failed (hasFail)
	hasFail                bool
	tasks                  []*taskTrack
	pending                []*pendMark
	ok, failed, canceled   int
	restorePoints          int
	bytes, bytesWasted     int64
}

// attemptNotice is what one attempt of a session showed when maintenance
// failed its objects (M3/M5): the maintenance notice in force, or the
// generic connection error when the service was down or the client too old
// for the notice (M6). It is decided at the attempt's first task failed
// with cause maintenance, as INV-05 decides it. A session's last attempt
// shows its own message; the earlier ones are what a tenant saw before an
// S8 retry, even when the retry then succeeded.
type attemptNotice struct {
	attempt int32
	at      sim.Time
	text    string
	capable bool // the client supports the notice
}

type taskTrack struct {
	sess              *sessTrack
	obj, attempt      int32
	start, end        sim.Time
	transfer, commit  sim.Time // phase starts; 0 = not reached
	ended             bool
	result            model.Result
	cause             model.Cause
	endPhase          model.Phase
	size, bytes       int64
	restorePoint      bool
	snapshotLeft      bool
	lane, sub         int // filled by the layout
	drawn, highlight  bool
	hasTransfer, hasC bool
}

// pendMark is a group of objects that ended at one instant without
// starting: M3/M5 failures, S2/S3/S4 cancellations.
type pendMark struct {
	sess    *sessTrack
	attempt int32
	at      sim.Time
	result  model.Result
	cause   model.Cause
	objs    []int32
}

type actionMark struct {
	at                  sim.Time
	kind                model.RecordKind
	server, tenant, job int32
	n                   int32
	mode                model.StopMode
	text                string
}

type sessKey struct{ job, n int32 }
type taskKey struct{ job, n, obj int32 }

func buildTrace(recs []model.Record, cat *scenarios.Catalog) *trace {
	tr := &trace{cat: cat}
	if tr.cat == nil {
		tr.cat = &scenarios.Catalog{}
		for _, r := range recs {
			if r.Decl != nil {
				tr.cat.Observe(&r)
			}
		}
	}
	if tr.cat.Scenario != nil {
		tr.start = tr.cat.Scenario.Start
	}
	tr.servers = make([]serverTrack, len(tr.cat.Servers))
	tr.tenants = make([]tenantTrack, len(tr.cat.Tenants))
	for i, d := range tr.cat.Servers {
		if d != nil && i < len(tr.servers) {
			tr.servers[i].configured = d.ConfiguredMessage
			tr.servers[i].effective = model.EffectiveMessage(d.ConfiguredMessage)
		}
	}
	for i, f := range tr.cat.ServerFlags {
		tr.servers[i].up = f.Has(model.FlagServiceRunning) && f.Has(model.FlagPoweredOn)
		if f.Has(model.FlagMaintenance) {
			tr.servers[i].maint = append(tr.servers[i].maint, interval{open: true})
		}
		if !f.Has(model.FlagPoweredOn) {
			tr.servers[i].powerOff = append(tr.servers[i].powerOff, interval{open: true})
		}
		if !f.Has(model.FlagServiceRunning) {
			tr.servers[i].serviceDown = append(tr.servers[i].serviceDown, interval{open: true})
		}
	}
	for i, f := range tr.cat.TenantFlags {
		if !f.Has(model.FlagEnabled) {
			tr.tenants[i].disabled = append(tr.tenants[i].disabled, interval{open: true})
		}
	}
	sessions := map[sessKey]*sessTrack{}
	open := map[taskKey]*taskTrack{}
	var lastPend *pendMark
	for _, r := range recs {
		tr.records++
		if r.Decl != nil {
			continue
		}
		if r.Kind == model.RecEnd {
			tr.end = r.At
			continue
		}
		if r.At > tr.end {
			tr.end = r.At
		}
		tr.touch(r.At)
		switch r.Kind {
		case model.RecMaintenanceEnabled:
			if s := tr.server(r.Server); s != nil {
				s.maint = openInterval(s.maint, r.At, "")
			}
			tr.action(r)
		case model.RecMaintenanceDisabled:
			if s := tr.server(r.Server); s != nil {
				s.maint = closeInterval(s.maint, r.At)
			}
			tr.action(r)
		case model.RecServiceStopped:
			if s := tr.server(r.Server); s != nil {
				s.serviceDown = openInterval(s.serviceDown, r.At, r.Text)
				s.up = false
			}
			tr.action(r)
		case model.RecServiceStarted:
			if s := tr.server(r.Server); s != nil {
				s.serviceDown = closeInterval(s.serviceDown, r.At)
				s.up = true
				s.effective = model.EffectiveMessage(s.configured) // M7: a start loads the configured message
				if r.Text != "" {
					s.effective = r.Text
				}
			}
			tr.action(r)
		case model.RecPowerOff:
			if s := tr.server(r.Server); s != nil {
				s.powerOff = openInterval(s.powerOff, r.At, "")
				s.up = false
			}
			tr.action(r)
		case model.RecPowerOn:
			if s := tr.server(r.Server); s != nil {
				s.powerOff = closeInterval(s.powerOff, r.At)
			}
			tr.action(r)
		case model.RecTenantDisabled:
			if t := tr.tenant(r.Tenant); t != nil {
				t.disabled = openInterval(t.disabled, r.At, "")
			}
			tr.action(r)
		case model.RecTenantEnabled:
			if t := tr.tenant(r.Tenant); t != nil {
				t.disabled = closeInterval(t.disabled, r.At)
			}
			tr.action(r)
		case model.RecMessageConfigured:
			if s := tr.server(r.Server); s != nil {
				s.configured = r.Text
			}
			tr.action(r)
		case model.RecMaintenanceUnchanged, model.RecMaintenanceRejected,
			model.RecBackupMoved, model.RecActionRejected, model.RecRestorePointRemoved:
			tr.action(r)
		case model.RecSessionStart:
			if !tr.declaredJob(r.Job) {
				continue // a session of a job the trace never declared
			}
			// Owner and server come from the declarations, not the record:
			// a broken trace must not make a session belong to nobody.
			tenant := tr.cat.JobTenant[r.Job]
			server := model.None
			if tenant >= 0 && int(tenant) < len(tr.cat.TenantServer) {
				server = tr.cat.TenantServer[tenant]
			}
			s := &sessTrack{job: r.Job, n: r.N, tenant: tenant, server: server, start: r.At,
				manual: r.Flags.Has(model.FlagManual), late: r.Flags.Has(model.FlagLate),
				affected: r.Flags.Has(model.FlagAffected)}
			sessions[sessKey{r.Job, r.N}] = s
			tr.sessions = append(tr.sessions, s)
			if s.manual {
				tr.action(r)
			}
		case model.RecAttemptStart:
			if s := sessions[sessKey{r.Job, r.N}]; s != nil {
				s.attempts = append(s.attempts, r.At)
			}
		case model.RecStopRequested:
			tr.action(r)
		case model.RecSessionEnd:
			if s := sessions[sessKey{r.Job, r.N}]; s != nil {
				s.end, s.ended, s.result, s.text, s.cause, s.mode = r.At, true, r.Result, r.Text, r.Cause, r.Mode
			}
		case model.RecTaskStart:
			s := sessions[sessKey{r.Job, r.N}]
			if s == nil {
				continue
			}
			t := &taskTrack{sess: s, obj: r.Object, attempt: r.Attempt, start: r.At, size: r.Bytes, endPhase: model.PhaseSnapshot}
			open[taskKey{r.Job, r.N, r.Object}] = t
			s.tasks = append(s.tasks, t)
			tr.tasks = append(tr.tasks, t)
			if sv := tr.server(s.server); sv != nil {
				sv.tasks = append(sv.tasks, t)
			}
		case model.RecTaskPhase:
			if t := open[taskKey{r.Job, r.N, r.Object}]; t != nil {
				switch r.Phase {
				case model.PhaseTransfer:
					t.transfer, t.hasTransfer = r.At, true
				case model.PhaseCommit:
					t.commit, t.hasC = r.At, true
				}
			}
		case model.RecTaskEnd:
			s := sessions[sessKey{r.Job, r.N}]
			if s == nil {
				continue
			}
			k := taskKey{r.Job, r.N, r.Object}
			switch r.Result {
			case model.ResultSuccess:
				s.ok++
			case model.ResultFailed:
				s.failed++
			case model.ResultCanceled:
				s.canceled++
			}
			s.bytes += r.Bytes
			if r.Result != model.ResultSuccess {
				s.bytesWasted += r.Bytes
			}
			if r.Flags.Has(model.FlagRestorePoint) {
				s.restorePoints++
			}
			if r.Result == model.ResultFailed || r.Result == model.ResultCanceled {
				if sv := tr.server(s.server); sv != nil {
					sv.failedEnds = append(sv.failedEnds, r.At)
				}
			}
			if r.Result == model.ResultFailed {
				if !s.hasFail {
					s.firstFail, s.hasFail = r.At, true
				}
				switch r.Cause {
				case model.CauseMaintenance:
					tr.notice(s, r)
				case model.CauseFault:
					s.faultTasks++
				}
			}
			if t := open[k]; t != nil {
				delete(open, k)
				t.end, t.ended, t.result, t.cause, t.endPhase = r.At, true, r.Result, r.Cause, r.Phase
				t.bytes, t.restorePoint = r.Bytes, r.Flags.Has(model.FlagRestorePoint)
				t.snapshotLeft = !r.Flags.Has(model.FlagSnapshotRemoved)
				continue
			}
			// Ended without starting: group with the previous such end of the
			// same session, attempt, instant and result.
			if p := lastPend; p != nil && p.sess == s && p.at == r.At && p.attempt == r.Attempt && p.result == r.Result && p.cause == r.Cause {
				p.objs = append(p.objs, r.Object)
				continue
			}
			p := &pendMark{sess: s, attempt: r.Attempt, at: r.At, result: r.Result, cause: r.Cause, objs: []int32{r.Object}}
			s.pending = append(s.pending, p)
			tr.pending = append(tr.pending, p)
			lastPend = p
		}
	}
	return tr
}

// notice records what the attempt of r showed when maintenance failed one
// of its objects, once per attempt (M6: the notice in force if the service
// is up and the client supports it, else the generic connection error).
func (tr *trace) notice(s *sessTrack, r model.Record) {
	if n := len(s.notices); n > 0 && s.notices[n-1].attempt == r.Attempt {
		return
	}
	capable := s.tenant >= 0 && int(s.tenant) < len(tr.cat.Tenants) && tr.cat.Tenants[s.tenant] != nil &&
		tr.cat.Tenants[s.tenant].Client.SupportsNotice()
	text := model.MsgConnectionFailed
	if sv := tr.server(s.server); sv != nil && sv.up && capable {
		text = sv.effective
	}
	s.notices = append(s.notices, attemptNotice{attempt: r.Attempt, at: r.At, text: text, capable: capable})
}

// earlierNotices are the notices of a session's attempts other than the
// one its own message reports: every one, unless the session ended because
// maintenance failed its last attempt.
func (s *sessTrack) earlierNotices() []attemptNotice {
	n := len(s.notices)
	if n > 0 && s.ended && s.cause == model.CauseMaintenance && s.notices[n-1].attempt == int32(len(s.attempts)+1) {
		return s.notices[:n-1]
	}
	return s.notices
}

// declaredJob reports whether j names a declared job with a known tenant,
// so that names can be looked up without a bounds failure.
func (tr *trace) declaredJob(j int32) bool {
	return j >= 0 && int(j) < len(tr.cat.Jobs) && tr.cat.Jobs[j] != nil && int(j) < len(tr.cat.JobTenant)
}

func (tr *trace) touch(at sim.Time) {
	if !tr.anyActivity || at < tr.firstActivity {
		tr.firstActivity = at
	}
	if !tr.anyActivity || at > tr.lastActivity {
		tr.lastActivity = at
	}
	tr.anyActivity = true
}

func (tr *trace) server(i int32) *serverTrack {
	if i < 0 || int(i) >= len(tr.servers) {
		return nil
	}
	return &tr.servers[i]
}

func (tr *trace) tenant(i int32) *tenantTrack {
	if i < 0 || int(i) >= len(tr.tenants) {
		return nil
	}
	return &tr.tenants[i]
}

func (tr *trace) action(r model.Record) {
	if r.Job >= 0 && !tr.declaredJob(r.Job) {
		r.Job = model.None
	}
	tr.actions = append(tr.actions, actionMark{at: r.At, kind: r.Kind, server: r.Server, tenant: r.Tenant,
		job: r.Job, n: r.N, mode: r.Mode, text: r.Text})
}

func openInterval(iv []interval, at sim.Time, text string) []interval {
	if n := len(iv); n > 0 && iv[n-1].open {
		return iv // already in that state (M2 no-ops are separate records)
	}
	return append(iv, interval{from: at, open: true, text: text})
}

func closeInterval(iv []interval, at sim.Time) []interval {
	if n := len(iv); n > 0 && iv[n-1].open {
		iv[n-1].to, iv[n-1].open = at, false
	}
	return iv
}

func (tr *trace) jobAffected(j int32) bool {
	return j >= 0 && int(j) < len(tr.cat.JobFlags) && tr.cat.JobFlags[j].Has(model.FlagAffected)
}
