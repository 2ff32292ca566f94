package scenarios

import (
	"fmt"
	"reflect"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	gm "github.com/onsi/gomega"
)

// The differential spec (check_parallel_test.go) shows a reused set judges
// as a fresh one on the cases it runs; this one shows why it must on any:
// after a renew, every checker and the catalog hold what fresh ones hold,
// field by field. A kept slice whose contents the next run could read (a
// list of notices, a count) shows here even when no generated case
// happens to read it.
var _ = Describe("check: a renewed invariant set", func() {
	It("holds what a fresh one holds, field by field, after runs under every mutant", func() {
		renewed := 0
		eachSelftestCase(40, 5, func(e *explorer, rs *reuse, i int, f *File) {
			runCaseWith(rs, f, &e.opt)
			if rs.set == nil {
				return // the case did not compile or panicked: nothing kept
			}
			rs.set.reset()
			fresh := newInvariantSet(e.opt.Invariants)
			for k := range fresh.checkers {
				gm.Expect(sameState(reflect.ValueOf(rs.set.checkers[k]), reflect.ValueOf(fresh.checkers[k]), "")).
					To(gm.BeEmpty(), "%s after case %d, mutant %v", fresh.invs[k].ID, i, e.opt.Mutants.Names())
			}
			gm.Expect(sameState(reflect.ValueOf(rs.set.cat), reflect.ValueOf(fresh.cat), "")).
				To(gm.BeEmpty(), "the catalog after case %d, mutant %v", i, e.opt.Mutants.Names())
			renewed++
		})
		gm.Expect(renewed).To(gm.BeNumerically(">", 300))
	})

	It("is told apart from a fresh one by sameState when a kept slice still holds something", func() {
		used, fresh := &invMessage{notices: []string{"Back soon"}}, &invMessage{}
		gm.Expect(sameState(reflect.ValueOf(used), reflect.ValueOf(fresh), "")).To(gm.ContainSubstring("notices"))
		var t liveTable[int]
		t.set(7, 1)
		gm.Expect(sameState(reflect.ValueOf(&t), reflect.ValueOf(&liveTable[int]{}), "")).To(gm.ContainSubstring("keys"))
		t.del(7)
		gm.Expect(sameState(reflect.ValueOf(&t), reflect.ValueOf(&liveTable[int]{}), "")).To(gm.BeEmpty(), "an emptied table of the first size")
	})
})

// sameState describes the first difference between a and b that a run
// could observe, or returns "": slices by length and contents (not
// capacity; nil and empty alike), a live table by its entries (a renewed
// one keeps zeroed arrays of its first size). Pointers are followed once
// each (the checkers share the catalog).
func sameState(a, b reflect.Value, path string) string {
	return sameStateSeen(a, b, path, map[[2]uintptr]bool{})
}

func sameStateSeen(a, b reflect.Value, path string, seen map[[2]uintptr]bool) string {
	if a.Kind() != b.Kind() {
		return fmt.Sprintf("%s: kind %v against %v", path, a.Kind(), b.Kind())
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": nil against not nil"
			}
			return ""
		}
		key := [2]uintptr{a.Pointer(), b.Pointer()}
		if seen[key] {
			return ""
		}
		seen[key] = true
		return sameStateSeen(a.Elem(), b.Elem(), path, seen)
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": nil against not nil"
			}
			return ""
		}
		return sameStateSeen(a.Elem(), b.Elem(), path, seen)
	case reflect.Struct:
		if strings.HasPrefix(a.Type().Name(), "liveTable[") {
			for _, t := range []reflect.Value{a, b} {
				keys := t.FieldByName("keys")
				for i := range keys.Len() {
					if keys.Index(i).Uint() != 0 {
						return fmt.Sprintf("%s.keys[%d]: a live table not empty", path, i)
					}
				}
				if t.FieldByName("n").Int() != 0 {
					return path + ".n: a live table not empty"
				}
			}
			return ""
		}
		for i := range a.NumField() {
			if d := sameStateSeen(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: length %d against %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := sameStateSeen(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d entries against %d", path, a.Len(), b.Len())
		}
		if a.Len() > 0 {
			return path + ": a map not empty" // no checker keeps a map across a renew
		}
		return ""
	case reflect.Func:
		return ""
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: %q against %q", path, a.String(), b.String())
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Sprintf("%s: %v against %v", path, a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Sprintf("%s: %d against %d", path, a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if a.Uint() != b.Uint() {
			return fmt.Sprintf("%s: %d against %d", path, a.Uint(), b.Uint())
		}
	case reflect.Float32, reflect.Float64:
		if a.Float() != b.Float() {
			return fmt.Sprintf("%s: %v against %v", path, a.Float(), b.Float())
		}
	default:
		return fmt.Sprintf("%s: cannot compare a %v", path, a.Kind())
	}
	return ""
}
