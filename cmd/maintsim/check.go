package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

type checkFlags struct {
	runs       int
	seed       uint64
	outDir     string
	report     string
	noShrink   bool
	maxActions int
	mutant     string
	profile    string
	workers    int
}

func init() {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [SCENARIO.yaml...]",
		Short: "Property-based exploration: random worlds and operator actions, every invariant checked",
		Long: `Explore random scenarios and check every invariant on each.

Without arguments, draws random worlds (servers of every version, 9.5 included;
tenants with old and new clients; jobs of every kind, platform, target and
manager; object counts and durations) and random operator action sequences
(maintenance on/off, stops of both modes, service stop/start/restart, message
changes, tenant disable/enable, power off/on, manual starts, backup moves after
a tenant disable). With scenario files, explores random perturbations of them:
action times shifted or dropped, durations scaled, extra actions.

On a violation, rapid shrinks the case, then every operator action, tenant,
job, object and server it does not need is removed until nothing more can go
(minimal: without any one of them the violation goes away or becomes another
one). The minimal case is written as a scenario file (--out-dir, default .) that 'maintsim run' reproduces (its seed and
trace hash are printed, as run prints them); the same --seed finds it again. Same --seed, same output.

The cases run on --workers cores (default: all of them). The output does not
depend on --workers: the same cases run, the first failing one is the one a
single worker finds, and shrinking it is sequential.

Exit codes: 0 nothing found; 1 a counterexample; 2 bad input.`,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, args, &f) },
	}
	cmd.Flags().IntVar(&f.runs, "runs", 100, "random cases to try")
	cmd.Flags().Uint64Var(&f.seed, "seed", 1, "exploration seed (the same seed tries the same cases)")
	cmd.Flags().StringVar(&f.outDir, "out-dir", ".", "directory for the counterexample `DIR`/maintsim-counterexample-SEED.yaml")
	cmd.Flags().StringVar(&f.report, "report", "", "HTML report of the counterexample (default: beside its YAML, .html)")
	cmd.Flags().BoolVar(&f.noShrink, "no-shrink", false, "report the first failing case as found, without shrinking it")
	cmd.Flags().IntVar(&f.maxActions, "max-actions", 0, "most operator actions per random scenario (default 12)")
	cmd.Flags().StringVar(&f.mutant, "mutant", "", "explore a deliberately broken model (see 'maintsim selftest'), on worlds of its profile; the counterexample then fails only under it")
	_ = cmd.Flags().MarkHidden("mutant")
	cmd.Flags().IntVar(&f.workers, "workers", runtime.NumCPU(), "cases run in parallel (results do not depend on it)")
	cmd.Flags().StringVar(&f.profile, "profile", "vcc", "random worlds of this semantics profile: vcc or exchange (docs/exchange.md)")
	rootCmd.AddCommand(cmd)
}

