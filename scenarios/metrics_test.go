package scenarios_test

import (
	"fmt"
	"math"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// Hand-built worlds whose metrics are worked out by hand in the comments.
// Fixed task durations make every time exact: a task of duration d starts
// at t, snapshots for min(30s, d/10), commits for min(30s, d/10) and ends
// at t+d.

var metricsStart = time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)

func mSpec(until time.Duration) *model.Spec {
	return &model.Spec{Name: "metrics", Seed: 1, Start: metricsStart, Until: sim.Time(until),
		Semantics: model.DefaultSemantics(),
		Servers:   []model.ServerSpec{{Name: "cc-01", Version: model.MustVersion("12")}}}
}

func mTenant(s *model.Spec, name string, maxTasks int32, rpo time.Duration) int32 {
	s.Tenants = append(s.Tenants, model.TenantSpec{Name: name, Server: 0,
		Client: model.Client{Product: model.ProductVBR, Version: model.MustVersion("12")}, MaxTasks: maxTasks, RPO: rpo})
	return int32(len(s.Tenants) - 1)
}

// mObj is an object of a fixed duration and size.
func mObj(name string, d time.Duration, size float64) model.ObjectSpec {
	return model.ObjectSpec{Name: name, SizeBytes: sim.Const(size), Duration: sim.Const(float64(d))}
}

func mJob(s *model.Spec, tenant int32, name string, sched model.Schedule, objs ...model.ObjectSpec) int32 {
	s.Jobs = append(s.Jobs, model.JobSpec{Name: name, Tenant: tenant, Kind: model.KindBackup,
		Platform: model.PlatformVSphere, ManagedBy: model.ManagedByVBR, Target: model.TargetCloudRepository,
		Objects: objs, Schedule: sched})
	return int32(len(s.Jobs) - 1)
}

func once(at time.Duration) model.Schedule {
	return model.Schedule{Kind: model.ScheduleOnce, First: sim.Time(at)}
}

func every(first, period time.Duration) model.Schedule {
	return model.Schedule{Kind: model.SchedulePeriodic, First: sim.Time(first), Every: period}
}

func mAct(s *model.Spec, at time.Duration, a model.Action) {
	a.At = sim.Time(at)
	s.Actions = append(s.Actions, a)
}

func runMetrics(spec *model.Spec) scenarios.Metrics {
	out, err := scenarios.RunScenario(&scenarios.Scenario{Path: "metrics", Spec: spec},
		scenarios.Options{Invariants: []scenarios.Invariant{}})
	Expect(err).NotTo(HaveOccurred())
	return out.Summary.Metrics
}

const gib = 1 << 30

