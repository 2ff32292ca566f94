package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SweepData is the input of WriteSweepHTML: a capacity-planning sweep,
// grid points × replicate seeds, with the metrics of every run. The sweep
// and merge commands fill it (Add per run record) and hand it over; this
// package only draws.
type SweepData struct {
	Title      string   // page title; "" reads "maintsim sweep"
	Base       string   // the base scenario file
	Command    string   // how the sweep was run (shown, for reproduction)
	Params     []string // the varied paths, in the sweep file's order ("actions[0].at")
	Metrics    []string // metric names in display order; nil: as first seen
	Replicates int      // seeds per point the sweep asked for (0: unknown)
	Points     []SweepPoint
	Notes      []string // anything the caller wants on the page (missing shards, …)

	index map[string]int
}

// SweepPoint is one grid point: a value per parameter and, per metric, one
// number per replicate (NaN: not defined for that run, e.g. a drain time
// when maintenance never started).
type SweepPoint struct {
	Values  []string // aligned with SweepData.Params, as written in the sweep file
	Metrics map[string][]float64
	Seeds   []uint64 // optional: replicate seeds, in the order of the values
	// Runs and Replicates are each value's run index (what `maintsim
	// sweep SWEEP.yaml --print-run N` takes) and replicate number, both
	// from 0 as in the sweep's JSONL and CSV; -1 or missing: unknown.
	Runs, Replicates []int
	Errors           int // runs of this point that failed (not in Metrics)
}

// Add records one run: its grid point's values, its seed and its metrics.
// Points keep the order in which they first appear; metrics missing from a
// run are recorded as NaN so replicates stay aligned.
//
// Add numbers the runs the way `maintsim sweep` does, for runs given in
// run order with none missing (what merge hands over): a point's k-th run
// is replicate k, and with Replicates set its run index is
// point × Replicates + k. Use AddRun when the runs come otherwise.
func (d *SweepData) Add(values []string, seed uint64, metrics map[string]float64) {
	d.add(values, seed, metrics, -1, -1)
}

// AddRun is Add with the run's index and replicate number as the sweep
// output records them (the JSONL's run and replicate).
func (d *SweepData) AddRun(run, replicate int, values []string, seed uint64, metrics map[string]float64) {
	d.add(values, seed, metrics, run, replicate)
}

func (d *SweepData) add(values []string, seed uint64, metrics map[string]float64, run, replicate int) {
	key := strings.Join(values, "\x00")
	if d.index == nil {
		d.index = map[string]int{}
		for i, p := range d.Points {
			d.index[strings.Join(p.Values, "\x00")] = i
		}
	}
	i, ok := d.index[key]
	if !ok {
		i = len(d.Points)
		d.index[key] = i
		d.Points = append(d.Points, SweepPoint{Values: slices.Clone(values), Metrics: map[string][]float64{}})
	}
	p := &d.Points[i]
	if p.Metrics == nil {
		p.Metrics = map[string][]float64{}
	}
	n := len(p.Seeds)
	names := make([]string, 0, len(metrics))
	for name := range metrics {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(d.Metrics, name) {
			d.Metrics = append(d.Metrics, name)
		}
	}
	for _, name := range d.Metrics {
		vals := p.Metrics[name]
		for len(vals) < n {
			vals = append(vals, math.NaN())
		}
		v, ok := metrics[name]
		if !ok {
			v = math.NaN()
		}
		p.Metrics[name] = append(vals, v)
	}
	p.Seeds = append(p.Seeds, seed)
	if replicate < 0 {
		replicate = n
		if d.Replicates > 0 {
			run = i*d.Replicates + n
		}
	}
	for len(p.Runs) < n {
		p.Runs = append(p.Runs, -1)
	}
	for len(p.Replicates) < n {
		p.Replicates = append(p.Replicates, -1)
	}
	p.Runs, p.Replicates = append(p.Runs, run), append(p.Replicates, replicate)
}

// Bounds of the sweep page.
const (
	maxSweepRows   = 1000 // table rows
	maxChartPoints = 120  // grid points per chart
	maxChartDots   = 200  // replicate dots per grid point
)

type sweepView struct {
	page
	Title, Base, Command string
	Params               []string
	Runs, PointsN        int
	Replicates           string
	Notes                []string
	Columns              []string
	Rows                 []sweepRow
	RowsNote             string
	Charts               []sweepChart
}

type sweepRow struct {
	Values []string
	Cells  []sweepCell
	N      int
	Errors int
}

type sweepCell struct{ P50, Range, Title string }

type sweepChart struct {
	Metric, Unit  string
	Width, Height px
	Shapes        []shape
	Note          string
}

