package scenarios_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
)

// selftestCatches is what each mutant breaks, by design: the invariant
// that must be among those catching it.
var selftestCatches = map[string]string{
	"maint-cuts-running":    "INV-04",
	"maint-allows-start":    "INV-03",
	"notice-ignores-client": "INV-05",
	"message-no-restart":    "INV-06",
	"immediate-keeps-rp":    "INV-09",
	"graceful-drops-rp":     "INV-10",
	"snapshot-left":         "INV-08",
	"tenant-limit-ignored":  "INV-11",
	"restores-blocked":      "INV-02",
	"retry-after-stop":      "INV-16",
	"slots-ignored":         "INV-11",
	"stop-removes-rp":       "INV-07",
	"disabled-tenant-runs":  "INV-14",
	"drain-hangs":           "INV-13",
	"partial-commit":        "INV-01",
	"double-end":            "INV-12",
	"graceful-fails":        "INV-10",
	"manual-retries":        "INV-16",
	"move-enables-tenant":   "INV-15",
	"agent-cut":             "INV-03",
}

var _ = Describe("selftest: mutant × invariant", func() {
	It("catches every mutant with its invariant, trips every invariant, and keeps the correct model clean", func() {
		res, err := scenarios.Selftest(scenarios.SelftestOptions{Seed: 1})
		Expect(err).NotTo(HaveOccurred())
		var table bytes.Buffer
		res.WriteTable(&table)
		GinkgoWriter.Print(table.String())

		Expect(res.Mutants).To(HaveLen(len(scenarios.VCCMutants())))
		// Every mutant must have its intended invariant written down here.
		Expect(selftestCatches).To(HaveLen(len(scenarios.VCCMutants())), "a mutant has no entry in selftestCatches")
		Expect(len(scenarios.VCCMutants())).To(BeNumerically(">=", 19))
		Expect(res.Baseline).To(BeEmpty(), "the correct model violated invariants:\n%s", table.String())
		Expect(res.Uncaught).To(BeEmpty(), table.String())
		Expect(res.Unexercised).To(BeEmpty(), table.String())
		Expect(res.Passed()).To(BeTrue())
		for _, m := range res.Mutants {
			want, ok := selftestCatches[m]
			Expect(ok).To(BeTrue(), "mutant %s has no expected invariant in selftestCatches", m)
			Expect(res.CaughtBy(m)).To(ContainElement(want), "mutant %s\n%s", m, table.String())
		}
	})

	It("fails when a mutant goes uncaught", func() {
		// Only INV-15 checked cannot catch maint-allows-start, and leaves
		// every other invariant untripped.
		res, err := scenarios.Selftest(scenarios.SelftestOptions{Seed: 1, Runs: 20,
			Mutants: []model.MutantInfo{{Mutant: model.MutMaintAllowsStart, Name: "maint-allows-start"}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.CaughtBy("maint-allows-start")).To(Equal([]string{"INV-03"}))
		Expect(res.Unexercised).To(ContainElement("INV-15"))
		Expect(res.Passed()).To(BeFalse())
	})

	// Selftest draws at least three actions a case, below which rapid
	// cannot shrink; the counterexample keeps only the actions it needs.
	It("--shrink: the counterexample keeps only the actions the violation needs, and names selftest", func() {
		res, err := scenarios.Selftest(scenarios.SelftestOptions{Seed: 1, Runs: 50, Shrink: true,
			Mutants: []model.MutantInfo{{Mutant: model.MutMaintCutsRunning, Name: "maint-cuts-running"}}})
		Expect(err).NotTo(HaveOccurred())
		ce := res.Counterexamples[0]
		Expect(ce).NotTo(BeNil())
		Expect(ce.Invariant).To(Equal("INV-04"))
		Expect(ce.File.Actions).To(HaveLen(1), string(ce.YAML))
		Expect(ce.File.Actions[0].Do).To(Equal("enable_maintenance"))
		Expect(ce.File.Name).To(ContainSubstring("maintsim selftest --seed 1 --runs 50 --shrink --mutant maint-cuts-running"), "the command that finds it again: --runs 50, not the default 400")
		Expect(string(ce.YAML)).To(ContainSubstring("do: enable_maintenance"))
	})
})
