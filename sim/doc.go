// Package sim is maintsim's domain-free discrete-event engine.
//
// Time is virtual: a [Time] is integer nanoseconds since the run's start, so
// arithmetic is exact and a run never reads the wall clock. Pending events are
// ordered by (at, seq): seq is the scheduling order, so events due at the same
// instant always run in the order they were scheduled. The loop keeps them in
// a [Wheel]: a timing wheel of one-second slots for the next eighteen
// minutes in front of a [Timeline], a radix heap, for the rest (and for
// everything once events crowd a slot). A loop never schedules before the
// event it is dispatching, and a priority queue for monotone keys makes a
// push an append and sorts only the few events due next (BENCHMARKS.md: the
// radix heap 1.4-1.6x the push-and-pop rate of a binary heap at 1,000
// pending events, 2x at 100,000; the wheel in front of it 1.4x more at
// 1,000). [Queue] is the typed binary heap with an
// explicit seq, for orderings that are not monotone. Both are generic over
// the event payload, which keeps payloads unboxed; scheduling and dispatch do
// not allocate once the queue has grown to its working size.
//
// A run is one goroutine driving a [Loop]: pop the next event, hand it to the
// model's step function, repeat. The model answers with effects (more events
// to schedule, records to publish); the loop never interprets them. Records
// reach observers through a [Bus] as read-only pointers, so an observer
// (trace writer, invariant, metric) can read the run but not change it.
//
// Because observers cannot feed back, they need not share the loop's
// goroutine: a [Pipe] is an observer that copies records into batches and
// hands them, in order, to observers on a goroutine of its own. The run is
// still decided on one goroutine, so its records and results are the same;
// on a machine with a spare core the observers' cost overlaps the model's.
// Callers that already run many simulations at once (sweeps, checks) keep
// every observer on the loop's goroutine. Two optional observer interfaces
// make the hand-over cheap on a fleet: a [BatchObserver] takes a step's
// records as one slice ([Bus.PublishBatch]; the pipe copies them at once),
// and a [Toucher] is handed each chunk of records before it observes them,
// to load the state they will read in one burst of independent loads
// instead of one cache miss per record. The two goroutines share nothing
// but the batches and the pipe's channels: the fields the loop's side
// writes on every step sit on a cache line of their own, since a line
// both sides use moves between the cores on every write (it once cost
// the run a third of its CPU).
//
// Randomness comes from [Stream]: one PCG generator per entity, seeded from
// the run seed and the entity's stable identity (its name), never from
// creation order. Adding a tenant therefore leaves every other tenant's draws
// unchanged, and one run seed reproduces every sub-seed (TigerBeetle's VOPR
// habit).
//
// Everything has a limit ([Limits]): a run past its event budget or simulated
// span stops with an error that says which limit and how to raise it, instead
// of exhausting memory or spinning forever.
//
// Model code that needs wall-style time reads it through [Clock], an interface
// with only Now() that github.com/benbjohnson/clock's Clock satisfies. The
// loop itself never advances a clock.Mock per event (each Add/Set sleeps about
// a millisecond); [RealTime] uses the clock library at the edge, for pacing a
// run against a real or mock clock.
package sim
