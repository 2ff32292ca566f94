package scenarios

import "fmt"

// This file exposes internals to the external tests (package
// scenarios_test) and nothing else.

// LiveOp is one operation on the checkers' table of tasks in process.
type LiveOp struct {
	Del bool
	Key uint64
	Val int
}

// LiveTableAgrees replays ops on a liveTable and on a Go map and describes
// the first disagreement, or returns "".
func LiveTableAgrees(ops []LiveOp) string {
	var t liveTable[int]
	m := map[uint64]int{}
	for i, op := range ops {
		if op.Del {
			v, ok := t.del(op.Key)
			w, wok := m[op.Key]
			delete(m, op.Key)
			if ok != wok || v != w {
				return fmt.Sprintf("op %d: del(%d) = %d, %v; want %d, %v", i, op.Key, v, ok, w, wok)
			}
		} else {
			t.set(op.Key, op.Val)
			m[op.Key] = op.Val
		}
		if t.n != len(m) {
			return fmt.Sprintf("op %d: %d entries, want %d", i, t.n, len(m))
		}
		for k, w := range m {
			if v, ok := t.get(k); !ok || v != w {
				return fmt.Sprintf("op %d: get(%d) = %d, %v; want %d", i, k, v, ok, w)
			}
		}
		seen := 0
		t.each(func(k uint64, v *int) {
			seen++
			if m[k] != *v {
				panic(fmt.Sprintf("each: %d = %d, want %d", k, *v, m[k]))
			}
		})
		if seen != len(m) {
			return fmt.Sprintf("op %d: each saw %d entries, want %d", i, seen, len(m))
		}
	}
	return ""
}

// RenewedTableAgrees replays before on a liveTable, renews it (as a check
// worker's reused invariant set does between cases), then replays after on
// it and on a fresh table, and describes the first difference in what they
// hold or the order they iterate in, or returns "".
func RenewedTableAgrees(before, after []LiveOp) string {
	var used, fresh liveTable[int]
	replay(&used, before)
	used = used.renewed()
	replay(&used, after)
	replay(&fresh, after)
	type entry struct {
		k uint64
		v int
	}
	var got, want []entry
	used.each(func(k uint64, v *int) { got = append(got, entry{k, *v}) })
	fresh.each(func(k uint64, v *int) { want = append(want, entry{k, *v}) })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Sprintf("renewed table holds %v, a fresh one %v", got, want)
	}
	return ""
}

func replay(t *liveTable[int], ops []LiveOp) {
	for _, op := range ops {
		if op.Del {
			t.del(op.Key)
		} else {
			t.set(op.Key, op.Val)
		}
	}
}

// TouchEverything makes the observers behind a pipe touch their rows on
// any fleet size (normally only from touchMinObjects objects on), so the
// small worlds of a property exercise Touch; it returns the restore.
func TouchEverything() (restore func()) {
	old := touchMinObjects
	touchMinObjects = 0
	return func() { touchMinObjects = old }
}
