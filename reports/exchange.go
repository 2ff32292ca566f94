package reports

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// This file renders the run report of an exchange profile run
// (docs/exchange.md): the same header, verdict, invariants, expectations
// and metrics as a Cloud Connect report (buildRunView), with the parts
// about sessions replaced by what an Exchange maintenance is about: a
// timeline with one lane per server component (state bands: Draining,
// Inactive), the server's queue depth, its operator actions as markers and
// its failed client requests; a lane per database (mounted, where, which
// copies are suspended); the X4 pitfalls INV-X2 named; the end state.

// exchangeRun reports whether the report is of an exchange run.
func exchangeRun(r *RunReport) bool { return r.Summary != nil && r.Summary.Exchange != nil }

type exchangeView struct {
	*runView
	Ex exchangeParts
}

type exchangeParts struct {
	Timeline      timelineView
	Pitfalls      []violRow // X4 pitfalls INV-X2 named
	Order         []violRow // INV-X2's other findings: X3 order and restoration
	Servers       []exServerRow
	Databases     []scenarios.ExDatabaseSummary
	Clients       []scenarios.ExClientSummary
	MessageRows   []metricRow
	MessageTables []metricTable
	Actions       []actionRow
	ActionsNote   string
	Facts         []string
}

type exServerRow struct {
	Name, DAG, Policy, ClientsAt string
	Queue                        int64
	Components                   []string
}

