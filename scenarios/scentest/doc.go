// Package scentest helps users test their maintenance plans in Go: gomega
// matchers over a run's outcome (HaveSucceeded, HoldInvariants,
// ViolateInvariant, HaveRestorePointsFor, HaveSessionResult) and a one-call
// runner for scenario files built in Go, so that a property-based suite
// reads
//
//	rapid.Check(GinkgoT(), func(t *rapid.T) {
//	    g := NewWithT(t)
//	    out, err := scentest.Run(scenarios.GenFile().Draw(t, "scenario"))
//	    g.Expect(err).NotTo(HaveOccurred())
//	    g.Expect(out).To(scentest.HoldInvariants())
//	})
//
// It lives apart from package scenarios so that importing the scenario API
// does not pull in gomega.
package scentest
