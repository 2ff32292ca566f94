// Command maintsim simulates maintenance mode and job stops on a Veeam Cloud
// Connect provider before the real window: `maintsim run` one scenario,
// `check` hunts invariant violations, `sweep`/`merge` plan capacity,
// `verify` judges recorded traces. Commands are thin: the work lives in
// package scenarios and rendering in package reports.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes of CONTRACT.md.
const (
	exitOK       = 0
	exitFailed   = 1 // a violation, a failed expectation, a missing shard
	exitBadInput = 2
	// exitInterrupted is a command stopped by SIGINT or SIGTERM: the
	// shell's 128 + SIGINT, so that CI does not read it as a verdict.
	exitInterrupted = 130
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func badInput(err error) error { return &exitError{code: exitBadInput, err: err} }
func failed(err error) error   { return &exitError{code: exitFailed, err: err} }

var rootCmd = &cobra.Command{
	Use:           "maintsim",
	Short:         "Simulate Cloud Connect maintenance mode and job stops before the real window",
	SilenceUsage:  true,
	SilenceErrors: true,
	Version:       Version,
}

// Version is the tool version written into sweep headers and reports.
var Version = "0.1.0"

func main() {
	tuneGC()
	os.Exit(execute(os.Args[1:]))
}

// Garbage collector settings when the user has not chosen their own
// (GOGC, GOMEMLIMIT). A run's live heap is its live entities, small next
// to the garbage a check or sweep case leaves (a compiled scenario, a
// world, checker tables): collecting at 5× the live heap instead of 2×
// cuts collector work several fold, and the soft limit keeps the peak
// well under a fleet run's 1 GiB budget (BENCHMARKS.md).
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 768 << 20
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// checkGCPercent is check's and selftest's collector setting unless GOGC is
// set. Their live heap is one small case per worker (a few MB), and what
// they allocate is nearly all garbage. At 400 the collector was what two
// workers contended on (scaling 1.6-1.7x, BENCHMARKS.md), and 1600 was
// chosen; since a worker reuses its world and loop and a case allocates
// 30% less (items 51-54), a heap that cycles through fewer megabytes pays
// more than fewer collections: at 600, check --runs 20000 with two
// workers took 0.42-0.44 s against 0.47 s at 1600 (one worker 4% faster,
// scaling 1.76-1.86x against 1.71-1.76x, four interleaved pairs).
const checkGCPercent = 600

func tuneCheckGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(checkGCPercent)
	}
}

// cpuProfile is --cpuprofile: where to write a pprof CPU profile of the
// whole command, for users who want to see where their own fleet's time
// goes (go tool pprof FILE). Empty: no profile.
var cpuProfile string

func init() {
	rootCmd.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "",
		"write a CPU profile of the command to `FILE` (read it with go tool pprof)")
}

func execute(args []string) int {
	rootCmd.SetArgs(args)
	stop, err := startProfile(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "maintsim: %v\n", err)
		return exitBadInput
	}
	stopInterrupts := handleInterrupts()
	out := &stdoutWriter{w: os.Stdout}
	rootCmd.SetOut(out)
	err = rootCmd.Execute()
	stopInterrupts()
	stop()
	var ee *exitError
	if werr := out.failed(); werr != nil {
		// What the command printed on stdout is lost (a full disk, a
		// closed pipe): not a success, and not a usage mistake either. A
		// verdict the command reached (1, 2) keeps its code.
		fmt.Fprintf(os.Stderr, "maintsim: writing to stdout: %v\n", pathErr(werr))
		if err == nil || !errors.As(err, &ee) {
			return exitFailed
		}
	}
	if err == nil {
		return exitOK
	}
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(os.Stderr, ee.err)
		}
		return ee.code
	}
	// Cobra's own errors (unknown flag, wrong argument count) are bad input.
	fmt.Fprintf(os.Stderr, "maintsim: %v\nRun 'maintsim --help' for usage.\n", err)
	return exitBadInput
}

// stdoutWriter is the commands' stdout. It remembers the first write
// error: most of what a command prints (run's listing, verify's verdict,
// check's report) goes through fmt.Fprint*, whose errors nobody reads, and
// a listing lost to a full disk or a closed stdout must not exit 0.
type stdoutWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err error
}

func (s *stdoutWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
	return n, err
}

func (s *stdoutWriter) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// interruptsOwned is set by a command that handles SIGINT and SIGTERM
// itself (sweep stops its workers and says so); handleInterrupts then
// leaves them to it.
var interruptsOwned atomic.Bool

// handleInterrupts makes SIGINT and SIGTERM end the command with exit code
// 130 and a message, after removing the temporary files of the outputs not
// yet complete: without it Go's default would kill the process and leave
// them behind (.trace.jsonl.tmp-*, as large as the trace so far).
func handleInterrupts() (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case sig := <-ch:
				if interruptsOwned.Load() {
					continue
				}
				removeTempFiles()
				fmt.Fprintf(os.Stderr, "maintsim: interrupted (%v); unfinished output files were not written\n", sig)
				os.Exit(exitInterrupted)
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// startProfile starts the CPU profile --cpuprofile asks for. The flag is
// read before cobra runs the command so the profile covers parsing too.
func startProfile(args []string) (stop func(), err error) {
	cpuProfile = ""
	_ = rootCmd.PersistentFlags().Parse(profileArgs(args))
	if cpuProfile == "" {
		if rootCmd.PersistentFlags().Changed("cpuprofile") {
			return nil, fmt.Errorf("--cpuprofile: want a file path, got an empty one")
		}
		return func() {}, nil
	}
	f, err := os.Create(cpuProfile)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "maintsim: --cpuprofile: %v\n", err)
		}
	}, nil
}

// profileArgs picks --cpuprofile out of args, so that the persistent flag
// set can be parsed early without tripping on the subcommand's own flags.
func profileArgs(args []string) []string {
	for i, a := range args {
		switch {
		case a == "--":
			return nil
		case a == "--cpuprofile" && i+1 < len(args):
			return []string{a, args[i+1]}
		case strings.HasPrefix(a, "--cpuprofile="):
			return []string{a}
		}
	}
	return nil
}
