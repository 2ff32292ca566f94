package main

// Contract scenarios: files written from SEMANTICS.md and CONTRACT.md alone,
// each with the outcome the rules give in its expect: block. Each file is a
// spec: `maintsim run FILE` must exit 0 (every invariant holds, or is
// violated exactly as the file expects, and every expectation matched).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// contractFiles are the contract scenarios, listed when the tree is built.
var contractFiles = func() []string {
	files, err := filepath.Glob("testdata/contract/*.yaml")
	if err != nil {
		panic(err)
	}
	return files
}()

// scenarioField is a top-level scalar of a scenario file (name:, seed:).
func scenarioField(text, key string) string {
	m := regexp.MustCompile(`(?m)^` + key + `:\s*(.*?)\s*(#.*)?$`).FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return strings.Trim(m[1], `"`)
}

// verdictLine is the last lines of every run: seed, trace hash, replay.
var verdictLine = regexp.MustCompile(`(?m)^(PASS|FAIL)  seed (\d+)  trace_hash ([0-9a-f]{16})\nreplay: (maintsim run .*)$`)

// summary is the part of the summary JSON these specs read.
type summary struct {
	Scenario     string `json:"scenario"`
	Seed         uint64 `json:"seed"`
	TraceHash    string `json:"trace_hash"`
	Events       uint64 `json:"events"`
	EngineEvents uint64 `json:"engine_events"`
	Passed       bool   `json:"passed"`
	Replay       string `json:"replay"`
	Sessions     []struct {
		ID       string `json:"id"`
		Tenant   string `json:"tenant"`
		Job      string `json:"job"`
		Kind     string `json:"kind"`
		Start    string `json:"start"`
		End      string `json:"end"`
		Result   string `json:"result"`
		Message  string `json:"message"`
		Attempts int    `json:"attempts"`
		Tasks    []struct {
			Object       string `json:"object"`
			Result       string `json:"result"`
			RestorePoint bool   `json:"restore_point"`
			Bytes        int64  `json:"bytes"`
			Attempt      int    `json:"attempt"`
		} `json:"tasks"`
	} `json:"sessions"`
	Invariants []struct {
		ID    string `json:"id"`
		Holds bool   `json:"holds"`
	} `json:"invariants"`
	Expectations []struct {
		Line   int    `json:"line"`
		Name   string `json:"name"`
		Passed bool   `json:"passed"`
	} `json:"expectations"`
	Metrics map[string]any `json:"metrics"`
}

// runJSON runs a scenario with --format json and decodes the summary.
func runJSON(dir string, args ...string) (summary, result) {
	GinkgoHelper()
	r := ms(dir, append([]string{"run", "--format", "json"}, args...)...)
	var s summary
	Expect(json.Unmarshal([]byte(r.stdout), &s)).To(Succeed(), r.String())
	return s, r
}

// traceEvents reads a JSONL trace into one map per line.
func traceEvents(path string) []map[string]any {
	GinkgoHelper()
	var evs []map[string]any
	for _, line := range strings.Split(readFile(path), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var m map[string]any
		Expect(json.Unmarshal([]byte(line), &m)).To(Succeed())
		evs = append(evs, m)
	}
	return evs
}

func countEvents(evs []map[string]any, ev string) int {
	n := 0
	for _, e := range evs {
		if e["ev"] == ev {
			n++
		}
	}
	return n
}

