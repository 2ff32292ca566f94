package scenarios_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// These specs are docs/trace-format.md's rules for what a trace may hold,
// read by `maintsim verify`: a line that breaks one is bad input (exit 2,
// FILE:LINE naming the line), never judged by the invariants (exit 1) nor
// accepted silently (exit 0).

// tfWorld declares a Cloud Connect world of one job with one object.
const tfWorld = `{"t":0,"ev":"scenario","name":"tf","seed":1,"start":"2026-11-02T20:00:00Z"}
{"t":0,"ev":"server","server":"cc-01","version":"12"}
{"t":0,"ev":"tenant","tenant":"acme","server":"cc-01","client":"vbr 12"}
{"t":0,"ev":"job","tenant":"acme","job":"nightly","kind":"backup","objects":["vm1"]}
`

// tfSession is a clean session of that job on lines 5-8.
const tfSession = `{"t":3600000000000,"ev":"session_start","session":"acme/nightly#1"}
{"t":3600000000000,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"Snapshot","bytes":100}
{"t":7200000000000,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}
{"t":7200000000000,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":""}
`

// tfExchangeWorld declares an exchange world: one server, one database.
const tfExchangeWorld = `{"t":0,"ev":"scenario","name":"tf","seed":1,"start":"2026-11-02T20:00:00Z","profile":"exchange"}
{"t":0,"ev":"server","server":"ex-01","version":"2019","policy":"Unrestricted"}
{"t":0,"ev":"ex_database","database":"DB01","copies":[{"server":"ex-01","activation_preference":1}],"active":"ex-01","mounted":true}
`

// badTraceLine verifies trace and expects bad input at line with a
// message containing each of want.
func badTraceLine(trace string, line int, want ...string) {
	GinkgoHelper()
	res, err := scenarios.Verify("bad.jsonl", strings.NewReader(trace), nil)
	var te *scenarios.TraceError
	Expect(errors.As(err, &te)).To(BeTrue(), "want bad input, got %v (passed: %v)", err, res != nil && res.Passed)
	Expect(te.Line).To(Equal(line), te.Msg)
	Expect(err.Error()).To(MatchRegexp(`^bad\.jsonl:%d:\d+: `, line))
	Expect(err.Error()).To(ContainSubstring("\n    "), "the line and a caret")
	for _, w := range want {
		Expect(te.Msg).To(ContainSubstring(w))
	}
}

// replaceLine swaps line n (from 1) of trace for repl.
func replaceLine(trace string, n int, repl string) string {
	lines := strings.SplitAfter(trace, "\n")
	lines[n-1] = repl + "\n"
	return strings.Join(lines, "")
}

