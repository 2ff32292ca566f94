package sim

import (
	"fmt"
	"math/bits"
)

// Wheel is the loop's event queue: a timing wheel for the near future in
// front of a [Timeline] (a radix heap) for the rest. Most of a fleet run's
// events come due within minutes of being scheduled (a task's end, a
// session's next step): the wheel files such an event in the slot of its
// time, an append (a slot spans about a second and holds an event or two),
// and pops the slots in turn. The radix heap alone moved each event down
// five of its buckets on average, a fifth of the model's time on a fleet.
// Events beyond the wheel's span (tomorrow's job starts) wait in the radix
// heap and move into the wheel as it comes round to them.
//
// Order is (at, seq) as in [Queue], seq implicit: a slot is kept sorted by
// time, a new event going after those due at the same instant; an event
// from the radix heap (which keeps its own ties in order) enters the wheel
// as soon as the span reaches its time, before any event pushed later with
// that time can, since until then such an event would have gone to the
// radix heap too.
//
// A run whose events crowd a slot (thousands due within a second: a
// sorted insert each would cost as much as the slot holds) turns the wheel
// off for good: its events move to the radix heap, behind the ones already
// there, which were scheduled before them.
type Wheel[E any] struct {
	slots [wheelSlots]wheelSlot[E]
	// used has bit i set when slots[i] holds an event not yet popped.
	used [wheelSlots / 64]uint64
	// base is the first slot number (time >> wheelShift) the wheel covers,
	// that of the last event popped: slot numbers base … base+wheelSlots-1
	// are in the wheel, at index number % wheelSlots.
	base   int64
	far    Timeline[E] // events due at slot base+wheelSlots or later; every event once off
	inWh   int         // events in the wheel
	popped Time
	off    bool // crowded once: the radix heap holds every event
	// spare is storage for slots that have none yet, handed out slotCap
	// events at a time: one allocation for many slots, and a slot keeps
	// what it got, so a long run stops allocating.
	spare  []slot[E]
	spareN int // slots' room in the last chunk of spare
}

type wheelSlot[E any] struct {
	items []slot[E] // sorted by time, ties in scheduling order
	head  int       // items before head were popped
}

const (
	wheelShift = 30 // a slot spans 2^30 ns, about 1.07 s
	wheelSlots = 1024
	slotCap    = 4   // room a slot gets at first use
	spareSlots = 64  // slots' first room allocated at once, at most
	spareFirst = 8   // … and at a wheel's first: a check case uses a few dozen slots
	slotMax    = 256 // events in one slot that turn the wheel off
)

// reset empties the wheel as a zero Wheel, keeping its slots' room, its
// spare room and the radix heap's buckets (Loop.Reset).
func (w *Wheel[E]) reset() {
	for i := range w.slots {
		s := &w.slots[i]
		clear(s.items) // events left pending hold nothing past the run
		s.items, s.head = s.items[:0], 0
	}
	w.used = [wheelSlots / 64]uint64{}
	w.base, w.inWh, w.popped, w.off = 0, 0, 0, false
	w.far.reset()
}

// Len returns the number of pending events.
func (w *Wheel[E]) Len() int { return w.inWh + w.far.Len() }

// Push schedules ev at time at. at must not be before the last time
// popped (the monotone promise Loop.Schedule enforces); Push panics
// otherwise, since the event could no longer come out in order.
func (w *Wheel[E]) Push(at Time, ev E) {
	if at < w.popped {
		panic(fmt.Sprintf("sim: Wheel.Push at %d, before the last time popped %d", at, w.popped))
	}
	if !w.off && int64(at)>>wheelShift-w.base < wheelSlots {
		if !w.crowded(at) {
			w.insert(at, ev)
			return
		}
		w.turnOff()
	}
	w.far.Push(at, ev)
}

// crowded reports whether the slot of time at holds slotMax events.
func (w *Wheel[E]) crowded(at Time) bool {
	s := &w.slots[int(int64(at)>>wheelShift)&(wheelSlots-1)]
	return len(s.items)-s.head >= slotMax
}

