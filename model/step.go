package model

import (
	"math"
	"slices"
	"time"

	"github.com/maintsim/maintsim/sim"
)

// This file is the rules. Each function names the rule IDs it enforces.

func (w *World) jobDue(j int32) {
	jb := &w.jobs[j]
	w.startSession(j, false)
	if jb.Schedule.Kind == SchedulePeriodic && jb.Schedule.Every > 0 {
		w.after(w.now.Add(jb.Schedule.Every), Event{Kind: EvJobDue, A: j})
	}
}

func (w *World) allocSession() int32 {
	if n := len(w.freeS); n > 0 {
		i := w.freeS[n-1]
		w.freeS = w.freeS[:n-1]
		return i
	}
	w.sessions = append(w.sessions, session{})
	return int32(len(w.sessions) - 1)
}

func (w *World) allocTask() int32 {
	if n := len(w.freeT); n > 0 {
		i := w.freeT[n-1]
		w.freeT = w.freeT[:n-1]
		return i
	}
	w.tasks = append(w.tasks, task{})
	return int32(len(w.tasks) - 1)
}

// put appends a record of kind about session s, stamped now, and returns
// it to be filled in place; the pointer is valid until the next record.
// Every session record goes through it rather than being built on the
// stack and emitted: a record built field by field and then copied whole
// stalls on every copy (the 16-byte loads cannot take their data from the
// narrower stores still in flight), and on the hot paths those copies were
// half of finishTask's time.
func (w *World) put(kind RecordKind, s *session) *Record {
	r := w.record()
	r.At, r.Kind, r.Server, r.Tenant, r.Job, r.N, r.Object, r.Attempt = w.now, kind, s.server, s.tenant, s.job, s.n, None, s.attempt
	return r
}

// putTask is put for a record about task tk, from the copies of its
// session's fields the task carries (see startTask).
func (w *World) putTask(kind RecordKind, tk *task) *Record {
	r := w.record()
	r.At, r.Kind, r.Server, r.Tenant, r.Job, r.N, r.Object, r.Attempt = w.now, kind, tk.server, tk.tenant, tk.job, tk.n, None, tk.attempt
	return r
}

// record appends a zero record to the step's and returns it.
func (w *World) record() *Record {
	rs := w.ready.Records
	if len(rs) == cap(rs) {
		rs = slices.Grow(rs, 1)
	}
	rs = rs[:len(rs)+1]
	w.ready.Records = rs
	r := &rs[len(rs)-1]
	*r = Record{}
	return r
}

// startSession starts a session of job j, scheduled or manual. A scheduled
// start while the previous session still runs waits for it (one pending
// start at most); a manual one is refused.
func (w *World) startSession(j int32, manual bool) {
	jb := &w.jobs[j]
	if jb.active != None {
		if manual {
			w.emit(Record{Kind: RecActionRejected, Server: w.tenants[jb.Tenant].Server, Tenant: jb.Tenant, Job: j,
				Object: None, Text: "start_job: a session of this job is already running"})
		} else {
			jb.late = true
		}
		return
	}
	slot := w.allocSession()
	s := &w.sessions[slot]
	n := len(jb.Objects)
	var ext []objState // nil: the objects' state is inline (session.obj)
	if n > inlineLimit {
		ext = s.ext[:0]
		for range n {
			ext = append(ext, objState{task: None})
		}
	}
	w.nextID++
	jb.count++
	*s = session{id: w.nextID, gen: s.gen + 1, job: j, tenant: jb.Tenant, server: w.tenants[jb.Tenant].Server, n: jb.count, manual: manual, late: !manual && jb.late,
		retriesLeft: jb.Retry.Count, ext: ext, todo: w.iota[:n:n], nTodo: int32(n), own: s.own, activeIdx: int32(len(w.active))}
	if ext == nil {
		for i := range n {
			s.inl[i] = objState{task: None}
		}
	}
	jb.late = false
	jb.active = slot
	w.active = append(w.active, slot)
	r := w.put(RecSessionStart, s)
	r.Attempt = 1
	if manual {
		r.Flags |= FlagManual
	}
	if s.late {
		r.Flags |= FlagLate
	}
	if jb.affected {
		r.Flags |= FlagAffected
	}
	w.beginAttempt(slot)
}

// gate decides whether an attempt may start: M12 (disabled tenant), M13
// (service stopped, power off), M5 (maintenance, affected job; M8 lets the
// rest through), with M6's message choice.
func (w *World) gate(s *session) (Cause, string) {
	jb := &w.jobs[s.job]
	tn := &w.tenants[jb.Tenant]
	sv := &w.servers[tn.Server]
	switch {
	case !tn.enabled && !w.mut.has(MutDisabledTenantRuns):
		return CauseDisabled, MsgTenantDisabled
	case (!sv.power || !sv.service) && jb.Target != TargetLocal:
		// M13 covers operations against the server; a job whose target is
		// not the provider (M8) does not talk to it.
		return CauseFault, MsgConnectionFailed
	case sv.maint == Maintenance && jb.affected && !w.mut.has(MutMaintAllowsStart):
		return CauseMaintenance, w.notice(sv, tn)
	case sv.maint == Maintenance && !jb.affected && w.mut.has(MutRestoresBlocked):
		return CauseMaintenance, w.notice(sv, tn)
	}
	return CauseNone, ""
}

