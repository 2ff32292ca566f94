package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// RunReport is the input of WriteRunHTML: one run's results.
type RunReport struct {
	// Summary is required: verdict, invariants, expectations, metrics.
	Summary *scenarios.Summary
	// Records are the run's full event stream (scenarios.Options.KeepRecords,
	// or a trace read back with scenarios.TraceReader). Without them the
	// report has no timeline and its tables come from the summary alone.
	Records []model.Record
	// Catalog resolves IDs in Records to names; nil: built from Records.
	Catalog *scenarios.Catalog
	// Highlight lists events to emphasise, e.g. the violations of a shrunk
	// counterexample written by `maintsim check`: their sessions and tasks
	// get a red outline and a numbered marker. Violations in Summary are
	// always marked; a Highlight equal to one of them marks it emphasised.
	Highlight []scenarios.Violation
	// Title overrides the page title ("maintsim: SCENARIO").
	Title string
	// Note is a line shown under the verdict, e.g. "Shrunk counterexample
	// found by maintsim check --seed 7 (run 412 of 1000)".
	Note string
	// Replay, when set, replaces Summary.Replay on the page: the command
	// that reproduces what the page shows. A counterexample found under a
	// mutant needs the check command that found it, since `maintsim run`
	// runs the correct model. ReplayNote is shown under it.
	Replay, ReplayNote string

	// MaxLanes is the number of job lanes above which the timeline switches
	// to per-server density rows (0: DefaultMaxLanes).
	MaxLanes int
	// MaxBars caps the task bars drawn (0: DefaultMaxBars).
	MaxBars int
	// WorstTenants is how many tenants get detailed lanes in the density
	// view (0: DefaultWorstTenants).
	WorstTenants int
}

// Defaults for RunReport's bounds.
const (
	DefaultMaxLanes     = 60
	DefaultMaxBars      = 20_000
	DefaultWorstTenants = 20
	// maxTableRows bounds each long table (sessions, notifications,
	// actions, tenants); the page says so when it cuts.
	maxTableRows = 500
)

// FromOutcome is the RunReport of a scenarios.RunScenario result. Run it
// with Options.KeepRecords so the report has a timeline.
func FromOutcome(o *scenarios.Outcome) RunReport {
	return RunReport{Summary: o.Summary, Records: o.Records, Catalog: o.Catalog}
}

