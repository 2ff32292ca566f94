package model_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// fleet is a provider at capacity-planning scale: tenants on servers, each
// tenant with one daily job of objects, for days days, with a two-hour
// maintenance window on every server on day 3. sized switches the objects
// from fixed (random) durations to the M14 bandwidth model.
func fleet(servers, tenants, objects, days int, sized bool) *model.Spec {
	sp := &model.Spec{Name: "fleet", Seed: 7, Start: t0, Until: sim.Time(time.Duration(days) * 24 * time.Hour),
		Semantics: model.DefaultSemantics()}
	for i := 0; i < servers; i++ {
		sp.Servers = append(sp.Servers, model.ServerSpec{Name: fmt.Sprintf("cc-%02d", i), Version: model.MustVersion("12"),
			TaskSlots: 128, BandwidthBps: 10_000_000_000})
		day3 := sim.Time(2*24*time.Hour + 3*time.Hour)
		sp.Actions = append(sp.Actions,
			model.Action{At: day3, Do: model.ActEnableMaintenance, Server: int32(i)},
			model.Action{At: day3.Add(2 * time.Hour), Do: model.ActDisableMaintenance, Server: int32(i)})
	}
	obj := model.ObjectSpec{SizeBytes: sim.Const(50 << 30), Duration: sim.Dist{Kind: sim.DistUniform, A: float64(60 * time.Second), B: float64(660 * time.Second)}}
	if sized {
		obj = model.ObjectSpec{SizeBytes: sim.Dist{Kind: sim.DistUniform, A: 1 << 30, B: 20 << 30}}
	}
	for t := 0; t < tenants; t++ {
		sp.Tenants = append(sp.Tenants, model.TenantSpec{Name: fmt.Sprintf("t-%04d", t), Server: int32(t % servers),
			Client: model.Client{Product: model.ProductVBR, Version: model.MustVersion("12")}, MaxTasks: 1, BandwidthBps: 200_000_000})
		objs := make([]model.ObjectSpec, objects)
		for k := range objs {
			objs[k] = obj
			objs[k].Name = fmt.Sprintf("vm%d", k+1)
		}
		sp.Jobs = append(sp.Jobs, model.JobSpec{Name: "daily", Tenant: int32(t), Kind: model.KindBackup,
			Platform: model.PlatformVSphere, Target: model.TargetCloudRepository, Objects: objs,
			Schedule: model.Schedule{Kind: model.SchedulePeriodic, First: 0, Every: 24 * time.Hour,
				Jitter: sim.Dist{Kind: sim.DistUniform, A: 0, B: float64(8 * time.Hour)}},
			Retry: model.Retry{Count: 2, Wait: 10 * time.Minute}})
	}
	return sp
}

// simulate runs spec on the engine, counting records instead of keeping them.
func simulate(b testing.TB, spec *model.Spec) (events, records uint64) {
	w, err := model.NewWorld(spec)
	if err != nil {
		b.Fatal(err)
	}
	loop := sim.NewLoop[model.Event](spec.Until, sim.Limits{})
	apply := func(rd model.Ready) error {
		records += uint64(len(rd.Records))
		for _, t := range rd.Timers {
			if err := loop.Schedule(t.At, t.Event); err != nil {
				return err
			}
		}
		return nil
	}
	rd, err := w.Init()
	if err != nil {
		b.Fatal(err)
	}
	if err := apply(rd); err != nil {
		b.Fatal(err)
	}
	if err := loop.Run(func(at sim.Time, ev model.Event) error {
		rd, err := w.Step(at, ev)
		if err != nil {
			return err
		}
		return apply(rd)
	}); err != nil {
		b.Fatal(err)
	}
	return loop.Events(), records
}

// BenchmarkFleet is one op = one simulated week of 1,000 tenants × a daily
// job × 10 objects (70,000 tasks), with a maintenance window per server. It
// reports model events per second and allocations per event; allocs/op is
// the whole week's.
func BenchmarkFleet(b *testing.B) {
	cases := []struct {
		name                            string
		servers, tenants, objects, days int
		sized                           bool
	}{
		{"1000tenants-10obj-7d-fixed", 8, 1000, 10, 7, false},
		{"100tenants-10obj-7d-bandwidth", 2, 100, 10, 7, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			spec := fleet(c.servers, c.tenants, c.objects, c.days, c.sized)
			b.ReportAllocs()
			b.ResetTimer()
			var events, records uint64
			for i := 0; i < b.N; i++ {
				e, r := simulate(b, spec)
				events += e
				records += r
			}
			b.StopTimer()
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(events)/float64(b.N), "events/op")
			b.ReportMetric(float64(records)/float64(b.N), "records/op")
		})
	}
}

// TestFleetSteadyStateAllocs pins what BenchmarkFleet shows: once a world is
// built, stepping it allocates nothing, so a run twice as long allocates
// as much (all of it setup: streams, slices, first growth). "As much" has
// a little slack: the loop's radix buckets (sim.Timeline) grow when
// simulated time first reaches a higher bit and while a bucket's share of
// the queue still finds its peak, a handful of allocations a run. A step
// path that allocated would add one per event, task or session: the
// longer run has 3,500 more events and 350 more sessions.
func TestFleetSteadyStateAllocs(t *testing.T) {
	const slack = 16
	week, fortnight := fleet(2, 50, 5, 7, false), fleet(2, 50, 5, 14, false)
	a1 := testing.AllocsPerRun(3, func() { simulate(t, week) })
	a2 := testing.AllocsPerRun(3, func() { simulate(t, fortnight) })
	if a2 < a1 || a2-a1 > slack {
		t.Fatalf("a 14-day run allocates %.0f, a 7-day run %.0f (slack %d): the step path allocates", a2, a1, slack)
	}
}