// notice is M6/M7: the effective message if the service runs and the client
// understands it, else a generic connection error.
func (w *World) notice(sv *server, tn *tenant) string {
	if sv.service && (tn.Client.SupportsNotice() || w.mut.has(MutNoticeIgnoresClient)) {
		return sv.effective
	}
	return MsgConnectionFailed
}

func (w *World) beginAttempt(slot int32) {
	s := &w.sessions[slot]
	s.attempt++
	if s.attempt > 1 {
		w.put(RecAttemptStart, s)
	}
	w.moveSession(s, SessionWorking, "attempt_start")
	s.next, s.inFlight, s.cut, s.failMsg, s.failCause = 0, 0, false, "", CauseNone
	for _, o := range s.todo {
		ob := s.obj(o)
		ob.result, ob.task = ResultNone, None
	}
	if cause, msg := w.gate(s); cause != CauseNone {
		// M5, M12, M13: the attempt fails at once; no task runs, no snapshot.
		s.failMsg, s.failCause = msg, cause
		w.failPending(slot, ResultFailed, cause)
		w.endAttempt(slot)
		return
	}
	if len(s.todo) == 0 {
		w.endAttempt(slot)
		return
	}
	tn := &w.tenants[w.jobs[s.job].Tenant]
	tn.want.push(slot)
	s.wanting = true
	w.pumpTenant(w.jobs[s.job].Tenant)
}

// pumpTenant hands a tenant's waiting objects to its server's queue while the
// tenant is under max_concurrent_tasks (M14, S6: in job order).
func (w *World) pumpTenant(t int32) {
	tn := &w.tenants[t]
	for tn.want.len() > 0 && (tn.MaxTasks <= 0 || tn.inProcess < tn.MaxTasks || w.mut.has(MutTenantLimitIgnored)) {
		slot := tn.want.front()
		s := &w.sessions[slot]
		if s.next >= s.nTodo || s.stop != StopNone || s.cut || s.state == SessionStopped {
			tn.want.pop()
			s.wanting = false
			continue
		}
		o := s.todoAt(s.next)
		s.next++
		k := w.allocTask()
		tk := &w.tasks[k]
		// Cleared and filled in place, not assigned a literal: the literal
		// was built on the stack and copied, and the copy stalled (see
		// put; BenchmarkPeerWorkloadBare -2.8%).
		gen := tk.gen + 1
		*tk = task{}
		tk.sess, tk.obj, tk.job, tk.tenant, tk.server = slot, o, s.job, s.tenant, s.server
		tk.gen, tk.phase, tk.queued, tk.xferIdx = gen, PhasePending, true, -1
		tk.n, tk.attempt = s.n, s.attempt
		// The draws, size first, from the job's stream, here rather than
		// at the start: the job is in cache now (its previous task just
		// ended, or its session just began), and a queued task's start
		// then reads the task alone. A task that never starts (stopped or
		// cut while queued) has still drawn.
		jb := &w.jobs[s.job]
		obj := &jb.Objects[o]
		tk.size = obj.SizeBytes.SampleInt(jb.rng())
		if obj.Duration.IsSet() {
			tk.dur, tk.fixed = time.Duration(obj.Duration.SampleInt(jb.rng())), true
		}
		s.obj(o).task = k
		s.inFlight++
		tn.inProcess++
		if s.next >= s.nTodo {
			tn.want.pop()
			s.wanting = false
		}
		if jb.Target == TargetLocal {
			// M8: a local job never talks to the provider, so it takes no
			// server slot and no share of the server's bandwidth (M14).
			w.tasks[k].local = true
			w.startTask(k)
			continue
		}
		w.servers[tn.Server].queue.push(k)
	}
	w.pumpServer(tn.Server)
}

// pumpServer starts queued tasks while the server has free slots (M14).
func (w *World) pumpServer(sv int32) {
	srv := &w.servers[sv]
	for srv.queue.len() > 0 && (srv.TaskSlots <= 0 || srv.inProcess < srv.TaskSlots || w.mut.has(MutSlotsIgnored)) {
		k := srv.queue.pop()
		if w.tasks[k].dead {
			w.freeT = append(w.freeT, k)
			continue
		}
		w.startTask(k)
	}
}

