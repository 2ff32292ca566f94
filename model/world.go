package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/maintsim/maintsim/sim"
)

// EventKind is what a scheduled event asks the world to do.
type EventKind uint8

const (
	EvNone      EventKind = iota
	EvJobDue              // A: job; a scheduled start is due
	EvAction              // A: index into the spec's actions
	EvTaskPhase           // A: task slot; the task's current phase ends
	EvRetry               // A: session slot; S8's wait is over
	// Exchange profile (ExchangeWorld); EvAction indexes Spec.Exchange.Actions there.
	EvExArrival   // A: server; the next message arrives
	EvExDelivered // A: server; the delivery in progress ends
	EvExRequest   // A: client; the client's next request
)

var eventNames = enumNames{"", "job_due", "action", "task_phase", "retry", "ex_arrival", "ex_delivered", "ex_request"}

func (k EventKind) String() string { return eventNames.name(uint8(k)) }

// Event is a scheduled input to Step. Gen makes events about reused slots
// (tasks, sessions) harmless once their subject has moved on: a stale event
// is dropped without a record.
type Event struct {
	Kind EventKind
	A    int32
	Gen  uint32
}

// Timer is an effect: deliver Event at At.
type Timer struct {
	At    sim.Time
	Event Event
}

// Ready is what one Step decided, as data (raft's Ready): events to schedule
// and records to publish. Its slices are reused by the next Step.
type Ready struct {
	Timers  []Timer
	Records []Record
}

type fifo struct {
	buf  []int32
	head int
}

func (f *fifo) len() int     { return len(f.buf) - f.head }
func (f *fifo) push(v int32) { f.buf = append(f.buf, v) }
func (f *fifo) front() int32 { return f.buf[f.head] }

// remove drops the first v still queued, keeping the order of the rest.
func (f *fifo) remove(v int32) {
	for i := f.head; i < len(f.buf); i++ {
		if f.buf[i] == v {
			copy(f.buf[i:], f.buf[i+1:])
			f.buf = f.buf[:len(f.buf)-1]
			if f.head == len(f.buf) {
				f.buf, f.head = f.buf[:0], 0
			}
			return
		}
	}
}

func (f *fifo) pop() int32 {
	v := f.buf[f.head]
	f.head++
	if f.head == len(f.buf) {
		f.buf, f.head = f.buf[:0], 0
	} else if f.head > 64 && f.head*2 > len(f.buf) {
		n := copy(f.buf, f.buf[f.head:])
		f.buf, f.head = f.buf[:n], 0
	}
	return v
}

// headFifo is a fifo whose front sits inline: a tenant's want queue holds
// one session most of the time (one job, or max_concurrent_tasks reached
// by the first), and every task end reads its front, so on a fleet the
// separate buffer was one more cache miss per task. first is None when the
// queue is empty; rest holds the entries behind it, in order.
type headFifo struct {
	first int32
	rest  fifo
}

func newHeadFifo() headFifo { return headFifo{first: None} }

func (f *headFifo) len() int {
	if f.first == None {
		return 0
	}
	return 1 + f.rest.len()
}

func (f *headFifo) push(v int32) {
	if f.first == None {
		f.first = v
		return
	}
	f.rest.push(v)
}

func (f *headFifo) front() int32 { return f.first }

func (f *headFifo) pop() int32 {
	v := f.first
	f.first = None
	if f.rest.len() > 0 {
		f.first = f.rest.pop()
	}
	return v
}

// remove drops the first v still queued, keeping the order of the rest.
func (f *headFifo) remove(v int32) {
	if f.first != None && f.first == v {
		f.pop()
		return
	}
	f.rest.remove(v)
}

type server struct {
	ServerSpec
	maint      MaintState
	service    bool
	power      bool
	configured string
	effective  string
	inProcess  int32
	queue      fifo    // tasks waiting for a server slot (M14)
	xfer       []int32 // bandwidth-modelled tasks in Transfer
	xferTenant int32   // tenants with at least one task in xfer
}

