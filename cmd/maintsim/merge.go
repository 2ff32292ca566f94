package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

type mergeFlags struct {
	out     string
	csv     string
	runsCSV string
	html    string
	jsonl   string
}

func init() {
	var f mergeFlags
	cmd := &cobra.Command{
		Use:   "merge FILE.jsonl...",
		Short: "Join sweep shard outputs; fail on a missing, duplicate or mismatched run",
		Long: `Join the JSONL files of a sweep's shards (or one unsharded file) and write
statistics per grid point and metric: mean, p50, p95, min, max over the
replicates (nearest-rank percentiles). Every output, --html included, is
byte-identical however the sweep was sharded and whatever the input files are
called.

Outputs: the statistics JSON on stdout (or --out), --csv one row per grid
point × metric, --runs-csv one row per run, --jsonl every run as one unsharded
sweep file, --html the sweep report.

Exit codes: 0 merged; 1 missing or duplicate runs, files from another sweep
(scenario hash, grid) or maintsim version, shard headers that disagree (another
shard count, a shard given twice), or a run whose record disagrees with the grid
(point, replicate, seed, params, metric names; a run outside its file's shard),
each named FILE:LINE; 2 bad input (a file that is not a sweep output).`,
		Args: cobra.MinimumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"jsonl"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd, args, &f)
		},
	}
	cmd.Flags().StringVar(&f.out, "out", "", "write the statistics JSON to `FILE.json` instead of stdout")
	cmd.Flags().StringVar(&f.csv, "csv", "", "write statistics as CSV to `FILE.csv`: one row per grid point × metric")
	cmd.Flags().StringVar(&f.runsCSV, "runs-csv", "", "write every run as CSV to `FILE.csv`: one row per run, one column per metric")
	cmd.Flags().StringVar(&f.html, "html", "", "write the sweep report to `FILE.html`")
	cmd.Flags().StringVar(&f.jsonl, "jsonl", "", "write the merged runs as one unsharded sweep file `FILE.jsonl`")
	rootCmd.AddCommand(cmd)
}

func runMerge(cmd *cobra.Command, paths []string, f *mergeFlags) error {
	// Outputs first: a path that cannot be written is bad input, found
	// before the shard files are read.
	outs := newOutputs(cmd.OutOrStdout(), paths...)
	defer outs.abort()
	var opened [5]*output
	for i, fl := range []struct{ flag, path string }{
		{"--csv", f.csv}, {"--runs-csv", f.runsCSV}, {"--jsonl", f.jsonl}, {"--html", f.html}, {"--out", f.out},
	} {
		var err error
		if opened[i], err = outs.open(fl.flag, fl.path); err != nil {
			return err
		}
	}
	var files []*scenarios.SweepFile
	for _, p := range paths {
		fh, err := os.Open(p)
		if err != nil {
			return badInput(fmt.Errorf("%s: cannot read: %w", p, errors.Unwrap(err)))
		}
		sf, err := scenarios.ReadSweepFile(p, fh)
		fh.Close()
		if err != nil {
			return badInput(err)
		}
		files = append(files, sf)
	}
	res, err := scenarios.MergeSweeps(files)
	if err != nil {
		return failed(err)
	}
	for i, write := range []func(io.Writer) error{
		res.WriteCSV, res.WriteRunsCSV, res.WriteJSONL,
		func(w io.Writer) error { return writeSweepHTML(w, res) },
		res.WriteJSON,
	} {
		if err := opened[i].write(write); err != nil {
			return failed(fmt.Errorf("merge: %w", err))
		}
	}
	if f.out == "" {
		if outs.stdoutTaken() {
			return nil // stdout carries the output given as -
		}
		return res.WriteJSON(cmd.OutOrStdout())
	}
	if f.out == "-" {
		return nil
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "merge: %d runs, %d grid points from %d file(s)\n", len(res.Records), len(res.Points), len(files))
	return nil
}

// writeSweepHTML renders the sweep report (reports.WriteSweepHTML) from the
// merged runs. It shows how to reproduce the runs, not which files were
// merged: the page is byte-identical whether the sweep was sharded or not.
// (The sweep file's path is not recorded in a sweep output; its scenario
// hash identifies it.)
func writeSweepHTML(w io.Writer, res *scenarios.SweepResult) error {
	h := res.Header
	d := reports.SweepData{
		Title: "maintsim sweep: " + h.Name,
		Base:  h.Base,
		Command: fmt.Sprintf("maintsim sweep SWEEP.yaml (maintsim %s, scenario hash %.12s); replay run N: maintsim sweep SWEEP.yaml --print-run N > run.yaml && maintsim run run.yaml",
			h.Version, h.ScenarioHash),
		Params:     res.ParamPaths(),
		Metrics:    h.Metrics,
		Replicates: h.Replicates,
	}
	for i := range res.Records {
		rec := &res.Records[i]
		d.AddRun(rec.Run, rec.Replicate, rec.ParamValues(d.Params), rec.Seed, rec.MetricFloats())
	}
	return reports.WriteSweepHTML(w, d)
}
