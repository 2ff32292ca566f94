package model_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

var _ = Describe("Manual stop of a job session", func() {
	Describe("S1", func() {
		// vm1 runs 1h → 1h20m: Snapshot until 1h0m30s, Commit from 1h19m30s.
		DescribeTable("S1: a running session can be stopped at any moment",
			func(at sim.Time, phase model.Phase) {
				imm := mustRun(world(1, stopJob(at, 0, model.StopImmediate))).session("nightly", 1)
				Expect(imm.End).To(Equal(at), "an immediate stop ends the session at once")
				Expect(imm.Result).To(Equal(model.ResultFailed))
				Expect(imm.task("vm1").Phase).To(Equal(phase))
				Expect(imm.RP).To(BeEmpty())

				gr := mustRun(world(1, stopJob(at, 0, model.StopGraceful))).session("nightly", 1)
				Expect(gr.End).To(Equal(end(1)), "a graceful stop lets vm1 finish")
				Expect(gr.Result).To(Equal(model.ResultWarning))
				Expect(gr.RP).To(Equal([]string{"vm1"}))
			},
			Entry("in Snapshot", h(1).Add(10*time.Second), model.PhaseSnapshot),
			Entry("in Transfer", h(1).Add(10*time.Minute), model.PhaseTransfer),
			Entry("in Commit", h(1).Add(19*time.Minute+45*time.Second), model.PhaseCommit),
		)

		It("S1: stopping a job with no running session is rejected and recorded", func() {
			tr := mustRun(world(1, stopJob(h(0.5), 0, model.StopImmediate)))
			rej := tr.kinds(model.RecActionRejected)
			Expect(rej).To(HaveLen(1))
			Expect(rej[0].Text).To(ContainSubstring("no running session"))
			Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultSuccess))
		})
	})

	Describe("S2", func() {
		It("S2: immediate stop terminates tasks in process, removes their snapshots, keeps finished restore points, cancels pending ones", func() {
			sp := world(3, stopJob(h(1.5), 0, model.StopImmediate))
			sp.Jobs[0].Retry = model.Retry{Count: 3, Wait: time.Minute}
			tr := mustRun(sp)
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Failed", "vm3:Canceled"}))
			Expect(s.RP).To(Equal([]string{"vm1"}))

			vm2 := s.task("vm2")
			Expect(vm2.At).To(Equal(h(1.5)))
			Expect(vm2.Cause).To(Equal(model.CauseStop))
			Expect(vm2.Phase).To(Equal(model.PhaseTransfer))
			Expect(vm2.Flags.Has(model.FlagStarted | model.FlagSnapshotRemoved)).To(BeTrue())
			Expect(vm2.Flags.Has(model.FlagRestorePoint)).To(BeFalse())
			// vm2 transfers from 1h20m30s to 1h39m30s: at 1h30m it is half way.
			Expect(vm2.Bytes).To(Equal(int64(1 << 29)))

			vm3 := s.task("vm3")
			Expect(vm3.At).To(Equal(h(1.5)))
			Expect(vm3.Phase).To(Equal(model.PhasePending))
			Expect(vm3.Cause).To(Equal(model.CauseStop))
			Expect(vm3.Flags).To(BeZero())

			Expect(s.End).To(Equal(h(1.5)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgStoppedByUser))
			Expect(s.Mode).To(Equal(model.StopImmediate))
			Expect(s.Attempts).To(Equal(int32(1)), "no retry after a manual stop (S8)")
			Expect(tr.kinds(model.RecStopRequested)).To(HaveLen(1))
		})
	})

	Describe("S3", func() {
		It("S3: graceful stop lets tasks in process commit, does not process pending ones, ends Warning", func() {
			tr := mustRun(world(3, stopJob(h(1.5), 0, model.StopGraceful)))
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Canceled"}))
			Expect(s.RP).To(Equal([]string{"vm1", "vm2"}))
			Expect(s.task("vm2").At).To(Equal(end(2)))
			Expect(s.task("vm2").Bytes).To(Equal(int64(1 << 30)))
			vm3 := s.task("vm3")
			Expect(vm3.At).To(Equal(h(1.5)))
			Expect(vm3.Cause).To(Equal(model.CauseStop))
			Expect(vm3.Flags).To(BeZero())
			Expect(s.startedObjects()).To(Equal([]string{"vm1", "vm2"}))
			Expect(s.End).To(Equal(end(2)))
			Expect(s.Result).To(Equal(model.ResultWarning))
			Expect(s.Text).To(Equal(model.MsgStoppedGracefully))
			Expect(s.Mode).To(Equal(model.StopGraceful))
		})

		DescribeTable("S3: graceful_stop_result sets the result",
			func(knob model.Result) {
				sp := world(3, stopJob(h(1.5), 0, model.StopGraceful))
				sp.Semantics.GracefulStopResult = knob
				Expect(mustRun(sp).session("nightly", 1).Result).To(Equal(knob))
			},
			Entry("Warning (default)", model.ResultWarning),
			Entry("Success", model.ResultSuccess),
		)

		It("S3: the default graceful_stop_result is Warning", func() {
			Expect(model.DefaultSemantics().GracefulStopResult).To(Equal(model.ResultWarning))
		})

		It("S3: a graceful stop can be escalated to an immediate one (S1: immediately at any moment)", func() {
			tr := mustRun(world(3, stopJob(h(1.5), 0, model.StopGraceful), stopJob(h(1.5).Add(5*time.Minute), 0, model.StopImmediate)))
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Failed", "vm3:Canceled"}))
			Expect(s.End).To(Equal(h(1.5).Add(5 * time.Minute)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgStoppedByUser))
			Expect(s.Mode).To(Equal(model.StopImmediate))
			Expect(tr.kinds(model.RecStopRequested)).To(HaveLen(2))
		})

		It("S3: a second graceful stop is rejected and the first runs on", func() {
			tr := mustRun(world(3, stopJob(h(1.5), 0, model.StopGraceful), stopJob(h(1.6), 0, model.StopGraceful)))
			Expect(tr.kinds(model.RecActionRejected)).To(HaveLen(1))
			Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultWarning))
		})
	})

	Describe("S4", func() {
		It("S4: a graceful stop before the first object started ends Failed with 'Operation was canceled by user'", func() {
			// acme runs one task at a time: "second" waits behind nightly.
			sp := world(3, stopJob(h(1.5), 1, model.StopGraceful))
			addJob(sp, model.JobSpec{Name: "second", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Objects: objs(2, mins(20)), Schedule: once(h(1.25))})
			tr := mustRun(sp)
			s := tr.session("second", 1)
			Expect(s.End).To(Equal(h(1.5)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgCanceledByUser))
			Expect(s.Text).To(Equal("Operation was canceled by user"))
			Expect(s.Cause).To(Equal(model.CauseStop))
			Expect(s.Starts).To(BeEmpty())
			Expect(s.results()).To(Equal([]string{"vm1:Canceled", "vm2:Canceled"}))
			Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultSuccess), "the other job is untouched")
		})

		It("S4: … also when its first object waits for a server slot", func() {
			sp := world(1, stopJob(h(1).Add(5*time.Minute), 1, model.StopGraceful))
			sp.Servers[0].TaskSlots = 1
			sp.Tenants = append(sp.Tenants, model.TenantSpec{Name: "globex", Server: 0, Client: client("vbr 12"), MaxTasks: 1})
			addJob(sp, model.JobSpec{Name: "queued", Tenant: 1, Kind: model.KindBackup, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Objects: objs(2, mins(20)), Schedule: once(h(1))})
			tr := mustRun(sp)
			s := tr.session("queued", 1)
			Expect(s.End).To(Equal(h(1).Add(5 * time.Minute)))
			Expect(s.Text).To(Equal(model.MsgCanceledByUser))
			Expect(s.results()).To(Equal([]string{"vm1:Canceled", "vm2:Canceled"}))
		})

		It("S4: once an object started (even still in Snapshot) a graceful stop is S3", func() {
			s := mustRun(world(3, stopJob(h(1).Add(10*time.Second), 0, model.StopGraceful))).session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultWarning))
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Canceled", "vm3:Canceled"}))
		})
	})

	Describe("S5", func() {
		DescribeTable("S5: a graceful stop is rejected for jobs that do not support it, and the session runs on",
			func(kind model.JobKind, target model.Target) {
				sp := world(3, stopJob(h(1.5), 0, model.StopGraceful))
				sp.Jobs[0].Kind, sp.Jobs[0].Target = kind, target
				tr := mustRun(sp)
				rej := tr.kinds(model.RecActionRejected)
				Expect(rej).To(HaveLen(1))
				Expect(rej[0].At).To(Equal(h(1.5)))
				Expect(rej[0].Text).To(ContainSubstring("S5"))
				Expect(tr.kinds(model.RecStopRequested)).To(BeEmpty())
				s := tr.session("nightly", 1)
				Expect(s.Result).To(Equal(model.ResultSuccess))
				Expect(s.End).To(Equal(end(3)))
			},
			Entry("backup copy", model.KindBackupCopy, model.TargetCloudRepository),
			Entry("restore", model.KindRestore, model.TargetCloudRepository),
			Entry("failover", model.KindFailover, model.TargetCloudHost),
			Entry("failback", model.KindFailback, model.TargetCloudHost),
		)

		It("S5: an immediate stop still works on a backup copy", func() {
			sp := world(3, stopJob(h(1.5), 0, model.StopImmediate))
			sp.Jobs[0].Kind = model.KindBackupCopy
			s := mustRun(sp).session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.End).To(Equal(h(1.5)))
		})

		DescribeTable("S5: graceful stop is available for VM backup, replication and agent jobs",
			func(kind model.JobKind, platform model.Platform, by model.ManagedBy, target model.Target, cl string) {
				sp := world(3, stopJob(h(1.5), 0, model.StopGraceful))
				sp.Tenants[0].Client = client(cl)
				j := &sp.Jobs[0]
				j.Kind, j.Platform, j.ManagedBy, j.Target = kind, platform, by, target
				tr := mustRun(sp)
				Expect(tr.kinds(model.RecActionRejected)).To(BeEmpty())
				Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultWarning))
			},
			Entry("backup", model.KindBackup, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudRepository, "vbr 12"),
			Entry("replication", model.KindReplication, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudHost, "vbr 12"),
			Entry("agent backup managed by VBR", model.KindAgentBackup, model.PlatformAgent, model.ManagedByVBR, model.TargetCloudRepository, "vbr 12"),
			Entry("standalone agent backup", model.KindAgentBackup, model.PlatformAgent, model.ManagedByAgent, model.TargetCloudRepository, "agent-linux 2.1"),
		)
	})

	Describe("S6", func() {
		It("S6: objects are processed in the order the job lists them, as concurrency allows", func() {
			sp := world(6)
			sp.Tenants[0].MaxTasks = 2
			for i, d := range []int{10, 30, 10, 10, 20, 10} {
				sp.Jobs[0].Objects[i].Duration = mins(d)
			}
			s := mustRun(sp).session("nightly", 1)
			Expect(s.startedObjects()).To(Equal([]string{"vm1", "vm2", "vm3", "vm4", "vm5", "vm6"}))
			var at []time.Duration
			for _, st := range s.Starts {
				at = append(at, (st.At - h(1)).Duration())
			}
			Expect(at).To(Equal([]time.Duration{0, 0, m(10), m(20), m(30), m(30)}))
		})

		It("S6: a tenant's sessions are served in the order they started", func() {
			sp := world(2)
			addJob(sp, model.JobSpec{Name: "second", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Objects: objs(2, mins(20)), Schedule: once(h(1).Add(time.Minute))})
			tr := mustRun(sp)
			Expect(tr.session("nightly", 1).End).To(Equal(end(2)))
			sec := tr.session("second", 1)
			Expect(sec.Starts[0].At).To(Equal(end(2)))
			Expect(sec.End).To(Equal(end(4)))
		})
	})

	Describe("S7", func() {
		It("S7: no stop, maintenance or failure changes a restore point of an earlier session", func() {
			sp := world(3,
				stopJob(h(3.5), 0, model.StopImmediate), // session 2
				enable(h(5.5)), disable(h(6)),           // session 3
				server(h(7.5), model.ActStopService), server(h(8), model.ActStartService), // session 4
				tenantAct(h(9.5), model.ActDisableTenant, 0)) // session 5
			sp.Jobs[0].Schedule = model.Schedule{Kind: model.SchedulePeriodic, First: h(1), Every: 2 * time.Hour}
			tr := mustRun(sp)
			Expect(tr.kinds(model.RecRestorePointRemoved)).To(BeEmpty())
			Expect(tr.session("nightly", 1).RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
			Expect(tr.session("nightly", 2).Result).To(Equal(model.ResultFailed))
			Expect(tr.session("nightly", 3).Result).To(Equal(model.ResultFailed))
			Expect(tr.session("nightly", 4).Result).To(Equal(model.ResultFailed))
			Expect(tr.session("nightly", 5).Result).To(Equal(model.ResultFailed))
			for n := int32(1); n <= tr.sessions("nightly"); n++ {
				Expect(tr.session("nightly", n).Ends).To(Equal(1))
			}
		})
	})

	Describe("S8", func() {
		retrying := func(actions ...model.Action) *model.Spec {
			sp := world(3, actions...)
			sp.Jobs[0].Retry = model.Retry{Count: 2, Wait: 10 * time.Minute}
			return sp
		}

		It("S8: after retry.wait the session processes only the failed objects again; its result is the last attempt's", func() {
			tr := mustRun(retrying(server(h(1.5), model.ActStopService), server(h(1.6), model.ActStartService)))
			s := tr.session("nightly", 1)
			Expect(tr.sessions("nightly")).To(Equal(int32(1)), "retries happen inside the same session")
			Expect(s.Attempts).To(Equal(int32(2)))
			att := tr.kinds(model.RecAttemptStart)
			Expect(att).To(HaveLen(1))
			Expect(att[0].At).To(Equal(h(1.5).Add(10 * time.Minute)))
			Expect(att[0].Attempt).To(Equal(int32(2)))

			Expect(s.startedObjects()).To(Equal([]string{"vm1", "vm2", "vm2", "vm3"}))
			Expect(s.Starts[2].Attempt).To(Equal(int32(2)))
			Expect(s.Starts[2].At).To(Equal(h(1).Add(40 * time.Minute)))
			Expect(s.task("vm2").At).To(Equal(h(2)))
			Expect(s.task("vm3").At).To(Equal(h(2).Add(20 * time.Minute)))
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Success"}))
			Expect(s.RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
			Expect(s.Result).To(Equal(model.ResultSuccess))
			Expect(s.Text).To(BeEmpty())
			Expect(s.End).To(Equal(h(2).Add(20 * time.Minute)))
		})

		It("S8: retries stop after retry.count attempts", func() {
			tr := mustRun(retrying(server(h(1.5), model.ActStopService)))
			s := tr.session("nightly", 1)
			Expect(s.Attempts).To(Equal(int32(3)))
			var at []sim.Time
			for _, r := range tr.kinds(model.RecAttemptStart) {
				at = append(at, r.At)
			}
			Expect(at).To(Equal([]sim.Time{h(1.5).Add(10 * time.Minute), h(1.5).Add(20 * time.Minute)}))
			Expect(s.End).To(Equal(h(1.5).Add(20 * time.Minute)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgConnectionFailed))
			// Only vm2 and vm3 are retried; vm1 keeps its Success.
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Failed", "vm3:Failed"}))
			for _, t := range s.Tasks {
				if t.Attempt > 1 {
					Expect(t.Object).To(BeElementOf("vm2", "vm3"))
				}
			}
		})

		It("S8: no retry after Success", func() {
			tr := mustRun(retrying())
			Expect(tr.session("nightly", 1).Attempts).To(Equal(int32(1)))
			Expect(tr.kinds(model.RecAttemptStart)).To(BeEmpty())
		})

		It("S8: no retry after Warning (graceful stop)", func() {
			tr := mustRun(retrying(stopJob(h(1.5), 0, model.StopGraceful)))
			Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultWarning))
			Expect(tr.kinds(model.RecAttemptStart)).To(BeEmpty())
		})

		It("S8: no retry for a session started manually", func() {
			sp := retrying(startJob(h(1), 0), server(h(1.5), model.ActStopService), server(h(1.6), model.ActStartService))
			sp.Jobs[0].Schedule = manual
			tr := mustRun(sp)
			s := tr.session("nightly", 1)
			Expect(s.Flags.Has(model.FlagManual)).To(BeTrue())
			Expect(s.Attempts).To(Equal(int32(1)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.End).To(Equal(h(1.5)))
		})

		It("S8: no retry for a session stopped manually", func() {
			tr := mustRun(retrying(stopJob(h(1.5), 0, model.StopImmediate)))
			Expect(tr.session("nightly", 1).Attempts).To(Equal(int32(1)))
			Expect(tr.kinds(model.RecAttemptStart)).To(BeEmpty())
		})

		It("S8: a stop during the retry wait ends the session without retrying", func() {
			tr := mustRun(retrying(server(h(1.5), model.ActStopService), server(h(1.55), model.ActStartService),
				stopJob(h(1.5).Add(5*time.Minute), 0, model.StopImmediate)))
			s := tr.session("nightly", 1)
			Expect(s.Attempts).To(Equal(int32(1)))
			Expect(s.End).To(Equal(h(1.5).Add(5 * time.Minute)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgStoppedByUser))
		})

		It("S8: a retry during maintenance fails as M5 says", func() {
			tr := mustRun(retrying(enable(h(1.5))))
			s := tr.session("nightly", 1)
			Expect(s.Attempts).To(Equal(int32(3)))
			Expect(s.startedObjects()).To(Equal([]string{"vm1", "vm2"}), "no task runs in a retry during maintenance")
			var retried []taskOut
			for _, t := range s.Tasks {
				if t.Attempt > 1 {
					retried = append(retried, t)
				}
			}
			Expect(retried).To(HaveLen(2))
			for _, t := range retried {
				Expect(t.Object).To(Equal("vm3"))
				Expect(t.Result).To(Equal(model.ResultFailed))
				Expect(t.Cause).To(Equal(model.CauseMaintenance))
				Expect(t.Phase).To(Equal(model.PhasePending))
				Expect(t.Flags).To(BeZero())
			}
			// Attempt 1 ends when vm2 commits (1h40m); retries at 1h50m and 2h.
			Expect(retried[0].At).To(Equal(end(2).Add(10 * time.Minute)))
			Expect(s.End).To(Equal(end(2).Add(20 * time.Minute)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.DefaultNotice))
		})

		It("S8: a retry after maintenance ended runs normally", func() {
			tr := mustRun(retrying(enable(h(1.5)), disable(end(2).Add(5*time.Minute))))
			s := tr.session("nightly", 1)
			Expect(s.Attempts).To(Equal(int32(2)))
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Success"}))
			Expect(s.End).To(Equal(end(2).Add(30 * time.Minute)))
			Expect(s.Result).To(Equal(model.ResultSuccess))
		})
	})
})