// WriteRunHTML writes the report of one run as a single self-contained
// HTML file: inline CSS and SVG, no script from anywhere but the page
// itself, no request to the network or to side files (a Content Security
// Policy in the page forbids them). The same input gives the same bytes.
func WriteRunHTML(w io.Writer, r RunReport) error {
	if r.Summary == nil {
		return errors.New("reports: RunReport.Summary is nil")
	}
	if exchangeRun(&r) {
		return writeExchangeHTML(w, r) // exchange.go
	}
	v := buildRunView(&r)
	var buf bytes.Buffer
	if err := pageTemplates().ExecuteTemplate(&buf, "run.html", v); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// runView is everything the run template shows.
type runView struct {
	page
	Title, Scenario, File, Seed, TraceHash, Replay string
	Start, Until, Events, Records, Note            string
	Passed                                         bool
	VerdictWhy                                     []string
	Facts                                          []string
	SessionBar, TaskBar                            stackBar
	Timeline                                       timelineView
	HaveRecords                                    bool
	Highlights                                     []violRow
	Invariants                                     []invRow
	InvHeld, InvTotal                              int
	Expectations                                   []expRow
	ExpPassed                                      int
	Tenants                                        []tenantRow
	TenantsNote                                    string
	Messages                                       []msgGroup
	Notifications                                  []notifRow
	NotifNote                                      string
	Actions                                        []actionRow
	ActionsNote                                    string
	Notices                                        []string
	Windows                                        []string
	Metrics                                        []metricRow
	MetricTables                                   []metricTable
	Sessions                                       []sessRow
	SessionsHeading, SessionsNote                  string
	ReplayNote                                     string
}

type invRow struct {
	ID, Name, Holds, Anchor string
	Rules                   []ruleRef
	OK, Expected            bool
	Count                   int
	Violations              []violRow
}

type ruleRef struct{ ID, Text string }

type violRow struct {
	N                          int
	Anchor, Mark               string
	Invariant                  string
	Time, Rel, Exact, Entities string
	Message                    string
	Events                     []string
	Highlight                  bool
	OnTimeline                 bool
}

type expRow struct {
	Line   int
	Name   string
	Passed bool
	Diffs  []diffRow
	What   string
}

type diffRow struct{ Field, Expected, Got, Text string }

type tenantRow struct {
	Name, Server, Client                string
	Sessions, OK, Warn, Failed, Running int
	TasksFailed, TasksCanceled, RPs     int
	Wasted                              string
	Messages                            []string
	FirstProblem                        string
	Bad                                 bool
}

type msgGroup struct {
	Message, Why          string
	Sessions, Tenants     int
	First, Last, Examples string
}

type notifRow struct {
	Time, Tenant, Client, Session, Result, Message, Why string
	Attempt                                             string // set for a failed attempt that is not the session's end
	Bad                                                 bool
}

type actionRow struct{ Time, Code, Class, What, Entity, Detail string }

type sessRow struct {
	ID, Kind, Start, End, Result, Message, Cause, Tasks string
	Earlier                                             []string // messages of failed attempts before its end
	Attempts                                            int
	Manual                                              bool
}

type stackBar struct {
	Total int64
	Segs  []stackSeg
}

type stackSeg struct {
	Class, Label string
	N            int64
	X, W         px
	Pct          string
}

// sessInfo is a session as the tables see it, from the records when the
// report has them, else from the summary.
type sessInfo struct {
	id, tenant, job, kind, server, client string
	tenantIdx                             int
	start, end                            sim.Time
	ended                                 bool
	result, message                       string
	cause                                 model.Cause
	causeName                             string
	manual                                bool
	attempts                              int
	ok, failed, canceled, rps             int
	wasted                                int64
	tasks                                 string
	noticeCapable                         bool
	// earlier are the maintenance failures of attempts other than the one
	// the session's message reports (S8 retries; records only).
	earlier    []attemptNotice
	lastAtt    int32 // the session's last attempt
	faultTasks int   // tasks failed by a service stop or power off (M13)
	// firstFail is when its first task failed (records only: hasFail), in
	// an attempt an S8 retry may have recovered.
	firstFail sim.Time
	hasFail   bool
}

func buildRunView(r *RunReport) *runView {
	s := r.Summary
	maxLanes, maxBars, worstK := r.MaxLanes, r.MaxBars, r.WorstTenants
	if maxLanes <= 0 {
		maxLanes = DefaultMaxLanes
	}
	if maxBars <= 0 {
		maxBars = DefaultMaxBars
	}
	if worstK <= 0 {
		worstK = DefaultWorstTenants
	}
	v := &runView{page: newPage(), Scenario: s.Scenario, File: s.File, Seed: strconv.FormatUint(s.Seed, 10),
		TraceHash: s.TraceHash, Replay: s.Replay, Start: s.Start, Until: s.Until, Passed: s.Passed,
		Events: fmtInt(int64(s.Events)), Records: fmtInt(int64(s.Records)), Note: r.Note, Notices: s.Notices}
	if r.Replay != "" {
		v.Replay = r.Replay
	}
	v.ReplayNote = r.ReplayNote
	v.Title = r.Title
	if v.Title == "" {
		v.Title = "maintsim: " + s.Scenario
	}
	var tr *trace
	start := parseStart(s.Start)
	if len(r.Records) > 0 {
		tr = buildTrace(r.Records, r.Catalog)
		if tr.cat.Scenario != nil {
			start = tr.start
		}
		v.HaveRecords = true
	}
	sessions := sessionInfos(s, tr)
	tenants := tenantRows(sessions, tr, start)
	v.Metrics = metricRows(s.Metrics)
	v.MetricTables = metricTables(s.Metrics)
	markLowerBounds(v.Metrics, v.MetricTables)
	v.Windows = windowFacts(s, start)

	// Invariants, and the marks they put on the timeline.
	catalogue := map[string]scenarios.Invariant{}
	for _, inv := range scenarios.Catalogue() {
		catalogue[inv.ID] = inv
	}
	expectedViolated := map[string]bool{}
	for _, e := range s.Expectations {
		if e.Violated != "" {
			expectedViolated[e.Violated] = true
		}
	}
	var marks []violMark
	hl := map[string]bool{}
	for _, h := range r.Highlight {
		hl[violKey(h)] = true
	}
	n := 0
	inSummary := map[string]violRow{}
	for _, inv := range s.Invariants {
		row := invRow{ID: inv.ID, Name: inv.Name, Holds: catalogue[inv.ID].Holds, Anchor: "inv-" + anchorID(inv.ID),
			OK: inv.Holds, Expected: !inv.Holds && expectedViolated[inv.ID], Count: len(inv.Violations)}
		for _, id := range inv.Rules {
			row.Rules = append(row.Rules, ruleRef{ID: id, Text: RuleText(id)})
		}
		if inv.Holds {
			v.InvHeld++
		}
		for _, vi := range inv.Violations {
			n++
			vr := violationRow(n, inv.ID, vi, start, hl[violKey(vi)], tr != nil && n <= maxBadges)
			row.Violations = append(row.Violations, vr)
			inSummary[violKey(vi)] = vr
			marks = append(marks, violMark{Anchor: vr.Mark, Back: vr.Anchor, Invariant: inv.ID, T: sim.Time(vi.T),
				Time: vr.Exact, Entities: vi.Entities, Message: vi.Message, Highlight: vr.Highlight})
		}
		v.Invariants = append(v.Invariants, row)
	}
	v.InvTotal = len(s.Invariants)
	// Highlights point at the summary's violation when they are one; the
	// others get a mark of their own.
	for i, h := range r.Highlight {
		if row, ok := inSummary[violKey(h)]; ok {
			row.Anchor = "h-" + strconv.Itoa(i+1)
			v.Highlights = append(v.Highlights, row)
			continue
		}
		n++
		vr := violationRow(n, h.Invariant, h, start, true, tr != nil && n <= maxBadges)
		v.Highlights = append(v.Highlights, vr)
		marks = append(marks, violMark{Anchor: vr.Mark, Back: vr.Anchor, Invariant: h.Invariant, T: sim.Time(h.T),
			Time: vr.Exact, Entities: h.Entities, Message: h.Message, Highlight: true})
	}

	var table string // what the tenant table shows, for the timeline's note
	v.TenantsNote, table = tenantsCap(tenants)
	if tr != nil {
		var worst []int32
		for _, t := range tenants {
			if t.Bad && t.idx >= 0 && t.idx < len(tr.cat.Tenants) && tr.cat.Tenants[t.idx] != nil {
				worst = append(worst, int32(t.idx))
			}
		}
		none := len(worst) == 0
		if none {
			for i, d := range tr.cat.Tenants {
				if len(worst) == worstK {
					break
				}
				if d != nil {
					worst = append(worst, int32(i))
				}
			}
		}
		v.Timeline = buildTimeline(tr, timelineOpts{maxLanes: maxLanes, maxBars: maxBars, worstK: worstK, worst: worst,
			noneAffected: none, tenantTable: table, marks: marks, match: newEntityMatch(tr.cat, r.Highlight)})
		v.Actions, v.ActionsNote = actionRows(tr)
	} else {
		v.Timeline.Reason = "This report was made without the run's event records, so there is no timeline; " +
			"run with records kept (maintsim run --report does) to get one."
	}

	v.Expectations, v.ExpPassed = expRows(s.Expectations)
	for _, t := range tenants[:min(len(tenants), maxTableRows)] {
		v.Tenants = append(v.Tenants, t.tenantRow)
	}
	v.Messages, v.Notifications, v.NotifNote = notifications(sessions, start)
	v.Sessions, v.SessionsHeading, v.SessionsNote = sessionRows(sessions, start, s)
	v.SessionBar, v.TaskBar = glanceBars(v.Metrics)
	v.Facts = facts(v, tr, sessions, start)
	v.VerdictWhy = verdictWhy(s)
	return v
}

// tenantsCap says what the tenant table shows: a note under it when it
// cuts, and the same as a phrase for the density view's note.
func tenantsCap(tenants []*tenantAgg) (note, phrase string) {
	n := len(tenants)
	if n <= maxTableRows {
		return "", "the tenant table lists all " + plural(n, "tenant", "tenants")
	}
	bad := 0
	for _, t := range tenants {
		if t.Bad {
			bad++
		}
	}
	all := fmtInt(int64(n))
	switch {
	case bad >= maxTableRows:
		note = fmt.Sprintf("Showing the %d most affected of %s tenants (%s were affected).", maxTableRows, all, fmtInt(int64(bad)))
		phrase = fmt.Sprintf("the tenant table lists the %d most affected of %s tenants", maxTableRows, all)
	case bad == 0:
		note = fmt.Sprintf("Showing the first %d of %s tenants, as declared: none was affected.", maxTableRows, all)
		phrase = fmt.Sprintf("the tenant table lists the first %d of %s tenants", maxTableRows, all)
	default:
		note = fmt.Sprintf("Showing %d of %s tenants: all %d affected ones, worst first, then the first %d others as declared.",
			maxTableRows, all, bad, maxTableRows-bad)
		phrase = fmt.Sprintf("the tenant table lists all %d affected tenants and %d of the %s others", bad, maxTableRows-bad, fmtInt(int64(n-bad)))
	}
	return note, phrase
}

func parseStart(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func violKey(v scenarios.Violation) string {
	return v.Invariant + "\x00" + strconv.FormatInt(v.T, 10) + "\x00" + strings.Join(v.Entities, "\x00") + "\x00" + v.Message
}

var nonAnchor = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9_-]+`) })

func anchorID(s string) string { return nonAnchor().ReplaceAllString(s, "_") }

func violationRow(n int, inv string, vi scenarios.Violation, start time.Time, highlight, timeline bool) violRow {
	t := sim.Time(vi.T)
	ex := vi.Time
	if ex == "" {
		ex = exact(start, t)
	}
	return violRow{N: n, Anchor: "v-" + strconv.Itoa(n), Mark: "tl-v-" + strconv.Itoa(n), Invariant: inv,
		Time: clock(start, t), Rel: rel(t), Exact: ex, Entities: strings.Join(vi.Entities, ", "), Message: vi.Message,
		Events: vi.Events, Highlight: highlight, OnTimeline: timeline}
}

var diffRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*?): expected (.*), got (.*)$`) })