// startTask starts a dispatched task. It reads the task and its server,
// and writes its session's anyStarted: on a fleet a queued task's session
// and job are cold when a slot frees, and a store does not wait for its
// line as a load does.
func (w *World) startTask(k int32) {
	tk := &w.tasks[k]
	srv := &w.servers[tk.server]
	if !w.moveTask(tk, PhaseSnapshot, "start") {
		return
	}
	tk.queued = false
	if !tk.local {
		srv.inProcess++
	}
	w.sessions[tk.sess].anyStarted = true
	if tk.fixed {
		d := tk.dur
		snap := min(w.sem.SnapshotTime, d/10)
		commit := min(w.sem.CommitTime, d/10)
		tk.snapEnd = w.now.Add(snap)
		tk.end = w.now.Add(d)
		tk.xferEnd = tk.end - sim.Time(commit)
	} else if tk.local {
		// Off the provider: a fixed plan at the tenant's own bandwidth.
		bps := w.tenants[tk.tenant].BandwidthBps
		if bps <= 0 {
			bps = DefaultServerBandwidthBps
		}
		tk.snapEnd = w.now.Add(w.sem.SnapshotTime)
		tk.xferEnd = tk.snapEnd.AddNanos(math.Ceil(float64(tk.size) * 8e9 / float64(bps)))
		tk.end = tk.xferEnd.Add(w.sem.CommitTime)
	} else {
		tk.bw = true
		tk.snapEnd = w.now.Add(w.sem.SnapshotTime)
		tk.xferEnd = tk.snapEnd.AddNanos(float64(tk.size) / w.estimateRate(tk))
		tk.end = tk.xferEnd.Add(w.sem.CommitTime)
	}
	r := w.putTask(RecTaskStart, tk)
	r.Object, r.Phase, r.Bytes, r.Due, r.TransferAt, r.CommitAt = tk.obj, PhaseSnapshot, tk.size, tk.end, tk.snapEnd, tk.xferEnd
	if tk.bw {
		w.after(tk.snapEnd, Event{Kind: EvTaskPhase, A: k, Gen: tk.gen})
	} else {
		// A fixed plan never moves: one event at the end, phases derived.
		w.after(tk.end, Event{Kind: EvTaskPhase, A: k, Gen: tk.gen})
	}
}

// phaseNow is the task's phase at the current instant.
func (w *World) phaseNow(tk *task) Phase {
	if tk.bw || !tk.phase.InProcess() {
		return tk.phase
	}
	return PhaseAt(tk.snapEnd, tk.xferEnd, w.now)
}

// estimateRate is the share a task would get if it entered Transfer now.
func (w *World) estimateRate(tk *task) float64 {
	tn := &w.tenants[tk.tenant]
	srv := &w.servers[tk.server]
	nt := srv.xferTenant
	if tn.xfer == 0 {
		nt++
	}
	return shareRate(srv, tn, nt, tn.xfer+1)
}

// shareRate is M14's split: the server's bandwidth equally between tenants
// (each capped by its own WAN bandwidth), then equally between a tenant's
// tasks. Bytes per nanosecond.
func shareRate(srv *server, tn *tenant, tenants, tasks int32) float64 {
	per := float64(srv.BandwidthBps) / float64(max(tenants, 1))
	if tn.BandwidthBps > 0 && float64(tn.BandwidthBps) < per {
		per = float64(tn.BandwidthBps)
	}
	return per / float64(max(tasks, 1)) / 8 / 1e9
}

func (w *World) taskPhase(k int32, gen uint32) {
	tk := &w.tasks[k]
	if tk.gen != gen || tk.dead || tk.phase == PhaseDone {
		return // stale: the task was replanned or ended
	}
	s := &w.sessions[tk.sess]
	if !tk.bw {
		// The end of a fixed-duration task: walk the remaining phases.
		for tk.phase < PhaseCommit {
			if !w.moveTask(tk, tk.phase+1, phaseDone[tk.phase]) {
				return
			}
		}
		w.finishTask(k, ResultSuccess, CauseNone)
		w.afterTaskEnd(s, tk.sess)
		return
	}
	switch tk.phase {
	case PhaseSnapshot:
		if !w.moveTask(tk, PhaseTransfer, "snapshot_done") {
			return
		}
		mark := len(w.ready.Records)
		w.joinTransfer(k)
		w.emitPhase(k)
		// The joiner's phase record goes before the task_plan records it
		// caused (same instant): a reader sees why the others' plans moved.
		recs := w.ready.Records
		last := recs[len(recs)-1]
		copy(recs[mark+1:], recs[mark:len(recs)-1])
		recs[mark] = last
	case PhaseTransfer:
		w.leaveTransfer(k)
		tk.xferEnd = w.now
		tk.end = w.now.Add(w.sem.CommitTime)
		tk.done = float64(tk.size)
		if !w.moveTask(tk, PhaseCommit, "transfer_done") {
			return
		}
		w.emitPhase(k)
		w.after(tk.end, Event{Kind: EvTaskPhase, A: k, Gen: tk.gen})
	case PhaseCommit:
		w.finishTask(k, ResultSuccess, CauseNone)
		w.afterTaskEnd(s, tk.sess)
	}
}

