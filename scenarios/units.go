package scenarios

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/invopop/jsonschema"
	"github.com/maintsim/maintsim/sim"
)

// This file holds the scalar types of the scenario format: quantities with
// units (durations, sizes, bandwidths), points in time, and distributions of
// durations and sizes. Each one parses the user syntax, prints it back in the
// same syntax (so a File built in Go marshals to a file a person can read and
// Parse accepts), and describes itself in the JSON Schema. Each implements
// goccy/go-yaml's NodeUnmarshaler, so its errors name its own node's
// position, also when a caller decodes a File with goccy directly.

// nodeError is an error about one YAML node: the loader reports it at that
// node, which may be deeper than the value being decoded (the B of a
// uniform [A, B]).
type nodeError struct {
	node ast.Node
	msg  string
}

func (e *nodeError) Error() string {
	if e.node == nil || e.node.GetToken() == nil {
		return e.msg
	}
	p := e.node.GetToken().Position
	return fmt.Sprintf("%d:%d: %s", p.Line, p.Column, e.msg)
}

func errAt(n ast.Node, format string, args ...any) error {
	return &nodeError{node: n, msg: fmt.Sprintf(format, args...)}
}

// scalarText returns the text of a scalar node as the user wrote it
// (unquoted), so that `version: 9.50` stays "9.50" instead of becoming the
// float 9.5. ok is false for mappings, sequences, null and the like.
func scalarText(n ast.Node) (string, bool) {
	switch t := n.(type) {
	case *ast.StringNode:
		return t.Value, true
	case *ast.LiteralNode:
		if t.Value == nil {
			return "", true
		}
		return t.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// describeNode names a node's kind for "want X, got Y" messages.
func describeNode(n ast.Node) string {
	switch t := n.(type) {
	case nil, *ast.NullNode:
		return "nothing (null)"
	case *ast.StringNode, *ast.LiteralNode:
		s, _ := scalarText(n)
		return fmt.Sprintf("the string %q", s)
	case *ast.IntegerNode:
		return "the integer " + t.GetToken().Value
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + t.GetToken().Value
	case *ast.BoolNode:
		return "the boolean " + t.GetToken().Value
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	}
	return "a " + n.Type().String()
}

// scalarNode unwraps tags and anchors around a scalar. It does not resolve
// aliases: the loader resolves those before a custom type sees the node.
func scalarNode(n ast.Node) ast.Node {
	// Bounded: a pathological document cannot nest tags and anchors forever.
	for range 16 {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			n = t.Value
		default:
			return n
		}
	}
	return n
}

// ---------------------------------------------------------------------------
// Durations

// Duration is a non-negative length of time, written in Go's syntax plus d
// for days of 24 hours: 30s, 25m, 1h30m, 1.5h, 30d, 1d12h. A bare 0 is
// zero; any other number needs a unit, so that "wait: 10" is an error
// rather than ten nanoseconds.
type Duration time.Duration

// D converts a time.Duration, for building files in Go.
func D(d time.Duration) Duration { return Duration(d) }

// Std returns the duration as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// The package's regular expressions are compiled on first use (sync.OnceValue),
// not at start-up, where together they cost every process 0.15 ms, most of
// them for syntax the command never reads.
var (
	durationSyntax = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:[0-9]*(?:\.[0-9]*)?(?:ns|us|µs|μs|ms|s|m|h|d))+$`)
	})
	durationPart = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h|d)`) })
	unitNanos    = map[string]int64{"ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9}
)

const durationHint = "want a number and a unit (ns, us, ms, s, m, h, d), as in 90s, 25m, 1h30m or 1d12h"

