package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/scenarios"
)

// An expectation written with an empty value checks nothing if it is read
// as absent: a CI test that always passes. CONTRACT.md: wrong values are
// errors, never silently ignored; `message: ""` is the one empty text that
// means something (a session that ended normally).
// onlyProblem parses src and returns its one problem.
func onlyProblem(name, src string) scenarios.Problem {
	GinkgoHelper()
	_, err := scenarios.Parse(name, []byte(src))
	ie := inputError(err)
	Expect(ie.Problems).To(HaveLen(1))
	return ie.Problems[0]
}

var _ = Describe("expect: an empty string is an error, not a field left out", func() {
	const head = `
start: 2026-11-02T20:00:00Z
until: +2h
servers: [{name: cc-01, version: "12"}]
tenants:
  - name: acme
    server: cc-01
    client: vbr 12
    jobs: [{name: nightly, kind: backup, objects: [{name: vm1, size: 1GiB}], schedule: {at: +1m}}]
expect:
`

	It("reports result: \"\" at the value (vcc)", func() {
		p := onlyProblem("e.yaml", head+`  - session: acme/nightly#1
    result: ""
`)
		Expect(p.Pos).To(Equal(scenarios.Pos{Line: 12, Col: 13}))
		Expect(p.Msg).To(HavePrefix(`result: empty`))
	})

	It("reports session: \"\" next to invariants (it was read as an invariants entry) and exchange-only fields set to \"\"", func() {
		_, err := scenarios.Parse("e.yaml", []byte(head+`  - invariants: hold
    session: ""
  - session: acme/nightly#1
    server: ""
    pitfall: ""
`))
		ie := inputError(err)
		var msgs []string
		for _, p := range ie.Problems {
			msgs = append(msgs, p.Msg)
		}
		Expect(msgs).To(HaveLen(3), "%q", msgs)
		Expect(msgs[0]).To(HavePrefix("session: empty"))
		Expect(msgs[1]).To(HavePrefix("server: "))
		Expect(msgs[2]).To(HavePrefix("pitfall: "))
	})

	It("reports session: \"\" alone once", func() {
		p := onlyProblem("e.yaml", head+`  - session: ""
    result: Success
`)
		Expect(p.Msg).To(HavePrefix("session: empty"))
	})

	const exHead = `
semantics: {profile: exchange}
start: 2026-11-02T20:00:00Z
until: +2h
expect:
`

	It("reports result: \"\" in an exchange file as a Cloud Connect field, as it does result: Success", func() {
		p := onlyProblem("x.yaml", exHead+`  - invariants: hold
    result: ""
`)
		Expect(p.Msg).To(HavePrefix("result: result belongs to Cloud Connect sessions"))
	})

	It("reports an Exchange expectation's empty field once, at the value", func() {
		p := onlyProblem("x.yaml", exHead+`  - client: ""
`)
		Expect(p.Pos).To(Equal(scenarios.Pos{Line: 6, Col: 13}))
		Expect(p.Msg).To(HavePrefix("client: empty"))
	})

	It("reports tasks: {} (it names no object, so it checks nothing), and keeps restore_points: [] (expects none)", func() {
		p := onlyProblem("e.yaml", head+`  - session: acme/nightly#1
    tasks: {}
`)
		Expect(p.Pos).To(Equal(scenarios.Pos{Line: 12, Col: 12}))
		Expect(p.Msg).To(HavePrefix("tasks: names no object"))
		out := runSource("rp.yaml", head+`  - session: acme/nightly#1
    restore_points: []
`, scenarios.Options{})
		Expect(out.Passed()).To(BeFalse())
		Expect(out.Summary.Expectations[0].Diffs).To(ConsistOf("restore_points: expected [], got [vm1]"))
	})

	It("keeps message: \"\" (a session that ended normally) and passes it", func() {
		out := runSource("ok.yaml", head+`  - session: acme/nightly#1
    result: Success
    message: ""
  - invariants: hold
`, scenarios.Options{})
		Expect(out.Passed()).To(BeTrue())
	})
})