func (w *World) emitPhase(k int32) {
	tk := &w.tasks[k]
	s := &w.sessions[tk.sess]
	r := w.put(RecTaskPhase, s)
	r.Object, r.Phase, r.Due, r.TransferAt, r.CommitAt = tk.obj, tk.phase, tk.end, tk.snapEnd, tk.xferEnd
}

func (w *World) joinTransfer(k int32) {
	tk := &w.tasks[k]
	tn := &w.tenants[tk.tenant]
	srv := &w.servers[tn.Server]
	tk.xferIdx = int32(len(srv.xfer))
	tk.last = w.now
	tk.rate = 0
	srv.xfer = append(srv.xfer, k)
	if tn.xfer == 0 {
		srv.xferTenant++
	}
	tn.xfer++
	w.rebalance(tn.Server, k)
}

func (w *World) leaveTransfer(k int32) {
	tk := &w.tasks[k]
	if tk.xferIdx < 0 {
		return
	}
	w.progress(tk)
	tn := &w.tenants[tk.tenant]
	srv := &w.servers[tn.Server]
	last := srv.xfer[len(srv.xfer)-1]
	srv.xfer[tk.xferIdx] = last
	w.tasks[last].xferIdx = tk.xferIdx
	srv.xfer = srv.xfer[:len(srv.xfer)-1]
	tk.xferIdx = -1
	tn.xfer--
	if tn.xfer == 0 {
		srv.xferTenant--
	}
	w.rebalance(tn.Server, None)
}

// Event names for transition errors, built once: the hot path must not
// allocate.
var (
	phaseDone = [...]string{PhasePending: "start", PhaseSnapshot: "snapshot_done", PhaseTransfer: "transfer_done", PhaseCommit: "commit_done"}
	endEvent  = [...]string{ResultNone: "end", ResultSuccess: "end_Success", ResultWarning: "end_Warning", ResultFailed: "end_Failed", ResultCanceled: "end_Canceled"}
)

func (w *World) progress(tk *task) {
	tk.done += tk.rate * float64(w.now-tk.last)
	if tk.done > float64(tk.size) {
		tk.done = float64(tk.size)
	}
	tk.last = w.now
}

// rebalance recomputes every transferring task's share on a server (M14)
// and moves its transfer end; joined is the task that just entered
// Transfer, which always gets its first plan. The server's transfer list
// is in join order, which keeps the records deterministic.
func (w *World) rebalance(sv int32, joined int32) {
	srv := &w.servers[sv]
	for _, k := range srv.xfer {
		tk := &w.tasks[k]
		tn := &w.tenants[tk.tenant]
		rate := shareRate(srv, tn, srv.xferTenant, tn.xfer)
		if rate == tk.rate && k != joined {
			continue
		}
		w.progress(tk)
		tk.rate = rate
		left := math.Ceil((float64(tk.size) - tk.done) / rate)
		tk.xferEnd = w.now.AddNanos(left)
		tk.end = tk.xferEnd.Add(w.sem.CommitTime)
		tk.gen++
		w.after(tk.xferEnd, Event{Kind: EvTaskPhase, A: k, Gen: tk.gen})
		if k != joined {
			s := &w.sessions[tk.sess]
			r := w.put(RecTaskPlan, s)
			r.Object, r.Phase, r.Due, r.TransferAt, r.CommitAt = tk.obj, tk.phase, tk.end, tk.snapEnd, tk.xferEnd
		}
	}
}

// transferred is how many bytes a task has moved by now.
func (w *World) transferred(tk *task) int64 {
	switch w.phaseNow(tk) {
	case PhasePending, PhaseSnapshot:
		return 0
	case PhaseTransfer:
		if tk.bw {
			w.progress(tk)
			return int64(tk.done)
		}
		span := tk.xferEnd - tk.snapEnd
		if span <= 0 {
			return tk.size
		}
		return int64(float64(tk.size) * float64(w.now-tk.snapEnd) / float64(span))
	}
	return tk.size
}