// WriteSweepHTML writes one self-contained page comparing the grid points
// of a sweep: a table with each metric's p50 (nearest rank, as merge
// computes it) and range per point, and
// for each metric a box-and-strip chart of its distribution across the
// replicates of every point. The same data gives the same bytes.
func WriteSweepHTML(w io.Writer, d SweepData) error {
	if len(d.Points) == 0 && len(d.Notes) == 0 {
		return errors.New("reports: WriteSweepHTML: no grid points")
	}
	v := buildSweepView(&d)
	var buf bytes.Buffer
	if err := pageTemplates().ExecuteTemplate(&buf, "sweep.html", v); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func buildSweepView(d *SweepData) *sweepView {
	v := &sweepView{page: newPage(), Title: d.Title, Base: d.Base, Command: d.Command, Params: d.Params,
		PointsN: len(d.Points), Notes: d.Notes}
	if v.Title == "" {
		v.Title = "maintsim sweep"
	}
	metrics := d.Metrics
	if len(metrics) == 0 {
		seen := map[string]bool{}
		for _, p := range d.Points {
			names := make([]string, 0, len(p.Metrics))
			for n := range p.Metrics {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				if !seen[n] {
					seen[n] = true
					metrics = append(metrics, n)
				}
			}
		}
	}
	v.Columns = metrics
	reps := map[int]bool{}
	for i, p := range d.Points {
		n := 0
		for _, m := range metrics {
			n = max(n, len(p.Metrics[m]))
		}
		v.Runs += n + p.Errors
		reps[n] = true
		if i >= maxSweepRows {
			continue
		}
		row := sweepRow{Values: p.Values, N: n, Errors: p.Errors}
		for _, m := range metrics {
			st := stats(p.Metrics[m])
			u := unitOf(m)
			c := sweepCell{P50: "n/a"}
			if st.n > 0 {
				c.P50 = humanValue(u, st.p50)
				c.Range = humanValue(u, st.min) + " – " + humanValue(u, st.max)
				c.Title = fmt.Sprintf("%s: %d runs, mean %s, p50 %s, p95 %s, min %s, max %s",
					m, st.n, humanValue(u, st.mean), humanValue(u, st.p50), humanValue(u, st.p95), humanValue(u, st.min), humanValue(u, st.max))
				if st.nan > 0 {
					c.Title += fmt.Sprintf("; %s without a value", plural(st.nan, "run", "runs"))
				}
				c.Title += " (percentiles: nearest rank, as in the merge JSON)"
			}
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	if len(d.Points) > maxSweepRows {
		v.RowsNote = fmt.Sprintf("Showing %d of %d grid points.", maxSweepRows, len(d.Points))
	}
	switch {
	case d.Replicates > 0:
		v.Replicates = strconv.Itoa(d.Replicates)
	case len(reps) == 1:
		for n := range reps {
			v.Replicates = strconv.Itoa(n)
		}
	default:
		v.Replicates = "varies"
	}
	for _, m := range metrics {
		v.Charts = append(v.Charts, boxChart(d, m))
	}
	return v
}

type summaryStats struct {
	n, nan                           int
	min, q1, p50, q3, p95, max, mean float64
}

// stats are the statistics of `maintsim merge` (its JSON and CSV): mean,
// min, max and nearest-rank percentiles (the ⌈q·n⌉-th smallest value), so
// the page's p50 is the JSON's p50. NaNs are left out and counted.
func stats(xs []float64) summaryStats {
	var s summaryStats
	vals := make([]float64, 0, len(xs))
	for _, x := range xs {
		if math.IsNaN(x) {
			s.nan++
			continue
		}
		vals = append(vals, x)
	}
	s.n = len(vals)
	if s.n == 0 {
		return s
	}
	sum := 0.0
	for _, x := range vals { // in run order, as merge sums
		sum += x
	}
	s.mean = sum / float64(len(vals))
	slices.Sort(vals)
	q := func(p float64) float64 {
		k := int(math.Ceil(p * float64(len(vals))))
		return vals[min(max(k, 1), len(vals))-1]
	}
	s.min, s.max = vals[0], vals[len(vals)-1]
	s.q1, s.p50, s.q3, s.p95 = q(.25), q(.5), q(.75), q(.95)
	return s
}

// boxChart draws one metric across the grid points: a box from the first
// to the third quartile, the median as a thick line, whiskers to min and
// max, and every replicate as a dot, spread sideways so ties stay visible.
func boxChart(d *SweepData, metric string) sweepChart {
	const (
		left, right, top, bottom = 70.0, 14.0, 12.0, 64.0
		plotH                    = 150.0
	)
	u := unitOf(metric)
	pts := d.Points
	c := sweepChart{Metric: metric, Unit: u.String()}
	if len(pts) > maxChartPoints {
		c.Note = fmt.Sprintf("first %d of %d grid points", maxChartPoints, len(pts))
		pts = pts[:maxChartPoints]
	}
	slot := 44.0
	if len(pts) > 20 {
		slot = max(14, 880/float64(len(pts)))
	}
	width := left + right + slot*float64(max(len(pts), 1))
	c.Width, c.Height = px(max(width, 300)), px(top+plotH+bottom)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		for _, x := range p.Metrics[metric] {
			if !math.IsNaN(x) {
				lo, hi = min(lo, x), max(hi, x)
			}
		}
	}
	if math.IsInf(lo, 1) {
		c.Shapes = append(c.Shapes, shape{Kind: "text", X: px(left), Y: px(top + plotH/2), Class: "lbl-sub", Text: "no values"})
		return c
	}
	if lo >= 0 {
		lo = 0 // counts, bytes and durations read best from zero
	}
	if hi == lo {
		hi = lo + 1
	}
	step := niceStep((hi-lo)/4, u)
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	y := func(x float64) px { return px(top + plotH - (x-lo)/(hi-lo)*plotH) }
	c.Shapes = append(c.Shapes, shape{Kind: "rect", X: px(left), Y: px(top), W: px(slot * float64(len(pts))), H: px(plotH), Class: "chart-frame"})
	for i := 0; i <= 12; i++ {
		val := lo + step*float64(i)
		if val > hi+step/1e6 {
			break
		}
		yy := y(val)
		c.Shapes = append(c.Shapes,
			shape{Kind: "line", X: px(left), Y: yy, X2: px(left + slot*float64(len(pts))), Y2: yy, Class: "grid"},
			shape{Kind: "text", X: px(left - 6), Y: yy + 3.5, Anchor: "end", Class: "lbl-sub", Text: humanValue(u, val)})
	}
	for i, p := range pts {
		cx := left + slot*(float64(i)+.5)
		label := strings.Join(p.Values, " · ")
		vals := p.Metrics[metric]
		st := stats(vals)
		title := fmt.Sprintf("%s\n%s", pointTitle(d.Params, p.Values), metric)
		if st.n > 0 {
			title += fmt.Sprintf("\n%d runs: p50 %s, p25 – p75 %s – %s, p95 %s, range %s – %s, mean %s (nearest rank)", st.n,
				humanValue(u, st.p50), humanValue(u, st.q1), humanValue(u, st.q3), humanValue(u, st.p95), humanValue(u, st.min), humanValue(u, st.max), humanValue(u, st.mean))
		}
		if st.nan > 0 {
			title += fmt.Sprintf("\n%d runs without a value", st.nan)
		}
		bw := min(slot*0.6, 26)
		if st.n > 0 {
			c.Shapes = append(c.Shapes,
				shape{Kind: "line", X: px(cx), Y: y(st.min), X2: px(cx), Y2: y(st.q1), Class: "whisker"},
				shape{Kind: "line", X: px(cx), Y: y(st.q3), X2: px(cx), Y2: y(st.max), Class: "whisker"},
				shape{Kind: "rect", X: px(cx - bw/2), Y: y(st.q3), W: px(bw), H: max(y(st.q1)-y(st.q3), 1), Class: "box", Title: title},
				shape{Kind: "line", X: px(cx - bw/2), Y: y(st.p50), X2: px(cx + bw/2), Y2: y(st.p50), Class: "median", Title: title})
			k := 0
			for j, x := range vals {
				if math.IsNaN(x) {
					continue
				}
				if k == maxChartDots {
					break
				}
				k++
				// A fixed sideways spread from the replicate index: the
				// same data always draws the same dots.
				off := (float64((j*7919)%17)/16 - .5) * bw * .9
				dt := pointTitle(d.Params, p.Values) + "\n"
				if j < len(p.Replicates) && p.Replicates[j] >= 0 {
					dt += fmt.Sprintf("replicate %d: ", p.Replicates[j])
				}
				dt += humanValue(u, x)
				if j < len(p.Seeds) {
					dt += fmt.Sprintf(" (seed %d)", p.Seeds[j])
				}
				if j < len(p.Runs) && p.Runs[j] >= 0 {
					dt += fmt.Sprintf("\nrun %d: maintsim sweep SWEEP.yaml --print-run %d", p.Runs[j], p.Runs[j])
				}
				c.Shapes = append(c.Shapes, shape{Kind: "circle", X: px(cx + off), Y: y(x), R: 2.2, Class: "dot", Title: dt})
			}
		}
		lx, ly := px(cx), px(top+plotH+10)
		c.Shapes = append(c.Shapes, shape{Kind: "text", X: lx, Y: ly, Anchor: "end", Class: "lbl-sub tick-rot", Text: clip(label, 28), Title: pointTitle(d.Params, p.Values),
			Transform: fmt.Sprintf("rotate(-40 %s %s)", lx, ly)})
	}
	return c
}

func pointTitle(params, values []string) string {
	parts := make([]string, 0, len(values))
	for i, v := range values {
		name := "?"
		if i < len(params) {
			name = params[i]
		}
		parts = append(parts, name+" = "+v)
	}
	return strings.Join(parts, ", ")
}

// niceStep rounds a raw tick step up to one a reader can add in their
// head: 1-2-5 decades for counts, whole minutes and hours for durations,
// powers of two for bytes.
func niceStep(raw float64, u unit) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	switch u {
	case unitSeconds:
		for _, s := range []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400} {
			if s >= raw {
				return s
			}
		}
	case unitBytes:
		s := 1.0
		for s < raw {
			s *= 2
		}
		return s
	case unitRatio:
		for _, s := range []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1} {
			if s >= raw {
				return s
			}
		}
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			if u == unitNumber && m*mag < 1 {
				return 1 // counts are integers
			}
			return m * mag
		}
	}
	return 10 * mag
}
