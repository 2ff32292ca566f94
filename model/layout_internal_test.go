package model

import (
	"testing"
	"unsafe"
)

// TestJobLayout pins what the job struct's comment promises: the fields a
// task event reads share the first 64-byte line, and a job is a whole
// number of lines, so in a page-aligned fleet-sized array every job's
// first line starts a cache line.
func TestJobLayout(t *testing.T) {
	var jb job // Offsetof a promoted field is from the start of job
	if size := unsafe.Sizeof(jb); size%64 != 0 {
		t.Errorf("job is %d bytes, not a whole number of 64-byte lines: pad it", size)
	}
	hot := map[string]uintptr{
		"pcg":     unsafe.Offsetof(jb.pcg) + unsafe.Sizeof(jb.pcg),
		"rand":    unsafe.Offsetof(jb.rand) + unsafe.Sizeof(jb.rand),
		"Objects": unsafe.Offsetof(jb.Objects) + unsafe.Sizeof(jb.Objects),
		"Kind":    unsafe.Offsetof(jb.Kind) + unsafe.Sizeof(jb.Kind),
		"Target":  unsafe.Offsetof(jb.Target) + unsafe.Sizeof(jb.Target),
	}
	inFirstLine(t, "job", hot)
}

// TestTenantLayout pins the tenant's first line: a task end reads its
// in-process count, the front of its want queue, its server and its limit.
func TestTenantLayout(t *testing.T) {
	var tn tenant // Offsetof a promoted field is from the start of tenant
	if size := unsafe.Sizeof(tn); size%64 != 0 {
		t.Errorf("tenant is %d bytes, not a whole number of 64-byte lines: pad it", size)
	}
	if size := unsafe.Sizeof(task{}); size != 128 {
		t.Errorf("task is %d bytes, not an aligned pair of lines: pad it to 128", size)
	}
	hot := map[string]uintptr{
		"inProcess":  unsafe.Offsetof(tn.inProcess) + unsafe.Sizeof(tn.inProcess),
		"want.first": unsafe.Offsetof(tn.want) + unsafe.Offsetof(tn.want.first) + unsafe.Sizeof(tn.want.first),
		"Server":     unsafe.Offsetof(tn.Server) + unsafe.Sizeof(tn.Server),
		"MaxTasks":   unsafe.Offsetof(tn.MaxTasks) + unsafe.Sizeof(tn.MaxTasks),
	}
	inFirstLine(t, "tenant", hot)
}

// TestTaskLayout pins what startTask's comment promises: a queued task's
// start reads only the task's first line.
func TestTaskLayout(t *testing.T) {
	var tk task
	hot := map[string]uintptr{
		"phase":   unsafe.Offsetof(tk.phase) + unsafe.Sizeof(tk.phase),
		"local":   unsafe.Offsetof(tk.local) + unsafe.Sizeof(tk.local),
		"attempt": unsafe.Offsetof(tk.attempt) + unsafe.Sizeof(tk.attempt),
		"fixed":   unsafe.Offsetof(tk.fixed) + unsafe.Sizeof(tk.fixed),
		"size":    unsafe.Offsetof(tk.size) + unsafe.Sizeof(tk.size),
		"dur":     unsafe.Offsetof(tk.dur) + unsafe.Sizeof(tk.dur),
	}
	inFirstLine(t, "task", hot)
}

// TestSessionLayout pins what the session's comment promises: the fields
// a task event reads share the first line, the inline objects' state the
// next two, and a session is a whole number of lines.
func TestSessionLayout(t *testing.T) {
	var s session
	if size := unsafe.Sizeof(s); size%64 != 0 {
		t.Errorf("session is %d bytes, not a whole number of 64-byte lines: pad it", size)
	}
	if off := unsafe.Offsetof(s.inl); off != 64 {
		t.Errorf("session.inl starts at byte %d, not at the second line", off)
	}
	hot := map[string]uintptr{
		"inFlight":  unsafe.Offsetof(s.inFlight) + unsafe.Sizeof(s.inFlight),
		"nTodo":     unsafe.Offsetof(s.nTodo) + unsafe.Sizeof(s.nTodo),
		"byList":    unsafe.Offsetof(s.byList) + unsafe.Sizeof(s.byList),
		"failCause": unsafe.Offsetof(s.failCause) + unsafe.Sizeof(s.failCause),
	}
	inFirstLine(t, "session", hot)
}

// inFirstLine fails t for each field of typ whose end (offset + size)
// lies past the first 64-byte line.
func inFirstLine(t *testing.T, typ string, ends map[string]uintptr) {
	t.Helper()
	for name, end := range ends {
		if end > 64 {
			t.Errorf("%s.%s ends at byte %d, past the first line", typ, name, end)
		}
	}
}
