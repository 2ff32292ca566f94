package model_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// Times in these specs follow from world(): the job starts at +1h, tasks
// run one at a time (max_concurrent_tasks 1) and each takes exactly 20m:
// Snapshot min(30s, 2m) = 30s, Transfer 19m, Commit 30s. Object k (from 1)
// therefore runs from 1h+(k-1)·20m to 1h+k·20m.
func end(k int) sim.Time { return h(1).Add(time.Duration(k) * 20 * time.Minute) }

var _ = Describe("Cloud Connect maintenance (vcc profile)", func() {
	Describe("M1", func() {
		It("M1: enabling on a server older than 9.5 U3 is rejected with an error and nothing changes", func() {
			sp := world(3, enable(h(1.5)))
			sp.Servers[0].Version = model.MustVersion("9.5")
			tr := mustRun(sp)
			rej := tr.kinds(model.RecMaintenanceRejected)
			Expect(rej).To(HaveLen(1))
			Expect(rej[0].At).To(Equal(h(1.5)))
			Expect(rej[0].Text).To(ContainSubstring("9.5 Update 3"))
			Expect(tr.kinds(model.RecMaintenanceEnabled)).To(BeEmpty())
			s := tr.session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultSuccess))
			Expect(s.RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
			Expect(s.End).To(Equal(end(3)))
		})

		It("M1: a 9.5 U3 server accepts it", func() {
			sp := world(3, enable(h(1.5)))
			sp.Servers[0].Version = model.MustVersion("9.5u3")
			tr := mustRun(sp)
			Expect(tr.kinds(model.RecMaintenanceRejected)).To(BeEmpty())
			Expect(tr.kinds(model.RecMaintenanceEnabled)).To(HaveLen(1))
			Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultFailed))
		})
	})

	Describe("M2", func() {
		It("M2: enabling when on and disabling when off change nothing and are recorded", func() {
			tr := mustRun(world(1, disable(h(0.1)), enable(h(0.2)), enable(h(0.3)), disable(h(0.4)), disable(h(0.5))))
			var got []string
			for _, r := range tr.recs {
				switch r.Kind {
				case model.RecMaintenanceEnabled, model.RecMaintenanceDisabled, model.RecMaintenanceUnchanged:
					got = append(got, r.At.String()+" "+r.Kind.String())
				}
			}
			Expect(got).To(Equal([]string{
				"+6m0s maintenance_unchanged",
				"+12m0s maintenance_enabled",
				"+18m0s maintenance_unchanged",
				"+24m0s maintenance_disabled",
				"+30m0s maintenance_unchanged",
			}))
			Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultSuccess), "the state is Active again")
		})

		It("M2: there is no pending state: maintenance holds the instant it is enabled, while sessions still drain", func() {
			sp := world(3, enable(h(1.5)), startJob(h(1.5), 1))
			addJob(sp, model.JobSpec{Name: "copy", Tenant: 0, Kind: model.KindBackupCopy, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Schedule: manual})
			tr := mustRun(sp)
			c := tr.session("copy", 1)
			Expect(c.Start).To(Equal(h(1.5)))
			Expect(c.End).To(Equal(h(1.5)))
			Expect(c.Result).To(Equal(model.ResultFailed))
			Expect(c.Text).To(Equal(model.DefaultNotice))
			Expect(tr.session("nightly", 1).End).To(Equal(end(2)), "nightly is still draining")
		})

		It("M2: the state is configuration: it survives a service restart and a power cycle", func() {
			tr := mustRun(world(1, enable(h(0.25)),
				server(h(0.5), model.ActRestartService),
				server(h(0.6), model.ActPowerOff), server(h(0.75), model.ActPowerOn)))
			Expect(tr.kinds(model.RecMaintenanceDisabled)).To(BeEmpty())
			Expect(tr.kinds(model.RecServiceStarted)).To(HaveLen(2))
			s := tr.session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Cause).To(Equal(model.CauseMaintenance))
			Expect(s.Text).To(Equal(model.DefaultNotice))
		})

		It("M2: a server declared in maintenance starts in it", func() {
			sp := world(1)
			sp.Servers[0].Maintenance = true
			tr := mustRun(sp)
			Expect(tr.kinds(model.RecServer)[0].Flags.Has(model.FlagMaintenance)).To(BeTrue())
			Expect(tr.session("nightly", 1).Cause).To(Equal(model.CauseMaintenance))
		})
	})

	Describe("M3", func() {
		It("M3: tasks in process finish, later tasks fail", func() {
			tr := mustRun(world(3, enable(h(1.5))))
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Failed"}))
			Expect(s.RP).To(Equal([]string{"vm1", "vm2"}), "the in-process vm2 commits its restore point")

			vm2 := s.task("vm2")
			Expect(vm2.At).To(Equal(end(2)), "vm2 transfers to the end")
			Expect(vm2.Flags.Has(model.FlagStarted | model.FlagSnapshotRemoved | model.FlagRestorePoint)).To(BeTrue())
			Expect(vm2.Bytes).To(Equal(int64(1 << 30)))

			vm3 := s.task("vm3")
			Expect(vm3.At).To(Equal(h(1.5)), "pending objects fail at the moment of enable")
			Expect(vm3.Phase).To(Equal(model.PhasePending))
			Expect(vm3.Cause).To(Equal(model.CauseMaintenance))
			Expect(vm3.Flags.Has(model.FlagStarted)).To(BeFalse())

			Expect(s.startedObjects()).To(Equal([]string{"vm1", "vm2"}), "no task starts after enable")
			Expect(s.End).To(Equal(end(2)), "the attempt ends when the in-process task ends")
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.DefaultNotice))
			Expect(s.Cause).To(Equal(model.CauseMaintenance))
			Expect(s.Ends).To(Equal(1))
		})

		It("M3: a task still in its Snapshot phase is in process and finishes", func() {
			tr := mustRun(world(3, enable(end(1).Add(10*time.Second))))
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Failed"}))
			Expect(s.task("vm2").At).To(Equal(end(2)))
		})

		It("M3: a task in its Commit phase finishes", func() {
			tr := mustRun(world(3, enable(end(2).Add(-10*time.Second))))
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Failed"}))
			Expect(s.End).To(Equal(end(2)))
		})

		It("M3: with several tasks in process, all of them finish and every later task fails", func() {
			sp := world(4, enable(h(1).Add(10*time.Minute)))
			sp.Tenants[0].MaxTasks = 2
			tr := mustRun(sp)
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Failed", "vm4:Failed"}))
			Expect(s.task("vm1").At).To(Equal(end(1)))
			Expect(s.task("vm2").At).To(Equal(end(1)))
			Expect(s.task("vm3").At).To(Equal(h(1).Add(10 * time.Minute)))
			Expect(s.End).To(Equal(end(1)))
			Expect(s.Result).To(Equal(model.ResultFailed))
		})

		It("M3: a session whose tasks had all started ends with its normal result", func() {
			sp := world(2, enable(h(1).Add(10*time.Minute)))
			sp.Tenants[0].MaxTasks = 2
			tr := mustRun(sp)
			s := tr.session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultSuccess))
			Expect(s.Text).To(BeEmpty())
			Expect(s.RP).To(Equal([]string{"vm1", "vm2"}))
		})

		DescribeTable("M3: every affected VBR-managed kind drains the same way",
			func(kind model.JobKind, platform model.Platform) {
				sp := world(3, enable(h(1.5)))
				sp.Jobs[0].Kind, sp.Jobs[0].Platform = kind, platform
				tr := mustRun(sp)
				s := tr.session("nightly", 1)
				Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Failed"}))
				Expect(s.Result).To(Equal(model.ResultFailed))
				Expect(s.Text).To(Equal(model.DefaultNotice))
			},
			Entry("vSphere backup", model.KindBackup, model.PlatformVSphere),
			Entry("Hyper-V backup", model.KindBackup, model.PlatformHyperV),
			Entry("backup copy", model.KindBackupCopy, model.PlatformVSphere),
			Entry("agent backup managed by VBR", model.KindAgentBackup, model.PlatformAgent),
		)

		It("M3: only sessions on the server in maintenance are affected", func() {
			sp := world(3, enable(h(1.5)))
			sp.Servers = append(sp.Servers, model.ServerSpec{Name: "cc-02", Version: model.MustVersion("12"), TaskSlots: 8})
			sp.Tenants = append(sp.Tenants, model.TenantSpec{Name: "globex", Server: 1, Client: client("vbr 12"), MaxTasks: 1})
			addJob(sp, model.JobSpec{Name: "other", Tenant: 1, Kind: model.KindBackup, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Objects: objs(3, mins(20)), Schedule: once(h(1))})
			tr := mustRun(sp)
			Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultFailed))
			o := tr.session("other", 1)
			Expect(o.Result).To(Equal(model.ResultSuccess))
			Expect(o.RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
		})

		It("M3: a session whose objects wait in the server queue fails them at enable", func() {
			sp := world(3, enable(h(1.5)))
			sp.Servers[0].TaskSlots = 1
			sp.Tenants[0].MaxTasks = 0
			tr := mustRun(sp)
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Failed"}))
			Expect(s.task("vm3").At).To(Equal(h(1.5)))
			Expect(s.End).To(Equal(end(2)))
		})
	})

	Describe("M4", func() {
		standalone := func(actions ...model.Action) *model.Spec {
			sp := world(3, actions...)
			sp.Tenants[0].Client = client("agent-windows 2.1")
			sp.Jobs[0].Kind, sp.Jobs[0].Platform, sp.Jobs[0].ManagedBy = model.KindAgentBackup, model.PlatformAgent, model.ManagedByAgent
			return sp
		}

		It("M4: a running standalone agent backup runs to completion, all objects", func() {
			tr := mustRun(standalone(enable(h(1.5))))
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Success"}))
			Expect(s.RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
			Expect(s.task("vm3").At).To(Equal(end(3)), "vm3 starts after enable and runs")
			Expect(s.Result).To(Equal(model.ResultSuccess))
			Expect(s.End).To(Equal(end(3)))
		})

		It("M4: a new standalone agent session in maintenance fails as M5 says", func() {
			sp := standalone(enable(h(1.5)), startJob(h(3), 0))
			tr := mustRun(sp)
			s := tr.session("nightly", 2)
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.DefaultNotice))
			Expect(s.Starts).To(BeEmpty())
		})
	})

	Describe("M5", func() {
		It("M5: starting an affected job in maintenance fails at once: no task runs, no snapshot", func() {
			tr := mustRun(world(3, enable(h(0.5))))
			s := tr.session("nightly", 1)
			Expect(s.Start).To(Equal(h(1)))
			Expect(s.End).To(Equal(h(1)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.DefaultNotice))
			Expect(s.Cause).To(Equal(model.CauseMaintenance))
			Expect(s.Starts).To(BeEmpty())
			Expect(s.results()).To(Equal([]string{"vm1:Failed", "vm2:Failed", "vm3:Failed"}))
			for _, t := range s.Tasks {
				Expect(t.At).To(Equal(h(1)))
				Expect(t.Phase).To(Equal(model.PhasePending))
				Expect(t.Flags).To(BeZero(), "no snapshot, no restore point")
				Expect(t.Cause).To(Equal(model.CauseMaintenance))
			}
		})

		It("M5: retries of such a session fail the same way while maintenance lasts", func() {
			sp := world(2, enable(h(0.5)))
			sp.Jobs[0].Retry = model.Retry{Count: 2, Wait: 10 * time.Minute}
			tr := mustRun(sp)
			s := tr.session("nightly", 1)
			Expect(s.Attempts).To(Equal(int32(3)))
			Expect(s.Starts).To(BeEmpty())
			Expect(s.End).To(Equal(h(1).Add(20 * time.Minute)))
			Expect(s.Text).To(Equal(model.DefaultNotice))
		})

		It("M5: once maintenance is disabled the job runs again", func() {
			sp := world(1, enable(h(0.5)), disable(h(1.5)), startJob(h(2), 0))
			tr := mustRun(sp)
			Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultFailed))
			Expect(tr.session("nightly", 2).Result).To(Equal(model.ResultSuccess))
		})
	})

	Describe("M6", func() {
		DescribeTable("M6: the notice needs a client that supports it",
			func(cl string, standaloneAgent bool, wantNotice bool) {
				sp := world(1, enable(h(0.5)))
				sp.Tenants[0].Client = client(cl)
				if standaloneAgent {
					sp.Jobs[0].Kind, sp.Jobs[0].Platform, sp.Jobs[0].ManagedBy = model.KindAgentBackup, model.PlatformAgent, model.ManagedByAgent
				}
				s := mustRun(sp).session("nightly", 1)
				Expect(s.Result).To(Equal(model.ResultFailed))
				Expect(s.Cause).To(Equal(model.CauseMaintenance))
				if wantNotice {
					Expect(s.Text).To(Equal(model.DefaultNotice))
				} else {
					Expect(s.Text).To(Equal(model.MsgConnectionFailed))
				}
			},
			Entry("M6: vbr 9.5 gets the generic error", "vbr 9.5", false, false),
			Entry("M6: vbr 9.5u2 gets the generic error", "vbr 9.5u2", false, false),
			Entry("M6: vbr 9.5u3 gets the notice", "vbr 9.5u3", false, true),
			Entry("M6: vbr 12 gets the notice", "vbr 12", false, true),
			Entry("M6: vac 9.5 gets the generic error", "vac 9.5", false, false),
			Entry("M6: vac 9.5u3 gets the notice", "vac 9.5u3", false, true),
			Entry("M6: agent-windows 2.0 gets the generic error", "agent-windows 2.0", true, false),
			Entry("M6: agent-windows 2.1 gets the notice", "agent-windows 2.1", true, true),
			Entry("M6: agent-linux 2.0 gets the generic error", "agent-linux 2.0", true, false),
			Entry("M6: agent-linux 2.1 gets the notice", "agent-linux 2.1", true, true),
			Entry("M6: agent-mac 2.1 gets the notice", "agent-mac 2.1", true, true),
		)

		It("M6: a session drained by M3 on an old client fails with the generic error", func() {
			sp := world(3, enable(h(1.5)))
			sp.Tenants[0].Client = client("vbr 9.5")
			s := mustRun(sp).session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgConnectionFailed))
			Expect(s.Cause).To(Equal(model.CauseMaintenance))
		})

		It("M6: with the Cloud Connect Service stopped no maintenance text is shown", func() {
			s := mustRun(world(1, enable(h(0.5)), server(h(0.75), model.ActStopService))).session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgConnectionFailed))
			Expect(s.Cause).To(Equal(model.CauseFault))
		})
	})

	Describe("M7", func() {
		// nightly is manual here; each start_job makes session #1, #2, …
		manualWorld := func(actions ...model.Action) *model.Spec {
			sp := world(1, actions...)
			sp.Jobs[0].Schedule = manual
			return sp
		}

		It("M7: a custom message configured on the server is the notice", func() {
			sp := manualWorld(enable(h(0.5)), startJob(h(1), 0))
			sp.Servers[0].MaintenanceMessage = "Upgrade to v12; back by 04:00 UTC"
			tr := mustRun(sp)
			Expect(tr.session("nightly", 1).Text).To(Equal("Upgrade to v12; back by 04:00 UTC"))
		})

		It("M7: a changed message takes effect only when the service restarts", func() {
			tr := mustRun(manualWorld(enable(h(0.5)), setMessage(h(0.6), "Back at 04:00"),
				startJob(h(1), 0), server(h(2), model.ActRestartService), startJob(h(3), 0)))
			Expect(tr.kinds(model.RecMessageConfigured)[0].Text).To(Equal("Back at 04:00"))
			Expect(tr.session("nightly", 1).Text).To(Equal(model.DefaultNotice), "before the restart: the old message")
			started := tr.kinds(model.RecServiceStarted)
			Expect(started).To(HaveLen(1))
			Expect(started[0].At).To(Equal(h(2)))
			Expect(started[0].Text).To(Equal("Back at 04:00"))
			Expect(tr.session("nightly", 2).Text).To(Equal("Back at 04:00"))
		})

		It("M7: … or when the server is power-cycled", func() {
			tr := mustRun(manualWorld(enable(h(0.5)), setMessage(h(0.6), "Back at 04:00"),
				startJob(h(1), 0), server(h(2), model.ActPowerOff), server(h(2.5), model.ActPowerOn), startJob(h(3), 0)))
			Expect(tr.session("nightly", 1).Text).To(Equal(model.DefaultNotice))
			Expect(tr.session("nightly", 2).Text).To(Equal("Back at 04:00"))
		})

		It("M7: … or stopped and started again", func() {
			tr := mustRun(manualWorld(enable(h(0.5)), setMessage(h(0.6), "Back at 04:00"),
				server(h(1), model.ActStopService), server(h(1.5), model.ActStartService), startJob(h(3), 0)))
			Expect(tr.session("nightly", 1).Text).To(Equal("Back at 04:00"))
		})

		It("M7: clearing the custom message brings the default back at the next restart", func() {
			sp := manualWorld(enable(h(0.5)), setMessage(h(0.6), ""),
				startJob(h(1), 0), server(h(2), model.ActRestartService), startJob(h(3), 0))
			sp.Servers[0].MaintenanceMessage = "custom"
			tr := mustRun(sp)
			Expect(tr.session("nightly", 1).Text).To(Equal("custom"))
			Expect(tr.session("nightly", 2).Text).To(Equal(model.DefaultNotice))
		})
	})

	Describe("M8", func() {
		DescribeTable("M8: unaffected operations proceed during maintenance exactly as outside it",
			func(cl string, kind model.JobKind, platform model.Platform, by model.ManagedBy, target model.Target, rp bool) {
				for _, inMaint := range []bool{false, true} {
					sp := world(3)
					if inMaint {
						sp.Actions = []model.Action{enable(h(0.5))}
					}
					sp.Tenants[0].Client = client(cl)
					j := &sp.Jobs[0]
					j.Kind, j.Platform, j.ManagedBy, j.Target = kind, platform, by, target
					s := mustRun(sp).session("nightly", 1)
					Expect(s.Result).To(Equal(model.ResultSuccess), "in maintenance: %v", inMaint)
					Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Success"}))
					Expect(s.End).To(Equal(end(3)))
					if rp {
						Expect(s.RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
					} else {
						Expect(s.RP).To(BeEmpty(), "restores and failover operations create no restore point")
					}
				}
			},
			Entry("M8: VM restore from a cloud repository", "vbr 12", model.KindRestore, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudRepository, false),
			Entry("M8: Hyper-V restore from a cloud repository", "vbr 12", model.KindRestore, model.PlatformHyperV, model.ManagedByVBR, model.TargetCloudRepository, false),
			Entry("M8: agent restore from a cloud repository", "agent-linux 2.1", model.KindRestore, model.PlatformAgent, model.ManagedByAgent, model.TargetCloudRepository, false),
			Entry("M8: failover of a cloud replica", "vbr 12", model.KindFailover, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudHost, false),
			Entry("M8: failback of a cloud replica", "vbr 12", model.KindFailback, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudHost, false),
			Entry("M8: backup to a local repository", "vbr 12", model.KindBackup, model.PlatformVSphere, model.ManagedByVBR, model.TargetLocal, true),
			Entry("M8: backup copy to a local repository", "vbr 12", model.KindBackupCopy, model.PlatformVSphere, model.ManagedByVBR, model.TargetLocal, true),
			Entry("M8: standalone agent backup to a local disk", "agent-windows 2.1", model.KindAgentBackup, model.PlatformAgent, model.ManagedByAgent, model.TargetLocal, true),
		)

		It("M8: a restore running when maintenance is enabled continues", func() {
			sp := world(3, enable(h(1.5)))
			sp.Jobs[0].Kind = model.KindRestore
			s := mustRun(sp).session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultSuccess))
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Success"}))
			Expect(s.End).To(Equal(end(3)))
		})
	})

	Describe("M9", func() {
		replication := func(kind model.JobKind, knob model.Knob, actions ...model.Action) *model.Spec {
			sp := world(3, actions...)
			sp.Semantics.ReplicationInMaintenance = knob
			sp.Jobs[0].Kind, sp.Jobs[0].Target = kind, model.TargetCloudHost
			sp.Jobs[0].Schedule = manual
			return sp
		}

		DescribeTable("M9: replication_in_maintenance=allow: replication and CDP run normally",
			func(kind model.JobKind) {
				tr := mustRun(replication(kind, model.Allow, startJob(h(1), 0), enable(h(1.5)), startJob(h(3), 0)))
				running, started := tr.session("nightly", 1), tr.session("nightly", 2)
				Expect(running.Result).To(Equal(model.ResultSuccess))
				Expect(running.RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
				Expect(started.Result).To(Equal(model.ResultSuccess))
				Expect(tr.kinds(model.RecJob)[0].Flags.Has(model.FlagAffected)).To(BeFalse())
			},
			Entry("replication", model.KindReplication),
			Entry("cdp", model.KindCDP),
		)

		DescribeTable("M9: replication_in_maintenance=stop: replication and CDP drain as M3 and fail to start as M5",
			func(kind model.JobKind) {
				tr := mustRun(replication(kind, model.Stop, startJob(h(1), 0), enable(h(1.5)), startJob(h(3), 0)))
				running, started := tr.session("nightly", 1), tr.session("nightly", 2)
				Expect(running.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Failed"}))
				Expect(running.Text).To(Equal(model.DefaultNotice))
				Expect(running.End).To(Equal(end(2)))
				Expect(started.Result).To(Equal(model.ResultFailed))
				Expect(started.Starts).To(BeEmpty())
				Expect(tr.kinds(model.RecJob)[0].Flags.Has(model.FlagAffected)).To(BeTrue())
			},
			Entry("replication", model.KindReplication),
			Entry("cdp", model.KindCDP),
		)

		It("M9: the default is allow", func() {
			Expect(model.DefaultSemantics().ReplicationInMaintenance).To(Equal(model.Allow))
		})
	})

	Describe("M10", func() {
		vcd := func(knob model.Knob, actions ...model.Action) *model.Spec {
			sp := world(3, actions...)
			sp.Semantics.VCDBackupInMaintenance = knob
			sp.Jobs[0].Platform = model.PlatformVCD
			return sp
		}

		It("M10: vcd_backup_in_maintenance=stop (default): vCD backups drain as M3 and fail to start as M5", func() {
			Expect(model.DefaultSemantics().VCDBackupInMaintenance).To(Equal(model.Stop))
			s := mustRun(vcd(model.Stop, enable(h(1.5)))).session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Failed"}))
			s = mustRun(vcd(model.Stop, enable(h(0.5)))).session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.DefaultNotice))
			Expect(s.Starts).To(BeEmpty())
		})

		It("M10: vcd_backup_in_maintenance=allow: vCD backups run normally", func() {
			s := mustRun(vcd(model.Allow, enable(h(1.5)))).session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultSuccess))
			Expect(s.RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
			s = mustRun(vcd(model.Allow, enable(h(0.5)))).session("nightly", 1)
			Expect(s.Result).To(Equal(model.ResultSuccess))
		})

		It("M10: the knob is about backups: a vCD backup copy is always affected", func() {
			sp := vcd(model.Allow, enable(h(0.5)))
			sp.Jobs[0].Kind = model.KindBackupCopy
			Expect(mustRun(sp).session("nightly", 1).Result).To(Equal(model.ResultFailed))
		})
	})

	Describe("M11", func() {
		It("M11: maintenance changes no existing restore point and the tenant can still restore", func() {
			sp := world(3, enable(h(3)))
			addJob(sp, model.JobSpec{Name: "restore", Tenant: 0, Kind: model.KindRestore, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Objects: objs(3, mins(20)), Schedule: once(h(4))})
			tr := mustRun(sp)
			Expect(tr.session("nightly", 1).RP).To(Equal([]string{"vm1", "vm2", "vm3"}))
			Expect(tr.kinds(model.RecRestorePointRemoved)).To(BeEmpty())
			r := tr.session("restore", 1)
			Expect(r.Result).To(Equal(model.ResultSuccess))
			Expect(r.End).To(Equal(h(5)))
		})
	})

	Describe("M12", func() {
		It("M12: disabling a tenant terminates its running sessions at once, without retries", func() {
			sp := world(3, tenantAct(h(1.5), model.ActDisableTenant, 0))
			sp.Jobs[0].Retry = model.Retry{Count: 3, Wait: time.Minute}
			tr := mustRun(sp)
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Failed", "vm3:Failed"}))
			Expect(s.RP).To(Equal([]string{"vm1"}))
			vm2 := s.task("vm2")
			Expect(vm2.At).To(Equal(h(1.5)))
			Expect(vm2.Cause).To(Equal(model.CauseDisabled))
			Expect(vm2.Phase).To(Equal(model.PhaseTransfer))
			Expect(vm2.Flags.Has(model.FlagStarted | model.FlagSnapshotRemoved)).To(BeTrue())
			Expect(vm2.Flags.Has(model.FlagRestorePoint)).To(BeFalse())
			vm3 := s.task("vm3")
			Expect(vm3.At).To(Equal(h(1.5)))
			Expect(vm3.Phase).To(Equal(model.PhasePending))
			Expect(s.End).To(Equal(h(1.5)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgTenantDisabled))
			Expect(s.Cause).To(Equal(model.CauseDisabled))
			Expect(s.Attempts).To(Equal(int32(1)))
		})

		It("M12: a disabled tenant can start nothing, restores included, until it is enabled again", func() {
			sp := world(1, startJob(h(2), 1), tenantAct(h(3), model.ActEnableTenant, 0), startJob(h(4), 1))
			sp.Tenants[0].Disabled = true
			addJob(sp, model.JobSpec{Name: "restore", Tenant: 0, Kind: model.KindRestore, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Schedule: manual})
			tr := mustRun(sp)
			for _, s := range []session{tr.session("nightly", 1), tr.session("restore", 1)} {
				Expect(s.Result).To(Equal(model.ResultFailed))
				Expect(s.Text).To(Equal(model.MsgTenantDisabled))
				Expect(s.Cause).To(Equal(model.CauseDisabled))
				Expect(s.Starts).To(BeEmpty())
				Expect(s.End).To(Equal(s.Start))
			}
			Expect(tr.session("restore", 2).Result).To(Equal(model.ResultSuccess))
		})

		It("M12: disabling ends a session that waits for a retry", func() {
			sp := world(3, server(h(1.5), model.ActStopService), server(h(1.6), model.ActStartService),
				tenantAct(h(1.75), model.ActDisableTenant, 0))
			sp.Jobs[0].Retry = model.Retry{Count: 2, Wait: 30 * time.Minute}
			tr := mustRun(sp)
			s := tr.session("nightly", 1)
			Expect(s.End).To(Equal(h(1.75)))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgTenantDisabled))
			Expect(s.Attempts).To(Equal(int32(1)))
		})

		It("M12: a backup move is recorded whether the tenant is enabled or not (INV-15 judges the runbook)", func() {
			tr := mustRun(world(1, tenantAct(h(0.5), model.ActMoveBackups, 0),
				tenantAct(h(2), model.ActDisableTenant, 0), tenantAct(h(2.5), model.ActMoveBackups, 0)))
			moves := tr.kinds(model.RecBackupMoved)
			Expect(moves).To(HaveLen(2))
			Expect(moves[0].At).To(Equal(h(0.5)))
			Expect(moves[1].At).To(Equal(h(2.5)))
		})
	})

	Describe("M13", func() {
		// A backup (tenant acme) and a restore (tenant globex) on one server.
		pair := func(actions ...model.Action) *model.Spec {
			sp := world(3, actions...)
			sp.Tenants = append(sp.Tenants, model.TenantSpec{Name: "globex", Server: 0, Client: client("vbr 12"), MaxTasks: 1})
			addJob(sp, model.JobSpec{Name: "restore", Tenant: 1, Kind: model.KindRestore, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Objects: objs(3, mins(20)), Schedule: once(h(1))})
			return sp
		}
		expectFault := func(s session, at sim.Time) {
			GinkgoHelper()
			Expect(s.End).To(Equal(at))
			Expect(s.Result).To(Equal(model.ResultFailed))
			Expect(s.Text).To(Equal(model.MsgConnectionFailed))
			Expect(s.Cause).To(Equal(model.CauseFault))
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Failed", "vm3:Failed"}))
			vm2 := s.task("vm2")
			Expect(vm2.At).To(Equal(at))
			Expect(vm2.Cause).To(Equal(model.CauseFault))
			Expect(vm2.Flags.Has(model.FlagStarted | model.FlagSnapshotRemoved)).To(BeTrue())
			Expect(vm2.Flags.Has(model.FlagRestorePoint)).To(BeFalse())
			Expect(s.task("vm3").Phase).To(Equal(model.PhasePending))
		}

		It("M13: stopping the service fails everything running, restores included, with the generic error", func() {
			tr := mustRun(pair(server(h(1.5), model.ActStopService)))
			expectFault(tr.session("nightly", 1), h(1.5))
			expectFault(tr.session("restore", 1), h(1.5))
		})

		It("M13: powering the server off does the same", func() {
			tr := mustRun(pair(server(h(1.5), model.ActPowerOff)))
			Expect(tr.kinds(model.RecServiceStopped)).To(HaveLen(1))
			Expect(tr.kinds(model.RecPowerOff)).To(HaveLen(1))
			expectFault(tr.session("nightly", 1), h(1.5))
			expectFault(tr.session("restore", 1), h(1.5))
		})

		DescribeTable("M13: while the service is down, every new session fails at once, restores included",
			func(down model.ActionKind) {
				tr := mustRun(pair(server(h(0.5), down)))
				for _, s := range []session{tr.session("nightly", 1), tr.session("restore", 1)} {
					Expect(s.End).To(Equal(h(1)))
					Expect(s.Result).To(Equal(model.ResultFailed))
					Expect(s.Text).To(Equal(model.MsgConnectionFailed))
					Expect(s.Starts).To(BeEmpty())
				}
			},
			Entry("service stopped", model.ActStopService),
			Entry("powered off", model.ActPowerOff),
		)

		It("M13: in maintenance, no maintenance text is shown: a draining session fails with the generic error", func() {
			tr := mustRun(pair(enable(h(1.5)), server(h(1.6), model.ActStopService)))
			s := tr.session("nightly", 1)
			Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Failed", "vm3:Failed"}))
			Expect(s.task("vm2").Cause).To(Equal(model.CauseFault))
			Expect(s.End).To(Equal(h(1.6)))
			Expect(s.Text).To(Equal(model.MsgConnectionFailed))
			Expect(s.Cause).To(Equal(model.CauseFault))
		})

		// acme has one task slot (MaxTasks 1): its local job waits behind
		// the cloud job's task, and takes the slot the fault frees.
		DescribeTable("M13, M14: a local job waiting for the tenant's task slot starts when a fault frees it",
			func(down model.ActionKind) {
				sp := world(1, server(h(1)+sim.Time(10*time.Minute), down))
				addJob(sp, model.JobSpec{Name: "loc", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere,
					Target: model.TargetLocal, Objects: objs(1, mins(20)), Schedule: once(h(1))})
				tr := mustRun(sp)
				Expect(tr.session("nightly", 1).Result).To(Equal(model.ResultFailed))
				loc := tr.session("loc", 1)
				Expect(loc.Starts).To(HaveLen(1))
				Expect(loc.Starts[0].At).To(Equal(h(1)+sim.Time(10*time.Minute)), "at the fault, not never")
				Expect(loc.Result).To(Equal(model.ResultSuccess))
				Expect(loc.RP).To(Equal([]string{"vm1"}))
			},
			Entry("service stopped", model.ActStopService),
			Entry("powered off", model.ActPowerOff),
			Entry("service restarted", model.ActRestartService),
		)

		It("M13: a job whose target is not the provider does not depend on the server", func() {
			sp := world(3, server(h(0.5), model.ActStopService))
			sp.Jobs[0].Target = model.TargetLocal
			addJob(sp, model.JobSpec{Name: "local2", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere,
				Target: model.TargetLocal, Objects: objs(3, mins(20)), Schedule: once(h(3))})
			sp.Actions = append(sp.Actions, server(h(3.5), model.ActPowerOff))
			tr := mustRun(sp)
			for _, name := range []string{"nightly", "local2"} {
				s := tr.session(name, 1)
				Expect(s.Result).To(Equal(model.ResultSuccess), name)
				Expect(s.RP).To(Equal([]string{"vm1", "vm2", "vm3"}), name)
			}
		})
	})
})
