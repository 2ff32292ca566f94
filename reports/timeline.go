package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// shape is one SVG element. The template switches on Kind; every string
// goes through html/template, so names from a scenario are always text.
type shape struct {
	Kind       string // rect | line | text | circle | path
	X, Y, W, H px
	X2, Y2, R  px
	D          string
	Class      string
	ID         string
	Title      string
	Text       string
	Anchor     string // text-anchor
	Href       string // wraps the element in a link
	Entity     string // data-entity: the session or object a bar is for (tests, scripts)
	Transform  string // text only
}

// timelineView is the template's view of the timeline.
type timelineView struct {
	Available      bool
	Reason         string
	Width, Height  px
	Shapes         []shape
	Dense          bool
	Notes          []string
	Lanes          int // job lanes in the run
	LanesDrawn     int
	Bars, BarsAll  int
	From, To       string
	LabelW, PlotW  px
	DenseTenants   int
	TenantsInTrace int
}

// Layout constants, in CSS pixels.
const (
	labelW     = 250
	plotW      = 1000
	rightPad   = 24
	axisH      = 52
	serverRowH = 26
	tenantRowH = 17
	barH       = 9
	subH       = 11
	maxSubRows = 8
	densityH   = 64
	rugH       = 12
	markerW    = 17
	markerH    = 13
	maxBadges  = 60 // numbered violation badges; later violations get their line only
)

// violMark is an invariant violation (or a highlight) placed on the
// timeline; Anchor is the element ID the invariants table links to.
type violMark struct {
	Anchor    string
	Invariant string
	T         sim.Time
	Time      string
	Entities  []string
	Message   string
	Highlight bool
	Back      string // anchor of the table row
}

type timelineOpts struct {
	maxLanes, maxBars, worstK int
	worst                     []int32 // tenants, most affected first
	// noneAffected: no tenant was affected, and worst is the first
	// tenants as declared. tenantTable says what the tenant table lists.
	noneAffected bool
	tenantTable  string
	marks        []violMark
	match        *entityMatch
}

type rowSpan struct{ y0, y1 px }

type layout struct {
	tr     *trace
	o      timelineOpts
	t0, t1 sim.Time
	segs   []segment
	y      px

	bg, shade, sess, bars, marks, viol, labels []shape

	serverRows map[int32]rowSpan
	tenantRows map[int32]rowSpan
	jobRows    map[int32]rowSpan
	blocks     []serverBlock // rows belonging to a server (for shading)
	barsLeft   int
	barsDrawn  int
	barsAll    int
	lanes      int
	markerEnds map[px]px // per row top: x where the last marker ended
}

type serverBlock struct {
	server int32
	y0, y1 px
}

func (l *layout) x(t sim.Time) px {
	t = min(max(t, l.t0), l.t1)
	for _, sg := range l.segs {
		if t <= sg.t1 {
			if sg.t1 == sg.t0 {
				return sg.x0
			}
			return sg.x0 + px(float64(t-sg.t0)/float64(sg.t1-sg.t0)*float64(sg.x1-sg.x0))
		}
	}
	return labelW + plotW
}

// tAt is x's inverse: the time at a horizontal position.
func (l *layout) tAt(x px) sim.Time {
	for _, sg := range l.segs {
		if x <= sg.x1 {
			if sg.x1 == sg.x0 {
				return sg.t0
			}
			return sg.t0 + sim.Time(float64(x-sg.x0)/float64(sg.x1-sg.x0)*float64(sg.t1-sg.t0))
		}
	}
	return l.t1
}

// segment is a stretch of the time axis drawn at one scale. Long idle
// stretches (no session, no operator action) are gaps: drawn narrow, with
// an axis break, so two nightly sessions a day apart do not end up as two
// slivers at the edges of an empty page.
type segment struct {
	t0, t1 sim.Time
	x0, x1 px
	gap    bool
}

const gapW = 40 // width of a compressed idle stretch

// segments splits [t0, t1] into busy stretches and compressed idle gaps.
func segments(tr *trace, t0, t1 sim.Time) []segment {
	span := t1 - t0
	pad := max(span/50, sim.Time(5*time.Minute))
	type iv struct{ a, b sim.Time }
	var busy []iv
	add := func(a, b sim.Time) { busy = append(busy, iv{max(a-pad, t0), min(b+pad, t1)}) }
	for _, s := range tr.sessions {
		e := s.end
		if !s.ended {
			e = t1
		}
		add(s.start, e)
	}
	for _, a := range tr.actions {
		add(a.at, a.at)
	}
	slices.SortFunc(busy, func(x, y iv) int { return cmpTime(x.a, y.a) })
	minGap := max(span*15/100, sim.Time(2*time.Hour))
	var gaps []iv
	cur := t0
	for _, b := range busy {
		if b.a-cur > minGap {
			gaps = append(gaps, iv{cur, b.a})
		}
		cur = max(cur, b.b)
	}
	if t1-cur > minGap {
		gaps = append(gaps, iv{cur, t1})
	}
	if len(gaps) == 0 {
		return []segment{{t0: t0, t1: t1, x0: labelW, x1: labelW + plotW}}
	}
	idle := sim.Time(0)
	for _, g := range gaps {
		idle += g.b - g.a
	}
	scale := float64(plotW-gapW*len(gaps)) / float64(span-idle)
	var out []segment
	x := px(labelW)
	at := t0
	push := func(a, b sim.Time, gap bool) {
		if b <= a {
			return
		}
		w := px(float64(b-a) * scale)
		if gap {
			w = gapW
		}
		out = append(out, segment{t0: a, t1: b, x0: x, x1: x + w, gap: gap})
		x += w
	}
	for _, g := range gaps {
		push(at, g.a, false)
		push(g.a, g.b, true)
		at = g.b
	}
	push(at, t1, false)
	out[len(out)-1].x1 = labelW + plotW // absorb rounding
	return out
}

