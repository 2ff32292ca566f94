package scenarios_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// These specs hold docs/trace-format.md's "Exchange profile records" to the
// code: the Python reference implementation, extracted from the page as an
// exporter would copy it, must compute the trace_hash that `maintsim run`
// prints and `maintsim verify` recomputes for exchange traces, and the
// page's number tables must name the model's enums.

// docReference writes the doc's Python reference implementation into dir
// and returns the python3 interpreter and the script (skipping the spec
// when python3 is not installed).
func docReference(dir string) (python, script string) {
	GinkgoHelper()
	python, err := exec.LookPath("python3")
	if err != nil {
		Skip("python3 not installed")
	}
	doc, err := os.ReadFile("../docs/trace-format.md")
	Expect(err).NotTo(HaveOccurred())
	m := regexp.MustCompile("(?s)```python\n(.*?)```").FindSubmatch(doc)
	Expect(m).NotTo(BeNil(), "the reference implementation in docs/trace-format.md")
	script = filepath.Join(dir, "trace_hash.py")
	Expect(os.WriteFile(script, m[1], 0o644)).To(Succeed())
	return python, script
}

// exRunTraced runs sc and returns its outcome and JSONL trace, or the
// error of a run the model refused.
func exRunTraced(sc *scenarios.Scenario) (*scenarios.Outcome, []byte, error) {
	GinkgoHelper()
	var buf bytes.Buffer
	tw := scenarios.NewTraceWriter(&buf)
	out, err := scenarios.RunScenario(sc, scenarios.Options{Observers: []sim.Observer[model.Record]{tw}})
	if err != nil {
		return nil, nil, err
	}
	Expect(tw.Flush()).To(Succeed())
	return out, buf.Bytes(), nil
}

