package model_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// genSpec draws a small random world with random operator actions: every
// kind, platform, target, client and action, at random times. Most of the
// combinations are nonsense a YAML validator would refuse; the model must
// still never make an illegal transition.
func genSpec(t *rapid.T) *model.Spec {
	until := h(8)
	at := func(label string) sim.Time {
		return sim.Time(rapid.Int64Range(0, int64(h(7))).Draw(t, label)) / sim.Time(time.Minute) * sim.Time(time.Minute)
	}
	sp := &model.Spec{Name: "prop", Seed: rapid.Uint64().Draw(t, "seed"), Start: t0, Until: until,
		Semantics: model.DefaultSemantics()}
	sp.Semantics.ReplicationInMaintenance = model.Knob(rapid.IntRange(0, 1).Draw(t, "m9"))
	sp.Semantics.VCDBackupInMaintenance = model.Knob(rapid.IntRange(0, 1).Draw(t, "m10"))
	sp.Semantics.GracefulStopResult = rapid.SampledFrom([]model.Result{model.ResultWarning, model.ResultSuccess}).Draw(t, "s3")

	for i := range rapid.IntRange(1, 2).Draw(t, "servers") {
		sp.Servers = append(sp.Servers, model.ServerSpec{
			Name:               fmt.Sprintf("cc%d", i),
			Version:            rapid.SampledFrom([]model.Version{model.MustVersion("9.5"), model.MustVersion("9.5u3"), model.MustVersion("12")}).Draw(t, "version"),
			TaskSlots:          int32(rapid.IntRange(0, 3).Draw(t, "slots")),
			BandwidthBps:       rapid.SampledFrom([]int64{0, 1_000_000_000}).Draw(t, "bw"),
			MaintenanceMessage: rapid.SampledFrom([]string{"", "custom"}).Draw(t, "msg"),
			Maintenance:        rapid.IntRange(0, 5).Draw(t, "inmaint") == 0,
			ServiceStopped:     rapid.IntRange(0, 8).Draw(t, "stopped") == 0,
			PoweredOff:         rapid.IntRange(0, 8).Draw(t, "off") == 0,
		})
	}
	clients := []string{"vbr 9.5", "vbr 12", "vac 9.5u3", "agent-windows 2.0", "agent-linux 2.1"}
	for i := range rapid.IntRange(1, 3).Draw(t, "tenants") {
		sp.Tenants = append(sp.Tenants, model.TenantSpec{
			Name:         fmt.Sprintf("t%d", i),
			Server:       int32(rapid.IntRange(0, len(sp.Servers)-1).Draw(t, "server")),
			Client:       client(rapid.SampledFrom(clients).Draw(t, "client")),
			MaxTasks:     int32(rapid.IntRange(0, 3).Draw(t, "max")),
			BandwidthBps: rapid.SampledFrom([]int64{0, 100_000_000}).Draw(t, "tbw"),
			Disabled:     rapid.IntRange(0, 8).Draw(t, "disabled") == 0,
		})
	}
	for i := range rapid.IntRange(1, 6).Draw(t, "jobs") {
		j := model.JobSpec{
			Name:      fmt.Sprintf("j%d", i),
			Tenant:    int32(rapid.IntRange(0, len(sp.Tenants)-1).Draw(t, "tenant")),
			Kind:      model.JobKind(rapid.IntRange(0, int(model.KindCDP)).Draw(t, "kind")),
			Platform:  model.Platform(rapid.IntRange(0, int(model.PlatformAgent)).Draw(t, "platform")),
			ManagedBy: model.ManagedBy(rapid.IntRange(0, 1).Draw(t, "by")),
			Target:    model.Target(rapid.IntRange(0, int(model.TargetLocal)).Draw(t, "target")),
			Retry:     model.Retry{Count: int32(rapid.IntRange(0, 2).Draw(t, "retries")), Wait: time.Duration(rapid.IntRange(0, 15).Draw(t, "wait")) * time.Minute},
		}
		for k := range rapid.IntRange(1, 4).Draw(t, "objects") {
			o := model.ObjectSpec{Name: fmt.Sprintf("o%d", k), SizeBytes: sim.Const(float64(int64(rapid.IntRange(1, 8).Draw(t, "gib")) << 30))}
			switch rapid.IntRange(0, 2).Draw(t, "dur") {
			case 0:
				o.Duration = mins(rapid.IntRange(1, 40).Draw(t, "mins"))
			case 1:
				o.Duration = sim.Dist{Kind: sim.DistUniform, A: float64(time.Minute), B: float64(30 * time.Minute)}
			}
			j.Objects = append(j.Objects, o)
		}
		switch rapid.IntRange(0, 2).Draw(t, "sched") {
		case 0:
			j.Schedule = manual
		case 1:
			j.Schedule = once(at("first"))
		case 2:
			j.Schedule = model.Schedule{Kind: model.SchedulePeriodic, First: at("first"),
				Every: time.Duration(rapid.IntRange(10, 120).Draw(t, "every")) * time.Minute}
		}
		sp.Jobs = append(sp.Jobs, j)
	}
	for range rapid.IntRange(0, 40).Draw(t, "actions") {
		a := model.Action{
			At:     at("at"),
			Do:     model.ActionKind(rapid.IntRange(1, int(model.ActMoveBackups)).Draw(t, "do")),
			Server: int32(rapid.IntRange(0, len(sp.Servers)-1).Draw(t, "aserver")),
			Tenant: int32(rapid.IntRange(0, len(sp.Tenants)-1).Draw(t, "atenant")),
			Job:    int32(rapid.IntRange(0, len(sp.Jobs)-1).Draw(t, "ajob")),
			Text:   rapid.SampledFrom([]string{"", "new message"}).Draw(t, "text"),
		}
		if a.Do == model.ActStopJob {
			a.Mode = model.StopMode(rapid.IntRange(1, 2).Draw(t, "mode"))
		}
		sp.Actions = append(sp.Actions, a)
	}
	return sp
}