// viewRange frames the timeline on what happened, padded a little, rather
// than on the whole horizon: a 12-hour scenario whose work happens in two
// hours should not be a thin sliver.
func viewRange(tr *trace) (sim.Time, sim.Time) {
	end := tr.end
	if !tr.anyActivity {
		if end <= 0 {
			end = sim.Time(time.Hour)
		}
		return 0, end
	}
	t0, t1 := tr.firstActivity, tr.lastActivity
	for _, s := range tr.sessions {
		if !s.ended {
			t1 = max(t1, end)
		}
	}
	if t1 <= t0 {
		t1 = t0 + sim.Time(10*time.Minute)
	}
	pad := (t1 - t0) / 40
	t0 -= pad
	t1 += pad
	// Whole seconds or minutes at the edges read better than 20:53:30.412.
	unit := sim.Time(time.Second)
	if t1-t0 > sim.Time(time.Hour) {
		unit = sim.Time(time.Minute)
	}
	t0 = t0 / unit * unit
	t1 = (t1 + unit - 1) / unit * unit
	if t0 < 0 {
		t0 = 0
	}
	if end > 0 && t1 > end && end > t0 {
		t1 = end
	}
	return t0, t1
}

func buildTimeline(tr *trace, o timelineOpts) timelineView {
	l := &layout{tr: tr, o: o, serverRows: map[int32]rowSpan{}, tenantRows: map[int32]rowSpan{},
		jobRows: map[int32]rowSpan{}, barsLeft: o.maxBars, markerEnds: map[px]px{}}
	l.t0, l.t1 = viewRange(tr)
	l.segs = segments(tr, l.t0, l.t1)
	l.lanes = len(tr.cat.Jobs)
	l.barsAll = len(tr.tasks)
	v := timelineView{Available: true, Lanes: l.lanes, From: when(tr.start, l.t0), To: when(tr.start, l.t1),
		LabelW: labelW, PlotW: plotW, TenantsInTrace: len(tr.cat.Tenants)}
	l.y = axisH
	dense := l.lanes > o.maxLanes
	v.Dense = dense
	if !dense {
		for sv := range tr.cat.Servers {
			y0 := l.y
			l.serverRow(int32(sv))
			for t := range tr.cat.Tenants {
				if tr.cat.TenantServer[t] == int32(sv) {
					l.tenantBlock(int32(t))
				}
			}
			l.blocks = append(l.blocks, serverBlock{int32(sv), y0, l.y})
			l.y += 6
		}
		l.orphans()
	} else {
		for sv := range tr.cat.Servers {
			y0 := l.y
			l.serverRow(int32(sv))
			l.densityRow(int32(sv))
			l.blocks = append(l.blocks, serverBlock{int32(sv), y0, l.y})
			l.y += 6
		}
		k := 0
		lanes := 0
		var shown []int32
		for _, t := range o.worst {
			if k >= o.worstK || lanes >= o.maxLanes {
				break
			}
			shown = append(shown, t)
			lanes += l.jobsOf(t)
			k++
		}
		v.DenseTenants = len(shown)
		section, lanesFor := "", ""
		switch {
		case len(shown) == 0:
			lanesFor = "There are no tenant lanes"
		case o.noneAffected:
			section = fmt.Sprintf("First %d tenants as declared (no tenant was affected)", len(shown))
			lanesFor = fmt.Sprintf("No tenant had a failed session or a failed or canceled task, so detailed lanes follow for the first %s as declared",
				plural(len(shown), "tenant", "tenants"))
		case len(shown) == len(o.worst):
			section = fmt.Sprintf("Affected tenants (all %d), worst first", len(shown))
			lanesFor = fmt.Sprintf("Detailed lanes follow for %s", plural(len(shown), "affected tenant (the only one)", "affected tenants (all of them)"))
		default:
			section = fmt.Sprintf("Most affected tenants (%d of %s affected), worst first", len(shown), fmtInt(int64(len(o.worst))))
			lanesFor = fmt.Sprintf("Detailed lanes follow for the %d most affected of %s affected tenants", len(shown), fmtInt(int64(len(o.worst))))
		}
		if len(shown) > 0 {
			l.y += 8
			l.labels = append(l.labels, shape{Kind: "text", X: 8, Y: l.y + 12, Class: "lbl-section", Text: section})
			l.y += 18
			for _, t := range shown {
				y0 := l.y
				l.tenantBlock(t)
				l.blocks = append(l.blocks, serverBlock{tr.cat.TenantServer[t], y0, l.y})
			}
		}
		v.Notes = append(v.Notes, fmt.Sprintf("This run has %s job lanes (more than %d), so each server is drawn as a density row: "+
			"the grey area is the number of tasks in process over time, the dashed line the server's task slots, and the red rug below it "+
			"the tasks that failed or were canceled. %s; %s.",
			fmtInt(int64(l.lanes)), o.maxLanes, lanesFor, o.tenantTable))
	}
	l.y += 4
	bottom := l.y
	l.axis(bottom)
	l.shading()
	l.violations(bottom)
	v.Height = bottom + 6
	v.Width = labelW + plotW + rightPad
	v.Bars, v.BarsAll = l.barsDrawn, l.barsAll
	v.LanesDrawn = len(l.jobRows)
	if l.barsDrawn < l.barsAll && l.barsLeft <= 0 {
		v.Notes = append(v.Notes, fmt.Sprintf("The timeline is capped at %s task bars: it shows the first %s (in start order) of the "+
			"lanes drawn; %s more are left out. Counts, tables and metrics below include every task.",
			fmtInt(int64(o.maxBars)), fmtInt(int64(l.barsDrawn)), fmtInt(int64(l.barsAll-l.barsDrawn))))
	}
	for _, group := range [][]shape{l.bg, l.shade, l.sess, l.bars, l.marks, l.viol, l.labels} {
		v.Shapes = append(v.Shapes, group...)
	}
	return v
}