// finishTask ends task k with a result. Success commits a restore point
// (for kinds that make them); every end removes the snapshot (S2).
func (w *World) finishTask(k int32, result Result, cause Cause) {
	tk := &w.tasks[k]
	s := &w.sessions[tk.sess]
	jb := &w.jobs[tk.job]
	tn := &w.tenants[tk.tenant]
	srv := &w.servers[tk.server]
	started := tk.phase.InProcess()
	endPhase := w.phaseNow(tk)
	bytes := tk.size // a success moved them all
	if result != ResultSuccess {
		bytes = w.transferred(tk)
	}
	if tk.phase == PhaseTransfer && tk.bw {
		w.leaveTransfer(k)
	}
	if started && !tk.local {
		srv.inProcess--
	}
	tn.inProcess--
	s.inFlight--
	var f Flags
	if result == ResultSuccess {
		if jb.Kind.CreatesRestorePoints() {
			f |= FlagRestorePoint
		}
	}
	if result == ResultFailed && cause == CauseStop && started && w.mut.has(MutImmediateKeepsRP) && jb.Kind.CreatesRestorePoints() {
		f |= FlagRestorePoint
	}
	if started {
		f |= FlagStarted
		if result == ResultSuccess || !w.mut.has(MutSnapshotLeft) {
			f |= FlagSnapshotRemoved
		}
	}
	ob := s.obj(tk.obj)
	if f.Has(FlagRestorePoint) {
		ob.rp = true
		if w.mut.has(MutStopRemovesRP) { // jb.rp is on a cold line
			jb.rp[tk.obj]++
		}
	}
	ob.result, ob.task = result, None
	r := w.put(RecTaskEnd, s)
	r.Object, r.Result, r.Phase, r.Cause, r.Flags, r.Bytes = tk.obj, result, endPhase, cause, f, bytes
	w.moveTask(tk, PhaseDone, endEvent[result])
	tk.gen++
	if tk.queued {
		tk.dead = true // still in the server queue; freed when popped
	} else {
		w.freeT = append(w.freeT, k)
	}
}

// afterTaskEnd refills slots and, when the attempt has nothing left in
// flight, ends it.
func (w *World) afterTaskEnd(s *session, slot int32) {
	w.pumpTenant(s.tenant)
	if s.state == SessionStopped || s.inFlight > 0 {
		return
	}
	if s.next >= s.nTodo || s.stop != StopNone || s.cut {
		w.endAttempt(slot)
	}
}

// failPending ends every object of the attempt that has not started:
// those queued at the server and those not yet dispatched. Maintenance (M3)
// fails them, M5/M12/M13 fail them, a stop (S2, S3, S4) cancels them.
func (w *World) failPending(slot int32, result Result, cause Cause) {
	s := &w.sessions[slot]
	for _, o := range s.todo[:s.next] {
		if k := s.obj(o).task; k != None && w.tasks[k].queued && !w.tasks[k].dead {
			w.finishTask(k, result, cause)
		}
	}
	for _, o := range s.todo[s.next:] {
		s.obj(o).result = result
		r := w.put(RecTaskEnd, s)
		r.Object, r.Result, r.Phase, r.Cause = o, result, PhasePending, cause
	}
	s.next = s.nTodo
}

// terminateInProcess ends every started task of the session with result.
func (w *World) terminateInProcess(slot int32, result Result, cause Cause) {
	s := &w.sessions[slot]
	for _, o := range s.todo[:s.next] {
		if k := s.obj(o).task; k != None && w.tasks[k].phase.InProcess() {
			w.finishTask(k, result, cause)
		}
	}
}

// endAttempt closes an attempt: S8 retries the failed objects after the
// wait when allowed, else the session ends.
func (w *World) endAttempt(slot int32) {
	s := &w.sessions[slot]
	w.leaveWant(s, slot)
	failed := w.scratch[:0]
	for _, o := range s.todo {
		if s.obj(o).result == ResultFailed {
			failed = append(failed, o)
		}
	}
	stopped := s.stop != StopNone && !w.mut.has(MutRetryAfterStop)
	manual := s.manual && !w.mut.has(MutManualRetries)
	if len(failed) > 0 && !stopped && !manual && s.retriesLeft > 0 && s.failCause != CauseDisabled {
		s.retriesLeft--
		s.own = append(s.own[:0], failed...)
		s.todo, s.nTodo, s.byList = s.own, int32(len(s.own)), true
		w.scratch = failed
		s.waitRetry = true
		s.gen++
		w.after(w.now.Add(w.jobs[s.job].Retry.Wait), Event{Kind: EvRetry, A: slot, Gen: s.gen})
		return
	}
	w.endSession(slot)
}

// leaveWant drops a session from its tenant's dispatch queue when its
// attempt ends before every object was handed out (a cut, a stop, a fault).
// A stale entry would outlive the session: once the slot is reused it would
// dispatch another session's objects under this tenant and server (M14),
// and a retry would sit in the queue twice, ahead of its turn (S6).
func (w *World) leaveWant(s *session, slot int32) {
	if !s.wanting {
		return
	}
	s.wanting = false
	w.tenants[w.jobs[s.job].Tenant].want.remove(slot)
}

func (w *World) retry(slot int32, gen uint32) {
	s := &w.sessions[slot]
	if s.gen != gen || !s.waitRetry || s.state == SessionStopped {
		return
	}
	s.waitRetry = false
	if s.state == SessionStopping && w.mut.has(MutRetryAfterStop) {
		// The mutant's defect, carried through so the run completes and the
		// invariants (INV-16) judge it: a stopped session comes back to work.
		s.state, s.stop = SessionWorking, StopNone
	}
	w.beginAttempt(slot) // M5: a retry during maintenance fails at the gate (S8)
}

