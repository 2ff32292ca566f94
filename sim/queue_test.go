package sim_test

import (
	"errors"
	"sort"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/sim"
)

// refEvent is one pending event of the reference queue.
type refEvent struct {
	at  sim.Time
	seq int
	id  int
}

// refQueue is the obviously-correct model of sim.Queue: a slice kept
// sorted by (at, scheduling order) with a stable sort. It is slow and
// that is the point.
type refQueue struct {
	items []refEvent
	seq   int
}

func (r *refQueue) push(at sim.Time, id int) {
	r.items = append(r.items, refEvent{at: at, seq: r.seq, id: id})
	r.seq++
	sort.SliceStable(r.items, func(i, j int) bool {
		if r.items[i].at != r.items[j].at {
			return r.items[i].at < r.items[j].at
		}
		return r.items[i].seq < r.items[j].seq
	})
}

func (r *refQueue) pop() refEvent {
	e := r.items[0]
	r.items = r.items[1:]
	return e
}

var _ = Describe("Queue", func() {
	It("pops events due at the same instant in scheduling order (FIFO)", func() {
		var q sim.Queue[int]
		// Interleave three instants; within each, ids were pushed in
		// increasing order and must come out that way.
		for i := 0; i < 300; i++ {
			q.Push(sim.Time((i%3)*10), i)
		}
		var last = map[sim.Time]int{0: -1, 10: -1, 20: -1}
		prevAt := sim.Time(-1)
		for q.Len() > 0 {
			at, id := q.Pop()
			Expect(at).To(BeNumerically(">=", prevAt), "times never go backwards")
			Expect(id).To(BeNumerically(">", last[at]), "FIFO within instant %s", at)
			last[at], prevAt = id, at
		}
	})

	It("reports Never as the next time of an empty queue", func() {
		peeksNeverWhenEmpty(&sim.Queue[string]{})
	})

	It("agrees with a sort-based reference under random push/pop interleavings", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			// Few distinct times so ties (the seq tie-break) are common.
			maxAt := rapid.Int64Range(0, 20).Draw(t, "maxAt")
			agreesWithReference(t, &sim.Queue[int]{}, func(sim.Time) sim.Time {
				return sim.Time(rapid.Int64Range(0, maxAt).Draw(t, "at"))
			})
		})
	})
})

// stringQueue is eventQueue with string payloads.
type stringQueue interface {
	Push(at sim.Time, ev string)
	Pop() (sim.Time, string)
	Peek() sim.Time
	Len() int
}

// The loop's queues for monotone times, the radix heap and the timing
// wheel in front of it, promise the same.
var _ = Describe("Timeline", func() {
	monotoneQueueSpecs(func() eventQueue { return &sim.Timeline[int]{} }, func() stringQueue { return &sim.Timeline[string]{} })
})
var _ = Describe("Wheel", func() {
	monotoneQueueSpecs(func() eventQueue { return &sim.Wheel[int]{} }, func() stringQueue { return &sim.Wheel[string]{} })
})

func monotoneQueueSpecs(ints func() eventQueue, strs func() stringQueue) {
	It("pops events due at the same instant in scheduling order (FIFO), across buckets", func() {
		q := ints()
		// Far-apart instants land in different buckets and are
		// redistributed; each instant's ids must still come out in order.
		ats := []sim.Time{0, 1 << 40, 3, 1<<40 + 5, 1 << 20}
		for i := 0; i < 500; i++ {
			q.Push(ats[i%len(ats)], i)
		}
		last := map[sim.Time]int{}
		prevAt := sim.Time(-1)
		for q.Len() > 0 {
			at, id := q.Pop()
			Expect(at).To(BeNumerically(">=", prevAt), "times never go backwards")
			if l, ok := last[at]; ok {
				Expect(id).To(BeNumerically(">", l), "FIFO within instant %s", at)
			}
			last[at], prevAt = id, at
		}
		Expect(last).To(HaveLen(len(ats)))
	})

	It("reports Never as the next time of an empty queue", func() {
		peeksNeverWhenEmpty(strs())
	})

	It("takes an event between the last popped and a peeked time (a loop peeking past its horizon)", func() {
		q := strs()
		q.Push(10, "a")
		q.Pop()
		q.Push(1<<40, "far")
		q.Push(20, "b")
		Expect(q.Peek()).To(Equal(sim.Time(20)))
		q.Push(15, "c")
		q.Push(20, "d")
		var got []string
		for q.Len() > 0 {
			_, ev := q.Pop()
			got = append(got, ev)
		}
		Expect(got).To(Equal([]string{"c", "b", "d", "far"}))
	})

	It("refuses a push before the last time popped", func() {
		q := ints()
		q.Push(10, 1)
		q.Pop()
		Expect(func() { q.Push(9, 2) }).To(PanicWith(ContainSubstring("before the last time popped")))
	})

	It("agrees with a sort-based reference under monotone push/pop interleavings", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			// Delays from a few values, some far apart (different radix
			// buckets), some zero (ties with the instant being popped).
			delays := []int64{0, 0, 1, 2, 7, 1 << 10, 1<<10 + 1, 1 << 33, 3 << 40}
			agreesWithReference(t, ints(), func(now sim.Time) sim.Time {
				return now + sim.Time(delays[rapid.IntRange(0, len(delays)-1).Draw(t, "delay")])
			})
		})
	})
}