// exHandTrace is an exporter's exchange trace built from the model's enum
// names: every component (and seed 004's "MailboxDelivery"), requester,
// state, policy, protocol and delivery-time kind, every exchange event
// kind, keys left out for their defaults, an event without server, and no
// end line.
func exHandTrace() []byte {
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	comps, reqs, states := model.ComponentNames(), model.RequesterNames(), model.CompStateNames()
	policies, protos := model.ActivationPolicyNames(), model.ProtocolNames()
	line(`{"t":0,"ev":"scenario","name":"export","seed":5,"start":"2026-11-02T20:00:00.25Z","profile":"exchange"}`)
	dists := []string{`"delivery_a_ns":7`, // no delivery_dist: none, A and B are not read
		`"delivery_dist":"const","delivery_a_ns":1500000000`,
		`"delivery_dist":"uniform","delivery_a_ns":2e+10,"delivery_b_ns":4e+10`,
		`"delivery_dist":"exponential","delivery_a_ns":1.5e+09`,
		`"delivery_dist":"lognormal","delivery_a_ns":3e+09,"delivery_b_ns":4.25e+10`}
	for i, d := range dists {
		var holds []string
		for k, c := range comps {
			if k%len(dists) == i {
				holds = append(holds, fmt.Sprintf(`{"component":%q,"requester":%q,"state":%q}`, c, reqs[k%len(reqs)], states[k%len(states)]))
			}
		}
		if i == 0 {
			holds = append(holds, `{"component":"MailboxDelivery","requester":"HealthAPI","state":"Draining"}`)
		}
		line(`{"t":0,"ev":"server","server":"ex-%d","version":"2019","dag":"DAG1","policy":%q,"message_rate_per_hour":%g,%s,"components":[%s]}`,
			i, policies[i%len(policies)], 0.1+float64(i)/7, d, strings.Join(holds, ","))
	}
	line(`{"t":0,"ev":"server","server":"bare"}`)
	line(`{"t":0,"ev":"ex_database","database":"DB01","copies":[{"server":"ex-0","activation_preference":1},{"server":"ex-1","activation_preference":3,"suspended":true},{"server":"ex-2","activation_preference":2,"suspended":false}],"active":"ex-1","mounted":true}`)
	line(`{"t":0,"ev":"ex_database","database":"DB02","copies":[{"server":"ex-3"},{"server":"bare"}],"active":"bare"}`)
	for i, p := range protos {
		line(`{"t":0,"ev":"ex_client","client":"c-%s","server":"ex-%d","database":"DB0%d","protocol":%q,"request_rate_per_hour":%g}`,
			p, i%len(dists), 1+i%2, p, 60/float64(i+1))
	}
	line(`{"t":0,"ev":"ex_client","client":"c-default","server":"bare","database":"DB02"}`)
	t := 0
	at := func() int { t += 1_000_000_007; return t }
	line(`{"t":0,"ev":"component_effective","server":"ex-0","component":"MailboxDelivery","effective":"Draining","queue_depth":0}`)
	for k, c := range comps {
		line(`{"t":%d,"ev":"component_state","server":"ex-%d","component":%q,"requester":%q,"state":%q,"effective":%q,"queue_depth":%d}`,
			at(), k%len(dists), c, reqs[(k+1)%len(reqs)], states[(k+2)%len(states)], states[k%len(states)], k)
		line(`{"t":%d,"ev":"component_effective","server":"ex-%d","component":%q,"effective":%q}`, t, k%len(dists), c, states[(k+1)%len(states)])
	}
	for i, p := range policies {
		line(`{"t":%d,"ev":"mailbox_server_policy","server":"ex-%d","policy":%q}`, at(), i, p)
	}
	line(`{"t":%d,"ev":"users_notified","text":"ex-0 maintenance «22:00–23:30» \"UTC\""}`, at())
	line(`{"t":%d,"ev":"users_notified","server":"ex-1"}`, t)
	line(`{"t":%d,"ev":"databases_backed_up"}`, t)
	line(`{"t":%d,"ev":"databases_backed_up","server":"ex-2"}`, t)
	line(`{"t":%d,"ev":"clients_redirected","server":"ex-0","target":"ex-1"}`, at())
	line(`{"t":%d,"ev":"copy_suspended","server":"ex-0","database":"DB01"}`, at())
	line(`{"t":%d,"ev":"copy_resumed","server":"ex-1","database":"DB01"}`, at())
	line(`{"t":%d,"ev":"message_accepted","server":"ex-1","database":"DB01","target":"ex-0","msg":1,"queue_depth":1}`, at())
	line(`{"t":%d,"ev":"message_accepted","server":"ex-1","database":"DB02","msg":2,"queue_depth":2}`, t)
	line(`{"t":%d,"ev":"message_deferred","server":"ex-0","database":"DB02","msg":3}`, at())
	line(`{"t":%d,"ev":"message_redirected","server":"ex-1","target":"ex-2","count":1,"queue_depth":1,"target_queue_depth":1}`, at())
	line(`{"t":%d,"ev":"message_redirected","server":"ex-1","target":"ex-2","count":0,"queue_depth":1,"target_queue_depth":1}`, t)
	line(`{"t":%d,"ev":"message_delivered","server":"ex-2","database":"DB02","target":"bare","msg":2,"queue_depth":0,"accepted_at":%d}`, at(), t-1)
	line(`{"t":%d,"ev":"database_dismounted","server":"ex-1","database":"DB01"}`, at())
	line(`{"t":%d,"ev":"database_mounted","server":"ex-1","database":"DB01"}`, at())
	line(`{"t":%d,"ev":"database_moved","server":"ex-1","database":"DB01","target":"ex-2"}`, at())
	line(`{"t":%d,"ev":"database_moved","server":"ex-2","database":"DB01","target":"ex-0","auto":true}`, at())
	line(`{"t":%d,"ev":"database_dismounted","server":"ex-0","database":"DB01","auto":true,"text":"no copy can be activated"}`, t)
	line(`{"t":%d,"ev":"action_rejected","server":"ex-0","text":"mount_database: ex-0 is offline"}`, at())
	for _, p := range protos {
		line(`{"t":%d,"ev":"client_request_failed","server":"ex-1","client":"c-%s","database":"DB01","text":"ex-1 MapiProxy is Inactive"}`, at(), p)
	}
	for i := range dists {
		line(`{"t":%d,"ev":"queue_final","server":"ex-%d","queue_depth":%d}`, at(), i, i)
	}
	return []byte(b.String())
}

