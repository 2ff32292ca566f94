package reports_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func junit(s *scenarios.Summary) []byte {
	var b bytes.Buffer
	Expect(reports.WriteJUnit(&b, s)).To(Succeed())
	return b.Bytes()
}

var _ = Describe("WriteJUnit", func() {
	It("names an expectation by its line, and without one when the line is unknown (never line 0)", func() {
		s, _ := recorded("example", exampleOutcome)
		c := *s
		c.Expectations = []scenarios.ExpectationResult{{Name: "invariants", Violated: "INV-04", Passed: true}}
		c.Invariants = append([]scenarios.InvariantResult(nil), s.Invariants...)
		for i := range c.Invariants {
			if c.Invariants[i].ID == "INV-04" {
				c.Invariants[i].Holds = false
				c.Invariants[i].Violations = []scenarios.Violation{{Invariant: "INV-04", Message: "m"}}
			}
		}
		out := junit(&c)
		Expect(string(out)).NotTo(ContainSubstring("line 0"))
		var d junitDoc
		Expect(xml.Unmarshal(out, &d)).To(Succeed())
		Expect(d.Failures).To(BeZero(), "violated as the expectation says: the run passes")
		Expect(d.Suites[0].Cases[len(d.Suites[0].Cases)-1].Name).To(Equal("invariants violated INV-04"))
	})

	It("has one testcase per invariant and per expectation, failing exactly as the run does", func() {
		s, _ := recorded("counterexample", counterexampleOutcome)
		out := junit(s)
		golden("junit-counterexample.xml", out)
		var d junitDoc
		Expect(xml.Unmarshal(out, &d)).To(Succeed())
		Expect(d.Suites).To(HaveLen(1))
		Expect(d.Suites[0].Cases).To(HaveLen(len(s.Invariants) + len(s.Expectations)))
		failed := map[string]bool{}
		for _, c := range d.Suites[0].Cases {
			if c.Failure != nil {
				failed[c.Name] = true
				Expect(c.Failure.Message).NotTo(BeEmpty())
				Expect(c.Failure.Text).To(ContainSubstring("replay: maintsim run"))
			}
		}
		Expect(failed).To(HaveKey("INV-04 in-process-tasks-finish"))
		Expect(d.Failures).To(Equal(len(failed)))
		Expect(s.Passed).To(BeFalse())
	})

	It("passes every testcase of a passing run, and an expected violation passes too", func() {
		s, _ := recorded("example", exampleOutcome)
		var d junitDoc
		Expect(xml.Unmarshal(junit(s), &d)).To(Succeed())
		Expect(d.Failures).To(BeZero())

		s2, _ := recorded("counterexample", counterexampleOutcome)
		s2.Expectations = []scenarios.ExpectationResult{{Line: 3, Name: "invariants", Violated: "INV-04", Passed: true}}
		for i := range s2.Invariants {
			if s2.Invariants[i].ID != "INV-04" {
				s2.Invariants[i].Holds, s2.Invariants[i].Violations = true, nil
			}
		}
		var d2 junitDoc
		Expect(xml.Unmarshal(junit(s2), &d2)).To(Succeed())
		Expect(d2.Failures).To(BeZero())
	})
})

var _ = Describe("WriteSummaryJSON", func() {
	It("is stable: writing a summary read back from its file gives the same bytes", func() {
		for _, name := range []string{"example", "counterexample"} {
			raw, err := os.ReadFile(filepath.Join("testdata", name+".summary.json"))
			Expect(err).NotTo(HaveOccurred(), "run go test ./reports/ -update-reports")
			var s scenarios.Summary
			Expect(json.Unmarshal(raw, &s)).To(Succeed())
			var b bytes.Buffer
			Expect(reports.WriteSummaryJSON(&b, &s)).To(Succeed())
			Expect(b.String()).To(Equal(string(raw)))
		}
	})

	It("keeps markup in messages readable (no \\u003c)", func() {
		var b bytes.Buffer
		Expect(reports.WriteSummaryJSON(&b, &scenarios.Summary{Scenario: "<a> & <b>"})).To(Succeed())
		Expect(b.String()).To(ContainSubstring(`"scenario": "<a> & <b>"`))
	})
})