// tenant: the dispatch state every task event touches first (see job).
// tenant: what a task event reads (inProcess, want, and TenantSpec's
// Server and MaxTasks, which come first there) shares the first cache line.
type tenant struct {
	inProcess int32 // tasks queued at the server or in process (M14)
	xfer      int32
	want      headFifo // sessions with objects still to dispatch
	TenantSpec
	enabled bool
	_       [16]byte // to 128 bytes: a tenant's first line starts a line (TestTenantLayout)
}

// job keeps the fields a task event touches first and its random stream
// inline (source and generator): on a fleet of ten thousand jobs every
// job is cold by the time its next task starts, and each separate
// allocation on that path was one more cache miss per event.
type job struct {
	// A task event reads the job's stream, objects, kind and target: they
	// come first and fill one cache line (pcg 16 bytes, rand 16, then
	// JobSpec's Objects 24 and Tenant, Kind, Platform, ManagedBy, Target
	// 8), and a job is a whole number of lines (192 bytes; layout_internal_test.go
	// pins both), so on a fleet, where every job is cold when its next
	// task comes, that is one miss.
	pcg  rand.PCG
	rand rand.Rand // reads pcg: &rand is the job's stream
	JobSpec
	active     int32
	count      int32
	late       bool
	affected   bool
	standalone bool
	rp         []int32 // restore points per object; only under MutStopRemovesRP
	jitter     sim.Time
}

// rng is the job's stream: sizes, durations and jitter, in draw order.
func (jb *job) rng() *rand.Rand { return &jb.rand }

type objState struct {
	result Result
	rp     bool
	task   int32
}

// inlineObjs is how many objects' state a session holds inline: 16 of 8
// bytes, two whole lines (TestSessionLayout).
const inlineObjs = 16

// inlineLimit is the most objects a session keeps inline: inlineObjs,
// lowered by tests (export_test.go) to run every world through the
// separate slice as well.
var inlineLimit = inlineObjs

// obj is the state of the session's object o in its current job.
func (s *session) obj(o int32) *objState {
	if s.ext != nil {
		return &s.ext[o]
	}
	return &s.inl[o]
}

// session: the fields every task event reads or writes fill the first
// cache line, the objects' state the next two, the rest comes last; a
// session is a whole number of lines, so in the page-aligned array each
// one starts a line (TestSessionLayout). On a fleet sessions are cold
// between events, and a task event then misses on two lines, which the
// processor fetches at once.
type session struct {
	gen      uint32
	job      int32
	tenant   int32 // the job's tenant and its server, cached here: the hot
	server   int32 // path would otherwise fetch a whole tenant for one int
	n        int32
	attempt  int32
	next     int32 // todo's next index to dispatch
	inFlight int32
	// nTodo is len(todo), and byList says todo is own (a retry), not the
	// identity: the dispatch reads them here rather than todo on a line
	// of its own.
	nTodo       int32
	state       SessionState
	stop        StopMode
	cut         bool // M3: pending objects already failed by maintenance
	anyStarted  bool
	wanting     bool // in its tenant's want queue (M14 dispatch)
	manual      bool
	late        bool
	s4          bool
	grand       bool // M4
	waitRetry   bool
	byList      bool
	failCause   Cause
	retriesLeft int32
	activeIdx   int32
	_           [8]byte
	// inl holds the objects' state of a job with at most inlineObjs of
	// them: a task event's session and object state are then one address
	// computation apart, two misses the processor overlaps, where a slice
	// of their own was a second miss that waited for the first.
	inl [inlineObjs]objState
	ext []objState // the objects' state when there are more than inlineObjs; else nil
	// todo is the attempt's objects, in dispatch order: on a first
	// attempt every object of the job, a prefix of World.iota (read-only,
	// shared by every session); a retry's failed objects live in own.
	// Never append to todo.
	todo    []int32
	own     []int32
	id      int64
	failMsg string
	_       [32]byte
}

// todoAt is todo[i] without reading todo on a first attempt.
func (s *session) todoAt(i int32) int32 {
	if s.byList {
		return s.own[i]
	}
	return i
}