func expRows(ex []scenarios.ExpectationResult) ([]expRow, int) {
	var out []expRow
	passed := 0
	for _, e := range ex {
		row := expRow{Line: e.Line, Name: e.Name, Passed: e.Passed}
		switch {
		case e.Violated != "":
			row.What = "invariant " + e.Violated + " is violated"
		case e.Name == "invariants":
			row.What = "every invariant holds"
		default:
			row.What = "session " + e.Name
		}
		if e.Passed {
			passed++
		}
		for _, d := range e.Diffs {
			if m := diffRe().FindStringSubmatch(d); m != nil {
				row.Diffs = append(row.Diffs, diffRow{Field: m[1], Expected: m[2], Got: m[3]})
			} else {
				row.Diffs = append(row.Diffs, diffRow{Text: d})
			}
		}
		out = append(out, row)
	}
	return out, passed
}

func verdictWhy(s *scenarios.Summary) []string {
	var out []string
	var violated, expected []string
	exp := map[string]bool{}
	for _, e := range s.Expectations {
		if e.Violated != "" {
			exp[e.Violated] = true
		}
	}
	for _, inv := range s.Invariants {
		if !inv.Holds {
			if exp[inv.ID] {
				expected = append(expected, inv.ID)
			} else {
				violated = append(violated, inv.ID)
			}
		}
	}
	switch n := len(s.Invariants); {
	case len(violated) > 0:
		out = append(out, fmt.Sprintf("%d of %s violated: %s", len(violated), plural(n, "invariant", "invariants"), strings.Join(violated, ", ")))
	case len(expected) > 0:
		// Not "all": the expected violations are invariants that do not hold.
		out = append(out, fmt.Sprintf("%d of %s hold", n-len(expected), plural(n, "invariant", "invariants")))
	case n == 1:
		out = append(out, "the 1 invariant holds")
	case n > 0:
		out = append(out, fmt.Sprintf("all %d invariants hold", n))
	default:
		out = append(out, "no invariants were checked")
	}
	if len(expected) > 0 {
		out = append(out, "violated as the scenario expects: "+strings.Join(expected, ", "))
	}
	failed := 0
	for _, e := range s.Expectations {
		if !e.Passed {
			failed++
		}
	}
	switch {
	case len(s.Expectations) == 0:
		out = append(out, "the scenario has no expectations")
	case failed > 0:
		out = append(out, fmt.Sprintf("%d of %s failed", failed, plural(len(s.Expectations), "expectation", "expectations")))
	case len(s.Expectations) == 1:
		out = append(out, "the 1 expectation matched")
	default:
		out = append(out, fmt.Sprintf("all %d expectations matched", len(s.Expectations)))
	}
	return out
}

