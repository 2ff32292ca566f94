package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

type runFlags struct {
	seed    uint64
	report  string
	trace   string
	summary string
	junit   string
	format  string
	maxShow int
}

func init() {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [SCENARIO.yaml]",
		Short: "Simulate one scenario (no argument: the built-in example)",
		Long: `Simulate one scenario file, check every invariant and every expect: entry.

Exit codes: 0 all invariants hold and every expectation matched; 1 a violation
or a failed expectation; 2 bad input (printed as FILE:LINE:COL with a caret),
including an output file that cannot be written (checked before the run).
Without an argument, runs the built-in example embedded in the binary.

Output files are written whole (a temporary file renamed into place; a device
or pipe such as /dev/null or a FIFO is written in place). One of them may be -
(stdout); the text listing is then not printed, and the
verdict line (seed, trace hash, replay) goes to stderr. An output may not
name the scenario file, nor the file of another output (exit 2).`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScenario(cmd, args, &f)
		},
	}
	cmd.Flags().Uint64Var(&f.seed, "seed", 0, "run seed (overrides the file's seed:)")
	cmd.Flags().StringVar(&f.report, "report", "", "write a self-contained HTML report to `FILE.html`")
	cmd.Flags().StringVar(&f.trace, "trace", "", "write the event trace as JSONL to `FILE.jsonl`")
	cmd.Flags().StringVar(&f.summary, "summary", "", "write the summary JSON to `FILE.json`")
	cmd.Flags().StringVar(&f.junit, "junit", "", "write JUnit XML (one case per invariant and expectation) to `FILE.xml`")
	cmd.Flags().StringVar(&f.format, "format", "text", "stdout format: text or json (json: the summary)")
	cmd.Flags().IntVar(&f.maxShow, "max-sessions", 40, "sessions listed in text output (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	rootCmd.AddCommand(cmd)
}

func loadScenario(args []string) (*scenarios.Scenario, error) {
	if len(args) == 0 {
		return scenarios.Builtin()
	}
	return scenarios.Load(args[0])
}

func runScenario(cmd *cobra.Command, args []string, f *runFlags) error {
	if f.format != "text" && f.format != "json" {
		return badInput(fmt.Errorf("--format: want text or json, got %q", f.format))
	}
	sc, err := loadScenario(args)
	if err != nil {
		return junitBadInput(cmd, f.junit, args, inputOrFail(err))
	}
	opt := scenarios.Options{KeepRecords: f.report != ""}
	if f.summary == "" && f.report == "" && f.format == "text" && f.maxShow > 0 {
		// Only the text is written, and it lists maxShow sessions: keeping
		// the detail of thousands more (DefaultMaxSessions) would be work
		// and memory nobody reads. Counts and metrics stay exact.
		opt.MaxSessions = f.maxShow
	}
	if cmd.Flags().Changed("seed") {
		opt.Seed = &f.seed
	}
	outs := newOutputs(cmd.OutOrStdout(), args...)
	defer outs.abort()
	var files [4]*output
	for i, fl := range []struct{ flag, path string }{
		{"--trace", f.trace}, {"--summary", f.summary}, {"--junit", f.junit}, {"--report", f.report},
	} {
		if files[i], err = outs.open(fl.flag, fl.path); err != nil {
			return err
		}
	}
	traceOut, summaryOut, junitOut, reportOut := files[0], files[1], files[2], files[3]
	if outs.stdoutTaken() && f.format == "json" {
		return badInput(fmt.Errorf("--format json and %s -: only one output can go to stdout", outs.toOut.flag))
	}
	var trace *scenarios.TraceWriter
	if traceOut != nil {
		trace = scenarios.NewTraceWriter(traceOut)
		opt.Observers = append(opt.Observers, trace)
	}
	out, err := scenarios.RunScenario(sc, opt)
	if err != nil {
		// A run that reaches its limits is neither a violation nor a failed
		// expectation (exit 1): the scenario asks for more than its limits:
		// block allows, which is bad input (exit 2).
		if _, ok := errors.AsType[*sim.LimitError](err); ok {
			outs.abort()
			return junitBadInput(cmd, f.junit, args, badInput(err))
		}
		return failed(err)
	}
	if trace != nil {
		if err := trace.Flush(); err != nil {
			return failed(err)
		}
		if err := traceOut.commit(); err != nil {
			return failed(err)
		}
	}
	s := out.Summary
	for _, wr := range []struct {
		o     *output
		write func(io.Writer) error
	}{
		{summaryOut, func(w io.Writer) error { return reports.WriteSummaryJSON(w, s) }},
		{junitOut, func(w io.Writer) error { return reports.WriteJUnit(w, s) }},
		{reportOut, func(w io.Writer) error {
			return reports.WriteRunHTML(w, reports.RunReport{Summary: s, Records: out.Records, Catalog: out.Catalog})
		}},
	} {
		if err := wr.o.write(wr.write); err != nil {
			return failed(err)
		}
	}
	stdout := cmd.OutOrStdout()
	switch {
	case outs.stdoutTaken():
		// An output went to stdout (--trace - and the like): the text
		// would be mixed into it. The verdict line still goes out, on
		// stderr: every run says its seed, trace hash and replay.
		printVerdict(cmd.ErrOrStderr(), s)
	case f.format == "json":
		if err := reports.WriteSummaryJSON(stdout, s); err != nil {
			return failed(err)
		}
	default:
		printText(stdout, s, f.maxShow)
	}
	if !s.Passed {
		return failed(errors.New(""))
	}
	return nil
}