var _ = Describe("metrics (docs/metrics.md)", func() {
	// One maintenance window 00:05–01:00 on cc-01.
	//
	// acme (max 2 tasks, rpo 2h), job nightly every 2h from 0: vm1 10m,
	// vm2 30m, vm3 20m. Session #1 at 0 runs vm1 and vm2; vm3 waits for
	// the tenant limit. At 5m maintenance fails vm3 (M3); vm1 commits at
	// 10m, vm2 at 30m, so the drain is 30m − 5m = 1500 s and #1 ends
	// Failed (maintenance). Session #2 at 2h: vm1 2h–2h10m, vm2 2h–2h30m,
	// vm3 2h10m–2h30m.
	//
	// beta (no limit, no rpo), job late every 2h from 30m: #1 at 30m fails
	// at once (M5); #2 at 2h30m commits vm at 2h40m.
	//
	// Backlog: acme#1 and beta#1 = 2. Catch-up: the owed objects are acme
	// vm3 (2h30m) and beta vm (2h40m): 2h40m − 1h = 6000 s. RPO: acme's
	// gaps are vm1 10m/2h/50m, vm2 30m/2h/30m, vm3 2h30m/30m: one gap
	// above 2h, so 1 violation and a worst gap of 9000 s (beta's 2h40m gap
	// does not count, it has no rpo).
	window := func() *model.Spec {
		s := mSpec(3 * time.Hour)
		acme := mTenant(s, "acme", 2, 2*time.Hour)
		beta := mTenant(s, "beta", 0, 0)
		mJob(s, acme, "nightly", every(0, 2*time.Hour),
			mObj("vm1", 10*time.Minute, gib), mObj("vm2", 30*time.Minute, gib), mObj("vm3", 20*time.Minute, gib))
		mJob(s, beta, "late", every(30*time.Minute, 2*time.Hour), mObj("vm", 10*time.Minute, gib))
		mAct(s, 5*time.Minute, model.Action{Do: model.ActEnableMaintenance, Server: 0})
		mAct(s, time.Hour, model.Action{Do: model.ActDisableMaintenance, Server: 0})
		return s
	}

	It("M3: drain_time is the remaining time of the longest in-process task at enable", func() {
		m := runMetrics(window())
		Expect(m.MaintenanceWindows).To(Equal(int64(1)))
		Expect(m.DrainTimeSeconds).To(Equal(1500.0))
		Expect(m.DrainsIncomplete).To(BeZero())
		Expect(m.Windows).To(HaveLen(1))
		w := m.Windows[0]
		Expect(w.Server).To(Equal("cc-01"))
		Expect(w.EnableNS).To(Equal(int64(5 * time.Minute)))
		Expect(w.DisableNS).To(HaveValue(Equal(int64(time.Hour))))
		Expect(w.InProcessAtEnable).To(Equal(int64(2)))
		Expect(w.Drained).To(BeTrue())
	})

	It("M3, M5: backlog_at_exit counts the sessions the window failed", func() {
		m := runMetrics(window())
		Expect(m.BacklogAtExit).To(Equal(int64(2)))
		Expect(m.SessionsTotal).To(Equal(int64(4)))
		Expect(m.SessionsFailed).To(Equal(int64(2)))
		Expect(m.SessionsFailedMaintenance).To(Equal(int64(2)))
		Expect(m.SessionsSucceeded).To(Equal(int64(2)))
		Expect(m.SessionsUnfinished).To(BeZero())
		Expect(m.TasksTotal).To(Equal(int64(8)))
		Expect(m.TasksSucceeded).To(Equal(int64(6)))
		Expect(m.TasksFailed).To(Equal(int64(2)))
		Expect(m.TasksFailedMaintenance).To(Equal(int64(2)))
		Expect(m.TasksStarted).To(Equal(int64(6)))
		Expect(m.TenantsFailed).To(Equal(int64(2)))
		Expect(m.TenantsFailedMaintenance).To(Equal(int64(2)))
		Expect(m.Windows[0].ObjectsFailed).To(Equal(int64(2)))
		Expect(m.Windows[0].TenantsAffected).To(Equal(int64(2)))
		Expect(m.BytesTransferred).To(Equal(int64(6 * gib)))
		Expect(m.BytesWasted).To(BeZero())
	})

	It("catch_up_time runs from exit to the last owed restore point", func() {
		m := runMetrics(window())
		Expect(m.CatchUpTimeSeconds).To(Equal(6000.0))
		Expect(m.Windows[0].CatchUpSeconds).To(Equal(6000.0))
		Expect(m.Windows[0].CaughtUp).To(BeTrue())
		Expect(m.TenantsNotCaughtUp).To(BeZero())
	})

	It("catch_up_time is censored at the horizon when an object never catches up", func() {
		s := window()
		s.Until = sim.Time(2*time.Hour + 35*time.Minute) // beta#2 (2h30m–2h40m) has not committed
		m := runMetrics(s)
		Expect(m.Windows[0].CaughtUp).To(BeFalse())
		Expect(m.CatchUpTimeSeconds).To(Equal((95 * time.Minute).Seconds()))
		Expect(m.TenantsNotCaughtUp).To(Equal(int64(1)))
		Expect(m.SessionsUnfinished).To(Equal(int64(1)))
	})

	It("rpo_violations counts tenants whose restore-point gap exceeded their rpo", func() {
		m := runMetrics(window())
		Expect(m.RPOViolations).To(Equal(int64(1)))
		Expect(m.RPOGapMaxSeconds).To(Equal(9000.0))
		Expect(m.RPOViolators).To(Equal([]string{"acme"}))

		s := window()
		s.Tenants[0].RPO = 150 * time.Minute // the 2h30m gap is not above it
		m = runMetrics(s)
		Expect(m.RPOViolations).To(BeZero())
		Expect(m.RPOGapMaxSeconds).To(Equal(9000.0))

		s = window()
		s.Tenants[0].RPO = 0
		s.Tenants[1].RPO = time.Hour // beta: 2h40m from the start to its first point
		m = runMetrics(s)
		Expect(m.RPOViolations).To(Equal(int64(1)))
		Expect(m.RPOGapMaxSeconds).To(Equal((160 * time.Minute).Seconds()))
	})

	It("S8: a session whose retries wait out the window counts once in the backlog and catches up after exit", func() {
		// acme (max 1 task): vm1 0–10m, vm2 waits. Maintenance 5m–60m fails
		// vm2 at 5m; the attempt ends at 10m; retries (wait 20m) at 30m and
		// 50m fail at the gate (M5); the third at 70m runs vm2 70m–80m and
		// the session ends Success. Backlog 1, 3 maintenance task failures,
		// no Failed session, catch-up 80m − 60m.
		s := mSpec(3 * time.Hour)
		t := mTenant(s, "acme", 1, 0)
		mJob(s, t, "nightly", once(0), mObj("vm1", 10*time.Minute, gib), mObj("vm2", 10*time.Minute, gib))
		s.Jobs[0].Retry = model.Retry{Count: 3, Wait: 20 * time.Minute}
		mAct(s, 5*time.Minute, model.Action{Do: model.ActEnableMaintenance, Server: 0})
		mAct(s, time.Hour, model.Action{Do: model.ActDisableMaintenance, Server: 0})
		m := runMetrics(s)
		Expect(m.BacklogAtExit).To(Equal(int64(1)))
		Expect(m.TasksFailedMaintenance).To(Equal(int64(3)))
		Expect(m.SessionsFailed).To(BeZero())
		Expect(m.SessionsSucceeded).To(Equal(int64(1)))
		Expect(m.TenantsFailed).To(BeZero())
		Expect(m.TenantsAffected).To(Equal(int64(1)))
		Expect(m.CatchUpTimeSeconds).To(Equal(1200.0))
		Expect(m.DrainTimeSeconds).To(Equal(300.0))
	})

	It("drain_time is 0 when nothing is in process at enable, and the maximum over windows", func() {
		// One task 0–60m; windows 5m–10m and 20m–30m both wait for it
		// (3300 s and 2400 s). A second job's task 15m–25m starts between
		// the windows: only the second one tracks it.
		s := mSpec(2 * time.Hour)
		t := mTenant(s, "acme", 0, 0)
		mJob(s, t, "long", once(0), mObj("vm", time.Hour, gib))
		mJob(s, t, "mid", once(15*time.Minute), mObj("vm", 10*time.Minute, gib))
		mAct(s, 5*time.Minute, model.Action{Do: model.ActEnableMaintenance, Server: 0})
		mAct(s, 10*time.Minute, model.Action{Do: model.ActDisableMaintenance, Server: 0})
		mAct(s, 20*time.Minute, model.Action{Do: model.ActEnableMaintenance, Server: 0})
		mAct(s, 30*time.Minute, model.Action{Do: model.ActDisableMaintenance, Server: 0})
		mAct(s, 90*time.Minute, model.Action{Do: model.ActEnableMaintenance, Server: 0})
		m := runMetrics(s)
		Expect(m.MaintenanceWindows).To(Equal(int64(3)))
		Expect(m.Windows[0].DrainTimeSeconds).To(Equal(3300.0))
		Expect(m.Windows[0].InProcessAtEnable).To(Equal(int64(1)))
		Expect(m.Windows[1].DrainTimeSeconds).To(Equal(2400.0))
		Expect(m.Windows[1].InProcessAtEnable).To(Equal(int64(2)))
		Expect(m.Windows[2].DrainTimeSeconds).To(BeZero())
		Expect(m.Windows[2].DisableNS).To(BeNil())
		Expect(m.DrainTimeSeconds).To(Equal(3300.0))
		Expect(m.BacklogAtExit).To(BeZero())
	})

	It("M4: a running standalone agent session is part of the drain until its last object ends", func() {
		// Standalone agent backup, max 1 task: vm1 0–10m, vm2 10m–20m. At
		// 5m maintenance lets the session run on with all its objects (M4):
		// the drain ends when vm2 ends, 20m − 5m = 900 s.
		s := mSpec(time.Hour)
		s.Tenants = append(s.Tenants, model.TenantSpec{Name: "laptop", Server: 0,
			Client: model.Client{Product: model.ProductAgentWindows, Version: model.MustVersion("6")}, MaxTasks: 1})
		s.Jobs = append(s.Jobs, model.JobSpec{Name: "agent", Tenant: 0, Kind: model.KindAgentBackup,
			Platform: model.PlatformAgent, ManagedBy: model.ManagedByAgent, Target: model.TargetCloudRepository,
			Objects: []model.ObjectSpec{mObj("vm1", 10*time.Minute, gib), mObj("vm2", 10*time.Minute, gib)}, Schedule: once(0)})
		mAct(s, 5*time.Minute, model.Action{Do: model.ActEnableMaintenance, Server: 0})
		m := runMetrics(s)
		Expect(m.SessionsSucceeded).To(Equal(int64(1)))
		Expect(m.Windows[0].InProcessAtEnable).To(Equal(int64(1)))
		Expect(m.DrainTimeSeconds).To(Equal(900.0))
		Expect(m.BacklogAtExit).To(BeZero())
	})

	It("INV-13: an undrained window reports the horizon minus enable and counts as incomplete", func() {
		s := mSpec(time.Hour)
		t := mTenant(s, "acme", 0, 0)
		mJob(s, t, "long", once(0), mObj("vm", 2*time.Hour, gib))
		mAct(s, 10*time.Minute, model.Action{Do: model.ActEnableMaintenance, Server: 0})
		m := runMetrics(s)
		Expect(m.DrainsIncomplete).To(Equal(int64(1)))
		Expect(m.DrainTimeSeconds).To(Equal(3000.0))
	})

	It("S2: bytes_wasted is what an immediately stopped task had transferred", func() {
		// Fixed duration: 1e9 bytes over 6060 s = 30 s snapshot, 6000 s
		// transfer, 30 s commit. Stopped 1500 s into the transfer: 2.5e8.
		s := mSpec(3 * time.Hour)
		t := mTenant(s, "acme", 0, 0)
		j := mJob(s, t, "nightly", once(0), mObj("vm", 6060*time.Second, 1e9))
		mAct(s, 1530*time.Second, model.Action{Do: model.ActStopJob, Tenant: t, Job: j, Mode: model.StopImmediate})
		m := runMetrics(s)
		Expect(m.BytesWasted).To(Equal(int64(250_000_000)))
		Expect(m.BytesTransferred).To(Equal(int64(250_000_000)))
		Expect(m.TasksFailedStop).To(Equal(int64(1)))
		Expect(m.SessionsFailedStop).To(Equal(int64(1)))

		// Bandwidth model: an 8 Gbit/s server moves exactly 1 byte/ns. vm1
		// (fixed, 10m) commits 5e9 bytes; vm2 (2e11 bytes) snapshots
		// 10m–10m30s and is stopped 100 s into its transfer: 1e11 wasted.
		s = mSpec(3 * time.Hour)
		s.Servers[0].BandwidthBps = 8_000_000_000
		t = mTenant(s, "acme", 1, 0)
		j = mJob(s, t, "nightly", once(0), mObj("vm1", 10*time.Minute, 5e9),
			model.ObjectSpec{Name: "vm2", SizeBytes: sim.Const(2e11)})
		mAct(s, 12*time.Minute+10*time.Second, model.Action{Do: model.ActStopJob, Tenant: t, Job: j, Mode: model.StopImmediate})
		m = runMetrics(s)
		Expect(m.BytesWasted).To(Equal(int64(100_000_000_000)))
		Expect(m.BytesTransferred).To(Equal(int64(105_000_000_000)))
		Expect(m.TasksSucceeded).To(Equal(int64(1)))
	})

	It("bytes_transferred and bytes_wasted saturate at the largest int64 instead of wrapping", func() {
		// Three committed tasks of 4096PiB (2⁶² bytes, a size the format
		// accepts) move 3·2⁶² bytes: more than an int64 holds. A wrapped
		// sum would read 2⁶² − 2⁶⁴ < 0 after the second task and a
		// plausible 2⁶² after the third.
		const big = float64(1 << 62)
		s := mSpec(3 * time.Hour)
		t := mTenant(s, "acme", 0, 0)
		mJob(s, t, "nightly", once(0), mObj("vm1", 10*time.Minute, big), mObj("vm2", 10*time.Minute, big),
			mObj("vm3", 10*time.Minute, big))
		m := runMetrics(s)
		Expect(m.TasksSucceeded).To(Equal(int64(3)))
		Expect(m.BytesTransferred).To(Equal(int64(math.MaxInt64)))

		// The same for what immediately stopped tasks had moved: each is
		// stopped half-way through its transfer (2⁶¹ bytes), four of them.
		s = mSpec(3 * time.Hour)
		t = mTenant(s, "acme", 0, 0)
		j := mJob(s, t, "nightly", once(0), mObj("vm1", 6060*time.Second, big), mObj("vm2", 6060*time.Second, big),
			mObj("vm3", 6060*time.Second, big), mObj("vm4", 6060*time.Second, big), mObj("vm5", 6060*time.Second, big))
		mAct(s, 3030*time.Second, model.Action{Do: model.ActStopJob, Tenant: t, Job: j, Mode: model.StopImmediate})
		m = runMetrics(s)
		Expect(m.TasksFailedStop).To(Equal(int64(5)))
		Expect(m.BytesWasted).To(Equal(int64(math.MaxInt64)))
		Expect(m.BytesTransferred).To(Equal(int64(math.MaxInt64)))
	})

	It("S3: a graceful stop wastes nothing; its pending objects are canceled", func() {
		s := mSpec(3 * time.Hour)
		t := mTenant(s, "acme", 1, 0)
		j := mJob(s, t, "nightly", once(0), mObj("vm1", 10*time.Minute, gib), mObj("vm2", 10*time.Minute, gib))
		mAct(s, 5*time.Minute, model.Action{Do: model.ActStopJob, Tenant: t, Job: j, Mode: model.StopGraceful})
		m := runMetrics(s)
		Expect(m.BytesWasted).To(BeZero())
		Expect(m.TasksCanceled).To(Equal(int64(1)))
		Expect(m.SessionsWarning).To(Equal(int64(1)))
	})

	It("M14: slot utilisation and queue wait on a saturated server", func() {
		// 2 slots, 3 tasks of 10m at 0, horizon 1h: 2 in process for 10m,
		// 1 for 10m: 30 task-minutes of 120 = 0.25, peak 1. vm3 waits
		// from the attempt start (0) to 10m: waits {0, 0, 600}.
		s := mSpec(time.Hour)
		s.Servers[0].TaskSlots = 2
		t := mTenant(s, "acme", 0, 0)
		mJob(s, t, "nightly", once(0), mObj("vm1", 10*time.Minute, gib), mObj("vm2", 10*time.Minute, gib),
			mObj("vm3", 10*time.Minute, gib))
		m := runMetrics(s)
		Expect(m.SlotUtilisationPeak).To(Equal(1.0))
		Expect(m.SlotUtilisationMean).To(Equal(0.25))
		Expect(m.QueueWaitP50Seconds).To(Equal(0.0))
		Expect(m.QueueWaitP95Seconds).To(Equal(600.0))
		Expect(m.QueueWaitMaxSeconds).To(Equal(600.0))
		Expect(m.QueueWaitMeanSeconds).To(Equal(200.0))
	})

	It("M14: queue wait does not count waiting for the tenant's own limit", func() {
		// 1 slot; tenants a and b (max 1 task) each 2 × 10m at 0. Starts:
		// a.vm1 0, b.vm1 10m, a.vm2 20m, b.vm2 30m. a.vm2 was ready when
		// a.vm1 ended (10m), b.vm2 when b.vm1 ended (20m): waits
		// {0, 600, 600, 600}.
		s := mSpec(time.Hour)
		s.Servers[0].TaskSlots = 1
		for _, n := range []string{"a", "b"} {
			t := mTenant(s, n, 1, 0)
			mJob(s, t, "nightly", once(0), mObj("vm1", 10*time.Minute, gib), mObj("vm2", 10*time.Minute, gib))
		}
		m := runMetrics(s)
		Expect(m.TasksStarted).To(Equal(int64(4)))
		Expect(m.QueueWaitP50Seconds).To(Equal(600.0))
		Expect(m.QueueWaitMeanSeconds).To(Equal(450.0))
		Expect(m.QueueWaitP99Seconds).To(Equal(600.0))
		Expect(m.SlotUtilisationMean).To(Equal(40.0 / 60.0))
	})

	It("the metric catalogue names every sweep metric of CONTRACT.md first", func() {
		var names []string
		for _, mi := range scenarios.MetricCatalogue() {
			names = append(names, mi.Name)
		}
		Expect(names[:7]).To(Equal([]string{"drain_time", "sessions_failed", "tasks_failed", "bytes_wasted",
			"backlog_at_exit", "catch_up_time", "rpo_violations"}))
		m := runMetrics(window())
		mi, ok := scenarios.LookupMetric("catch_up_time")
		Expect(ok).To(BeTrue())
		Expect(mi.Value(&m).Float()).To(Equal(6000.0))
		Expect(mi.Unit).To(Equal(scenarios.UnitSeconds))
	})

	It("metrics hold their relations and queue-wait percentiles are within a bucket of exact (property)", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			s := randomFleet(t)
			out, err := scenarios.RunScenario(&scenarios.Scenario{Path: "fleet", Spec: s},
				scenarios.Options{Invariants: []scenarios.Invariant{}, KeepRecords: true})
			g.Expect(err).NotTo(HaveOccurred())
			m := out.Summary.Metrics
			g.Expect(m.TasksSucceeded + m.TasksFailed + m.TasksCanceled).To(Equal(m.TasksTotal))
			g.Expect(m.SessionsFailedMaintenance + m.SessionsFailedStop + m.SessionsFailedFault + m.SessionsFailedDisabled).
				To(Equal(m.SessionsFailed))
			g.Expect(m.TasksFailedMaintenance + m.TasksFailedStop + m.TasksFailedFault + m.TasksFailedDisabled).
				To(Equal(m.TasksFailed))
			g.Expect(m.BytesWasted).To(BeNumerically("<=", m.BytesTransferred))
			g.Expect(m.SlotUtilisationPeak).To(BeNumerically("<=", 1))
			g.Expect(m.SlotUtilisationMean).To(BeNumerically("<=", m.SlotUtilisationPeak))
			g.Expect(m.TenantsFailedMaintenance).To(BeNumerically("<=", m.TenantsFailed))
			g.Expect(m.RPOViolations).To(BeNumerically("<=", int64(len(s.Tenants))))

			waits := naiveQueueWaits(out.Records, s)
			g.Expect(int64(len(waits))).To(Equal(m.TasksStarted))
			if len(waits) == 0 {
				return
			}
			slices.Sort(waits)
			for _, c := range []struct {
				q   float64
				got float64
			}{{0.5, m.QueueWaitP50Seconds}, {0.95, m.QueueWaitP95Seconds}, {0.99, m.QueueWaitP99Seconds}} {
				rank := int(math.Ceil(c.q * float64(len(waits))))
				exact := waits[max(rank, 1)-1]
				g.Expect(c.got).To(BeNumerically("~", exact, exact/32+1e-9), fmt.Sprintf("p%v", c.q*100))
			}
			g.Expect(m.QueueWaitMaxSeconds).To(Equal(waits[len(waits)-1]))
		})
	})
})