type taskKey struct{ job, n, obj, attempt int32 }
type sessKey struct{ job, n int32 }

// wellFormed checks the lifecycle and the rules that hold in every world,
// faults included. It returns the first problem found.
func wellFormed(sp *model.Spec, recs []model.Record) error {
	var last sim.Time
	sessions := map[sessKey]model.Record{} // live sessions, by their start
	ended := map[sessKey]bool{}
	started := map[taskKey]bool{}
	tenantIn, serverIn := map[int32]int32{}, map[int32]int32{}
	jobFlags := map[int32]model.Flags{}
	maint := map[int32]bool{}
	enabledAt := map[int32]int{} // server → record index of the last enable
	sessStartIdx := map[sessKey]int{}
	inProcessAtEnable := map[taskKey]bool{}
	taskServer := map[taskKey]int32{}
	tenantOn := map[int32]bool{}    // M12
	serviceUp := map[int32]bool{}   // M13
	effective := map[int32]string{} // M7: the message loaded at service start
	clientOf := map[int32]model.Client{}
	stopAt := map[sessKey]model.StopMode{}
	manualS := map[sessKey]bool{}
	for i, r := range recs {
		if r.At < last {
			return fmt.Errorf("record %d: time went back from %s to %s", i, last, r.At)
		}
		last = r.At
		sk := sessKey{r.Job, r.N}
		tk := taskKey{r.Job, r.N, r.Object, r.Attempt}
		if r.N > 0 && ended[sk] {
			return fmt.Errorf("record %d (%s): session %v acts after its end", i, r.Kind, sk)
		}
		switch r.Kind {
		case model.RecServer:
			maint[r.Server] = r.Flags.Has(model.FlagMaintenance)
			enabledAt[r.Server] = -1
			serviceUp[r.Server] = r.Flags.Has(model.FlagServiceRunning)
			effective[r.Server] = r.Decl.ConfiguredMessage
			if effective[r.Server] == "" {
				effective[r.Server] = model.DefaultNotice
			}
		case model.RecTenant:
			tenantOn[r.Tenant] = r.Flags.Has(model.FlagEnabled)
			clientOf[r.Tenant] = r.Decl.Client
		case model.RecTenantDisabled:
			tenantOn[r.Tenant] = false
		case model.RecTenantEnabled:
			tenantOn[r.Tenant] = true
		case model.RecServiceStarted:
			serviceUp[r.Server] = true
			effective[r.Server] = r.Text
		case model.RecServiceStopped:
			serviceUp[r.Server] = false
		case model.RecStopRequested:
			if stopAt[sk] != model.StopImmediate {
				stopAt[sk] = r.Mode
			}
		case model.RecAttemptStart:
			// S8: retries only for scheduled, unstopped sessions, at most retry.count.
			if manualS[sk] || stopAt[sk] != model.StopNone {
				return fmt.Errorf("record %d: session %v retries after a manual start or stop", i, sk)
			}
			if r.Attempt > sp.Jobs[r.Job].Retry.Count+1 {
				return fmt.Errorf("record %d: session %v attempt %d > 1 + retry.count", i, sk, r.Attempt)
			}
		case model.RecJob:
			jobFlags[r.Job] = r.Flags
		case model.RecMaintenanceEnabled:
			maint[r.Server] = true
			enabledAt[r.Server] = i
			for k, sv := range taskServer {
				if sv == r.Server && jobFlags[k.job].Has(model.FlagAffected) && !jobFlags[k.job].Has(model.FlagStandaloneAgent) {
					inProcessAtEnable[k] = true
				}
			}
		case model.RecMaintenanceDisabled:
			maint[r.Server] = false
		case model.RecSessionStart:
			if _, dup := sessions[sk]; dup {
				return fmt.Errorf("record %d: session %v starts twice", i, sk)
			}
			sessions[sk] = r
			sessStartIdx[sk] = i
			manualS[sk] = r.Flags.Has(model.FlagManual)
		case model.RecSessionEnd:
			if _, ok := sessions[sk]; !ok {
				return fmt.Errorf("record %d: session %v ends without a start", i, sk)
			}
			if r.Result != model.ResultSuccess && r.Result != model.ResultWarning && r.Result != model.ResultFailed {
				return fmt.Errorf("record %d: session result %s", i, r.Result)
			}
			for k := range started {
				if k.job == r.Job && k.n == r.N {
					return fmt.Errorf("record %d: session %v ends with task %v in process", i, sk, k)
				}
			}
			// S2: an immediate stop ends the session at once, Failed.
			if stopAt[sk] == model.StopImmediate && r.Result != model.ResultFailed {
				return fmt.Errorf("record %d: session %v stopped immediately but ended %s", i, sk, r.Result)
			}
			// M6/M7: a maintenance failure shows the effective notice to a
			// client that supports it, the generic error to others.
			if r.Result == model.ResultFailed && r.Cause == model.CauseMaintenance {
				want := model.MsgConnectionFailed
				if clientOf[r.Tenant].SupportsNotice() && serviceUp[r.Server] {
					want = effective[r.Server]
				}
				if r.Text != want {
					return fmt.Errorf("record %d: session %v maintenance message %q, want %q", i, sk, r.Text, want)
				}
			}
			if r.Cause == model.CauseFault && r.Text != model.MsgConnectionFailed {
				return fmt.Errorf("record %d: session %v fault message %q (M13)", i, sk, r.Text)
			}
			delete(sessions, sk)
			ended[sk] = true
		case model.RecTaskStart:
			if started[tk] {
				return fmt.Errorf("record %d: task %v starts twice", i, tk)
			}
			// M5/INV-03: no affected task starts in maintenance, except in a
			// standalone agent session that ran before the enable (M4).
			if maint[r.Server] && jobFlags[r.Job].Has(model.FlagAffected) {
				grand := jobFlags[r.Job].Has(model.FlagStandaloneAgent) && sessStartIdx[sk] < enabledAt[r.Server]
				if !grand {
					return fmt.Errorf("record %d: affected task %v starts while its server is in maintenance", i, tk)
				}
			}
			if !tenantOn[r.Tenant] {
				return fmt.Errorf("record %d: task %v starts for a disabled tenant (M12)", i, tk)
			}
			if !serviceUp[r.Server] && sp.Jobs[r.Job].Target != model.TargetLocal {
				return fmt.Errorf("record %d: task %v starts with the service down (M13)", i, tk)
			}
			started[tk] = true
			taskServer[tk] = r.Server
			tenantIn[r.Tenant]++
			if sp.Jobs[r.Job].Target != model.TargetLocal { // M8: local work takes no server slot
				serverIn[r.Server]++
			}
			if mx := sp.Tenants[r.Tenant].MaxTasks; mx > 0 && tenantIn[r.Tenant] > mx {
				return fmt.Errorf("record %d: tenant %d has %d tasks in process (max %d)", i, r.Tenant, tenantIn[r.Tenant], mx)
			}
			if mx := sp.Servers[r.Server].TaskSlots; mx > 0 && serverIn[r.Server] > mx {
				return fmt.Errorf("record %d: server %d has %d tasks in process (slots %d)", i, r.Server, serverIn[r.Server], mx)
			}
		case model.RecTaskEnd:
			was := started[tk]
			if r.Flags.Has(model.FlagStarted) != was {
				return fmt.Errorf("record %d: task %v end says started=%v, start record says %v", i, tk, r.Flags.Has(model.FlagStarted), was)
			}
			switch r.Result {
			case model.ResultSuccess:
				if !was {
					return fmt.Errorf("record %d: task %v succeeded without starting", i, tk)
				}
				if r.Flags.Has(model.FlagRestorePoint) != sp.Jobs[r.Job].Kind.CreatesRestorePoints() {
					return fmt.Errorf("record %d: task %v restore point flag wrong for %s", i, tk, sp.Jobs[r.Job].Kind)
				}
			case model.ResultFailed:
				if r.Flags.Has(model.FlagRestorePoint) {
					return fmt.Errorf("record %d: failed task %v left a restore point", i, tk)
				}
			case model.ResultCanceled:
				if was || r.Cause != model.CauseStop || r.Flags != 0 {
					return fmt.Errorf("record %d: canceled task %v started=%v cause=%s flags=%b", i, tk, was, r.Cause, r.Flags)
				}
			default:
				return fmt.Errorf("record %d: task result %q", i, r.Result)
			}
			if was && !r.Flags.Has(model.FlagSnapshotRemoved) {
				return fmt.Errorf("record %d: task %v left its snapshot", i, tk)
			}
			// M3/INV-04: in process at enable ⇒ finishes, unless a stop or a
			// fault ended it.
			if inProcessAtEnable[tk] && r.Result != model.ResultSuccess &&
				r.Cause != model.CauseStop && r.Cause != model.CauseFault && r.Cause != model.CauseDisabled {
				return fmt.Errorf("record %d: task %v was in process at enable and ended %s (%s)", i, tk, r.Result, r.Cause)
			}
			delete(inProcessAtEnable, tk)
			if was {
				delete(started, tk)
				delete(taskServer, tk)
				tenantIn[r.Tenant]--
				if sp.Jobs[r.Job].Target != model.TargetLocal {
					serverIn[r.Server]--
				}
			}
		case model.RecRestorePointRemoved:
			return fmt.Errorf("record %d: a restore point was removed (S7)", i)
		}
	}
	return nil
}