type task struct {
	sess int32
	obj  int32
	// The session's job, tenant and server, copied at creation: a task
	// event then loads the session, the job and the tenant at once instead
	// of the job and the tenant only once the session has arrived (on a
	// fleet all three are cache misses).
	job, tenant, server int32
	gen                 uint32
	xferIdx             int32 // position in the server's transfer list, -1: none
	phase               Phase
	queued              bool
	dead                bool
	bw                  bool
	local               bool // target local: off the provider (no server slot or bandwidth)
	// n and attempt are the session's, copied at dispatch with the draws
	// below, so that a task's start reads the task alone (startTask).
	n, attempt int32
	// size and, when its object has one (fixed), dur are drawn when the
	// task is dispatched to its server's queue, where the job's stream is
	// in cache, not when it starts, where on a fleet the job was a cache
	// miss. With the fields above they fill the first line: a start reads
	// that line and writes the second.
	fixed   bool
	size    int64
	dur     time.Duration
	snapEnd sim.Time
	xferEnd sim.Time
	end     sim.Time
	done    float64 // bytes transferred up to last
	rate    float64 // bytes per nanosecond
	last    sim.Time
	// To 128 bytes, an aligned pair of lines, which the processor fetches
	// together: at 96 bytes half the tasks straddled two pairs.
	_ [16]byte
}

// World is the Cloud Connect provider's state. Drive it with Init once, then
// Step for every event the caller's loop delivers.
type World struct {
	outbox   // now, effects of the step in progress, started
	spec     *Spec
	sem      Semantics
	mut      Mutant
	servers  []server
	tenants  []tenant
	jobs     []job
	sessions []session
	freeS    []int32
	tasks    []task
	freeT    []int32
	active   []int32 // live sessions (M3 scans them); order is deterministic
	iota     []int32 // 0, 1, 2, … to the most objects of any job: first attempts' todo
	nextID   int64
	err      error
	scratch  []int32
	// declBuf and nameBuf hold the declarations Init publishes and their
	// jobs' object names, kept for a reusing world (newWorld): the records
	// point into them, so a world is reused only once its run's
	// observers are done with them.
	declBuf []Decl
	nameBuf []string
}

