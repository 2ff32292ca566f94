package scenarios

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Merging joins the JSONL files of a sweep's shards. It refuses anything
// that would make the joined result differ from one unsharded sweep: a
// missing or duplicate run, files from another sweep (scenario hash) or
// another maintsim version, records that disagree with the grid. The
// merged output carries no trace of how the sweep was sharded, so merging
// N shards is byte-identical to merging the unsharded file.

// SweepFile is one sweep output file read back.
type SweepFile struct {
	Path    string
	Header  SweepHeader
	Records []SweepRecord
	// Lines are the records' line numbers in the file (1-based), aligned
	// with Records; nil when the file was not read by ReadSweepFile.
	Lines []int
}

// line is the line number of record i, 0 if unknown.
func (f *SweepFile) line(i int) int {
	if i < len(f.Lines) {
		return f.Lines[i]
	}
	return 0
}

// at names a line of the file: "PATH:LINE", or "PATH" if line is unknown.
func (f *SweepFile) at(line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", f.Path, line)
	}
	return f.Path
}

// MaxSweepLineBytes bounds one line of a sweep file.
const MaxSweepLineBytes = 16 << 20

// ReadSweepFile reads a sweep output file. A file that is not one (bad
// JSON, a header of another kind) is an *InputError (exit 2).
func ReadSweepFile(path string, r io.Reader) (*SweepFile, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &InputError{Path: path, Problems: []Problem{{Msg: "cannot read: " + err.Error()}}}
	}
	fail := func(line int, format string, args ...any) error {
		return &InputError{Path: path, Source: data, Problems: []Problem{{Pos: Pos{Line: line, Col: 1}, Msg: fmt.Sprintf(format, args...)}}}
	}
	sf := &SweepFile{Path: path}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxSweepLineBytes)
	line, header := 0, false
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		// Unknown fields are tolerated so that a file from another maintsim
		// version reads, and merge can say that the versions differ; what
		// follows the object on its line is not (a second record glued to
		// the first would be dropped without a word).
		dec := json.NewDecoder(bytes.NewReader(b))
		one := func(v any) error {
			if err := dec.Decode(v); err != nil {
				return err
			}
			if rest, _ := io.ReadAll(dec.Buffered()); dec.More() || len(bytes.TrimSpace(rest)) > 0 {
				return errors.New("text after the JSON object on the line (one record a line)")
			}
			return nil
		}
		if !header {
			// The header is the first line that is not blank.
			header = true
			if err := one(&sf.Header); err != nil {
				return nil, fail(line, "not a maintsim sweep file: the first line is not a sweep header: %v", err)
			}
			if sf.Header.Kind != SweepKind {
				return nil, fail(line, "not a maintsim sweep file (kind %q, want %q)", sf.Header.Kind, SweepKind)
			}
			if sf.Header.Format != SweepFormat {
				return nil, fail(line, "sweep file format %d; this maintsim reads format %d", sf.Header.Format, SweepFormat)
			}
			continue
		}
		var rec SweepRecord
		if err := one(&rec); err != nil {
			return nil, fail(line, "bad sweep record: %v", err)
		}
		sf.Records = append(sf.Records, rec)
		sf.Lines = append(sf.Lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fail(line+1, "%v", err)
	}
	if !header {
		return nil, &InputError{Path: path, Problems: []Problem{{Msg: "empty file (no sweep header): not a maintsim sweep file"}}}
	}
	return sf, nil
}

// MergeError is a set of shard files that do not make one sweep: missing
// or duplicate runs, mismatched headers (exit 1).
type MergeError struct {
	Problems []string
}

func (e *MergeError) Error() string {
	return "merge: " + strings.Join(e.Problems, "\n  ")
}

// SweepResult is a whole sweep: every run, sorted, and the statistics per
// grid point.
type SweepResult struct {
	Header  SweepHeader // Shard is Whole
	Records []SweepRecord
	Points  []PointStats
}

// PointStats are the statistics of one grid point over its replicates.
type PointStats struct {
	Point  int
	Params OrderedObject
	Runs   int
	Stats  []MetricStats // in the header's metric order
}