func (l *layout) jobsOf(t int32) int {
	n := 0
	for j := range l.tr.cat.Jobs {
		if l.tr.cat.JobTenant[j] == t {
			n++
		}
	}
	return n
}

// orphans draws lanes for tenants whose server is not declared (a broken
// trace), so nothing silently disappears.
func (l *layout) orphans() {
	for t := range l.tr.cat.Tenants {
		sv := l.tr.cat.TenantServer[t]
		if sv < 0 || int(sv) >= len(l.tr.cat.Servers) {
			l.tenantBlock(int32(t))
		}
	}
}

func (l *layout) stripe(y, h px, class string) {
	l.bg = append(l.bg, shape{Kind: "rect", X: labelW, Y: y, W: plotW, H: h, Class: class})
}

func (l *layout) serverRow(sv int32) {
	tr := l.tr
	d := tr.cat.Servers[sv]
	y := l.y
	l.serverRows[sv] = rowSpan{y, y + serverRowH}
	l.bg = append(l.bg, shape{Kind: "rect", X: 0, Y: y, W: labelW + plotW, H: serverRowH, Class: "row-server"})
	name := "(undeclared server)"
	detail := ""
	if d != nil {
		name = d.Name
		slots := "unlimited slots"
		if d.TaskSlots > 0 {
			slots = plural(int(d.TaskSlots), "task slot", "task slots")
		}
		detail = "Cloud Connect " + d.Version.String() + " · " + slots
	}
	title := "Server " + name
	if detail != "" {
		title += "\n" + detail
		if d.ConfiguredMessage != "" {
			title += "\nconfigured maintenance message: " + d.ConfiguredMessage
		}
	}
	l.labels = append(l.labels,
		shape{Kind: "text", X: 8, Y: y + 11, Class: "lbl-server", Text: clip(name, 30), Title: title},
		shape{Kind: "text", X: 8, Y: y + 22, Class: "lbl-sub", Text: clip(detail, 44)})
	s := &tr.servers[sv]
	states := []struct {
		iv    []interval
		class string
		what  string
	}{{s.maint, "st-maint", "In maintenance"}, {s.serviceDown, "st-service", "Cloud Connect Service stopped"}, {s.powerOff, "st-power", "Powered off"}}
	for _, st := range states {
		for _, iv := range st.iv {
			to := iv.to
			if iv.open {
				to = l.t1
			}
			x0, x1 := l.x(iv.from), l.x(to)
			l.sess = append(l.sess, shape{Kind: "rect", X: x0, Y: y + 4, W: max(x1-x0, 1), H: serverRowH - 8, Class: st.class,
				Title: l.intervalTitle(st.what+" on "+name, iv)})
			// Say it in words where there is room, so the band needs no legend.
			if label := strings.ToLower(st.what[:1]) + st.what[1:]; x1-x0 > px(7*len(label)+40) {
				l.labels = append(l.labels, shape{Kind: "text", X: (x0 + x1) / 2, Y: y + serverRowH/2 + 3.5, Anchor: "middle",
					Class: "lbl-band " + st.class + "-t", Text: label, Title: l.intervalTitle(st.what+" on "+name, iv)})
			}
		}
	}
	for _, a := range tr.actions {
		if a.server == sv && serverAction(a.kind) {
			l.marker(a, y+serverRowH/2)
		}
	}
	l.y += serverRowH
}

func serverAction(k model.RecordKind) bool {
	switch k {
	case model.RecMaintenanceEnabled, model.RecMaintenanceDisabled, model.RecMaintenanceUnchanged, model.RecMaintenanceRejected,
		model.RecServiceStarted, model.RecServiceStopped, model.RecPowerOff, model.RecPowerOn, model.RecMessageConfigured:
		return true
	}
	return false
}

func (l *layout) intervalTitle(what string, iv interval) string {
	start := l.tr.start
	var b strings.Builder
	b.WriteString(what)
	b.WriteString("\nfrom ")
	b.WriteString(exact(start, iv.from))
	b.WriteString(" (" + rel(iv.from) + ")")
	if iv.open {
		b.WriteString("\nstill so at the end of the run (" + rel(l.tr.end) + ")")
	} else {
		b.WriteString("\nto   " + exact(start, iv.to) + " (" + rel(iv.to) + ")")
		b.WriteString("\nlasted " + fmtDur(time.Duration(iv.to-iv.from)))
	}
	if iv.text != "" {
		b.WriteString("\nwhy: " + iv.text)
	}
	return b.String()
}

// tenantHeader is how a tenant is labelled.
type tenantHeader struct {
	t                   int32
	name, detail, title string
}

func (l *layout) tenantHeader(t int32) tenantHeader {
	d := l.tr.cat.Tenants[t]
	h := tenantHeader{t: t, name: "(undeclared tenant)"}
	if d == nil {
		return h
	}
	h.name = d.Name
	h.detail = d.Client.String()
	if d.MaxTasks > 0 {
		h.detail += " · max " + strconv.Itoa(int(d.MaxTasks))
	}
	h.title = "Tenant " + d.Name + "\nclient " + d.Client.String()
	if d.MaxTasks > 0 {
		h.title += "\nmax_concurrent_tasks " + strconv.Itoa(int(d.MaxTasks))
	}
	if d.BandwidthBps > 0 {
		h.title += "\nbandwidth " + fmtInt(d.BandwidthBps) + " bit/s"
	}
	if d.Client.SupportsNotice() {
		h.title += "\nclient shows the maintenance notice (M6)"
	} else {
		h.title += "\nclient too old for the maintenance notice: sees a connection error (M6)"
	}
	return h
}

