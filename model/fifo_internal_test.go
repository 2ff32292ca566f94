package model

import (
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"
)

// The dispatch queues (M14: a tenant's sessions waiting for dispatch, a
// server's tasks waiting for a slot) must behave as plain FIFO queues
// through the compaction and reset tricks that keep them allocation-free.
var _ = Describe("fifo (M14 dispatch queues)", func() {
	It("behaves as a plain queue through push, pop and remove (property)", func() {
		checkQueue(func() queue { return &fifo{} })
	})

	It("with its front inline (a tenant's want queue), behaves the same (property)", func() {
		checkQueue(func() queue { f := newHeadFifo(); return &f })
	})
})

// queue is what both dispatch queues offer.
type queue interface {
	len() int
	push(v int32)
	front() int32
	pop() int32
	remove(v int32)
}

func checkQueue(newQueue func() queue) {
	rapid.Check(GinkgoT(), func(t *rapid.T) {
		g := NewWithT(t)
		f := newQueue()
		var want []int32
		next := int32(0)
		for range rapid.IntRange(0, 400).Draw(t, "ops") { // past the compaction at head 64
			switch op := rapid.IntRange(0, 3).Draw(t, "op"); {
			case op <= 1 || len(want) == 0: // pushes a little more often: queues grow
				f.push(next)
				want = append(want, next)
				next++
			case op == 2:
				g.Expect(f.front()).To(Equal(want[0]))
				g.Expect(f.pop()).To(Equal(want[0]))
				want = want[1:]
			default:
				v := want[rapid.IntRange(0, len(want)-1).Draw(t, "victim")]
				f.remove(v)
				want = slices.DeleteFunc(want, func(x int32) bool { return x == v })
			}
			g.Expect(f.len()).To(Equal(len(want)))
			if len(want) > 0 {
				g.Expect(f.front()).To(Equal(want[0]))
			}
		}
		f.remove(-1) // absent: no change
		g.Expect(f.len()).To(Equal(len(want)))
	})
}
