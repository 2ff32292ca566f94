package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// metricRow is one metric as the report prints it: the JSON name, the raw
// value exactly as the summary JSON has it, and a human reading.
type metricRow struct {
	Name  string
	Raw   string
	Human string
	Unit  string
	Help  string  // from scenarios.MetricCatalogue, when it knows the name
	Value float64 // NaN when not numeric or absent
}

// metricTable is a metrics field that is a list of records (such as the
// per-window detail): one row per element, one column per JSON field.
type metricTable struct {
	Name    string
	Columns []string
	Rows    [][]string
	Note    string
}

// unit is how a metric name is read, following CONTRACT.md: durations in
// seconds, sizes in bytes, counts as integers, ratios in [0, 1].
type unit uint8

const (
	unitNumber unit = iota
	unitBytes
	unitSeconds
	unitRatio
	unitOffsetNS // nanoseconds since the scenario start (a point in time)
)

// unitOf reads a metric's unit from the scenarios catalogue when it lists
// the name, else from the name, so new metrics read right without a change
// here.
func unitOf(name string) unit {
	base := name
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[i+1:]
	}
	if mi, ok := scenarios.LookupMetric(base); ok && base == name {
		switch mi.Unit {
		case scenarios.UnitSeconds:
			return unitSeconds
		case scenarios.UnitBytes:
			return unitBytes
		case scenarios.UnitRatio:
			return unitRatio
		}
		return unitNumber
	}
	n := strings.ToLower(base)
	switch {
	case strings.HasSuffix(n, "_ns"):
		return unitOffsetNS
	case strings.Contains(n, "bytes"):
		return unitBytes
	case strings.HasSuffix(n, "_time") || strings.HasSuffix(n, "_seconds") || strings.HasSuffix(n, "_duration") ||
		strings.HasSuffix(n, "_s") || n == "time" || strings.Contains(n, "latency") || strings.HasSuffix(n, "_age"):
		return unitSeconds
	case strings.Contains(n, "ratio") || strings.Contains(n, "fraction") || strings.HasSuffix(n, "_share"):
		return unitRatio
	}
	return unitNumber
}

func (u unit) String() string {
	switch u {
	case unitBytes:
		return "bytes"
	case unitSeconds:
		return "seconds"
	case unitRatio:
		return "ratio"
	case unitOffsetNS:
		return "ns since start"
	}
	return ""
}

// humanValue reads a number in its unit: bytes in KiB/MiB/…, seconds as a
// duration, ratios as a percentage.
func humanValue(u unit, v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	switch u {
	case unitBytes:
		return fmtBytes(int64(v))
	case unitSeconds:
		if math.Abs(v) > 1e9 { // beyond any run; print as is
			return fmtFloat(v, 0) + " s"
		}
		if math.Abs(v) >= 60 {
			return fmtDur(time.Duration(math.Round(v)) * time.Second) // a reading, to the second; Raw is exact
		}
		return fmtDur(time.Duration(math.Round(v*1e3)) * time.Millisecond)
	case unitRatio:
		return fmtFloat(v*100, 1) + "%"
	case unitOffsetNS:
		return rel(sim.Time(v))
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmtInt(int64(v))
	}
	return fmtFloat(v, 3)
}

// metricRows flattens any metrics value by its JSON tags, so a metric added
// to scenarios.Metrics shows up in every report without touching this
// package. Nested structs become dotted names; maps are sorted by key; nil
// pointers read "n/a" (a metric that does not apply to the run).
func metricRows(v any) []metricRow {
	var out []metricRow
	walkMetrics("", reflect.ValueOf(v), &out)
	for i := range out {
		if mi, ok := scenarios.LookupMetric(out[i].Name); ok {
			out[i].Help = mi.Help
		}
	}
	return out
}

// maxMetricTableRows bounds a list metric's table.
const maxMetricTableRows = 200