// ParseDuration reads a Duration. It is exact (decimal fractions are
// computed in integers, as Go does) and reports values beyond int64
// nanoseconds (about 292 years) as too large instead of wrapping.
func ParseDuration(s string) (Duration, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "+")
	switch {
	case t == "0":
		return 0, nil
	case t == "":
		return 0, fmt.Errorf("empty duration: %s", durationHint)
	case strings.HasPrefix(t, "-"):
		return 0, fmt.Errorf("duration %q is negative; durations are ≥ 0", s)
	case isNumber(t):
		return 0, fmt.Errorf("duration %q has no unit: %s", s, durationHint)
	case !durationSyntax().MatchString(t):
		return 0, fmt.Errorf("bad duration %q: %s", s, durationHint)
	}
	total := new(big.Rat)
	for _, m := range durationPart().FindAllStringSubmatch(t, -1) {
		num := m[1]
		if num == "" || num == "." {
			return 0, fmt.Errorf("bad duration %q: %s", s, durationHint)
		}
		v, ok := new(big.Rat).SetString(num)
		if !ok {
			return 0, fmt.Errorf("bad duration %q: %s", s, durationHint)
		}
		total.Add(total, v.Mul(v, new(big.Rat).SetInt64(unitNanos[m[2]])))
	}
	n, ok := ratToInt64(total)
	if !ok {
		return 0, fmt.Errorf("duration %q is too large (at most about 106751d, the range of int64 nanoseconds)", s)
	}
	return Duration(n), nil
}

// ratToInt64 rounds a non-negative rational down to an int64, reporting
// overflow.
func ratToInt64(r *big.Rat) (int64, bool) {
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// String prints the duration in the file syntax with days, and without the
// zero units Go prints: 1h30m rather than 1h30m0s, 1d12h rather than 36h.
func (d Duration) String() string {
	if d == 0 {
		return "0s"
	}
	v := time.Duration(d)
	if v < 0 {
		return time.Duration(d).String() // not valid in a file; shown as Go would
	}
	var b strings.Builder
	if days := v / (24 * time.Hour); days > 0 {
		fmt.Fprintf(&b, "%dd", days)
		v -= days * 24 * time.Hour
	}
	if h := v / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dh", h)
		v -= h * time.Hour
	}
	if m := v / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dm", m)
		v -= m * time.Minute
	}
	if v == 0 {
		return b.String()
	}
	// Seconds and below: Go's printer already picks the shortest exact form
	// (1.5s, 250ms, 1µs); use ASCII us so every editor and shell copes.
	b.WriteString(strings.ReplaceAll(v.String(), "µ", "u"))
	return b.String()
}

// MarshalYAML implements goccy/go-yaml's BytesMarshaler.
func (d Duration) MarshalYAML() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (d *Duration) UnmarshalYAML(n ast.Node) error {
	v, err := parseScalar(n, "a duration such as 25m", ParseDuration)
	if err == nil {
		*d = v
	}
	return err
}

// IsZero lets omitempty drop an unset duration.
func (d Duration) IsZero() bool { return d == 0 }

// JSONSchema describes the syntax.
func (Duration) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "a duration: a number and a unit (ns, us, ms, s, m, h, d), as in 90s, 25m, 1h30m, 1d12h; or 0",
		OneOf: []*jsonschema.Schema{
			{Type: "string", Pattern: `^\+?(0|([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h|d))+)$`},
			{Type: "integer", Const: 0},
		},
	}
}

// parseScalar runs parse on the text of a scalar node and pins any error on
// that node.
func parseScalar[T any](n ast.Node, want string, parse func(string) (T, error)) (T, error) {
	var zero T
	n = scalarNode(n)
	s, ok := scalarText(n)
	if !ok {
		return zero, errAt(n, "want %s, got %s", want, describeNode(n))
	}
	v, err := parse(s)
	if err != nil {
		return zero, errAt(n, "%s", err.Error())
	}
	return v, nil
}

// ---------------------------------------------------------------------------
// Sizes

// Size is a number of bytes, written with a unit: B, KiB, MiB, GiB, TiB,
// PiB (powers of 1024) or KB, MB, GB, TB, PB (powers of 1000). Fractions
// are allowed (1.5TiB) and rounded down to whole bytes.
type Size int64

// Size units.
const (
	Byte Size = 1
	KiB  Size = 1 << 10
	MiB  Size = 1 << 20
	GiB  Size = 1 << 30
	TiB  Size = 1 << 40
	PiB  Size = 1 << 50
	KB   Size = 1e3
	MB   Size = 1e6
	GB   Size = 1e9
	TB   Size = 1e12
	PB   Size = 1e15
)

