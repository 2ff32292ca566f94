package scenarios

import "github.com/maintsim/maintsim/model"

// Checker state, side by side. Each checker keeps its own per-job and
// per-object state, but in a row shared with the others' (one jobRow per
// job, one objRow per declared object) rather than a slice of its own: on
// a fleet every job is cold when its next record comes, and a task record
// read by a dozen checkers then costs one or two cache misses, not one per
// checker. A checker touches only its own field of a row; the rows live
// with the Catalog because every checker of a set shares that.

type jobRow struct {
	inv09 inv09sess
	inv10 inv10sess
	inv12 inv12job
	inv16 inv16sess
	// starts and fails count the job's task_start records and its
	// task_end records with result Failed, kept by the set
	// (Catalog.observeTask): INV-10 compares them with their values at a
	// session's or an attempt's start.
	starts, fails uint32
}

// A tenRow is the checkers' per-tenant state: on a fleet one row is one
// miss where separate arrays were three.
type tenRow struct {
	// inProc is the tenant's tasks in process, kept by the set
	// (Catalog.observeTask): a task_start adds one, a task_end with the
	// started flag ends one. INV-11 and INV-14 read it.
	inProc int32
	inv14  inv14ten
}

// ten returns tenant t's row, growing the rows to every declared tenant
// (or to t); nil for a negative t. The pointer is valid until the next
// call that grows the rows.
func (c *Catalog) ten(t int32) *tenRow { return rowAt(&c.tenRows, t, len(c.Tenants)) }

// rowAt returns row i of rows, first growing rows to every declared entity
// (declared of them) or to i; nil for a negative i.
func rowAt[T any](rows *[]T, i int32, declared int) *T {
	if i < 0 {
		return nil
	}
	if int(i) >= len(*rows) {
		*rows = append(*rows, make([]T, max(int(i)+1, declared)-len(*rows))...)
	}
	return &(*rows)[i]
}

// An objRow also says where the object's task in process is kept (a task
// is one object of its job's one live session): a slot, plus one, in the
// set's dense table of live tasks (Catalog.tasks) and in INV-12's
// (taskTable in invariants.go); 0 when there is none. The state itself
// stays out of the row: the tables hold a few hundred live tasks even on a
// fleet and stay in cache, while rows are one per declared object and
// cold.
type objRow struct {
	inv07 inv07rp
	inv12 inv12ended
	inv16 inv16obj
	// rpN is the session in which the object last committed a restore
	// point (0: none), kept by the set (Catalog.observeTask) for INV-09.
	rpN   int32
	slots [taskSlots]int32 // per table of tasks in process, by taskSlot
	// A row is a whole cache line (64 bytes; a fleet's rows are one
	// large, page-aligned allocation): at 56 bytes, most rows straddled
	// two lines and a task end missed on both.
	_ [20]byte
}

// taskSlot names the tables of live tasks that keep a slot in every objRow.
type taskSlot int

const (
	slotLive  taskSlot = iota // the set's table of tasks in process (Catalog.tasks)
	slotINV12                 // INV-12's, which forgets a job's tasks on a broken session
	taskSlots
)

// slot is table i's slot field in the row; nil for no row (a task of an
// undeclared object).
func (o *objRow) slot(i taskSlot) *int32 {
	if o == nil {
		return nil
	}
	return &o.slots[i]
}

// row returns job j's row, growing the rows to every declared job (or to
// j, for a job a hand-made trace never declared); nil for a negative j.
// The pointer is valid until the next call that grows the rows.
func (c *Catalog) row(j int32) *jobRow { return rowAt(&c.rows, j, len(c.Jobs)) }

// objIndex returns the flat index of object o of job j, or -1. Jobs are
// numbered in declaration order, so a job declared late (a hand-made
// trace) extends the layout without moving the others.
func (c *Catalog) objIndex(j, o int32) int32 {
	if len(c.objBase) != len(c.Jobs)+1 {
		c.extendObjBase()
	}
	if j < 0 || o < 0 || int(j)+1 >= len(c.objBase) {
		return -1
	}
	if i := c.objBase[j] + o; i < c.objBase[j+1] {
		return i
	}
	return -1
}

