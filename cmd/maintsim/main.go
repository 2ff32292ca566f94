// Command maintsim simulates maintenance mode and job stops on a Veeam Cloud
// Connect provider before the real window: `maintsim run` one scenario,
// `check` hunts invariant violations, `sweep`/`merge` plan capacity,
// `verify` judges recorded traces. Commands are thin: the work lives in
// package scenarios and rendering in package reports.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Exit codes of CONTRACT.md.
const (
	exitOK       = 0
	exitFailed   = 1 // a violation, a failed expectation, a missing shard
	exitBadInput = 2
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

func execute(args []string) int {
	rootCmd.SetArgs(args)
	err := rootCmd.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
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