var (
	sizeSyntax = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?|\.[0-9]+) ?([A-Za-z]+)$`) })
	sizeUnits  = map[string]Size{"B": Byte, "KiB": KiB, "MiB": MiB, "GiB": GiB, "TiB": TiB, "PiB": PiB,
		"KB": KB, "kB": KB, "MB": MB, "GB": GB, "TB": TB, "PB": PB}
	// sizePrint is the order String tries units in: binary first, as sizes
	// of VMs and disks are usually binary.
	sizePrint = []struct {
		unit string
		v    Size
	}{{"PiB", PiB}, {"TiB", TiB}, {"GiB", GiB}, {"MiB", MiB}, {"KiB", KiB},
		{"PB", PB}, {"TB", TB}, {"GB", GB}, {"MB", MB}, {"KB", KB}}
)

const sizeHint = "want a number and a unit: B, KiB, MiB, GiB, TiB, PiB (powers of 1024) or KB, MB, GB, TB, PB (powers of 1000), as in 40GiB"

// ParseSize reads a Size.
func ParseSize(s string) (Size, error) {
	t := strings.TrimSpace(s)
	if t == "0" {
		return 0, nil
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("size %q is negative; sizes are ≥ 0", s)
	}
	if isNumber(t) {
		return 0, fmt.Errorf("size %q has no unit: %s", s, sizeHint)
	}
	m := sizeSyntax().FindStringSubmatch(t)
	if m == nil {
		return 0, fmt.Errorf("bad size %q: %s", s, sizeHint)
	}
	unit, ok := sizeUnits[m[2]]
	if !ok {
		return 0, fmt.Errorf("bad size %q: unknown unit %q; %s", s, m[2], sizeHint)
	}
	v, ok := new(big.Rat).SetString(m[1])
	if !ok {
		return 0, fmt.Errorf("bad size %q: %s", s, sizeHint)
	}
	n, ok := ratToInt64(v.Mul(v, new(big.Rat).SetInt64(int64(unit))))
	if !ok {
		return 0, fmt.Errorf("size %q is too large (at most 8191PiB, the range of int64 bytes)", s)
	}
	return Size(n), nil
}

// String prints the size with the largest unit that divides it exactly.
func (z Size) String() string {
	if z == 0 {
		return "0B"
	}
	for _, u := range sizePrint {
		if z%u.v == 0 {
			return strconv.FormatInt(int64(z/u.v), 10) + u.unit
		}
	}
	return strconv.FormatInt(int64(z), 10) + "B"
}

// MarshalYAML implements goccy/go-yaml's BytesMarshaler.
func (z Size) MarshalYAML() ([]byte, error) { return []byte(z.String()), nil }

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (z *Size) UnmarshalYAML(n ast.Node) error {
	v, err := parseScalar(n, "a size such as 40GiB", ParseSize)
	if err == nil {
		*z = v
	}
	return err
}

// IsZero lets omitempty drop an unset size.
func (z Size) IsZero() bool { return z == 0 }

// JSONSchema describes the syntax.
func (Size) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "a size: a number and a unit, B, KiB, MiB, GiB, TiB, PiB (powers of 1024) or KB, MB, GB, TB, PB (powers of 1000), as in 40GiB; or 0",
		OneOf: []*jsonschema.Schema{
			{Type: "string", Pattern: `^(0|([0-9]+(\.[0-9]+)?|\.[0-9]+) ?(B|KiB|MiB|GiB|TiB|PiB|KB|kB|MB|GB|TB|PB))$`},
			{Type: "integer", Const: 0},
		},
	}
}

// ---------------------------------------------------------------------------
// Bandwidths

// Bandwidth is a rate in bits per second, written with bit/s and an
// optional decimal prefix: 10Gbit/s, 200Mbit/s, 512Kbit/s, 9600bit/s. The
// aliases Gbps, Mbps, Kbps and bps are accepted too.
type Bandwidth int64

// Bandwidth units.
const (
	BitPerSec  Bandwidth = 1
	KbitPerSec Bandwidth = 1e3
	MbitPerSec Bandwidth = 1e6
	GbitPerSec Bandwidth = 1e9
	TbitPerSec Bandwidth = 1e12
)

var (
	bandwidthSyntax = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?|\.[0-9]+) ?([kKMGT]?)(bit/s|bps)$`)
	})
	bandwidthPrefix = map[string]Bandwidth{"": BitPerSec, "k": KbitPerSec, "K": KbitPerSec, "M": MbitPerSec, "G": GbitPerSec, "T": TbitPerSec}
)

const bandwidthHint = "want a number and bit/s with an optional K, M, G or T prefix (powers of 1000), as in 10Gbit/s or 200Mbit/s"

