package scenarios_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// runSource parses src as a scenario file and runs it with opt.
func runSource(name, src string, opt scenarios.Options) *scenarios.Outcome {
	GinkgoHelper()
	sc, err := scenarios.Parse(name, []byte(src))
	Expect(err).NotTo(HaveOccurred())
	out, err := scenarios.RunScenario(sc, opt)
	Expect(err).NotTo(HaveOccurred())
	return out
}

var _ = Describe("summary JSON (docs/reports.md: lists are [] when empty, never null or absent)", func() {
	It("writes violations, diffs, notices, windows and rpo_violators as [] for a run where nothing happened", func() {
		out := runSource("quiet.yaml", `
name: quiet
start: 2026-11-02T20:00:00Z
until: +2h
servers: [{name: cc-01, version: "12"}]
tenants: [{name: acme, server: cc-01, client: vbr 12}]
expect:
  - invariants: hold
`, scenarios.Options{})
		raw, err := json.Marshal(out.Summary)
		Expect(err).NotTo(HaveOccurred())
		var s map[string]any
		Expect(json.Unmarshal(raw, &s)).To(Succeed())
		Expect(s["notices"]).To(Equal([]any{}))
		for _, inv := range s["invariants"].([]any) {
			Expect(inv).To(HaveKeyWithValue("violations", []any{}))
		}
		for _, e := range s["expectations"].([]any) {
			Expect(e).To(HaveKeyWithValue("diffs", []any{}))
		}
		m := s["metrics"].(map[string]any)
		Expect(m).To(HaveKeyWithValue("windows", []any{}))
		Expect(m).To(HaveKeyWithValue("rpo_violators", []any{}))
	})
})

var _ = Describe("fleets: per-entity streams (CONTRACT: adding a tenant does not change the draws of the others)", func() {
	It("holds across the 9,999 → 10,000 boundary, where the names gain a digit (t-0001 → t-00001)", func() {
		run := func(count, first string) (start string, bytes int64) {
			out := runSource("fleet.yaml", `
name: padding
start: 2026-11-02T20:00:00Z
until: +1h
servers: [{name: cc-01, version: "12", task_slots: 20000}]
tenants:
  - name: t
    count: `+count+`
    server: cc-01
    client: vbr 12
    jobs:
      - {name: d, kind: backup, objects: [{name: vm1, size: {uniform: [1GiB, 9GiB]}, duration: 1m}], schedule: {at: +1m, jitter: {uniform: [0s, 30m]}}}
expect:
  - {session: `+first+`/d#1, result: Success}
`, scenarios.Options{MaxSessions: 3})
			for _, s := range out.Summary.Sessions {
				if s.Tenant == first {
					return s.Start, s.Tasks[0].Bytes
				}
			}
			Fail("no session of the fleet's first tenant")
			return "", 0
		}
		s1, b1 := run("9999", "t-0001")
		s2, b2 := run("10000", "t-00001")
		Expect(s2).To(Equal(s1), "jitter")
		Expect(b2).To(Equal(b1), "size")
	})
})

