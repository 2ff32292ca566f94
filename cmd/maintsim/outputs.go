package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// A command's output files are opened before it does any work: a path that
// cannot be written (a missing directory, no permission) is bad input, exit
// 2, reported at once, not a failure (exit 1, which CI reads as "a
// violation") after a long simulation or sweep. Each file is written to a
// temporary file in its directory and renamed into place when complete, so
// a failed or killed command leaves the old file or none, never a partial
// one. A path of "-" is stdout, for at most one output of a command. A path
// that names an existing device, pipe or socket (/dev/null, /dev/stdout, a
// FIFO, bash's >(…)) is written in place: renaming a file over it would
// replace the device node or pipe with a plain file (or, without write
// access to its directory, fail), and it has no partial state to avoid.
//
// An output must not be one of the command's input files (--summary
// scenario.yaml would replace the scenario with its own summary), nor the
// file of another output (--trace x --summary x would keep one and lose the
// other without a word): both are bad input, however the paths are spelt
// (./x, a symbolic link to x).

// tempFiles are the temporary files not yet renamed into place or removed,
// for the interrupt handler (main.go) to remove: a command stopped by
// SIGINT or SIGTERM leaves no .NAME.tmp-* behind (a trace's could be
// gigabytes). A commit holds the lock while it renames, so the handler
// removes a file either before it is renamed or not at all.
var tempFiles = struct {
	sync.Mutex
	names map[string]bool
}{names: map[string]bool{}}

// removeTempFiles removes every pending temporary file and keeps the lock:
// the process is about to exit, and no output may be committed meanwhile.
func removeTempFiles() {
	tempFiles.Lock()
	for name := range tempFiles.names {
		os.Remove(name)
	}
}

// output is one output of a command: a file, or stdout.
type output struct {
	flag string   // the flag that named it ("--summary"), for messages
	path string   // "-": stdout
	tmp  *os.File // the temporary file renamed to path; nil for stdout and special files
	dev  *os.File // a special file (device, pipe, socket) written in place
	w    io.Writer
	done bool
}

// outputs are the outputs a command opened; abort (deferred) removes the
// temporary files of those not committed.
type outputs struct {
	list   []*output
	stdout io.Writer
	toOut  *output  // the output that writes to stdout, if any
	inputs []string // the command's input files, which no output may replace
}

// newOutputs returns a command's outputs; inputs are the files the command
// reads, which an output may not name.
func newOutputs(stdout io.Writer, inputs ...string) *outputs {
	return &outputs{stdout: stdout, inputs: inputs}
}

// open opens the output flag names at path; nil for an empty path (the flag
// not given). The error is bad input.
func (s *outputs) open(flag, path string) (*output, error) {
	if path == "" {
		return nil, nil
	}
	o := &output{flag: flag, path: path}
	if path == "-" {
		if s.toOut != nil {
			return nil, badInput(fmt.Errorf("%s - and %s -: only one output can go to stdout", s.toOut.flag, flag))
		}
		o.w, s.toOut = s.stdout, o
		s.list = append(s.list, o)
		return o, nil
	}
	if st, err := os.Stat(path); err == nil && !st.IsDir() && !st.Mode().IsRegular() {
		dev, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, badInput(fmt.Errorf("%s %s: cannot write the file: %w", flag, path, pathErr(err)))
		}
		o.dev, o.w = dev, dev
		s.list = append(s.list, o)
		return o, nil
	}
	for _, in := range s.inputs {
		if in != "" && in != "-" && sameFile(path, in) {
			return nil, badInput(fmt.Errorf("%s %s: that is the input file %s; writing there would replace it (name another output file)", flag, path, in))
		}
	}
	for _, prev := range s.list {
		if prev.tmp != nil && sameFile(path, prev.path) {
			return nil, badInput(fmt.Errorf("%s %s and %s %s: the same file; each output needs its own", prev.flag, prev.path, flag, path))
		}
	}
	tmp, err := createTemp(path)
	if err != nil {
		return nil, badInput(fmt.Errorf("%s %s: cannot write the file: %w", flag, path, pathErr(err)))
	}
	tempFiles.Lock()
	tempFiles.names[tmp.Name()] = true
	tempFiles.Unlock()
	o.tmp, o.w = tmp, tmp
	s.list = append(s.list, o)
	return o, nil
}

// stdoutTaken reports whether an output goes to stdout (the command then
// prints nothing else there).
func (s *outputs) stdoutTaken() bool { return s.toOut != nil }

// abort removes what was not committed.
func (s *outputs) abort() {
	for _, o := range s.list {
		if o.dev != nil && !o.done {
			o.dev.Close()
		}
		if o.tmp != nil && !o.done {
			o.tmp.Close()
			tempFiles.Lock()
			os.Remove(o.tmp.Name())
			delete(tempFiles.names, o.tmp.Name())
			tempFiles.Unlock()
		}
	}
}

// Write lets an output be written to as it goes (a trace).
func (o *output) Write(p []byte) (int, error) { return o.w.Write(p) }

// write writes the whole output with fn and commits it; nothing for a nil
// output.
func (o *output) write(fn func(io.Writer) error) error {
	if o == nil {
		return nil
	}
	if err := fn(o.w); err != nil {
		return fmt.Errorf("%s %s: %w", o.flag, o.path, err)
	}
	return o.commit()
}

// commit puts a file output in place: synced, closed, readable by others
// (CreateTemp makes 0600 files; outputs are meant to be shared as CI
// artifacts), renamed over path.
func (o *output) commit() error {
	if o == nil || o.done {
		return nil
	}
	if o.dev != nil {
		o.done = true
		if err := o.dev.Close(); err != nil {
			return fmt.Errorf("%s %s: %w", o.flag, o.path, pathErr(err))
		}
		return nil
	}
	if o.tmp == nil {
		return nil
	}
	o.done = true
	tempFiles.Lock()
	defer tempFiles.Unlock()
	delete(tempFiles.names, o.tmp.Name())
	err := o.tmp.Sync()
	if cerr := o.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(o.tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(o.tmp.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.tmp.Name())
		return fmt.Errorf("%s %s: %w", o.flag, o.path, pathErr(err))
	}
	return nil
}

// createTemp creates the temporary file that becomes path.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, errors.New("it is a directory")
	}
	return os.CreateTemp(dir, "."+base+".tmp-*")
}

// sameFile reports whether paths a and b name the same file: the same
// existing file (os.SameFile, so through links too), or, when either does
// not exist yet, the same path once made absolute with its directory's
// symbolic links resolved.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	return canonicalPath(a) == canonicalPath(b)
}

// canonicalPath is path made absolute, its directory's symbolic links
// resolved where that directory exists.
func canonicalPath(path string) string {
	p, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	dir, base := filepath.Split(p)
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(d, base)
	}
	return p
}

// checkOutDir is bad input unless dir is a directory this process can
// write into: found before a search, not after it.
func checkOutDir(flag, dir string) error {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return badInput(fmt.Errorf("%s %s: not a directory", flag, dir))
	}
	probe, err := os.CreateTemp(dir, ".maintsim-probe-*")
	if err != nil {
		return badInput(fmt.Errorf("%s %s: cannot write there: %w", flag, dir, pathErr(err)))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// pathErr drops the temporary file's name from an error about it: the user
// named the output, not the temporary file.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// count is n and its noun, singular for one: "1 event", "2 events".
func count[N ~int | ~int64 | ~uint64](n N, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
