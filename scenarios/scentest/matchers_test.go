package scentest_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/scenarios/scentest"
)

// nightly is CONTRACT.md's story: maintenance at +2h30m during a two-object
// backup that started at +2h, one task at a time.
func nightly() *scenarios.File {
	hold := true
	return &scenarios.File{Name: "nightly", Until: scenarios.After(12 * time.Hour),
		Servers: []scenarios.Server{{Name: "cc-01", Version: "12"}},
		Tenants: []scenarios.Tenant{{Name: "acme", Server: "cc-01", Client: "vbr 12", MaxConcurrentTasks: 1,
			Jobs: []scenarios.Job{{Name: "nightly", Kind: "backup",
				Objects:  scenarios.Objects{Set: &scenarios.ObjectSet{Count: 2, Duration: scenarios.ConstDuration(40 * time.Minute)}},
				Schedule: &scenarios.Schedule{At: scenarios.After(2 * time.Hour)}}}}},
		Actions: []scenarios.Action{{At: scenarios.After(150 * time.Minute), Do: "enable_maintenance", Server: "cc-01"}},
		Expect:  []scenarios.Expect{{Invariants: &scenarios.InvariantsExpect{Hold: hold}}}}
}

var _ = Describe("scentest matchers", func() {
	It("M3: reads like the story it checks", func() {
		out, err := scentest.Run(nightly())
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(scentest.HaveSucceeded())
		Expect(out).To(scentest.HoldInvariants())
		Expect(out).To(scentest.HoldInvariants("INV-04", "INV-13"))
		Expect(out).To(scentest.HaveSessionResult("acme/nightly#1", "Failed"))
		Expect(out).To(scentest.HaveRestorePointsFor("acme/nightly#1", "vm1"))
		Expect(out).NotTo(scentest.HaveRestorePointsFor("acme/nightly#1", "vm1", "vm2"))
		Expect(out.Summary).To(scentest.HaveSucceeded())
	})

	It("INV-04: explains a violation under a mutant", func() {
		out, err := scentest.Run(nightly(), model.MutMaintCutsRunning)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(scentest.ViolateInvariant("INV-04"))
		Expect(out).NotTo(scentest.HaveSucceeded())
		m := scentest.HoldInvariants()
		ok, err := m.Match(out)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
		Expect(m.FailureMessage(out)).To(ContainSubstring("INV-04 in-process-tasks-finish (M3) violated"))
		Expect(m.FailureMessage(out)).To(ContainSubstring(`"ev":"maintenance_enabled"`))
	})

	It("names a session that did not run, and refuses what it cannot match", func() {
		out, err := scentest.Run(nightly())
		Expect(err).NotTo(HaveOccurred())
		m := scentest.HaveSessionResult("acme/nightly#9", "Success")
		ok, err := m.Match(out)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
		Expect(m.FailureMessage(out)).To(ContainSubstring("acme/nightly#9 did not run (sessions: acme/nightly#1)"))
		_, err = scentest.HoldInvariants().Match("not a run")
		Expect(err).To(HaveOccurred())
		_, err = scentest.HoldInvariants("INV-99").Match(out)
		Expect(err).To(MatchError(ContainSubstring("INV-99 was not checked")))
	})

	It("runs rapid properties inside Ginkgo (property)", func() {
		DeferCleanup(scentest.PinRapid(3, 50))
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			out, err := scentest.Run(scenarios.GenFile().Draw(t, "scenario"))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(out).To(scentest.HoldInvariants())
			g.Expect(out).To(scentest.HaveSucceeded())
		})
	})
})
