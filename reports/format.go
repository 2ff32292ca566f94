package reports

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// px is an SVG coordinate. It prints with at most one decimal so that the
// output is short and byte-identical across runs and platforms.
type px float64

func (p px) String() string {
	v := math.Round(float64(p)*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// fmtDur renders a duration compactly and exactly enough for a reader:
// "2h30m", "14m20s", "1.5s", "250ms", "0s".
func fmtDur(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	neg := d < 0
	if neg {
		d = -d
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if d < time.Second {
		switch {
		case d%time.Millisecond == 0:
			b.WriteString(strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms")
		case d%time.Microsecond == 0:
			b.WriteString(strconv.FormatInt(int64(d/time.Microsecond), 10) + "µs")
		default:
			b.WriteString(strconv.FormatInt(int64(d), 10) + "ns")
		}
		return b.String()
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	if days > 0 {
		b.WriteString(strconv.FormatInt(int64(days), 10) + "d")
	}
	if h > 0 {
		b.WriteString(strconv.FormatInt(int64(h), 10) + "h")
	}
	if m > 0 || h > 0 && d > 0 {
		// "3h0m45s", as Go writes it: "3h45s" reads as 3h45m at a glance.
		b.WriteString(strconv.FormatInt(int64(m), 10) + "m")
	}
	if d > 0 {
		if d%time.Second == 0 {
			b.WriteString(strconv.FormatInt(int64(d/time.Second), 10) + "s")
		} else {
			// Sub-second remainders matter only for short spans; keep ms.
			b.WriteString(strconv.FormatFloat(float64(d/time.Millisecond)/1000, 'f', -1, 64) + "s")
		}
	}
	return b.String()
}

// rel renders a simulated time as an offset from the start, the way
// scenario files write times: "+2h30m".
func rel(t sim.Time) string {
	if t < 0 {
		return fmtDur(time.Duration(t))
	}
	return "+" + fmtDur(time.Duration(t))
}

// clock renders the wall-clock time of t (UTC), to the second.
func clock(start time.Time, t sim.Time) string {
	return t.At(start).UTC().Format("15:04:05")
}

// exact is the RFC 3339 instant with nanoseconds, as in traces.
func exact(start time.Time, t sim.Time) string { return sim.FormatRFC3339(start, t) }

// when is the form used in tables: "22:30:00 (+2h30m)".
func when(start time.Time, t sim.Time) string { return clock(start, t) + " (" + rel(t) + ")" }

// fmtBytes renders a byte count in binary units, three significant digits.
func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit && n > -unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	f := float64(n)
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for math.Abs(f) >= unit && i < len(units)-1 {
		f /= unit
		i++
	}
	prec := 2
	switch {
	case math.Abs(f) >= 100:
		prec = 0
	case math.Abs(f) >= 10:
		prec = 1
	}
	return strconv.FormatFloat(f, 'f', prec, 64) + " " + units[i]
}

// fmtInt groups thousands with a thin space-free comma: 20000 → "20,000".
func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fmtFloat renders a float with up to prec decimals, trailing zeros cut.
func fmtFloat(f float64, prec int) string {
	if math.IsNaN(f) {
		return "n/a"
	}
	if math.IsInf(f, 0) {
		if f > 0 {
			return "∞"
		}
		return "-∞"
	}
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// clip shortens s to n runes with an ellipsis; the full text goes in a title.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmtInt(int64(n)) + " " + many
}

// joinAnd lists words as prose: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// runEnd is the run's horizon as an offset from start, read from the
// summary's until; 0 when it cannot be read.
func runEnd(s *scenarios.Summary, start time.Time) sim.Time {
	u := parseStart(s.Until)
	if u.IsZero() || start.IsZero() || u.Before(start) {
		return 0
	}
	return sim.Time(u.Sub(start))
}