var _ = Describe("trace-format.md: trace_hash of exchange traces", func() {
	var python, script, dir string
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		python, script = docReference(dir)
	})
	refHash := func(name string, trace []byte) string {
		GinkgoHelper()
		p := filepath.Join(dir, name+".jsonl")
		Expect(os.WriteFile(p, trace, 0o644)).To(Succeed())
		out, err := exec.Command(python, script, p).Output()
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		Expect(err).NotTo(HaveOccurred(), "%s: %s", name, stderr)
		return strings.TrimSpace(string(out))
	}

	It("the doc's Python reference agrees with maintsim run and verify on every exchange example", func() {
		files, err := filepath.Glob("examples/exchange-*.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(files).NotTo(BeEmpty())
		for _, f := range files {
			sc, err := scenarios.Load(f)
			Expect(err).NotTo(HaveOccurred(), f)
			out, trace := runWithTrace(sc)
			Expect(refHash(filepath.Base(f), trace)).To(Equal(out.Summary.TraceHash), f)
			vr, err := scenarios.Verify(f, bytes.NewReader(trace), nil)
			Expect(err).NotTo(HaveOccurred(), f)
			Expect(vr.TraceHash).To(Equal(out.Summary.TraceHash), f)
		}
	})

	It("agrees with maintsim run on random exchange worlds, of the correct model and every exchange mutant", func() {
		gen := scenarios.GenFileWith(scenarios.DefaultExchangeGenConfig())
		ran := 0
		for i, m := range append([]model.MutantInfo{{}}, scenarios.ExchangeMutants()...) {
			for k := range 2 {
				sc, err := scenarios.Compile("gen", gen.Example(2000+10*i+k))
				Expect(err).NotTo(HaveOccurred())
				sc.Spec.Mutants = m.Mutant
				out, trace, err := exRunTraced(sc)
				if err != nil {
					continue // the mutant model refused the run
				}
				Expect(refHash(fmt.Sprintf("gen-%d-%d", i, k), trace)).To(Equal(out.Summary.TraceHash), "mutant %v, example %d", m.Mutant, k)
				ran++
			}
		}
		Expect(ran).To(BeNumerically(">", 2))
	})

	It("agrees with maintsim verify on an export of every enum value, with keys left out and no end line", func() {
		trace := exHandTrace()
		vr, err := scenarios.Verify("export.jsonl", bytes.NewReader(trace), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(vr.SyntheticEnd).To(BeTrue())
		Expect(refHash("export", trace)).To(Equal(vr.TraceHash))
	})

	It("numbers every exchange record kind and enum value as the code does", func() {
		raw, err := os.ReadFile("../docs/trace-format.md")
		Expect(err).NotTo(HaveOccurred())
		doc := strings.Join(strings.Fields(string(raw)), " ") // line breaks in the prose are spaces
		for k := model.RecExDatabase; int(k) < model.RecordKindCount; k++ {
			Expect(doc).To(ContainSubstring(fmt.Sprintf("%d `%s`", k, k)), "event number of %s", k)
		}
		for what, names := range map[string][]string{
			"component": model.ComponentNames(), "requester": model.RequesterNames(), "state": model.CompStateNames(),
			"policy": model.ActivationPolicyNames(), "protocol": model.ProtocolNames(),
		} {
			for i, n := range names {
				Expect(doc).To(ContainSubstring(fmt.Sprintf("%d `%s`", i, n)), "%s %s", what, n)
			}
		}
	})
})