// randomFleet is a small random world: a few tenants with limits, random
// task durations, a slot limit, and a maintenance window.
func randomFleet(t *rapid.T) *model.Spec {
	s := mSpec(12 * time.Hour)
	s.Seed = rapid.Uint64().Draw(t, "seed")
	s.Servers[0].TaskSlots = rapid.Int32Range(1, 6).Draw(t, "slots")
	nt := rapid.IntRange(1, 5).Draw(t, "tenants")
	for i := range nt {
		tn := mTenant(s, fmt.Sprintf("t%d", i), rapid.Int32Range(0, 6).Draw(t, "max"),
			time.Duration(rapid.IntRange(0, 8).Draw(t, "rpoH"))*time.Hour)
		nj := rapid.IntRange(1, 2).Draw(t, "jobs")
		for j := range nj {
			var objs []model.ObjectSpec
			// Up to 8 objects under limits up to 6: both ways the metrics
			// keep a job's task ends (a ring for L ≤ 4, a slice above).
			for k := range rapid.IntRange(1, 8).Draw(t, "objs") {
				objs = append(objs, mObj(fmt.Sprintf("vm%d", k), time.Duration(rapid.IntRange(1, 90).Draw(t, "min"))*time.Minute, gib))
			}
			mJob(s, tn, fmt.Sprintf("j%d", j), every(time.Duration(rapid.IntRange(0, 180).Draw(t, "first"))*time.Minute, 3*time.Hour), objs...)
		}
	}
	on := time.Duration(rapid.IntRange(0, 300).Draw(t, "on")) * time.Minute
	mAct(s, on, model.Action{Do: model.ActEnableMaintenance, Server: 0})
	mAct(s, on+time.Duration(rapid.IntRange(1, 180).Draw(t, "len"))*time.Minute, model.Action{Do: model.ActDisableMaintenance, Server: 0})
	return s
}