// tenantBlock draws a tenant: a header row and a lane per job, or, for a
// tenant with a single job, one lane labelled with both.
func (l *layout) tenantBlock(t int32) {
	tr := l.tr
	h := l.tenantHeader(t)
	y0 := l.y
	var jobs []int32
	for j := range tr.cat.Jobs {
		if tr.cat.JobTenant[j] == t {
			jobs = append(jobs, int32(j))
		}
	}
	if len(jobs) == 1 {
		l.jobLane(jobs[0], &h)
		l.tenantRows[t] = rowSpan{y0, l.y}
		return
	}
	l.bg = append(l.bg, shape{Kind: "rect", X: 0, Y: y0, W: labelW + plotW, H: tenantRowH, Class: "row-tenant"})
	l.labels = append(l.labels,
		shape{Kind: "text", X: 10, Y: y0 + 12, Class: "lbl-tenant", Text: clip(h.name, 24), Title: h.title},
		shape{Kind: "text", X: labelW - 8, Y: y0 + 12, Class: "lbl-sub", Anchor: "end", Text: clip(h.detail, 18)})
	l.tenantState(t, h.name, y0+3, tenantRowH-6, y0+tenantRowH/2)
	l.y += tenantRowH
	for _, j := range jobs {
		l.jobLane(j, nil)
	}
	l.tenantRows[t] = rowSpan{y0, l.y}
}

// tenantState draws the tenant's disabled spans and its own actions.
func (l *layout) tenantState(t int32, name string, y, h, markerY px) {
	tr := l.tr
	for _, iv := range tr.tenants[t].disabled {
		to := iv.to
		if iv.open {
			to = l.t1
		}
		x0, x1 := l.x(iv.from), l.x(to)
		l.sess = append(l.sess, shape{Kind: "rect", X: x0, Y: y, W: max(x1-x0, 1), H: h, Class: "st-disabled",
			Title: l.intervalTitle("Tenant "+name+" disabled", iv)})
	}
	for _, a := range tr.actions {
		if a.tenant == t && a.job < 0 && !serverAction(a.kind) {
			l.marker(a, markerY)
		}
	}
}

func (l *layout) jobLane(j int32, hdr *tenantHeader) {
	tr := l.tr
	d := tr.cat.Jobs[j]
	var sess []*sessTrack
	for _, s := range tr.sessions {
		if s.job == j {
			sess = append(sess, s)
		}
	}
	// Pack the job's tasks into sub-rows so concurrent tasks (M14) do not
	// hide each other.
	var ends []sim.Time
	subs := 1
	for _, s := range sess {
		for _, t := range s.tasks {
			end := t.end
			if !t.ended {
				end = l.t1
			}
			placed := false
			for i := range ends {
				if ends[i] <= t.start {
					t.sub, ends[i], placed = i, end, true
					break
				}
			}
			if !placed {
				if len(ends) < maxSubRows {
					ends = append(ends, end)
					t.sub = len(ends) - 1
				} else {
					t.sub = maxSubRows - 1
					ends[maxSubRows-1] = max(ends[maxSubRows-1], end)
				}
			}
			subs = max(subs, len(ends))
		}
	}
	h := px(6 + subs*subH + 4)
	if hdr != nil {
		h = max(h, 30)
	}
	y := l.y
	l.jobRows[j] = rowSpan{y, y + h}
	l.stripe(y, h, "row-job")
	name, kind, title := "(undeclared job)", "", ""
	if d != nil {
		name, kind = d.Name, d.Kind.String()
		title = "Job " + tr.cat.TenantName(tr.cat.JobTenant[j]) + "/" + d.Name + "\n" + d.Kind.String() + " · " + d.Platform.String() +
			" · managed by " + d.ManagedBy.String() + " · target " + d.Target.String() +
			"\nobjects (in order, S6): " + clip(strings.Join(d.Objects, ", "), 300)
		if d.RetryCount > 0 {
			title += "\nretry " + strconv.Itoa(int(d.RetryCount)) + "× after " + fmtDur(d.RetryWait) + " (S8)"
		}
		if tr.jobAffected(j) {
			title += "\naffected by maintenance (M3/M5)"
		} else {
			title += "\nnot affected by maintenance (M8)"
		}
	}
	if hdr != nil {
		// One lane for a one-job tenant: tenant on the first line, job
		// and client on the second.
		l.labels = append(l.labels,
			shape{Kind: "text", X: 10, Y: y + 13, Class: "lbl-tenant", Text: clip(hdr.name, 24), Title: hdr.title},
			shape{Kind: "text", X: labelW - 8, Y: y + 13, Class: "lbl-sub", Anchor: "end", Text: clip(hdr.detail, 18)},
			shape{Kind: "text", X: 22, Y: y + 25, Class: "lbl-job", Text: clip(name, 22), Title: title},
			shape{Kind: "text", X: labelW - 8, Y: y + 25, Class: "lbl-sub", Anchor: "end", Text: kind})
		l.tenantState(hdr.t, hdr.name, y+1, 3, y+7)
	} else {
		l.labels = append(l.labels,
			shape{Kind: "text", X: 22, Y: y + 13, Class: "lbl-job", Text: clip(name, 22), Title: title},
			shape{Kind: "text", X: labelW - 8, Y: y + 13, Class: "lbl-sub", Anchor: "end", Text: kind})
	}
	for i, s := range sess {
		l.session(s, y, h)
		// The session's result in words after its box, where the lane has
		// room before the next session.
		next := l.t1
		if i+1 < len(sess) {
			next = sess[i+1].start
		}
		if s.ended && s.end < l.t1 {
			label := s.result.String()
			if s.cause != model.CauseNone {
				label += " (" + causeWord(s.cause) + ")"
			}
			x := l.x(s.end) + 4
			w := px(6*len(label) + 8)
			clear := !slices.ContainsFunc(tr.actions, func(a actionMark) bool {
				mine := a.job == j || hdr != nil && a.tenant == hdr.t && a.job < 0 && !serverAction(a.kind)
				ax := l.x(a.at)
				return mine && ax > x-markerW && ax < x+w+markerW
			})
			if clear && l.x(next)-x > w {
				l.labels = append(l.labels, shape{Kind: "text", X: x, Y: y + h/2 + 3, Class: "lbl-result res-" + s.result.String(), Text: label})
			}
		}
	}
	for _, a := range tr.actions {
		if a.job == j {
			l.marker(a, y+7)
		}
	}
	l.y += h
}

