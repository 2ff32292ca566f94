package model_test

import (
	"fmt"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// trace is a finished run's records with name lookups, so specs can ask
// about "nightly#1/vm2" instead of indices.
type trace struct {
	spec *model.Spec
	recs []model.Record
}

// mustRun runs spec and fails the spec on any engine or model error
// (a TransitionError included).
func mustRun(spec *model.Spec) *trace {
	recs, err := run(spec)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return &trace{spec: spec, recs: recs}
}

func (t *trace) jobIndex(name string) int32 {
	for i, j := range t.spec.Jobs {
		if j.Name == name {
			return int32(i)
		}
	}
	panic("no job " + name)
}

// session is one session's outcome read from the trace.
type session struct {
	Start, End sim.Time
	Flags      model.Flags
	Result     model.Result
	Text       string
	Cause      model.Cause
	Mode       model.StopMode
	Attempts   int32
	Ends       int       // session_end records (exactly one when well formed)
	Tasks      []taskOut // every task_end, in order (several per object with S8 retries)
	Starts     []taskOut // every task_start, in order
	RP         []string  // objects that committed a restore point, in commit order
	job        *model.JobSpec
}

// taskOut is one task_start or task_end.
type taskOut struct {
	Object  string
	At      sim.Time
	Attempt int32
	Result  model.Result
	Phase   model.Phase
	Cause   model.Cause
	Flags   model.Flags
	Bytes   int64
	Due     sim.Time
}

// session returns job's Nth session ("nightly", 1).
func (t *trace) session(job string, n int32) session {
	GinkgoHelper()
	return t.sessionOf(t.jobIndex(job), n)
}

// sessionOf is session by job index (job names repeat across tenants).
func (t *trace) sessionOf(j int32, n int32) session {
	GinkgoHelper()
	spec := &t.spec.Jobs[j]
	out := session{Start: -1, End: -1, job: spec}
	for _, r := range t.recs {
		if r.Job != j || r.N != n {
			continue
		}
		switch r.Kind {
		case model.RecSessionStart:
			out.Start, out.Flags, out.Attempts = r.At, r.Flags, 1
		case model.RecAttemptStart:
			out.Attempts = r.Attempt
		case model.RecSessionEnd:
			out.End, out.Result, out.Text, out.Cause, out.Mode = r.At, r.Result, r.Text, r.Cause, r.Mode
			out.Ends++
		case model.RecTaskStart:
			out.Starts = append(out.Starts, taskOut{Object: spec.Objects[r.Object].Name, At: r.At, Attempt: r.Attempt,
				Phase: r.Phase, Bytes: r.Bytes, Due: r.Due})
		case model.RecTaskEnd:
			to := taskOut{Object: spec.Objects[r.Object].Name, At: r.At, Attempt: r.Attempt, Result: r.Result,
				Phase: r.Phase, Cause: r.Cause, Flags: r.Flags, Bytes: r.Bytes}
			out.Tasks = append(out.Tasks, to)
			if r.Flags.Has(model.FlagRestorePoint) {
				out.RP = append(out.RP, to.Object)
			}
		}
	}
	Expect(out.Start).NotTo(Equal(sim.Time(-1)), "session %s#%d never started", spec.Name, n)
	return out
}

// task returns the last task_end of object obj (the last attempt's).
func (s session) task(obj string) taskOut {
	for i := len(s.Tasks) - 1; i >= 0; i-- {
		if s.Tasks[i].Object == obj {
			return s.Tasks[i]
		}
	}
	panic(fmt.Sprintf("no task_end for %s", obj))
}

// results maps each object to its last task result, as "vm1:Success".
func (s session) results() []string {
	var out []string
	for _, o := range s.job.Objects {
		for i := len(s.Tasks) - 1; i >= 0; i-- {
			if s.Tasks[i].Object == o.Name {
				out = append(out, o.Name+":"+s.Tasks[i].Result.String())
				break
			}
		}
	}
	return out
}

// startedObjects lists objects in task_start order.
func (s session) startedObjects() []string {
	var out []string
	for _, st := range s.Starts {
		out = append(out, st.Object)
	}
	return out
}

// sessions counts a job's sessions.
func (t *trace) sessions(job string) int32 {
	j := t.jobIndex(job)
	var n int32
	for _, r := range t.recs {
		if r.Kind == model.RecSessionStart && r.Job == j {
			n++
		}
	}
	return n
}

// kinds returns the records of one kind.
func (t *trace) kinds(k model.RecordKind) []model.Record {
	var out []model.Record
	for _, r := range t.recs {
		if r.Kind == k {
			out = append(out, r)
		}
	}
	return out
}

// inProcessPeak replays task_start/task_end and returns the largest number
// of tasks in process at once, per tenant and per server.
func (t *trace) inProcessPeak() (perTenant map[int32]int, perServer map[int32]int) {
	perTenant, perServer = map[int32]int{}, map[int32]int{}
	tn, sv := map[int32]int{}, map[int32]int{}
	for _, r := range t.recs {
		switch {
		case r.Kind == model.RecTaskStart:
			tn[r.Tenant]++
			sv[r.Server]++
			perTenant[r.Tenant] = max(perTenant[r.Tenant], tn[r.Tenant])
			perServer[r.Server] = max(perServer[r.Server], sv[r.Server])
		case r.Kind == model.RecTaskEnd && r.Flags.Has(model.FlagStarted):
			tn[r.Tenant]--
			sv[r.Server]--
		}
	}
	return
}

// dump renders records for failure messages.
func (t *trace) dump() string {
	var b strings.Builder
	for _, r := range t.recs {
		if r.Decl != nil {
			continue
		}
		fmt.Fprintf(&b, "%-14s %-22s job=%d#%d obj=%d att=%d res=%s ph=%s cause=%s flags=%b due=%s %q\n",
			r.At, r.Kind, r.Job, r.N, r.Object, r.Attempt, r.Result, r.Phase, r.Cause, r.Flags, r.Due, r.Text)
	}
	return b.String()
}

// ---- spec builders ----

func h(x float64) sim.Time { return sim.Time(x * float64(time.Hour)) }

func m(x float64) time.Duration { return time.Duration(x * float64(time.Minute)) }

func enable(t sim.Time) model.Action  { return model.Action{At: t, Do: model.ActEnableMaintenance} }
func disable(t sim.Time) model.Action { return model.Action{At: t, Do: model.ActDisableMaintenance} }
func stopJob(t sim.Time, job int32, mode model.StopMode) model.Action {
	return model.Action{At: t, Do: model.ActStopJob, Job: job, Mode: mode}
}
func startJob(t sim.Time, job int32) model.Action {
	return model.Action{At: t, Do: model.ActStartJob, Job: job}
}
func server(t sim.Time, do model.ActionKind) model.Action { return model.Action{At: t, Do: do} }
func tenantAct(t sim.Time, do model.ActionKind, tenant int32) model.Action {
	return model.Action{At: t, Do: do, Tenant: tenant}
}
func setMessage(t sim.Time, text string) model.Action {
	return model.Action{At: t, Do: model.ActSetMaintenanceMessage, Text: text}
}

// client parses "vbr 9.5u3".
func client(s string) model.Client {
	c, err := model.ParseClient(s)
	if err != nil {
		panic(err)
	}
	return c
}

// addJob appends a job to tenant 0 and returns its index.
func addJob(sp *model.Spec, j model.JobSpec) int32 {
	if j.Objects == nil {
		j.Objects = objs(1, mins(20))
	}
	sp.Jobs = append(sp.Jobs, j)
	return int32(len(sp.Jobs) - 1)
}

func once(t sim.Time) model.Schedule { return model.Schedule{Kind: model.ScheduleOnce, First: t} }

var manual = model.Schedule{Kind: model.ScheduleManual}

// sortedKeys is for stable failure messages.
func sortedKeys(mp map[int32]int) []int32 {
	var ks []int32
	for k := range mp {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}