var _ = Describe("names: a job's name may hold # and / (TENANT/JOB#N splits at the first / and the last #)", func() {
	It("runs, expects, traces and verifies a job named like a real one", func() {
		sc, err := scenarios.Parse("names.yaml", []byte(`
name: real job names
start: 2026-11-02T20:00:00Z
until: +2h
servers: [{name: cc-01, version: "12"}]
tenants:
  - name: acme
    server: cc-01
    client: vbr 12
    jobs:
      - {name: "Backup Job #1", kind: backup, objects: [{name: vm1, duration: 10m}], schedule: {at: +1m}}
      - {name: "SQL/daily", kind: backup, objects: [{name: vm1, duration: 10m}], schedule: {at: +1m}}
expect:
  - {session: "acme/Backup Job #1#1", result: Success, restore_points: [vm1]}
  - {session: "acme/SQL/daily#1", result: Success}
  - invariants: hold
`))
		Expect(err).NotTo(HaveOccurred())
		var trace bytes.Buffer
		tw := scenarios.NewTraceWriter(&trace)
		out, err := scenarios.RunScenario(sc, scenarios.Options{Observers: []sim.Observer[model.Record]{tw}})
		Expect(err).NotTo(HaveOccurred())
		Expect(tw.Flush()).To(Succeed())
		Expect(out.Passed()).To(BeTrue())
		// A byte order mark (Windows PowerShell 5 writes one) is no part of it.
		vr, err := scenarios.Verify("names.jsonl", io.MultiReader(strings.NewReader("\ufeff"), &trace), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(vr.Passed).To(BeTrue())
		Expect(vr.TraceHash).To(Equal(out.Summary.TraceHash))
	})

	It("refuses / and # in a tenant's name", func() {
		_, err := scenarios.Parse("names.yaml", []byte(`
start: 2026-11-02T20:00:00Z
until: +2h
servers: [{name: cc-01, version: "12"}]
tenants: [{name: "a/b", server: cc-01, client: vbr 12}]
`))
		Expect(err).To(MatchError(ContainSubstring("a tenant's name ends at the /")))
	})
})

var _ = Describe("expect: on a session still running at until", func() {
	It("result and message fail with 'still running' (a running session has no message yet, not an empty one)", func() {
		out := runSource("running.yaml", `
start: 2026-11-02T20:00:00Z
until: +30m
servers: [{name: cc-01, version: "12"}]
tenants:
  - name: acme
    server: cc-01
    client: vbr 12
    jobs: [{name: nightly, kind: backup, objects: [{name: vm1, duration: 1h}], schedule: {at: +1m}}]
expect:
  - {session: acme/nightly#1, result: Success}
  - {session: acme/nightly#1, message: ""}
`, scenarios.Options{})
		Expect(out.Summary.Expectations).To(HaveLen(2))
		Expect(out.Summary.Expectations[0].Diffs).To(ConsistOf("result: expected Success, got still running at the end of the run"))
		Expect(out.Summary.Expectations[1].Diffs).To(ConsistOf(`message: expected "", got none: still running at the end of the run`))
	})
})

var _ = Describe("units (scenario-format.md: durations up to about 106751d, sizes up to 8191PiB)", func() {
	It("runs a task whose planned end lies past the end of int64 time: it is still running at until, not an engine error", func() {
		out := runSource("long.yaml", `
name: long
start: 2026-11-02T20:00:00Z
until: +6h
servers: [{name: cc-01, version: "12"}]
tenants:
  - name: acme
    server: cc-01
    client: vbr 12
    bandwidth: 9600bit/s
    jobs:
      - {name: fixed, kind: backup, objects: [{name: vm1, duration: 106751d23h}], schedule: {at: +2h}}
      - {name: sized, kind: backup, objects: [{name: vm1, size: 8000PiB}], schedule: {at: +2h}}
      - {name: local, kind: backup, target: local, objects: [{name: vm1, size: 8000PiB}], schedule: {at: +2h}}
      - {name: retried, kind: backup, objects: [{name: vm1, duration: 10m}], schedule: {at: +1h}, retry: {count: 1, wait: 106751d23h}}
actions:
  - {at: +1h5m, do: stop_service, server: cc-01}
  - {at: +1h6m, do: start_service, server: cc-01}
expect:
  - invariants: hold
`, scenarios.Options{})
		Expect(out.Passed()).To(BeTrue())
		Expect(out.Summary.Sessions).To(HaveLen(4))
		for _, s := range out.Summary.Sessions {
			Expect(s.Result).To(BeEmpty(), s.ID) // still running at until
		}
	})

	It("runs long-tailed draws beyond the end of int64 time (exponential, lognormal) as still running, not as an engine error", func() {
		out := runSource("tails.yaml", `
name: tails
start: 2026-11-02T20:00:00Z
until: +6h
servers: [{name: cc-01, version: "12"}]
tenants:
  - name: acme
    server: cc-01
    client: vbr 12
    jobs:
      - {name: exp, kind: backup, objects: {count: 20, duration: {exponential: 50000d}}, schedule: {at: +1h}}
      - {name: ln, kind: backup, objects: {count: 20, size: {lognormal: {median: 1000PiB, p95: 8000PiB}}}, schedule: {at: +1h}}
      - {name: jit, kind: backup, objects: [{name: vm1, duration: 1m}], schedule: {at: +1h, jitter: {exponential: 50000d}}}
expect:
  - invariants: hold
`, scenarios.Options{})
		Expect(out.Passed()).To(BeTrue())
	})
})

var _ = Describe("limits: a run stopped by a limit is bad input at its place in the file", func() {
	run := func(src string) *scenarios.LimitInputError {
		GinkgoHelper()
		sc, err := scenarios.Parse("lim.yaml", []byte(src))
		Expect(err).NotTo(HaveOccurred())
		_, err = scenarios.RunScenario(sc, scenarios.Options{})
		le, ok := errors.AsType[*scenarios.LimitInputError](err)
		Expect(ok).To(BeTrue(), "got %v", err)
		_, ok = errors.AsType[*sim.LimitError](err)
		Expect(ok).To(BeTrue(), "it unwraps to the engine's limit error")
		return le
	}
	const world = `servers: [{name: cc-01, version: "12"}]
tenants: [{name: a, server: cc-01, client: vbr 12, jobs: [{name: j, kind: backup, objects: [{name: vm1, duration: 1h}], schedule: {every: 4h}}]}]
`
	It("names the event past max_span and points at the limit the file sets", func() {
		le := run("start: 2026-11-01T00:00:00Z\nuntil: +40h\nlimits: {max_span: 10h}\n" + world)
		Expect(le.Problems).To(HaveLen(1))
		Expect(le.Problems[0].Pos).To(Equal(scenarios.Pos{Line: 3, Col: 20}))
		Expect(le.Problems[0].Msg).To(ContainSubstring("an event was due at +12h0m0s, past limit max_span=10h0m0s"))
		Expect(le.Error()).To(HavePrefix("lim.yaml:3:20: run stopped at +8h0m0s"))
	})

	It("points at until when the default max_span applies", func() {
		le := run("start: 2026-11-01T00:00:00Z\nuntil: +4000d\n" + world)
		Expect(le.Problems[0].Pos).To(Equal(scenarios.Pos{Line: 2, Col: 8}))
		Expect(le.Problems[0].Msg).To(HaveSuffix("the default max_span applies"))
	})
})

var _ = Describe("M1, M2, S5: a notice names what it is about (several servers, tenants and jobs)", func() {
	It("names the server of a rejected or no-op maintenance request and the tenant/job of a rejected action", func() {
		out := runSource("multi.yaml", `
name: notices name their subject
start: 2026-11-02T20:00:00Z
until: +2h
servers:
  - {name: cc-a, version: "12"}
  - {name: cc-b, version: "12", maintenance: true}
  - {name: cc-old, version: "9.5"}
tenants:
  - name: acme
    server: cc-a
    client: vbr 12
    jobs:
      - {name: copy, kind: backup_copy, objects: {count: 1, size: 1GiB, duration: 30m}, schedule: {at: +0s}}
  - name: hooli
    server: cc-b
    client: vbr 12
    jobs:
      - {name: copy, kind: backup_copy, objects: {count: 1, size: 1GiB, duration: 30m}}
actions:
  - {at: +1m, do: enable_maintenance, server: cc-b}
  - {at: +2m, do: disable_maintenance, server: cc-a}
  - {at: +3m, do: enable_maintenance, server: cc-old}
  - {at: +4m, do: stop_job, tenant: acme, job: copy, mode: graceful}
  - {at: +5m, do: enable_tenant, tenant: hooli}
`, scenarios.Options{})
		Expect(out.Summary.Notices).To(Equal([]string{
			"2026-11-02T20:01:00Z maintenance_unchanged cc-b: enable_maintenance: server is already in maintenance",
			"2026-11-02T20:02:00Z maintenance_unchanged cc-a: disable_maintenance: server is not in maintenance",
			"2026-11-02T20:03:00Z maintenance_rejected cc-old: maintenance mode requires Veeam Cloud Connect 9.5 Update 3 or later (server runs 9.5)",
			"2026-11-02T20:04:00Z action_rejected acme/copy: stop_job: graceful stop is not available for backup_copy jobs (S5); the session runs on",
			"2026-11-02T20:05:00Z action_rejected hooli: enable_tenant: tenant is already enabled",
		}))
	})
})
