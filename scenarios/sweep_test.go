package scenarios_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

const sweepDir = "testdata/sweep"

func loadTestSweep() *scenarios.Sweep {
	sw, err := scenarios.LoadSweep(filepath.Join(sweepDir, "sweep.yaml"))
	Expect(err).NotTo(HaveOccurred())
	return sw
}

func runSweep(sw *scenarios.Sweep, shard scenarios.Shard, workers int) []byte {
	out, err := sw.Run(context.Background(), scenarios.SweepOptions{Shard: shard, Workers: workers, Version: "test"})
	Expect(err).NotTo(HaveOccurred())
	var b bytes.Buffer
	Expect(out.WriteJSONL(&b)).To(Succeed())
	return b.Bytes()
}

func readSweep(name string, data []byte) *scenarios.SweepFile {
	f, err := scenarios.ReadSweepFile(name, bytes.NewReader(data))
	Expect(err).NotTo(HaveOccurred())
	return f
}

// mergedOutputs renders every output of merge: statistics JSON, CSV,
// per-run CSV and the merged JSONL.
func mergedOutputs(files ...*scenarios.SweepFile) string {
	res, err := scenarios.MergeSweeps(files)
	Expect(err).NotTo(HaveOccurred())
	var b bytes.Buffer
	Expect(res.WriteJSON(&b)).To(Succeed())
	Expect(res.WriteCSV(&b)).To(Succeed())
	Expect(res.WriteRunsCSV(&b)).To(Succeed())
	Expect(res.WriteJSONL(&b)).To(Succeed())
	return b.String()
}

// writeSweepFiles writes a base scenario and a sweep file into a temp dir
// and returns the sweep file's path.
func writeSweepFiles(base, sweep string) string {
	dir := GinkgoT().TempDir()
	Expect(os.WriteFile(filepath.Join(dir, "base.yaml"), []byte(base), 0o644)).To(Succeed())
	p := filepath.Join(dir, "sweep.yaml")
	Expect(os.WriteFile(p, []byte(sweep), 0o644)).To(Succeed())
	return p
}

const miniBase = `name: mini
seed: 3
start: 2026-11-02T20:00:00Z
until: +4h
semantics: {profile: vcc}
servers:
  - name: cc-01
    version: "12"
    task_slots: 2
tenants:
  - name: acme
    server: cc-01
    client: vbr 12
    jobs:
      - name: nightly
        kind: backup
        objects: {count: 3, size: 1GiB, duration: 20m}
        schedule: {at: +1h}
actions:
  - {at: +1h10m, do: enable_maintenance, server: cc-01}
  - {at: +2h, do: disable_maintenance, server: cc-01}
`

func sweepInputError(path string) *scenarios.InputError {
	_, err := scenarios.LoadSweep(path)
	var ie *scenarios.InputError
	ExpectWithOffset(1, errors.As(err, &ie)).To(BeTrue(), "want an *InputError, got %v", err)
	return ie
}

// editLine replaces old by new in line n (1-based) of a sweep file's text;
// old must be there.
func editLine(data []byte, n int, old, new string) []byte {
	GinkgoHelper()
	lines := strings.SplitAfter(string(data), "\n")
	Expect(lines[n-1]).To(ContainSubstring(old), "line %d", n)
	lines[n-1] = strings.Replace(lines[n-1], old, new, 1)
	return []byte(strings.Join(lines, ""))
}

// mergeErr merges sweep file texts named s1.jsonl, s2.jsonl, … and returns
// the *MergeError it must fail with.
func mergeErr(datas ...[]byte) error {
	GinkgoHelper()
	var files []*scenarios.SweepFile
	for i, d := range datas {
		files = append(files, readSweep(fmt.Sprintf("s%d.jsonl", i+1), d))
	}
	_, err := scenarios.MergeSweeps(files)
	var me *scenarios.MergeError
	Expect(errors.As(err, &me)).To(BeTrue(), "want a *MergeError, got %v", err)
	return err
}

// envOf is a getenv over name, value pairs.
func envOf(kv ...string) func(string) string {
	return func(k string) string {
		for i := 0; i < len(kv); i += 2 {
			if kv[i] == k {
				return kv[i+1]
			}
		}
		return ""
	}
}

