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
})
