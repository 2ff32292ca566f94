package scenarios_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/scenarios"
)

var _ = Describe("summary JSON (docs/reports.md: lists are [] when empty, never null or absent)", func() {
	It("writes violations, diffs, notices, windows and rpo_violators as [] for a run where nothing happened", func() {
		sc, err := scenarios.Parse("quiet.yaml", []byte(`
name: quiet
start: 2026-11-02T20:00:00Z
until: +2h
servers: [{name: cc-01, version: "12"}]
tenants: [{name: acme, server: cc-01, client: vbr 12}]
expect:
  - invariants: hold
`))
		Expect(err).NotTo(HaveOccurred())
		out, err := scenarios.RunScenario(sc, scenarios.Options{})
		Expect(err).NotTo(HaveOccurred())
		raw, err := json.Marshal(out.Summary)
		Expect(err).NotTo(HaveOccurred())
		var s map[string]any
		Expect(json.Unmarshal(raw, &s)).To(Succeed())
		Expect(s["notices"]).To(Equal([]any{}))
		for _, inv := range s["invariants"].([]any) {
			Expect(inv).To(HaveKeyWithValue("violations", []any{}))
		}
		for _, e := range s["expectations"].([]any) {
			Expect(e).To(HaveKeyWithValue("diffs", []any{}))
		}
		m := s["metrics"].(map[string]any)
		Expect(m).To(HaveKeyWithValue("windows", []any{}))
		Expect(m).To(HaveKeyWithValue("rpo_violators", []any{}))
	})
})