func sessionInfos(s *scenarios.Summary, tr *trace) []sessInfo {
	var out []sessInfo
	if tr != nil {
		c := tr.cat
		for _, st := range tr.sessions {
			si := sessInfo{id: c.SessionName(st.job, st.n), tenant: c.TenantName(st.tenant), job: c.JobName(st.job),
				server: c.ServerName(st.server), tenantIdx: int(st.tenant), start: st.start, end: st.end, ended: st.ended,
				message: st.text, cause: st.cause, causeName: st.cause.String(), manual: st.manual, attempts: len(st.attempts) + 1,
				ok: st.ok, failed: st.failed, canceled: st.canceled, rps: st.restorePoints, wasted: st.bytesWasted}
			if st.ended {
				si.result = st.result.String()
			}
			if d := c.Jobs[st.job]; d != nil {
				si.kind = d.Kind.String()
			}
			if st.tenant >= 0 && int(st.tenant) < len(c.Tenants) && c.Tenants[st.tenant] != nil {
				si.client = c.Tenants[st.tenant].Client.String()
				si.noticeCapable = c.Tenants[st.tenant].Client.SupportsNotice()
			}
			si.tasks = taskList(st, c)
			si.earlier, si.lastAtt, si.faultTasks = st.earlierNotices(), int32(len(st.attempts)+1), st.faultTasks
			si.firstFail, si.hasFail = st.firstFail, st.hasFail
			out = append(out, si)
		}
		return out
	}
	for _, ss := range s.Sessions {
		si := sessInfo{id: ss.ID, tenant: ss.Tenant, job: ss.Job, kind: ss.Kind, server: ss.Server, tenantIdx: -1,
			start: sim.Time(ss.StartNS), result: ss.Result, message: ss.Message, causeName: ss.Cause, manual: ss.Manual,
			attempts: int(ss.Attempts), noticeCapable: true}
		if c, err := model.ParseCause(ss.Cause); err == nil {
			si.cause = c
		}
		if ss.EndNS != nil {
			si.end, si.ended = sim.Time(*ss.EndNS), true
		}
		var parts []string
		for _, t := range ss.Tasks {
			switch t.Result {
			case "Success":
				si.ok++
			case "Failed":
				si.failed++
				si.wasted += t.Bytes
			case "Canceled":
				si.canceled++
				si.wasted += t.Bytes
			}
			if t.RestorePoint {
				si.rps++
			}
			parts = append(parts, taskWord(t.Object, t.Result, t.RestorePoint))
		}
		si.tasks = strings.Join(parts, ", ")
		out = append(out, si)
	}
	return out
}

func taskWord(obj, result string, rp bool) string {
	switch {
	case result == "":
		return obj + " (not ended)"
	case rp:
		return obj + " ✓"
	}
	return obj + " " + result
}

// taskList is a session's objects with their last result: "vm1 ✓, vm2 Failed".
func taskList(st *sessTrack, c *scenarios.Catalog) string {
	d := c.Jobs[st.job]
	if d == nil {
		return ""
	}
	res := make([]string, len(d.Objects))
	rp := make([]bool, len(d.Objects))
	set := func(o int32, r model.Result, restore bool) {
		if o >= 0 && int(o) < len(res) {
			res[o] = r.String()
			rp[o] = rp[o] || restore
		}
	}
	// Records are in time order: later attempts overwrite earlier ones.
	type ev struct {
		at sim.Time
		o  int32
		r  model.Result
		rp bool
	}
	var evs []ev
	for _, t := range st.tasks {
		if t.ended {
			evs = append(evs, ev{t.end, t.obj, t.result, t.restorePoint})
		}
	}
	for _, p := range st.pending {
		for _, o := range p.objs {
			evs = append(evs, ev{p.at, o, p.result, false})
		}
	}
	slices.SortStableFunc(evs, func(a, b ev) int { return cmpTime(a.at, b.at) })
	for _, e := range evs {
		set(e.o, e.r, e.rp)
	}
	parts := make([]string, 0, len(res))
	for i, o := range d.Objects {
		if len(parts) == 12 {
			parts = append(parts, fmt.Sprintf("… %d more", len(res)-12))
			break
		}
		parts = append(parts, taskWord(o, res[i], rp[i]))
	}
	return strings.Join(parts, ", ")
}

func cmpTime(a, b sim.Time) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

type tenantAgg struct {
	tenantRow
	idx       int
	score     [3]int64
	firstBad  sim.Time
	anyBad    bool
	messages  map[string]int
	msgOrder  []string
	attempts  map[string]int // notices of failed attempts that are not a session's end
	attOrder  []string
	wastedSum int64
}

// tenantRows aggregates sessions per tenant, most affected first: by
// failed sessions, then failed or canceled tasks, then bytes wasted; ties
// in declaration order.
func tenantRows(sessions []sessInfo, tr *trace, start time.Time) []*tenantAgg {
	var out []*tenantAgg
	byName := map[string]*tenantAgg{}
	get := func(name string, idx int) *tenantAgg {
		if a, ok := byName[name]; ok {
			return a
		}
		a := &tenantAgg{idx: idx, messages: map[string]int{}, attempts: map[string]int{}}
		a.Name = name
		byName[name] = a
		out = append(out, a)
		return a
	}
	if tr != nil {
		for i, d := range tr.cat.Tenants {
			if d == nil {
				continue
			}
			a := get(d.Name, i)
			a.Server = tr.cat.ServerName(tr.cat.TenantServer[i])
			a.Client = d.Client.String()
		}
	}
	for _, s := range sessions {
		a := get(s.tenant, s.tenantIdx)
		if a.Server == "" {
			a.Server = s.server
		}
		a.Sessions++
		switch s.result {
		case "Success":
			a.OK++
		case "Warning":
			a.Warn++
		case "Failed":
			a.Failed++
		default:
			a.Running++
		}
		a.TasksFailed += s.failed
		a.TasksCanceled += s.canceled
		a.RPs += s.rps
		a.wastedSum += s.wasted
		if s.message != "" {
			if a.messages[s.message] == 0 {
				a.msgOrder = append(a.msgOrder, s.message)
			}
			a.messages[s.message]++
		}
		for _, n := range s.earlier {
			if a.attempts[n.text] == 0 {
				a.attOrder = append(a.attOrder, n.text)
			}
			a.attempts[n.text]++
		}
		if s.result == "Failed" || s.failed > 0 || s.hasFail {
			// The first failure the tenant met: a task's, even one an S8
			// retry later recovered, else the failed session's end.
			t := s.end
			switch {
			case s.hasFail:
				t = s.firstFail
			case !s.ended:
				t = s.start
			}
			if !a.anyBad || t < a.firstBad {
				a.firstBad = t
			}
			a.anyBad = true
		}
	}
	for _, a := range out {
		a.score = [3]int64{int64(a.Failed), int64(a.TasksFailed + a.TasksCanceled), a.wastedSum}
		a.Bad = a.score != [3]int64{}
		a.Wasted = fmtBytes(a.wastedSum)
		for _, m := range a.msgOrder {
			a.Messages = append(a.Messages, fmt.Sprintf("%s ×%d", m, a.messages[m]))
		}
		for _, m := range a.attOrder {
			a.Messages = append(a.Messages, fmt.Sprintf("%s ×%d in failed attempts", m, a.attempts[m]))
		}
		if a.anyBad {
			a.FirstProblem = when(start, a.firstBad)
		}
	}
	slices.SortStableFunc(out, func(x, y *tenantAgg) int {
		for i := range x.score {
			if x.score[i] != y.score[i] {
				if x.score[i] > y.score[i] {
					return -1
				}
				return 1
			}
		}
		return 0
	})
	return out
}

