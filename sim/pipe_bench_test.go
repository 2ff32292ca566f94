package sim

import (
	"fmt"
	"testing"
)

// rec104 is the size and shape of model.Record (pointers included, so a
// copy pays write barriers while the collector runs).
type rec104 struct {
	At            Time
	K             [8]byte
	A, B, C, D, E int32
	F             int32
	X, Y, Z, W    int64
	Text          string
	P1, P2        *int
}

type rec64 struct {
	At            Time
	K             [8]byte
	A, B, C, D, E int32
	F             int32
	X, Y          int64
}

type sumObs[R any] struct {
	n   int
	key func(*R) Time
	sum Time
}

func (s *sumObs[R]) Observe(r *R) { s.n++; s.sum += s.key(r) }

func benchPipe[R any](b *testing.B, mk func(i int) R, key func(*R) Time) {
	const step = 20
	rs := make([]R, step)
	for i := range rs {
		rs[i] = mk(i)
	}
	b.ResetTimer()
	for range b.N {
		o := &sumObs[R]{key: key}
		p := NewPipe[R](o)
		for i := 0; i < 600_000; i += step {
			p.ObserveBatch(rs)
		}
		p.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/600_000, "ns/record")
}

// BenchmarkPipe measures the hand-over alone: what a record costs to cross
// to the observers' goroutine, by record size.
func BenchmarkPipe(b *testing.B) {
	b.Run(fmt.Sprintf("record%d", 104), func(b *testing.B) {
		benchPipe(b, func(i int) rec104 { return rec104{At: Time(i)} }, func(r *rec104) Time { return r.At })
	})
	b.Run(fmt.Sprintf("record%d", 64), func(b *testing.B) {
		benchPipe(b, func(i int) rec64 { return rec64{At: Time(i)} }, func(r *rec64) Time { return r.At })
	})
}