// insert files an event within the wheel's span in its slot, after the
// events due at or before its time.
func (w *Wheel[E]) insert(at Time, ev E) {
	i := int(int64(at)>>wheelShift) & (wheelSlots - 1)
	s := &w.slots[i]
	if s.items == nil {
		if len(w.spare) < slotCap {
			// Chunks double from spareFirst slots' room to spareSlots':
			// a small run (a check case) allocates what it uses, a fleet
			// soon allocates in large chunks.
			w.spareN = min(max(2*w.spareN, spareFirst), spareSlots)
			w.spare = make([]slot[E], slotCap*w.spareN)
		}
		s.items, w.spare = w.spare[:0:slotCap], w.spare[slotCap:]
	}
	items := append(s.items, slot[E]{at: at, ev: ev})
	k := len(items) - 1 // usually the slot's latest: no move
	for k > s.head && items[k-1].at > at {
		k--
	}
	if k < len(items)-1 {
		copy(items[k+1:], items[k:len(items)-1])
		items[k] = slot[E]{at: at, ev: ev}
	}
	s.items = items
	w.used[i/64] |= 1 << (i % 64)
	w.inWh++
}

// turnOff moves the wheel's events to the radix heap, in time order, and
// leaves every later event to it.
func (w *Wheel[E]) turnOff() {
	w.off = true
	w.far.rewind(w.popped)
	for i := w.next(); i >= 0; i = w.next() {
		s := &w.slots[i]
		for _, it := range s.items[s.head:] {
			w.far.Push(it.at, it.ev)
		}
		clear(s.items)
		s.items, s.head = s.items[:0], 0
		w.used[i/64] &^= 1 << (i % 64)
	}
	w.inWh = 0
}

// next returns the index of the first slot, in wheel order from base,
// that holds an event not yet popped, or -1.
func (w *Wheel[E]) next() int {
	if w.inWh == 0 {
		return -1
	}
	start := int(w.base) & (wheelSlots - 1)
	// From start to the end of the ring, then from 0.
	for pass := 0; pass < 2; pass++ {
		from, to := start, wheelSlots
		if pass == 1 {
			from, to = 0, start
		}
		for word := from / 64; word*64 < to; word++ {
			m := w.used[word]
			if word == from/64 {
				m &^= 1<<(from%64) - 1
			}
			if m != 0 {
				if i := word*64 + bits.TrailingZeros64(m); i < to {
					return i
				}
			}
		}
	}
	return -1
}

// Peek returns the time of the next event, or Never if none is pending.
func (w *Wheel[E]) Peek() Time {
	if i := w.next(); i >= 0 {
		s := &w.slots[i]
		return s.items[s.head].at
	}
	return w.far.Peek()
}

// Pop removes and returns the earliest event. It panics on an empty
// wheel; callers check Len first.
func (w *Wheel[E]) Pop() (Time, E) {
	if w.off {
		at, ev := w.far.Pop()
		w.popped = at
		return at, ev
	}
	i := w.next()
	if i < 0 {
		if w.far.Len() == 0 {
			panic("sim: Pop on an empty Wheel")
		}
		// The wheel is empty: turn it to the next far event.
		w.turn(int64(w.far.Peek()) >> wheelShift)
		if w.off {
			return w.Pop()
		}
		i = w.next()
	}
	s := &w.slots[i]
	it := &s.items[s.head]
	at, ev := it.at, it.ev
	var zero E
	it.ev = zero // drop references held by the payload
	s.head++
	if s.head == len(s.items) {
		s.items, s.head = s.items[:0], 0
		w.used[i/64] &^= 1 << (i % 64)
	}
	w.inWh--
	w.popped = at
	if n := int64(at) >> wheelShift; n != w.base {
		w.turn(n)
	}
	return at, ev
}

// turn moves the wheel's first slot to slot number n and moves in the far
// events its span now reaches.
func (w *Wheel[E]) turn(n int64) {
	w.base = n
	for !w.off && w.far.Len() > 0 {
		next := w.far.Peek()
		if int64(next)>>wheelShift-n >= wheelSlots {
			return
		}
		if w.crowded(next) {
			w.turnOff() // the event stays where it is, first of its time
			return
		}
		at, ev := w.far.Pop()
		w.insert(at, ev)
	}
}