// inputOrFail maps loader errors: a scenario that cannot be read or is
// invalid is bad input (exit 2).
func inputOrFail(err error) error { return badInput(err) }

func scenarioPath(args []string) string {
	if len(args) == 0 {
		return scenarios.BuiltinExampleName
	}
	return args[0]
}

// junitBadInput writes, when --junit was given, a run that could not be
// judged as one testcase in error (reports.WriteJUnitError), so that the
// file a CI server reads says so rather than keeping an older run's
// verdict; it returns runErr, the command's error (exit 2), either way. A
// JUnit file that cannot be written is reported after it.
func junitBadInput(cmd *cobra.Command, path string, args []string, runErr error) error {
	if path == "" {
		return runErr
	}
	file := scenarioPath(args)
	outs := newOutputs(cmd.OutOrStdout(), args...)
	defer outs.abort()
	o, err := outs.open("--junit", path)
	if err == nil {
		err = o.write(func(w io.Writer) error { return reports.WriteJUnitError(w, file, runErr) })
	}
	if err != nil {
		// main prints the exitError's own message, so the note goes in it
		// (wrapped around the exitError it would be found and dropped).
		note := fmt.Errorf("%w\n(and the JUnit file: %v)", runErr, err)
		if ee, ok := errors.AsType[*exitError](runErr); ok {
			return &exitError{code: ee.code, err: fmt.Errorf("%w\n(and the JUnit file: %v)", ee.err, err)}
		}
		return note
	}
	return runErr
}

func printText(w io.Writer, s *scenarios.Summary, maxShow int) {
	if strings.HasPrefix(s.File, "(") {
		fmt.Fprintf(w, "%s  %s\n", s.Scenario, s.File)
	} else {
		fmt.Fprintf(w, "%s  (%s)\n", s.Scenario, s.File)
	}
	layout := timeLayout(s.Start, s.Until)
	fmt.Fprintf(w, "simulated %s → %s, %s\n\n", s.Start, s.Until, count(s.Events, "event", "events"))
	if s.Exchange != nil {
		printExchange(w, s) // exchange.go
	} else if len(s.Sessions) == 0 {
		fmt.Fprintln(w, "no sessions ran")
	} else {
		shown := s.Sessions
		if maxShow > 0 && len(shown) > maxShow {
			shown = shown[:maxShow]
		}
		idW, kindW := len("SESSION"), len("KIND")
		for _, x := range shown {
			idW, kindW = max(idW, len(x.ID)), max(kindW, len(x.Kind))
		}
		tw := len(layout)
		fmt.Fprintf(w, "%-*s  %-*s  %-*s  %-*s  %-8s  %s\n", idW, "SESSION", kindW, "KIND", tw, "START", tw, "END", "RESULT", "MESSAGE")
		for _, x := range shown {
			end, result := "-", x.Result
			if x.EndNS != nil {
				end = clockOf(x.End, layout)
			}
			if result == "" {
				result = "running"
			}
			fmt.Fprintf(w, "%-*s  %-*s  %-*s  %-*s  %-8s  %s\n", idW, x.ID, kindW, x.Kind, tw, clockOf(x.Start, layout), tw, end, result, x.Message)
			if x.Result != "" && x.Result != "Success" {
				var parts []string
				for _, t := range x.Tasks {
					if t.Result != "" {
						mark := ""
						if t.RestorePoint {
							mark = "+rp"
						}
						parts = append(parts, t.Object+"="+t.Result+mark)
					}
				}
				if len(parts) > 0 {
					fmt.Fprintf(w, "%-*s  tasks: %s\n", idW, "", strings.Join(parts, " "))
				}
			}
		}
		if more := int(s.Metrics.SessionsTotal) - len(shown); more > 0 {
			fmt.Fprintf(w, "… %d more sessions (write them all with --summary FILE.json or --max-sessions 0)\n", more)
		}
	}
	for _, n := range s.Notices {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w)
	expected := map[string]int{}
	for _, e := range s.Expectations {
		if e.Violated != "" {
			expected[e.Violated] = e.Line
		}
	}
	printInvariants(w, s.Invariants, invariantListing{maxViolations: 3, expected: expected})
	if len(s.Expectations) > 0 {
		passed := 0
		for _, e := range s.Expectations {
			if e.Passed {
				passed++
			}
		}
		fmt.Fprintf(w, "expectations: %d of %d passed\n", passed, len(s.Expectations))
		for _, e := range s.Expectations {
			mark := "✓"
			if !e.Passed {
				mark = "✗"
			}
			name := e.Name
			if e.Violated != "" {
				name += " violated " + e.Violated
			}
			fmt.Fprintf(w, "  %s line %d: %s\n", mark, e.Line, name)
			for _, d := range e.Diffs {
				fmt.Fprintf(w, "      %s\n", d)
			}
		}
	}
	fmt.Fprintln(w)
	printVerdict(w, s)
}