var _ = Describe("sweep", func() {
	It("enumerates the grid keys in file order, the last varying fastest, and seeds runs by index", func() {
		sw := loadTestSweep()
		Expect(sw.Points()).To(Equal(6))
		Expect(sw.Runs()).To(Equal(18))
		Expect(sw.BaseSeed).To(Equal(uint64(7)))
		p := sw.Params(4) // second window, 8 slots
		Expect(string(p[0].Value)).To(Equal(`"+6h"`))
		Expect(string(p[1].Value)).To(Equal(`"+8h"`))
		Expect(p[2].Name).To(Equal("servers[0].task_slots"))
		Expect(string(p[2].Value)).To(Equal(`8`))
		for i := range sw.Runs() {
			Expect(sw.RunSeed(i)).To(Equal(sim.SubSeed(7, uint64(i))))
		}
		y, err := sw.PointYAML(4)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(y)).To(ContainSubstring("task_slots: 8"))
		Expect(string(y)).To(ContainSubstring("{at: +6h, do: enable_maintenance, server: cc-01}"))
		Expect(string(y)).To(ContainSubstring("{at: +8h, do: disable_maintenance, server: cc-01}"))
	})

	It("gives identical results for any worker count", func() {
		sw := loadTestSweep()
		one := runSweep(sw, scenarios.Whole, 1)
		Expect(runSweep(sw, scenarios.Whole, 4)).To(Equal(one))
		Expect(bytes.Count(one, []byte("\n"))).To(Equal(1 + 18))
	})

	It("merging N shards is byte-identical to merging the unsharded sweep", func() {
		sw := loadTestSweep()
		whole := mergedOutputs(readSweep("whole.jsonl", runSweep(sw, scenarios.Whole, 2)))
		for _, n := range []int{2, 3, 5, 18, 25} {
			var files []*scenarios.SweepFile
			for k := n; k >= 1; k-- { // any order
				files = append(files, readSweep(fmt.Sprintf("s%d.jsonl", k), runSweep(sw, scenarios.Shard{Index: k, Count: n}, 1)))
			}
			Expect(mergedOutputs(files...)).To(Equal(whole), "%d shards", n)
		}
		Expect(whole).To(ContainSubstring(`"kind": "maintsim-sweep-summary"`))
		Expect(whole).NotTo(ContainSubstring(`"shard"` + `: {"index": 2`))
	})

	It("a shard takes the runs whose index is K−1 modulo N", func() {
		sw := loadTestSweep()
		f := readSweep("s.jsonl", runSweep(sw, scenarios.Shard{Index: 2, Count: 4}, 2))
		var runs []int
		for _, r := range f.Records {
			runs = append(runs, r.Run)
		}
		Expect(runs).To(Equal([]int{1, 5, 9, 13, 17}))
		Expect(f.Header.Shard).To(Equal(scenarios.Shard{Index: 2, Count: 4}))
		Expect(f.Header.Runs).To(Equal(18))
	})

	It("merge fails on missing, duplicate and mismatched runs, naming them", func() {
		sw := loadTestSweep()
		s1 := readSweep("s1.jsonl", runSweep(sw, scenarios.Shard{Index: 1, Count: 3}, 1))
		s2 := readSweep("s2.jsonl", runSweep(sw, scenarios.Shard{Index: 2, Count: 3}, 1))
		s3 := readSweep("s3.jsonl", runSweep(sw, scenarios.Shard{Index: 3, Count: 3}, 1))

		_, err := scenarios.MergeSweeps([]*scenarios.SweepFile{s1, s3})
		var me *scenarios.MergeError
		Expect(errors.As(err, &me)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("missing 6 of 18 runs: 1, 4, 7, 10, 13, 16"))

		_, err = scenarios.MergeSweeps([]*scenarios.SweepFile{s1, s2, s3, s2})
		Expect(errors.As(err, &me)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("duplicate runs: 1 (s2.jsonl, s2.jsonl)"))

		other := *s3
		other.Path = "other.jsonl"
		other.Header.ScenarioHash = strings.Repeat("0", 64)
		_, err = scenarios.MergeSweeps([]*scenarios.SweepFile{s1, s2, &other})
		Expect(err).To(MatchError(ContainSubstring("other.jsonl: scenario hash 000000000000 differs")))

		old := *s3
		old.Header.Version = "0.0.1"
		_, err = scenarios.MergeSweeps([]*scenarios.SweepFile{s1, s2, &old})
		Expect(err).To(MatchError(ContainSubstring("written by maintsim 0.0.1")))

		bad := *s3
		bad.Records = append([]scenarios.SweepRecord(nil), s3.Records...)
		bad.Records[0].Seed++
		_, err = scenarios.MergeSweeps([]*scenarios.SweepFile{s1, s2, &bad})
		Expect(err).To(MatchError(ContainSubstring("the grid gives")))
	})

	It("merge statistics are the mean, nearest-rank p50/p95, min and max over a point's replicates", func() {
		sw := loadTestSweep()
		f := readSweep("w.jsonl", runSweep(sw, scenarios.Whole, 2))
		res, err := scenarios.MergeSweeps([]*scenarios.SweepFile{f})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Points).To(HaveLen(6))
		for _, p := range res.Points {
			Expect(p.Runs).To(Equal(3))
			s := p.Stats[1] // sessions_failed
			Expect(s.Metric).To(Equal("sessions_failed"))
			var vals []float64
			for _, r := range res.Records[p.Point*3 : p.Point*3+3] {
				var v float64
				fmt.Sscan(string(r.Metrics[1].Value), &v)
				vals = append(vals, v)
			}
			lo, hi := min(vals[0], vals[1], vals[2]), max(vals[0], vals[1], vals[2])
			mid := vals[0] + vals[1] + vals[2] - lo - hi
			Expect(s.Min).To(Equal(lo))
			Expect(s.Max).To(Equal(hi))
			Expect(s.P50).To(Equal(mid))
			Expect(s.P95).To(Equal(hi))
			Expect(s.Mean).To(BeNumerically("~", (vals[0]+vals[1]+vals[2])/3, 1e-9))
		}
	})

	It("patches paths that exist, adds a missing key or list item to an existing parent", func() {
		p := writeSweepFiles(miniBase, `base: base.yaml
vary:
  servers[0].maintenance_message: ["Upgrade: back at 04:00"]
  actions[2]: [{at: +3h, do: enable_maintenance, server: cc-01}]
  semantics.graceful_stop_result: [Success]
  tenants[0].jobs[0].objects: [{count: 2, size: 1GiB, duration: 10m}]
`)
		sw, err := scenarios.LoadSweep(p)
		Expect(err).NotTo(HaveOccurred())
		y, err := sw.PointYAML(0)
		Expect(err).NotTo(HaveOccurred())
		s := string(y)
		Expect(s).To(ContainSubstring(`maintenance_message: "Upgrade: back at 04:00"`))
		Expect(s).To(ContainSubstring("at: +3h"))
		Expect(s).To(ContainSubstring("graceful_stop_result: Success"))
		Expect(s).To(ContainSubstring("objects: {count: 2, size: 1GiB, duration: 10m}"))
		sc, err := scenarios.Parse("patched.yaml", y)
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Spec.Actions).To(HaveLen(3))
		Expect(sc.Spec.Servers[0].MaintenanceMessage).To(Equal("Upgrade: back at 04:00"))
		Expect(sc.Spec.Jobs[0].Objects).To(HaveLen(2))
	})

	It("a path that does not exist, nor its parent, is bad input at its key in the sweep file", func() {
		p := writeSweepFiles(miniBase, "base: base.yaml\nreplicates: 2\nvary:\n  servers[0].task_slots: [1]\n  tenants[0].jobs[3].objects: [1]\n  servers[0].limits.x: [1]\n")
		ie := sweepInputError(p)
		Expect(ie.Path).To(Equal(p))
		Expect(ie.Problems).To(HaveLen(2))
		Expect(ie.Problems[0].Pos).To(Equal(scenarios.Pos{Line: 5, Col: 3}))
		Expect(ie.Problems[0].Msg).To(ContainSubstring("tenants[0].jobs[3] does not exist"))
		Expect(ie.Problems[1].Pos).To(Equal(scenarios.Pos{Line: 6, Col: 3}))
		Expect(ie.Problems[1].Msg).To(ContainSubstring("servers[0].limits does not exist"))
		Expect(ie.Error()).To(ContainSubstring(p + ":5:3: vary: tenants[0].jobs[3].objects"))
	})

	It("a value that makes the scenario invalid is bad input at that value", func() {
		p := writeSweepFiles(miniBase, "base: base.yaml\nvary:\n  servers[0].task_slots: [4, -1]\n  actions[0].at: [+1h, soon]\n")
		ie := sweepInputError(p)
		Expect(ie.Problems).To(HaveLen(2))
		Expect(ie.Problems[0].Pos).To(Equal(scenarios.Pos{Line: 3, Col: 30}))
		Expect(ie.Problems[0].Msg).To(ContainSubstring("servers[0].task_slots = -1 makes the base scenario invalid"))
		Expect(ie.Problems[1].Pos).To(Equal(scenarios.Pos{Line: 4, Col: 24}))
		Expect(ie.Problems[1].Msg).To(ContainSubstring("actions[0].at = soon makes the base scenario invalid"))
	})

	It("rejects unknown fields, unknown metrics, bad replicates and varying seed", func() {
		p := writeSweepFiles(miniBase, "base: base.yaml\nreplicates: 0\nmetrics: [drain_time, drain_tme]\nvary:\n  seed: [1, 2]\nextra: 1\n")
		ie := sweepInputError(p)
		var msgs []string
		for _, pr := range ie.Problems {
			msgs = append(msgs, fmt.Sprintf("%d:%d %s", pr.Pos.Line, pr.Pos.Col, pr.Msg))
		}
		Expect(msgs).To(ConsistOf(
			HavePrefix("2:13 replicates: want an integer ≥ 1"),
			HavePrefix(`3:23 metrics: unknown metric "drain_tme"`),
			HavePrefix("5:3 vary: seed is set per run"),
			HavePrefix(`6:1 unknown field "extra"`),
		))
	})

	// A value set twice records one thing and runs another: refused,
	// however the indices are spelt; so is a second YAML document, which
	// a sweep would otherwise drop.
	DescribeTable("refuses what it would run differently from what it records",
		func(sweep, want string) {
			ie := sweepInputError(writeSweepFiles(miniBase, sweep))
			Expect(ie.Problems).To(HaveLen(1))
			Expect(fmt.Sprintf("%d:%d %s", ie.Problems[0].Pos.Line, ie.Problems[0].Pos.Col, ie.Problems[0].Msg)).To(HavePrefix(want))
		},
		Entry("a path and its parent", "base: base.yaml\nvary:\n  servers[0]: [{name: cc-01, version: \"12\", task_slots: 4}]\n  servers[0].task_slots: [16]\n",
			"4:3 vary: servers[0].task_slots overlaps servers[0] (varied at line 3)"),
		Entry("one path spelt twice", "base: base.yaml\nvary:\n  servers[0].task_slots: [4]\n  servers[00].task_slots: [16]\n",
			"4:3 vary: servers[00].task_slots is varied twice (first at line 3)"),
		Entry("linked paths that overlap", "base: base.yaml\nvary:\n  servers[0].task_slots, servers[0]: [[4, {name: cc-01}]]\n",
			"3:3 vary: servers[0] overlaps servers[0].task_slots"),
		Entry("a second document", "base: base.yaml\n---\nreplicates: 5\n", "3:1 a sweep file holds one YAML document"),
	)

	It("refuses a path through a YAML anchor of the base, naming the anchor", func() {
		base := strings.Replace(miniBase, "  - name: cc-01\n", "  - &srv\n    name: cc-01\n", 1)
		ie := sweepInputError(writeSweepFiles(base, "base: base.yaml\nvary:\n  servers[0].task_slots: [4]\n"))
		Expect(ie.Problems).To(HaveLen(1))
		Expect(ie.Problems[0].Msg).To(ContainSubstring("servers[0] carries the YAML anchor &srv"))
		Expect(ie.Problems[0].Pos.Line).To(Equal(3))
	})

	It("reads a sweep file with a byte order mark and CRLF line ends as a scenario file is read", func() {
		p := writeSweepFiles(miniBase, "\ufeffbase: base.yaml\r\nreplicates: 2\r\n")
		sw, err := scenarios.LoadSweep(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(sw.Replicates).To(Equal(2))
	})

	It("linked paths take one list per value", func() {
		p := writeSweepFiles(miniBase, "base: base.yaml\nvary:\n  actions[0].at, actions[1].at: [[+1h, +2h], +3h]\n")
		ie := sweepInputError(p)
		Expect(ie.Problems[0].Pos).To(Equal(scenarios.Pos{Line: 3, Col: 46}))
		Expect(ie.Problems[0].Msg).To(ContainSubstring("links 2 paths"))
	})

	It("common_seeds gives every grid point the same replicate seeds", func() {
		p := writeSweepFiles(miniBase, "base: base.yaml\nreplicates: 2\ncommon_seeds: true\nseed: 11\nvary:\n  servers[0].task_slots: [1, 2, 3]\n")
		sw, err := scenarios.LoadSweep(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(sw.RunSeed(0)).To(Equal(sim.SubSeed(11, 0)))
		Expect(sw.RunSeed(5)).To(Equal(sim.SubSeed(11, 1)))
	})

	It("RunYAML replays one run as a standalone scenario with the same metrics", func() {
		sw := loadTestSweep()
		rec, err := sw.RunOne(13)
		Expect(err).NotTo(HaveOccurred())
		y, err := sw.RunYAML(13)
		Expect(err).NotTo(HaveOccurred())
		sc, err := scenarios.Parse("run13.yaml", y)
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Spec.Seed).To(Equal(sw.RunSeed(13)))
		out, err := scenarios.RunScenario(sc, scenarios.Options{Invariants: []scenarios.Invariant{}})
		Expect(err).NotTo(HaveOccurred())
		Expect(out.Summary.TraceHash).To(Equal(rec.TraceHash))
		mi, _ := scenarios.LookupMetric("drain_time")
		v, _ := rec.Metrics.Get("drain_time")
		Expect(string(v)).To(Equal(strings.Trim(fmt.Sprint(mi.Value(&out.Summary.Metrics).Float()), " ")))
	})

	// CONTRACT.md: merge must "fail on a missing, duplicate or mismatched
	// run". Everything a record says that follows from its run index and
	// the header (point, replicate, seed, params, metric names, the shard
	// it belongs to) is checked, and a problem names FILE:LINE and the field.
	// CONTRACT.md: sizes in bytes, counts as integers. Statistics in
	// float64 rounded bytes past 2^53 (8 PiB: a month of a large fleet)
	// and wrote the saturated int64 maximum as 9223372036854775808.
	It("merge statistics of an integer metric (bytes, counts) are exact integers above 2^53", func() {
		whole := runSweep(loadTestSweep(), scenarios.Shard{}, 1)
		lines := bytes.Split(bytes.TrimSpace(whole), []byte("\n"))
		big := []string{"9007199254740993", "9223372036854775807", "9007199254740995"} // a point's 3 replicates
		var edited bytes.Buffer
		edited.Write(lines[0])
		edited.WriteByte('\n')
		for i, l := range lines[1:] {
			l = regexp.MustCompile(`"bytes_wasted":\d+`).ReplaceAll(l, []byte(`"bytes_wasted":`+big[i%3]))
			edited.Write(l)
			edited.WriteByte('\n')
		}
		res, err := scenarios.MergeSweeps([]*scenarios.SweepFile{readSweep("big.jsonl", edited.Bytes())})
		Expect(err).NotTo(HaveOccurred())
		var js, csv bytes.Buffer
		Expect(res.WriteJSON(&js)).To(Succeed())
		Expect(res.WriteCSV(&csv)).To(Succeed())
		dec := json.NewDecoder(&js)
		dec.UseNumber()
		var sum struct {
			Results []struct {
				Stats map[string]map[string]any `json:"stats"`
			} `json:"results"`
		}
		Expect(dec.Decode(&sum)).To(Succeed())
		Expect(sum.Results).To(HaveLen(6))
		for _, p := range sum.Results {
			st := p.Stats["bytes_wasted"]
			Expect(st["p50"]).To(Equal(json.Number("9007199254740995")))
			Expect(st["p95"]).To(Equal(json.Number("9223372036854775807")))
			Expect(st["min"]).To(Equal(json.Number("9007199254740993")))
			Expect(st["max"]).To(Equal(json.Number("9223372036854775807")))
			Expect(p.Stats["sessions_failed"]["p50"]).To(MatchRegexp(`^\d+$`))
		}
		Expect(csv.String()).To(MatchRegexp(`,bytes_wasted,bytes,3,[^,]+,9007199254740995,9223372036854775807,9007199254740993,9223372036854775807\n`))
	})

	Describe("merge fails on a mismatched run (CONTRACT.md)", func() {
		var s1, s2, s3 []byte // shards 1/3, 2/3, 3/3: s2's line 3 is run 4 (grid point 1: +3h, +5h, 8 slots)
		BeforeEach(func() {
			sw := loadTestSweep()
			s1 = runSweep(sw, scenarios.Shard{Index: 1, Count: 3}, 1)
			s2 = runSweep(sw, scenarios.Shard{Index: 2, Count: 3}, 1)
			s3 = runSweep(sw, scenarios.Shard{Index: 3, Count: 3}, 1)
			Expect(string(s2)).To(ContainSubstring("\n" + `{"run":4,"point":1,`))
		})

		It("a record whose params differ from its grid point's values, naming the file, line and path", func() {
			err := mergeErr(s1, editLine(s2, 3, `"servers[0].task_slots":8`, `"servers[0].task_slots":99`), s3)
			Expect(err).To(MatchError(ContainSubstring(`s2.jsonl:3: run 4: params: servers[0].task_slots is 99, the grid gives 8 (grid point 1)`)))
			Expect(err).To(MatchError(ContainSubstring("missing 1 of 18 runs: 4")))

			err = mergeErr(s1, editLine(s2, 3, `"actions[1].at":"+5h"`, `"actions[1].at":"+8h"`), s3)
			Expect(err).To(MatchError(ContainSubstring(`s2.jsonl:3: run 4: params: actions[1].at is "+8h", the grid gives "+5h"`)))

			err = mergeErr(s1, editLine(s2, 3, `"servers[0].task_slots":8`, `"servers[1].task_slots":8`), s3)
			Expect(err).To(MatchError(ContainSubstring(`s2.jsonl:3: run 4: params has the paths [actions[0].at, actions[1].at, servers[1].task_slots], the grid's are [actions[0].at, actions[1].at, servers[0].task_slots]`)))
		})

		It("a metric value that is not a number or null", func() {
			v := editLine(s2, 3, `"rpo_violations":`, `"rpo_violations":"`)
			v = editLine(v, 3, `,"queue_wait_p95"`, `","queue_wait_p95"`)
			err := mergeErr(s1, v, s3)
			Expect(err).To(MatchError(MatchRegexp(`s2\.jsonl:3: run 4: metrics: rpo_violations is "\d+": want a number or null`)))
		})

		It("a record in a file whose header claims another shard", func() {
			lines2 := strings.SplitAfter(string(s2), "\n")
			moved := append([]byte(nil), s1...)
			moved = append(moved, lines2[2]...) // run 4, into shard 1/3's file
			rest := []byte(strings.Join(append(append([]string(nil), lines2[:2]...), lines2[3:]...), ""))
			err := mergeErr(moved, rest, s3)
			Expect(err).To(MatchError(ContainSubstring("s1.jsonl:8: run 4 is not a run of shard 1/3, which the file's header claims (its runs are 0 modulo 3)")))
		})

		It("shard headers that disagree: another shard count, an index outside 1..count, one shard in two files", func() {
			err := mergeErr(s1, s2, editLine(s3, 1, `"shard":{"index":3,"count":3}`, `"shard":{"index":3,"count":4}`))
			Expect(err).To(MatchError(ContainSubstring("s3.jsonl:1: shard count 4 (shard 3/4), but s1.jsonl is shard 1/3: the shards of one sweep have one count")))

			err = mergeErr(s1, s2, editLine(s3, 1, `"shard":{"index":3,"count":3}`, `"shard":{"index":4,"count":3}`))
			Expect(err).To(MatchError(ContainSubstring("s3.jsonl:1: shard 4/3 (index 4, count 3) is not a shard: want 1 ≤ index ≤ count")))

			// The same runs under two claims of shard 2/3: refused even
			// though every run is present.
			err = mergeErr(s1, s2, editLine(s3, 1, `"shard":{"index":3,"count":3}`, `"shard":{"index":2,"count":3}`))
			Expect(err).To(MatchError(ContainSubstring("s3.jsonl:1: shard 2/3 again: s2.jsonl is shard 2/3 too")))
		})

		It("a header whose points or runs do not follow from its vary values and replicates", func() {
			whole := runSweep(loadTestSweep(), scenarios.Whole, 2)
			err := mergeErr(editLine(whole, 1, `"points":6,`, `"points":7,`))
			Expect(err).To(MatchError(ContainSubstring("s1.jsonl:1: points 7, but its vary values make 6 grid points")))
			err = mergeErr(editLine(whole, 1, `"runs":18,`, `"runs":19,`))
			Expect(err).To(MatchError(ContainSubstring("s1.jsonl:1: runs 19, but 6 points × 3 replicates make 18")))
		})

		It("keeps its output byte-identical: params that differ only in spacing merge as the unsharded sweep does", func() {
			whole := mergedOutputs(readSweep("whole.jsonl", runSweep(loadTestSweep(), scenarios.Whole, 2)))
			spaced := editLine(s2, 3, `"params":{"actions[0].at":"+3h",`, `"params":{ "actions[0].at": "+3h", `)
			Expect(mergedOutputs(readSweep("s1.jsonl", s1), readSweep("s2.jsonl", spaced), readSweep("s3.jsonl", s3))).To(Equal(whole))
		})
	})

	It("reads the shard from --shard and the Kubernetes and Slurm environment", func() {
		env := func(kv ...string) func(string) string {
			return func(k string) string {
				for i := 0; i < len(kv); i += 2 {
					if kv[i] == k {
						return kv[i+1]
					}
				}
				return ""
			}
		}
		for _, c := range []struct {
			flag string
			env  []string
			want scenarios.Shard
			err  string
		}{
			{"", nil, scenarios.Whole, ""},
			{"2/5", nil, scenarios.Shard{Index: 2, Count: 5}, ""},
			{"2/5", []string{"JOB_COMPLETION_INDEX", "0"}, scenarios.Shard{Index: 2, Count: 5}, ""},
			{"4", []string{"JOB_COMPLETION_INDEX", "3"}, scenarios.Shard{Index: 4, Count: 4}, ""},
			{"", []string{"SLURM_ARRAY_TASK_ID", "7", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "8"}, scenarios.Shard{Index: 7, Count: 8}, ""},
			{"", []string{"SLURM_ARRAY_TASK_ID", "0", "SLURM_ARRAY_TASK_COUNT", "3"}, scenarios.Shard{Index: 1, Count: 3}, ""},
			{"", []string{"JOB_COMPLETION_INDEX", "1"}, scenarios.Shard{}, "shard count is not"},
			{"4", nil, scenarios.Shard{}, "not which shard"},
			{"4", []string{"JOB_COMPLETION_INDEX", "4"}, scenarios.Shard{}, "only 4 shards"},
			{"0/3", nil, scenarios.Shard{}, "1 ≤ K ≤ N"},
			{"x", nil, scenarios.Shard{}, "want K/N"},
		} {
			got, err := scenarios.ParseShard(c.flag, env(c.env...))
			if c.err != "" {
				Expect(err).To(MatchError(ContainSubstring(c.err)), "%q %v", c.flag, c.env)
				continue
			}
			Expect(err).NotTo(HaveOccurred(), "%q %v", c.flag, c.env)
			Expect(got).To(Equal(c.want), "%q %v", c.flag, c.env)
		}
	})
	It("takes the shard from a Slurm array numbered from 0 or from 1: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN", func() {
		slurm := func(id, lo, hi, n string) func(string) string {
			return envOf("SLURM_ARRAY_TASK_ID", id, "SLURM_ARRAY_TASK_MIN", lo, "SLURM_ARRAY_TASK_MAX", hi, "SLURM_ARRAY_TASK_COUNT", n)
		}
		for k := 1; k <= 4; k++ {
			// --array=1-4 and --array=0-3 give the same four shards, with or without --shard 4.
			for _, env := range []func(string) string{
				slurm(fmt.Sprint(k), "1", "4", "4"),
				slurm(fmt.Sprint(k-1), "0", "3", "4"),
			} {
				for _, flag := range []string{"", "4"} {
					got, err := scenarios.ParseShard(flag, env)
					Expect(err).NotTo(HaveOccurred())
					Expect(got).To(Equal(scenarios.Shard{Index: k, Count: 4}))
				}
			}
		}
		// Without SLURM_ARRAY_TASK_MIN the task ID is 0-based, as before.
		got, err := scenarios.ParseShard("4", envOf("SLURM_ARRAY_TASK_ID", "3"))
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(scenarios.Shard{Index: 4, Count: 4}))
		_, err = scenarios.ParseShard("4", envOf("SLURM_ARRAY_TASK_ID", "4"))
		Expect(err).To(MatchError(ContainSubstring("only 4 shards")))

		for _, c := range []struct {
			flag string
			env  func(string) string
			err  string
		}{
			{"", slurm("0", "1", "4", "4"), "SLURM_ARRAY_TASK_ID=0 is below SLURM_ARRAY_TASK_MIN=1"},
			{"", slurm("5", "1", "4", "4"), "outside SLURM_ARRAY_TASK_MIN=1 to SLURM_ARRAY_TASK_MAX=4"},
			{"", slurm("2", "0", "6", "4"), "not one task per ID"},                                     // --array=0-6:2
			{"4", slurm("1", "1", "8", "8"), "IDs 1 to 8 (8 tasks) but --shard gives 4 shards"},        // an array larger than the shards
			{"8", slurm("5", "5", "5", "1"), "to run one shard alone pass --shard K/8"},                // one task resubmitted alone
			{"", slurm("x", "1", "4", "4"), `SLURM_ARRAY_TASK_ID="x": want an integer ≥ 0`},            //
			{"", slurm("1", "-1", "4", "4"), `SLURM_ARRAY_TASK_MIN="-1": want an integer ≥ 0`},         //
			{"", slurm("1", "1", "4", "0"), "SLURM_ARRAY_TASK_COUNT=0: want an integer ≥ 1"},           //
			{"", envOf("SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_MIN", "1"), "shard count is not"}, //
		} {
			_, err := scenarios.ParseShard(c.flag, c.env)
			Expect(err).To(MatchError(ContainSubstring(c.err)), "--shard %q", c.flag)
		}
	})
})