// ParseBandwidth reads a Bandwidth.
func ParseBandwidth(s string) (Bandwidth, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("bandwidth %q is negative; want a positive bandwidth such as 10Gbit/s", s)
	}
	if isNumber(t) {
		return 0, fmt.Errorf("bandwidth %q has no unit: %s", s, bandwidthHint)
	}
	m := bandwidthSyntax().FindStringSubmatch(t)
	if m == nil {
		return 0, fmt.Errorf("bad bandwidth %q: %s", s, bandwidthHint)
	}
	v, ok := new(big.Rat).SetString(m[1])
	if !ok {
		return 0, fmt.Errorf("bad bandwidth %q: %s", s, bandwidthHint)
	}
	n, ok := ratToInt64(v.Mul(v, new(big.Rat).SetInt64(int64(bandwidthPrefix[m[2]]))))
	if !ok {
		return 0, fmt.Errorf("bandwidth %q is too large (at most 9223372Tbit/s, the range of int64)", s)
	}
	if n == 0 {
		// Zero would never finish a transfer, and an absent bandwidth
		// already means the default: say so rather than pick one.
		return 0, fmt.Errorf("bandwidth %q is zero; want a positive bandwidth, or leave the field out for the default", s)
	}
	return Bandwidth(n), nil
}

// String prints the bandwidth with the largest prefix that divides it
// exactly.
func (b Bandwidth) String() string {
	for _, p := range []struct {
		prefix string
		v      Bandwidth
	}{{"T", TbitPerSec}, {"G", GbitPerSec}, {"M", MbitPerSec}, {"K", KbitPerSec}} {
		if b != 0 && b%p.v == 0 {
			return strconv.FormatInt(int64(b/p.v), 10) + p.prefix + "bit/s"
		}
	}
	return strconv.FormatInt(int64(b), 10) + "bit/s"
}

// MarshalYAML implements goccy/go-yaml's BytesMarshaler.
func (b Bandwidth) MarshalYAML() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (b *Bandwidth) UnmarshalYAML(n ast.Node) error {
	v, err := parseScalar(n, "a bandwidth such as 10Gbit/s", ParseBandwidth)
	if err == nil {
		*b = v
	}
	return err
}

// IsZero lets omitempty drop an unset bandwidth.
func (b Bandwidth) IsZero() bool { return b == 0 }

// JSONSchema describes the syntax.
func (Bandwidth) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "a bandwidth: a number and bit/s with an optional K, M, G or T prefix (powers of 1000), as in 10Gbit/s; Gbps, Mbps, Kbps, bps are accepted too",
		Type:        "string",
		Pattern:     `^([0-9]+(\.[0-9]+)?|\.[0-9]+) ?[kKMGT]?(bit/s|bps)$`,
	}
}

// ---------------------------------------------------------------------------
// Points in time

// TimeSpec is a point in simulated time: absolute (RFC 3339, Time set) or
// relative to the scenario's start (+DURATION, Time zero).
type TimeSpec struct {
	Time   time.Time // absolute when not zero
	Offset Duration  // from start, when Time is zero
}

// After returns the time d after start (+d in a file).
func After(d time.Duration) *TimeSpec { return &TimeSpec{Offset: Duration(d)} }

// AtTime returns an absolute time.
func AtTime(t time.Time) *TimeSpec { return &TimeSpec{Time: t} }

const timeHint = "want an RFC 3339 time (2026-11-02T22:00:00Z) or +DURATION from start (+2h30m)"

// ParseTimeSpec reads RFC 3339 or +DURATION.
func ParseTimeSpec(s string) (TimeSpec, error) {
	t := strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(t, "+"); ok {
		d, err := ParseDuration(rest)
		if err != nil {
			return TimeSpec{}, fmt.Errorf("bad time %q: %v", s, err)
		}
		return TimeSpec{Offset: d}, nil
	}
	abs, err := time.Parse(time.RFC3339Nano, t)
	if err != nil {
		return TimeSpec{}, fmt.Errorf("bad time %q: %s", s, timeHint)
	}
	if err := checkInstant(abs, s); err != nil {
		return TimeSpec{}, err
	}
	return TimeSpec{Time: abs}, nil
}

// The instants a scenario may name: those whose nanoseconds since the Unix
// epoch fit an int64, the form the trace hash stores start in. Outside it
// the hash of start is undefined, a trace's time can leave RFC 3339 (year
// 10000), and the zero time.Time (0001-01-01T00:00:00Z, in any offset)
// would read as no time given: a start as the default start, an at as +0.
var (
	minInstant = time.Unix(0, math.MinInt64).UTC()
	maxInstant = time.Unix(0, math.MaxInt64).UTC()
)

