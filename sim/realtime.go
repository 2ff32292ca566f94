package sim

import (
	"context"
	"time"

	"github.com/benbjohnson/clock"
)

// RealTime paces a loop against a clock: before dispatching an event it waits
// until the clock reaches the event's instant. With clock.New() a scenario
// plays out in wall time (a demo, or driving a real system beside the
// model); with clock.NewMock() a test advances time in a few coarse steps.
// Either way the events and their order are exactly those of Loop.Run: only
// the waiting differs.
func RealTime[E any](ctx context.Context, c clock.Clock, start time.Time, l *Loop[E], fn func(at Time, ev E) error) error {
	for {
		next := l.q.Peek()
		if l.q.Len() == 0 || next > l.until {
			return nil
		}
		if wait := next.At(start).Sub(c.Now()); wait > 0 {
			t := c.Timer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		if _, err := l.Step(fn); err != nil {
			return err
		}
	}
}
