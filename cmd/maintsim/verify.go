package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maintsim/maintsim/scenarios"
)

type verifyFlags struct {
	format string
}

func init() {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify TRACE.jsonl",
		Short: "Check a recorded trace (from 'maintsim run --trace' or exported by another system) against the invariants",
		Long: `Run the invariant checkers of a live run over a recorded JSONL trace: one
written by 'maintsim run --trace', or exported by another system in the format
of docs/trace-format.md. The trace must declare its servers, tenants and jobs
before using them. Without an "end" event the trace is judged as ending at its
last event. TRACE.jsonl may be - for standard input.

Exit codes: 0 every invariant holds; 1 a violation (each printed with its time,
entities and events); 2 a malformed trace (FILE:LINE:COL: message, the line
and a caret) or an unreadable file.`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"jsonl"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runVerify(cmd, args[0], &f) },
	}
	cmd.Flags().StringVar(&f.format, "format", "text", "stdout format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	rootCmd.AddCommand(cmd)
}

func runVerify(cmd *cobra.Command, path string, f *verifyFlags) error {
	if f.format != "text" && f.format != "json" {
		return badInput(fmt.Errorf("--format: want text or json, got %q", f.format))
	}
	var res *scenarios.VerifyResult
	var err error
	if path == "-" {
		// The trace on stdin: maintsim run --trace - | maintsim verify -
		path = "<stdin>"
		res, err = scenarios.Verify(path, cmd.InOrStdin(), nil)
	} else {
		res, err = scenarios.VerifyFile(path, nil)
	}
	if err != nil {
		return badInput(err)
	}
	if res.Records == 0 {
		// An empty export must not pass CI as "every invariant holds".
		return badInput(fmt.Errorf("%s: the trace has no events (a trace starts with a scenario line, docs/trace-format.md)", path))
	}
	w := cmd.OutOrStdout()
	if f.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // as the summary JSON: names keep their < > &
		if err := enc.Encode(res); err != nil {
			return failed(err)
		}
	} else {
		name := res.Scenario
		switch {
		case !res.ScenarioLine:
			name = "(no scenario line)"
		case name == "":
			name = "(scenario without a name)"
		}
		fmt.Fprintf(w, "%s: %s, seed %d, %s, trace_hash %s\n", path, name, res.Seed, count(res.Records, "event", "events"), res.TraceHash)
		if res.SyntheticEnd {
			fmt.Fprintln(w, "note: no \"end\" event; judged as ending at the last event")
		}
		printInvariants(w, res.Invariants, invariantListing{showHeld: true, showEvents: true})
	}
	if !res.Passed {
		return failed(errors.New(""))
	}
	return nil
}
