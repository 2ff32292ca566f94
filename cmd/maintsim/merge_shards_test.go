package main

// CONTRACT.md: `maintsim sweep SWEEP.yaml [--shard K/N]` and `maintsim
// merge FILE.jsonl...`: "join shard outputs; fail on a missing, duplicate
// or mismatched run". merge --help: "byte-identical however the sweep was
// sharded". This file runs the shards as a Slurm array would, and checks
// the merged outputs, the HTML report included, against the unsharded
// sweep's.

import (
	"fmt"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("maintsim sweep shards and merge", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	sweepFile := func() string { return abs("testdata/sweep/sweep.yaml") }

	// mergeAll merges files into dir/prefix.{json,csv,runs.csv,jsonl,html}
	// and returns those outputs' contents.
	mergeAll := func(prefix string, files ...string) []string {
		GinkgoHelper()
		outs := []string{prefix + ".json", prefix + ".csv", prefix + ".runs.csv", prefix + ".jsonl", prefix + ".html"}
		for i := range outs {
			outs[i] = filepath.Join(dir, outs[i])
		}
		args := append([]string{"merge"}, files...)
		args = append(args, "--out", outs[0], "--csv", outs[1], "--runs-csv", outs[2], "--jsonl", outs[3], "--html", outs[4])
		r := ms(dir, args...)
		Expect(r.code).To(Equal(0), r.String())
		var got []string
		for _, o := range outs {
			got = append(got, readFile(o))
		}
		return got
	}

	It("merge --html, like every merge output, is byte-identical for the unsharded sweep and its shards, whatever the files are called", func() {
		whole := filepath.Join(dir, "sweep-results.jsonl")
		Expect(ms(dir, "sweep", sweepFile(), "--out", whole, "--quiet").code).To(Equal(0))
		var shards []string
		for k := 1; k <= 3; k++ {
			s := filepath.Join(dir, fmt.Sprintf("elsewhere-%d.jsonl", k))
			Expect(ms(dir, "sweep", sweepFile(), "--shard", fmt.Sprintf("%d/3", k), "--out", s, "--quiet").code).To(Equal(0))
			shards = append(shards, s)
		}
		want := mergeAll("merged-whole", whole)
		got := mergeAll("sharded", shards[2], shards[0], shards[1])
		for i := range want {
			Expect(got[i]).To(Equal(want[i]), "output %d", i)
		}
		html := want[4]
		Expect(html).NotTo(ContainSubstring("sweep-results.jsonl"))
		Expect(html).NotTo(ContainSubstring("elsewhere-"))
		// The page still says how to reproduce the runs.
		Expect(html).To(ContainSubstring("maintsim sweep SWEEP.yaml --print-run N &gt; run.yaml &amp;&amp; maintsim run run.yaml"))
	})

	It("sweep in a Slurm array numbered from 1 (--array=1-4) or from 0 (--array=0-3) writes shards 1/4 to 4/4, which merge to the unsharded sweep", func() {
		whole := filepath.Join(dir, "whole.jsonl")
		Expect(ms(dir, "sweep", sweepFile(), "--out", whole, "--quiet").code).To(Equal(0))
		want := mergeAll("merged-whole", whole)
		for _, first := range []int{1, 0} {
			out := filepath.Join(dir, fmt.Sprintf("from%d", first)) + "/"
			for id := first; id < first+4; id++ {
				r := msEnv(dir, []string{
					fmt.Sprint("SLURM_ARRAY_TASK_ID=", id), fmt.Sprint("SLURM_ARRAY_TASK_MIN=", first),
					fmt.Sprint("SLURM_ARRAY_TASK_MAX=", first+3), "SLURM_ARRAY_TASK_COUNT=4",
				}, "sweep", sweepFile(), "--out", out, "--quiet")
				Expect(r.code).To(Equal(0), r.String())
				Expect(r.stderr).To(ContainSubstring(fmt.Sprintf("shard %d/4", id-first+1)))
			}
			shards, err := filepath.Glob(out + "sweep.shard-*-of-4.jsonl")
			Expect(err).NotTo(HaveOccurred())
			Expect(shards).To(HaveLen(4))
			got := mergeAll(fmt.Sprintf("from%d", first), shards...)
			for i := range want {
				Expect(got[i]).To(Equal(want[i]), "--array=%d-%d, output %d", first, first+3, i)
			}
		}
	})

	DescribeTable("sweep: a Slurm array that is not one task per shard is bad input (exit 2)",
		func(want string, env ...string) {
			r := msEnv(dir, env, "sweep", sweepFile(), "--out", filepath.Join(dir, "o.jsonl"), "--quiet")
			Expect(r.code).To(Equal(2), r.String())
			Expect(r.stderr).To(ContainSubstring(want))
			Expect(filepath.Join(dir, "o.jsonl")).NotTo(BeAnExistingFile())
		},
		Entry("a task ID below SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_ID=0 is below SLURM_ARRAY_TASK_MIN=1",
			"SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_MAX=4", "SLURM_ARRAY_TASK_COUNT=4"),
		Entry("a stepped array (--array=0-6:2)", "not one task per ID",
			"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_MAX=6", "SLURM_ARRAY_TASK_COUNT=4"),
		Entry("a 1-based ID without SLURM_ARRAY_TASK_MIN (taken as 0-based, as before)", "gives shard 4 (0-based) but there are only 4 shards",
			"SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_COUNT=4"),
	)

	It("merge: an edited record's params, or a shard header with another shard count, fails (exit 1) naming FILE:LINE and the field", func() {
		var shards []string
		for k := 1; k <= 2; k++ {
			s := filepath.Join(dir, fmt.Sprintf("s%d.jsonl", k))
			Expect(ms(dir, "sweep", sweepFile(), "--shard", fmt.Sprintf("%d/2", k), "--out", s, "--quiet").code).To(Equal(0))
			shards = append(shards, s)
		}
		// s2.jsonl line 2 is run 1: grid point 0 (+1h, 4 slots).
		text := readFile(shards[1])
		lines := strings.SplitAfter(text, "\n")
		Expect(lines[1]).To(HavePrefix(`{"run":1,"point":0,`))
		Expect(lines[1]).To(ContainSubstring(`"servers[0].task_slots":4`))
		lines[1] = strings.Replace(lines[1], `"servers[0].task_slots":4`, `"servers[0].task_slots":99`, 1)
		edited := writeFile(dir, "edited.jsonl", strings.Join(lines, ""))
		r := ms(dir, "merge", shards[0], edited)
		Expect(r.code).To(Equal(1), r.String())
		Expect(r.stderr).To(ContainSubstring(edited + ":2: run 1: params: servers[0].task_slots is 99, the grid gives 4"))

		other := writeFile(dir, "other.jsonl", replaceOnce(text, `"shard":{"index":2,"count":2}`, `"shard":{"index":2,"count":3}`))
		r = ms(dir, "merge", shards[0], other)
		Expect(r.code).To(Equal(1), r.String())
		Expect(r.stderr).To(ContainSubstring(other + ":1: shard count 3 (shard 2/3), but " + shards[0] + " is shard 1/2"))
	})
})
