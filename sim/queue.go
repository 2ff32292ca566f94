package sim

// entry is one pending event. seq breaks ties between equal times in
// scheduling order, which is what makes a run deterministic.
type entry[E any] struct {
	at  Time
	seq uint64
	ev  E
}

// Queue is a binary min-heap of events ordered by (at, seq). It is typed so
// payloads are stored unboxed: container/heap would box every push through
// interface{} and allocate.
type Queue[E any] struct {
	items []entry[E]
	seq   uint64
}

// Len returns the number of pending events.
func (q *Queue[E]) Len() int { return len(q.items) }

// Push schedules ev at time at.
func (q *Queue[E]) Push(at Time, ev E) {
	q.items = append(q.items, entry[E]{at: at, seq: q.seq, ev: ev})
	q.seq++
	q.up(len(q.items) - 1)
}

// Peek returns the time of the next event, or Never if the queue is empty.
func (q *Queue[E]) Peek() Time {
	if len(q.items) == 0 {
		return Never
	}
	return q.items[0].at
}

// Pop removes and returns the earliest event. It panics on an empty queue;
// callers check Len first.
func (q *Queue[E]) Pop() (Time, E) {
	top := q.items[0]
	n := len(q.items) - 1
	q.items[0] = q.items[n]
	var zero entry[E]
	q.items[n] = zero // drop references held by the payload
	q.items = q.items[:n]
	if n > 0 {
		q.down(0)
	}
	return top.at, top.ev
}

func less[E any](a, b *entry[E]) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (q *Queue[E]) up(i int) {
	it := q.items
	x := it[i]
	for i > 0 {
		p := (i - 1) / 2
		if !less(&x, &it[p]) {
			break
		}
		it[i] = it[p]
		i = p
	}
	it[i] = x
}

func (q *Queue[E]) down(i int) {
	it := q.items
	n := len(it)
	x := it[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && less(&it[r], &it[c]) {
			c = r
		}
		if !less(&it[c], &x) {
			break
		}
		it[i] = it[c]
		i = c
	}
	it[i] = x
}