// why explains a session's message in rule terms.
func why(s sessInfo) string {
	switch s.cause {
	case model.CauseMaintenance:
		return maintWhy(s.message, s.noticeCapable)
	case model.CauseStop:
		return "operator stop (S2/S3/S4)"
	case model.CauseFault:
		return "service stopped or server off (M13)"
	case model.CauseDisabled:
		return "tenant disabled (M12)"
	}
	if s.result == "Failed" {
		return "failed"
	}
	return ""
}

// attemptWhy explains the message of a failed attempt that is not the
// session's end: what M6 showed, and what came after it.
func attemptWhy(s sessInfo, n attemptNotice) string {
	w := maintWhy(n.text, n.capable)
	switch {
	case n.attempt < s.lastAtt:
		return w + "; an S8 retry followed"
	case !s.ended:
		return w + "; the session was still running at the end"
	}
	if s.causeName == "" {
		return w + "; the session then ended " + s.result
	}
	return w + "; the session then ended " + s.result + ", cause " + s.causeName
}

func maintWhy(message string, capable bool) string {
	if message == model.MsgConnectionFailed {
		if !capable {
			return "maintenance (M3/M5); client too old for the notice, so a generic error (M6)"
		}
		return "maintenance (M3/M5); service not running, so a generic error (M6)"
	}
	return "maintenance (M3/M5), notice shown (M6/M7)"
}

func notifications(sessions []sessInfo, start time.Time) ([]msgGroup, []notifRow, string) {
	type grp struct {
		msgGroup
		tenants  map[string]bool
		first    sim.Time
		last     sim.Time
		examples []string
		lastSess string
	}
	var groups []*grp
	byKey := map[string]*grp{}
	var rows []notifRow
	total := 0
	add := func(s sessInfo, at sim.Time, msg, w string, row notifRow) {
		total++
		key := msg + "\x00" + w
		g := byKey[key]
		if g == nil {
			g = &grp{tenants: map[string]bool{}, first: at, last: at}
			g.Message, g.Why = msg, w
			byKey[key] = g
			groups = append(groups, g)
		}
		if g.lastSess != s.id { // a session's messages are added one after the other
			g.Sessions++
			g.lastSess = s.id
		}
		if !g.tenants[s.tenant] {
			g.tenants[s.tenant] = true
			if len(g.examples) < 5 {
				g.examples = append(g.examples, s.tenant)
			}
		}
		g.first, g.last = min(g.first, at), max(g.last, at)
		if len(rows) < maxTableRows {
			row.Time, row.Tenant, row.Client, row.Session, row.Message, row.Why = when(start, at), s.tenant, s.client, s.id, msg, w
			rows = append(rows, row)
		}
	}
	for _, s := range sessions {
		// A failed attempt an S8 retry followed showed its message to the
		// tenant too, even when the retry then succeeded.
		for _, n := range s.earlier {
			add(s, n.at, n.text, attemptWhy(s, n), notifRow{Attempt: fmt.Sprintf("attempt %d failed", n.attempt)})
		}
		if s.message == "" && s.result != "Failed" {
			continue
		}
		add(s, s.end, s.message, why(s), notifRow{Result: s.result, Bad: s.result == "Failed"})
	}
	var out []msgGroup
	for _, g := range groups {
		g.Tenants = len(g.tenants)
		g.First, g.Last = when(start, g.first), when(start, g.last)
		g.Examples = strings.Join(g.examples, ", ")
		if g.Tenants > len(g.examples) {
			g.Examples += fmt.Sprintf(", … %d more", g.Tenants-len(g.examples))
		}
		out = append(out, g.msgGroup)
	}
	note := ""
	if total > len(rows) {
		note = fmt.Sprintf("Showing the first %d of %s messages, by session start.", len(rows), fmtInt(int64(total)))
	}
	return out, rows, note
}

