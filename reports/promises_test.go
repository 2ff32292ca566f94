package reports_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

// What docs/reports.md promises a reader, checked on pages where the easy
// reading would be wrong: a counterexample found under a mutant, a fleet
// larger than the tables, sessions an S8 retry recovered.

// runYAML compiles and runs a scenario file's text, keeping its records.
func runYAML(name, src string) *scenarios.Outcome {
	sc, err := scenarios.Parse(name, []byte(src))
	Expect(err).NotTo(HaveOccurred())
	out, err := scenarios.RunScenario(sc, scenarios.Options{KeepRecords: true})
	Expect(err).NotTo(HaveOccurred())
	return out
}

func facts(d doc) []string {
	var out []string
	doc{d.byID("facts")}.each(func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "li" {
			out = append(out, text(n))
		}
	})
	return out
}

func metricOf(d doc, name string) int {
	for _, row := range d.tableRows("metrics-table") {
		if row[0] == name {
			n, err := strconv.Atoi(row[1])
			Expect(err).NotTo(HaveOccurred(), "metric %s = %q", name, row[1])
			return n
		}
	}
	Fail("no metric " + name)
	return 0
}

func timelineNote(d doc) string {
	var notes []string
	d.each(func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "div" && hasClass(n, "tl-notes") {
			notes = append(notes, text(n))
		}
	})
	return strings.Join(notes, " ")
}

// retryYAML: maintenance fails the second object of every session; the
// S8 retry after the window commits it, so every session ends Success.
const retryYAML = `name: notices an S8 retry recovered
seed: 3
start: 2026-11-02T20:00:00Z
until: +8h
servers:
  - name: cc-01
    version: "12"
    maintenance_message: "Back at 23:00"
tenants:
  - name: t
    count: 4
    server: cc-01
    client: vbr 12
    max_concurrent_tasks: 1
    jobs:
      - name: daily
        kind: backup
        platform: vsphere
        objects: {count: 2, duration: 20m}
        schedule: {at: +0s}
        retry: {count: 2, wait: 1h}
  - name: old
    server: cc-01
    client: vbr 9.5
    max_concurrent_tasks: 1
    jobs:
      - name: daily
        kind: backup
        platform: vsphere
        objects: {count: 2, duration: 20m}
        schedule: {at: +0s}
        retry: {count: 2, wait: 1h}
actions:
  - {at: +10m, do: enable_maintenance, server: cc-01}
  - {at: +1h30m, do: disable_maintenance, server: cc-01}
`

// stopYAML: a service stop fails a running task (M13); the retry 30
// minutes later recovers it.
const stopYAML = `name: service stop, retry recovers
seed: 1
start: 2026-11-02T20:00:00Z
until: +6h
servers:
  - name: cc-01
    version: "12"
tenants:
  - name: acme
    server: cc-01
    client: vbr 12
    jobs:
      - name: nightly
        kind: backup
        platform: vsphere
        objects: {count: 2, duration: 20m}
        schedule: {at: +0s}
        retry: {count: 1, wait: 30m}
actions:
  - {at: +10m, do: stop_service, server: cc-01}
  - {at: +15m, do: start_service, server: cc-01}
`

