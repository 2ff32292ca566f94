package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
)

type selftestFlags struct {
	runs    int
	seed    uint64
	shrink  bool
	outDir  string
	mutants []string
}

func init() {
	var f selftestFlags
	cmd := &cobra.Command{
		Use:   "selftest",
		Short: "Run every built-in mutant (a deliberately broken model) through check; print which invariant caught it",
		Long: `Explore every built-in mutant — a model with one deliberate defect, such as
"maintenance cuts running tasks" — with the same random cases 'maintsim check'
draws, and print a table: for each mutant, in how many cases each invariant
caught it. The correct model runs the same cases and must stay clean.

Exit codes: 0 every mutant was caught by at least one invariant, every invariant
caught at least one mutant, and the correct model violated nothing; 1 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSelftest(cmd, &f) },
	}
	cmd.Flags().IntVar(&f.runs, "runs", scenarios.SelftestRuns, "random cases per mutant")
	cmd.Flags().Uint64Var(&f.seed, "seed", 1, "exploration seed")
	cmd.Flags().BoolVar(&f.shrink, "shrink", false, "also shrink one minimal counterexample per mutant and write it to --out-dir")
	cmd.Flags().StringVar(&f.outDir, "out-dir", ".", "directory for the counterexamples of --shrink (maintsim-mutant-NAME.yaml)")
	cmd.Flags().StringSliceVar(&f.mutants, "mutant", nil, "only these mutants (repeatable; default all)")
	rootCmd.AddCommand(cmd)
}

func runSelftest(cmd *cobra.Command, f *selftestFlags) error {
	tuneCheckGC()
	if f.runs <= 0 {
		return badInput(fmt.Errorf("--runs: want a positive number of cases, got %d", f.runs))
	}
	if f.shrink {
		// Where the counterexamples go is bad input found at once, not
		// after the whole exploration (and not exit 1, "a mutant escaped").
		if err := checkOutDir("--out-dir", f.outDir); err != nil {
			return err
		}
	}
	opt := scenarios.SelftestOptions{Runs: f.runs, Seed: f.seed, Shrink: f.shrink}
	if len(f.mutants) == 0 {
		opt.Mutants = model.Mutants() // every profile's: Cloud Connect's and Exchange's
	}
	for _, name := range f.mutants {
		m, err := model.ParseMutant(name)
		if err != nil {
			return badInput(fmt.Errorf("--mutant: %w", err))
		}
		opt.Mutants = append(opt.Mutants, model.MutantInfo{Mutant: m, Name: name})
	}
	res, err := scenarios.Selftest(opt)
	if err != nil {
		return failed(err)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "maintsim selftest: %d mutants × %d cases (seed %d); cases in which each invariant caught each mutant\n\n",
		len(res.Mutants), res.Runs, res.Seed)
	res.WriteTable(w)
	if f.shrink {
		fmt.Fprintln(w)
		for m, ce := range res.Counterexamples {
			if ce == nil {
				continue
			}
			path := fmt.Sprintf("%s/maintsim-mutant-%s.yaml", strings.TrimSuffix(f.outDir, "/"), res.Mutants[m])
			command := fmt.Sprintf("maintsim selftest --seed %d --runs %d --shrink --mutant %s", res.Seed, res.Runs, res.Mutants[m])
			if err := scenarios.WriteCounterexample(ce, path, res.Seed, command); err != nil {
				return failed(err)
			}
			fmt.Fprintf(w, "%s: minimal case violating %s written to %s\n", res.Mutants[m], ce.Invariant, path)
		}
	}
	fmt.Fprintln(w)
	ok := true
	if len(res.Uncaught) > 0 {
		ok = false
		fmt.Fprintf(w, "FAIL: no invariant caught: %s\n", strings.Join(res.Uncaught, ", "))
	}
	if len(res.Unexercised) > 0 && len(f.mutants) == 0 { // a subset of mutants need not trip every invariant
		ok = false
		fmt.Fprintf(w, "FAIL: no mutant tripped: %s\n", strings.Join(res.Unexercised, ", "))
	}
	if len(res.Baseline) > 0 {
		ok = false
		fmt.Fprintf(w, "FAIL: the correct model violated invariants (run 'maintsim check --seed %d --runs %d' for a counterexample)\n", res.Seed, res.Runs)
	}
	if !ok {
		return failed(errors.New(""))
	}
	if len(f.mutants) > 0 {
		fmt.Fprintf(w, "PASS: every selected mutant caught, the correct model clean\n")
		return nil
	}
	fmt.Fprintf(w, "PASS: every mutant caught, every invariant exercised, the correct model clean\n")
	return nil
}