// sessionRows lists the sessions in start order. Past maxTableRows it
// keeps the ones a reviewer needs first: every Failed one, then Warning,
// then those still running, then the rest, each group in start order, and
// shows them in that order; the note says what each group kept.
func sessionRows(sessions []sessInfo, start time.Time, s *scenarios.Summary) ([]sessRow, string, string) {
	label := func(si *sessInfo) string {
		if !si.ended {
			return "Running"
		}
		return si.result
	}
	order := make([]int, len(sessions))
	for i := range order {
		order[i] = i
	}
	capped := len(sessions) > maxTableRows
	var groups []string
	total, shown := map[string]int{}, map[string]int{}
	if capped {
		rank := func(l string) int {
			switch l {
			case "Failed":
				return 0
			case "Warning":
				return 1
			case "Running":
				return 2
			}
			return 3
		}
		slices.SortStableFunc(order, func(a, b int) int { return rank(label(&sessions[a])) - rank(label(&sessions[b])) })
		for _, i := range order {
			l := label(&sessions[i])
			if total[l] == 0 {
				groups = append(groups, l)
			}
			total[l]++
		}
		order = order[:maxTableRows]
		for _, i := range order {
			shown[label(&sessions[i])]++
		}
	}
	var out []sessRow
	for _, i := range order {
		si := &sessions[i]
		r := sessRow{ID: si.id, Kind: si.kind, Start: when(start, si.start), Result: si.result, Message: si.message,
			Cause: si.causeName, Tasks: si.tasks, Attempts: si.attempts, Manual: si.manual}
		if si.ended {
			r.End = when(start, si.end)
		} else {
			r.End, r.Result = "still running", "Running"
		}
		for _, n := range si.earlier {
			r.Earlier = append(r.Earlier, fmt.Sprintf("attempt %d failed: %s", n.attempt, n.text))
		}
		out = append(out, r)
	}
	heading := fmt.Sprintf("All sessions (%s)", fmtInt(int64(len(sessions))))
	note := ""
	if capped {
		heading = fmt.Sprintf("Sessions: %s of %s", fmtInt(int64(len(out))), fmtInt(int64(len(sessions))))
		var first []string
		for _, g := range [][2]string{{"Failed", "failed"}, {"Warning", "warning"}, {"Running", "running"}} {
			if total[g[0]] > 0 {
				first = append(first, g[1])
			}
		}
		if len(first) > 0 {
			heading += ", " + joinAnd(first) + " ones first"
		}
		var kept, left []string
		for _, g := range groups {
			name := g
			if g == "Running" {
				name = "still running"
			}
			switch n, t := shown[g], total[g]; {
			case n == t:
				kept = append(kept, fmt.Sprintf("all %s %s", fmtInt(int64(t)), name))
			case n > 0:
				kept = append(kept, fmt.Sprintf("the first %s of %s %s", fmtInt(int64(n)), fmtInt(int64(t)), name))
				left = append(left, fmt.Sprintf("%s %s", fmtInt(int64(t-n)), name))
			default:
				left = append(left, fmt.Sprintf("%s %s", fmtInt(int64(t)), name))
			}
		}
		if len(groups) == 1 {
			note = fmt.Sprintf("Showing the first %s of %s sessions, in start order (every one is %s).",
				fmtInt(int64(len(out))), fmtInt(int64(len(sessions))), groups[0])
		} else {
			note = fmt.Sprintf("Showing %s of %s sessions: %s, each group in start order; left out: %s.",
				fmtInt(int64(len(out))), fmtInt(int64(len(sessions))), strings.Join(kept, ", then "), strings.Join(left, ", "))
		}
	}
	if s.SessionsTruncated && len(s.Sessions) == len(sessions) {
		note += " The summary kept only part of the sessions (sessions_truncated)."
	}
	return out, heading, strings.TrimSpace(note)
}

func actionRows(tr *trace) ([]actionRow, string) {
	var out []actionRow
	for _, a := range tr.actions {
		if len(out) == maxTableRows {
			break
		}
		code, class, what := actionGlyph(a)
		l := &layout{tr: tr}
		detail := a.text
		if a.kind == model.RecServiceStopped || a.kind == model.RecServiceStarted || a.kind == model.RecMessageConfigured {
			detail = ""
		}
		out = append(out, actionRow{Time: when(tr.start, a.at), Code: code, Class: class, What: what, Entity: l.actionEntity(a), Detail: detail})
	}
	note := ""
	if len(tr.actions) > len(out) {
		note = fmt.Sprintf("Showing the first %d of %s.", len(out), fmtInt(int64(len(tr.actions))))
	}
	return out, note
}

// windowFacts tells each maintenance window's story from the summary's
// per-window metrics (so the report and the metrics can never disagree).
func windowFacts(s *scenarios.Summary, start time.Time) []string {
	var out []string
	for _, w := range s.Metrics.Windows {
		var b strings.Builder
		from := sim.Time(w.EnableNS)
		fmt.Fprintf(&b, "%s was in maintenance from %s", w.Server, when(start, from))
		if w.DisableNS != nil {
			to := sim.Time(*w.DisableNS)
			fmt.Fprintf(&b, " to %s (%s)", when(start, to), fmtDur(time.Duration(to-from)))
		} else {
			b.WriteString(" to the end of the run")
		}
		drain := time.Duration(math.Round(w.DrainTimeSeconds)) * time.Second // prose: to the second
		verb := "were"
		if w.InProcessAtEnable == 1 {
			verb = "was"
		}
		inProcess := fmt.Sprintf(". When it was enabled, %s of affected jobs %s in process", plural(int(w.InProcessAtEnable), "task", "tasks"), verb)
		switch {
		case w.InProcessAtEnable == 0 && drain == 0 && w.Drained:
			b.WriteString(". When it was enabled, no task of an affected job was in process: nothing to drain.")
		case w.InProcessAtEnable == 0 && w.Drained:
			// The drain counts tasks started during the window too (M4's
			// standalone agents; or a start M5 should have refused).
			fmt.Fprintf(&b, ". When it was enabled, no task of an affected job was in process; tasks of affected jobs started during the window kept the server busy %s.", fmtDur(drain))
		case w.Drained && drain == 0:
			fmt.Fprintf(&b, "%s; the server was drained at once (they ended at the enable).", inProcess)
		case w.Drained:
			fmt.Fprintf(&b, "%s; the server was drained %s later.", inProcess, fmtDur(drain))
		default:
			fmt.Fprintf(&b, "%s; the drain had not finished by the end of the run (at least %s).", inProcess, fmtDur(drain))
		}
		if w.ObjectsFailed > 0 {
			fmt.Fprintf(&b, " The window failed %s of %s", plural(int(w.ObjectsFailed), "object", "objects"), plural(int(w.TenantsAffected), "tenant", "tenants"))
			if w.CaughtUp {
				fmt.Fprintf(&b, "; all had a new restore point %s after the exit.", fmtDur(time.Duration(math.Round(w.CatchUpSeconds))*time.Second))
			} else {
				b.WriteString("; not all had a new restore point by the end of the run.")
			}
		}
		out = append(out, b.String())
	}
	return out
}