func (l *layout) session(s *sessTrack, y, h px) {
	tr := l.tr
	end := s.end
	if !s.ended {
		end = l.t1
	}
	x0, x1 := l.x(s.start), l.x(end)
	id := tr.cat.SessionName(s.job, s.n)
	class := "sess sess-" + resultClass(s.result, s.ended)
	if l.o.match.session(s) {
		class += " hl"
	}
	l.sess = append(l.sess, shape{Kind: "rect", X: x0, Y: y + 2, W: max(x1-x0, 2), H: h - 4, Class: class,
		Title: l.sessionTitle(s, id), Entity: id})
	l.sess = append(l.sess, shape{Kind: "rect", X: x0, Y: y + h - 5, W: max(x1-x0, 2), H: 3, Class: "strip r-" + resultClass(s.result, s.ended)})
	for i, at := range s.attempts {
		xa := l.x(at)
		l.sess = append(l.sess, shape{Kind: "line", X: xa, Y: y + 2, X2: xa, Y2: y + h - 2, Class: "attempt",
			Title: fmt.Sprintf("%s: attempt %d (S8 retry of the failed objects)\nat %s (%s)", id, i+2, exact(tr.start, at), rel(at))})
	}
	for _, t := range s.tasks {
		if l.barsLeft <= 0 {
			break
		}
		l.barsLeft--
		l.barsDrawn++
		t.drawn = true
		tend := t.end
		if !t.ended {
			tend = l.t1
		}
		bx0, bx1 := l.x(t.start), l.x(tend)
		class := "bar r-" + resultClass(t.result, t.ended)
		if l.o.match.task(t) {
			class += " hl"
			t.highlight = true
		}
		obj := tr.cat.ObjectName(s.job, t.obj)
		l.bars = append(l.bars, shape{Kind: "rect", X: bx0, Y: y + 4 + px(t.sub*subH), W: max(bx1-bx0, 1.5), H: barH, Class: class,
			Title: l.taskTitle(t, id, obj), Entity: id + "/" + obj})
	}
	for _, p := range s.pending {
		xp := l.x(p.at)
		names := make([]string, 0, len(p.objs))
		for _, o := range p.objs {
			names = append(names, tr.cat.ObjectName(s.job, o))
		}
		what := "failed before starting"
		if p.result == model.ResultCanceled {
			what = "canceled before starting"
		}
		title := fmt.Sprintf("%s: %s %s (%s)\nat %s (%s)\n%s", id, plural(len(p.objs), "object", "objects"), what,
			causeText(p.cause), exact(tr.start, p.at), rel(p.at), clip(strings.Join(names, ", "), 400))
		if p.attempt > 1 {
			title += fmt.Sprintf("\nattempt %d", p.attempt)
		}
		class := "pend r-" + resultClass(p.result, true)
		cy := y + h/2 - 1
		l.bars = append(l.bars, shape{Kind: "path", D: fmt.Sprintf("M%s %sl4 4m0 -4l-4 4", xp-2, cy-2), Class: class, Title: title})
		l.bars = append(l.bars, shape{Kind: "rect", X: xp - 4, Y: cy - 4, W: 8, H: 8, Class: "hit", Title: title})
	}
}

func resultClass(r model.Result, ended bool) string {
	if !ended || r == model.ResultNone {
		return "Running"
	}
	return r.String()
}

func causeText(c model.Cause) string {
	switch c {
	case model.CauseMaintenance:
		return "maintenance, M3/M5"
	case model.CauseStop:
		return "stopped by the operator, S2/S3/S4"
	case model.CauseFault:
		return "service stopped or server off, M13"
	case model.CauseDisabled:
		return "tenant disabled, M12"
	}
	return "no cause recorded"
}

// causeWord is a cause in a reader's words, for labels.
func causeWord(c model.Cause) string {
	switch c {
	case model.CauseStop:
		return "stopped"
	case model.CauseFault:
		return "service down"
	case model.CauseDisabled:
		return "tenant disabled"
	}
	return c.String()
}

func (l *layout) sessionTitle(s *sessTrack, id string) string {
	tr := l.tr
	var b strings.Builder
	how := "scheduled"
	if s.manual {
		how = "started by the operator"
	} else if s.late {
		how = "scheduled, started late (previous session still running)"
	}
	kind := ""
	if d := tr.cat.Jobs[s.job]; d != nil {
		kind = d.Kind.String() + ", "
	}
	fmt.Fprintf(&b, "Session %s (%s%s)\nstart %s (%s)", id, kind, how, exact(tr.start, s.start), rel(s.start))
	if s.ended {
		fmt.Fprintf(&b, "\nend   %s (%s), took %s", exact(tr.start, s.end), rel(s.end), fmtDur(time.Duration(s.end-s.start)))
		fmt.Fprintf(&b, "\nresult %s", s.result)
		if s.text != "" {
			fmt.Fprintf(&b, ": %q", s.text)
		}
		if s.cause != model.CauseNone {
			fmt.Fprintf(&b, "\ncause %s", causeText(s.cause))
		}
		if s.mode != model.StopNone {
			fmt.Fprintf(&b, "\nstopped %s", s.mode)
		}
	} else {
		b.WriteString("\nstill running at the end of the run")
	}
	if len(s.attempts) > 0 {
		fmt.Fprintf(&b, "\nattempts %d", len(s.attempts)+1)
	}
	for _, n := range s.earlierNotices() {
		fmt.Fprintf(&b, "\nattempt %d failed by maintenance at %s, showed %q", n.attempt, rel(n.at), n.text)
	}
	fmt.Fprintf(&b, "\ntasks: %d Success, %d Failed, %d Canceled; %s", s.ok, s.failed, s.canceled, plural(s.restorePoints, "restore point", "restore points"))
	if s.bytes > 0 {
		fmt.Fprintf(&b, "\nbytes %s (%s B)", fmtBytes(s.bytes), fmtInt(s.bytes))
	}
	if s.bytesWasted > 0 {
		fmt.Fprintf(&b, ", wasted %s (%s B)", fmtBytes(s.bytesWasted), fmtInt(s.bytesWasted))
	}
	return b.String()
}

