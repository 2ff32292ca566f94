package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/maintsim/maintsim/scenarios"
)

type sweepFlags struct {
	shard    string
	workers  int
	out      string
	printRun int
	quiet    bool
}

func init() {
	var f sweepFlags
	cmd := &cobra.Command{
		Use:   "sweep SWEEP.yaml",
		Short: "Capacity-planning what-if: a grid of parameters × replicate seeds, one JSONL record per run",
		Long: `Run a sweep file: every grid point of its vary: values (keys in file order,
the last varying fastest) × replicates seeds over the base scenario. Run i has
seed SubSeed(base seed, i): results never depend on --workers or --shard.

Output (written atomically: a killed run leaves no partial file): a header line,
then one record per run, sorted by run. Default file: sweep-results.jsonl, or
SWEEP.shard-K-of-N.jsonl when sharded (SWEEP = the sweep file's name without
.yaml); --out DIR/ puts that name in DIR; --out - writes to stdout.

Sharding: --shard K/N runs the runs with index ≡ K-1 (mod N). Under a Kubernetes
Indexed Job (JOB_COMPLETION_INDEX, 0-based) pass --shard N. In a Slurm array no
flag is needed: the shard is SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of
SLURM_ARRAY_TASK_COUNT, so --array=0-3 and --array=1-4 both give shards 1/4 to
4/4 (without SLURM_ARRAY_TASK_MIN the task ID is taken as 0-based). The array
must be one task per shard: a step or gaps in the IDs, or an array of another
size than --shard N, is bad input; to run one shard alone pass --shard K/N.
Join the shard files with 'maintsim merge'.

Exit codes: 0 done; 2 bad input: the sweep file (FILE:LINE:COL), an output
that cannot be written, or a run the simulator cannot finish (a limit reached,
a world the model refuses; the message says how to replay it); 130 interrupted
(SIGINT or SIGTERM; no output written).`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSweep(cmd, args[0], &f)
		},
	}
	cmd.Flags().StringVar(&f.shard, "shard", "", "run shard `K/N` (1-based) of the sweep; N alone takes K from JOB_COMPLETION_INDEX (0-based) or SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN)")
	cmd.Flags().IntVar(&f.workers, "workers", runtime.NumCPU(), "simulations run in parallel (results do not depend on it)")
	cmd.Flags().StringVar(&f.out, "out", "", "output `FILE.jsonl` (default sweep-results.jsonl, or SWEEP.shard-K-of-N.jsonl; a directory; - for stdout)")
	cmd.Flags().IntVar(&f.printRun, "print-run", -1, "print run `N` as a standalone scenario (its grid values and seed) and exit, to replay it with 'maintsim run'")
	cmd.Flags().BoolVar(&f.quiet, "quiet", false, "no progress on stderr")
	rootCmd.AddCommand(cmd)
}

// sweepOutPath is where a sweep writes: see the command's help.
func sweepOutPath(flag, sweepPath string, shard scenarios.Shard) string {
	name := "sweep-results.jsonl"
	if shard.Sharded() {
		stem := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(sweepPath), ".yaml"), ".yml")
		name = fmt.Sprintf("%s.shard-%d-of-%d.jsonl", stem, shard.Index, shard.Count)
	}
	if flag == "" {
		return name
	}
	if strings.HasSuffix(flag, "/") {
		return filepath.Join(flag, name)
	}
	if st, err := os.Stat(flag); err == nil && st.IsDir() {
		return filepath.Join(flag, name)
	}
	return flag
}