func facts(v *runView, tr *trace, sessions []sessInfo, start time.Time) []string {
	var out []string
	out = append(out, v.Windows...)
	if tr != nil {
		for sv := range tr.servers {
			name := tr.cat.ServerName(int32(sv))
			if len(v.Windows) == 0 {
				for _, iv := range tr.servers[sv].maint {
					if iv.open {
						out = append(out, fmt.Sprintf("%s was in maintenance from %s to the end of the run (%s).", name, when(start, iv.from), rel(tr.end)))
					} else {
						out = append(out, fmt.Sprintf("%s was in maintenance from %s to %s (%s).", name, when(start, iv.from), when(start, iv.to), fmtDur(time.Duration(iv.to-iv.from))))
					}
				}
			}
			if iv := tr.servers[sv].serviceDown; len(iv) > 0 {
				out = append(out, fmt.Sprintf("%s: Cloud Connect Service stopped %s (%s); %s", name, plural(len(iv), "time", "times"), spans(iv, start), faultFact(sessions, name)))
			}
			if iv := tr.servers[sv].powerOff; len(iv) > 0 {
				out = append(out, fmt.Sprintf("%s: powered off %s (%s).", name, plural(len(iv), "time", "times"), spans(iv, start)))
			}
		}
		maint := false
		for _, sv := range tr.servers {
			maint = maint || len(sv.maint) > 0
		}
		if !maint {
			out = append(out, "Maintenance was never enabled in this run.")
		}
		out = append(out, tenantFacts(tr, start)...)
	}
	counts := map[string]int{}
	causes := map[model.Cause]int{}
	// Who saw the notice: a session's message, and each attempt that
	// maintenance failed before a retry (tenants_affected counts both).
	notice, generic := map[string]bool{}, map[string]bool{}
	noticeAtEnd, genericAtEnd := map[string]bool{}, map[string]bool{}
	for _, s := range sessions {
		counts[s.result]++
		if s.result == "Failed" {
			causes[s.cause]++
		}
		if s.cause == model.CauseMaintenance {
			if s.message == model.MsgConnectionFailed {
				generic[s.tenant], genericAtEnd[s.tenant] = true, true
			} else {
				notice[s.tenant], noticeAtEnd[s.tenant] = true, true
			}
		}
		for _, n := range s.earlier {
			if n.text == model.MsgConnectionFailed {
				generic[s.tenant] = true
			} else {
				notice[s.tenant] = true
			}
		}
	}
	line := fmt.Sprintf("%s: %s Success, %s Warning, %s Failed", plural(len(sessions), "session", "sessions"),
		fmtInt(int64(counts["Success"])), fmtInt(int64(counts["Warning"])), fmtInt(int64(counts["Failed"])))
	var why []string
	for _, c := range []model.Cause{model.CauseMaintenance, model.CauseStop, model.CauseFault, model.CauseDisabled, model.CauseNone} {
		if causes[c] > 0 {
			name := c.String()
			if c == model.CauseNone {
				name = "other"
			}
			why = append(why, fmt.Sprintf("%d %s", causes[c], name))
		}
	}
	if len(why) > 0 {
		line += " (failed by cause: " + strings.Join(why, ", ") + ")"
	}
	if counts[""] > 0 {
		line += fmt.Sprintf(", %s still running at the end", fmtInt(int64(counts[""])))
	}
	out = append(out, line+".")
	onlyAttempts := func(all, atEnd map[string]bool) string {
		const where = "only in a failed attempt, not in a session's final message"
		switch n := len(all) - len(atEnd); {
		case n == 0:
			return ""
		case n == len(all) && n == 1:
			return " (" + where + ")"
		case n == len(all):
			return " (all of them " + where + ")"
		default:
			return fmt.Sprintf(" (%d of them %s)", n, where)
		}
	}
	if len(notice) > 0 {
		out = append(out, fmt.Sprintf("%s saw the maintenance notice%s.", plural(len(notice), "tenant", "tenants"), onlyAttempts(notice, noticeAtEnd)))
	}
	if len(generic) > 0 {
		out = append(out, fmt.Sprintf("%s failed because of maintenance but got a generic connection error instead of the notice (M6)%s.",
			plural(len(generic), "tenant", "tenants"), onlyAttempts(generic, genericAtEnd)))
	}
	if n, ok := metricValue(v.Metrics, "tenants_not_caught_up"); ok && n > 0 {
		out = append(out, fmt.Sprintf("At the end of the run, %s still had an object that maintenance failed and that had no newer restore point (tenants_not_caught_up).",
			plural(int(n), "tenant", "tenants")))
	}
	if tr != nil {
		out = append(out, actionFacts(tr, start)...)
	}
	return out
}

// maxListed bounds the examples a sentence of At a glance lists.
const maxListed = 3

// tenantFacts says which tenants were disabled, when, and whose backups
// were moved (M12): a disabled tenant starts nothing and its running
// sessions are terminated.
func tenantFacts(tr *trace, start time.Time) []string {
	var out, disabled, moved []string
	nDisabled := 0
	for t := range tr.tenants {
		if len(tr.tenants[t].disabled) == 0 {
			continue
		}
		nDisabled++
		if len(disabled) < maxListed {
			var parts []string
			for _, iv := range tr.tenants[t].disabled {
				switch {
				case iv.open && iv.from == 0:
					parts = append(parts, "from the start to the end of the run")
				case iv.open:
					parts = append(parts, "from "+when(start, iv.from)+" to the end of the run")
				default:
					parts = append(parts, fmt.Sprintf("from %s to %s (%s)", when(start, iv.from), when(start, iv.to), fmtDur(time.Duration(iv.to-iv.from))))
				}
			}
			disabled = append(disabled, tr.cat.TenantName(int32(t))+" "+strings.Join(parts, " and "))
		}
	}
	nMoved := 0
	for _, a := range tr.actions {
		if a.kind != model.RecBackupMoved || a.tenant < 0 {
			continue
		}
		nMoved++
		if len(moved) < maxListed {
			moved = append(moved, tr.cat.TenantName(a.tenant)+" at "+when(start, a.at))
		}
	}
	more := func(listed []string, n int) string {
		if n > len(listed) {
			listed = append(listed, fmt.Sprintf("… %d more", n-len(listed)))
		}
		return strings.Join(listed, "; ")
	}
	if nDisabled > 0 {
		out = append(out, fmt.Sprintf("%s disabled (M12: nothing starts, running sessions are terminated): %s.",
			plural(nDisabled, "tenant was", "tenants were"), more(disabled, nDisabled)))
	}
	if nMoved > 0 {
		out = append(out, fmt.Sprintf("Backups moved (M12): %s.", more(moved, nMoved)))
	}
	return out
}