// naiveQueueWaits recomputes every task's queue wait from a kept trace,
// straight from the definition in docs/metrics.md, in seconds.
func naiveQueueWaits(recs []model.Record, s *model.Spec) []float64 {
	attempt := map[int32]sim.Time{}
	started := map[int32]int32{}
	ends := map[int32][]sim.Time{}
	lastEnd := map[int32]sim.Time{}
	var out []float64
	for _, r := range recs {
		switch r.Kind {
		case model.RecSessionStart, model.RecAttemptStart:
			attempt[r.Job], started[r.Job], ends[r.Job] = r.At, 0, nil
		case model.RecTaskStart:
			started[r.Job]++
			ready := attempt[r.Job]
			L := s.Tenants[r.Tenant].MaxTasks
			if k := started[r.Job]; L > 0 && k > L {
				if i := int(k - L - 1); i < len(ends[r.Job]) {
					ready = max(ready, ends[r.Job][i])
				} else {
					ready = max(ready, lastEnd[r.Tenant])
				}
			}
			out = append(out, float64(max(r.At-ready, 0))/1e9)
		case model.RecTaskEnd:
			if r.Flags.Has(model.FlagStarted) {
				ends[r.Job] = append(ends[r.Job], r.At)
				lastEnd[r.Tenant] = r.At
			}
		}
	}
	return out
}
