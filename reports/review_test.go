package reports_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

// What a reviewer reads on the first screen, checked against the run: the
// verdict's counts, the clock's time zone, lower bounds read as such, and
// the operator steps that did not happen as planned.

func verdictWhy(d doc) []string {
	var out []string
	d.each(func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "ul" && hasClass(n, "why") {
			doc{n}.each(func(li *html.Node) {
				if li.Type == html.ElementNode && li.Data == "li" {
					out = append(out, text(li))
				}
			})
		}
	})
	return out
}

func metricReading(d doc, name string) string {
	for _, row := range d.tableRows("metrics-table") {
		if row[0] == name {
			return row[2]
		}
	}
	Fail("no metric " + name)
	return ""
}

// stepsYAML: a graceful stop asked of a backup copy (rejected, S5), a
// second enable while in maintenance (M2), a tenant disabled with its
// backups moved, and a window whose failed objects have no newer restore
// point by the end. The start is in +01:00; the page's clock is UTC.
const stepsYAML = `name: operator steps that did not happen as planned
seed: 1
start: 2026-11-02T20:00:00+01:00
until: +4h
servers:
  - name: cc-01
    version: "12"
tenants:
  - name: acme
    server: cc-01
    client: vbr 12
    max_concurrent_tasks: 1
    jobs:
      - name: nightly
        kind: backup
        objects: {count: 2, duration: 2h}
        schedule: {at: +3h0m45s}
  - name: delta
    server: cc-01
    client: vbr 12
    jobs:
      - name: copy
        kind: backup_copy
        objects: {count: 1, duration: 30m}
        schedule: {at: +10m}
  - name: gone
    server: cc-01
    client: vbr 12
    jobs:
      - name: nightly
        kind: backup
        objects: {count: 1, duration: 30m}
        schedule: {at: +30m}
actions:
  - {at: +20m, do: stop_job, tenant: delta, job: copy, mode: graceful}
  - {at: +40m, do: disable_tenant, tenant: gone}
  - {at: +50m, do: move_backups, tenant: gone}
  - {at: +3h10m, do: enable_maintenance, server: cc-01}
  - {at: +3h20m, do: enable_maintenance, server: cc-01}
  - {at: +3h30m, do: disable_maintenance, server: cc-01}
`

