package model_test

import (
	"fmt"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// run drives a world to its horizon with the engine and returns every record.
// Model specs use it to read outcomes; the engine adds nothing but ordering.
func run(spec *model.Spec) ([]model.Record, error) {
	w, err := model.NewWorld(spec)
	if err != nil {
		return nil, err
	}
	loop := sim.NewLoop[model.Event](spec.Until, sim.Limits{MaxEvents: 1_000_000})
	var recs []model.Record
	apply := func(rd model.Ready) error {
		recs = append(recs, rd.Records...)
		for _, t := range rd.Timers {
			if err := loop.Schedule(t.At, t.Event); err != nil {
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
	err = loop.Run(func(at sim.Time, ev model.Event) error {
		rd, err := w.Step(at, ev)
		if err != nil {
			return err
		}
		return apply(rd)
	})
	recs = append(recs, w.Finish(spec.Until).Records...)
	return recs, err
}

var t0 = time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)

func at(d time.Duration) sim.Time { return sim.Time(d) }

func mins(m int) sim.Dist { return sim.Const(float64(time.Duration(m) * time.Minute)) }

// objs makes n objects vm1..vmN with a fixed duration each.
func objs(n int, each sim.Dist) []model.ObjectSpec {
	out := make([]model.ObjectSpec, n)
	for i := range out {
		out[i] = model.ObjectSpec{Name: fmt.Sprintf("vm%d", i+1), SizeBytes: sim.Const(1 << 30), Duration: each}
	}
	return out
}

// world is one server, one tenant, one VBR backup job of n objects at +1h,
// tasks one at a time: the shape most rule specs start from.
func world(n int, actions ...model.Action) *model.Spec {
	return &model.Spec{
		Name: "spec", Seed: 1, Start: t0, Until: at(24 * time.Hour), Semantics: model.DefaultSemantics(),
		Servers: []model.ServerSpec{{Name: "cc-01", Version: model.MustVersion("12"), TaskSlots: 8}},
		Tenants: []model.TenantSpec{{Name: "acme", Server: 0, Client: model.Client{Product: model.ProductVBR, Version: model.MustVersion("12")}, MaxTasks: 1}},
		Jobs: []model.JobSpec{{Name: "nightly", Tenant: 0, Kind: model.KindBackup, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs(n, mins(20)),
			Schedule: model.Schedule{Kind: model.ScheduleOnce, First: at(time.Hour)}}},
		Actions: actions,
	}
}