var _ = Describe("contract scenarios (testdata/contract, written from the spec alone)", func() {
	It("has at least 25 of them, covering M1–M14 and S1–S8", func() {
		Expect(len(contractFiles)).To(BeNumerically(">=", 25))
		all := ""
		for _, f := range contractFiles {
			all += readFile(f)
		}
		for i := 1; i <= 14; i++ {
			Expect(all).To(MatchRegexp(`\bM`+strconv.Itoa(i)+`\b`), "no contract scenario cites M%d", i)
		}
		for i := 1; i <= 8; i++ {
			Expect(all).To(MatchRegexp(`\bS`+strconv.Itoa(i)+`\b`), "no contract scenario cites S%d", i)
		}
		for _, do := range []string{"enable_maintenance", "disable_maintenance", "stop_job", "start_job",
			"stop_service", "start_service", "restart_service", "power_off", "power_on",
			"set_maintenance_message", "disable_tenant", "enable_tenant", "move_backups"} {
			Expect(all).To(ContainSubstring("do: "+do), "no contract scenario uses the action %s", do)
		}
		for _, form := range []string{"{at: +", "{at: 2026", "{daily: ", "{every: ", "{manual: true}",
			"{uniform: [", "{exponential: ", "{lognormal: {median: ", "count: ", "jitter: ",
			"invariants: hold", "invariants: {violated: INV-15}", "restore_points: ", "tasks: {", "message: "} {
			Expect(all).To(ContainSubstring(form))
		}
	})

	for _, file := range contractFiles {
		text, err := os.ReadFile(file)
		if err != nil {
			panic(err)
		}
		name := scenarioField(string(text), "name")
		seed := scenarioField(string(text), "seed")
		if seed == "" {
			seed = "1" // CONTRACT.md: seed defaults to 1
		}
		It(name+" ("+filepath.Base(file)+"): run exits 0 and prints seed, trace hash and replay", func() {
			r := ms("", "run", file)
			Expect(r.code).To(Equal(0), r.String())
			Expect(r.stderr).To(BeEmpty())
			m := verdictLine.FindStringSubmatch(r.stdout)
			Expect(m).NotTo(BeNil(), r.String())
			Expect(m[1]).To(Equal("PASS"))
			Expect(m[2]).To(Equal(seed))
			Expect(m[4]).To(Equal("maintsim run " + file + " --seed " + seed))

			// The replay command reproduces the run: same trace hash.
			again := ms("", strings.Fields(strings.TrimPrefix(m[4], "maintsim "))...)
			Expect(again.code).To(Equal(0))
			Expect(verdictLine.FindStringSubmatch(again.stdout)[3]).To(Equal(m[3]))
		})
	}
})

