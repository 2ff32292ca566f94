package scenarios

import (
	"fmt"
	"testing"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

func zzSpec(tenants int, slots int32) *model.Spec {
	spec := &model.Spec{Name: "peers", Seed: 1, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Until: sim.Time(31 * 24 * time.Hour), Semantics: model.DefaultSemantics(),
		Servers: []model.ServerSpec{{Name: "cc-01", Version: model.MustVersion("12"), TaskSlots: slots}}}
	objs := make([]model.ObjectSpec, 10)
	for i := range objs {
		objs[i] = model.ObjectSpec{Name: fmt.Sprintf("vm%d", i+1), SizeBytes: sim.Const(50 << 30),
			Duration: sim.Dist{Kind: sim.DistUniform, A: float64(60 * time.Second), B: float64(660 * time.Second)}}
	}
	for t := 0; t < tenants; t++ {
		spec.Tenants = append(spec.Tenants, model.TenantSpec{Name: fmt.Sprintf("t-%04d", t+1), Server: 0,
			Client: model.Client{Product: model.ProductVBR, Version: model.MustVersion("12")}, MaxTasks: 1, RPO: 30 * time.Hour})
		spec.Jobs = append(spec.Jobs, model.JobSpec{Name: "daily", Tenant: int32(t), Kind: model.KindBackup,
			Platform: model.PlatformVSphere, Target: model.TargetCloudRepository, Objects: objs,
			Schedule: model.Schedule{Kind: model.SchedulePeriodic, Every: 24 * time.Hour,
				Jitter: sim.Dist{Kind: sim.DistUniform, A: 0, B: float64(8 * time.Hour)}}})
	}
	for d := 0; d < 30; d++ {
		spec.Actions = append(spec.Actions, model.Action{At: sim.Time(time.Duration(d)*24*time.Hour + 2*time.Hour), Do: model.ActEnableMaintenance},
			model.Action{At: sim.Time(time.Duration(d)*24*time.Hour + 4*time.Hour), Do: model.ActDisableMaintenance})
	}
	return spec
}

func BenchmarkZZMetrics(b *testing.B) {
	spec := zzSpec(1000, 64)
	b.ReportAllocs()
	for b.Loop() {
		m := &metricsObserver{}
		Simulate(spec, sim.Limits{}, m)
		m.Finish()
	}
}

func BenchmarkZZBare(b *testing.B) {
	spec := zzSpec(1000, 64)
	for b.Loop() {
		Simulate(spec, sim.Limits{})
	}
}

func BenchmarkZZNop(b *testing.B) {
	spec := zzSpec(1000, 64)
	for b.Loop() {
		Simulate(spec, sim.Limits{}, sim.ObserverFunc[model.Record](func(model.Record) {}))
	}
}