// endSession decides the session's result: S2 immediate stop Failed; S3
// graceful stop per the knob (S4 decided at the stop); otherwise Failed if
// any object of the last attempt failed (M3 with the notice), else Success.
func (w *World) endSession(slot int32) {
	s := &w.sessions[slot]
	jb := &w.jobs[s.job]
	failed := false
	for _, o := range s.todo {
		if s.obj(o).result == ResultFailed {
			failed = true
			break
		}
	}
	r := w.put(RecSessionEnd, s)
	switch {
	case s.s4:
		r.Result, r.Text, r.Cause = ResultFailed, MsgCanceledByUser, CauseStop
	case s.stop == StopImmediate:
		r.Result, r.Text, r.Cause = ResultFailed, MsgStoppedByUser, CauseStop
	case failed:
		r.Result, r.Text, r.Cause = ResultFailed, s.failMsg, s.failCause
		if r.Text == "" {
			r.Text = MsgConnectionFailed
		}
	case s.stop == StopGraceful:
		r.Result, r.Text, r.Cause = w.sem.GracefulStopResult, MsgStoppedGracefully, CauseStop
		if w.mut.has(MutGracefulFails) {
			r.Result = ResultFailed
		}
	default:
		r.Result = ResultSuccess
	}
	r.Mode = s.stop
	w.moveSession(s, SessionStopped, "end")
	if w.mut.has(MutDoubleEnd) && s.stop != StopNone {
		w.emit(*r)
	}
	// Leave the active list by swap-remove: O(1), and still deterministic
	// (the order depends only on the run's own history).
	i, last := s.activeIdx, w.active[len(w.active)-1]
	w.active[i] = last
	w.sessions[last].activeIdx = i
	w.active = w.active[:len(w.active)-1]
	jb.active = None
	s.gen++
	w.freeS = append(w.freeS, slot)
	if jb.late {
		w.startSession(s.job, false)
	}
}

func (w *World) action(a *Action) {
	switch a.Do {
	case ActEnableMaintenance:
		w.enableMaintenance(a.Server)
	case ActDisableMaintenance:
		sv := &w.servers[a.Server]
		if sv.maint == Active {
			w.emit(Record{Kind: RecMaintenanceUnchanged, Server: a.Server, Tenant: None, Job: None, Object: None,
				Text: "disable_maintenance: server is not in maintenance"}) // M2
			return
		}
		sv.maint = Active
		w.emit(Record{Kind: RecMaintenanceDisabled, Server: a.Server, Tenant: None, Job: None, Object: None})
	case ActStopService:
		w.stopService(a.Server, "stop_service")
	case ActStartService:
		w.startService(a.Server, "start_service")
	case ActRestartService:
		if w.servers[a.Server].service {
			w.stopService(a.Server, "restart_service")
		}
		w.startService(a.Server, "restart_service")
	case ActPowerOff:
		sv := &w.servers[a.Server]
		if !sv.power {
			w.reject(a.Server, None, None, "power_off: server is already off")
			return
		}
		if sv.service {
			w.stopService(a.Server, "power_off")
		}
		sv.power = false
		w.emit(Record{Kind: RecPowerOff, Server: a.Server, Tenant: None, Job: None, Object: None})
	case ActPowerOn:
		sv := &w.servers[a.Server]
		if sv.power {
			w.reject(a.Server, None, None, "power_on: server is already on")
			return
		}
		sv.power = true
		w.emit(Record{Kind: RecPowerOn, Server: a.Server, Tenant: None, Job: None, Object: None})
		w.startService(a.Server, "power_on")
	case ActSetMaintenanceMessage:
		sv := &w.servers[a.Server]
		sv.configured = a.Text // M7: effective only at the next service start
		w.emit(Record{Kind: RecMessageConfigured, Server: a.Server, Tenant: None, Job: None, Object: None, Text: a.Text})
		if w.mut.has(MutMessageNoRestart) {
			sv.effective = EffectiveMessage(a.Text)
		}
	case ActDisableTenant:
		w.disableTenant(a.Tenant)
	case ActEnableTenant:
		tn := &w.tenants[a.Tenant]
		if tn.enabled {
			w.reject(tn.Server, a.Tenant, None, "enable_tenant: tenant is already enabled")
			return
		}
		tn.enabled = true
		w.emit(Record{Kind: RecTenantEnabled, Server: tn.Server, Tenant: a.Tenant, Job: None, Object: None})
	case ActMoveBackups:
		// M12: the move itself is the operator's; INV-15 judges whether the
		// tenant was disabled first.
		tn := &w.tenants[a.Tenant]
		if w.mut.has(MutMoveEnablesTenant) && !tn.enabled {
			tn.enabled = true
			w.emit(Record{Kind: RecTenantEnabled, Server: tn.Server, Tenant: a.Tenant, Job: None, Object: None})
		}
		w.emit(Record{Kind: RecBackupMoved, Server: tn.Server, Tenant: a.Tenant, Job: None, Object: None})
	case ActStartJob:
		w.startSession(a.Job, true)
	case ActStopJob:
		w.stopJob(a.Job, a.Mode)
	}
}

