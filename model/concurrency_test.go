package model_test

import (
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

const gib = int64(1 << 30)

// sized makes objects sized by the bandwidth model (no fixed duration).
func sized(sizes ...int64) []model.ObjectSpec {
	out := make([]model.ObjectSpec, len(sizes))
	for i, s := range sizes {
		out[i] = model.ObjectSpec{Name: "vm" + string(rune('1'+i)), SizeBytes: sim.Const(float64(s))}
	}
	return out
}

// xfer is how long size bytes take at bps bit/s, in whole nanoseconds.
// With the power-of-two sizes and 1 Gbit/s shares below it is exact.
func xfer(size int64, bps float64) time.Duration {
	return time.Duration(math.Ceil(float64(size) / (bps / 8 / 1e9)))
}

// bwWorld: one 1 Gbit/s server, tenants "a" and "b", each with one job at
// +1h whose objects have the given sizes.
func bwWorld(aMax int32, aSizes, bSizes []int64, actions ...model.Action) *model.Spec {
	return &model.Spec{
		Name: "bw", Seed: 1, Start: t0, Until: h(24), Semantics: model.DefaultSemantics(),
		Servers: []model.ServerSpec{{Name: "cc", Version: model.MustVersion("12"), BandwidthBps: 1_000_000_000}},
		Tenants: []model.TenantSpec{
			{Name: "a", Server: 0, Client: client("vbr 12"), MaxTasks: aMax},
			{Name: "b", Server: 0, Client: client("vbr 12"), MaxTasks: 1},
		},
		Jobs: []model.JobSpec{
			{Name: "ja", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere, Target: model.TargetCloudRepository,
				Objects: sized(aSizes...), Schedule: once(h(1))},
			{Name: "jb", Tenant: 1, Kind: model.KindBackup, Platform: model.PlatformVSphere, Target: model.TargetCloudRepository,
				Objects: sized(bSizes...), Schedule: once(h(1))},
		},
		Actions: actions,
	}
}

var _ = Describe("M14: concurrency and bandwidth", func() {
	It("M14: a tenant never has more than max_concurrent_tasks in process; extra tasks wait, they do not fail", func() {
		sp := world(5)
		sp.Tenants[0].MaxTasks = 2
		tr := mustRun(sp)
		perTenant, _ := tr.inProcessPeak()
		Expect(perTenant[0]).To(Equal(2))
		s := tr.session("nightly", 1)
		Expect(s.results()).To(Equal([]string{"vm1:Success", "vm2:Success", "vm3:Success", "vm4:Success", "vm5:Success"}))
		var at []time.Duration
		for _, st := range s.Starts {
			at = append(at, (st.At - h(1)).Duration())
		}
		Expect(at).To(Equal([]time.Duration{0, 0, m(20), m(20), m(40)}))
		Expect(s.End).To(Equal(h(2)))
	})

	It("M14: a server never has more tasks in process than task_slots; tasks queue in arrival order", func() {
		sp := world(4)
		sp.Servers[0].TaskSlots = 3
		sp.Tenants[0].MaxTasks = 0
		sp.Tenants = append(sp.Tenants, model.TenantSpec{Name: "globex", Server: 0, Client: client("vbr 12")})
		addJob(sp, model.JobSpec{Name: "other", Tenant: 1, Kind: model.KindBackup, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs(4, mins(20)), Schedule: once(h(1))})
		tr := mustRun(sp)
		_, perServer := tr.inProcessPeak()
		Expect(perServer[0]).To(Equal(3))
		a, b := tr.session("nightly", 1), tr.session("other", 1)
		Expect(a.Result).To(Equal(model.ResultSuccess))
		Expect(b.Result).To(Equal(model.ResultSuccess))
		// acme's four tasks reached the queue first: three start at 1h, the
		// fourth and globex's first two when those end, the rest at 1h40m.
		Expect(a.task("vm4").At).To(Equal(end(2)))
		Expect(a.End).To(Equal(end(2)))
		Expect(b.Starts[0].At).To(Equal(end(1)))
		Expect(b.Starts[1].At).To(Equal(end(1)))
		Expect(b.Starts[2].At).To(Equal(end(2)))
		Expect(b.End).To(Equal(end(3)))
	})

	It("M14: unlimited tenant and server run every object at once", func() {
		sp := world(6)
		sp.Servers[0].TaskSlots = 0
		sp.Tenants[0].MaxTasks = 0
		tr := mustRun(sp)
		_, perServer := tr.inProcessPeak()
		Expect(perServer[0]).To(Equal(6))
		Expect(tr.session("nightly", 1).End).To(Equal(end(1)))
	})

	It("M14: bandwidth is split equally between tenants: two tenants on a 1 Gbit/s server", func() {
		tr := mustRun(bwWorld(1, []int64{gib}, []int64{2 * gib}))
		a, b := tr.session("ja", 1), tr.session("jb", 1)
		snap := h(1).Add(30 * time.Second)
		// Both transfer at 500 Mbit/s until a's 1 GiB is through.
		aXferEnd := snap.Add(xfer(gib, 500e6))
		Expect(aXferEnd).To(Equal(snap.Add(17179869184)))
		Expect(a.task("vm1").At).To(Equal(aXferEnd.Add(30 * time.Second)))
		// Then b has 1 GiB left, alone at 1 Gbit/s.
		bXferEnd := aXferEnd.Add(xfer(gib, 1e9))
		Expect(b.task("vm1").At).To(Equal(bXferEnd.Add(30 * time.Second)))
		Expect(b.task("vm1").Bytes).To(Equal(2 * gib))

		// The plan moves are published: a's when b joined, b's when a left.
		var plans []model.Record
		for _, r := range tr.kinds(model.RecTaskPlan) {
			plans = append(plans, r)
		}
		Expect(plans).To(HaveLen(2))
		Expect(plans[0].At).To(Equal(snap))
		Expect(plans[0].Job).To(Equal(int32(0)))
		Expect(plans[0].Due).To(Equal(aXferEnd.Add(30 * time.Second)))
		Expect(plans[1].At).To(Equal(aXferEnd))
		Expect(plans[1].Job).To(Equal(int32(1)))
		Expect(plans[1].Due).To(Equal(bXferEnd.Add(30 * time.Second)))
		Expect(plans[1].CommitAt).To(Equal(bXferEnd))
	})

	It("M14: … then equally between a tenant's tasks", func() {
		tr := mustRun(bwWorld(2, []int64{gib, gib}, []int64{gib}))
		a, b := tr.session("ja", 1), tr.session("jb", 1)
		snap := h(1).Add(30 * time.Second)
		// a: 500 Mbit/s for two tasks (250 each); b: 500 Mbit/s alone.
		bXferEnd := snap.Add(xfer(gib, 500e6))
		Expect(b.task("vm1").At).To(Equal(bXferEnd.Add(30 * time.Second)))
		// By then a's tasks are half way; the last half GiB each at 500 Mbit/s.
		aXferEnd := bXferEnd.Add(xfer(gib/2, 500e6))
		Expect(a.task("vm1").At).To(Equal(aXferEnd.Add(30 * time.Second)))
		Expect(a.task("vm2").At).To(Equal(aXferEnd.Add(30 * time.Second)))
	})

	It("M14: a tenant's WAN bandwidth caps its share", func() {
		sp := bwWorld(1, []int64{gib}, nil)
		sp.Jobs = sp.Jobs[:1]
		sp.Tenants[0].BandwidthBps = 100_000_000
		a := mustRun(sp).session("ja", 1)
		want := h(1).Add(30 * time.Second).Add(xfer(gib, 100e6)).Add(30 * time.Second)
		Expect(a.task("vm1").At).To(BeNumerically("~", want, 1))
	})

	It("M14: times are recomputed when a transferring task ends early (immediate stop)", func() {
		snap := h(1).Add(30 * time.Second)
		stopAt := snap.Add(xfer(gib/2, 500e6)) // a is half way
		tr := mustRun(bwWorld(1, []int64{gib}, []int64{2 * gib}, stopJob(stopAt, 0, model.StopImmediate)))
		a, b := tr.session("ja", 1), tr.session("jb", 1)
		Expect(a.task("vm1").Result).To(Equal(model.ResultFailed))
		Expect(a.task("vm1").Bytes).To(Equal(gib / 2))
		// b moved half a GiB at 500 Mbit/s, then 1.5 GiB alone.
		bXferEnd := stopAt.Add(xfer(gib+gib/2, 1e9))
		Expect(b.task("vm1").At).To(Equal(bXferEnd.Add(30 * time.Second)))
		plans := tr.kinds(model.RecTaskPlan)
		Expect(plans[len(plans)-1].At).To(Equal(stopAt))
		Expect(plans[len(plans)-1].Due).To(Equal(bXferEnd.Add(30 * time.Second)))
	})

	It("M14: a fixed duration overrides the bandwidth model and takes no share", func() {
		sp := bwWorld(1, []int64{gib}, []int64{gib})
		sp.Jobs[1].Objects[0].Duration = mins(20)
		tr := mustRun(sp)
		Expect(tr.session("ja", 1).task("vm1").At).To(Equal(h(1).Add(30 * time.Second).Add(xfer(gib, 1e9)).Add(30 * time.Second)))
		Expect(tr.session("jb", 1).task("vm1").At).To(Equal(end(1)))
	})

	It("M14: Snapshot and Commit of a fixed-duration task take min(30s, d/10)", func() {
		sp := world(1)
		sp.Jobs[0].Objects[0].Duration = mins(2)
		tr := mustRun(sp)
		st := tr.kinds(model.RecTaskStart)[0]
		Expect(st.TransferAt).To(Equal(h(1).Add(12 * time.Second)))
		Expect(st.CommitAt).To(Equal(h(1).Add(108 * time.Second)))
		Expect(st.Due).To(Equal(h(1).Add(2 * time.Minute)))
		Expect(tr.session("nightly", 1).End).To(Equal(h(1).Add(2 * time.Minute)))
	})
})

var _ = Describe("M14: dispatch queues", func() {
	It("M14: a session cut while objects wait for dispatch leaves nothing behind in its tenant's queue", func() {
		// acme (3 at a time) has a 4th object waiting when the service stop
		// fails its session; the freed session slot is then reused by
		// globex's job on another server. acme's next session must not
		// dispatch globex's objects (regression: they ran on acme's server,
		// past globex's limit of 1).
		sp := world(4, server(h(1).Add(10*time.Minute), model.ActStopService), server(h(1.5), model.ActStartService))
		sp.Tenants[0].MaxTasks = 3
		sp.Servers = append(sp.Servers, model.ServerSpec{Name: "cc-02", Version: model.MustVersion("12"), TaskSlots: 1})
		sp.Tenants = append(sp.Tenants, model.TenantSpec{Name: "globex", Server: 1, Client: client("vbr 12"), MaxTasks: 1})
		addJob(sp, model.JobSpec{Name: "g", Tenant: 1, Kind: model.KindBackup, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs(2, mins(20)), Schedule: once(h(2))})
		addJob(sp, model.JobSpec{Name: "later", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs(1, mins(20)), Schedule: once(h(2).Add(10 * time.Minute))})
		tr := mustRun(sp)
		Expect(tr.session("nightly", 1).task("vm4").Phase).To(Equal(model.PhasePending))
		g := tr.session("g", 1)
		Expect(g.Starts[1].At).To(Equal(h(2).Add(20*time.Minute)), "vm2 waits for vm1 (max 1)")
		perTenant, perServer := tr.inProcessPeak()
		Expect(perTenant[1]).To(Equal(1))
		Expect(perServer[1]).To(Equal(1))
		Expect(tr.session("later", 1).Result).To(Equal(model.ResultSuccess))
	})

	It("S6: a retried session rejoins its tenant's queue behind sessions that came while it waited", func() {
		// nightly (3 objects) is cut by a service stop with vm3 undispatched;
		// "second" arrives during the retry wait and is served first.
		sp := world(3, server(h(1.5), model.ActStopService), server(h(1.55), model.ActStartService))
		sp.Jobs[0].Retry = model.Retry{Count: 1, Wait: 10 * time.Minute}
		addJob(sp, model.JobSpec{Name: "second", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs(1, mins(20)), Schedule: once(h(1.6))})
		tr := mustRun(sp)
		sec := tr.session("second", 1)
		Expect(sec.Starts[0].At).To(Equal(h(1.6)))
		n := tr.session("nightly", 1)
		Expect(n.Attempts).To(Equal(int32(2)))
		// The retry at 1h40m waits for second's vm1 (1h36m → 1h56m).
		Expect(n.Starts[2].At).To(Equal(h(1.6).Add(20 * time.Minute)))
		Expect(n.Result).To(Equal(model.ResultSuccess))
	})
})