var _ = Describe("Wheel, crowded", func() {
	It("keeps (at, seq) order when a slot crowds and it hands everything to its radix heap", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			var w sim.Wheel[int]
			var ref refQueue
			now, id := sim.Time(0), 0
			// Far events first (tomorrow), then a crowd within a second,
			// with ties, and pops in between.
			for range rapid.IntRange(0, 20).Draw(t, "far") {
				at := sim.Time(1<<46 + rapid.Int64Range(0, 3).Draw(t, "farAt"))
				w.Push(at, id)
				ref.push(at, id)
				id++
			}
			for range rapid.IntRange(200, 700).Draw(t, "steps") {
				if w.Len() > 0 && rapid.IntRange(0, 4).Draw(t, "op") == 0 {
					at, got := w.Pop()
					want := ref.pop()
					g.Expect(at).To(Equal(want.at))
					g.Expect(got).To(Equal(want.id))
					now = at
					continue
				}
				at := now + sim.Time(rapid.SampledFrom([]int64{0, 0, 1, 5, 1 << 20, 1 << 29}).Draw(t, "delay"))
				w.Push(at, id)
				ref.push(at, id)
				id++
			}
			for w.Len() > 0 {
				at, got := w.Pop()
				want := ref.pop()
				g.Expect(at).To(Equal(want.at))
				g.Expect(got).To(Equal(want.id))
			}
		})
	})
})

// eventQueue is what Queue and Timeline both offer.
type eventQueue interface {
	Push(at sim.Time, ev int)
	Pop() (sim.Time, int)
	Peek() sim.Time
	Len() int
}

// agreesWithReference drives q and the reference through the same random
// pushes (at times nextAt draws, given the last time popped) and pops,
// checking every pop, Len and Peek, then drains both.
func agreesWithReference(t *rapid.T, q eventQueue, nextAt func(now sim.Time) sim.Time) {
	g := NewWithT(t)
	var ref refQueue
	now := sim.Time(0)
	pop := func() {
		at, got := q.Pop()
		want := ref.pop()
		g.Expect(at).To(Equal(want.at))
		g.Expect(got).To(Equal(want.id))
		now = at
	}
	id := 0
	for range rapid.IntRange(1, 300).Draw(t, "steps") {
		if q.Len() > 0 && rapid.IntRange(0, 2).Draw(t, "op") == 0 {
			pop()
		} else {
			at := nextAt(now)
			q.Push(at, id)
			ref.push(at, id)
			id++
		}
		g.Expect(q.Len()).To(Equal(len(ref.items)))
		if len(ref.items) > 0 {
			g.Expect(q.Peek()).To(Equal(ref.items[0].at))
		}
	}
	for q.Len() > 0 {
		pop()
	}
}

// peeksNeverWhenEmpty: an empty queue's next time is Never, before and
// after one event goes through.
func peeksNeverWhenEmpty(q interface {
	Push(at sim.Time, ev string)
	Pop() (sim.Time, string)
	Peek() sim.Time
}) {
	Expect(q.Peek()).To(Equal(sim.Never))
	q.Push(5, "x")
	Expect(q.Peek()).To(Equal(sim.Time(5)))
	at, ev := q.Pop()
	Expect(at).To(Equal(sim.Time(5)))
	Expect(ev).To(Equal("x"))
	Expect(q.Peek()).To(Equal(sim.Never))
}

var _ = Describe("Loop.Reset", func() {
	It("a loop reset mid-run (events pending in its wheel and radix heap, the wheel perhaps crowded and turned off) dispatches as a new one", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			draw := func(label string) []sim.Time {
				var ats []sim.Time
				for range rapid.IntRange(0, 400).Draw(t, label+"N") {
					// Ties, one slot's worth (crowding), the wheel's span and
					// beyond it (the radix heap).
					ats = append(ats, sim.Time(rapid.SampledFrom([]int64{0, 1, 5, 1 << 20, 1 << 29, 1 << 33, 1 << 41, 1 << 44}).Draw(t, label)))
				}
				return ats
			}
			stop := errors.New("stop")
			run := func(l *sim.Loop[int], ats []sim.Time, max int) (order []int) {
				for i, at := range ats {
					g.Expect(l.Schedule(at, i)).To(Succeed())
				}
				err := l.Run(func(at sim.Time, ev int) error {
					order = append(order, ev)
					if len(order) == max {
						return stop
					}
					return nil
				})
				if err != nil {
					g.Expect(err).To(MatchError(stop))
				}
				return order
			}
			until := sim.Time(1 << 45)
			used := sim.NewLoop[int](until, sim.Limits{})
			first := draw("first")
			run(used, first, rapid.IntRange(0, len(first)).Draw(t, "stopAfter"))
			second := draw("second")
			used.Reset(until, sim.Limits{})
			g.Expect(used.Now()).To(Equal(sim.Time(0)))
			g.Expect(used.Events()).To(BeZero())
			g.Expect(used.Pending()).To(BeZero())
			g.Expect(run(used, second, -1)).To(Equal(run(sim.NewLoop[int](until, sim.Limits{}), second, -1)))
		})
	})
})