func (w *World) reject(sv, tn, j int32, why string) {
	w.emit(Record{Kind: RecActionRejected, Server: sv, Tenant: tn, Job: j, Object: None, Text: why})
}

// enableMaintenance is M1, M2, M3 and M4.
func (w *World) enableMaintenance(sv int32) {
	srv := &w.servers[sv]
	if srv.Version < MinServerForMaintenance {
		w.emit(Record{Kind: RecMaintenanceRejected, Server: sv, Tenant: None, Job: None, Object: None,
			Text: "maintenance mode requires Veeam Cloud Connect 9.5 Update 3 or later (server runs " + srv.Version.String() + ")"})
		return
	}
	if srv.maint == Maintenance {
		w.emit(Record{Kind: RecMaintenanceUnchanged, Server: sv, Tenant: None, Job: None, Object: None,
			Text: "enable_maintenance: server is already in maintenance"})
		return
	}
	srv.maint = Maintenance
	w.emit(Record{Kind: RecMaintenanceEnabled, Server: sv, Tenant: None, Job: None, Object: None})
	for _, slot := range w.sessionsOn(sv) {
		s := &w.sessions[slot]
		jb := &w.jobs[s.job]
		if !jb.affected || s.waitRetry || s.state == SessionStopped {
			continue // M8; a waiting retry meets M5 at its gate
		}
		if jb.standalone && !w.mut.has(MutAgentCut) {
			s.grand = true // M4: runs to completion, all objects
			continue
		}
		s.cut = true
		s.failMsg, s.failCause = w.notice(srv, &w.tenants[jb.Tenant]), CauseMaintenance
		w.failPending(slot, ResultFailed, CauseMaintenance)
		if w.mut.has(MutMaintCutsRunning) {
			w.terminateInProcess(slot, ResultFailed, CauseMaintenance)
		}
		if w.mut.has(MutDrainHangs) {
			w.stall(slot, 24*time.Hour)
		}
		if s.inFlight == 0 {
			w.endAttempt(slot)
		}
		w.pumpTenant(jb.Tenant)
	}
}

// stall pushes every in-process task's remaining work out by d (mutant only).
func (w *World) stall(slot int32, d time.Duration) {
	s := &w.sessions[slot]
	for _, o := range s.todo[:s.next] {
		k := s.obj(o).task
		if k == None || !w.tasks[k].phase.InProcess() {
			continue
		}
		tk := &w.tasks[k]
		if tk.bw && tk.xferIdx >= 0 {
			w.leaveTransfer(k)
		}
		tk.bw = false
		tk.snapEnd, tk.xferEnd, tk.end = tk.snapEnd.Add(d), tk.xferEnd.Add(d), tk.end.Add(d)
		tk.gen++
		w.after(tk.end, Event{Kind: EvTaskPhase, A: k, Gen: tk.gen})
	}
}

// sessionsOn returns the live sessions on a server, in start order. The
// result is a copy: ending a session while iterating must not skip one.
func (w *World) sessionsOn(sv int32) []int32 {
	var out []int32
	for _, slot := range w.active {
		if w.tenants[w.jobs[w.sessions[slot].job].Tenant].Server == sv {
			out = append(out, slot)
		}
	}
	return out
}

// stopService is M13: every tenant operation on the server fails with a
// generic error, restores included.
func (w *World) stopService(sv int32, why string) {
	srv := &w.servers[sv]
	if !srv.service {
		w.reject(sv, None, None, why+": service is not running")
		return
	}
	srv.service = false
	w.emit(Record{Kind: RecServiceStopped, Server: sv, Tenant: None, Job: None, Object: None, Text: why})
	var cut []int32 // tenants whose tasks the stop failed
	for _, slot := range w.sessionsOn(sv) {
		s := &w.sessions[slot]
		if s.waitRetry || s.state == SessionStopped || w.jobs[s.job].Target == TargetLocal {
			continue // M13: local-target jobs are not operations against the server (M8)
		}
		s.failMsg, s.failCause = MsgConnectionFailed, CauseFault
		s.cut = true
		if !slices.Contains(cut, s.tenant) {
			cut = append(cut, s.tenant)
		}
		w.failPending(slot, ResultFailed, CauseFault)
		w.terminateInProcess(slot, ResultFailed, CauseFault)
		if s.inFlight == 0 {
			w.endAttempt(slot)
		}
	}
	// The failed tasks freed their tenants' task slots: a tenant's local
	// job waiting for one starts now (M14: extra tasks wait, M8: a local
	// job runs on), not at the tenant's next task end.
	for _, t := range cut {
		w.pumpTenant(t)
	}
	w.pumpServer(sv)
}