// writeExchangeHTML is WriteRunHTML for an exchange run.
func writeExchangeHTML(w io.Writer, r RunReport) error {
	noRecords := r
	noRecords.Records = nil // the Cloud Connect timeline and tables have nothing to show
	v := &exchangeView{runView: buildRunView(&noRecords)}
	v.HaveRecords = len(r.Records) > 0
	s := r.Summary
	start := parseStart(s.Start)
	cat := r.Catalog
	if cat == nil {
		cat = &scenarios.Catalog{}
		for _, rec := range r.Records {
			if rec.Decl != nil {
				cat.Observe(&rec)
			}
		}
	}
	if cat.Scenario != nil {
		start = cat.Scenario.Start
	}
	var marks []violMark
	for i := range v.Invariants {
		for j := range v.Invariants[i].Violations {
			vr := &v.Invariants[i].Violations[j]
			vr.OnTimeline = v.HaveRecords && vr.N <= maxBadges
			marks = append(marks, violMark{Anchor: vr.Mark, Back: vr.Anchor, Invariant: vr.Invariant, T: violTime(s, vr),
				Time: vr.Exact, Message: vr.Message, Highlight: vr.Highlight})
			if vr.Invariant == "INV-X2" {
				if strings.HasPrefix(vr.Message, "X4 pitfall ") {
					v.Ex.Pitfalls = append(v.Ex.Pitfalls, *vr)
				} else {
					v.Ex.Order = append(v.Ex.Order, *vr)
				}
			}
		}
	}
	for i := range v.Expectations {
		if e := &v.Expectations[i]; strings.HasPrefix(e.What, "session ") {
			e.What = strings.TrimPrefix(e.What, "session ")
		}
	}
	x := s.Exchange
	for _, sv := range x.Servers {
		row := exServerRow{Name: sv.Name, DAG: sv.DAG, Policy: sv.Policy, ClientsAt: sv.ClientsAt, Queue: sv.QueueDepth}
		for _, c := range sv.Components {
			var holds []string
			for q, st := range c.Holds {
				holds = append(holds, q+": "+st)
			}
			sort.Strings(holds)
			row.Components = append(row.Components, fmt.Sprintf("%s %s (%s)", c.Component, c.Effective, strings.Join(holds, ", ")))
		}
		v.Ex.Servers = append(v.Ex.Servers, row)
	}
	v.Ex.Databases, v.Ex.Clients = x.Databases, x.Clients
	if m := s.Metrics.Exchange; m != nil {
		v.Ex.MessageRows = metricRows(m)
		v.Ex.MessageTables = metricTables(m)
		markLowerBounds(v.Ex.MessageRows, v.Ex.MessageTables)
		v.Ex.Facts = exchangeFacts(m, len(v.Ex.Pitfalls), start, runEnd(s, start))
	}
	if v.HaveRecords {
		tl := buildExchangeTimeline(r.Records, cat, start, marks)
		v.Ex.Timeline = tl.view
		v.Ex.Actions, v.Ex.ActionsNote = tl.actions, tl.actionsNote
	} else {
		v.Ex.Timeline.Reason = "This report was made without the run's event records, so there is no timeline; run with records kept (maintsim run --report does) to get one."
	}
	var buf bytes.Buffer
	if err := pageTemplates().ExecuteTemplate(&buf, "exchange.html", v); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// violTime finds a violation's time in the summary (the row keeps text).
func violTime(s *scenarios.Summary, vr *violRow) sim.Time {
	for _, inv := range s.Invariants {
		for _, vi := range inv.Violations {
			if vi.Invariant == vr.Invariant && vi.Message == vr.Message && (vi.Time == vr.Exact || vr.Exact == "") {
				return sim.Time(vi.T)
			}
		}
	}
	return 0
}

// secs reads a metric in seconds as a duration to the millisecond,
// rounded as the metrics table and maintsim's text output round it.
func secs(v float64) time.Duration {
	return time.Duration(math.Round(v*1e3)) * time.Millisecond
}

// exchangeFacts tells the run's mail flow. start is the instant of time
// zero and end the run's horizon (offset from start), so that a drain that
// had not emptied the queue says whether HubTransport was Active again or
// the run ended first.
func exchangeFacts(m *scenarios.ExchangeMetrics, pitfalls int, start time.Time, end sim.Time) []string {
	n := func(v int64) string { return fmtInt(v) }
	out := []string{fmt.Sprintf("%s messages arrived: %s accepted, %s deferred (no server accepted them; the sender keeps them), %s delivered, %s still queued at the end, %s lost.",
		n(int64(m.MessagesArrived)), n(int64(m.MessagesAccepted)), n(int64(m.MessagesDeferred)), n(int64(m.MessagesDelivered)), n(int64(m.MessagesQueued)), n(int64(m.MessagesLost)))}
	if m.MessagesRedirected > 0 {
		out = append(out, fmt.Sprintf("Redirect-Message moved %s to another server.", plural(int(m.MessagesRedirected), "queued message", "queued messages")))
	}
	out = append(out, fmt.Sprintf("%s delayed (deferred, or delivered more than %s after acceptance); the longest wait was %s.",
		plural(int(m.MessagesDelayed), "message was", "messages were"), fmtDur(scenarios.DelayThreshold), fmtDur(secs(m.DeliveryLatencyMaxSecs))))
	for _, d := range m.Drains {
		from := sim.Time(d.StartNS)
		took := secs(d.DrainTimeSeconds)
		var tail string
		switch {
		case d.Drained:
			tail = "the queue drained in " + fmtDur(took)
		case end > 0 && from+sim.Time(time.Duration(d.DrainTimeSeconds*1e9)) >= end-sim.Time(time.Millisecond):
			tail = fmt.Sprintf("the queue was still not empty at the end of the run, %s later", fmtDur(took))
		default:
			tail = fmt.Sprintf("HubTransport was Active again %s later, before the queue was empty", fmtDur(took))
		}
		out = append(out, fmt.Sprintf("%s: HubTransport left Active at %s with %d queued; %s.", d.Server, when(start, from), d.QueuedAtStart, tail))
	}
	if m.ClientRequestsFailed > 0 {
		out = append(out, fmt.Sprintf("%d client requests failed.", m.ClientRequestsFailed))
	}
	if pitfalls > 0 {
		out = append(out, fmt.Sprintf("INV-X2 named %s of X4 (listed under Pitfalls).", plural(pitfalls, "pitfall", "pitfalls")))
	}
	return out
}

// Exchange timeline layout, in CSS pixels (labelW, plotW, axisH from the
// Cloud Connect timeline).
const (
	exLaneH    = 14
	exQueueH   = 34
	exRugH     = 8
	exMarkRows = 3
)

// exTimeline is one pass over the records, drawn.
type exTimeline struct {
	view        timelineView
	actions     []actionRow
	actionsNote string
	start       time.Time
	end         sim.Time
	y           px
	bg, bands   []shape
	marks, viol []shape
	labels      []shape
	markEnds    map[px]px
	serverRows  map[int32][2]px
}

func (t *exTimeline) x(at sim.Time) px {
	if at < 0 {
		at = 0
	}
	if at > t.end {
		at = t.end
	}
	return px(labelW + float64(at)/float64(t.end)*plotW)
}

type exBand struct {
	from  sim.Time
	state string
	title string
	open  bool
}

// exServerTrack is what the records say about one server.
type exServerTrack struct {
	held     [model.NumComponents]bool // some requester held it at some point
	comps    map[model.Component][]exSpan
	cur      map[model.Component]exBand
	holds    [model.NumComponents][model.NumRequesters]model.CompState
	depth    []exPoint
	failures []sim.Time
	peak     int32
	actions  []exAction
}

type exSpan struct {
	from, to sim.Time
	state    string
	title    string
}

type exPoint struct {
	at    sim.Time
	depth int32
}

type exAction struct {
	at          sim.Time
	code, class string
	what        string
}

type exDBTrack struct {
	name    string
	copies  []int32
	mounted []exSpan // spans with state "mounted on X" / "dismounted"
	cur     exBand
	susp    map[int32][]exSpan
	suspAt  map[int32]sim.Time
}

func buildExchangeTimeline(recs []model.Record, cat *scenarios.Catalog, start time.Time, marks []violMark) *exTimeline {
	t := &exTimeline{start: start, markEnds: map[px]px{}, serverRows: map[int32][2]px{}}
	for _, r := range recs {
		t.end = max(t.end, r.At)
	}
	if t.end <= 0 {
		t.end = sim.Time(time.Hour)
	}
	servers := make([]*exServerTrack, len(cat.Servers))
	for i := range servers {
		servers[i] = &exServerTrack{comps: map[model.Component][]exSpan{}, cur: map[model.Component]exBand{}}
	}
	dbs := make([]*exDBTrack, len(cat.Databases))
	for i, d := range cat.Databases {
		dt := &exDBTrack{name: d.Name, susp: map[int32][]exSpan{}, suspAt: map[int32]sim.Time{}}
		if x := d.Exchange; x != nil {
			for _, c := range x.Copies {
				dt.copies = append(dt.copies, c.Server)
				if c.Suspended {
					dt.suspAt[c.Server] = 0
				}
			}
			dt.cur = exBand{state: dbState(x.Mounted, cat.ServerName(x.Active)), open: true}
		}
		dbs[i] = dt
	}
	srv := func(i int32) *exServerTrack {
		if i < 0 || int(i) >= len(servers) {
			return nil
		}
		return servers[i]
	}
	db := func(i int32) *exDBTrack {
		if i < 0 || int(i) >= len(dbs) {
			return nil
		}
		return dbs[i]
	}
	act := func(s *exServerTrack, at sim.Time, code, class, what string) {
		if s != nil {
			s.actions = append(s.actions, exAction{at: at, code: code, class: class, what: what})
		}
		if len(t.actions) < maxTableRows {
			t.actions = append(t.actions, actionRow{Time: when(start, at), Code: code, Class: class, What: what})
		} else {
			t.actionsNote = "The table stops at " + strconv.Itoa(maxTableRows) + " actions."
		}
	}
	setEff := func(sv int32, s *exServerTrack, c model.Component, eff model.CompState, at sim.Time) {
		cur := s.cur[c]
		if cur.open {
			s.comps[c] = append(s.comps[c], exSpan{from: cur.from, to: at, state: cur.state, title: cur.title})
			delete(s.cur, c)
		}
		if eff != model.StateActive {
			var held []string
			for q, h := range s.holds[c] {
				if h != model.StateActive {
					held = append(held, model.Requester(q).String()+": "+h.String())
				}
			}
			title := fmt.Sprintf("%s on %s is %s from %s (%s)", c, cat.ServerName(sv), eff, exact(start, at), rel(at))
			if len(held) > 0 {
				title += "\nheld by " + strings.Join(held, ", ")
			} else {
				title += "\nServerWideOffline is Inactive (X1)"
			}
			s.cur[c] = exBand{from: at, state: eff.String(), title: title, open: true}
		}
		if _, ok := s.comps[c]; !ok {
			s.comps[c] = nil
		}
	}
	depth := func(sv int32, d int32, at sim.Time) {
		if s := srv(sv); s != nil && d >= 0 {
			s.depth = append(s.depth, exPoint{at, d})
			s.peak = max(s.peak, d)
		}
	}
	for i := range recs {
		r := &recs[i]
		x := r.Ex
		s := srv(r.Server)
		switch r.Kind {
		case model.RecServer:
			if s != nil && r.Decl != nil && r.Decl.Exchange != nil {
				for _, h := range r.Decl.Exchange.Holds {
					s.holds[h.Component][h.Requester] = h.State
					s.held[h.Component] = s.held[h.Component] || h.State != model.StateActive
				}
			}
		case model.RecExComponentState:
			if s == nil {
				continue
			}
			s.holds[x.Component][x.Requester] = x.State
			s.held[x.Component] = s.held[x.Component] || x.State != model.StateActive
			setEff(r.Server, s, x.Component, x.Effective, r.At)
			act(s, r.At, compCode(x.State), "mk-"+strings.ToLower(x.State.String()),
				fmt.Sprintf("set_server_component_state %s %s %s, requester %s (in effect: %s)", cat.ServerName(r.Server), x.Component, x.State, x.Requester, x.Effective))
		case model.RecExComponentEffective:
			if s != nil {
				setEff(r.Server, s, x.Component, x.Effective, r.At)
			}
		case model.RecExPolicy:
			act(s, r.At, "P", "mk-move", fmt.Sprintf("set_mailbox_server %s: DatabaseCopyAutoActivationPolicy %s", cat.ServerName(r.Server), x.Policy))
		case model.RecExCopySuspended, model.RecExCopyResumed:
			name := cat.DatabaseName(x.Database) + `\` + cat.ServerName(r.Server)
			if d := db(x.Database); d != nil {
				if r.Kind == model.RecExCopySuspended {
					d.suspAt[r.Server] = r.At
				} else if from, ok := d.suspAt[r.Server]; ok {
					d.susp[r.Server] = append(d.susp[r.Server], exSpan{from: from, to: r.At, state: "suspended"})
					delete(d.suspAt, r.Server)
				}
			}
			if r.Kind == model.RecExCopySuspended {
				act(s, r.At, "S‖", "mk-fault", "suspend_mailbox_database_copy "+name)
			} else {
				act(s, r.At, "S▶", "mk-ok", "resume_mailbox_database_copy "+name)
			}
		case model.RecExDatabaseDismounted, model.RecExDatabaseMounted, model.RecExDatabaseMoved:
			d := db(x.Database)
			if d != nil {
				if d.cur.open {
					d.mounted = append(d.mounted, exSpan{from: d.cur.from, to: r.At, state: d.cur.state})
				}
				active := cat.ServerName(r.Server)
				mounted := r.Kind != model.RecExDatabaseDismounted
				if r.Kind == model.RecExDatabaseMoved {
					active = cat.ServerName(x.Target)
					mounted = !strings.HasPrefix(d.cur.state, "dismounted")
				}
				d.cur = exBand{from: r.At, state: dbState(mounted, active), open: true}
			}
			name := cat.DatabaseName(x.Database)
			switch {
			case r.Kind == model.RecExDatabaseMounted:
				act(s, r.At, "DB▶", "mk-ok", "mount_database "+name)
			case r.Kind == model.RecExDatabaseDismounted && x.Auto:
				act(s, r.At, "DB!", "mk-reject", "Active Manager dismounted "+name+": "+r.Text)
			case r.Kind == model.RecExDatabaseDismounted:
				act(s, r.At, "DB■", "mk-fault", "dismount_database "+name)
			case x.Auto:
				act(s, r.At, "DB→", "mk-reject", fmt.Sprintf("Active Manager failed %s over to %s", name, cat.ServerName(x.Target)))
			default:
				act(s, r.At, "DB→", "mk-move", fmt.Sprintf("move_active_mailbox_database %s to %s", name, cat.ServerName(x.Target)))
			}
		case model.RecExClientsRedirected:
			act(s, r.At, "C→", "mk-move", fmt.Sprintf("redirect_clients: clients homed on %s connect to %s", cat.ServerName(r.Server), cat.ServerName(x.Target)))
		case model.RecExUsersNotified:
			on := "every server's users"
			if r.Server >= 0 {
				on = "users of " + cat.ServerName(r.Server)
			}
			t.notifyAll(servers, r, s, fmt.Sprintf("notify_users (%s): %q", on, r.Text), "✉", "mk-msg", act)
		case model.RecExBackup:
			on := "every database"
			if r.Server >= 0 {
				on = "the databases of " + cat.ServerName(r.Server)
			}
			t.notifyAll(servers, r, s, "backup_databases: "+on, "⛁", "mk-ok", act)
		case model.RecExMsgRedirected:
			act(s, r.At, "⇒", "mk-move", fmt.Sprintf("redirect_message %s → %s: %d queued messages moved", cat.ServerName(r.Server), cat.ServerName(x.Target), x.Count))
			depth(x.Target, x.TargetDepth, r.At)
		case model.RecActionRejected:
			act(s, r.At, "!", "mk-reject", "rejected: "+r.Text)
		case model.RecExClientFailed:
			if s != nil {
				s.failures = append(s.failures, r.At)
			}
		}
		if x != nil && r.Kind != model.RecExDatabase && r.Kind != model.RecExClient {
			depth(r.Server, x.Depth, r.At)
		}
	}
	t.y = axisH
	for sv, s := range servers {
		t.server(int32(sv), s, cat)
	}
	if len(dbs) > 0 {
		t.y += 8
		t.labels = append(t.labels, shape{Kind: "text", X: 8, Y: t.y + 12, Class: "lbl-section", Text: "Mailbox databases"})
		t.y += 18
		for _, d := range dbs {
			t.database(d, cat)
		}
	}
	t.y += 4
	bottom := t.y
	t.axis(bottom)
	t.violations(marks, bottom)
	v := timelineView{Available: true, From: when(start, 0), To: when(start, t.end), LabelW: labelW, PlotW: plotW,
		Width: labelW + plotW + rightPad, Height: bottom + 6}
	for _, g := range [][]shape{t.bg, t.bands, t.marks, t.viol, t.labels} {
		v.Shapes = append(v.Shapes, g...)
	}
	t.view = v
	return t
}

// notifyAll marks a server-wide preparation (Server None) on every server.
func (t *exTimeline) notifyAll(servers []*exServerTrack, r *model.Record, s *exServerTrack, what, code, class string,
	act func(*exServerTrack, sim.Time, string, string, string)) {
	if s != nil {
		act(s, r.At, code, class, what)
		return
	}
	act(nil, r.At, code, class, what)
	for _, o := range servers {
		o.actions = append(o.actions, exAction{at: r.At, code: code, class: class, what: what})
	}
}

func dbState(mounted bool, server string) string {
	if mounted {
		return "mounted on " + server
	}
	return "dismounted (active copy on " + server + ")"
}

func compCode(s model.CompState) string {
	switch s {
	case model.StateDraining:
		return "D"
	case model.StateInactive:
		return "I"
	}
	return "A"
}

// lanes lists the components drawn for a server: the transport ones and
// ServerWideOffline always, any other that a requester held at some point
// (not the ones ServerWideOffline alone took down: its own lane shows that).
func (s *exServerTrack) lanes() []model.Component {
	out := []model.Component{model.CompHubTransport, model.CompFrontendTransport, model.CompMailboxDeliveryProxy, model.CompServerWideOffline}
	for c := range model.Component(model.NumComponents) {
		if !slices.Contains(out, c) && s.held[c] {
			out = append(out, c)
		}
	}
	return out
}

func (t *exTimeline) server(sv int32, s *exServerTrack, cat *scenarios.Catalog) {
	y0 := t.y
	name := cat.ServerName(sv)
	sub := ""
	if d := cat.Servers[sv]; d != nil && d.Exchange != nil && d.Exchange.DAG != "" {
		sub = "DAG " + d.Exchange.DAG
	}
	// Header row: name and operator actions.
	hdrH := px(serverRowH + (exMarkRows-1)*(markerH+2))
	t.bg = append(t.bg, shape{Kind: "rect", X: 0, Y: t.y, W: labelW + plotW, H: hdrH, Class: "row-server"})
	t.labels = append(t.labels, shape{Kind: "text", X: 8, Y: t.y + 16, Class: "lbl-server", Text: name})
	if sub != "" {
		t.labels = append(t.labels, shape{Kind: "text", X: 8, Y: t.y + 28, Class: "lbl-sub", Text: sub})
	}
	for _, a := range s.actions {
		t.marker(a, t.y+serverRowH/2, t.y)
	}
	t.y += hdrH
	for _, c := range s.lanes() {
		t.bg = append(t.bg, shape{Kind: "rect", X: 0, Y: t.y, W: labelW + plotW, H: exLaneH, Class: "row-job"})
		t.labels = append(t.labels, shape{Kind: "text", X: 20, Y: t.y + 10.5, Class: "lbl-job", Text: c.String()})
		spans := s.comps[c]
		if cur := s.cur[c]; cur.open {
			spans = append(spans, exSpan{from: cur.from, to: t.end, state: cur.state, title: cur.title + "\n(until the end of the run)"})
		}
		for _, sp := range spans {
			x0, x1 := t.x(sp.from), t.x(sp.to)
			title := sp.title
			if sp.to < t.end || !strings.HasSuffix(title, "run)") {
				title += fmt.Sprintf("\nuntil %s (%s)", exact(t.start, sp.to), fmtDur(time.Duration(sp.to-sp.from)))
			}
			t.bands = append(t.bands, shape{Kind: "rect", X: x0, Y: t.y + 2, W: max(x1-x0, 1), H: exLaneH - 4, Class: "ex-" + sp.state, Title: title,
				Entity: name + "/" + c.String()})
		}
		t.y += exLaneH
	}
	// Queue depth: the highest depth in each pixel column.
	t.bg = append(t.bg, shape{Kind: "rect", X: 0, Y: t.y, W: labelW + plotW, H: exQueueH, Class: "row-job"})
	t.labels = append(t.labels, shape{Kind: "text", X: 20, Y: t.y + 14, Class: "lbl-job", Text: "queue depth"},
		shape{Kind: "text", X: 20, Y: t.y + 26, Class: "lbl-sub", Text: fmt.Sprintf("peak %d", s.peak)})
	if s.peak > 0 {
		t.bands = append(t.bands, shape{Kind: "path", D: t.queuePath(s, t.y+exQueueH-2, exQueueH-6), Class: "dens",
			Title: fmt.Sprintf("%s queue depth over time (messages queued or in delivery); peak %d", name, s.peak)})
	}
	t.y += exQueueH
	if len(s.failures) > 0 {
		t.bg = append(t.bg, shape{Kind: "rect", X: 0, Y: t.y, W: labelW + plotW, H: exRugH + 4, Class: "row-job"})
		t.labels = append(t.labels, shape{Kind: "text", X: 20, Y: t.y + 9, Class: "lbl-sub", Text: fmt.Sprintf("client requests failed (%d)", len(s.failures))})
		seen := map[int]bool{}
		for _, f := range s.failures {
			col := int(t.x(f))
			if seen[col] {
				continue
			}
			seen[col] = true
			t.bands = append(t.bands, shape{Kind: "rect", X: px(col), Y: t.y + 2, W: 1.5, H: exRugH, Class: "rug",
				Title: "client request failed at " + exact(t.start, f)})
		}
		t.y += exRugH + 4
	}
	t.serverRows[sv] = [2]px{y0, t.y}
	t.y += 6
}

func (t *exTimeline) queuePath(s *exServerTrack, base, h px) string {
	cols := make([]int32, plotW+1)
	last := int32(0)
	lastCol := 0
	for _, p := range s.depth {
		col := int(t.x(p.at) - labelW)
		for c := lastCol + 1; c < col && c <= plotW; c++ {
			cols[c] = max(cols[c], last) // the depth holds until the next change
		}
		if col >= 0 && col <= plotW {
			cols[col] = max(cols[col], p.depth)
		}
		last, lastCol = p.depth, col
	}
	for c := lastCol + 1; c <= plotW; c++ {
		cols[c] = last
	}
	var b strings.Builder
	fmt.Fprintf(&b, "M%s %s", px(labelW), base)
	for c, d := range cols {
		fmt.Fprintf(&b, "L%s %s", px(labelW+c), base-px(float64(d)/float64(s.peak))*h)
	}
	fmt.Fprintf(&b, "L%s %sZ", px(labelW+plotW), base)
	return b.String()
}

func (t *exTimeline) database(d *exDBTrack, cat *scenarios.Catalog) {
	t.bg = append(t.bg, shape{Kind: "rect", X: 0, Y: t.y, W: labelW + plotW, H: exLaneH + 2, Class: "row-server"})
	t.labels = append(t.labels, shape{Kind: "text", X: 8, Y: t.y + 11.5, Class: "lbl-tenant", Text: d.name})
	spans := d.mounted
	if d.cur.open {
		spans = append(spans, exSpan{from: d.cur.from, to: t.end, state: d.cur.state})
	}
	for _, sp := range spans {
		x0, x1 := t.x(sp.from), t.x(sp.to)
		class := "ex-mounted"
		if strings.HasPrefix(sp.state, "dismounted") {
			class = "ex-dismounted"
		}
		title := fmt.Sprintf("%s %s\nfrom %s (%s) to %s (%s)", d.name, sp.state, exact(t.start, sp.from), rel(sp.from), exact(t.start, sp.to), rel(sp.to))
		t.bands = append(t.bands, shape{Kind: "rect", X: x0, Y: t.y + 3, W: max(x1-x0, 1), H: exLaneH - 4, Class: class, Title: title, Entity: d.name})
		if x1-x0 > 60 {
			t.labels = append(t.labels, shape{Kind: "text", X: x0 + 4, Y: t.y + 12, Class: "lbl-band", Text: clip(sp.state, int((x1-x0)/6)), Title: title})
		}
	}
	t.y += exLaneH + 2
	for _, sv := range d.copies {
		name := d.name + `\` + cat.ServerName(sv)
		t.bg = append(t.bg, shape{Kind: "rect", X: 0, Y: t.y, W: labelW + plotW, H: exLaneH - 2, Class: "row-job"})
		t.labels = append(t.labels, shape{Kind: "text", X: 20, Y: t.y + 9.5, Class: "lbl-sub", Text: "copy " + name})
		spans := d.susp[sv]
		if from, ok := d.suspAt[sv]; ok {
			spans = append(spans, exSpan{from: from, to: t.end})
		}
		for _, sp := range spans {
			x0, x1 := t.x(sp.from), t.x(sp.to)
			t.bands = append(t.bands, shape{Kind: "rect", X: x0, Y: t.y + 2, W: max(x1-x0, 1), H: exLaneH - 6, Class: "ex-suspended",
				Title: fmt.Sprintf("copy %s suspended from %s to %s", name, exact(t.start, sp.from), exact(t.start, sp.to)), Entity: name})
		}
		t.y += exLaneH - 2
	}
}

func (t *exTimeline) marker(a exAction, cy, rowTop px) {
	x := t.x(a.at)
	w := px(max(markerW, 6*len([]rune(a.code))+5))
	left := x - w/2
	row := 0
	for ; row < exMarkRows; row++ {
		key := rowTop + px(row)
		if end, ok := t.markEnds[key]; !ok || left >= end {
			t.markEnds[key] = left + w + 1
			break
		}
	}
	if row == exMarkRows { // every row is taken here: stack on the last, shifted right
		key := rowTop + px(exMarkRows-1)
		left = t.markEnds[key]
		t.markEnds[key] = left + w + 1
		row = exMarkRows - 1
	}
	y := cy + px(row)*(markerH+2)
	title := a.what + "\nat " + exact(t.start, a.at) + " (" + rel(a.at) + ")"
	if left != x-w/2 {
		t.marks = append(t.marks, shape{Kind: "line", X: x, Y: y - markerH/2, X2: left + w/2, Y2: y - markerH/2, Class: "mk-lead"})
	}
	t.marks = append(t.marks,
		shape{Kind: "rect", X: left, Y: y - markerH/2, W: w, H: markerH, Class: "mk " + a.class, Title: title},
		shape{Kind: "text", X: left + w/2, Y: y + 3.5, Anchor: "middle", Class: "mk-t", Text: a.code, Title: title})
}

func (t *exTimeline) axis(bottom px) {
	steps := []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if time.Duration(t.end)/s <= 12 {
			step = s
			break
		}
	}
	t.bg = append(t.bg, shape{Kind: "line", X: labelW, Y: axisH - 2, X2: labelW + plotW, Y2: axisH - 2, Class: "axis"})
	t.labels = append(t.labels, shape{Kind: "text", X: 8, Y: 14, Class: "lbl-axis", Text: "time (UTC)"},
		shape{Kind: "text", X: 8, Y: 27, Class: "lbl-sub", Text: "since scenario start"})
	first := t.start.Truncate(step)
	if first.Before(t.start) {
		first = first.Add(step)
	}
	for tm := first; !tm.After(sim.Time(t.end).At(t.start)); tm = tm.Add(step) {
		at := sim.Since(t.start, tm)
		x := t.x(at)
		t.bg = append(t.bg, shape{Kind: "line", X: x, Y: axisH - 2, X2: x, Y2: bottom, Class: "grid"})
		t.labels = append(t.labels, shape{Kind: "text", X: x, Y: 14, Anchor: "middle", Class: "lbl-axis", Text: tm.UTC().Format("15:04")},
			shape{Kind: "text", X: x, Y: 27, Anchor: "middle", Class: "lbl-sub", Text: rel(at)})
	}
}

func (t *exTimeline) violations(marks []violMark, bottom px) {
	badgeEnd := px(-1000)
	for i, m := range marks {
		x := t.x(m.T)
		bx := max(x, badgeEnd+15)
		badgeEnd = bx
		title := fmt.Sprintf("%s violated at %s (%s)\n%s", m.Invariant, m.Time, rel(m.T), m.Message)
		class := "viol"
		if m.Highlight {
			class += " viol-hl"
		}
		t.viol = append(t.viol, shape{Kind: "line", X: x, Y: axisH, X2: x, Y2: bottom, Class: class, Title: title},
			shape{Kind: "line", X: bx, Y: axisH - 4, X2: x, Y2: axisH - 1, Class: "viol-lead"})
		if i >= maxBadges {
			continue
		}
		t.viol = append(t.viol,
			shape{Kind: "circle", X: bx, Y: axisH - 11, R: 7, Class: class + " viol-badge", ID: m.Anchor, Title: title, Href: "#" + m.Back},
			shape{Kind: "text", X: bx, Y: axisH - 7.5, Anchor: "middle", Class: "viol-t", Text: strconv.Itoa(i + 1), Title: title, Href: "#" + m.Back})
	}
}
