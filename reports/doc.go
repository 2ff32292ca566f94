// Package reports renders run results for people and for CI. It decides
// nothing: every verdict comes from package scenarios; this package only
// draws and formats it.
//
// Outputs:
//
//   - [WriteRunHTML]: one self-contained HTML page per run (the
//     `maintsim run --report` file): verdict, key facts, an SVG timeline (a
//     lane per tenant and job, a bar per task attempt, maintenance windows
//     shaded, operator actions marked, violations numbered and linked to
//     the invariants table), the invariants with the rule sentences they
//     enforce (see [Rules]), expectations as expected-versus-got, what each
//     tenant experienced and which messages it saw, operator actions,
//     every metric, every session. Above [DefaultMaxLanes] job lanes the
//     timeline turns into per-server density rows plus the most affected
//     tenants; task bars stop at [DefaultMaxBars] and the page says so.
//     [RunReport.Highlight] emphasises chosen violations, which is how
//     `maintsim check` shows a shrunk counterexample.
//   - [WriteSweepHTML]: one page comparing the grid points of a sweep, from
//     [SweepData] (filled run by run with [SweepData.AddRun], as `maintsim
//     merge` does, or [SweepData.Add] for runs given in run order).
//   - [WriteJUnit]: JUnit XML, a testcase per invariant and per expectation.
//   - [WriteSummaryJSON]: the summary JSON of CONTRACT.md, indented and stable.
//
// Why the pages are built the way they are:
//
//   - Self-contained and offline: CSS, script and data are inline (the
//     assets are embedded with go:embed), SVG is drawn on the server side
//     through html/template, and a Content Security Policy in the page
//     forbids every request and every script but the page's own (by hash).
//     A report opened from a CI artifact store cannot fetch anything.
//   - Safe: every name, message and path from a scenario goes through
//     html/template's contextual escaping; a tenant called
//     `<script>alert(1)</script>` is text (tested, also in Chromium).
//   - Deterministic: the same input gives the same bytes (no clock, no map
//     order, coordinates printed at a fixed precision), so pages can be
//     golden-tested (testdata/, regenerated with -update-reports) and diffed.
//   - Bounded: every table and the timeline have caps, and the page says
//     what it left out.
//
// docs/reports.md explains how to read a report.
package reports
