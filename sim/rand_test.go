package sim_test

import (
	"math"
	"math/rand/v2"
	"sort"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/sim"
)

func draws(r *rand.Rand, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

var _ = Describe("Stream", func() {
	It("gives the same draws for the same (seed, key)", func() {
		Expect(draws(sim.Stream(7, "tenant/acme/job/nightly"), 64)).
			To(Equal(draws(sim.Stream(7, "tenant/acme/job/nightly"), 64)))
	})

	It("gives different draws for different keys and different seeds", func() {
		a := draws(sim.Stream(7, "tenant/acme"), 8)
		Expect(draws(sim.Stream(7, "tenant/acmf"), 8)).NotTo(Equal(a))
		Expect(draws(sim.Stream(8, "tenant/acme"), 8)).NotTo(Equal(a))
		Expect(draws(sim.Stream(7, ""), 8)).NotTo(Equal(a))
	})

	It("does not depend on how many other streams exist or in which order they were made", func() {
		// World 1: only acme. World 2: 100 other entities created first,
		// and interleaved draws from them.
		alone := draws(sim.Stream(42, "tenant/acme"), 32)
		others := make([]*rand.Rand, 100)
		for i := range others {
			others[i] = sim.Stream(42, "tenant/other-"+string(rune('a'+i%26))+string(rune('a'+i/26)))
		}
		acme := sim.Stream(42, "tenant/acme")
		var crowded []uint64
		for i := 0; i < 32; i++ {
			others[i%100].Uint64()
			crowded = append(crowded, acme.Uint64())
			others[(i*7)%100].Uint64()
		}
		Expect(crowded).To(Equal(alone))
	})

	It("has a NewPCG that is exactly Stream's source", func() {
		src := sim.NewPCG(3, "k")
		Expect(draws(rand.New(src), 16)).To(Equal(draws(sim.Stream(3, "k"), 16)))
	})

	It("has a SeedPCG that seeds a source as NewPCG does for the key its parts make", func() {
		var p rand.PCG
		for _, parts := range [][]string{{"job/", "acme", "/", "nightly"}, {"job/acme/nightly"}, {"", "job/acme/nightly", ""}} {
			sim.SeedPCG(&p, 3, parts...)
			Expect(draws(rand.New(&p), 16)).To(Equal(draws(sim.Stream(3, "job/acme/nightly"), 16)), "%q", parts)
		}
		sim.SeedPCG(&p, 3, "job/", "acme", "/", "nightly2")
		Expect(draws(rand.New(&p), 16)).NotTo(Equal(draws(sim.Stream(3, "job/acme/nightly"), 16)))
	})

	It("keeps distinct keys distinct over many entities", func() {
		seen := map[uint64]string{}
		for i := 0; i < 10000; i++ {
			key := "tenant/t-" + itoa(i)
			v := sim.Stream(1, key).Uint64()
			if prev, dup := seen[v]; dup {
				Fail("first draws of " + key + " and " + prev + " collide")
			}
			seen[v] = key
		}
	})
})

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

var _ = Describe("SubSeed", func() {
	It("depends only on (base, i): reproducible, distinct per index and per base", func() {
		// Pinned values: sweeps promise the same seed for the same (base, run
		// index) forever, so the derivation must not drift.
		Expect(sim.SubSeed(1, 5)).To(Equal(uint64(0xc3b68fece4eba2a4)))
		Expect(sim.SubSeed(7, 0)).To(Equal(uint64(0x97ee73ef0b8b3102)))
		seen := map[uint64]bool{}
		for i := uint64(0); i < 100000; i++ {
			s := sim.SubSeed(1, i)
			if seen[s] {
				Fail("sub-seed collision at index " + itoa(int(i)))
			}
			seen[s] = true
		}
		Expect(sim.SubSeed(2, 5)).NotTo(Equal(sim.SubSeed(1, 5)))
		Expect(sim.SubSeed(1, 0)).NotTo(Equal(uint64(1)))
	})

	It("is the same whatever order a batch's runs are derived in (shards, workers)", func() {
		forward := make([]uint64, 50)
		for i := range forward {
			forward[i] = sim.SubSeed(99, uint64(i))
		}
		for i := 49; i >= 0; i-- {
			Expect(sim.SubSeed(99, uint64(i))).To(Equal(forward[i]))
		}
	})
})

// sample draws n values of d from a fixed stream, so the statistical
// checks below are deterministic.
func sample(d sim.Dist, n int) []float64 {
	r := sim.Stream(12345, "dist-test")
	out := make([]float64, n)
	for i := range out {
		out[i] = d.Sample(r)
	}
	return out
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func quantile(xs []float64, q float64) float64 {
	c := append([]float64(nil), xs...)
	sort.Float64s(c)
	return c[int(q*float64(len(c)-1))]
}

var _ = Describe("Dist", func() {
	const n = 200_000

	It("Const always yields A and draws nothing from the stream", func() {
		r := sim.Stream(1, "x")
		d := sim.Const(42)
		Expect(d.IsSet()).To(BeTrue())
		for i := 0; i < 10; i++ {
			Expect(d.Sample(r)).To(Equal(42.0))
		}
		Expect(r.Uint64()).To(Equal(sim.Stream(1, "x").Uint64()), "stream untouched")
		Expect(d.Mean()).To(Equal(42.0))
	})

	It("an unset Dist is not set and samples 0", func() {
		var d sim.Dist
		Expect(d.IsSet()).To(BeFalse())
		Expect(d.Sample(sim.Stream(1, "x"))).To(BeZero())
		Expect(d.Mean()).To(BeZero())
	})

	It("Uniform stays in [A, B) with mean (A+B)/2", func() {
		d := sim.Dist{Kind: sim.DistUniform, A: 60, B: 660}
		xs := sample(d, n)
		for _, x := range xs {
			Expect(x).To(And(BeNumerically(">=", 60), BeNumerically("<", 660)))
		}
		Expect(d.Mean()).To(Equal(360.0))
		Expect(mean(xs)).To(BeNumerically("~", 360, 2)) // σ/√n ≈ 0.39
		Expect(quantile(xs, 0.5)).To(BeNumerically("~", 360, 3))
	})

	It("Exponential is non-negative with mean A", func() {
		d := sim.Dist{Kind: sim.DistExponential, A: 100}
		xs := sample(d, n)
		for _, x := range xs {
			Expect(x).To(BeNumerically(">=", 0))
		}
		Expect(mean(xs)).To(BeNumerically("~", 100, 1)) // σ/√n ≈ 0.22
		Expect(quantile(xs, 0.5)).To(BeNumerically("~", 100*math.Ln2, 1.5))
	})

	It("Lognormal has median A, 95th percentile B, and the stated mean", func() {
		d := sim.Dist{Kind: sim.DistLognormal, A: 100, B: 300}
		xs := sample(d, n)
		for _, x := range xs {
			Expect(x).To(BeNumerically(">", 0))
		}
		Expect(quantile(xs, 0.5)).To(BeNumerically("~", 100, 1.5))
		Expect(quantile(xs, 0.95)).To(BeNumerically("~", 300, 6))
		Expect(mean(xs)).To(BeNumerically("~", d.Mean(), d.Mean()*0.01))
		sigma := math.Log(3) / 1.6448536269514722
		Expect(d.Mean()).To(BeNumerically("~", 100*math.Exp(sigma*sigma/2), 1e-9))
	})

	It("is reproducible: the same stream gives the same samples", func() {
		d := sim.Dist{Kind: sim.DistLognormal, A: 10, B: 40}
		Expect(sample(d, 100)).To(Equal(sample(d, 100)))
	})

	DescribeTable("Validate",
		func(d sim.Dist, ok bool) {
			if ok {
				Expect(d.Validate()).To(Succeed())
			} else {
				Expect(d.Validate()).To(HaveOccurred())
			}
		},
		Entry("unset", sim.Dist{}, true),
		Entry("const 0", sim.Const(0), true),
		Entry("const negative", sim.Const(-1), false),
		Entry("const NaN", sim.Const(math.NaN()), false),
		Entry("const +Inf", sim.Const(math.Inf(1)), false),
		Entry("uniform ordered", sim.Dist{Kind: sim.DistUniform, A: 1, B: 2}, true),
		Entry("uniform degenerate A = B", sim.Dist{Kind: sim.DistUniform, A: 2, B: 2}, true),
		Entry("uniform reversed", sim.Dist{Kind: sim.DistUniform, A: 2, B: 1}, false),
		Entry("uniform negative A", sim.Dist{Kind: sim.DistUniform, A: -1, B: 1}, false),
		Entry("uniform infinite B", sim.Dist{Kind: sim.DistUniform, A: 0, B: math.Inf(1)}, false),
		Entry("exponential", sim.Dist{Kind: sim.DistExponential, A: 5}, true),
		Entry("exponential negative", sim.Dist{Kind: sim.DistExponential, A: -5}, false),
		Entry("lognormal", sim.Dist{Kind: sim.DistLognormal, A: 1, B: 3}, true),
		Entry("lognormal median 0", sim.Dist{Kind: sim.DistLognormal, A: 0, B: 3}, false),
		Entry("lognormal p95 below median", sim.Dist{Kind: sim.DistLognormal, A: 3, B: 1}, false),
		Entry("lognormal NaN", sim.Dist{Kind: sim.DistLognormal, A: 1, B: math.NaN()}, false),
	)
})