// printVerdict is the run's last word: verdict, seed, trace hash, replay.
func printVerdict(w io.Writer, s *scenarios.Summary) {
	verdict := "PASS"
	if !s.Passed {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "%s  seed %d  trace_hash %s\nreplay: %s\n", verdict, s.Seed, s.TraceHash, s.Replay)
}

// timeLayout picks how session times print: the time of day when the run
// stays within one UTC day, else with the date too.
func timeLayout(start, until string) string {
	a, err1 := time.Parse(time.RFC3339Nano, start)
	b, err2 := time.Parse(time.RFC3339Nano, until)
	if err1 == nil && err2 == nil && a.UTC().Format("2006-01-02") == b.Add(-time.Nanosecond).UTC().Format("2006-01-02") {
		return "15:04:05"
	}
	return "01-02 15:04:05"
}

// clockOf shortens an RFC 3339 instant to what a table needs.
func clockOf(rfc, layout string) string {
	t, err := time.Parse(time.RFC3339Nano, rfc)
	if err != nil {
		return rfc
	}
	return t.UTC().Format(layout)
}

// invariantListing says how much of an invariant verdict a command prints.
type invariantListing struct {
	showHeld      bool // list the invariants that hold too
	maxViolations int  // violations shown per invariant (0: all)
	showEvents    bool // the trace lines that show each violation
	// expected maps an invariant an expectation says is violated to that
	// expectation's line: its violations are the run's verdict, not a
	// failure (run only).
	expected map[string]int
}

// printInvariants is the invariant part of `run` and `verify` output.
func printInvariants(w io.Writer, invs []scenarios.InvariantResult, l invariantListing) {
	held := 0
	for _, inv := range invs {
		if inv.Holds {
			held++
		}
	}
	fmt.Fprintf(w, "invariants: %d of %d hold\n", held, len(invs))
	for _, inv := range invs {
		if inv.Holds {
			if l.showHeld {
				fmt.Fprintf(w, "  ✓ %s %s\n", inv.ID, inv.Name)
			}
			continue
		}
		if line, ok := l.expected[inv.ID]; ok {
			as := "as an expectation says"
			if line > 0 {
				as = fmt.Sprintf("as the expectation on line %d says", line)
			}
			fmt.Fprintf(w, "  ✓ %s %s (%s): %s, %s\n", inv.ID, inv.Name, strings.Join(inv.Rules, ", "),
				count(len(inv.Violations), "violation", "violations"), as)
		} else {
			fmt.Fprintf(w, "  ✗ %s %s (%s): %s\n", inv.ID, inv.Name, strings.Join(inv.Rules, ", "), count(len(inv.Violations), "violation", "violations"))
		}
		for i, v := range inv.Violations {
			if l.maxViolations > 0 && i == l.maxViolations {
				fmt.Fprintf(w, "      … %d more\n", len(inv.Violations)-l.maxViolations)
				break
			}
			fmt.Fprintf(w, "      at %s [%s]: %s\n", v.Time, strings.Join(v.Entities, ", "), v.Message)
			if l.showEvents {
				for _, e := range v.Events {
					fmt.Fprintf(w, "          %s\n", e)
				}
			}
		}
	}
}