func runSweep(cmd *cobra.Command, path string, f *sweepFlags) error {
	if f.workers < 1 {
		return badInput(fmt.Errorf("--workers %d: want at least 1", f.workers))
	}
	shard, err := scenarios.ParseShard(f.shard, os.Getenv)
	if err != nil {
		return badInput(err)
	}
	sw, err := scenarios.LoadSweep(path)
	if err != nil {
		return badInput(err)
	}
	if cmd.Flags().Changed("print-run") {
		y, err := sw.RunYAML(f.printRun)
		if err != nil {
			return badInput(err)
		}
		_, err = cmd.OutOrStdout().Write(y)
		return err
	}
	out := sweepOutPath(f.out, path, shard)
	if strings.HasSuffix(f.out, "/") { // --out DIR/: a directory, created if need be
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return badInput(fmt.Errorf("--out %s: %w", f.out, pathErr(err)))
		}
	}
	// The output is opened before the first run: a path that cannot be
	// written is bad input now, not an error after every run is done.
	outs := newOutputs(cmd.OutOrStdout(), path, sw.BasePath)
	defer outs.abort()
	jsonl, err := outs.open("--out", out)
	if err != nil {
		return err
	}
	total := len(shard.RunIndices(sw.Runs()))
	stderr := cmd.ErrOrStderr()
	fmt.Fprintf(stderr, "sweep %s: %s × %s = %s; shard %s: %s; %s\n",
		path, count(sw.Points(), "grid point", "grid points"), count(sw.Replicates, "replicate", "replicates"),
		count(sw.Runs(), "run", "runs"), shard, count(total, "run", "runs"), count(min(f.workers, max(total, 1)), "worker", "workers"))

	interruptsOwned.Store(true)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	prog := newSweepProgress(stderr, total, f.quiet)
	res, err := sw.Run(ctx, scenarios.SweepOptions{Shard: shard, Workers: f.workers, Version: Version, Progress: prog.update})
	prog.finish(err == nil)
	if err != nil {
		var re *scenarios.RunError
		if errors.As(err, &re) {
			// CONTRACT.md: sweep exits 0 or 2. A run the simulator cannot
			// finish (a limit reached, a world the model refuses) comes from
			// the base scenario and the grid values: bad input.
			return badInput(fmt.Errorf("sweep %s: %w; no output written (replay: maintsim sweep %s --print-run %d > run.yaml && maintsim run run.yaml)",
				path, err, scenarios.ShellQuote(path), re.Run))
		}
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted, err: fmt.Errorf("sweep %s: interrupted; no output written", path)}
		}
		return failed(err)
	}
	if err := jsonl.write(res.WriteJSONL); err != nil {
		return failed(fmt.Errorf("sweep: %w", err))
	}
	where := out
	if out == "-" {
		where = "stdout"
	}
	fmt.Fprintf(stderr, "sweep: wrote %s to %s (scenario hash %.12s)\n", count(len(res.Records), "run", "runs"), where, sw.Hash)
	// CONTRACT.md: every run says how to reproduce it; each record carries
	// its run index, seed and trace_hash, and this replays any one of them.
	// On stderr, so also when the records went to stdout.
	fmt.Fprintf(stderr, "sweep: replay run N: maintsim sweep %s --print-run N > run.yaml && maintsim run run.yaml\n", scenarios.ShellQuote(path))
	if out == "-" {
		return nil
	}
	if shard.Sharded() {
		files := strings.Replace(out, fmt.Sprintf("shard-%d-of-", shard.Index), "shard-*-of-", 1)
		if files == out { // --out named the file: the other shards' names are unknown here
			files = fmt.Sprintf("%s <the other %d shard files>", scenarios.ShellQuote(out), shard.Count-1)
		} else { // quoted around the glob's *
			before, after, _ := strings.Cut(files, "shard-*-of-")
			files = scenarios.ShellQuote(before+"shard-") + "*" + scenarios.ShellQuote("-of-"+after)
		}
		fmt.Fprintf(stderr, "sweep: when all %d shards are done: maintsim merge %s --out summary.json --csv summary.csv --html sweep.html\n",
			shard.Count, files)
	} else {
		fmt.Fprintf(stderr, "sweep: summarise with: maintsim merge %s --csv summary.csv --html sweep.html\n", scenarios.ShellQuote(out))
	}
	return nil
}

// sweepProgress shows progress on stderr: a bar on a terminal, otherwise a
// plain line every few seconds (CI logs, Kubernetes, Slurm).
type sweepProgress struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	bar   *progressbar.ProgressBar
	start time.Time
	last  time.Time
	done  int
	quiet bool
}

// plainEvery is how often the plain progress line is printed.
const plainEvery = 5 * time.Second

func newSweepProgress(w io.Writer, total int, quiet bool) *sweepProgress {
	p := &sweepProgress{w: w, total: total, start: time.Now(), quiet: quiet}
	p.last = p.start
	if quiet || total == 0 {
		return p
	}
	if fd, ok := w.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(fd.Fd())) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("sweep"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("runs"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// update is SweepOptions.Progress: called serialised, after each run.
func (p *sweepProgress) update(done, total int) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= plainEvery {
		p.last = now
		fmt.Fprintln(p.w, p.line(now))
	}
}

func (p *sweepProgress) line(now time.Time) string {
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.done) / el
	}
	eta := "?"
	if rate > 0 {
		eta = (time.Duration(float64(p.total-p.done)/rate) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("sweep %d/%d runs (%d%%) %.0f runs/s eta %s", p.done, p.total, 100*p.done/max(p.total, 1), rate, eta)
}

func (p *sweepProgress) finish(ok bool) {
	if p.quiet || p.total == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
	if ok {
		fmt.Fprintf(p.w, "sweep %d/%d runs (100%%) in %s\n", p.total, p.total, time.Since(p.start).Round(time.Millisecond))
	}
}