func runCheck(cmd *cobra.Command, args []string, f *checkFlags) error {
	tuneCheckGC()
	if f.runs <= 0 {
		return badInput(fmt.Errorf("--runs: want a positive number of cases, got %d", f.runs))
	}
	if f.workers < 1 {
		return badInput(fmt.Errorf("--workers %d: want at least 1", f.workers))
	}
	opt := scenarios.CheckOptions{Runs: f.runs, Seed: f.seed, NoShrink: f.noShrink, Workers: f.workers}
	switch f.profile {
	case "vcc":
	case "exchange":
		opt.Gen = scenarios.DefaultExchangeGenConfig()
	default:
		return badInput(fmt.Errorf("--profile: want vcc or exchange, got %q", f.profile))
	}
	if f.maxActions > 0 {
		if opt.Gen.IsZero() {
			opt.Gen = scenarios.DefaultGenConfig()
		}
		opt.Gen.MaxActions = f.maxActions
	}
	if f.mutant != "" {
		m, err := model.ParseMutant(f.mutant)
		if err != nil {
			return badInput(fmt.Errorf("--mutant: %w", err))
		}
		opt.Mutants = m
		// A mutant breaks its own profile's model only: explored on the
		// other profile's worlds it never acts, and check would report it
		// clean. Random worlds follow the mutant's profile unless --profile
		// says otherwise, which is then bad input, as are files of the
		// other profile (below).
		if mp := m.Profile(); len(args) == 0 && mp != f.profile {
			if cmd.Flags().Changed("profile") {
				return badInput(fmt.Errorf("--mutant %s breaks the %s profile's model, not the %s worlds --profile asks for", f.mutant, mp, f.profile))
			}
			if f.profile = mp; mp == "exchange" {
				opt.Gen = scenarios.DefaultExchangeGenConfig()
			} else {
				opt.Gen = scenarios.GenConfig{}
			}
			if f.maxActions > 0 {
				if opt.Gen.IsZero() {
					opt.Gen = scenarios.DefaultGenConfig()
				}
				opt.Gen.MaxActions = f.maxActions
			}
		}
	}
	for _, path := range args {
		file, err := scenarios.LoadFile(path)
		if err != nil {
			return badInput(err)
		}
		if _, err := scenarios.Compile(path, file); err != nil {
			// Compile names fields by path; Load gives FILE:LINE:COL.
			if _, lerr := scenarios.Load(path); lerr != nil {
				return badInput(lerr)
			}
			return badInput(err)
		}
		if fp := fileProfile(file); opt.Mutants != 0 && opt.Mutants.Profile() != fp {
			return badInput(fmt.Errorf("%s is a scenario of the %s profile; --mutant %s breaks the %s profile's model, which it does not run", path, fp, f.mutant, opt.Mutants.Profile()))
		}
		opt.Bases = append(opt.Bases, scenarios.BaseScenario{Path: path, File: file})
	}
	// Where a counterexample would go is checked before the exploration, so
	// a wrong --out-dir or --report is bad input at once, not found after
	// minutes of search.
	if err := checkOutDir("--out-dir", f.outDir); err != nil {
		return err
	}
	path := scenarios.CounterexamplePath(f.outDir, f.seed)
	reportPath := f.report
	if reportPath == "" {
		reportPath = strings.TrimSuffix(path, filepath.Ext(path)) + ".html"
	}
	outs := newOutputs(cmd.OutOrStdout(), args...)
	defer outs.abort()
	flag := "--report"
	if f.report == "" {
		flag = "--out-dir"
	}
	reportOut, err := outs.open(flag, reportPath)
	if err != nil {
		return err
	}
	// The counterexample's name: says the command that finds it again,
	// mutant, runs and files included.
	command := checkCommand(f, args)
	opt.FoundBy = command
	res, err := scenarios.Check(opt)
	if err != nil {
		return badInput(err)
	}
	w := cmd.OutOrStdout()
	what := "random worlds"
	if len(args) > 0 {
		what = "perturbations of " + strings.Join(args, ", ")
	}
	if f.mutant != "" {
		what += ", model mutant " + f.mutant
	}
	fmt.Fprintf(w, "maintsim check: %s, seed %d\n", what, f.seed)
	// What a base already violates as written is not searched for in its
	// own perturbations (the other bases' are searched), so say per file.
	for i, p := range args {
		if ids := res.ExcludedBy[p]; len(ids) > 0 && !slices.Contains(args[:i], p) {
			fmt.Fprintf(w, "not searched in %s (already violated as written): %s\n", p, strings.Join(ids, ", "))
		}
	}
	if res.AsWritten != "" {
		// Its expect: block does not say so: a runbook that breaks an
		// invariant as written is the finding, before any perturbation.
		fmt.Fprintf(w, "%s violates %s as written (its expect: block does not say so); no perturbation searched\n", res.AsWritten, res.Counterexample.Invariant)
	}
	ce := res.Counterexample
	if ce == nil {
		fmt.Fprintf(w, "no invariant violated in %s\n", count(res.Runs, "case", "cases"))
		fmt.Fprintf(w, "replay: %s\n", command) // CONTRACT.md: every run says how to reproduce it
		return nil
	}
	if err := scenarios.WriteCounterexample(ce, path, f.seed, command); err != nil {
		return failed(fmt.Errorf("writing the counterexample: %w", err))
	}
	printCounterexample(w, ce, res.Runs)
	fmt.Fprintf(w, "\nminimal scenario written to %s:\n\n%s\n", path, ce.YAML)
	sum, err := writeCounterexampleReport(ce, path, reportOut, command)
	if err != nil {
		fmt.Fprintf(w, "(no report: %v)\n", err)
	} else {
		fmt.Fprintf(w, "report with the violating events highlighted: %s\n", reportPath)
	}
	if sum != nil {
		// CONTRACT.md: every run prints its seed and trace hash: the
		// counterexample's run (under the mutant, if any), as replayed.
		fmt.Fprintf(w, "FAIL  seed %d  trace_hash %s\n", sum.Seed, sum.TraceHash)
	}
	if f.mutant != "" {
		fmt.Fprintf(w, "it fails under the mutant %s only: the correct model holds on it\n", f.mutant)
	} else {
		fmt.Fprintf(w, "replay: maintsim run %s\n", scenarios.ShellQuote(path))
	}
	fmt.Fprintf(w, "find again: %s\n", command)
	return failed(errors.New(""))
}

