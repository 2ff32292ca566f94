package reports_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/reports"
)

// A report is most needed when the model is broken, so it must render any
// record stream: records dropped, duplicated, out of order, references to
// entities never declared.
var _ = Describe("WriteRunHTML on broken traces", func() {
	It("renders whatever records it gets, without panicking", func() {
		s, recs := recorded("counterexample", counterexampleOutcome)
		var decls, events []model.Record
		for _, r := range recs {
			if r.Decl != nil {
				decls = append(decls, r)
			} else {
				events = append(events, r)
			}
		}
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			var out []model.Record
			if rapid.Bool().Draw(t, "keep declarations") {
				out = append(out, decls...)
			}
			n := rapid.IntRange(0, len(events)).Draw(t, "events")
			for i := 0; i < n; i++ {
				r := events[rapid.IntRange(0, len(events)-1).Draw(t, "pick")]
				if rapid.IntRange(0, 9).Draw(t, "corrupt") == 0 {
					r.Job = int32(rapid.IntRange(-1, 40).Draw(t, "job"))
					r.Tenant = int32(rapid.IntRange(-1, 40).Draw(t, "tenant"))
					r.Server = int32(rapid.IntRange(-1, 3).Draw(t, "server"))
					r.Object = int32(rapid.IntRange(-1, 9).Draw(t, "object"))
				}
				out = append(out, r)
			}
			var b bytes.Buffer
			g.Expect(reports.WriteRunHTML(&b, reports.RunReport{Summary: s, Records: out, Highlight: violationsOf(s, "INV-04"),
				MaxLanes: rapid.IntRange(0, 12).Draw(t, "max lanes")})).To(Succeed())
			g.Expect(b.Len()).To(BeNumerically(">", 1000))
		})
	})
})