var _ = Describe("What docs/reports.md promises", func() {
	It("Replay: the command that reproduces the page; a counterexample under a mutant replays with check, and says what run shows", func() {
		r := counterexampleReport()
		d := parse(render(r))
		Expect(text(d.byID("replay"))).To(Equal(r.Replay))
		Expect(text(d.byID("replay"))).To(ContainSubstring("--mutant maint-cuts-running"))
		Expect(text(d.byID("replay-note"))).To(ContainSubstring("runs the correct model"))
		// Without an override the summary's replay is the page's.
		s, recs := recorded("example", exampleOutcome)
		d = parse(render(reports.RunReport{Summary: s, Records: recs}))
		Expect(text(d.byID("replay"))).To(Equal(s.Replay))
		Expect(d.byID("replay-note")).To(BeNil())
	})

	It("Expectations: each entry by its line in the scenario file, and no line when it is unknown (never 0)", func() {
		r := counterexampleReport()
		lines := func(d doc) []string {
			var out []string
			for _, row := range d.tableRows("expectations-table") {
				if len(row) >= 4 { // the first row of an entry carries its line (later ones: a diff)
					out = append(out, row[0])
				}
			}
			return out
		}
		Expect(lines(parse(render(r)))).To(Equal([]string{"40", "51"}))
		s := *r.Summary
		s.Expectations = append([]scenarios.ExpectationResult(nil), s.Expectations...)
		for i := range s.Expectations {
			s.Expectations[i].Line = 0
		}
		r.Summary = &s
		Expect(lines(parse(render(r)))).To(Equal([]string{"", ""}))
	})

	Describe("Large runs", func() {
		It("Sessions: up to 500, and when there are more, every failed one first and a heading that says so", func() {
			out := runSpec(fleetSpec(1000), []scenarios.Invariant{})
			failed := 0
			for _, s := range out.Summary.Sessions {
				if s.Result == "Failed" {
					failed++
				}
			}
			Expect(failed).To(BeNumerically(">", 0))
			Expect(failed).To(BeNumerically("<", 500), "the fixture keeps room for others")
			d := parse(render(reports.FromOutcome(out)))
			rows := d.tableRows("sessions-table")
			Expect(rows).To(HaveLen(500))
			for i, row := range rows {
				if i < failed {
					Expect(row[4]).To(Equal("Failed"), "row %d", i)
				} else {
					Expect(row[4]).NotTo(Equal("Failed"), "row %d", i)
				}
			}
			page := string(render(reports.FromOutcome(out)))
			// The heading names the groups the run has, failed first.
			Expect(page).To(MatchRegexp(`Sessions: 500 of 1,000, failed( and running)? ones first`))
			Expect(page).To(ContainSubstring(fmt.Sprintf("Showing 500 of 1,000 sessions: all %d Failed, then the first %d of", failed, 500-failed)))
			Expect(page).NotTo(ContainSubstring("All sessions (500)"))
		})

		It("the density view's note and the tenant table's say the same, with affected tenants", func() {
			d := parse(render(reports.FromOutcome(runSpec(fleetSpec(1000), []scenarios.Invariant{}))))
			note := timelineNote(d)
			Expect(note).To(MatchRegexp(`Detailed lanes follow for the 20 most affected of \d+ affected tenants`))
			Expect(note).NotTo(ContainSubstring("lists them all"))
			m := regexp.MustCompile(`the tenant table lists all (\d+) affected tenants and (\d+) of the`).FindStringSubmatch(note)
			Expect(m).NotTo(BeNil(), note)
			Expect(string(render(reports.FromOutcome(runSpec(fleetSpec(1000), []scenarios.Invariant{}))))).
				To(ContainSubstring(fmt.Sprintf("Showing 500 of 1,000 tenants: all %s affected ones, worst first, then the first %s others as declared.", m[1], m[2])))
		})

		It("the density view's note and the tenant table's say the same, with no affected tenant: the first 20 as declared", func() {
			sp := fleetSpec(1000)
			sp.Actions = nil
			out := render(reports.FromOutcome(runSpec(sp, []scenarios.Invariant{})))
			d := parse(out)
			lanes, _ := attr(d.byID("timeline-svg"), "data-lanes")
			Expect(lanes).To(Equal("20"))
			note := timelineNote(d)
			Expect(note).To(ContainSubstring("No tenant had a failed session or a failed or canceled task, so detailed lanes follow for the first 20 tenants as declared"))
			Expect(note).To(ContainSubstring("the tenant table lists the first 500 of 1,000 tenants"))
			Expect(note).NotTo(ContainSubstring("most affected"))
			Expect(string(out)).To(ContainSubstring("Showing the first 500 of 1,000 tenants, as declared: none was affected."))
			Expect(string(out)).To(ContainSubstring("Showing the first 500 of 1,000 sessions, in start order (every one is Success)."))
		})
	})

	Describe("Tenant notifications", func() {
		It("show the notice of an attempt an S8 retry recovered, and At a glance counts its tenants as tenants_affected does", func() {
			out := runYAML("retry.yaml", retryYAML)
			for _, s := range out.Summary.Sessions {
				Expect(s.Result).To(Equal("Success"), "the fixture: every retry succeeds (%s)", s.ID)
				Expect(s.Message).To(BeEmpty())
			}
			d := parse(render(reports.FromOutcome(out)))
			affected := metricOf(d, "tenants_affected")
			Expect(affected).To(Equal(5))
			seen := map[string]map[string]bool{} // tenant -> messages
			for _, row := range d.tableRows("notifications-table") {
				Expect(row[4]).To(MatchRegexp(`^attempt \d+ failed$`))
				if seen[row[1]] == nil {
					seen[row[1]] = map[string]bool{}
				}
				seen[row[1]][row[5]] = true
			}
			Expect(seen).To(HaveLen(affected))
			Expect(seen["t-0001"]).To(HaveKey("Back at 23:00"))
			Expect(seen["old"]).To(HaveKey(model.MsgConnectionFailed), "M6: a 9.5 client gets the generic error")
			Expect(facts(d)).To(ContainElements(
				"4 tenants saw the maintenance notice (all of them only in a failed attempt, not in a session's final message).",
				"1 tenant failed because of maintenance but got a generic connection error instead of the notice (M6) (only in a failed attempt, not in a session's final message)."))
			for _, row := range d.tableRows("tenants-table") {
				Expect(row[12]).To(MatchRegexp(`in failed attempts$`), "messages seen by %s", row[0])
			}
			for _, row := range d.tableRows("sessions-table") {
				Expect(row[5]).To(HavePrefix("attempt 1 failed: "), "session %s", row[0])
			}
		})

		It("At a glance says what a service stop did to running sessions: recovered by a retry, not failed (M13)", func() {
			out := runYAML("stop.yaml", stopYAML)
			Expect(out.Summary.Metrics.SessionsFailedFault).To(BeZero())
			d := parse(render(reports.FromOutcome(out)))
			var stop string
			for _, f := range facts(d) {
				if strings.Contains(f, "Cloud Connect Service stopped") {
					stop = f
				}
			}
			Expect(stop).To(HaveSuffix("it failed tasks of 1 session (M13): 1 recovered by an S8 retry."))
			Expect(stop).NotTo(ContainSubstring("running sessions on it failed"))
		})

		It("At a glance says so when sessions did fail because of a service stop (M13)", func() {
			d := parse(render(exampleReport()))
			Expect(facts(d)).To(ContainElement(ContainSubstring("it failed tasks of 2 sessions (M13): 2 ended Failed because of it.")))
			Expect(metricOf(d, "sessions_failed_fault")).To(Equal(2))
		})
	})

	Describe("Counterexamples and sweeps", func() {
		sweepTitles := func(d reports.SweepData) (doc, []string) {
			var b bytes.Buffer
			Expect(reports.WriteSweepHTML(&b, d)).To(Succeed())
			var titles []string
			for _, m := range regexp.MustCompile(`(?s)<circle[^>]*class="dot"><title>(.*?)</title>`).FindAllStringSubmatch(b.String(), -1) {
				titles = append(titles, html.UnescapeString(m[1]))
			}
			return parse(b.Bytes()), titles
		}

		It("the sweep table shows p50 as merge's JSON and CSV compute it (nearest rank), not an interpolated median", func() {
			d := reports.SweepData{Params: []string{"x"}, Replicates: 4}
			for i, v := range []float64{1, 2, 3, 4} {
				d.Add([]string{"a"}, uint64(i), map[string]float64{"sessions_failed": v})
			}
			page, _ := sweepTitles(d)
			rows := page.tableRows("sweep-table")
			Expect(rows[0][2]).To(HavePrefix("2"), "⌈0.5·4⌉ = 2nd smallest; an interpolated median would be 2.5")
			Expect(rows[0][2]).NotTo(ContainSubstring("2.5"))
		})

		It("a dot names its replicate from 0, as the JSONL and CSV do, and the run index --print-run takes", func() {
			d := reports.SweepData{Params: []string{"x"}, Replicates: 3}
			for p, v := range []string{"a", "b"} {
				for r := range 3 {
					d.Add([]string{v}, uint64(100*p+r), map[string]float64{"sessions_failed": float64(r)})
				}
			}
			_, titles := sweepTitles(d)
			Expect(titles).To(HaveLen(6))
			Expect(titles[0]).To(ContainSubstring("replicate 0: 0 (seed 0)"))
			Expect(titles[0]).To(ContainSubstring("run 0: maintsim sweep SWEEP.yaml --print-run 0"))
			Expect(titles[5]).To(ContainSubstring("replicate 2: 2 (seed 102)"))
			Expect(titles[5]).To(ContainSubstring("--print-run 5"))

			// Runs given with their index and replicate keep them, in any order.
			var e reports.SweepData
			e.Params = []string{"x"}
			e.AddRun(7, 1, []string{"b"}, 9, map[string]float64{"m": 1})
			e.AddRun(6, 0, []string{"b"}, 8, map[string]float64{"m": 2})
			_, titles = sweepTitles(e)
			Expect(titles[0]).To(ContainSubstring("replicate 1: 1 (seed 9)"))
			Expect(titles[0]).To(ContainSubstring("--print-run 7"))
			Expect(titles[1]).To(ContainSubstring("--print-run 6"))
		})
	})
})
