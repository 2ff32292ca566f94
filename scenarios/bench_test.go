package scenarios_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// peerWorkload is shared/peers' model as a maintsim world: tenants with a
// daily job of 10 sequential tasks of uniform [60 s, 660 s), start offsets
// uniform in [0, 8 h), a shared pool of slots, 30 days.
func peerWorkload(tenants int, slots int32) *model.Spec {
	spec := &model.Spec{Name: "peers", Seed: 1, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Until: sim.Time(30 * 24 * time.Hour), Semantics: model.DefaultSemantics(),
		Servers: []model.ServerSpec{{Name: "cc-01", Version: model.MustVersion("12"), TaskSlots: slots}}}
	objs := make([]model.ObjectSpec, 10)
	for i := range objs {
		objs[i] = model.ObjectSpec{Name: fmt.Sprintf("vm%d", i+1), SizeBytes: sim.Const(50 << 30),
			Duration: sim.Dist{Kind: sim.DistUniform, A: float64(60 * time.Second), B: float64(660 * time.Second)}}
	}
	for t := 0; t < tenants; t++ {
		spec.Tenants = append(spec.Tenants, model.TenantSpec{Name: fmt.Sprintf("t-%04d", t+1), Server: 0,
			Client: model.Client{Product: model.ProductVBR, Version: model.MustVersion("12")}, MaxTasks: 1})
		spec.Jobs = append(spec.Jobs, model.JobSpec{Name: "daily", Tenant: int32(t), Kind: model.KindBackup,
			Platform: model.PlatformVSphere, Target: model.TargetCloudRepository, Objects: objs,
			Schedule: model.Schedule{Kind: model.SchedulePeriodic, Every: 24 * time.Hour,
				Jitter: sim.Dist{Kind: sim.DistUniform, A: 0, B: float64(8 * time.Hour)}}})
	}
	return spec
}

func BenchmarkPeerWorkloadBare(b *testing.B) {
	spec := peerWorkload(1000, 64)
	b.ReportAllocs()
	for b.Loop() {
		n, err := scenarios.Simulate(spec, sim.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "events/run")
	}
}

// The full runs use RunScenario's defaults: the summary keeps the detail
// of up to DefaultMaxSessions sessions, as `maintsim run --summary` does
// (text-only `maintsim run` keeps the 40 it lists, a little less work).
func benchFull(b *testing.B, sc *scenarios.Scenario, sequential bool) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scenarios.RunScenario(sc, scenarios.Options{Sequential: sequential}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPeerWorkloadFull(b *testing.B) {
	benchFull(b, &scenarios.Scenario{Path: "peers", Spec: peerWorkload(1000, 64)}, false)
}

// BenchmarkPeerWorkloadFullSequential keeps every observer on the loop's
// goroutine: the difference to PeerWorkloadFull is what sim.Pipe buys.
func BenchmarkPeerWorkloadFullSequential(b *testing.B) {
	benchFull(b, &scenarios.Scenario{Path: "peers", Spec: peerWorkload(1000, 64)}, true)
}

func BenchmarkPeerWorkloadLargeFull(b *testing.B) {
	benchFull(b, &scenarios.Scenario{Path: "peers-large", Spec: peerWorkload(10000, 640)}, false)
}

func BenchmarkPeerWorkloadLargeBare(b *testing.B) {
	spec := peerWorkload(10000, 640)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scenarios.Simulate(spec, sim.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkModelSideStd and BenchmarkModelSideLarge are the model's
// goroutine of a full run alone: the model, and the copy of its records
// into a sim.Pipe whose observer does nothing (see BenchmarkObserverSideStd).
func BenchmarkModelSideStd(b *testing.B)   { benchModelSide(b, peerWorkload(1000, 64)) }
func BenchmarkModelSideLarge(b *testing.B) { benchModelSide(b, peerWorkload(10000, 640)) }

func benchModelSide(b *testing.B, spec *model.Spec) {
	b.ReportAllocs()
	for b.Loop() {
		p := sim.NewPipe[model.Record](sim.ObserverFunc[model.Record](func(*model.Record) {}))
		if _, err := scenarios.Simulate(spec, sim.Limits{}, p); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}
