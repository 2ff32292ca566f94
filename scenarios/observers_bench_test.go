package scenarios

import (
	"fmt"
	"testing"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// recordedFleet returns the records of a 200-tenant, 7-day fleet run with a
// maintenance window, so observer benchmarks measure observers alone.
func recordedFleet(b *testing.B) []model.Record {
	spec := &model.Spec{Name: "obs", Seed: 1, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Until: sim.Time(8 * 24 * time.Hour), Semantics: model.DefaultSemantics(),
		Servers: []model.ServerSpec{{Name: "cc-01", Version: model.MustVersion("12"), TaskSlots: 16}},
		Actions: []model.Action{{At: sim.Time(26 * time.Hour), Do: model.ActEnableMaintenance},
			{At: sim.Time(28 * time.Hour), Do: model.ActDisableMaintenance}}}
	objs := make([]model.ObjectSpec, 10)
	for i := range objs {
		objs[i] = model.ObjectSpec{Name: fmt.Sprintf("vm%d", i+1), SizeBytes: sim.Const(1 << 30),
			Duration: sim.Dist{Kind: sim.DistUniform, A: float64(time.Minute), B: float64(11 * time.Minute)}}
	}
	for t := range 200 {
		spec.Tenants = append(spec.Tenants, model.TenantSpec{Name: fmt.Sprintf("t-%04d", t+1),
			Client: model.Client{Product: model.ProductVBR, Version: model.MustVersion("12")}, MaxTasks: 1})
		spec.Jobs = append(spec.Jobs, model.JobSpec{Name: "daily", Tenant: int32(t), Kind: model.KindBackup,
			Target: model.TargetCloudRepository, Objects: objs, Retry: model.Retry{Count: 1, Wait: 10 * time.Minute},
			Schedule: model.Schedule{Kind: model.SchedulePeriodic, Every: 24 * time.Hour,
				Jitter: sim.Dist{Kind: sim.DistUniform, B: float64(8 * time.Hour)}}})
	}
	return recordRun(b, spec)
}

// recordRun runs spec and returns every record it published.
func recordRun(b *testing.B, spec *model.Spec) []model.Record {
	var recs []model.Record
	if _, err := Simulate(spec, sim.Limits{}, sim.ObserverFunc[model.Record](func(r *model.Record) {
		recs = append(recs, *r)
	})); err != nil {
		b.Fatal(err)
	}
	return recs
}

// recordFile loads a scenario file and records its run.
func recordFile(b *testing.B, path string) (*Scenario, []model.Record) {
	sc, err := Load(path)
	if err != nil {
		b.Fatal(err)
	}
	return sc, recordRun(b, sc.Spec)
}

func benchObserver(b *testing.B, mk func() sim.Observer[model.Record]) {
	recs := recordedFleet(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		o := mk()
		for i := range recs {
			o.Observe(&recs[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}

func BenchmarkObserverInvariants(b *testing.B) {
	benchObserver(b, func() sim.Observer[model.Record] { return newInvariantSet(Catalogue()) })
}

func BenchmarkObserverTraceHash(b *testing.B) {
	benchObserver(b, func() sim.Observer[model.Record] { return NewTraceHash() })
}

func BenchmarkObserverMetrics(b *testing.B) {
	benchObserver(b, func() sim.Observer[model.Record] { return &metricsObserver{} })
}

// BenchmarkObserverEachInvariant shows which checker costs what.
func BenchmarkObserverEachInvariant(b *testing.B) {
	for _, inv := range Catalogue() {
		if inv.Profile != "" {
			continue
		}
		b.Run(inv.ID, func(b *testing.B) {
			benchObserver(b, func() sim.Observer[model.Record] { return newInvariantSet([]Invariant{inv}) })
		})
	}
}

// BenchmarkObserversStd runs what the pipe's goroutine runs on a
// std.yaml run (the invariants and the metrics) over that run's records,
// recorded once: the observers' side alone, without the model's, for
// comparing changes to them (BENCHMARKS.md).
func BenchmarkObserversStd(b *testing.B) {
	_, recs := recordFile(b, "bench/std.yaml")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		observeStd(recs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}

// observeStd is BenchmarkObserversStd's work, a function of its own so a
// profiler can be pointed at it (valgrind --toggle-collect=*observeStd).
//
//go:noinline
func observeStd(recs []model.Record) {
	set, met := newInvariantSet(Catalogue()), &metricsObserver{}
	for i := range recs {
		set.Observe(&recs[i])
		met.Observe(&recs[i])
	}
}

// The two sides of a full run, each alone, as the pipe runs them: a run's
// wall time is about the slower side's. BenchmarkObserverSide{Std,Large}
// hand a recorded run's records, 64 at a time, to a sim.Pipe holding what
// RunScenario puts behind it (the invariants, the metrics and the trace
// hash), so they measure the observers' goroutine; the model's goroutine
// alone is BenchmarkModelSide{Std,Large} (bench_test.go). Large holds its
// 7.3 million records (~760 MB) in memory.
func BenchmarkObserverSideStd(b *testing.B)   { benchObserverSide(b, "bench/std.yaml") }
func BenchmarkObserverSideLarge(b *testing.B) { benchObserverSide(b, "bench/large.yaml") }

func benchObserverSide(b *testing.B, path string) {
	sc, recs := recordFile(b, path)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		set, met, hash := newInvariantSet(Catalogue()), &metricsObserver{}, NewTraceHash()
		met.reserve(sc.Spec)
		p := sim.NewPipe[model.Record](set, met, hash)
		for i := 0; i < len(recs); i += 64 {
			p.ObserveBatch(recs[i:min(i+64, len(recs))])
		}
		p.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}