// cleared returns n zero values, in s's storage when it has room.
func cleared[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// NewWorld builds a world from a validated spec.
func NewWorld(spec *Spec) (*World, error) { return newWorld(nil, spec) }

// newWorld builds a world from spec in old's place, reusing the storage
// of old's entity arrays, step buffers and task pool (NewMachineReusing);
// with old nil it allocates them. Nothing else of old survives: the world
// is a new value, and every reused array is cleared or emptied.
func newWorld(old *World, spec *Spec) (*World, error) {
	var keep World
	w := old
	if w == nil {
		w = &World{}
	} else {
		keep = *old
	}
	*w = World{spec: spec, sem: spec.Semantics, mut: spec.Mutants}
	if w.sem.Profile == "" {
		w.sem = DefaultSemantics()
	}
	w.ready.Records, w.ready.Timers = keep.ready.Records[:0], keep.ready.Timers[:0]
	w.tasks, w.freeS, w.freeT = keep.tasks[:0], keep.freeS[:0], keep.freeT[:0]
	w.active, w.iota, w.scratch = keep.active[:0], keep.iota[:0], keep.scratch[:0]
	w.declBuf, w.nameBuf = keep.declBuf, keep.nameBuf
	w.servers = cleared(keep.servers, len(spec.Servers))
	for i, s := range spec.Servers {
		if s.TaskSlots < 0 {
			return nil, fmt.Errorf("server %s: task_slots %d < 0", s.Name, s.TaskSlots)
		}
		sv := &w.servers[i]
		sv.ServerSpec = s
		if sv.BandwidthBps == 0 {
			sv.BandwidthBps = DefaultServerBandwidthBps
		}
		sv.power = !s.PoweredOff
		sv.service = sv.power && !s.ServiceStopped
		sv.configured = s.MaintenanceMessage
		sv.effective = EffectiveMessage(s.MaintenanceMessage)
		if s.Maintenance {
			sv.maint = Maintenance
		}
	}
	w.tenants = cleared(keep.tenants, len(spec.Tenants))
	for i, t := range spec.Tenants {
		if t.Server < 0 || int(t.Server) >= len(w.servers) {
			return nil, fmt.Errorf("tenant %s: server index %d out of range", t.Name, t.Server)
		}
		w.tenants[i] = tenant{TenantSpec: t, enabled: !t.Disabled, want: newHeadFifo()}
	}
	w.jobs = cleared(keep.jobs, len(spec.Jobs))
	// A job has at most one session live (a late start waits for the
	// previous one), so the session slots never outgrow the jobs: reserve
	// them once instead of copying a fleet's sessions at every doubling.
	w.sessions = slices.Grow(keep.sessions[:0], len(spec.Jobs))
	for i, j := range spec.Jobs {
		if j.Tenant < 0 || int(j.Tenant) >= len(w.tenants) {
			return nil, fmt.Errorf("job %s: tenant index %d out of range", j.Name, j.Tenant)
		}
		jb := &w.jobs[i]
		jb.JobSpec = j
		jb.active = None
		for len(w.iota) < len(j.Objects) {
			w.iota = append(w.iota, int32(len(w.iota)))
		}
		jb.affected = w.sem.Affected(j.Kind, j.Platform, j.ManagedBy, j.Target)
		jb.standalone = StandaloneAgent(j.Kind, j.ManagedBy)
		key := spec.Tenants[j.Tenant].Name
		if int(j.Tenant) < len(spec.TenantKeys) && spec.TenantKeys[j.Tenant] != "" {
			key = spec.TenantKeys[j.Tenant]
		}
		sim.SeedPCG(&jb.pcg, spec.Seed, "job/", key, "/", j.Name)
		jb.rand = *rand.New(&jb.pcg)
		if w.mut.has(MutStopRemovesRP) {
			// Only that mutant reads the counts: the real model keeps
			// restore points in the trace, not here.
			jb.rp = make([]int32, len(j.Objects))
		}
		if j.Schedule.Jitter.IsSet() {
			jb.jitter = sim.Time(j.Schedule.Jitter.SampleInt(jb.rng()))
		}
	}
	for i, a := range spec.Actions {
		if err := w.checkAction(a); err != nil {
			return nil, fmt.Errorf("action %d (%s): %w", i, a.Do, err)
		}
	}
	return w, nil
}

func (w *World) checkAction(a Action) error {
	switch a.Do {
	case ActEnableMaintenance, ActDisableMaintenance, ActStopService, ActStartService,
		ActRestartService, ActPowerOff, ActPowerOn, ActSetMaintenanceMessage:
		if a.Server < 0 || int(a.Server) >= len(w.servers) {
			return fmt.Errorf("server index %d out of range", a.Server)
		}
	case ActDisableTenant, ActEnableTenant, ActMoveBackups:
		if a.Tenant < 0 || int(a.Tenant) >= len(w.tenants) {
			return fmt.Errorf("tenant index %d out of range", a.Tenant)
		}
	case ActStopJob, ActStartJob:
		if a.Job < 0 || int(a.Job) >= len(w.jobs) {
			return fmt.Errorf("job index %d out of range", a.Job)
		}
		if a.Do == ActStopJob && a.Mode == StopNone {
			return fmt.Errorf("stop_job needs a mode")
		}
	default:
		return fmt.Errorf("unknown action %d", a.Do)
	}
	return nil
}

// EffectiveMessage is the maintenance notice a server shows once its
// service (re)starts with this configured message (M7): the message, or
// the default notice when none is configured.
func EffectiveMessage(configured string) string {
	if configured == "" {
		return DefaultNotice
	}
	return configured
}

// Start is the absolute instant of time zero.
func (w *World) Start() time.Time { return w.spec.Start }

// Semantics returns the knobs in force.
func (w *World) Semantics() Semantics { return w.sem }

// Init declares every entity (records at time zero) and schedules the
// actions and the first job starts. Call it once, before any Step.
func (w *World) Init() (Ready, error) {
	if w.started {
		return Ready{}, fmt.Errorf("model: Init called twice")
	}
	w.started = true
	w.reset()
	// Every declaration goes out in this one step: size the buffer once
	// instead of doubling it a dozen times on a fleet.
	w.ready.Records = slices.Grow(w.ready.Records, 1+len(w.servers)+len(w.tenants)+len(w.jobs))
	sp := w.spec
	// Every declaration in one array, and every job's object names in
	// another: one allocation each instead of one per entity (a check case
	// builds a world per case; a fleet has 100,000 jobs).
	decls := cleared(w.declBuf, 1+len(w.servers)+len(w.tenants)+len(w.jobs))
	w.declBuf = decls
	decl := func(d Decl) *Decl {
		p := &decls[0]
		*p, decls = d, decls[1:]
		return p
	}
	nObjects := 0
	for i := range w.jobs {
		nObjects += len(w.jobs[i].Objects)
	}
	allNames := cleared(w.nameBuf, nObjects)
	w.nameBuf = allNames
	w.emit(Record{Kind: RecScenario, Server: None, Tenant: None, Job: None, Object: None,
		Decl: decl(Decl{Name: sp.Name, Seed: sp.Seed, Start: sp.Start, Semantics: w.sem})})
	for i := range w.servers {
		s := &w.servers[i]
		var f Flags
		if s.service {
			f |= FlagServiceRunning
		}
		if s.power {
			f |= FlagPoweredOn
		}
		if s.maint == Maintenance {
			f |= FlagMaintenance
		}
		w.emit(Record{Kind: RecServer, Flags: f, Server: int32(i), Tenant: None, Job: None, Object: None,
			Decl: decl(Decl{Name: s.Name, Version: s.Version, TaskSlots: s.TaskSlots, BandwidthBps: s.BandwidthBps,
				ConfiguredMessage: s.configured})})
	}
	for i := range w.tenants {
		t := &w.tenants[i]
		var f Flags
		if t.enabled {
			f |= FlagEnabled
		}
		w.emit(Record{Kind: RecTenant, Flags: f, Server: t.Server, Tenant: int32(i), Job: None, Object: None,
			Decl: decl(Decl{Name: t.Name, Client: t.Client, MaxTasks: t.MaxTasks, BandwidthBps: t.BandwidthBps, RPO: t.RPO})})
	}
	for i := range w.jobs {
		j := &w.jobs[i]
		var f Flags
		if j.affected {
			f |= FlagAffected
		}
		if j.standalone {
			f |= FlagStandaloneAgent
		}
		if j.Retry.Count > 0 {
			f |= FlagRetry
		}
		names := allNames[:len(j.Objects):len(j.Objects)]
		allNames = allNames[len(j.Objects):]
		for k, o := range j.Objects {
			names[k] = o.Name
		}
		w.emit(Record{Kind: RecJob, Flags: f, Server: w.tenants[j.Tenant].Server, Tenant: j.Tenant, Job: int32(i), Object: None,
			Decl: decl(Decl{Name: j.Name, Kind: j.Kind, Platform: j.Platform, ManagedBy: j.ManagedBy, Target: j.Target,
				Objects: names, RetryCount: j.Retry.Count, RetryWait: j.Retry.Wait})})
	}
	for i, a := range sp.Actions {
		w.after(a.At, Event{Kind: EvAction, A: int32(i)})
	}
	for i := range w.jobs {
		if sc := w.jobs[i].Schedule; sc.Kind != ScheduleManual {
			w.after(sc.First.Add(time.Duration(w.jobs[i].jitter)), Event{Kind: EvJobDue, A: int32(i)})
		}
	}
	return w.ready, w.err
}

// Finish publishes the end-of-run record at now, for observers that judge
// liveness or flush state.
func (w *World) Finish(now sim.Time) Ready {
	w.reset()
	if now > w.now {
		w.now = now
	}
	w.emit(Record{Kind: RecEnd, Server: None, Tenant: None, Job: None, Object: None})
	return w.ready
}

// Step applies one event at time now and returns what follows from it.
// The returned Ready is valid until the next call.
func (w *World) Step(now sim.Time, ev Event) (Ready, error) {
	if err := w.begin(now); err != nil {
		return Ready{}, err
	}
	switch ev.Kind {
	case EvJobDue:
		w.jobDue(ev.A)
	case EvAction:
		w.action(&w.spec.Actions[ev.A])
	case EvTaskPhase:
		w.taskPhase(ev.A, ev.Gen)
	case EvRetry:
		w.retry(ev.A, ev.Gen)
	default:
		return Ready{}, &TransitionError{Machine: "world", State: "running", Event: ev.Kind.String()}
	}
	if w.err != nil {
		err := w.err
		w.err = nil
		return w.ready, err
	}
	return w.ready, nil
}