// writeCounterexampleReport runs the shrunk scenario again (under the
// mutant it was found with, if any) keeping its records, and renders the
// same HTML report as `run --report`, with the violations highlighted.
// The scenario is compiled from the file just written, so its expectations
// carry the lines `maintsim run` names. It returns the run's summary (nil
// when the case could not be run again), for its seed and trace hash.
func writeCounterexampleReport(ce *scenarios.Counterexample, yamlPath string, html *output, command string) (*scenarios.Summary, error) {
	if ce.File == nil {
		return nil, errors.New("the case has no scenario")
	}
	sc, err := scenarios.Load(yamlPath)
	if err != nil {
		// Not expected (it is the file check wrote); without positions
		// the report leaves the line numbers out.
		if sc, err = scenarios.Compile(yamlPath, ce.File); err != nil {
			return nil, err
		}
	}
	spec := *sc.Spec
	spec.Mutants = ce.Mutants
	sc.Spec = &spec
	out, err := scenarios.RunScenario(sc, scenarios.Options{KeepRecords: true})
	if err != nil {
		return nil, err
	}
	var hl []scenarios.Violation
	for _, inv := range out.Summary.Invariants {
		hl = append(hl, inv.Violations...)
	}
	note := "Counterexample found by: " + command
	rep := reports.RunReport{Summary: out.Summary, Records: out.Records, Catalog: out.Catalog, Highlight: hl}
	if ce.Mutants != 0 {
		// `maintsim run` on the file runs the correct model, which holds on
		// it: what this page shows is reproduced by the check command.
		names := ce.Mutants.Names()
		note += " (under a deliberately broken model: the real model holds on this scenario)"
		rep.Replay = command
		rep.ReplayNote = fmt.Sprintf("This run is under the deliberately broken model %s: the command above finds this counterexample again "+
			"and runs it under that model, as shown here. 'maintsim run %s' runs the correct model, which holds on it: "+
			"it passes, with another trace hash.",
			strings.Join(names, ", "), yamlPath)
	}
	rep.Note = note
	return out.Summary, html.write(func(w io.Writer) error { return reports.WriteRunHTML(w, rep) })
}

// printCounterexample prints the invariant a case violates and the evidence.
func printCounterexample(w io.Writer, ce *scenarios.Counterexample, runs int) {
	shrunk := "shrunk to a minimal case"
	if !ce.Shrunk {
		shrunk = "not shrunk"
	}
	name := ce.Invariant
	if inv, ok := scenarios.InvariantByID(ce.Invariant); ok {
		name += " " + inv.Name
	}
	if runs == 0 {
		fmt.Fprintf(w, "counterexample: the file as written (%s): %s violated\n", shrunk, name)
	} else {
		fmt.Fprintf(w, "counterexample after %s (%s): %s violated\n", count(runs, "case", "cases"), shrunk, name)
	}
	if ce.Err != "" {
		fmt.Fprintf(w, "  the model refused it: %s\n", ce.Err)
	}
	for _, inv := range ce.Violations {
		for i, v := range inv.Violations {
			if i == 3 {
				fmt.Fprintf(w, "  … %d more %s violations\n", len(inv.Violations)-3, inv.ID)
				break
			}
			fmt.Fprintf(w, "  %s (%s) at %s [%s]: %s\n", v.Invariant, strings.Join(v.Rules, ", "), v.Time, strings.Join(v.Entities, ", "), v.Message)
			for _, e := range v.Events {
				fmt.Fprintf(w, "      %s\n", e)
			}
		}
	}
}

func checkCommand(f *checkFlags, args []string) string {
	parts := []string{"maintsim check", "--seed", fmt.Sprint(f.seed), "--runs", fmt.Sprint(f.runs)}
	if f.noShrink {
		parts = append(parts, "--no-shrink")
	}
	if f.maxActions > 0 {
		parts = append(parts, "--max-actions", fmt.Sprint(f.maxActions))
	}
	if f.profile != "vcc" {
		parts = append(parts, "--profile", f.profile)
	}
	if f.mutant != "" {
		parts = append(parts, "--mutant", f.mutant)
	}
	for _, a := range args {
		parts = append(parts, scenarios.ShellQuote(a))
	}
	return strings.Join(parts, " ")
}

// fileProfile is a scenario file's semantics profile: vcc unless it says
// exchange.
func fileProfile(f *scenarios.File) string {
	if f.Semantics != nil && f.Semantics.Profile == "exchange" {
		return "exchange"
	}
	return "vcc"
}