var _ = Describe("merge reads what another JSON tool wrote, and nothing glued on", func() {
	It("CONTRACT merge: a line holding more than its record is bad input; a file of blank lines is no sweep file", func() {
		whole := runSweep(loadTestSweep(), scenarios.Shard{}, 1)
		lines := bytes.SplitAfter(whole, []byte("\n"))
		glued := bytes.Join([][]byte{lines[0], bytes.TrimRight(lines[1], "\n"), lines[1], bytes.Join(lines[2:], nil)}, nil)
		_, err := scenarios.ReadSweepFile("glued.jsonl", bytes.NewReader(glued))
		var ie *scenarios.InputError
		Expect(errors.As(err, &ie)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("glued.jsonl:2:1: bad sweep record: text after the JSON object"))
		_, err = scenarios.ReadSweepFile("blank.jsonl", strings.NewReader("\n\n"))
		Expect(errors.As(err, &ie)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("not a maintsim sweep file"))
	})

	It("docs: params compare as JSON values (escapes, 1.0 and 1, member order), so a re-encoded shard merges", func() {
		whole := runSweep(loadTestSweep(), scenarios.Shard{}, 1)
		// Re-encode every line as a tool might: HTML-safe escapes and a
		// float where the sweep wrote an integer.
		var reenc bytes.Buffer
		for _, l := range bytes.Split(bytes.TrimSpace(whole), []byte("\n")) {
			l = bytes.ReplaceAll(l, []byte(`.task_slots":4`), []byte(`.task_slots":4.0`))
			l = bytes.ReplaceAll(l, []byte(`"maintsim-sweep"`), []byte(`"maintsim-sw\u0065\u0065p"`))
			l = bytes.ReplaceAll(l, []byte(`"servers[0].task_slots"`), []byte(`"servers\u005b0\u005d.task_slots"`))
			reenc.Write(l)
			reenc.WriteByte('\n')
		}
		Expect(mergedOutputs(readSweep("reenc.jsonl", reenc.Bytes()))).To(Equal(mergedOutputs(readSweep("whole.jsonl", whole))))
	})
})