func (l *layout) taskTitle(t *taskTrack, id, obj string) string {
	tr := l.tr
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s", id, obj)
	if t.attempt > 1 {
		fmt.Fprintf(&b, " (attempt %d)", t.attempt)
	}
	if t.ended {
		fmt.Fprintf(&b, "\n%s", t.result)
		if t.restorePoint {
			b.WriteString(", restore point committed")
		} else {
			b.WriteString(", no restore point")
		}
		if t.cause != model.CauseNone {
			fmt.Fprintf(&b, "\ncause %s, ended in %s", causeText(t.cause), t.endPhase)
		}
		if t.snapshotLeft {
			b.WriteString("\nsnapshot NOT removed")
		}
	} else {
		b.WriteString("\nstill in process at the end of the run")
	}
	fmt.Fprintf(&b, "\nsnapshot %s (%s)", exact(tr.start, t.start), rel(t.start))
	if t.hasTransfer {
		fmt.Fprintf(&b, "\ntransfer %s (%s)", exact(tr.start, t.transfer), rel(t.transfer))
	}
	if t.hasC {
		fmt.Fprintf(&b, "\ncommit   %s (%s)", exact(tr.start, t.commit), rel(t.commit))
	}
	if t.ended {
		fmt.Fprintf(&b, "\nend      %s (%s), took %s", exact(tr.start, t.end), rel(t.end), fmtDur(time.Duration(t.end-t.start)))
		fmt.Fprintf(&b, "\nbytes %s of %s (%s of %s B)", fmtBytes(t.bytes), fmtBytes(t.size), fmtInt(t.bytes), fmtInt(t.size))
	} else {
		fmt.Fprintf(&b, "\nsize %s (%s B)", fmtBytes(t.size), fmtInt(t.size))
	}
	return b.String()
}

// marker draws an operator action (or the system's answer to one) as a
// small labelled box; markers at the same spot shift right so none hides
// another.
func (l *layout) marker(a actionMark, cy px) {
	glyph, class, what := actionGlyph(a)
	x := l.x(a.at)
	key := cy
	left := x - markerW/2
	if end, ok := l.markerEnds[key]; ok && left < end {
		left = end + 1
	}
	l.markerEnds[key] = left + markerW
	title := what + "\nat " + exact(l.tr.start, a.at) + " (" + rel(a.at) + ")"
	if who := l.actionEntity(a); who != "" {
		title += "\n" + who
	}
	if a.text != "" && a.kind != model.RecServiceStopped {
		title += "\n" + a.text
	}
	if left != x-markerW/2 {
		l.marks = append(l.marks, shape{Kind: "line", X: x, Y: cy - markerH/2, X2: left + markerW/2, Y2: cy - markerH/2, Class: "mk-lead"})
	}
	l.marks = append(l.marks,
		shape{Kind: "rect", X: left, Y: cy - markerH/2, W: markerW, H: markerH, Class: "mk " + class, Title: title},
		shape{Kind: "text", X: left + markerW/2, Y: cy + 3.5, Anchor: "middle", Class: "mk-t", Text: glyph, Title: title})
}

func (l *layout) actionEntity(a actionMark) string {
	c := l.tr.cat
	switch {
	case a.job >= 0 && a.n > 0:
		return "session " + c.SessionName(a.job, a.n)
	case a.job >= 0:
		return "job " + c.TenantName(c.JobTenant[a.job]) + "/" + c.JobName(a.job)
	case a.tenant >= 0:
		return "tenant " + c.TenantName(a.tenant)
	case a.server >= 0:
		return "server " + c.ServerName(a.server)
	}
	return ""
}

// actionGlyph is the marker's two-character code, its CSS class and its
// description. The legend on the page lists the same codes.
func actionGlyph(a actionMark) (string, string, string) {
	switch a.kind {
	case model.RecMaintenanceEnabled:
		return "M+", "mk-maint", "Maintenance mode enabled"
	case model.RecMaintenanceDisabled:
		return "M−", "mk-maint", "Maintenance mode disabled"
	case model.RecMaintenanceUnchanged:
		return "M=", "mk-noop", "Maintenance switch changed nothing (M2)"
	case model.RecMaintenanceRejected:
		return "M!", "mk-reject", "Maintenance enable rejected (M1)"
	case model.RecServiceStopped:
		what := "Cloud Connect Service stopped"
		if a.text != "" {
			what += " (" + a.text + ")"
		}
		return "S■", "mk-fault", what
	case model.RecServiceStarted:
		return "S▶", "mk-ok", "Cloud Connect Service started; effective maintenance message now: " + strconv.Quote(a.text) + " (M7)"
	case model.RecPowerOff:
		return "P■", "mk-fault", "Server powered off"
	case model.RecPowerOn:
		return "P▶", "mk-ok", "Server powered on"
	case model.RecMessageConfigured:
		msg := a.text
		if msg == "" {
			msg = "(default)"
		}
		return "✉", "mk-msg", "Maintenance message configured: " + strconv.Quote(msg) + " (effective at the next service start, M7)"
	case model.RecTenantDisabled:
		return "T■", "mk-fault", "Tenant disabled (M12)"
	case model.RecTenantEnabled:
		return "T▶", "mk-ok", "Tenant enabled"
	case model.RecBackupMoved:
		return "⇄", "mk-move", "Tenant's backups moved (M12: the tenant must be disabled first)"
	case model.RecActionRejected:
		return "!", "mk-reject", "Operator action rejected"
	case model.RecRestorePointRemoved:
		return "RP", "mk-reject", "A restore point was removed (S7)"
	case model.RecStopRequested:
		if a.mode == model.StopGraceful {
			return "■g", "mk-stop", "Graceful stop requested (S3)"
		}
		return "■", "mk-stop", "Immediate stop requested (S2)"
	case model.RecSessionStart:
		return "▶", "mk-ok", "Job started by the operator"
	}
	return "?", "mk-noop", a.kind.String()
}