var _ = Describe("Scheduling", func() {
	It("a scheduled start while the previous session runs waits and starts when it ends (FlagLate)", func() {
		sp := world(3)
		sp.Jobs[0].Schedule = model.Schedule{Kind: model.SchedulePeriodic, First: h(1), Every: 50 * time.Minute}
		sp.Until = h(3.5)
		tr := mustRun(sp)
		s2 := tr.session("nightly", 2)
		Expect(s2.Start).To(Equal(end(3)))
		Expect(s2.Flags.Has(model.FlagLate)).To(BeTrue())
		Expect(tr.session("nightly", 1).Flags.Has(model.FlagLate)).To(BeFalse())
	})

	It("a manual start while a session runs is rejected", func() {
		tr := mustRun(world(3, startJob(h(1.5), 0)))
		Expect(tr.sessions("nightly")).To(Equal(int32(1)))
		rej := tr.kinds(model.RecActionRejected)
		Expect(rej).To(HaveLen(1))
		Expect(rej[0].Text).To(ContainSubstring("already running"))
	})

	It("the same spec gives the same records (determinism)", func() {
		sp := world(5, enable(h(1.5)), disable(h(3)))
		sp.Jobs[0].Objects[0].Duration = sim.Dist{Kind: sim.DistLognormal, A: float64(10 * time.Minute), B: float64(40 * time.Minute)}
		sp.Jobs[0].Schedule = model.Schedule{Kind: model.SchedulePeriodic, First: h(1), Every: 4 * time.Hour,
			Jitter: sim.Dist{Kind: sim.DistUniform, A: 0, B: float64(time.Hour)}}
		a, b := mustRun(sp), mustRun(sp)
		Expect(a.recs).To(Equal(b.recs))
	})

	It("adding a tenant does not change another tenant's draws", func() {
		random := func(sp *model.Spec) {
			for i := range sp.Jobs {
				for k := range sp.Jobs[i].Objects {
					sp.Jobs[i].Objects[k].SizeBytes = sim.Dist{Kind: sim.DistUniform, A: 1 << 30, B: 4 << 30}
					sp.Jobs[i].Objects[k].Duration = sim.Dist{Kind: sim.DistExponential, A: float64(15 * time.Minute)}
				}
				sp.Jobs[i].Schedule.Jitter = sim.Dist{Kind: sim.DistUniform, A: 0, B: float64(time.Hour)}
			}
		}
		alone := world(4)
		random(alone)
		crowded := world(4)
		crowded.Servers = append([]model.ServerSpec{{Name: "cc-00", Version: model.MustVersion("12")}}, crowded.Servers...)
		crowded.Tenants[0].Server = 1
		crowded.Tenants = append([]model.TenantSpec{{Name: "aaa", Server: 0, Client: client("vbr 12")}}, crowded.Tenants...)
		crowded.Jobs[0].Tenant = 1
		crowded.Jobs = append([]model.JobSpec{{Name: "nightly", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs(4, mins(1)), Schedule: once(h(1))}}, crowded.Jobs...)
		random(crowded)
		a := mustRun(alone).session("nightly", 1)
		tr := mustRun(crowded)
		j := tr.jobIndex("nightly")
		Expect(j).To(Equal(int32(0)), "the newcomer is first in every list")
		// acme's job is index 1 in the crowded world.
		var got []taskOut
		for _, r := range tr.recs {
			if r.Kind == model.RecTaskStart && r.Job == 1 {
				got = append(got, taskOut{Object: crowded.Jobs[1].Objects[r.Object].Name, At: r.At, Attempt: r.Attempt,
					Phase: r.Phase, Bytes: r.Bytes, Due: r.Due})
			}
		}
		Expect(got).To(Equal(a.Starts))
	})
})
