package sim_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// The loop's clocks and benbjohnson/clock's are one interface.
var (
	_ sim.Clock = clock.NewMock()
	_ sim.Clock = clock.New()
	_ sim.Clock = sim.VirtualClock{}
)

// smallWorld is a few hours of one provider: two tenants, a backup with
// fixed durations, one sized by bandwidth, a graceful stop and a
// maintenance window. It spans enough distinct instants to make pacing
// matter, and few enough that a mock clock gets through it quickly.
func smallWorld() *model.Spec {
	minutes := func(m int) sim.Dist { return sim.Const(float64(time.Duration(m) * time.Minute)) }
	vbr := model.Client{Product: model.ProductVBR, Version: model.MustVersion("12")}
	return &model.Spec{
		Name: "clock", Seed: 3, Start: time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC), Until: sim.Time(6 * time.Hour),
		Semantics: model.DefaultSemantics(),
		Servers:   []model.ServerSpec{{Name: "cc", Version: model.MustVersion("12"), TaskSlots: 4, BandwidthBps: 1_000_000_000}},
		Tenants: []model.TenantSpec{
			{Name: "a", Server: 0, Client: vbr, MaxTasks: 1},
			{Name: "b", Server: 0, Client: vbr, MaxTasks: 2},
		},
		Jobs: []model.JobSpec{
			{Name: "nightly", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere, Target: model.TargetCloudRepository,
				Objects: []model.ObjectSpec{
					{Name: "vm1", SizeBytes: sim.Const(1 << 30), Duration: minutes(20)},
					{Name: "vm2", SizeBytes: sim.Const(1 << 30), Duration: minutes(20)},
					{Name: "vm3", SizeBytes: sim.Const(1 << 30), Duration: minutes(20)},
				},
				Schedule: model.Schedule{Kind: model.ScheduleOnce, First: sim.Time(time.Hour)}},
			{Name: "sized", Tenant: 1, Kind: model.KindBackup, Platform: model.PlatformHyperV, Target: model.TargetCloudRepository,
				Objects: []model.ObjectSpec{
					{Name: "db", SizeBytes: sim.Dist{Kind: sim.DistUniform, A: 50 << 30, B: 100 << 30}},
					{Name: "fs", SizeBytes: sim.Const(20 << 30)},
					{Name: "web", SizeBytes: sim.Const(10 << 30)},
				},
				Schedule: model.Schedule{Kind: model.SchedulePeriodic, First: sim.Time(30 * time.Minute), Every: 2 * time.Hour}},
		},
		Actions: []model.Action{
			{At: sim.Time(70 * time.Minute), Do: model.ActEnableMaintenance, Server: 0},
			{At: sim.Time(3 * time.Hour), Do: model.ActDisableMaintenance, Server: 0},
			{At: sim.Time(4*time.Hour + 31*time.Minute), Do: model.ActStopJob, Job: 1, Mode: model.StopGraceful},
		},
	}
}

// drive runs spec on a loop with the given dispatcher and returns every
// record. The dispatcher is either Loop.Run or RealTime on a clock.
type dispatcher func(l *sim.Loop[model.Event], fn func(sim.Time, model.Event) error) error

func drive(spec *model.Spec, run dispatcher, onRecords func([]model.Record)) ([]model.Record, error) {
	w, err := model.NewWorld(spec)
	if err != nil {
		return nil, err
	}
	l := sim.NewLoop[model.Event](spec.Until, sim.Limits{MaxEvents: 100_000})
	var recs []model.Record
	apply := func(rd model.Ready) error {
		recs = append(recs, rd.Records...)
		if onRecords != nil {
			onRecords(rd.Records)
		}
		for _, t := range rd.Timers {
			if err := l.Schedule(t.At, t.Event); err != nil {
				return err
			}
		}
		return nil
	}
	rd, err := w.Init()
	if err != nil {
		return nil, err
	}
	if err := apply(rd); err != nil {
		return nil, err
	}
	err = run(l, func(at sim.Time, ev model.Event) error {
		rd, err := w.Step(at, ev)
		if err != nil {
			return err
		}
		return apply(rd)
	})
	return recs, err
}

func plainRun(l *sim.Loop[model.Event], fn func(sim.Time, model.Event) error) error { return l.Run(fn) }

var _ = Describe("RealTime", func() {
	It("driven by clock.NewMock() in a few coarse steps gives exactly the engine's records", func() {
		spec := smallWorld()
		want, err := drive(spec, plainRun, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(len(want)).To(BeNumerically(">", 30), "the world should do something")

		mock := clock.NewMock()
		start := mock.Now()
		var mu sync.Mutex
		var latest sim.Time // latest record time seen so far
		done := make(chan error, 1)
		var got []model.Record
		go func() {
			recs, err := drive(spec, func(l *sim.Loop[model.Event], fn func(sim.Time, model.Event) error) error {
				return sim.RealTime(context.Background(), mock, start, l, fn)
			}, func(rs []model.Record) {
				mu.Lock()
				defer mu.Unlock()
				for _, r := range rs {
					if r.At > latest {
						latest = r.At
					}
				}
			})
			got = recs
			done <- err
		}()

		// Eight coarse steps of 45 minutes cover the 6h horizon. After each,
		// the run may lag behind the clock but never runs ahead of it.
		finished := false
		adds := 0
		for step := 1; step <= 8 && !finished; step++ {
			mock.Add(45 * time.Minute)
			adds++
			mu.Lock()
			Expect(latest).To(BeNumerically("<=", sim.Since(start, mock.Now())), "step %d ran ahead of the clock", step)
			mu.Unlock()
			select {
			case err := <-done:
				Expect(err).NotTo(HaveOccurred())
				finished = true
			default:
			}
		}
		// A timer armed while Add was moving the clock fires one Add later:
		// nudge until the run drains (bounded, so a bug fails instead of hanging).
		for !finished {
			Expect(adds).To(BeNumerically("<", 20), "RealTime did not finish")
			mock.Add(time.Hour)
			adds++
			select {
			case err := <-done:
				Expect(err).NotTo(HaveOccurred())
				finished = true
			case <-time.After(50 * time.Millisecond):
			}
		}
		Expect(len(got)).To(Equal(len(want)))
		for i := range want {
			Expect(got[i]).To(Equal(want[i]), "record %d: %s", i, fmt.Sprint(want[i].Kind))
		}
	})

	It("stops when its context is canceled while waiting", func() {
		mock := clock.NewMock()
		l := sim.NewLoop[int](sim.Never, sim.Limits{})
		Expect(l.Schedule(sim.Time(time.Hour), 1)).To(Succeed())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- sim.RealTime(ctx, mock, mock.Now(), l, func(sim.Time, int) error { return nil }) }()
		cancel()
		Eventually(done).Should(Receive(MatchError(context.Canceled)))
		Expect(l.Events()).To(BeZero())
	})
})