// MetricStats summarise one metric at one grid point.
type MetricStats struct {
	Metric string
	Unit   string
	N      int // runs with a value
	Mean   float64
	P50    float64 // nearest rank
	P95    float64
	Min    float64
	Max    float64
	// Exact holds P50, P95, Min, Max as integers for a metric of an
	// integer unit (counts, bytes) whose values are all integers: float64
	// rounds them above 2^53 (bytes past 8 PiB), and CONTRACT.md writes
	// bytes as integers. nil otherwise.
	Exact *ExactStats
}

// ExactStats are the order statistics of an integer metric, exactly.
type ExactStats struct {
	P50, P95, Min, Max int64
}

// MergeSweeps joins shard files into one sweep result.
func MergeSweeps(files []*SweepFile) (*SweepResult, error) {
	if len(files) == 0 {
		return nil, &MergeError{Problems: []string{"no files"}}
	}
	me := &MergeError{}
	ref := files[0]
	for _, f := range files[1:] {
		if f.Header.Shard.Index < ref.Header.Shard.Index ||
			f.Header.Shard.Index == ref.Header.Shard.Index && f.Header.Name < ref.Header.Name {
			ref = f
		}
	}
	refGrid := gridKey(ref.Header)
	for _, f := range files {
		h := f.Header
		switch {
		case h.Version != ref.Header.Version:
			me.Problems = append(me.Problems, fmt.Sprintf("%s: written by maintsim %s, %s by %s: rerun the shards with one version",
				f.Path, h.Version, ref.Path, ref.Header.Version))
		case h.ScenarioHash != ref.Header.ScenarioHash:
			me.Problems = append(me.Problems, fmt.Sprintf("%s: scenario hash %s differs from %s's %s: the base or sweep file changed between shards",
				f.Path, short(h.ScenarioHash), ref.Path, short(ref.Header.ScenarioHash)))
		case gridKey(h) != refGrid:
			me.Problems = append(me.Problems, fmt.Sprintf("%s: grid (runs, replicates, vary, metrics, seeds) differs from %s's", f.Path, ref.Path))
		}
	}
	if len(me.Problems) > 0 {
		return nil, me
	}
	// Every file has this grid: the run indices, and what each run's
	// record must say, follow from it.
	if msg := checkHeader(&ref.Header); msg != "" {
		return nil, &MergeError{Problems: []string{fmt.Sprintf("%s:1: %s", ref.Path, msg)}}
	}
	me.Problems = append(me.Problems, checkShards(files, ref)...)
	h := ref.Header
	h.Shard = Whole
	total := h.Runs
	where := make([][]string, total)
	var byRun []SweepRecord
	for _, f := range files {
		s := f.Header.Shard
		shardOK := s.Count >= 1 && s.Index >= 1 && s.Index <= s.Count
		for i, r := range f.Records {
			at := f.at(f.line(i))
			if r.Run < 0 || r.Run >= total {
				me.Problems = append(me.Problems, fmt.Sprintf("%s: run %d is outside the sweep's runs 0–%d", at, r.Run, total-1))
				continue
			}
			if shardOK && r.Run%s.Count != s.Index-1 {
				me.Problems = append(me.Problems, fmt.Sprintf("%s: run %d is not a run of shard %s, which the file's header claims (its runs are %d modulo %d)",
					at, r.Run, s, s.Index-1, s.Count))
				continue
			}
			params, msg := checkRecord(&h, &r)
			if msg != "" {
				me.Problems = append(me.Problems, fmt.Sprintf("%s: run %d: %s", at, r.Run, msg))
				continue
			}
			r.Params = params // the grid's bytes: equal in value, and identical whatever the input's spacing
			if len(where[r.Run]) == 0 {
				byRun = append(byRun, r)
			}
			where[r.Run] = append(where[r.Run], f.Path)
		}
	}
	var missing []int
	var dups []string
	for run, ws := range where {
		switch {
		case len(ws) == 0:
			missing = append(missing, run)
		case len(ws) > 1:
			dups = append(dups, fmt.Sprintf("%d (%s)", run, strings.Join(ws, ", ")))
		}
	}
	if len(missing) > 0 {
		me.Problems = append(me.Problems, fmt.Sprintf("missing %d of %d runs: %s", len(missing), total, runRanges(missing, 30)))
	}
	if len(dups) > 0 {
		if len(dups) > 20 {
			dups = append(dups[:20], fmt.Sprintf("… (%d in all)", len(dups)))
		}
		me.Problems = append(me.Problems, "duplicate runs: "+strings.Join(dups, "; "))
	}
	if len(me.Problems) > 0 {
		return nil, me
	}
	slices.SortFunc(byRun, func(a, b SweepRecord) int { return a.Run - b.Run })
	res := &SweepResult{Header: h, Records: byRun}
	res.Points = pointStats(&h, byRun)
	return res, nil
}