// densityRow draws one server's tasks in process over time, bucketed to
// two pixels, with its task slots and a rug of failed task ends.
func (l *layout) densityRow(sv int32) {
	tr := l.tr
	s := &tr.servers[sv]
	const buckets = plotW / 2
	bw := px(plotW) / buckets
	at := func(b int) sim.Time { return l.tAt(labelW + px(b)*bw) }
	bucket := func(t sim.Time) int {
		i := int((l.x(t) - labelW) / bw)
		return min(max(i, 0), buckets-1)
	}
	type ev struct {
		at sim.Time
		d  int
	}
	evs := make([]ev, 0, 2*len(s.tasks))
	for _, t := range s.tasks {
		evs = append(evs, ev{t.start, +1})
		if t.ended {
			evs = append(evs, ev{t.end, -1})
		}
	}
	slices.SortStableFunc(evs, func(a, b ev) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		return a.d - b.d // ends before starts at one instant
	})
	peak := make([]int, buckets)
	cur := 0
	i := 0
	for b := 0; b < buckets; b++ {
		bEnd := at(b + 1)
		peak[b] = cur
		for i < len(evs) && (evs[i].at < bEnd || b == buckets-1) {
			cur += evs[i].d
			peak[b] = max(peak[b], cur)
			i++
		}
	}
	fails := make([]int, buckets)
	for _, at := range s.failedEnds {
		if at >= l.t0 && at <= l.t1 {
			fails[bucket(at)]++
		}
	}
	top := slices.Max(peak)
	slots := 0
	if d := tr.cat.Servers[sv]; d != nil {
		slots = int(d.TaskSlots)
	}
	scale := max(top, slots, 1)
	y := l.y
	l.bg = append(l.bg, shape{Kind: "rect", X: 0, Y: y, W: labelW + plotW, H: densityH + rugH, Class: "row-job"})
	l.labels = append(l.labels,
		shape{Kind: "text", X: 22, Y: y + 14, Class: "lbl-job", Text: "tasks in process"},
		shape{Kind: "text", X: 22, Y: y + 27, Class: "lbl-sub", Text: "peak " + fmtInt(int64(top)) + " of " + slotsText(slots)},
		shape{Kind: "text", X: 22, Y: y + densityH + 9, Class: "lbl-sub", Text: "failed/canceled task ends"})
	for b := 0; b < buckets; {
		e := b + 1
		for e < buckets && peak[e] == peak[b] {
			e++
		}
		if peak[b] > 0 {
			hh := px(float64(peak[b]) / float64(scale) * (densityH - 8))
			l.bars = append(l.bars, shape{Kind: "rect", X: labelW + px(b)*bw, Y: y + densityH - 2 - hh, W: px(e-b) * bw, H: hh, Class: "dens",
				Title: fmt.Sprintf("%s\n%s – %s\nup to %d tasks in process (%s)", tr.cat.ServerName(sv), clock(tr.start, at(b)), clock(tr.start, at(e)), peak[b], slotsText(slots))})
		}
		b = e
	}
	if slots > 0 {
		ys := y + densityH - 2 - px(float64(slots)/float64(scale)*(densityH-8))
		l.marks = append(l.marks, shape{Kind: "line", X: labelW, Y: ys, X2: labelW + plotW, Y2: ys, Class: "slots",
			Title: fmt.Sprintf("%s: %d task slots (M14)", tr.cat.ServerName(sv), slots)})
	}
	maxF := max(slices.Max(fails), 1)
	for b, n := range fails {
		if n == 0 {
			continue
		}
		hh := px(2 + float64(n)/float64(maxF)*(rugH-4))
		l.bars = append(l.bars, shape{Kind: "rect", X: labelW + px(b)*bw, Y: y + densityH + rugH - 1 - hh, W: bw, H: hh, Class: "rug",
			Title: fmt.Sprintf("%s – %s: %s failed or canceled", clock(tr.start, at(b)), clock(tr.start, at(b+1)), plural(n, "task", "tasks"))})
	}
	l.y += densityH + rugH
}

func slotsText(n int) string {
	if n <= 0 {
		return "unlimited slots"
	}
	return plural(n, "slot", "slots")
}

// shading draws every maintenance window (and service/power outage) across
// the lanes of its server, behind everything else.
func (l *layout) shading() {
	for _, b := range l.blocks {
		if b.server < 0 || int(b.server) >= len(l.tr.servers) {
			continue
		}
		s := &l.tr.servers[b.server]
		name := l.tr.cat.ServerName(b.server)
		for _, st := range []struct {
			iv    []interval
			class string
			what  string
		}{{s.maint, "shade-maint", "Maintenance on " + name}, {s.serviceDown, "shade-down", "Service stopped on " + name}, {s.powerOff, "shade-down", "Power off on " + name}} {
			for _, iv := range st.iv {
				to := iv.to
				if iv.open {
					to = l.t1
				}
				x0, x1 := l.x(iv.from), l.x(to)
				l.shade = append(l.shade, shape{Kind: "rect", X: x0, Y: b.y0, W: max(x1-x0, 1), H: b.y1 - b.y0, Class: st.class,
					Title: l.intervalTitle(st.what, iv)})
			}
		}
	}
}