var _ = Describe("contract scenarios: what expect: cannot say", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	// trace runs a contract file with --trace and returns the events.
	trace := func(file string) []map[string]any {
		GinkgoHelper()
		path := filepath.Join(dir, "trace.jsonl")
		r := ms("", "run", "testdata/contract/"+file, "--trace", path)
		Expect(r.code).To(Equal(0), r.String())
		return traceEvents(path)
	}

	It("M1: the rejected enable is recorded and changes nothing", func() {
		evs := trace("m01_enable_rejected_before_95u3.yaml")
		Expect(countEvents(evs, "maintenance_rejected")).To(Equal(1))
		Expect(countEvents(evs, "maintenance_enabled")).To(Equal(1)) // cc-new only
	})

	It("M2: enabling when on and disabling when off are recorded as unchanged", func() {
		evs := trace("m02_double_enable_disable.yaml")
		Expect(countEvents(evs, "maintenance_unchanged")).To(Equal(3))
		Expect(countEvents(evs, "maintenance_enabled")).To(Equal(1))
		Expect(countEvents(evs, "maintenance_disabled")).To(Equal(1))
	})

	It("M5: a session started in maintenance runs no task and takes no snapshot, retries included", func() {
		evs := trace("m05_start_in_maintenance_fails.yaml")
		Expect(countEvents(evs, "task_start")).To(Equal(0))
		Expect(countEvents(evs, "attempt_start")).To(Equal(2)) // nightly: retry.count 2
		s, _ := runJSON("", "testdata/contract/m05_start_in_maintenance_fails.yaml")
		Expect(s.Sessions[0].ID).To(Equal("acme/nightly#1"))
		Expect(s.Sessions[0].Attempts).To(Equal(3))
	})

	It("S5: graceful stops of a backup copy and a restore are rejected and noted", func() {
		evs := trace("s05_graceful_not_available.yaml")
		Expect(countEvents(evs, "action_rejected")).To(Equal(2))
	})

	It("S8: the retry processes only the failed objects, in the same session", func() {
		s, _ := runJSON("", "testdata/contract/s08_retry_after_maintenance_succeeds.yaml")
		Expect(s.Sessions).To(HaveLen(1))
		Expect(s.Sessions[0].Attempts).To(Equal(2))
		var second []string
		for _, t := range s.Sessions[0].Tasks {
			if t.Attempt == 2 {
				second = append(second, t.Object)
			}
		}
		Expect(second).To(Equal([]string{"vm2", "vm3"}))
	})

	It("fleets: count: expands to t-0001 …, jitter is drawn once (every day the same start)", func() {
		s, _ := runJSON("", "testdata/contract/fleet_count_and_distributions.yaml")
		starts := map[string]time.Time{}
		for _, x := range s.Sessions {
			t, err := time.Parse(time.RFC3339Nano, x.Start)
			Expect(err).NotTo(HaveOccurred())
			starts[x.ID] = t
		}
		Expect(starts).To(HaveKey("t-0001/daily#1"))
		Expect(starts).To(HaveKey("t-0003/daily#1"))
		Expect(starts).NotTo(HaveKey("t-0004/daily#1"))
		Expect(starts["t-0001/daily#2"].Sub(starts["t-0001/daily#1"])).To(Equal(24 * time.Hour))
		Expect(starts["t-0002/daily#2"].Sub(starts["t-0002/daily#1"])).To(Equal(24 * time.Hour))
		Expect(starts["t-0001/daily#1"]).NotTo(Equal(starts["t-0002/daily#1"]), "jitter drawn per tenant")
	})

	It("fleets: adding a tenant does not change the draws of the others", func() {
		base := readFile("testdata/contract/fleet_count_and_distributions.yaml")
		more := replaceOnce(base, "tenants:\n", "tenants:\n"+
			"  - {name: aaa, server: cc-01, client: vbr 12, jobs: [{name: d, kind: backup, "+
			"objects: {count: 3, duration: {exponential: 5m}}, schedule: {every: 1h, jitter: {exponential: 10m}}}]}\n")
		draws := func(s summary) map[string]string {
			out := map[string]string{}
			for _, x := range s.Sessions {
				if !strings.HasPrefix(x.Tenant, "t-") { // t-* objects have fixed durations
					continue
				}
				var b []string
				for _, t := range x.Tasks {
					b = append(b, strconv.FormatInt(t.Bytes, 10))
				}
				out[x.ID] = x.Start + " " + x.End + " " + strings.Join(b, ",")
			}
			return out
		}
		before, _ := runJSON("", "testdata/contract/fleet_count_and_distributions.yaml")
		after, _ := runJSON(dir, writeFile(dir, "more.yaml", more))
		Expect(draws(after)).To(Equal(draws(before)))
		Expect(after.TraceHash).NotTo(Equal(before.TraceHash))
	})

	It("schedules: {every: D} starts at start, then every D", func() {
		s, _ := runJSON("", "testdata/contract/schedule_forms.yaml")
		first := map[string]string{}
		for _, x := range s.Sessions {
			if _, ok := first[x.Job]; !ok {
				first[x.Job] = x.Start
			}
		}
		Expect(first["hourly"]).To(Equal("2026-11-02T20:00:00Z"))
		Expect(first["nightly"]).To(Equal("2026-11-02T22:00:00Z"))
		Expect(first["once-abs"]).To(Equal("2026-11-03T01:00:00Z"))
		Expect(first["by-hand"]).To(Equal("2026-11-03T12:00:00Z")) // manual: only by start_job
	})

	It("the trace of every contract scenario verifies with the hash the run printed", func() {
		for _, file := range contractFiles {
			path := filepath.Join(dir, filepath.Base(file)+".jsonl")
			r := ms("", "run", file, "--trace", path)
			Expect(r.code).To(Equal(0), r.String())
			hash := verdictLine.FindStringSubmatch(r.stdout)[3]
			v := ms("", "verify", path)
			if m := regexp.MustCompile(`violates_inv(\w+)\.yaml$`).FindStringSubmatch(file); m != nil {
				// verify knows no expectations: the violation the file expects fails it.
				Expect(v.code).To(Equal(1), v.String())
				Expect(v.stdout).To(ContainSubstring("✗ INV-" + strings.ToUpper(m[1])))
			} else {
				Expect(v.code).To(Equal(0), v.String())
			}
			Expect(v.stdout).To(ContainSubstring("trace_hash " + hash))
		}
	})
})