// checkInstant refuses an instant outside [minInstant, maxInstant], and a
// UTC offset RFC 3339 does not have: Go's parser takes +24:00 or +12:60,
// which RFC 3339 (time-hour 00-23, time-minute 00-59) does not, and which
// would silently shift the time a reader of the file sees.
func checkInstant(t time.Time, written string) error {
	w := strings.TrimSpace(written)
	if t.Before(minInstant) || t.After(maxInstant) {
		return fmt.Errorf("time %q is out of range: times lie from %s to %s (nanoseconds since 1970 must fit an int64)",
			w, minInstant.Format(time.RFC3339Nano), maxInstant.Format(time.RFC3339Nano))
	}
	if n := len(w); n >= 6 && (w[n-6] == '+' || w[n-6] == '-') && w[n-3] == ':' {
		hh, herr := strconv.Atoi(w[n-5 : n-3])
		mm, merr := strconv.Atoi(w[n-2:])
		if herr != nil || merr != nil || hh > 23 || mm > 59 {
			return fmt.Errorf("time %q has the UTC offset %s: RFC 3339 offsets run from -23:59 to +23:59", w, w[n-6:])
		}
	}
	return nil
}

// IsAbsolute reports whether the time is RFC 3339 rather than +DURATION.
func (t TimeSpec) IsAbsolute() bool { return !t.Time.IsZero() }

// String prints the file syntax.
func (t TimeSpec) String() string {
	if t.IsAbsolute() {
		return t.Time.Format(time.RFC3339Nano)
	}
	return "+" + t.Offset.String()
}

// Since returns the simulated time of t in a run that starts at start.
// ok is false when it does not fit int64 nanoseconds or is before start.
func (t TimeSpec) Since(start time.Time) (at sim.Time, ok bool) {
	if !t.IsAbsolute() {
		return sim.Time(t.Offset), t.Offset >= 0
	}
	d := t.Time.Sub(start) // saturates at the int64 range
	if d == math.MaxInt64 || d == math.MinInt64 {
		return 0, false
	}
	return sim.Time(d), d >= 0
}

// MarshalYAML implements goccy/go-yaml's BytesMarshaler.
func (t TimeSpec) MarshalYAML() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (t *TimeSpec) UnmarshalYAML(n ast.Node) error {
	v, err := parseScalar(n, "a time such as +2h or 2026-11-02T22:00:00Z", ParseTimeSpec)
	if err == nil {
		*t = v
	}
	return err
}

// JSONSchema describes the syntax.
func (TimeSpec) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "a point in time: RFC 3339 (2026-11-02T22:00:00Z) or +DURATION from start (+2h30m)",
		// anyOf, not oneOf: validators that do not assert format accept
		// +2h as a date-time too, and oneOf would then reject it.
		AnyOf: []*jsonschema.Schema{
			{Type: "string", Format: "date-time"},
			{Type: "string", Pattern: `^\+(0|([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h|d))+)$`},
			// `at: +0` is a YAML integer, and the loader takes it as
			// start (as it takes a duration's bare 0).
			{Type: "integer", Const: 0},
		},
	}
}

// ---------------------------------------------------------------------------
// Distributions

// The forms of a distribution in a file, shared by sizes and durations:
//
//	40GiB                                  a constant
//	{uniform: [A, B]}                      uniform in [A, B)
//	{exponential: MEAN}                    exponential with that mean
//	{lognormal: {median: M, p95: P}}       lognormal by median and 95th percentile

// DurationDist is a duration that is a constant or a distribution. The
// zero value means "not given".
type DurationDist struct {
	Kind sim.DistKind // DistNone (not given), DistConst, DistUniform, DistExponential, DistLognormal
	A, B Duration     // const: A; uniform: [A, B]; exponential: mean A; lognormal: median A, p95 B
}

// SizeDist is a size that is a constant or a distribution. The zero value
// means "not given".
type SizeDist struct {
	Kind sim.DistKind
	A, B Size
}

// Constructors, for files built in Go.

// ConstDuration is a fixed duration.
func ConstDuration(d time.Duration) DurationDist {
	return DurationDist{Kind: sim.DistConst, A: Duration(d)}
}

