package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// DistKind says how a Dist draws.
type DistKind uint8

const (
	DistNone        DistKind = iota // not given
	DistConst                       // always A
	DistUniform                     // uniform in [A, B)
	DistExponential                 // exponential with mean A
	DistLognormal                   // lognormal with median A and 95th percentile B
)

// Dist is a constant or a random distribution of a non-negative quantity
// (nanoseconds, bytes). It is a small value type so entities can hold one
// without allocating.
type Dist struct {
	Kind DistKind
	A, B float64
}

// Const returns a distribution that always yields v.
func Const(v float64) Dist { return Dist{Kind: DistConst, A: v} }

// IsSet reports whether the distribution was given.
func (d Dist) IsSet() bool { return d.Kind != DistNone }

// z95 is the standard normal's 95th percentile, to turn (median, p95) into
// the lognormal's sigma.
const z95 = 1.6448536269514722

// Sample draws one value (never negative). A constant draws nothing from r;
// callers draw their quantities in a fixed order so a run stays reproducible.
func (d Dist) Sample(r *rand.Rand) float64 {
	switch d.Kind {
	case DistConst:
		return d.A
	case DistUniform:
		return d.A + r.Float64()*(d.B-d.A)
	case DistExponential:
		return r.ExpFloat64() * d.A
	case DistLognormal:
		sigma := (math.Log(d.B) - math.Log(d.A)) / z95
		return d.A * math.Exp(r.NormFloat64()*sigma)
	}
	return 0
}

// SampleInt draws one value as Sample does, rounded down to an integer
// (nanoseconds, bytes) and saturating at the largest int64: a long-tailed
// draw (exponential, lognormal) or a constant at the format's limit does
// not wrap to a negative value.
func (d Dist) SampleInt(r *rand.Rand) int64 {
	if x := d.Sample(r); x < math.MaxInt64 {
		return int64(x)
	}
	return math.MaxInt64
}

// Mean is the distribution's expected value (for reports and estimates).
func (d Dist) Mean() float64 {
	switch d.Kind {
	case DistConst, DistExponential:
		return d.A
	case DistUniform:
		return (d.A + d.B) / 2
	case DistLognormal:
		sigma := (math.Log(d.B) - math.Log(d.A)) / z95
		return d.A * math.Exp(sigma*sigma/2)
	}
	return 0
}

// Validate checks the parameters: non-negative, ordered, finite.
func (d Dist) Validate() error {
	bad := func(v float64) bool { return v < 0 || math.IsNaN(v) || math.IsInf(v, 0) }
	switch d.Kind {
	case DistConst, DistExponential:
		if bad(d.A) {
			return fmt.Errorf("value must be a finite number ≥ 0")
		}
	case DistUniform:
		if bad(d.A) || bad(d.B) || d.B < d.A {
			return fmt.Errorf("uniform [A, B] needs 0 ≤ A ≤ B")
		}
	case DistLognormal:
		if bad(d.A) || bad(d.B) || d.A <= 0 || d.B < d.A {
			return fmt.Errorf("lognormal needs 0 < median ≤ p95")
		}
	}
	return nil
}