var _ = Describe("trace-format.md: what a trace line may hold (verify, exit 2)", func() {
	It("the well-formed world these specs alter verifies clean", func() {
		res, err := scenarios.Verify("good.jsonl", strings.NewReader(tfWorld+tfSession), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Passed).To(BeTrue())
	})

	DescribeTable("attempt is an integer ≥ 1 (1 the first pass, 2, 3 … S8 retries)",
		func(attempt string) {
			badTraceLine(replaceLine(tfWorld+tfSession, 6,
				`{"t":3600000000000,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"Snapshot","bytes":100,"attempt":`+attempt+`}`),
				6, "field attempt: "+attempt)
		},
		Entry("attempt 0", "0"),
		Entry("a negative attempt", "-3"),
	)

	It("attempt 1 given or left out reads the same (the default is 1)", func() {
		given := strings.ReplaceAll(tfSession, `"session":"acme/nightly#1"`, `"session":"acme/nightly#1","attempt":1`)
		a, err := scenarios.Verify("a.jsonl", strings.NewReader(tfWorld+given), nil)
		Expect(err).NotTo(HaveOccurred())
		b, err := scenarios.Verify("b.jsonl", strings.NewReader(tfWorld+tfSession), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(a.TraceHash).To(Equal(b.TraceHash))
	})

	DescribeTable("a task_start is in phase Snapshot",
		func(phase string) {
			badTraceLine(replaceLine(tfWorld+tfSession, 6,
				`{"t":3600000000000,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"`+phase+`","bytes":100}`),
				6, "field phase", "Snapshot", "got "+phase)
		},
		Entry("Transfer", "Transfer"),
		Entry("Commit", "Commit"),
		Entry("Pending", "Pending"),
	)

	It("a task_start without phase is still read (the key is optional, as in exporters' traces)", func() {
		trace := replaceLine(tfWorld+tfSession, 6, `{"t":3600000000000,"ev":"task_start","session":"acme/nightly#1","object":"vm1","bytes":100}`)
		_, err := scenarios.Verify("ok.jsonl", strings.NewReader(trace), nil)
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("graceful_stop_result is Warning or Success (the S3 knob, as in a scenario file)",
		func(v string, ok bool) {
			trace := replaceLine(tfWorld+tfSession, 1, `{"t":0,"ev":"scenario","start":"2026-11-02T20:00:00Z","graceful_stop_result":"`+v+`"}`)
			if ok {
				_, err := scenarios.Verify("ok.jsonl", strings.NewReader(trace), nil)
				Expect(err).NotTo(HaveOccurred())
				return
			}
			badTraceLine(trace, 1, "graceful_stop_result", "Warning or Success", `"`+v+`"`)
		},
		Entry("Warning", "Warning", true),
		Entry("Success", "Success", true),
		Entry("Canceled", "Canceled", false),
		Entry("Failed", "Failed", false),
	)

	It("snapshot_time_ns and commit_time_ns are ≥ 0", func() {
		badTraceLine(replaceLine(tfWorld, 1, `{"t":0,"ev":"scenario","snapshot_time_ns":-1}`), 1, "snapshot_time_ns: -1 is negative")
		badTraceLine(replaceLine(tfWorld, 1, `{"t":0,"ev":"scenario","commit_time_ns":-5}`), 1, "commit_time_ns: -5 is negative")
	})

	Describe("the end line is the trace's last line, one at most", func() {
		It("refuses a second end", func() {
			badTraceLine(tfWorld+`{"t":3600000000000,"ev":"end"}`+"\n"+`{"t":7200000000000,"ev":"end"}`+"\n",
				6, `ev "end" line after the end event of line 5`)
		})
		It("refuses an event after end", func() {
			trace := tfWorld + `{"t":3600000000000,"ev":"session_start","session":"acme/nightly#1"}` + "\n" +
				`{"t":3600000000000,"ev":"end"}` + "\n" +
				`{"t":3600000000000,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"Snapshot","bytes":100}` + "\n"
			badTraceLine(trace, 7, `ev "task_start" line after the end event of line 6`)
		})
		It("accepts an end as the last line, blank lines after it included", func() {
			res, err := scenarios.Verify("ok.jsonl", strings.NewReader(tfWorld+tfSession+`{"t":9000000000000,"ev":"end"}`+"\n\n"), nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(res.SyntheticEnd).To(BeFalse())
			Expect(res.Passed).To(BeTrue())
		})
	})

	DescribeTable("a key has a value or is left out: null is bad input, as in a scenario file",
		func(n int, line, key string) {
			badTraceLine(replaceLine(tfWorld+tfSession, n, line), n, `field "`+key+`": null`)
		},
		Entry("bytes", 6, `{"t":3600000000000,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"Snapshot","bytes":null}`, "bytes"),
		Entry("a key read as absent when null (server)", 5, `{"t":3600000000000,"ev":"session_start","server":null,"session":"acme/nightly#1"}`, "server"),
		Entry("a string", 8, `{"t":7200000000000,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":null}`, "text"),
		Entry("a boolean", 7, `{"t":7200000000000,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":null,"restore_point":true,"snapshot_removed":true,"bytes":100}`, "started"),
		Entry("an array element", 4, `{"t":0,"ev":"job","tenant":"acme","job":"nightly","kind":"backup","objects":["vm1",null]}`, "objects/1"),
	)

	It("a directory is not read as a trace with a bad line 1", func() {
		dir := GinkgoT().TempDir()
		_, err := scenarios.VerifyFile(dir, nil)
		Expect(err).To(MatchError(dir + ": cannot read the trace: it is a directory"))
	})

	It("a line longer than 16 MiB is named by its number, without showing the line before it", func() {
		trace := tfWorld[:strings.Index(tfWorld, "\n")+1] + `{"t":0,"ev":"server","server":"` + strings.Repeat("a", 17<<20) + "\"}\n"
		_, err := scenarios.Verify("long.jsonl", strings.NewReader(trace), nil)
		var te *scenarios.TraceError
		Expect(errors.As(err, &te)).To(BeTrue(), "want bad input, got %v", err)
		Expect(te.Line).To(Equal(2))
		Expect(err.Error()).To(HavePrefix("long.jsonl:2:1: line longer than 16 MiB"))
		Expect(err.Error()).NotTo(ContainSubstring(`"ev":"scenario"`), "line 1 is not the offending line")
	})

	It("the word null inside a string is text, not a null", func() {
		trace := replaceLine(tfWorld+tfSession, 8, `{"t":7200000000000,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":"null"}`)
		_, err := scenarios.Verify("ok.jsonl", strings.NewReader(trace), nil)
		Expect(err).NotTo(HaveOccurred())
	})

	It("bytes is an integer ≥ 0", func() {
		badTraceLine(replaceLine(tfWorld+tfSession, 6, `{"t":3600000000000,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"Snapshot","bytes":-1}`),
			6, "field bytes: -1 is negative")
		badTraceLine(replaceLine(tfWorld+tfSession, 7, `{"t":7200000000000,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":-100}`),
			7, "field bytes: -100 is negative")
	})

	DescribeTable("the scenario line and the declarations are at t 0",
		func(n int, line string) {
			badTraceLine(replaceLine(tfWorld+tfSession, n, line), n, "field t:", "is at t 0, got 5")
		},
		Entry("the scenario line", 1, `{"t":5,"ev":"scenario","start":"2026-11-02T20:00:00Z"}`),
		Entry("a server", 2, `{"t":5,"ev":"server","server":"cc-01","version":"12"}`),
		Entry("a tenant", 3, `{"t":5,"ev":"tenant","tenant":"acme","server":"cc-01","client":"vbr 12"}`),
		Entry("a job", 4, `{"t":5,"ev":"job","tenant":"acme","job":"nightly","kind":"backup","objects":["vm1"]}`),
	)

	It("an exchange declaration at t 0 too", func() {
		badTraceLine(replaceLine(tfExchangeWorld, 3, `{"t":5,"ev":"ex_database","database":"DB01","copies":[{"server":"ex-01","activation_preference":1}],"active":"ex-01","mounted":true}`),
			3, `ev "ex_database" line is at t 0`)
	})

	Describe("a trace is one profile's: a line of the other profile is bad input naming the line and the profile", func() {
		It("a Cloud Connect tenant in an exchange trace (its job, sessions and a violation would pass unjudged)", func() {
			trace := `{"t":0,"ev":"scenario","start":"2026-11-02T20:00:00Z","profile":"exchange"}` + "\n" + tfWorld[strings.Index(tfWorld, "\n")+1:] +
				`{"t":3600000000000,"ev":"maintenance_enabled","server":"cc-01"}` + "\n" + tfSession
			badTraceLine(trace, 3, `ev "tenant"`, "Cloud Connect (vcc) profile", "trace is of the exchange profile", `"profile":"exchange"`)
		})
		DescribeTable("Cloud Connect events in an exchange trace",
			func(line string) {
				badTraceLine(tfExchangeWorld+line+"\n", 4, "Cloud Connect (vcc) profile", "exchange profile")
			},
			Entry("maintenance_enabled", `{"t":5,"ev":"maintenance_enabled","server":"ex-01"}`),
			Entry("service_stopped", `{"t":5,"ev":"service_stopped","server":"ex-01","text":"stop_service"}`),
			Entry("power_off", `{"t":5,"ev":"power_off","server":"ex-01"}`),
			Entry("session_start", `{"t":5,"ev":"session_start","session":"acme/nightly#1"}`),
			Entry("task_end", `{"t":5,"ev":"task_end","session":"acme/nightly#1","object":"vm1","result":"Failed"}`),
		)
		DescribeTable("exchange lines in a Cloud Connect trace",
			func(line, why string) {
				badTraceLine(tfWorld+line+"\n", 5, "exchange profile", "trace is of the Cloud Connect (vcc) profile", why)
			},
			Entry("a database declaration", `{"t":0,"ev":"ex_database","database":"DB01","copies":[{"server":"cc-01","activation_preference":1}],"active":"cc-01"}`, "names no profile"),
			Entry("a message", `{"t":5,"ev":"message_accepted","server":"cc-01","database":"DB01","msg":1,"queue_depth":1}`, "names no profile"),
			Entry("users notified", `{"t":5,"ev":"users_notified"}`, "names no profile"),
		)
		It("exchange lines in a trace without a scenario line (vcc)", func() {
			trace := tfWorld[strings.Index(tfWorld, "\n")+1:] + `{"t":5,"ev":"component_state","server":"cc-01","component":"HubTransport","requester":"Maintenance","state":"Draining","effective":"Draining"}` + "\n"
			badTraceLine(trace, 4, `ev "component_state"`, "no scenario line, so its profile is vcc")
		})
		It("exchange lines in a trace whose scenario line says vcc", func() {
			trace := replaceLine(tfWorld, 1, `{"t":0,"ev":"scenario","profile":"vcc"}`) + `{"t":5,"ev":"users_notified"}` + "\n"
			badTraceLine(trace, 5, `"profile":"vcc"`)
		})
		It("both profiles have scenario, server, action_rejected and end", func() {
			for _, trace := range []string{
				tfWorld + `{"t":5,"ev":"action_rejected","server":"cc-01","text":"no"}` + "\n" + `{"t":6,"ev":"end"}` + "\n",
				tfExchangeWorld + `{"t":5,"ev":"action_rejected","server":"ex-01","text":"no"}` + "\n" + `{"t":6,"ev":"end"}` + "\n",
			} {
				_, err := scenarios.Verify("ok.jsonl", strings.NewReader(trace), nil)
				Expect(err).NotTo(HaveOccurred())
			}
		})
	})

	It("says whether the trace has a scenario line, named or not (verify's header)", func() {
		res, err := scenarios.Verify("a.jsonl", strings.NewReader(replaceLine(tfWorld, 1, `{"t":0,"ev":"scenario","seed":3}`)), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.ScenarioLine).To(BeTrue())
		Expect(res.Scenario).To(BeEmpty())
		Expect(res.Seed).To(Equal(uint64(3)))
		res, err = scenarios.Verify("b.jsonl", strings.NewReader(tfWorld[strings.Index(tfWorld, "\n")+1:]), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.ScenarioLine).To(BeFalse())
	})

	It("every trace the tool writes is good input: random worlds of both profiles, mutant models too", func() {
		for _, g := range []struct {
			cfg     scenarios.GenConfig
			mutants []model.MutantInfo
		}{
			{scenarios.SelftestGenConfig(), scenarios.VCCMutants()},
			{scenarios.DefaultExchangeGenConfig(), scenarios.ExchangeMutants()},
		} {
			gen := scenarios.GenFileWith(g.cfg)
			for i, m := range append([]model.MutantInfo{{}}, g.mutants...) {
				for k := range 4 {
					sc, err := scenarios.Compile("gen", gen.Example(1000+10*i+k))
					Expect(err).NotTo(HaveOccurred())
					sc.Spec.Mutants = m.Mutant
					var buf bytes.Buffer
					tw := scenarios.NewTraceWriter(&buf)
					out, err := scenarios.RunScenario(sc, scenarios.Options{Observers: []sim.Observer[model.Record]{tw}})
					if err != nil {
						continue // the mutant model refused the run
					}
					Expect(tw.Flush()).To(Succeed())
					vr, err := scenarios.Verify("gen.jsonl", &buf, nil)
					Expect(err).NotTo(HaveOccurred(), "mutant %v, example %d", m.Mutant, k)
					sameVerdicts(out, vr)
				}
			}
		}
	})
})

var _ = Describe("trace-format.md: trace_hash of a session event that leaves keys out", func() {
	// The session names the tenant, the job and (through the tenant) the
	// server: a line that leaves server, tenant or job out is the same
	// record, so it has the same hash, and the doc's reference computes it.
	var asWritten []byte
	var runHash string
	BeforeEach(func() {
		sc, err := scenarios.Load("examples/nightly-maintenance.yaml")
		Expect(err).NotTo(HaveOccurred())
		out, trace := runWithTrace(sc)
		asWritten, runHash = trace, out.Summary.TraceHash
	})
	stripped := func(keys ...string) []byte {
		var b strings.Builder
		for _, line := range strings.SplitAfter(string(asWritten), "\n") {
			if strings.Contains(line, `"session":`) {
				for _, k := range keys {
					line = regexp.MustCompile(`"`+k+`":"[^"]*",`).ReplaceAllString(line, "")
				}
			}
			b.WriteString(line)
		}
		return []byte(b.String())
	}

	It("a session fills in the server: session and task events without server hash as the tool's own trace", func() {
		noServer := stripped("server")
		Expect(bytes.Count(noServer, []byte(`"server":`))).To(BeNumerically("<", bytes.Count(asWritten, []byte(`"server":`))))
		vr, err := scenarios.Verify("no-server.jsonl", bytes.NewReader(noServer), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(vr.TraceHash).To(Equal(runHash))
		vr, err = scenarios.Verify("no-keys.jsonl", bytes.NewReader(stripped("server", "tenant", "job")), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(vr.TraceHash).To(Equal(runHash))
	})

	It("the doc's Python reference agrees with verify, session events with and without server", func() {
		dir := GinkgoT().TempDir()
		python, script := docReference(dir) // hashdoc_exchange_test.go
		for name, trace := range map[string][]byte{"as-written": asWritten, "no-server": stripped("server"), "no-keys": stripped("server", "tenant", "job")} {
			p := filepath.Join(dir, name+".jsonl")
			Expect(os.WriteFile(p, trace, 0o644)).To(Succeed())
			got, err := exec.Command(python, script, p).Output()
			Expect(err).NotTo(HaveOccurred(), name)
			Expect(strings.TrimSpace(string(got))).To(Equal(runHash), name)
		}
	})
})

var _ = Describe("trace reader: the instant of t = 0", func() {
	// tfNoStart is tfWorld and tfSession with a scenario line that names
	// no start: the start comes from its time, else it is the Unix epoch.
	noStart := func(scenarioLine string) string { return replaceLine(tfWorld, 1, scenarioLine) + tfSession }

	It("a scenario line with neither start nor time starts at the Unix epoch, and the doc's Python hashes it alike", func() {
		withEpoch := noStart(`{"t":0,"ev":"scenario","name":"tf","seed":1,"start":"1970-01-01T00:00:00Z"}`)
		without := noStart(`{"t":0,"ev":"scenario","name":"tf","seed":1}`)
		want, err := scenarios.Verify("epoch.jsonl", strings.NewReader(withEpoch), nil)
		Expect(err).NotTo(HaveOccurred())
		got, err := scenarios.Verify("none.jsonl", strings.NewReader(without), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Passed).To(BeTrue())
		Expect(got.TraceHash).To(Equal(want.TraceHash))

		dir := GinkgoT().TempDir()
		python, script := docReference(dir) // hashdoc_exchange_test.go
		p := filepath.Join(dir, "none.jsonl")
		Expect(os.WriteFile(p, []byte(without), 0o644)).To(Succeed())
		out, err := exec.Command(python, script, p).Output()
		Expect(err).NotTo(HaveOccurred(), "the reference must read a scenario line without start or time")
		Expect(strings.TrimSpace(string(out))).To(Equal(got.TraceHash))
	})

	It("the line's time stands in for a missing start; a malformed one is bad input", func() {
		viaTime, err := scenarios.Verify("time.jsonl", strings.NewReader(noStart(`{"t":0,"time":"2026-11-02T20:00:00Z","ev":"scenario","name":"tf","seed":1}`)), nil)
		Expect(err).NotTo(HaveOccurred())
		viaStart, err := scenarios.Verify("start.jsonl", strings.NewReader(tfWorld+tfSession), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(viaTime.TraceHash).To(Equal(viaStart.TraceHash))
		badTraceLine(noStart(`{"t":0,"time":"yesterday","ev":"scenario","name":"tf","seed":1}`), 1, "time (the start, as the line has no start)")
	})
})