// axis draws time ticks with wall-clock and relative labels and vertical
// grid lines through every lane.
func (l *layout) axis(bottom px) {
	busy := time.Duration(0)
	for _, sg := range l.segs {
		if !sg.gap {
			busy += time.Duration(sg.t1 - sg.t0)
		}
	}
	steps := []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if busy/s <= 10 {
			step = s
			break
		}
	}
	start := l.tr.start
	l.bg = append(l.bg, shape{Kind: "line", X: labelW, Y: axisH - 2, X2: labelW + plotW, Y2: axisH - 2, Class: "axis"})
	l.labels = append(l.labels, shape{Kind: "text", X: 8, Y: 14, Class: "lbl-axis", Text: "time (UTC)"},
		shape{Kind: "text", X: 8, Y: 27, Class: "lbl-sub", Text: "since scenario start"})
	lastDay := ""
	for _, sg := range l.segs {
		if sg.gap {
			idle := fmtDur(time.Duration(sg.t1 - sg.t0).Round(time.Minute))
			title := fmt.Sprintf("%s with no session and no operator action, drawn compressed\nfrom %s (%s)\nto   %s (%s)",
				idle, exact(start, sg.t0), rel(sg.t0), exact(start, sg.t1), rel(sg.t1))
			mid := (sg.x0 + sg.x1) / 2
			l.shade = append(l.shade, shape{Kind: "rect", X: sg.x0, Y: axisH - 2, W: sg.x1 - sg.x0, H: bottom - axisH + 2, Class: "gap", Title: title})
			l.labels = append(l.labels,
				shape{Kind: "path", D: fmt.Sprintf("M%s %sl4 -8m4 8l4 -8", mid-6, px(axisH+2)), Class: "axis-break", Title: title},
				shape{Kind: "text", X: mid, Y: 14, Anchor: "middle", Class: "lbl-sub", Text: "≈" + idle, Title: title},
				shape{Kind: "text", X: mid, Y: 27, Anchor: "middle", Class: "lbl-sub", Text: "idle", Title: title})
			continue
		}
		abs0 := sg.t0.At(start)
		first := abs0.Truncate(step)
		if first.Before(abs0) {
			first = first.Add(step)
		}
		for tm := first; !tm.After(sg.t1.At(start)); tm = tm.Add(step) {
			t := sim.Since(start, tm)
			x := l.x(t)
			if len(l.segs) > 1 && (x-sg.x0 < 18 && sg.x0 > labelW || sg.x1-x < 18 && sg.x1 < labelW+plotW) {
				continue // too close to an axis break to label
			}
			label := tm.UTC().Format("15:04")
			if step < time.Minute {
				label = tm.UTC().Format("15:04:05")
			}
			day := tm.UTC().Format("Jan 2")
			if day != lastDay && (lastDay != "" || step >= 24*time.Hour || tm.UTC().Hour() == 0 && tm.UTC().Minute() == 0) {
				label = day + " " + label
			}
			lastDay = day
			l.bg = append(l.bg, shape{Kind: "line", X: x, Y: axisH - 6, X2: x, Y2: bottom, Class: "grid"})
			l.labels = append(l.labels,
				shape{Kind: "text", X: x, Y: 14, Anchor: "middle", Class: "lbl-axis", Text: label},
				shape{Kind: "text", X: x, Y: 27, Anchor: "middle", Class: "lbl-sub", Text: rel(t)})
		}
	}
}

// violations draws a red line at each violation's time through the lanes
// of the entities it names (all lanes when it names none we know), with a
// numbered badge on the axis that links back to the invariants table.
func (l *layout) violations(bottom px) {
	badgeEnd := px(-1000)
	for i, m := range l.o.marks {
		x := l.x(m.T)
		// Violations at one instant get badges side by side, each joined
		// to its time by a short leader.
		bx := max(x, badgeEnd+15)
		badgeEnd = bx
		spans := l.o.match.rows(l, m.Entities)
		if len(spans) == 0 {
			spans = []rowSpan{{axisH, bottom}}
		}
		title := fmt.Sprintf("%s violated at %s (%s)\n%s", m.Invariant, m.Time, rel(m.T), m.Message)
		if len(m.Entities) > 0 {
			title += "\nentities: " + strings.Join(m.Entities, ", ")
		}
		if m.Highlight {
			title += "\n(highlighted counterexample event)"
		}
		class := "viol"
		if m.Highlight {
			class += " viol-hl"
		}
		for _, s := range spans {
			l.viol = append(l.viol, shape{Kind: "line", X: x, Y: s.y0, X2: x, Y2: s.y1, Class: class, Title: title})
		}
		l.viol = append(l.viol, shape{Kind: "line", X: bx, Y: axisH - 4, X2: x, Y2: axisH - 1, Class: "viol-lead"},
			shape{Kind: "line", X: x, Y: axisH - 1, X2: x, Y2: spans[0].y0, Class: "viol-lead"})
		if i >= maxBadges {
			continue
		}
		l.viol = append(l.viol,
			shape{Kind: "circle", X: bx, Y: axisH - 11, R: 7, Class: class + " viol-badge", ID: m.Anchor, Title: title, Href: "#" + m.Back},
			shape{Kind: "text", X: bx, Y: axisH - 7.5, Anchor: "middle", Class: "viol-t", Text: strconv.Itoa(i + 1), Title: title, Href: "#" + m.Back})
	}
}