// metricTables renders the list-of-records fields of a metrics value (the
// scalars are metricRows' job), columns by JSON name.
func metricTables(v any) []metricTable {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	var out []metricTable
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _ := jsonName(f)
		if !f.IsExported() || name == "-" || !isRecordList(f.Type) {
			continue
		}
		fv := rv.Field(i)
		et := f.Type.Elem()
		for et.Kind() == reflect.Pointer {
			et = et.Elem()
		}
		tab := metricTable{Name: name}
		var fields []int
		for k := 0; k < et.NumField(); k++ {
			ef := et.Field(k)
			n, _ := jsonName(ef)
			if ef.IsExported() && n != "-" {
				tab.Columns = append(tab.Columns, n)
				fields = append(fields, k)
			}
		}
		for r := 0; r < fv.Len() && r < maxMetricTableRows; r++ {
			el := fv.Index(r)
			for el.Kind() == reflect.Pointer && !el.IsNil() {
				el = el.Elem()
			}
			row := make([]string, len(fields))
			if el.Kind() == reflect.Struct {
				for c, k := range fields {
					var cell []metricRow
					walkMetrics(tab.Columns[c], el.Field(k), &cell)
					switch {
					case len(cell) == 1 && cell[0].Raw == "null":
						row[c] = "—"
					case len(cell) == 1:
						row[c] = cell[0].Human
					default:
						row[c] = fmt.Sprint(el.Field(k).Interface())
					}
				}
			}
			tab.Rows = append(tab.Rows, row)
		}
		if fv.Len() > maxMetricTableRows {
			tab.Note = fmt.Sprintf("Showing %d of %d.", maxMetricTableRows, fv.Len())
		}
		out = append(out, tab)
	}
	return out
}

func isRecordList(t reflect.Type) bool {
	if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
		return false
	}
	e := t.Elem()
	for e.Kind() == reflect.Pointer {
		e = e.Elem()
	}
	return e.Kind() == reflect.Struct && e != reflect.TypeFor[time.Time]()
}

func walkMetrics(prefix string, v reflect.Value, out *[]metricRow) {
	if !v.IsValid() {
		return
	}
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			if prefix != "" {
				*out = append(*out, metricRow{Name: prefix, Raw: "null", Human: "n/a", Unit: unitOf(prefix).String(), Value: math.NaN()})
			}
			return
		}
		walkMetrics(prefix, v.Elem(), out)
		return
	}
	if v.Type() == reflect.TypeFor[time.Duration]() {
		d := time.Duration(v.Int())
		*out = append(*out, metricRow{Name: prefix, Raw: fmt.Sprint(v.Int()), Human: fmtDur(d), Unit: "ns", Value: float64(v.Int())})
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, omitempty := jsonName(f)
			if name == "-" {
				continue
			}
			fv := v.Field(i)
			if omitempty && fv.IsZero() || prefix == "" && isRecordList(f.Type) {
				continue // lists of records are metricTables' job
			}
			if fv.Kind() == reflect.Slice && fv.Len() == 0 {
				continue // an empty list (rpo_violators: []) is no row of the table
			}
			walkMetrics(join(prefix, name), fv, out)
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		for _, k := range keys {
			walkMetrics(join(prefix, fmt.Sprint(k)), v.MapIndex(k), out)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f := float64(v.Int())
		u := unitOf(prefix)
		*out = append(*out, metricRow{Name: prefix, Raw: fmt.Sprint(v.Int()), Human: humanValue(u, f), Unit: u.String(), Value: f})
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f := float64(v.Uint())
		u := unitOf(prefix)
		*out = append(*out, metricRow{Name: prefix, Raw: fmt.Sprint(v.Uint()), Human: humanValue(u, f), Unit: u.String(), Value: f})
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		u := unitOf(prefix)
		raw, _ := json.Marshal(f)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			raw = []byte("null")
		}
		*out = append(*out, metricRow{Name: prefix, Raw: string(raw), Human: humanValue(u, f), Unit: u.String(), Value: f})
	case reflect.Bool:
		f, h := 0.0, "no"
		if v.Bool() {
			f, h = 1, "yes"
		}
		*out = append(*out, metricRow{Name: prefix, Raw: fmt.Sprint(v.Bool()), Human: h, Value: f})
	case reflect.String:
		raw, _ := json.Marshal(v.String())
		*out = append(*out, metricRow{Name: prefix, Raw: string(raw), Human: v.String(), Value: math.NaN()})
	default:
		raw, err := json.Marshal(v.Interface())
		if err != nil {
			raw = []byte(fmt.Sprint(v.Interface()))
		}
		*out = append(*out, metricRow{Name: prefix, Raw: string(raw), Human: clip(string(raw), 80), Value: math.NaN()})
	}
}

func jsonName(f reflect.StructField) (string, bool) {
	tag, ok := f.Tag.Lookup("json")
	if !ok {
		return f.Name, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(","+opts+",", ",omitempty,")
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// metricValue finds a numeric metric by its JSON name.
func metricValue(rows []metricRow, name string) (float64, bool) {
	for _, r := range rows {
		if r.Name == name && !math.IsNaN(r.Value) {
			return r.Value, true
		}
	}
	return 0, false
}
