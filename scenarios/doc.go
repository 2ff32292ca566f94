// Package scenarios turns scenario files into runs and judges them.
//
// It parses and validates the YAML format of CONTRACT.md (every mistake a
// user can make is an [*InputError] with FILE:LINE:COL and a caret), compiles
// a file into a [model.Spec], drives the model with the [sim] engine, and
// streams every record to observers: the trace writer, the trace hash, the
// summary and metrics, and the invariant catalogue (each invariant a value
// that watches the stream with memory proportional to live entities).
//
// Where things are:
//
//   - file.go, units.go, load.go, validate.go, compile*.go, marshal.go,
//     schema.go: the scenario format, from YAML to a model.Spec and back.
//   - run.go: [Simulate] (loop, model, observers) and [RunScenario]; by
//     default the invariants, the metrics and the trace hash run behind a
//     [sim.Pipe] on a second goroutine (Options.Sequential turns it off).
//   - invariant.go, invariants.go, invariants_exchange.go: the catalogue
//     (INV-01…) and its set, which hands each record only to the checkers
//     that read its kind (a task end: its cause too); a checker's kinds may
//     follow its state (INV-04, INV-09, INV-10, INV-13 read task records
//     only while a maintenance window, a stop or a drain makes them judge
//     one). names.go and rows.go: what the checkers of a set share
//     (declarations, one row of facts per job, their per-tenant, per-job
//     and per-object state side by side, and what the set keeps once for
//     all of them: the table of tasks in process, each tenant's and
//     server's tasks in process, each job's task starts and failures, each
//     object's last restore-point session), touched a chunk ahead behind a
//     pipe on large fleets.
//   - summary.go, metrics.go, exchange_summary.go, expect.go: what a run
//     reports and how expectations are judged; hash*.go and tracefile*.go:
//     the trace hash and the JSONL trace.
//   - gen*.go, check.go, check_parallel.go, selftest.go, verify.go:
//     property-based exploration (rapid; gen_shared.go keeps the generators
//     built once), its parallel search, the mutant table, and checking
//     recorded traces.
//   - sweep.go, merge.go: capacity-planning sweeps, shards and their merge.
package scenarios
