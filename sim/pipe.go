package sim

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Pipe is an Observer that hands records to other observers running on a
// goroutine of their own. The run itself stays on one goroutine: observers
// only read records and never feed back into the model, so moving some of
// them off the loop's goroutine cannot change the run, and on a machine
// with a spare core their cost overlaps the model's instead of adding to
// it. They still see every record, in publication order.
//
// Records are copied into fixed-size batches (a record published through
// a Bus is only valid during Observe); batches are recycled, so the steady
// state allocates nothing. Close must be called once, after the last
// Publish: it flushes, waits for the observers to catch up, and re-raises
// a panic of theirs on the caller's goroutine.
type Pipe[R any] struct {
	bus      Bus[R]
	touch    []Toucher[R] // the observers that are Touchers
	full     chan []R
	free     chan []R
	done     chan struct{}
	panicked any
	// The producer's fields on a cache line of their own: batch changes on
	// every Observe, and a line both goroutines use would bounce between
	// the cores on each change (the observers' goroutine read bus, on the
	// same line, once per record and missed on it every time).
	_      [64]byte
	batch  []R
	closed bool
	_      [64]byte
}

// PipeBatch is the number of records per batch: large enough that the
// hand-over (two channel operations) is noise per record, small enough
// that the batches in flight stay in cache. With 104-byte records, 2,048
// put a megabyte in flight, the whole of a core's L2 on the project's
// machine, streaming through the model's cache; 512 (266 KB in flight)
// ran std 4.6% and large 3.5% faster (medians of 41 and 15 interleaved
// pairs; 256 and 1,024 the same as 512).
const PipeBatch = 512

// Toucher is an observer that can load, ahead of its Observe calls, the
// state a run of records will need. On a fleet every job's state is cold
// when its next record comes, and an observer that reads it record by
// record waits for one cache miss at a time; a tight loop of independent
// loads over a chunk lets the processor wait for many at once. Touch must
// not change anything an observer reports.
type Toucher[R any] interface {
	Touch(rs []R)
}

// TouchChunk is the number of records a Pipe hands its Touchers at a
// time, before the observers see them: small enough that what Touch loads
// is still in cache when Observe reads it.
const TouchChunk = 256

// pipeDepth is the number of batches in flight: the producer runs at most
// this far ahead, which bounds the memory a pipe holds.
const pipeDepth = 4

// NewPipe starts the observers' goroutine.
func NewPipe[R any](obs ...Observer[R]) *Pipe[R] {
	p := &Pipe[R]{full: make(chan []R, pipeDepth), free: make(chan []R, pipeDepth+1),
		done: make(chan struct{})}
	for _, o := range obs {
		p.bus.Subscribe(o)
		if t, ok := o.(Toucher[R]); ok {
			p.touch = append(p.touch, t)
		}
	}
	for range pipeDepth + 1 {
		p.free <- make([]R, 0, PipeBatch)
	}
	p.batch = <-p.free
	go p.drain()
	return p
}

func (p *Pipe[R]) drain() {
	defer close(p.done)
	defer func() {
		if v := recover(); v != nil {
			p.panicked = fmt.Sprintf("%v\n%s", v, debug.Stack())
			// Keep accepting batches so the producer never blocks on a
			// dead consumer; Close reports the panic.
			for b := range p.full {
				p.free <- b[:0]
			}
		}
	}()
	bus, touch := &p.bus, p.touch // locals: not reloaded from p after every call
	for {
		b, ok := receive(p.full)
		if !ok {
			return
		}
		for from := 0; from < len(b); from += TouchChunk {
			chunk := b[from:min(from+TouchChunk, len(b))]
			for _, t := range touch {
				t.Touch(chunk)
			}
			// A BatchObserver takes the chunk whole (Bus.PublishBatch):
			// one call, then its own tight loop over the records, instead
			// of a call through an interface per record and observer.
			bus.PublishBatch(chunk)
		}
		p.free <- b[:0]
	}
}

// Observe implements Observer: r is copied into the current batch.
func (p *Pipe[R]) Observe(r *R) {
	p.batch = append(p.batch, *r)
	if len(p.batch) == cap(p.batch) {
		p.full <- p.batch
		p.batch, _ = receive(p.free)
	}
}

// ObserveBatch implements BatchObserver: rs is copied into the current
// batch, a batch's worth at a time.
func (p *Pipe[R]) ObserveBatch(rs []R) {
	for len(rs) > 0 {
		n := copy(p.batch[len(p.batch):cap(p.batch)], rs)
		p.batch = p.batch[:len(p.batch)+n]
		rs = rs[n:]
		if len(p.batch) == cap(p.batch) {
			p.full <- p.batch
			p.batch, _ = receive(p.free)
		}
	}
}

// receivePolls is how many times receive looks for a batch before it
// blocks: a few hundred microseconds, longer than either side usually
// waits for the other (a batch is some 30 µs of work on each).
const receivePolls = 1000

// receive takes the next batch from ch, or reports ch closed. It polls
// before it blocks: a goroutine blocked on a channel must be woken by
// the other side, and that wake-up (a futex call, on the waker's
// goroutine) was 5% of the observers' goroutine, paid at every batch
// while the model waited for a free one. Between polls it yields, so a
// waiting side never keeps other goroutines from running.
func receive[R any](ch chan []R) ([]R, bool) {
	for range receivePolls {
		select {
		case b, ok := <-ch:
			return b, ok
		default:
			runtime.Gosched()
		}
	}
	b, ok := <-ch
	return b, ok
}

// Close flushes the last batch and waits until every observer has seen
// every record. It panics with the observers' panic if one of them did.
func (p *Pipe[R]) Close() {
	if p.closed {
		return
	}
	p.closed = true
	if len(p.batch) > 0 {
		p.full <- p.batch
	}
	close(p.full)
	<-p.done
	if p.panicked != nil {
		panic(fmt.Sprintf("sim: an observer behind a pipe panicked: %v", p.panicked))
	}
}
