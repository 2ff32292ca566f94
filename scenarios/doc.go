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
//     default the invariants and metrics run behind a [sim.Pipe] on a
//     second goroutine (Options.Sequential turns it off).
//   - invariant.go, invariants.go, invariants_exchange.go: the catalogue
//     (INV-01…) and its kind-dispatched set; names.go and rows.go: what the
//     checkers of a set share (declarations, one row of facts per job, and
//     their per-tenant, per-job and per-object state side by side, touched
//     a chunk ahead behind a pipe on large fleets, with the values of the
//     tasks a chunk ends).
//   - summary.go, metrics.go, exchange_summary.go, expect.go: what a run
//     reports and how expectations are judged; hash*.go and tracefile*.go:
//     the trace hash and the JSONL trace.
//   - gen*.go, check.go, check_parallel.go, selftest.go, verify.go:
//     property-based exploration (rapid; gen_shared.go keeps the generators
//     built once), its parallel search, the mutant table, and checking
//     recorded traces.
//   - sweep.go, merge.go: capacity-planning sweeps, shards and their merge.
package scenarios