// startService loads the configured message as the effective one (M7).
func (w *World) startService(sv int32, why string) {
	srv := &w.servers[sv]
	if !srv.power {
		w.reject(sv, None, None, why+": server is powered off")
		return
	}
	if srv.service {
		w.reject(sv, None, None, why+": service is already running")
		return
	}
	srv.service = true
	srv.effective = EffectiveMessage(srv.configured)
	w.emit(Record{Kind: RecServiceStarted, Server: sv, Tenant: None, Job: None, Object: None, Text: srv.effective})
}

// disableTenant is M12: running sessions end at once (as an immediate stop,
// no retry), and the tenant starts nothing until enabled.
func (w *World) disableTenant(t int32) {
	tn := &w.tenants[t]
	if !tn.enabled {
		w.reject(tn.Server, t, None, "disable_tenant: tenant is already disabled")
		return
	}
	tn.enabled = false
	w.emit(Record{Kind: RecTenantDisabled, Server: tn.Server, Tenant: t, Job: None, Object: None})
	if w.mut.has(MutDisabledTenantRuns) {
		return
	}
	for _, slot := range append([]int32(nil), w.active...) {
		s := &w.sessions[slot]
		if w.jobs[s.job].Tenant != t || s.state == SessionStopped {
			continue
		}
		s.failMsg, s.failCause = MsgTenantDisabled, CauseDisabled
		s.cut = true
		if s.waitRetry {
			s.waitRetry = false
			for _, o := range s.todo {
				s.obj(o).result = ResultFailed
			}
			w.endSession(slot)
			continue
		}
		w.failPending(slot, ResultFailed, CauseDisabled)
		w.terminateInProcess(slot, ResultFailed, CauseDisabled)
		if s.inFlight == 0 {
			w.endAttempt(slot)
		}
	}
	w.pumpServer(tn.Server)
}

// stopJob is S1–S5.
func (w *World) stopJob(j int32, mode StopMode) {
	jb := &w.jobs[j]
	tn := &w.tenants[jb.Tenant]
	if jb.active == None {
		w.reject(tn.Server, jb.Tenant, j, "stop_job: no running session of "+tn.Name+"/"+jb.Name)
		return
	}
	slot := jb.active
	s := &w.sessions[slot]
	if mode == StopGraceful && !jb.Kind.GracefulStoppable() {
		w.reject(tn.Server, jb.Tenant, j, "stop_job: graceful stop is not available for "+jb.Kind.String()+" jobs (S5); the session runs on")
		return
	}
	if s.stop == StopGraceful && mode == StopGraceful || s.stop == StopImmediate {
		w.reject(tn.Server, jb.Tenant, j, "stop_job: session is already stopping")
		return
	}
	w.put(RecStopRequested, s).Mode = mode
	if s.waitRetry {
		s.waitRetry = false
		s.gen++
		s.stop = mode
		s.s4 = mode == StopGraceful && !s.anyStarted
		w.moveSession(s, SessionStopping, "stop_"+mode.String())
		w.endSession(slot)
		return
	}
	if s.state != SessionStopping {
		// S1: an immediate stop may follow a graceful one; the session is
		// then already Stopping and stays there.
		w.moveSession(s, SessionStopping, "stop_"+mode.String())
	}
	switch mode {
	case StopImmediate:
		s.stop = StopImmediate
		w.failPending(slot, ResultCanceled, CauseStop)
		w.terminateInProcess(slot, ResultFailed, CauseStop)
		if w.mut.has(MutStopRemovesRP) {
			for o, n := range jb.rp {
				if n > 0 && !s.obj(int32(o)).rp {
					jb.rp[o]--
					w.put(RecRestorePointRemoved, s).Object = int32(o)
					break
				}
			}
		}
	case StopGraceful:
		s.stop = StopGraceful
		if !s.anyStarted {
			s.s4 = true // S4
			w.failPending(slot, ResultCanceled, CauseStop)
			break
		}
		w.failPending(slot, ResultCanceled, CauseStop)
		if w.mut.has(MutGracefulDropsRP) {
			w.terminateInProcess(slot, ResultFailed, CauseStop)
		}
		if w.mut.has(MutPartialCommit) {
			w.commitNow(slot)
		}
	}
	if s.inFlight == 0 && s.state != SessionStopped {
		w.endAttempt(slot)
	}
	w.pumpTenant(jb.Tenant)
}

// commitNow ends in-process tasks as committed at once (mutant only).
func (w *World) commitNow(slot int32) {
	s := &w.sessions[slot]
	for _, o := range s.todo[:s.next] {
		k := s.obj(o).task
		if k == None || !w.tasks[k].phase.InProcess() {
			continue
		}
		tk := &w.tasks[k]
		partial := w.transferred(tk)
		w.finishTask(k, ResultSuccess, CauseNone)
		// Overwrite the committed byte count with what had really moved.
		last := &w.ready.Records[len(w.ready.Records)-1]
		last.Bytes = partial
	}
}