var _ = Describe("Model properties (random worlds and action sequences)", func() {
	It("never makes an illegal transition, and every lifecycle is well formed", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			sp := genSpec(t)
			recs, err := run(sp)
			g.Expect(err).NotTo(HaveOccurred())
			tr := &trace{spec: sp, recs: recs}
			if err := wellFormed(sp, recs); err != nil {
				t.Fatalf("%v\n%s", err, tr.dump())
			}
		})
	})

	It("is deterministic: the same random world gives the same records", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			sp := genSpec(t)
			a, errA := run(sp)
			b, errB := run(sp)
			g.Expect(errA).NotTo(HaveOccurred())
			g.Expect(errB).NotTo(HaveOccurred())
			g.Expect(a).To(Equal(b))
		})
	})

	It("keeps a session's objects inline or in a slice of their own alike (jobs of more than 16 objects)", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			sp := genSpec(t)
			inline, errA := run(sp)
			restore := model.SetInlineLimit(0) // every session's objects in the slice
			apart, errB := run(sp)
			restore()
			g.Expect(errA).NotTo(HaveOccurred())
			g.Expect(errB).NotTo(HaveOccurred())
			g.Expect(apart).To(Equal(inline))
		})
	})
})

// The property above is a checker too, so it must be shown able to fail:
// under each deliberately broken model some generated world trips it.
var _ = Describe("Model properties catch broken models", func() {
	specs := rapid.Custom(func(t *rapid.T) *model.Spec { return genSpec(t) })
	DescribeTable("wellFormed rejects a mutant on some random world",
		func(m model.Mutant) {
			for i := range 400 {
				sp := specs.Example(i)
				sp.Mutants = m
				recs, err := run(sp)
				if err != nil || wellFormed(sp, recs) != nil {
					return // caught
				}
			}
			Fail("no generated world exposed the mutant")
		},
		Entry("M5: maintenance lets new sessions start", model.MutMaintAllowsStart),
		Entry("S2: failed tasks leave their snapshot", model.MutSnapshotLeft),
		Entry("M14: max_concurrent_tasks ignored", model.MutTenantLimitIgnored),
		Entry("S2: an immediate stop keeps the in-process restore point", model.MutImmediateKeepsRP),
	)
})
