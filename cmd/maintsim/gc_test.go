package main

// The collector settings of the CLI (BENCHMARKS.md, item 8): ours unless
// the user set GOGC or GOMEMLIMIT.

import (
	"math"
	"os"
	"runtime/debug"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// gcSettings reads the current GC percent and memory limit without
// changing them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

var _ = Describe("tuneGC", func() {
	var percent int
	var limit int64
	BeforeEach(func() {
		percent, limit = gcSettings()
		DeferCleanup(func() {
			debug.SetGCPercent(percent)
			debug.SetMemoryLimit(limit)
		})
	})

	It("sets GOGC=400 and a 768 MiB soft limit when the environment sets neither", func() {
		if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
			Skip("GOGC or GOMEMLIMIT set in the test's environment")
		}
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		tuneGC()
		p, l := gcSettings()
		Expect(p).To(Equal(400))
		Expect(l).To(Equal(int64(768 << 20)))
	})

	It("leaves the user's GOGC and GOMEMLIMIT alone", func() {
		GinkgoT().Setenv("GOGC", "50")
		GinkgoT().Setenv("GOMEMLIMIT", "2GiB")
		debug.SetGCPercent(50)
		debug.SetMemoryLimit(2 << 30)
		tuneGC()
		p, l := gcSettings()
		Expect(p).To(Equal(50))
		Expect(l).To(Equal(int64(2 << 30)))
	})

	It("check and selftest collect at GOGC=600 (small live heap, nearly all garbage), unless GOGC is set", func() {
		if os.Getenv("GOGC") != "" {
			Skip("GOGC set in the test's environment")
		}
		debug.SetGCPercent(400)
		tuneCheckGC()
		p, _ := gcSettings()
		Expect(p).To(Equal(600))

		GinkgoT().Setenv("GOGC", "50")
		debug.SetGCPercent(50)
		tuneCheckGC()
		p, _ = gcSettings()
		Expect(p).To(Equal(50))
	})
})
