package scenarios

import (
	"sync"

	"pgregory.net/rapid"
)

// Generators built once. rapid.IntRange, rapid.SampledFrom and rapid.Bool
// build a new generator (two allocations) on every call, and the
// generators of gen.go call them a hundred times per case: in `maintsim
// check` that was a fifth of all allocations, and allocation is what two
// workers contend on. A rapid generator is immutable once built and safe
// to share between goroutines; drawing from a shared one draws exactly
// what a fresh one would, so cases and counterexamples do not change.

// intRange is rapid.IntRange(lo, hi), shared for the small ranges.
func intRange(lo, hi int) *rapid.Generator[int] {
	if lo >= smallRangeLo && lo <= 3 && hi >= lo && hi <= smallRangeHi {
		return smallRanges()[lo-smallRangeLo][hi-lo]
	}
	if lo == 1 && hi == 1000 {
		return genSeedG
	}
	return rapid.IntRange(lo, hi)
}

// smallRanges()[lo-smallRangeLo][hi-lo] is rapid.IntRange(lo, hi) for
// smallRangeLo <= lo <= 3 and lo <= hi <= smallRangeHi: every range the
// generators draw on the default worlds (the widest, at_5min, is 0..144
// on a 12 h horizon). Built on first use: a `maintsim run` never pays.
const smallRangeLo, smallRangeHi = -6, 160

var smallRanges = sync.OnceValue(func() [][]*rapid.Generator[int] {
	out := make([][]*rapid.Generator[int], 3-smallRangeLo+1)
	for lo := smallRangeLo; lo <= 3; lo++ {
		row := make([]*rapid.Generator[int], smallRangeHi-lo+1)
		for hi := lo; hi <= smallRangeHi; hi++ {
			row[hi-lo] = rapid.IntRange(lo, hi)
		}
		out[lo-smallRangeLo] = row
	}
	return out
})

var (
	genSeedG             = rapid.IntRange(1, 1000)
	genBoolG             = rapid.Bool()
	exGenLoadsG          = rapid.SampledFrom(exGenLoads)
	exGenNoiseCompsG     = rapid.SampledFrom(exGenNoiseComps)
	exGenNoiseReqsG      = rapid.SampledFrom(exGenNoiseReqs)
	exGenNoiseStatesG    = rapid.SampledFrom([]string{"Inactive", "Draining"})
	exGenPoliciesG       = rapid.SampledFrom([]string{"", "IntrasiteOnly"})
	exGenProtocolsG      = rapid.SampledFrom(exGenProtocols)
	exGenRatesG          = rapid.SampledFrom(exGenRates)
	exGenScalesG         = rapid.SampledFrom(exGenScales)
	genClientsG          = rapid.SampledFrom(genClients)
	genEveryG            = rapid.SampledFrom(genEvery)
	genGracefulResultsG  = rapid.SampledFrom([]string{"Warning", "Success"})
	genJobsG             = rapid.SampledFrom(genJobs)
	genMaxTasksG         = rapid.SampledFrom(genMaxTasks)
	genMessagesG         = rapid.SampledFrom(genMessages)
	genMinutesG          = rapid.SampledFrom(genMinutes)
	genReplicationModesG = rapid.SampledFrom([]string{"allow", "stop"})
	genScalesG           = rapid.SampledFrom(genScales)
	genSizesGiBG         = rapid.SampledFrom(genSizesGiB)
	genSlotsG            = rapid.SampledFrom(genSlots)
	genStopModesG        = rapid.SampledFrom([]string{"immediate", "graceful"})
	genTenantBpsG        = rapid.SampledFrom(genTenantBps)
	genVCDModesG         = rapid.SampledFrom([]string{"stop", "allow"})
	genVersionsG         = rapid.SampledFrom(genVersions)
	genWaitsG            = rapid.SampledFrom(genWaits)
)