// UniformDuration is uniform in [a, b).
func UniformDuration(a, b time.Duration) DurationDist {
	return DurationDist{Kind: sim.DistUniform, A: Duration(a), B: Duration(b)}
}

// ExponentialDuration is exponential with the given mean.
func ExponentialDuration(mean time.Duration) DurationDist {
	return DurationDist{Kind: sim.DistExponential, A: Duration(mean)}
}

// LognormalDuration is lognormal with the given median and 95th percentile.
func LognormalDuration(median, p95 time.Duration) DurationDist {
	return DurationDist{Kind: sim.DistLognormal, A: Duration(median), B: Duration(p95)}
}

// ConstSize is a fixed size.
func ConstSize(s Size) SizeDist { return SizeDist{Kind: sim.DistConst, A: s} }

// UniformSize is uniform in [a, b).
func UniformSize(a, b Size) SizeDist { return SizeDist{Kind: sim.DistUniform, A: a, B: b} }

// ExponentialSize is exponential with the given mean.
func ExponentialSize(mean Size) SizeDist { return SizeDist{Kind: sim.DistExponential, A: mean} }

// LognormalSize is lognormal with the given median and 95th percentile.
func LognormalSize(median, p95 Size) SizeDist {
	return SizeDist{Kind: sim.DistLognormal, A: median, B: p95}
}

// IsSet reports whether the distribution was given.
func (d DurationDist) IsSet() bool { return d.Kind != sim.DistNone }

// IsZero lets omitempty drop an unset distribution.
func (d DurationDist) IsZero() bool { return d.Kind == sim.DistNone }

// Dist converts to the engine's form, in nanoseconds.
func (d DurationDist) Dist() sim.Dist {
	return sim.Dist{Kind: d.Kind, A: float64(d.A), B: float64(d.B)}
}

// IsSet reports whether the distribution was given.
func (d SizeDist) IsSet() bool { return d.Kind != sim.DistNone }

// IsZero lets omitempty drop an unset distribution.
func (d SizeDist) IsZero() bool { return d.Kind == sim.DistNone }

// Dist converts to the engine's form, in bytes.
func (d SizeDist) Dist() sim.Dist {
	return sim.Dist{Kind: d.Kind, A: float64(d.A), B: float64(d.B)}
}

// String prints the file syntax (flow style for distributions).
func (d DurationDist) String() string {
	return distString(d.Kind, d.A.String(), d.B.String())
}

// String prints the file syntax (flow style for distributions).
func (d SizeDist) String() string {
	return distString(d.Kind, d.A.String(), d.B.String())
}

func distString(k sim.DistKind, a, b string) string {
	switch k {
	case sim.DistConst:
		return a
	case sim.DistUniform:
		return "{uniform: [" + a + ", " + b + "]}"
	case sim.DistExponential:
		return "{exponential: " + a + "}"
	case sim.DistLognormal:
		return "{lognormal: {median: " + a + ", p95: " + b + "}}"
	}
	return "null"
}

// MarshalYAML implements goccy/go-yaml's BytesMarshaler.
func (d DurationDist) MarshalYAML() ([]byte, error) { return []byte(d.String()), nil }

// MarshalYAML implements goccy/go-yaml's BytesMarshaler.
func (d SizeDist) MarshalYAML() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (d *DurationDist) UnmarshalYAML(n ast.Node) error {
	k, a, b, err := parseDist(n, "duration", "25m", func(s string) (int64, error) {
		v, err := ParseDuration(s)
		return int64(v), err
	})
	if err == nil {
		*d = DurationDist{Kind: k, A: Duration(a), B: Duration(b)}
	}
	return err
}

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (d *SizeDist) UnmarshalYAML(n ast.Node) error {
	k, a, b, err := parseDist(n, "size", "40GiB", func(s string) (int64, error) {
		v, err := ParseSize(s)
		return int64(v), err
	})
	if err == nil {
		*d = SizeDist{Kind: k, A: Size(a), B: Size(b)}
	}
	return err
}

const distForms = "a constant, {uniform: [A, B]}, {exponential: MEAN} or {lognormal: {median: M, p95: P}}"