var _ = Describe("What a reviewer reads first", func() {
	It("the verdict counts an invariant violated as expected as one that does not hold (not 'all 2 invariants hold' of 3)", func() {
		d := parse(render(exchangeReport("pitfall-users-not-notified")))
		why := verdictWhy(d)
		Expect(why).To(ContainElement("2 of 3 invariants hold"))
		Expect(why).To(ContainElement("violated as the scenario expects: INV-X2"))
		Expect(strings.Join(why, " ")).NotTo(ContainSubstring("all 2"))
	})

	It("the verdict speaks of one expectation in the singular", func() {
		r := exampleReport()
		s := *r.Summary
		s.Expectations = s.Expectations[:1]
		s.Expectations[0].Passed = true
		r.Summary = &s
		Expect(verdictWhy(parse(render(r)))).To(ContainElement("the 1 expectation matched"))
		s.Expectations = []scenarios.ExpectationResult{{Line: 3, Name: "invariants", Diffs: []string{"x"}}}
		Expect(verdictWhy(parse(render(r)))).To(ContainElement("1 of 1 expectation failed"))
	})

	It("says the clock is UTC, and writes +3h0m45s, not +3h45s (which reads as 3h45m)", func() {
		d := parse(render(reports.FromOutcome(runYAML("steps.yaml", stepsYAML))))
		Expect(text(d.byID("time-note"))).To(ContainSubstring("clock times on this page are UTC"))
		var starts []string
		for _, row := range d.tableRows("sessions-table") {
			starts = append(starts, row[2])
		}
		Expect(starts).To(ContainElement("22:00:45 (+3h0m45s)"), "20:00+01:00 is 19:00 UTC; +3h0m45s is 22:00:45 UTC")
	})

	It("At a glance lists the rejected actions and the no-op switches, the disabled tenants and the moved backups", func() {
		d := parse(render(reports.FromOutcome(runYAML("steps.yaml", stepsYAML))))
		Expect(facts(d)).To(ContainElements(
			"1 operator action was rejected: 19:20:00 (+20m), job delta/copy: stop_job: graceful stop is not available for backup_copy jobs (S5); the session runs on.",
			"1 maintenance switch changed nothing (M2): 22:20:00 (+3h20m), server cc-01: enable_maintenance: server is already in maintenance.",
			"1 tenant was disabled (M12: nothing starts, running sessions are terminated): gone from 19:40:00 (+40m) to the end of the run.",
			"Backups moved (M12): gone at 19:50:00 (+50m).",
		))
	})

	It("reads catch_up_time and drain_time as lower bounds when the run ended first, and says how many tenants had not caught up", func() {
		out := runYAML("steps.yaml", stepsYAML)
		Expect(out.Summary.Metrics.TenantsNotCaughtUp).To(BeNumerically(">", 0), "the fixture: acme has no newer restore point")
		Expect(out.Summary.Metrics.DrainsIncomplete).To(BeNumerically(">", 0), "the fixture: acme's vm1 is still in process at the end")
		d := parse(render(reports.FromOutcome(out)))
		Expect(metricReading(d, "catch_up_time")).To(HavePrefix("≥ "))
		Expect(metricReading(d, "drain_time")).To(HavePrefix("≥ "))
		Expect(facts(d)).To(ContainElement(ContainSubstring("At the end of the run, 1 tenant still had an object that maintenance failed and that had no newer restore point")))

		// A run that caught up reads exactly.
		sc, err := scenarios.Load("../scenarios/examples/nightly-maintenance.yaml")
		Expect(err).NotTo(HaveOccurred())
		out, err = scenarios.RunScenario(sc, scenarios.Options{KeepRecords: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(out.Summary.Metrics.TenantsNotCaughtUp).To(BeZero())
		d = parse(render(reports.FromOutcome(out)))
		Expect(metricReading(d, "catch_up_time")).To(Equal("21h20m"))
		Expect(metricReading(d, "drain_time")).To(Equal("10m"))
	})

	It("a session still running comes after the causes of the failed ones, and a drain of zero is 'at once'", func() {
		out := runYAML("cut.yaml", `name: cut
seed: 1
start: 2026-11-02T20:00:00Z
until: +2h
servers:
  - name: cc-01
    version: "12"
tenants:
  - name: a
    server: cc-01
    client: vbr 12
    jobs:
      - name: j
        kind: backup
        objects: {count: 1, duration: 20m}
        schedule: {at: +0s}
      - name: long
        kind: backup
        target: local
        objects: {count: 1, duration: 5h}
        schedule: {at: +0s}
actions:
  - {at: +5m, do: stop_job, tenant: a, job: j, mode: immediate}
`)
		f := strings.Join(facts(parse(render(reports.FromOutcome(out)))), "\n")
		Expect(f).To(ContainSubstring("2 sessions: 0 Success, 0 Warning, 1 Failed (failed by cause: 1 stop), 1 still running at the end."))

		// Tasks in process at the enable that ended with it (as under the
		// mutant maint-cuts-running): no "drained 0s later".
		r := counterexampleReport()
		s := *r.Summary
		s.Metrics.Windows = append([]scenarios.WindowMetrics(nil), s.Metrics.Windows...)
		s.Metrics.Windows[0].DrainTimeSeconds = 0
		r.Summary = &s
		f = strings.Join(facts(parse(render(r))), "\n")
		Expect(f).To(ContainSubstring("8 tasks of affected jobs were in process; the server was drained at once (they ended at the enable)."))
		Expect(f).NotTo(ContainSubstring("0s later"))
	})
})
