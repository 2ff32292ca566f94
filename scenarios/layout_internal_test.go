package scenarios

import (
	"testing"
	"unsafe"
)

// TestObjRowLayout pins objRow at one cache line: a task end reads several
// checkers' parts of its object's row, and a row across two lines costs a
// second miss on a fleet (BENCHMARKS.md).
func TestObjRowLayout(t *testing.T) {
	if got := unsafe.Sizeof(objRow{}); got != objRowSize {
		t.Fatalf("objRow is %d bytes, want %d: adjust its padding", got, objRowSize)
	}
}
