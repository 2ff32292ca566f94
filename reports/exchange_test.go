package reports_test

import (
	"bytes"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

// exchangeReport runs an exchange example with its records kept, as
// `maintsim run --report` does.
func exchangeReport(name string) reports.RunReport {
	GinkgoHelper()
	sc, err := scenarios.Load("../scenarios/examples/exchange-" + name + ".yaml")
	Expect(err).NotTo(HaveOccurred())
	out, err := scenarios.RunScenario(sc, scenarios.Options{KeepRecords: true})
	Expect(err).NotTo(HaveOccurred())
	return reports.FromOutcome(out)
}

var _ = Describe("WriteRunHTML, exchange profile", func() {
	It("names the pitfall INV-X2 found, at the top and in the invariants table", func() {
		page := render(exchangeReport("pitfall-requester-left-set"))
		d := parse(page)
		Expect(text(d.byID("verdict"))).To(Equal("PASS"))
		Expect(text(d.byID("profile"))).To(ContainSubstring("exchange"))
		list := d.byID("pitfalls-list")
		Expect(list).NotTo(BeNil())
		Expect(text(list)).To(ContainSubstring("X4 pitfall requester-left-set: after the exit, HubTransport on ex-01 is still held Draining by requester Maintenance"))
		Expect(text(d.byID("invariants-table"))).To(ContainSubstring("violated (2), as expected"))
		Expect(d.tableRows("expectations-table")).To(ContainElement([]string{"53", "pitfall requester-left-set", "✓ matched", "as expected"}))
	})

	It("draws a lane per component with its state bands, the queue, and a lane per database and copy", func() {
		d := parse(render(exchangeReport("two-servers")))
		bands := map[string]int{}
		d.each(func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "rect" {
				if e, ok := attr(n, "data-entity"); ok {
					cls, _ := attr(n, "class")
					bands[e+" "+cls]++
				}
			}
		})
		Expect(bands).To(HaveKey("ex-01/HubTransport ex-Draining"))
		Expect(bands).To(HaveKey("ex-01/ServerWideOffline ex-Inactive"))
		Expect(bands).To(HaveKey("DB01 ex-mounted"))
		Expect(bands).To(HaveKey(`DB02\ex-01 ex-suspended`))
		Expect(d.count("path", "dens")).To(Equal(2), "a queue area per server")
		Expect(d.tableRows("databases-table")).To(Equal([][]string{{"DB01", "ex-01", "mounted", ""}, {"DB02", "ex-02", "mounted", ""}}))
		Expect(d.tableRows("clients-table")).To(HaveLen(2))
		acts := d.tableRows("actions-table")
		Expect(acts).To(ContainElement(ContainElement(ContainSubstring("redirect_message ex-01 → ex-02: 4 queued messages moved"))))
		Expect(text(d.byID("metrics-table"))).To(ContainSubstring("messages_delayed"))
	})

	It("is self-contained and the same run writes the same bytes", func() {
		a := render(exchangeReport("seed-runbook"))
		b := render(exchangeReport("seed-runbook"))
		Expect(bytes.Equal(a, b)).To(BeTrue())
		Expect(string(a)).To(ContainSubstring(`default-src &#39;none&#39;`), "the Content Security Policy forbids every request")
		Expect(strings.Count(string(a), "https://")).To(BeZero())
	})

	It("without records says why there is no timeline, and still shows the end state", func() {
		r := exchangeReport("seed-runbook")
		r.Records = nil
		d := parse(render(r))
		Expect(d.byID("timeline-svg")).To(BeNil())
		Expect(d.tableRows("servers-table")).To(HaveLen(1))
	})
})
