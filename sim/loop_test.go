package sim_test

import (
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/sim"
)

var _ = Describe("Loop", func() {
	It("dispatches in (at, seq) order, same-instant events FIFO, including ones scheduled during dispatch", func() {
		l := sim.NewLoop[string](sim.Never, sim.Limits{})
		Expect(l.Schedule(10, "b1")).To(Succeed())
		Expect(l.Schedule(5, "a")).To(Succeed())
		Expect(l.Schedule(10, "b2")).To(Succeed())
		var got []string
		err := l.Run(func(at sim.Time, ev string) error {
			got = append(got, ev)
			if ev == "b1" {
				// Same instant, scheduled later than b2: runs after b2.
				return l.Schedule(at, "b3")
			}
			return nil
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal([]string{"a", "b1", "b2", "b3"}))
		Expect(l.Events()).To(Equal(uint64(4)))
		Expect(l.Now()).To(Equal(sim.Time(10)))
	})

	It("stops at its horizon: events after until are never dispatched", func() {
		l := sim.NewLoop[int](100, sim.Limits{})
		for _, at := range []sim.Time{50, 100, 101, 1000} {
			Expect(l.Schedule(at, int(at))).To(Succeed())
		}
		// Past the horizon the event is dropped at scheduling.
		Expect(l.Pending()).To(Equal(2))
		var got []int
		Expect(l.Run(func(at sim.Time, ev int) error { got = append(got, ev); return nil })).To(Succeed())
		Expect(got).To(Equal([]int{50, 100}), "an event exactly at the horizon still runs")
		Expect(l.Now()).To(Equal(sim.Time(100)))
		ok, err := l.Step(func(sim.Time, int) error { Fail("nothing is due"); return nil })
		Expect(ok).To(BeFalse())
		Expect(err).NotTo(HaveOccurred())
	})

	It("refuses to schedule in the past", func() {
		l := sim.NewLoop[int](sim.Never, sim.Limits{})
		Expect(l.Schedule(10, 1)).To(Succeed())
		var schedErr error
		Expect(l.Run(func(at sim.Time, ev int) error {
			schedErr = l.Schedule(at-1, 2)
			return nil
		})).To(Succeed())
		Expect(schedErr).To(MatchError(ContainSubstring("before now")))
		Expect(l.Pending()).To(BeZero())
		// Scheduling at now itself is fine.
		Expect(l.Schedule(10, 3)).To(Succeed())
	})

	It("returns the handler's error and stops", func() {
		l := sim.NewLoop[int](sim.Never, sim.Limits{})
		Expect(l.Schedule(1, 1)).To(Succeed())
		Expect(l.Schedule(2, 2)).To(Succeed())
		boom := errors.New("boom")
		err := l.Run(func(at sim.Time, ev int) error { return boom })
		Expect(err).To(MatchError(boom))
		Expect(l.Events()).To(Equal(uint64(1)))
		Expect(l.Pending()).To(Equal(1))
	})

	Context("limits", func() {
		It("max_events stops a handler that reschedules itself at the same instant forever", func() {
			l := sim.NewLoop[int](sim.Never, sim.Limits{MaxEvents: 1000})
			Expect(l.Schedule(7, 0)).To(Succeed())
			err := l.Run(func(at sim.Time, ev int) error { return l.Schedule(at, ev+1) })
			var le *sim.LimitError
			Expect(errors.As(err, &le)).To(BeTrue(), "got %v", err)
			Expect(le.Limit).To(Equal("max_events"))
			Expect(le.Value).To(Equal("1000"))
			Expect(le.At).To(Equal(sim.Time(7)))
			Expect(err.Error()).To(ContainSubstring("max_events=1000"))
			Expect(l.Events()).To(Equal(uint64(1000)))
		})

		It("max_span stops a run that would schedule past the span", func() {
			l := sim.NewLoop[int](sim.Never, sim.Limits{MaxSpan: 10 * time.Hour})
			Expect(l.Schedule(0, 0)).To(Succeed())
			err := l.Run(func(at sim.Time, ev int) error { return l.Schedule(at.Add(time.Hour), ev+1) })
			var le *sim.LimitError
			Expect(errors.As(err, &le)).To(BeTrue(), "got %v", err)
			Expect(le.Limit).To(Equal("max_span"))
			Expect(le.At).To(Equal(sim.Time(10 * time.Hour)))
			Expect(le.Due).To(Equal(sim.Time(11*time.Hour)), "the event past the span, which the message names")
			Expect(err.Error()).To(ContainSubstring("an event was due at +11h0m0s, past limit max_span=10h0m0s"))
			Expect(l.Events()).To(Equal(uint64(11)))
		})

		It("an event exactly at max_span is still allowed", func() {
			l := sim.NewLoop[int](sim.Never, sim.Limits{MaxSpan: time.Hour})
			Expect(l.Schedule(sim.Time(time.Hour), 1)).To(Succeed())
			Expect(l.Schedule(sim.Time(time.Hour)+1, 1)).To(MatchError(ContainSubstring("max_span")))
		})

		It("zero limits take the defaults", func() {
			l := sim.NewLoop[int](sim.Never, sim.Limits{})
			Expect(l.Schedule(sim.Time(sim.DefaultLimits.MaxSpan), 1)).To(Succeed())
			Expect(l.Schedule(sim.Time(sim.DefaultLimits.MaxSpan)+1, 1)).To(HaveOccurred())
		})
	})
})

var _ = Describe("Bus", func() {
	It("delivers every record to every observer, in subscription order", func() {
		type rec struct{ N int }
		var bus sim.Bus[rec]
		var log []string
		bus.Subscribe(sim.ObserverFunc[rec](func(r *rec) {
			log = append(log, fmt.Sprintf("first %d", r.N))
		}))
		bus.Subscribe(sim.ObserverFunc[rec](func(r *rec) {
			log = append(log, fmt.Sprintf("second %d", r.N))
		}))
		bus.Publish(&rec{N: 1})
		bus.Publish(&rec{N: 2})
		Expect(log).To(Equal([]string{"first 1", "second 1", "first 2", "second 2"}))
	})

	It("PublishBatch gives plain observers every record in order and batch observers the slice whole", func() {
		type rec struct{ N int }
		var bus sim.Bus[rec]
		var plain []int
		bus.Subscribe(sim.ObserverFunc[rec](func(r *rec) { plain = append(plain, r.N) }))
		bo := &batchLog[rec]{}
		bus.Subscribe(bo)
		bus.PublishBatch([]rec{{1}, {2}, {3}})
		bus.Publish(&rec{4})
		bus.PublishBatch(nil)
		Expect(plain).To(Equal([]int{1, 2, 3, 4}))
		// One ObserveBatch call per PublishBatch (the empty one too), and
		// Observe for a single Publish: the batch observer still sees
		// every record, in order.
		Expect(bo.calls).To(Equal([]string{"batch 3", "one", "batch 0"}))
		Expect(bo.seen).To(Equal([]rec{{1}, {2}, {3}, {4}}))
	})
})

// batchLog is a BatchObserver that records how it was called.
type batchLog[R any] struct {
	calls []string
	seen  []R
}

func (b *batchLog[R]) Observe(r *R) {
	b.calls = append(b.calls, "one")
	b.seen = append(b.seen, *r)
}

func (b *batchLog[R]) ObserveBatch(rs []R) {
	b.calls = append(b.calls, fmt.Sprintf("batch %d", len(rs)))
	b.seen = append(b.seen, rs...)
}

var _ = Describe("Time", func() {
	start := time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)

	It("converts between simulated and absolute time exactly", func() {
		t := sim.Time(90 * time.Minute).Add(1)
		Expect(t.Duration()).To(Equal(90*time.Minute + 1))
		Expect(t.At(start)).To(Equal(start.Add(90*time.Minute + 1)))
		Expect(sim.Since(start, t.At(start))).To(Equal(t))
		Expect(sim.FormatRFC3339(start, t)).To(Equal("2026-11-02T21:30:00.000000001Z"))
	})

	It("prints durations since start and Never", func() {
		Expect(sim.Time(time.Hour).String()).To(Equal("+1h0m0s"))
		Expect(sim.Never.String()).To(Equal("never"))
	})

	It("reads a loop's time through VirtualClock", func() {
		now := sim.Time(time.Minute)
		c := sim.NewVirtualClock(start, func() sim.Time { return now })
		Expect(c.Now()).To(Equal(start.Add(time.Minute)))
		var _ sim.Clock = c
	})
})

var _ = Describe("Time", func() {
	It("Add and AddNanos saturate at Never instead of wrapping into the past", func() {
		t := sim.Time(2 * time.Hour)
		Expect(t.Add(time.Hour)).To(Equal(sim.Time(3 * time.Hour)))
		Expect(t.Add(-time.Hour)).To(Equal(sim.Time(time.Hour)))
		Expect(t.Add(time.Duration(sim.Never))).To(Equal(sim.Never))
		Expect(t.AddNanos(1e9)).To(Equal(sim.Time(2*time.Hour + time.Second)))
		Expect(t.AddNanos(1e19)).To(Equal(sim.Never))
		Expect(sim.Never.Add(time.Nanosecond)).To(Equal(sim.Never))
	})
})