// extendObjBase numbers the objects of the jobs declared since the last
// call (objIndex's common case is that there are none).
func (c *Catalog) extendObjBase() {
	if len(c.objBase) == 0 {
		c.objBase = append(c.objBase, 0)
	}
	for k := len(c.objBase) - 1; k < len(c.Jobs); k++ {
		n := c.objBase[k]
		if d := c.Jobs[k]; d != nil {
			n += int32(len(d.Objects))
		}
		c.objBase = append(c.objBase, n)
	}
}

// objRange returns the flat index range of job j's objects.
func (c *Catalog) objRange(j int32) (from, to int32) {
	c.objIndex(-1, -1) // extends objBase to every declared job
	if j < 0 || int(j)+1 >= len(c.objBase) {
		return 0, 0
	}
	return c.objBase[j], c.objBase[j+1]
}

// obj returns the row of object o of job j, allocating rows for every
// declared object on first use; nil for an unknown object.
//
// A task record reaches a dozen checkers that each ask for the same row,
// so the last answer is kept (memo): only this function moves objRows,
// and it refreshes the memo when it does.
func (c *Catalog) obj(j, o int32) *objRow {
	if ^c.memo.notJ == j && c.memo.o == o {
		return c.memo.row // inlined at the call
	}
	return c.objSlow(j, o)
}

func (c *Catalog) objSlow(j, o int32) *objRow {
	i := c.objIndex(j, o)
	if i < 0 {
		return nil
	}
	if int(i) >= len(c.objRows) {
		c.objRows = append(c.objRows, make([]objRow, int(c.objBase[len(c.objBase)-1])-len(c.objRows))...)
	}
	row := &c.objRows[i]
	c.memo.notJ, c.memo.o, c.memo.row = ^j, o, row
	return row
}

// objsOf returns job j's object rows (empty before first use).
func (c *Catalog) objsOf(j int32) []objRow {
	from, to := c.objRange(j)
	if int(to) > len(c.objRows) {
		return nil
	}
	return c.objRows[from:to]
}

// rowPart returns a checker's part of a row, or nil for no row.
func rowPart[T any](r *jobRow, part func(*jobRow) *T) *T {
	if r == nil {
		return nil
	}
	return part(r)
}

// touchMinObjects is the fleet size from which touching pays: below it the
// rows stay in cache, and touching them only costs (7% of the observers'
// goroutine on the 1,000-tenant benchmark; 15% less wall time at 100,000
// tenants, BENCHMARKS.md). On the project's machine (32 MiB of L3) the
// line falls between 100,000 objects (6.4 MB of rows: large.yaml 6% faster
// without touching, median of 25 interleaved pairs) and 300,000 (mid.yaml
// 9% slower without, huge.yaml's million 8%).
var touchMinObjects = 1 << 17 // a variable for the tests (TouchEverything)

// touch loads, for each record, the rows its checkers will read: the job's
// facts and row and the object's row (sim.Toucher). The loads are
// independent of each other, so the processor overlaps their misses; what
// they read is summed into touched so the compiler keeps them.
func (c *Catalog) touch(rs []model.Record) bool {
	if c.factsStale || len(c.objRows) < touchMinObjects {
		return false
	}
	var sum int32
	facts, rows, objRows, objBase, tenRows := c.facts, c.rows, c.objRows, c.objBase, c.tenRows
	for i := range rs {
		j := rs[i].Job
		if j < 0 {
			continue
		}
		if int(j) < len(facts) {
			if t := facts[j].Tenant; t >= 0 && int(t) < len(tenRows) {
				sum += tenRows[t].inProc
			}
		}
		if int(j) < len(rows) {
			sum += rows[j].inv09.n + rows[j].inv16.n // a row spans two lines
		}
		if o := rs[i].Object; o >= 0 && int(j) < len(objBase) {
			if k := int(objBase[j]) + int(o); k < len(objRows) {
				sum += objRows[k].slots[0]
			}
		}
	}
	c.touched += sum
	return true
}

// loadedRow is object o of job j's row if it exists, without growing the
// rows (a Touch must not change anything); nil otherwise.
func (c *Catalog) loadedRow(j, o int32) *objRow {
	if j < 0 || o < 0 || int(j) >= len(c.objBase) {
		return nil
	}
	if k := int(c.objBase[j]) + int(o); k < len(c.objRows) {
		return &c.objRows[k]
	}
	return nil
}

// objRow must stay one cache line (layout_test.go).
const objRowSize = 64