// checkHeader verifies that a header's counts follow from its vary
// values and replicates, so that each run's grid point and parameters can
// be derived from it.
func checkHeader(h *SweepHeader) string {
	if h.Replicates < 1 || h.Replicates > MaxSweepRuns {
		return fmt.Sprintf("replicates %d: want 1 to %d", h.Replicates, MaxSweepRuns)
	}
	points := 1
	for k, v := range h.Vary {
		if (v.Path == "") == (len(v.Paths) == 0) {
			return fmt.Sprintf("vary[%d]: want either path or paths", k)
		}
		if len(v.Values) == 0 {
			return fmt.Sprintf("vary[%d]: no values", k)
		}
		if len(v.Paths) > 0 {
			for i, val := range v.Values {
				var parts []json.RawMessage
				if err := json.Unmarshal(val, &parts); err != nil || len(parts) != len(v.Paths) {
					return fmt.Sprintf("vary[%d].values[%d] is %s: want a list of %d values, one per path", k, i, val, len(v.Paths))
				}
			}
		}
		points *= len(v.Values)
		if points > MaxSweepRuns {
			return fmt.Sprintf("vary: more than %d grid points", MaxSweepRuns)
		}
	}
	if h.Points != points {
		return fmt.Sprintf("points %d, but its vary values make %d grid points", h.Points, points)
	}
	if h.Runs != points*h.Replicates {
		return fmt.Sprintf("runs %d, but %d points × %d replicates make %d", h.Runs, points, h.Replicates, points*h.Replicates)
	}
	if h.Runs > MaxSweepRuns {
		return fmt.Sprintf("runs %d: a sweep has at most %d", h.Runs, MaxSweepRuns)
	}
	return ""
}

// checkShards verifies the files' shard headers: one count N for all,
// every index within 1..N, no index claimed by two files. The expected
// count is the one most files give (ties: ref's).
func checkShards(files []*SweepFile, ref *SweepFile) []string {
	counts := map[int]int{}
	for _, f := range files {
		counts[f.Header.Shard.Count]++
	}
	wantN, byN := ref.Header.Shard.Count, ref
	for _, f := range files {
		if n := f.Header.Shard.Count; n >= 1 && (wantN < 1 || counts[n] > counts[wantN]) {
			wantN, byN = n, f
		}
	}
	var problems []string
	claimed := map[int]*SweepFile{}
	for _, f := range files {
		s := f.Header.Shard
		switch {
		case s.Count < 1 || s.Index < 1 || s.Index > s.Count:
			problems = append(problems, fmt.Sprintf("%s:1: shard %s (index %d, count %d) is not a shard: want 1 ≤ index ≤ count",
				f.Path, s, s.Index, s.Count))
		case s.Count != wantN:
			problems = append(problems, fmt.Sprintf("%s:1: shard count %d (shard %s), but %s is shard %s: the shards of one sweep have one count",
				f.Path, s.Count, s, byN.Path, byN.Header.Shard))
		case claimed[s.Index] != nil:
			problems = append(problems, fmt.Sprintf("%s:1: shard %s again: %s is shard %s too", f.Path, s, claimed[s.Index].Path, s))
		default:
			claimed[s.Index] = f
		}
	}
	return problems
}

// gridKey is everything of a header that must agree between shards.
func gridKey(h SweepHeader) string {
	h.Shard, h.Name = Shard{}, ""
	b, _ := json.Marshal(h)
	return string(canonJSON(b))
}

