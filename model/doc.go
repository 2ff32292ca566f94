// Package model holds maintsim's pure state machines: the Cloud Connect
// provider (servers, tenants, jobs, sessions, tasks, restore points,
// snapshots) under maintenance mode (rules M1–M14) and manual job stops
// (S1–S8), and the exchange profile's Mailbox servers ([ExchangeWorld],
// rules X1–X5), as written in shared/spec/SEMANTICS.md. Both are a
// [Machine] ([NewMachine] picks one by the spec's profile), so the engine,
// observers, trace, CLI and reports are shared.
//
// The shape follows etcd's raft. A [World] has one entry point,
// [World.Step](now, event), which decides and returns what should happen as
// data (a [Ready]): timers, the events to schedule later, and [Record]s
// describing each state change. It performs no I/O, starts no goroutine and
// never reads a clock: the caller (package scenarios, through package sim)
// owns time, queues the scheduled events and publishes the records. A model
// test needs no engine: call Step and look at what it returns.
//
// Legal transitions are tables ([SessionTransitions], [TaskTransitions]);
// an illegal one is a bug in the model and comes back as a
// [*TransitionError] naming the machine, the state and the event, never as a
// silent no-op.
//
// Records are the contract between the model and everything that judges it.
// They refer to entities by dense integer IDs in declaration order, carry
// declarations ([Decl]) at time zero so a trace is self-describing, and are
// plain values so observers (invariants, metrics, the trace writer and its
// hash) can stream them without holding history.
//
// On a fleet every entity is cold when its next event comes, so the
// world's state is laid out for the task path: a task carries its job,
// tenant and server; a session keeps up to 16 objects' state inline; the
// fields a task event reads come first in job, tenant and session, and
// those are whole cache lines (layout_internal_test.go pins it).
//
// [Mutant] flags break the model on purpose. They exist so that every
// invariant is shown to catch a wrong model (maintsim selftest); a World
// built without them follows the rules.
package model
