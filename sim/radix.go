package sim

import (
	"fmt"
	"math/bits"
)

// Timeline is the loop's event queue: a radix heap, a priority queue for
// monotone keys. A discrete-event loop never schedules before the event it
// is dispatching, so the earliest pending time never decreases, and a
// radix heap exploits that: an event goes into the bucket of the highest
// bit where its time differs from the last time popped, a push is an
// append, and a pop sorts only the lowest bucket, a few events at a time.
// Each event moves down a handful of buckets over its life instead of
// being sifted through log2(n) levels of a binary heap on both push and
// pop, and the moves are sequential appends that stay in cache on a
// fleet-sized queue.
//
// Order is (at, seq) as in [Queue], with seq implicit: events due at the
// same instant always share a bucket (their bucket depends only on their
// time and the last time popped), every bucket keeps its events in
// scheduling order, and a bucket is redistributed whole and in order, so
// ties come out first scheduled, first dispatched.
type Timeline[E any] struct {
	// buckets[0] holds the events due at last, in scheduling order, read
	// from head; buckets[i], i > 0, those whose time first differs from
	// last at bit i-1.
	buckets [65][]slot[E]
	head    int
	// used has bit i set when buckets[i] is not empty (i > 0).
	used uint64
	// last is the time buckets are keyed against: the time of the events
	// in buckets[0]. Peek may move it past popped, the last time popped.
	last, popped Time
	n            int
	// refile is rekey's room, kept: a check case rekeys about four times,
	// and a list grown anew each time was 5% of what a case allocated.
	refile []slot[E]
}

type slot[E any] struct {
	at Time
	ev E
}

// Len returns the number of pending events.
func (t *Timeline[E]) Len() int { return t.n }

// reset empties t as a zero Timeline, keeping its buckets' room.
func (t *Timeline[E]) reset() {
	for i := range t.buckets {
		clear(t.buckets[i])
		t.buckets[i] = t.buckets[i][:0]
	}
	t.head, t.used, t.last, t.popped, t.n = 0, 0, 0, 0, 0
}

func (t *Timeline[E]) bucket(at Time) int {
	return bits.Len64(uint64(at ^ t.last))
}

// Push schedules ev at time at. at must not be before the last time popped
// (the monotone promise Loop.Schedule enforces); Push panics otherwise,
// since the event could no longer come out in order.
func (t *Timeline[E]) Push(at Time, ev E) {
	if at < t.last {
		if at < t.popped {
			panic(fmt.Sprintf("sim: Timeline.Push at %d, before the last time popped %d", at, t.popped))
		}
		t.rekey(at)
	}
	t.put(at, ev)
	t.n++
}

func (t *Timeline[E]) put(at Time, ev E) {
	b := t.bucket(at)
	if len(t.buckets[b]) == cap(t.buckets[b]) {
		t.grow(b)
	}
	t.buckets[b] = append(t.buckets[b], slot[E]{at: at, ev: ev})
	if b > 0 {
		t.used |= 1 << (b - 1)
	}
}

// minBucket is the capacity a bucket starts with. A check case (a small
// world, a few hundred events) uses a dozen buckets of a few events each:
// at 16 slots their storage was 8% of a case's allocation, at 4 it is a
// quarter of that, for two more growths in a fleet's busiest buckets.
const minBucket = 4

func (t *Timeline[E]) grow(b int) {
	old := t.buckets[b]
	nb := make([]slot[E], len(old), max(2*cap(old), minBucket))
	copy(nb, old)
	t.buckets[b] = nb
}

// rekey keys the buckets against an earlier time than last: a Peek moved
// last up to the next pending time, and then an event came due between the
// last one popped and that time (the loop peeked past its horizon and the
// caller went on scheduling). Rare, so it simply re-files everything, in
// bucket order, which keeps each instant's events in scheduling order.
func (t *Timeline[E]) rekey(at Time) {
	all := append(t.refile[:0], t.buckets[0][t.head:]...)
	for b := 1; b < len(t.buckets); b++ {
		all = append(all, t.buckets[b]...)
		clear(t.buckets[b])
		t.buckets[b] = t.buckets[b][:0]
	}
	clear(t.buckets[0])
	t.buckets[0], t.head, t.used, t.last = t.buckets[0][:0], 0, 0, at
	for _, s := range all {
		t.put(s.at, s.ev)
	}
	clear(all) // drop references held by the payload
	t.refile = all[:0]
}

// settle makes buckets[0] hold the earliest events, if any are pending: it
// takes the lowest non-empty bucket, moves last up to its earliest time and
// spreads its events, in order, over the lower buckets.
func (t *Timeline[E]) settle() bool {
	if t.head < len(t.buckets[0]) {
		return true
	}
	t.buckets[0], t.head = t.buckets[0][:0], 0
	if t.used == 0 {
		return false
	}
	b := bits.TrailingZeros64(t.used) + 1
	src := t.buckets[b]
	low := src[0].at
	for i := 1; i < len(src); i++ {
		low = min(low, src[i].at)
	}
	t.last = low
	for _, s := range src {
		t.put(s.at, s.ev) // into a bucket below b: s.at and low agree from bit b-1 up
	}
	clear(src) // drop references held by the payload
	t.buckets[b] = src[:0]
	t.used &^= 1 << (b - 1)
	return true
}

// rewind lowers the time before which Push refuses events to to (when it
// is lower): a Wheel turned off moves to the Timeline events it had taken
// from it ahead of events still due earlier.
func (t *Timeline[E]) rewind(to Time) {
	t.popped = min(t.popped, to)
}

// Peek returns the time of the next event, or Never if none is pending.
func (t *Timeline[E]) Peek() Time {
	if !t.settle() {
		return Never
	}
	return t.last
}

// Pop removes and returns the earliest event. It panics on an empty
// timeline; callers check Len first.
func (t *Timeline[E]) Pop() (Time, E) {
	if !t.settle() {
		panic("sim: Pop on an empty Timeline")
	}
	s := &t.buckets[0][t.head]
	at, ev := s.at, s.ev
	t.popped = at
	var zero E
	s.ev = zero
	t.head++
	t.n--
	return at, ev
}