// canonJSON is b as a JSON value, whatever tool wrote it: minimal string
// escapes (é and \u00e9 alike), floats in one form (1.0 is 1), object
// members sorted. Integers stay exact (seeds are 64-bit: RFC 8785 would
// round them to doubles). Invalid JSON comes back as it was.
func canonJSON(b []byte) []byte {
	v := jsontext.Value(slices.Clone(b))
	if v.Format(jsontext.CanonicalizeRawInts(false), jsontext.CanonicalizeRawFloats(true), jsontext.ReorderRawObjects(true)) != nil {
		return b
	}
	return v
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// checkRecord verifies a record against the grid: its point, replicate,
// seed, params and metric names follow from its run index, and every
// metric is a number or null. It returns the grid's params for the run
// (equal in value to the record's).
func checkRecord(h *SweepHeader, r *SweepRecord) (OrderedObject, string) {
	if h.Replicates < 1 {
		return nil, "header has no replicates"
	}
	if r.Point != r.Run/h.Replicates || r.Replicate != r.Run%h.Replicates {
		return nil, fmt.Sprintf("point %d, replicate %d do not match the grid (want %d, %d)", r.Point, r.Replicate, r.Run/h.Replicates, r.Run%h.Replicates)
	}
	sw := Sweep{BaseSeed: h.BaseSeed, CommonSeeds: h.CommonSeeds, Replicates: h.Replicates}
	if want := sw.RunSeed(r.Run); r.Seed != want {
		return nil, fmt.Sprintf("seed %d, the grid gives %d", r.Seed, want)
	}
	params := gridParams(h, r.Point)
	if msg := compareParams(r.Params, params); msg != "" {
		return nil, fmt.Sprintf("%s (grid point %d)", msg, r.Point)
	}
	if len(r.Metrics) != len(h.Metrics) {
		return nil, fmt.Sprintf("%d metrics, the header lists %d", len(r.Metrics), len(h.Metrics))
	}
	for i, nv := range r.Metrics {
		if nv.Name != h.Metrics[i] {
			return nil, fmt.Sprintf("metric %d is %s, the header says %s", i, nv.Name, h.Metrics[i])
		}
		if _, ok := numberOf(nv.Value); !ok && strings.TrimSpace(string(nv.Value)) != "null" {
			return nil, fmt.Sprintf("metrics: %s is %s: want a number or null", nv.Name, nv.Value)
		}
	}
	return params, ""
}

// gridParams are the parameter values of grid point p as the header
// gives them, in the order a sweep writes a record's params (vary keys in
// order, the last varying fastest; linked paths each on their own).
// The header must have passed checkHeader.
func gridParams(h *SweepHeader, p int) OrderedObject {
	idx := gridIndex(p, len(h.Vary), func(k int) int { return len(h.Vary[k].Values) })
	var out OrderedObject
	for k, v := range h.Vary {
		val := v.Values[idx[k]]
		if v.Path != "" {
			out = append(out, NamedValue{Name: v.Path, Value: val})
			continue
		}
		var parts []json.RawMessage
		_ = json.Unmarshal(val, &parts) // a list of len(v.Paths): checkHeader
		for i, path := range v.Paths {
			out = append(out, NamedValue{Name: path, Value: parts[i]})
		}
	}
	return out
}

// compareParams says how a record's params differ from the grid's, ""
// if they are equal (as JSON values written by a sweep: member order and
// number forms count, spacing does not).
func compareParams(got, want OrderedObject) string {
	names := func(o OrderedObject) string {
		var s []string
		for _, nv := range o {
			s = append(s, nv.Name)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	if len(got) != len(want) {
		return fmt.Sprintf("params has the paths %s, the grid's are %s", names(got), names(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name {
			return fmt.Sprintf("params has the paths %s, the grid's are %s", names(got), names(want))
		}
		if !sameJSON(got[i].Value, want[i].Value) {
			return fmt.Sprintf("params: %s is %s, the grid gives %s", want[i].Name, got[i].Value, want[i].Value)
		}
	}
	return ""
}

func sameJSON(a, b json.RawMessage) bool { return bytes.Equal(canonJSON(a), canonJSON(b)) }

// runRanges prints sorted run numbers as ranges: 3–5, 9.
func runRanges(runs []int, limit int) string {
	var parts []string
	for i := 0; i < len(runs); {
		j := i
		for j+1 < len(runs) && runs[j+1] == runs[j]+1 {
			j++
		}
		if len(parts) == limit {
			parts = append(parts, "…")
			break
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", runs[i], runs[j]))
		} else {
			parts = append(parts, strconv.Itoa(runs[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func pointStats(h *SweepHeader, recs []SweepRecord) []PointStats {
	var out []PointStats
	for i := 0; i < len(recs); {
		j := i
		for j < len(recs) && recs[j].Point == recs[i].Point {
			j++
		}
		ps := PointStats{Point: recs[i].Point, Params: recs[i].Params, Runs: j - i}
		vals := make([]float64, 0, j-i)
		for m, name := range h.Metrics {
			vals = vals[:0]
			for _, r := range recs[i:j] {
				if v, ok := numberOf(r.Metrics[m].Value); ok {
					vals = append(vals, v)
				}
			}
			ms := MetricStats{Metric: name, N: len(vals)}
			if mi, ok := LookupMetric(name); ok {
				ms.Unit = mi.Unit.String()
			}
			if len(vals) > 0 {
				var sum float64
				for _, v := range vals { // in run order: deterministic
					sum += v
				}
				ms.Mean = sum / float64(len(vals))
				slices.Sort(vals)
				ms.Min, ms.Max = vals[0], vals[len(vals)-1]
				ms.P50, ms.P95 = nearestRank(vals, 0.50), nearestRank(vals, 0.95)
				if mi, ok := LookupMetric(name); ok && mi.Unit.Integer() {
					ms.Exact = exactStats(recs[i:j], m)
				}
			}
			ps.Stats = append(ps.Stats, ms)
		}
		out = append(out, ps)
		i = j
	}
	return out
}

func numberOf(raw json.RawMessage) (float64, bool) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsNaN(v)
}

// exactStats is the order statistics of metric m over recs as integers,
// or nil when a value is not an integer (a hand-edited file).
func exactStats(recs []SweepRecord, m int) *ExactStats {
	var ints []int64
	for _, r := range recs {
		s := strings.TrimSpace(string(r.Metrics[m].Value))
		if s == "" || s == "null" {
			continue
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil
		}
		ints = append(ints, v)
	}
	if len(ints) == 0 {
		return nil
	}
	slices.Sort(ints)
	return &ExactStats{P50: nearestRank(ints, 0.50), P95: nearestRank(ints, 0.95), Min: ints[0], Max: ints[len(ints)-1]}
}

// nearestRank is the ⌈q·n⌉-th smallest of sorted values.
func nearestRank[T int64 | float64](sorted []T, q float64) T {
	k := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(k, 1), len(sorted))-1]
}

// SweepSummaryKind names the merged statistics JSON.
const SweepSummaryKind = "maintsim-sweep-summary"

type summaryJSON struct {
	Kind         string       `json:"kind"`
	Format       int          `json:"format"`
	Version      string       `json:"version"`
	ScenarioHash string       `json:"scenario_hash"`
	Name         string       `json:"name"`
	Base         string       `json:"base"`
	BaseSeed     uint64       `json:"base_seed"`
	CommonSeeds  bool         `json:"common_seeds,omitempty"`
	Replicates   int          `json:"replicates"`
	Points       int          `json:"points"`
	Runs         int          `json:"runs"`
	Vary         []VaryHeader `json:"vary"`
	Metrics      []string     `json:"metrics"`
	Results      []pointJSON  `json:"results"`
}

type pointJSON struct {
	Point  int           `json:"point"`
	Params OrderedObject `json:"params"`
	Runs   int           `json:"runs"`
	Stats  OrderedObject `json:"stats"`
}

// WriteJSON writes the aggregated statistics: the sweep's definition, then
// per grid point and metric the mean, p50, p95, min and max over its runs.
func (r *SweepResult) WriteJSON(w io.Writer) error {
	h := r.Header
	out := summaryJSON{Kind: SweepSummaryKind, Format: SweepFormat, Version: h.Version, ScenarioHash: h.ScenarioHash,
		Name: h.Name, Base: h.Base, BaseSeed: h.BaseSeed, CommonSeeds: h.CommonSeeds, Replicates: h.Replicates,
		Points: h.Points, Runs: h.Runs, Vary: h.Vary, Metrics: h.Metrics, Results: []pointJSON{}}
	for _, p := range r.Points {
		pj := pointJSON{Point: p.Point, Params: p.Params, Runs: p.Runs}
		for _, s := range p.Stats {
			p50, p95, lo, hi := s.orderJSON()
			st := OrderedObject{{"unit", mustJSON(s.Unit)}, {"n", mustJSON(s.N)}, {"mean", floatJSON(s.Mean)},
				{"p50", p50}, {"p95", p95}, {"min", lo}, {"max", hi}}
			b, _ := st.MarshalJSON()
			pj.Stats = append(pj.Stats, NamedValue{Name: s.Metric, Value: b})
		}
		if pj.Params == nil {
			pj.Params = OrderedObject{}
		}
		out.Results = append(out.Results, pj)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteJSONL writes the merged runs as one unsharded sweep file (shard 1/1).
func (r *SweepResult) WriteJSONL(w io.Writer) error {
	return (&SweepOutput{Header: r.Header, Records: r.Records}).WriteJSONL(w)
}

// orderJSON renders p50, p95, min and max: integers exactly for an
// integer metric.
func (s *MetricStats) orderJSON() (p50, p95, lo, hi json.RawMessage) {
	if e := s.Exact; e != nil {
		i := func(v int64) json.RawMessage { return strconv.AppendInt(nil, v, 10) }
		return i(e.P50), i(e.P95), i(e.Min), i(e.Max)
	}
	return floatJSON(s.P50), floatJSON(s.P95), floatJSON(s.Min), floatJSON(s.Max)
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// ParamPaths lists the vary paths in header order (linked ones each).
func (r *SweepResult) ParamPaths() []string {
	var out []string
	for _, v := range r.Header.Vary {
		if v.Path != "" {
			out = append(out, v.Path)
		}
		out = append(out, v.Paths...)
	}
	return out
}

// ParamValues returns the record's values of the given paths as text
// (strings unquoted, other values as JSON).
func (rec *SweepRecord) ParamValues(paths []string) []string { return paramCells(paths, rec.Params) }

// MetricFloats returns the record's metrics as numbers; null values are
// left out.
func (rec *SweepRecord) MetricFloats() map[string]float64 {
	out := make(map[string]float64, len(rec.Metrics))
	for _, m := range rec.Metrics {
		if v, ok := numberOf(m.Value); ok {
			out[m.Name] = v
		}
	}
	return out
}

// cell renders a JSON value for CSV: strings unquoted, the rest as JSON.
func cell(raw json.RawMessage) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func paramCells(paths []string, params OrderedObject) []string {
	var out []string
	for _, p := range paths {
		v, _ := params.Get(p)
		out = append(out, cell(v))
	}
	return out
}

// WriteCSV writes one row per grid point × metric: point, the vary
// paths' values, metric, unit, n, mean, p50, p95, min, max.
func (r *SweepResult) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	paths := r.ParamPaths()
	head := append(append([]string{"point"}, paths...), "metric", "unit", "n", "mean", "p50", "p95", "min", "max")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, p := range r.Points {
		params := paramCells(paths, p.Params)
		for _, s := range p.Stats {
			p50, p95, lo, hi := s.orderJSON()
			row := append(append([]string{strconv.Itoa(p.Point)}, params...), s.Metric, s.Unit, strconv.Itoa(s.N),
				cell(floatJSON(s.Mean)), cell(p50), cell(p95), cell(lo), cell(hi))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteRunsCSV writes one row per run: run, point, replicate, seed, the
// vary paths' values, trace_hash, then every metric.
func (r *SweepResult) WriteRunsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	paths := r.ParamPaths()
	head := append(append([]string{"run", "point", "replicate", "seed"}, paths...), "trace_hash")
	head = append(head, r.Header.Metrics...)
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, rec := range r.Records {
		row := []string{strconv.Itoa(rec.Run), strconv.Itoa(rec.Point), strconv.Itoa(rec.Replicate), strconv.FormatUint(rec.Seed, 10)}
		row = append(append(row, paramCells(paths, rec.Params)...), rec.TraceHash)
		for _, m := range rec.Metrics {
			row = append(row, cell(m.Value))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
