package sim

import (
	"fmt"
	"time"
)

// Time is simulated time in integer nanoseconds since the run's start.
// Integer nanoseconds keep ordering exact and runs bit-reproducible.
type Time int64

// Never is later than any event a run can schedule.
const Never Time = 1<<63 - 1

// Duration converts t to a time.Duration since the start.
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Add returns t shifted by d, saturating at Never: a plan past the end of
// int64 time (a duration near the format's limit, started late) is "never",
// not a wrapped time in the past.
func (t Time) Add(d time.Duration) Time {
	if s := t + Time(d); d <= 0 || s > t {
		return s
	}
	return Never
}

// AddNanos returns t shifted by ns nanoseconds (≥ 0, as a transfer time
// computed in floating point), saturating at Never like Add.
func (t Time) AddNanos(ns float64) Time {
	if ns < float64(Never-t) {
		return t + Time(ns)
	}
	return Never
}

// At returns the absolute instant of t for a run that started at start.
func (t Time) At(start time.Time) time.Time { return start.Add(time.Duration(t)) }

// Since returns the simulated time of instant u in a run that started at start.
func Since(start, u time.Time) Time { return Time(u.Sub(start)) }

func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return "+" + time.Duration(t).String()
}

// Clock is the only view of time model code gets. It is deliberately the
// PassiveClock shape (Now alone) so that github.com/benbjohnson/clock's Clock
// and Mock satisfy it, and so do the engine's virtual clocks.
type Clock interface {
	Now() time.Time
}

// VirtualClock reads a loop's current simulated time as an absolute instant.
type VirtualClock struct {
	Start time.Time
	now   func() Time
}

// NewVirtualClock returns a Clock that follows the given time source.
func NewVirtualClock(start time.Time, now func() Time) VirtualClock {
	return VirtualClock{Start: start, now: now}
}

// Now implements Clock.
func (c VirtualClock) Now() time.Time { return c.now().At(c.Start) }

// FormatRFC3339 renders the absolute instant of t with nanoseconds, in UTC,
// the form used in traces and reports.
func FormatRFC3339(start time.Time, t Time) string {
	return t.At(start).UTC().Format(time.RFC3339Nano)
}

// LimitError reports that a run reached one of its limits.
type LimitError struct {
	Limit string // "max_events" or "max_span"
	Value string
	At    Time // the time of the last event dispatched
	Due   Time // max_span: the time of the event that lay past it
}

func (e *LimitError) Error() string {
	if e.Limit == "max_span" {
		return fmt.Sprintf("sim: run stopped at %s: an event was due at %s, past limit max_span=%s (raise it in the scenario's limits: block, or end the run sooner with until)",
			e.At, e.Due, e.Value)
	}
	return fmt.Sprintf("sim: run stopped at %s: limit %s=%s reached (raise it in the scenario's limits: block)", e.At, e.Limit, e.Value)
}
