package scenarios

import (
	"math/bits"
	"testing"

	"github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
)

// TestNarrowDispatchJudgesAsEveryRecord: the set hands a record only to
// the checkers whose kinds hold it, and a checker's kinds may follow its
// state (INV-04 reads task records only while it follows an enable, …).
// Judged side by side with a set that hands every record to every checker,
// on random worlds under every vcc mutant and the correct model, the
// verdicts and violations must be the same: a narrowed kind never hides a
// record a checker would have judged.
func TestNarrowDispatchJudgesAsEveryRecord(t *testing.T) {
	mutants := append([]model.MutantInfo{{}}, VCCMutants()...)
	gen := GenFileWith(SelftestGenConfig())
	// 3,000 cases (a second): a narrowing that hides graceful-stop records
	// from INV-10 first showed after ~1,000.
	for range 30 {
		checkNarrowDispatch(t, gen, mutants)
	}
}

func checkNarrowDispatch(t *testing.T, gen *rapid.Generator[*File], mutants []model.MutantInfo) {
	rapid.Check(t, func(t *rapid.T) {
		g := gomega.NewWithT(t)
		f := gen.Draw(t, "world")
		m := rapid.SampledFrom(mutants).Draw(t, "mutant")
		sc, err := Compile("generated", f)
		g.Expect(err).NotTo(gomega.HaveOccurred())
		spec := *sc.Spec
		spec.Mutants = m.Mutant
		narrow, every := newInvariantSet(Catalogue()), newInvariantSet(Catalogue())
		every.dispatchAll = true
		every.buildKinds()
		_, _ = Simulate(&spec, CheckLimits, narrow, every) // a run stopped by a limit is judged as far as it went
		g.Expect(narrow.results()).To(gomega.Equal(every.results()), "mutant %q", m.Name)
	})
}

// The side-by-side set must really see more records, or the test above
// compares a set with itself.
func TestEveryRecordSetReadsTaskRecords(t *testing.T) {
	narrow, every := newInvariantSet(Catalogue()), newInvariantSet(Catalogue())
	every.dispatchAll = true
	every.buildKinds()
	n := bits.OnesCount64(narrow.byKind[model.RecTaskStart])
	e := bits.OnesCount64(every.byKind[model.RecTaskStart])
	if e <= n {
		t.Fatalf("task starts reach %d checkers narrowed and %d with every record dispatched", n, e)
	}
}
