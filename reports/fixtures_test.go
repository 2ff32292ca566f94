package reports_test

import (
	"fmt"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

var t0 = time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)

func at(d time.Duration) sim.Time { return sim.Time(d) }

func mins(m int) sim.Dist { return sim.Const(float64(time.Duration(m) * time.Minute)) }

func objs(prefix string, n int, each sim.Dist) []model.ObjectSpec {
	out := make([]model.ObjectSpec, n)
	for i := range out {
		out[i] = model.ObjectSpec{Name: fmt.Sprintf("%s%d", prefix, i+1), SizeBytes: sim.Const(float64(int64(40+10*i) << 30)), Duration: each}
	}
	return out
}

func client(p model.Product, v string) model.Client {
	return model.Client{Product: p, Version: model.MustVersion(v)}
}

// exampleSpec is the reviewer's story in one small world: one server, ten
// tenants with different clients and jobs, a maintenance window with a
// custom message loaded by a service restart, a graceful and an immediate
// stop, a disabled tenant whose backups move, a restore during
// maintenance (M8), a standalone agent (M4) and a retrying job (S8).
// firstTenant names tenant 0, so a test can give it a hostile name.
func exampleSpec(firstTenant string) *model.Spec {
	once := func(d time.Duration) model.Schedule { return model.Schedule{Kind: model.ScheduleOnce, First: at(d)} }
	vbr12 := client(model.ProductVBR, "12")
	tenants := []model.TenantSpec{
		{Name: firstTenant, Client: vbr12, MaxTasks: 2},
		{Name: "globex", Client: client(model.ProductVBR, "9.5"), MaxTasks: 2},
		{Name: "initech", Client: vbr12, MaxTasks: 3},
		{Name: "umbrella", Client: client(model.ProductAgentWindows, "6"), MaxTasks: 1},
		{Name: "hooli", Client: client(model.ProductVBR, "11"), MaxTasks: 2},
		{Name: "stark", Client: vbr12, MaxTasks: 1},
		{Name: "wayne", Client: vbr12, MaxTasks: 2},
		{Name: "wonka", Client: vbr12, MaxTasks: 2},
		{Name: "tyrell", Client: vbr12, MaxTasks: 2},
		{Name: "cyberdyne", Client: client(model.ProductVBR, "12"), MaxTasks: 2},
	}
	backup := func(name string, tenant int32, start time.Duration, n int, each int) model.JobSpec {
		return model.JobSpec{Name: name, Tenant: tenant, Kind: model.KindBackup, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs("vm", n, mins(each)), Schedule: once(start)}
	}
	jobs := []model.JobSpec{
		backup("nightly", 0, 2*time.Hour, 4, 20),
		backup("nightly", 1, 2*time.Hour+10*time.Minute, 3, 25),
		backup("nightly", 2, 1*time.Hour+50*time.Minute, 6, 15),
		{Name: "laptop", Tenant: 3, Kind: model.KindAgentBackup, Platform: model.PlatformAgent, ManagedBy: model.ManagedByAgent,
			Target: model.TargetCloudRepository, Objects: objs("disk", 3, mins(25)), Schedule: once(2*time.Hour + 15*time.Minute)},
		{Name: "restore-crm", Tenant: 4, Kind: model.KindRestore, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs("crm", 1, mins(40)), Schedule: once(2*time.Hour + 45*time.Minute)},
		backup("nightly", 4, 3*time.Hour, 2, 20),
		{Name: "nightly", Tenant: 5, Kind: model.KindBackup, Platform: model.PlatformVSphere, Target: model.TargetCloudRepository,
			Objects: objs("vm", 2, mins(20)), Schedule: once(2*time.Hour + 20*time.Minute), Retry: model.Retry{Count: 2, Wait: 40 * time.Minute}},
		backup("nightly", 6, 2*time.Hour, 4, 15),
		backup("nightly", 7, 2*time.Hour, 3, 30),
		{Name: "dr-replica", Tenant: 8, Kind: model.KindReplication, Platform: model.PlatformVSphere,
			Target: model.TargetCloudHost, Objects: objs("app", 2, mins(30)), Schedule: once(2*time.Hour + 40*time.Minute)},
		backup("weekly", 9, 1*time.Hour+40*time.Minute, 2, 20),
		backup("nightly", 9, 4*time.Hour+10*time.Minute, 2, 20),
	}
	act := func(d time.Duration, do model.ActionKind) model.Action {
		return model.Action{At: at(d), Do: do, Server: 0, Tenant: -1, Job: -1}
	}
	msg := act(1*time.Hour+55*time.Minute, model.ActSetMaintenanceMessage)
	msg.Text = "Upgrade to v12; back by 00:00 UTC"
	stopGraceful := act(2*time.Hour+20*time.Minute, model.ActStopJob)
	stopGraceful.Job, stopGraceful.Tenant, stopGraceful.Mode = 7, 6, model.StopGraceful
	stopNow := act(3*time.Hour+10*time.Minute, model.ActStopJob)
	stopNow.Job, stopNow.Tenant, stopNow.Mode = 5, 4, model.StopImmediate
	disable := act(2*time.Hour+35*time.Minute, model.ActDisableTenant)
	disable.Tenant = 7
	move := act(2*time.Hour+50*time.Minute, model.ActMoveBackups)
	move.Tenant = 7
	enable := act(3*time.Hour+20*time.Minute, model.ActEnableTenant)
	enable.Tenant = 7
	return &model.Spec{
		Name: "nightly maintenance, ten tenants", Seed: 7, Start: t0, Until: at(8 * time.Hour), Semantics: model.DefaultSemantics(),
		Servers: []model.ServerSpec{{Name: "cc-01", Version: model.MustVersion("12"), TaskSlots: 8}},
		Tenants: tenants, Jobs: jobs,
		Actions: []model.Action{
			msg,
			act(2*time.Hour, model.ActRestartService),
			stopGraceful,
			act(2*time.Hour+30*time.Minute, model.ActEnableMaintenance),
			disable, move, stopNow, enable,
			act(4*time.Hour, model.ActDisableMaintenance),
			act(4*time.Hour+5*time.Minute, model.ActDisableMaintenance),
		},
	}
}

