package sim_test

import (
	"testing"

	"github.com/maintsim/maintsim/sim"
)

// benchPayload is the size of a model event (kind, index, generation).
type benchPayload struct {
	Kind uint8
	A    int32
	Gen  uint32
}

// pushPopper is what the loop needs of its queue.
type pushPopper interface {
	Push(at sim.Time, ev benchPayload)
	Pop() (sim.Time, benchPayload)
}

// BenchmarkQueuePushPop measures one push and one pop at a steady queue
// size, the engine's inner loop without the model, for the binary heap
// and for the radix heap the loop uses. The delays are those of a fleet:
// a task's 60-660 s and a daily job's 24 h, in nanoseconds.
func BenchmarkQueuePushPop(b *testing.B) {
	for _, q := range []struct {
		name string
		new  func() pushPopper
	}{
		{"heap", func() pushPopper { return &sim.Queue[benchPayload]{} }},
		{"timeline", func() pushPopper { return &sim.Timeline[benchPayload]{} }},
		{"wheel", func() pushPopper { return &sim.Wheel[benchPayload]{} }},
	} {
		for _, size := range []int{1_000, 100_000} {
			b.Run(q.name+"/"+itoa(size), func(b *testing.B) {
				qu := q.new()
				r := sim.Stream(1, "bench")
				delay := func(i int32) sim.Time {
					if i%16 == 0 {
						return sim.Time(24 * 3600e9)
					}
					return sim.Time(60e9 + r.Int64N(600e9))
				}
				for i := 0; i < size; i++ {
					qu.Push(delay(int32(i)), benchPayload{A: int32(i)})
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					at, ev := qu.Pop()
					qu.Push(at+delay(ev.A), ev)
				}
			})
		}
	}
}

// BenchmarkLoop is the dispatch rate of Loop.Run with a handler that
// reschedules every event a pseudo-random delay later (one op = one event).
// The hot path, Schedule plus Step, must not allocate.
func BenchmarkLoop(b *testing.B) {
	for _, pending := range []int{1_000, 100_000} {
		b.Run(itoa(pending), func(b *testing.B) {
			l := sim.NewLoop[benchPayload](sim.Never, sim.Limits{MaxEvents: uint64(b.N) + 1})
			r := sim.Stream(1, "bench")
			for i := 0; i < pending; i++ {
				if err := l.Schedule(sim.Time(r.Int64N(1_000_000)), benchPayload{A: int32(i)}); err != nil {
					b.Fatal(err)
				}
			}
			n := 0
			fn := func(at sim.Time, ev benchPayload) error {
				n++
				ev.Gen++
				return l.Schedule(at+sim.Time(r.Int64N(1_000_000)), ev)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := l.Step(fn); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if n != b.N {
				b.Fatalf("dispatched %d events, want %d", n, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestLoopHotPathAllocs pins the benchmark's promise in a plain test:
// scheduling and dispatching once the heap has grown allocate nothing.
func TestLoopHotPathAllocs(t *testing.T) {
	l := sim.NewLoop[benchPayload](sim.Never, sim.Limits{})
	for i := 0; i < 1000; i++ {
		_ = l.Schedule(sim.Time(i), benchPayload{A: int32(i)})
	}
	fn := func(at sim.Time, ev benchPayload) error { return l.Schedule(at+1000, ev) }
	allocs := testing.AllocsPerRun(10_000, func() {
		if _, err := l.Step(fn); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Loop.Step+Schedule allocates %.2f per event, want 0", allocs)
	}
}
