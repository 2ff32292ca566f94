package sim_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/sim"
)

type rec struct {
	i    int
	text string
}

// collect keeps what it saw; it runs on the pipe's goroutine, and is read
// only after Close.
type collect struct{ got []rec }

func (c *collect) Observe(r *rec) { c.got = append(c.got, *r) }

var _ = Describe("Pipe", func() {
	It("hands every record to every observer behind it, in publication order, across batches and a partial last one", func() {
		n := 3*sim.PipeBatch + 17
		a, b, direct := &collect{}, &collect{}, &collect{}
		p := sim.NewPipe[rec](a, b)
		var bus sim.Bus[rec]
		bus.Subscribe(direct)
		bus.Subscribe(p)
		for i := range n {
			// The publisher reuses its record, as the model's Ready
			// buffer is reused: the pipe must copy.
			r := rec{i: i, text: string(rune('a' + i%26))}
			bus.Publish(&r)
			r.i = -1
		}
		p.Close()
		Expect(a.got).To(HaveLen(n))
		Expect(a.got).To(Equal(direct.got))
		Expect(b.got).To(Equal(direct.got))
		for i, r := range a.got {
			Expect(r.i).To(Equal(i))
		}
	})

	It("takes slices through PublishBatch exactly as record by record, across batch boundaries the slices straddle", func() {
		n := 3*sim.PipeBatch + 17
		viaBatch, viaOne := &collect{}, &collect{}
		pb, po := sim.NewPipe[rec](viaBatch), sim.NewPipe[rec](viaOne)
		var batched, single sim.Bus[rec]
		batched.Subscribe(pb)
		single.Subscribe(po)
		// Steps of uneven sizes, some larger than a whole batch, so that
		// slices end mid-batch and span full ones.
		sizes := []int{1, 0, 7, sim.PipeBatch - 3, 2*sim.PipeBatch + 5, 13}
		buf := make([]rec, 0, n)
		for i, k := 0, 0; i < n; k++ {
			m := min(sizes[k%len(sizes)], n-i)
			buf = buf[:0]
			for j := range m {
				buf = append(buf, rec{i: i + j, text: string(rune('a' + (i+j)%26))})
			}
			batched.PublishBatch(buf)
			for j := range buf {
				single.Publish(&buf[j])
			}
			for j := range buf { // the publisher reuses its buffer
				buf[j].i = -1
			}
			i += m
		}
		pb.Close()
		po.Close()
		Expect(viaBatch.got).To(HaveLen(n))
		Expect(viaBatch.got).To(Equal(viaOne.got))
		for i, r := range viaBatch.got {
			Expect(r.i).To(Equal(i))
		}
	})

	It("hands a Toucher every record, in chunks of at most TouchChunk, each before any observer's Observe of it", func() {
		n := 2*sim.PipeBatch + sim.TouchChunk + 5
		t := &toucher{}
		plain := &collect{}
		p := sim.NewPipe[rec](plain, t)
		for i := range n {
			p.Observe(&rec{i: i})
		}
		p.Close()
		Expect(t.touched).To(HaveLen(n))
		for i, r := range t.touched {
			Expect(r).To(Equal(i))
		}
		Expect(t.maxChunk).To(Equal(sim.TouchChunk))
		Expect(t.early).To(BeZero(), "Observe of a record its Touch had not covered")
		Expect(plain.got).To(HaveLen(n))
	})

	It("delivers nothing extra when nothing was published, and Close is idempotent", func() {
		a := &collect{}
		p := sim.NewPipe[rec](a)
		p.Close()
		p.Close()
		Expect(a.got).To(BeEmpty())
	})

	It("re-raises an observer's panic on the caller's goroutine at Close, without deadlocking the publisher", func() {
		boom := sim.ObserverFunc[rec](func(r *rec) {
			if r.i == 5 {
				panic("observer broke")
			}
		})
		p := sim.NewPipe[rec](boom)
		for i := range 10 * sim.PipeBatch { // far more than the pipe holds
			p.Observe(&rec{i: i})
		}
		Expect(p.Close).To(PanicWith(ContainSubstring("observer broke")))
	})

	It("allocates nothing per record in the steady state", func() {
		p := sim.NewPipe[rec](sim.ObserverFunc[rec](func(*rec) {}))
		r := rec{i: 1}
		for range 2 * sim.PipeBatch { // warm up every batch
			p.Observe(&r)
		}
		allocs := testing.AllocsPerRun(5, func() {
			for range sim.PipeBatch {
				p.Observe(&r)
			}
		})
		p.Close()
		Expect(allocs).To(BeNumerically("==", 0))
	})

	It("allocates nothing per batch in the steady state through ObserveBatch", func() {
		p := sim.NewPipe[rec](sim.ObserverFunc[rec](func(*rec) {}))
		step := make([]rec, 37)
		for range 2 * sim.PipeBatch / len(step) * 3 {
			p.ObserveBatch(step)
		}
		allocs := testing.AllocsPerRun(5, func() {
			for range sim.PipeBatch / len(step) {
				p.ObserveBatch(step)
			}
		})
		p.Close()
		Expect(allocs).To(BeNumerically("==", 0))
	})
})

// toucher records the Touch calls and checks that every Observe comes
// after the Touch of its record, and that plain observers see a chunk only
// after it was touched.
type toucher struct {
	touched  []int
	seen     int
	maxChunk int
	early    int
}

func (t *toucher) Touch(rs []rec) {
	t.maxChunk = max(t.maxChunk, len(rs))
	for _, r := range rs {
		t.touched = append(t.touched, r.i)
	}
}

func (t *toucher) Observe(r *rec) {
	if r.i >= len(t.touched) || t.touched[r.i] != r.i {
		t.early++
	}
	t.seen++
}
