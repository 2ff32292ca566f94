package sim

import (
	"fmt"
	"time"
)

// Limits bound a run. Zero fields take the defaults.
type Limits struct {
	// MaxEvents is the most events a run may dispatch.
	MaxEvents uint64
	// MaxSpan is the latest simulated time an event may be scheduled at.
	MaxSpan time.Duration
}

// DefaultLimits are generous enough for a 100,000-tenant month and still
// stop a runaway model (an event that reschedules itself at the same instant
// forever) in seconds rather than never.
var DefaultLimits = Limits{MaxEvents: 2_000_000_000, MaxSpan: 10 * 365 * 24 * time.Hour}

func (l Limits) withDefaults() Limits {
	if l.MaxEvents == 0 {
		l.MaxEvents = DefaultLimits.MaxEvents
	}
	if l.MaxSpan == 0 {
		l.MaxSpan = DefaultLimits.MaxSpan
	}
	return l
}

// Loop owns simulated time for one run. It is not safe for concurrent use:
// a run is one goroutine by design.
type Loop[E any] struct {
	q      Wheel[E]
	now    Time
	until  Time
	events uint64
	limits Limits
}

// NewLoop returns a loop that stops dispatching after simulated time until
// (events due later stay pending). Use Never to run until the queue drains.
func NewLoop[E any](until Time, limits Limits) *Loop[E] {
	return &Loop[E]{until: until, limits: limits.withDefaults()}
}

// Reset makes l a new loop, as NewLoop(until, limits) returns, that keeps
// the storage its queue has grown: a caller that runs many small
// simulations one after another (check's workers) then reuses memory that
// is still in its core's cache instead of streaming fresh heap through the
// shared one. Pending events are dropped.
func (l *Loop[E]) Reset(until Time, limits Limits) {
	l.q.reset()
	l.now, l.until, l.events, l.limits = 0, until, 0, limits.withDefaults()
}

// Now is the time of the event being dispatched (or the last one).
func (l *Loop[E]) Now() Time { return l.now }

// Events is the number of events dispatched so far.
func (l *Loop[E]) Events() uint64 { return l.events }

// Pending is the number of events still queued.
func (l *Loop[E]) Pending() int { return l.q.Len() }

// Schedule queues ev at time at. Scheduling in the past is a model bug and is
// refused rather than silently reordered.
func (l *Loop[E]) Schedule(at Time, ev E) error {
	if at < l.now {
		return fmt.Errorf("sim: event scheduled at %s, before now %s", at, l.now)
	}
	if at > l.until {
		// Past the horizon it would never run; keeping it would only cost memory.
		return nil
	}
	if at > Time(l.limits.MaxSpan) {
		return &LimitError{Limit: "max_span", Value: l.limits.MaxSpan.String(), At: l.now, Due: at}
	}
	l.q.Push(at, ev)
	return nil
}

// Step dispatches the next due event to fn. It returns false when nothing is
// due before the horizon.
func (l *Loop[E]) Step(fn func(at Time, ev E) error) (bool, error) {
	if l.q.Len() == 0 || l.q.Peek() > l.until {
		return false, nil
	}
	if l.events >= l.limits.MaxEvents {
		return false, &LimitError{Limit: "max_events", Value: fmt.Sprint(l.limits.MaxEvents), At: l.now}
	}
	at, ev := l.q.Pop()
	l.now = at
	l.events++
	return true, fn(at, ev)
}

// Run dispatches events in (at, seq) order until none is due before the
// horizon, fn fails, or a limit is reached.
func (l *Loop[E]) Run(fn func(at Time, ev E) error) error {
	for {
		ok, err := l.Step(fn)
		if err != nil || !ok {
			return err
		}
	}
}

// Bus fans records out to observers. An observer receives a pointer to a
// record that is read-only by contract: the model never reads records back,
// so an observer cannot change the run, and passing a pointer spares copying
// a record into every observer (the dominant cost once there are a score of
// them).
type Bus[R any] struct {
	subs  []Observer[R]      // record by record, in subscription order
	batch []BatchObserver[R] // whole slices, after subs (PublishBatch)
}

// Observer receives every published record, in order.
type Observer[R any] interface {
	Observe(r *R)
}

// BatchObserver is an Observer that can also take a step's records at
// once. A Bus hands such an observer whole slices (PublishBatch): a Pipe
// then copies them in one move instead of record by record.
type BatchObserver[R any] interface {
	Observer[R]
	ObserveBatch(rs []R)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc[R any] func(r *R)

// Observe implements Observer.
func (f ObserverFunc[R]) Observe(r *R) { f(r) }

// Subscribe adds an observer. Plain observers see each record in
// subscription order; a BatchObserver is kept apart, sees each record after
// the plain ones, and takes PublishBatch's slices whole. Each observer sees
// every record in publication order either way.
func (b *Bus[R]) Subscribe(o Observer[R]) {
	if bo, ok := o.(BatchObserver[R]); ok {
		b.batch = append(b.batch, bo)
		return
	}
	b.subs = append(b.subs, o)
}

// Publish delivers r to every observer.
func (b *Bus[R]) Publish(r *R) {
	for _, s := range b.subs {
		s.Observe(r)
	}
	for _, s := range b.batch {
		s.Observe(r)
	}
}

// PublishBatch delivers rs, in order, to every observer: record by record
// to the plain observers, then the whole slice to each BatchObserver. Each
// observer sees every record in publication order; how one observer's
// calls interleave with another's is not defined (observers are
// independent; the ones that read each other's state are plain ones, and
// those keep their order).
func (b *Bus[R]) PublishBatch(rs []R) {
	if len(b.subs) > 0 {
		for i := range rs {
			for _, s := range b.subs {
				s.Observe(&rs[i])
			}
		}
	}
	for _, s := range b.batch {
		s.ObserveBatch(rs)
	}
}
