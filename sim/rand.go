package sim

import (
	"math/rand/v2"
)

// Stream returns a PCG generator for one entity of a run. The seed pair is a
// mix of the run seed and a 64-bit FNV-1a hash of the entity's stable key (for
// example "tenant/acme/job/nightly"), so the stream depends only on the run
// seed and that key: never on how many other entities exist or in which order
// they were built.
func Stream(runSeed uint64, key string) *rand.Rand {
	return rand.New(NewPCG(runSeed, key))
}

// NewPCG returns the PCG source behind Stream, for callers that keep the
// source by value to avoid an allocation per entity.
func NewPCG(runSeed uint64, key string) *rand.PCG {
	return rand.NewPCG(pcgSeeds(runSeed, fnv1a(fnvOffset, key)))
}

// SeedPCG seeds p as NewPCG(runSeed, key) seeds its source, key being the
// concatenation of parts, without building the key: a world seeds one
// stream per job, and a check case builds a world.
func SeedPCG(p *rand.PCG, runSeed uint64, parts ...string) {
	h := uint64(fnvOffset)
	for _, s := range parts {
		h = fnv1a(h, s)
	}
	p.Seed(pcgSeeds(runSeed, h))
}

func pcgSeeds(runSeed, h uint64) (uint64, uint64) {
	return mix(runSeed ^ h), mix(h + 0x9e3779b97f4a7c15*(runSeed|1))
}

// SubSeed derives a seed for run index i of a batch (sweeps, checks) from a
// base seed. It depends on nothing else, so shard and worker counts cannot
// change which seed a run gets.
func SubSeed(base uint64, i uint64) uint64 {
	return mix(base ^ mix(i+0x632be59bd9b4e019))
}

const fnvOffset = 14695981039346656037

// fnv1a continues a 64-bit FNV-1a hash h (fnvOffset to start) over s.
func fnv1a(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix is SplitMix64's finaliser: a bijection that spreads nearby inputs.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