// parseDist reads the four forms of a distribution; what and example name
// the quantity in messages. Parameter errors are reported at the parameter.
func parseDist(n ast.Node, what, example string, parse func(string) (int64, error)) (k sim.DistKind, a, b int64, err error) {
	n = scalarNode(n)
	one := func(v ast.Node) (int64, error) {
		v = scalarNode(v)
		s, ok := scalarText(v)
		if !ok {
			return 0, errAt(v, "want a %s such as %s, got %s", what, example, describeNode(v))
		}
		x, err := parse(s)
		if err != nil {
			return 0, errAt(v, "%s", err.Error())
		}
		return x, nil
	}
	if _, ok := scalarText(n); ok {
		a, err = one(n)
		return sim.DistConst, a, 0, err
	}
	pairs, ok := yamlEntries(n)
	if !ok || len(pairs) != 1 {
		return 0, 0, 0, errAt(n, "want a %s: %s, got %s", what, distForms, describeNode(n))
	}
	key, val := tokenValue(pairs[0].Key), scalarNode(pairs[0].Value)
	switch key {
	case "uniform":
		seq, ok := val.(*ast.SequenceNode)
		if !ok || len(seq.Values) != 2 {
			return 0, 0, 0, errAt(val, "uniform wants a list of two %ss [A, B], got %s", what, describeNode(val))
		}
		if a, err = one(seq.Values[0]); err != nil {
			return
		}
		if b, err = one(seq.Values[1]); err != nil {
			return
		}
		if b < a {
			return 0, 0, 0, errAt(val, "uniform [A, B] needs A ≤ B")
		}
		return sim.DistUniform, a, b, nil
	case "exponential":
		a, err = one(val)
		return sim.DistExponential, a, 0, err
	case "lognormal":
		ps, ok := yamlEntries(val)
		if !ok {
			return 0, 0, 0, errAt(val, "lognormal wants {median: M, p95: P}, got %s", describeNode(val))
		}
		var haveM, haveP bool
		for _, p := range ps {
			switch tokenValue(p.Key) {
			case "median":
				haveM = true
				a, err = one(p.Value)
			case "p95":
				haveP = true
				b, err = one(p.Value)
			default:
				err = errAt(p.Key, "unknown field %q in lognormal (fields: median, p95)", tokenValue(p.Key))
			}
			if err != nil {
				return
			}
		}
		if !haveM || !haveP {
			return 0, 0, 0, errAt(val, "lognormal wants both median and p95")
		}
		if a <= 0 || b < a {
			return 0, 0, 0, errAt(val, "lognormal needs 0 < median ≤ p95")
		}
		return sim.DistLognormal, a, b, nil
	}
	return 0, 0, 0, errAt(pairs[0].Key, "unknown distribution %q (one of: uniform, exponential, lognormal)", key)
}

// yamlEntries returns the entries of a mapping node, whatever its shape
// (goccy represents a one-entry block mapping as a bare MappingValueNode).
func yamlEntries(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch t := n.(type) {
	case *ast.MappingNode:
		return t.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{t}, true
	}
	return nil, false
}

func distSchema(quantity *jsonschema.Schema, what string) *jsonschema.Schema {
	obj := func(key string, v *jsonschema.Schema) *jsonschema.Schema {
		props := jsonschema.NewProperties()
		props.Set(key, v)
		return &jsonschema.Schema{Type: "object", Properties: props, Required: []string{key}, AdditionalProperties: jsonschema.FalseSchema}
	}
	logProps := jsonschema.NewProperties()
	logProps.Set("median", quantity)
	logProps.Set("p95", quantity)
	return &jsonschema.Schema{
		Description: "a " + what + ": " + distForms,
		OneOf: []*jsonschema.Schema{
			quantity,
			obj("uniform", &jsonschema.Schema{Type: "array", Items: quantity, MinItems: ptrUint64(2), MaxItems: ptrUint64(2)}),
			obj("exponential", quantity),
			obj("lognormal", &jsonschema.Schema{Type: "object", Properties: logProps, Required: []string{"median", "p95"}, AdditionalProperties: jsonschema.FalseSchema}),
		},
	}
}

func ptrUint64(v uint64) *uint64 { return &v }

// JSONSchema describes the forms.
func (DurationDist) JSONSchema() *jsonschema.Schema {
	return distSchema(Duration(0).JSONSchema(), "duration")
}

// JSONSchema describes the forms.
func (SizeDist) JSONSchema() *jsonschema.Schema { return distSchema(Size(0).JSONSchema(), "size") }