// actionFacts lists the operator actions that did not do what was asked:
// rejected ones (M1, S5, …) and maintenance switches that changed nothing
// (M2). A reviewer must not take a planned step for done.
func actionFacts(tr *trace, start time.Time) []string {
	var out []string
	for _, g := range []struct {
		kinds     []model.RecordKind
		one, many string
	}{
		{[]model.RecordKind{model.RecMaintenanceRejected, model.RecActionRejected}, "operator action was rejected", "operator actions were rejected"},
		{[]model.RecordKind{model.RecMaintenanceUnchanged}, "maintenance switch changed nothing (M2)", "maintenance switches changed nothing (M2)"},
	} {
		var listed []string
		n := 0
		l := &layout{tr: tr}
		for _, a := range tr.actions {
			if !slices.Contains(g.kinds, a.kind) {
				continue
			}
			n++
			if len(listed) < maxListed {
				item := when(start, a.at)
				if e := l.actionEntity(a); e != "" {
					item += ", " + e
				}
				if a.text != "" {
					item += ": " + a.text
				}
				listed = append(listed, item)
			}
		}
		if n == 0 {
			continue
		}
		if n > len(listed) {
			listed = append(listed, fmt.Sprintf("… %d more (Operator actions)", n-len(listed)))
		}
		out = append(out, fmt.Sprintf("%s: %s.", plural(n, g.one, g.many), strings.Join(listed, "; ")))
	}
	return out
}

// faultFact says what a server's outages did to the sessions on it (M13):
// how many had tasks failed by them, and how those sessions ended.
func faultFact(sessions []sessInfo, server string) string {
	hit, failed, recovered, running := 0, 0, 0, 0
	other := map[string]int{}
	var otherOrder []string
	for _, s := range sessions {
		if s.server != server || s.faultTasks == 0 {
			continue
		}
		hit++
		switch {
		case !s.ended:
			running++
		case s.result == "Failed" && s.cause == model.CauseFault:
			failed++
		case s.result == "Failed":
			if other[s.causeName] == 0 {
				otherOrder = append(otherOrder, s.causeName)
			}
			other[s.causeName]++
		default:
			recovered++
		}
	}
	if hit == 0 {
		return "it failed no task (M13)."
	}
	var parts []string
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d ended Failed because of it", failed))
	}
	if recovered > 0 {
		parts = append(parts, fmt.Sprintf("%d recovered by an S8 retry", recovered))
	}
	for _, c := range otherOrder {
		if c == "" || c == model.CauseNone.String() {
			parts = append(parts, fmt.Sprintf("%d ended Failed for another reason", other[c]))
		} else {
			parts = append(parts, fmt.Sprintf("%d ended Failed, cause %s", other[c], c))
		}
	}
	if running > 0 {
		parts = append(parts, fmt.Sprintf("%d were still running at the end", running))
	}
	return fmt.Sprintf("it failed tasks of %s (M13): %s.", plural(hit, "session", "sessions"), strings.Join(parts, ", "))
}

// spans lists the first few intervals as "22:00:00–22:00:00 restart_service".
func spans(iv []interval, start time.Time) string {
	var parts []string
	for i, x := range iv {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("… %d more", len(iv)-3))
			break
		}
		p := "at " + when(start, x.from)
		if !x.open && x.to > x.from {
			p += " for " + fmtDur(time.Duration(x.to-x.from))
		} else if x.open {
			p += " until the end"
		}
		if x.text != "" {
			p += ", " + strings.ReplaceAll(x.text, "_", " ")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

func glanceBars(rows []metricRow) (stackBar, stackBar) {
	bar := func(total string, parts [][2]string) stackBar {
		var b stackBar
		var sum int64
		for _, p := range parts {
			if n, ok := metricValue(rows, p[0]); ok && n > 0 {
				b.Segs = append(b.Segs, stackSeg{Class: "r-" + p[1], Label: p[1], N: int64(n)})
				sum += int64(n)
			}
		}
		if t, ok := metricValue(rows, total); ok && int64(t) > sum {
			b.Segs = append(b.Segs, stackSeg{Class: "r-Running", Label: "not ended", N: int64(t) - sum})
			sum = int64(t)
		}
		b.Total = sum
		var x px
		for i := range b.Segs {
			w := px(float64(b.Segs[i].N) / float64(max(sum, 1)) * 360)
			b.Segs[i].X, b.Segs[i].W = x, w
			b.Segs[i].Pct = fmtFloat(float64(b.Segs[i].N)/float64(max(sum, 1))*100, 1) + "%"
			x += w
		}
		return b
	}
	return bar("sessions_total", [][2]string{{"sessions_succeeded", "Success"}, {"sessions_warning", "Warning"}, {"sessions_failed", "Failed"}}),
		bar("tasks_total", [][2]string{{"tasks_succeeded", "Success"}, {"tasks_failed", "Failed"}, {"tasks_canceled", "Canceled"}})
}

// markLowerBounds reads catch_up_time and drain_time as what they are when
// an object had not caught up, or a drain had not ended, by the end of the
// run: the time until the end, a lower bound (docs/metrics.md), not the
// time the tenants or the server took.
func markLowerBounds(rows []metricRow, tables []metricTable) {
	for _, b := range []struct{ metric, count, why string }{
		{"catch_up_time", "tenants_not_caught_up", " (a lower bound: not caught up by the end of the run)"},
		{"drain_time", "drains_incomplete", " (a lower bound: a drain did not end, drains_incomplete)"},
	} {
		if n, ok := metricValue(rows, b.count); ok && n > 0 {
			for i := range rows {
				if rows[i].Name == b.metric {
					rows[i].Human = "≥ " + rows[i].Human + b.why
				}
			}
		}
	}
	for t := range tables {
		for _, b := range [][2]string{{"catch_up_time", "caught_up"}, {"drain_time", "drained"}} {
			c, done := slices.Index(tables[t].Columns, b[0]), slices.Index(tables[t].Columns, b[1])
			if c < 0 || done < 0 {
				continue
			}
			for _, row := range tables[t].Rows {
				if row[done] == "no" && row[c] != "—" {
					row[c] = "≥ " + row[c]
				}
			}
		}
	}
}