var _ = Describe("run exits 1 on a violation or a failed expectation", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	// variant writes a contract file with one replacement and runs it.
	variant := func(file, old, new string) result {
		GinkgoHelper()
		text := replaceOnce(readFile("testdata/contract/"+file), old, new)
		return ms(dir, "run", writeFile(dir, file, text))
	}

	It("M12/INV-15: a move while the tenant is enabled fails the run unless expected", func() {
		r := variant("m12_move_backups_while_enabled_violates_inv15.yaml", "  - invariants: {violated: INV-15}\n", "")
		Expect(r.code).To(Equal(1), r.String())
		Expect(r.stdout).To(ContainSubstring("✗ INV-15 backup-move-needs-disable"))
		Expect(r.stdout).To(MatchRegexp(`(?m)^FAIL  seed 1  trace_hash [0-9a-f]{16}$`))

		r = variant("m12_move_backups_while_enabled_violates_inv15.yaml", "{violated: INV-15}", "hold")
		Expect(r.code).To(Equal(1), r.String())
	})

	It("M12/INV-15: a move while enabled and not in maintenance is a violation too", func() {
		r := variant("m12_move_backups_while_enabled_violates_inv15.yaml",
			"  - {at: +1h30m, do: enable_maintenance, server: cc-01}\n", "")
		Expect(r.code).To(Equal(0), r.String()) // still expects {violated: INV-15}
	})

	It("an expectation that does not match", func() {
		r := variant("01_contract_example.yaml", "    result: Success ", "    result: Failed ")
		Expect(r.code).To(Equal(1), r.String())
		Expect(r.stdout).To(ContainSubstring("result: expected Failed, got Success"))
		Expect(verdictLine.FindStringSubmatch(r.stdout)[1]).To(Equal("FAIL"))
	})

	It("an expected violation that does not happen", func() {
		r := variant("m03_in_process_tasks_finish.yaml", "  - invariants: hold", "  - invariants: {violated: INV-04}")
		Expect(r.code).To(Equal(1), r.String())
		Expect(r.stdout).To(ContainSubstring("INV-04"))
	})

	It("a session that never happened", func() {
		r := variant("s02_immediate_stop.yaml", "  - invariants: hold", "  - session: acme/nightly#2\n    result: Success\n  - invariants: hold")
		Expect(r.code).To(Equal(1), r.String())
	})

	It("a task result or restore point that differs", func() {
		r := variant("s02_immediate_stop.yaml", "mike: Canceled", "mike: Failed")
		Expect(r.code).To(Equal(1), r.String())
		r = variant("s02_immediate_stop.yaml", "restore_points: [zulu]", "restore_points: [zulu, alpha]")
		Expect(r.code).To(Equal(1), r.String())
	})

	It("restore_points are compared in any order", func() {
		r := variant("m03_in_process_tasks_finish.yaml", "restore_points: [vm1, vm2]", "restore_points: [vm2, vm1]")
		Expect(r.code).To(Equal(0), r.String())
	})
})