// fleetSpec is a capacity-planning world: n tenants with one job each on
// two servers, starts spread over two hours, maintenance on the first
// server in the middle of it.
func fleetSpec(n int) *model.Spec {
	sp := &model.Spec{Name: fmt.Sprintf("fleet of %d tenants", n), Seed: 3, Start: t0, Until: at(10 * time.Hour), Semantics: model.DefaultSemantics(),
		Servers: []model.ServerSpec{{Name: "cc-01", Version: model.MustVersion("12"), TaskSlots: 96}, {Name: "cc-02", Version: model.MustVersion("12"), TaskSlots: 96}}}
	for i := range n {
		sp.Tenants = append(sp.Tenants, model.TenantSpec{Name: fmt.Sprintf("t-%04d", i+1), Server: int32(i % 2), Client: client(model.ProductVBR, "12"), MaxTasks: 1})
		sp.Jobs = append(sp.Jobs, model.JobSpec{Name: "daily", Tenant: int32(i), Kind: model.KindBackup, Platform: model.PlatformVSphere,
			Target: model.TargetCloudRepository, Objects: objs("vm", 3, sim.Dist{Kind: sim.DistUniform, A: float64(5 * time.Minute), B: float64(25 * time.Minute)}),
			Schedule: model.Schedule{Kind: model.ScheduleOnce, First: at(time.Hour + time.Duration(i*7)*time.Second)}})
	}
	sp.Actions = []model.Action{
		{At: at(2 * time.Hour), Do: model.ActEnableMaintenance, Server: 0, Tenant: -1, Job: -1},
		{At: at(3*time.Hour + 30*time.Minute), Do: model.ActDisableMaintenance, Server: 0, Tenant: -1, Job: -1},
	}
	return sp
}

// runSpec runs a spec with the given invariants (nil: the catalogue) and
// keeps its records, as `maintsim run --report` does.
func runSpec(sp *model.Spec, invs []scenarios.Invariant, expect ...scenarios.Expectation) *scenarios.Outcome {
	sc := &scenarios.Scenario{Path: "testdata/" + sp.Name + ".yaml", Spec: sp, Expect: expect}
	out, err := scenarios.RunScenario(sc, scenarios.Options{KeepRecords: true, Invariants: invs})
	if err != nil {
		panic(err)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// exampleOutcome is the example run with the expectations a reviewer would
// write for it; every one holds.
func exampleOutcome() *scenarios.Outcome {
	return runSpec(exampleSpec("acme"), nil,
		scenarios.Expectation{Pos: scenarios.Pos{Line: 40, Col: 5}, Session: "acme/nightly#1", Result: "Failed",
			Message: ptr("Upgrade to v12; back by 00:00 UTC"), RestorePoints: []string{"vm1", "vm2", "vm3"}, HasRestorePoints: true,
			Tasks: []scenarios.TaskExpect{{Object: "vm4", Result: "Failed"}}},
		scenarios.Expectation{Pos: scenarios.Pos{Line: 46, Col: 5}, Session: "globex/nightly#1", Result: "Failed", Message: ptr(model.MsgConnectionFailed)},
		scenarios.Expectation{Pos: scenarios.Pos{Line: 49, Col: 5}, Session: "hooli/restore-crm#1", Result: "Success"},
		scenarios.Expectation{Pos: scenarios.Pos{Line: 51, Col: 5}, Invariants: "hold"},
	)
}

// counterexampleSpec is the example world run by a broken model
// (maintenance cuts running tasks): what `maintsim check` reports.
func counterexampleSpec() *model.Spec {
	sp := exampleSpec("acme")
	sp.Name = "counterexample: maintenance cuts running tasks"
	sp.Mutants = model.MutMaintCutsRunning
	return sp
}

func counterexampleOutcome() *scenarios.Outcome {
	return runSpec(counterexampleSpec(), nil,
		scenarios.Expectation{Pos: scenarios.Pos{Line: 40, Col: 5}, Session: "acme/nightly#1", Result: "Failed",
			RestorePoints: []string{"vm1", "vm2", "vm3"}, HasRestorePoints: true},
		scenarios.Expectation{Pos: scenarios.Pos{Line: 51, Col: 5}, Invariants: "hold"},
	)
}

// violationsOf lists the violations of one invariant in a summary.
func violationsOf(s *scenarios.Summary, id string) []scenarios.Violation {
	for _, inv := range s.Invariants {
		if inv.ID == id {
			return inv.Violations
		}
	}
	return nil
}
