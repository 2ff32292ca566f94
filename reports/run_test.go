package reports_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

func render(r reports.RunReport) []byte {
	var b bytes.Buffer
	Expect(reports.WriteRunHTML(&b, r)).To(Succeed())
	return b.Bytes()
}

// exampleReport and counterexampleReport render the recorded fixtures.
func exampleReport() reports.RunReport {
	s, recs := recorded("example", exampleOutcome)
	return reports.RunReport{Summary: s, Records: recs}
}

func counterexampleReport() reports.RunReport {
	s, recs := recorded("counterexample", counterexampleOutcome)
	return reports.RunReport{Summary: s, Records: recs, Highlight: violationsOf(s, "INV-04"),
		Note: "Shrunk counterexample found by maintsim check: the model was run with the mutant maint-cuts-running. The INV-04 violations are highlighted.",
		// What maintsim check gives for a counterexample found under a
		// mutant: `run` on its file runs the correct model.
		Replay: "maintsim check --seed 7 --runs 100 --mutant maint-cuts-running",
		ReplayNote: "This run is under the deliberately broken model maint-cuts-running: the command above finds this counterexample again " +
			"and runs it under that model, as shown here. 'maintsim run maintsim-counterexample-7.yaml' runs the correct model, " +
			"which holds on it: it passes, with another trace hash."}
}

// doc is a parsed page with the few queries the specs need.
type doc struct{ root *html.Node }

func parse(b []byte) doc {
	n, err := html.Parse(bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	return doc{n}
}

func (d doc) each(fn func(n *html.Node)) {
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		fn(n)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(d.root)
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, c string) bool {
	v, _ := attr(n, "class")
	return strings.Contains(" "+v+" ", " "+c+" ")
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func (d doc) count(tag, class string) int {
	n := 0
	d.each(func(x *html.Node) {
		if x.Type == html.ElementNode && x.Data == tag && (class == "" || hasClass(x, class)) {
			n++
		}
	})
	return n
}

func (d doc) byID(id string) *html.Node {
	var found *html.Node
	d.each(func(x *html.Node) {
		if v, ok := attr(x, "id"); ok && v == id && found == nil {
			found = x
		}
	})
	return found
}

// tableRows returns the cell texts of a table's body rows.
func (d doc) tableRows(id string) [][]string {
	t := d.byID(id)
	Expect(t).NotTo(BeNil(), "table %s", id)
	var rows [][]string
	doc{t}.each(func(x *html.Node) {
		if x.Type == html.ElementNode && x.Data == "tr" && x.Parent != nil && x.Parent.Data == "tbody" {
			var cells []string
			for c := x.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					cells = append(cells, strings.TrimSpace(text(c)))
				}
			}
			rows = append(rows, cells)
		}
	})
	return rows
}

var _ = Describe("WriteRunHTML", func() {
	It("writes the example run as testdata/run-example.html, byte for byte", func() {
		golden("run-example.html", render(exampleReport()))
	})

	It("writes a shrunk counterexample with its violating events highlighted (maintsim check)", func() {
		r := counterexampleReport()
		Expect(r.Highlight).NotTo(BeEmpty(), "the mutant must trip INV-04")
		out := render(r)
		golden("run-counterexample.html", out)
		d := parse(out)
		Expect(d.byID("verdict")).NotTo(BeNil())
		Expect(text(d.byID("verdict"))).To(Equal("FAIL"))
		Expect(d.count("rect", "hl")).To(BeNumerically(">", 0), "highlighted task bars")
		Expect(d.count("circle", "viol-hl")).To(Equal(len(r.Highlight)))
		Expect(d.byID("highlights-table")).NotTo(BeNil())
	})

	It("gives the same bytes for the same run, run twice from scratch", func() {
		a := render(reports.FromOutcome(exampleOutcome()))
		b := render(reports.FromOutcome(exampleOutcome()))
		Expect(bytes.Equal(a, b)).To(BeTrue())
	})

	It("links every violation to its place on the timeline and back", func() {
		d := parse(render(counterexampleReport()))
		links := 0
		d.each(func(n *html.Node) {
			if n.Type != html.ElementNode || n.Data != "a" {
				return
			}
			href, _ := attr(n, "href")
			Expect(href).To(HavePrefix("#"), "only in-page links")
			Expect(d.byID(href[1:])).NotTo(BeNil(), "link %s has a target", href)
			links++
		})
		Expect(links).To(BeNumerically(">", 4))
		Expect(d.byID("tl-v-1")).NotTo(BeNil(), "first violation's badge on the timeline")
		Expect(d.byID("v-1")).NotTo(BeNil(), "first violation's row in the table")
	})

	It("cites every rule with its sentence in the invariants table", func() {
		d := parse(render(exampleReport()))
		rows := d.tableRows("invariants-table")
		Expect(rows).NotTo(BeEmpty())
		Expect(rows[0][0]).To(Equal("INV-01"))
		Expect(rows[0][1]).To(ContainSubstring("holds"))
		Expect(rows[0][3]).To(ContainSubstring("S2 Immediate: tasks in process are terminated"))
	})

	It("shows expectations with expected and got side by side", func() {
		d := parse(render(counterexampleReport()))
		var diff []string
		for _, row := range d.tableRows("expectations-table") {
			if len(row) >= 6 && row[3] == "restore_points" {
				diff = row
			}
		}
		Expect(diff).NotTo(BeNil())
		Expect(diff[4]).To(Equal("[vm1, vm2, vm3]"))
		Expect(diff[5]).NotTo(Equal(diff[4]))
	})

	It("tells who saw which message when", func() {
		d := parse(render(exampleReport()))
		seen := map[string]string{}
		for _, row := range d.tableRows("notifications-table") {
			seen[row[3]] = row[5]
		}
		Expect(seen).To(HaveKeyWithValue("acme/nightly#1", "Upgrade to v12; back by 00:00 UTC"))
		Expect(seen).To(HaveKeyWithValue("globex/nightly#1", "Failed to connect to the service provider"))
	})

	It("renders every metric of scenarios.Metrics by its JSON name, new ones included", func() {
		s, _ := recorded("example", exampleOutcome)
		raw, err := json.Marshal(s.Metrics)
		Expect(err).NotTo(HaveOccurred())
		var fields map[string]any
		Expect(json.Unmarshal(raw, &fields)).To(Succeed())
		d := parse(render(exampleReport()))
		shown := map[string]bool{}
		for _, row := range d.tableRows("metrics-table") {
			shown[row[0]] = true
		}
		for name, v := range fields {
			if _, isList := v.([]any); isList {
				Expect(d.count("h3", "")).To(BeNumerically(">", 0), "list metric %s has its own table", name)
				continue
			}
			Expect(shown).To(HaveKey(name), "metric %s", name)
		}
	})

	It("escapes every user-supplied string: a tenant called <script>alert(1)</script> is text", func() {
		const evil = `<script>alert(1)</script>`
		sp := exampleSpec(evil)
		sp.Name = `scenario </title><script>alert(2)</script>`
		sp.Servers[0].Name = `cc-01 "><svg onload=alert(3)>`
		sp.Jobs[1].Name = `nightly' onmouseover='alert(4)`
		sp.Jobs[0].Objects[0].Name = `</title><img src=x onerror=alert(5)>`
		sp.Actions[0].Text = `back soon <b>&amp;</b> "really"`
		out := render(reports.FromOutcome(runSpec(sp, nil)))
		Expect(string(out)).NotTo(ContainSubstring("<script>alert"))
		Expect(string(out)).NotTo(ContainSubstring("<img"))
		Expect(string(out)).NotTo(ContainSubstring("<svg onload"))
		d := parse(out)
		Expect(d.count("script", "")).To(Equal(1), "only the page's own script")
		Expect(d.count("img", "")).To(BeZero())
		d.each(func(n *html.Node) {
			for _, a := range n.Attr {
				Expect(strings.HasPrefix(a.Key, "on")).To(BeFalse(), "event handler attribute %s on <%s>", a.Key, n.Data)
			}
		})
		var names []string
		for _, row := range d.tableRows("tenants-table") {
			names = append(names, row[0])
		}
		Expect(names).To(ContainElement(evil))
		Expect(text(d.byID("scenario-name"))).To(Equal(sp.Name))
	})

	It("asks for nothing outside the file: no external reference and a policy that forbids requests", func() {
		for _, out := range [][]byte{render(exampleReport()), render(counterexampleReport())} {
			d := parse(out)
			d.each(func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				Expect(n.Data).NotTo(BeElementOf("link", "img", "iframe", "object", "embed", "base", "form"))
				for _, a := range n.Attr {
					switch a.Key {
					case "src", "srcset", "action", "xlink:href", "background", "poster":
						Fail(fmt.Sprintf("<%s %s=%q> loads something", n.Data, a.Key, a.Val))
					case "href":
						Expect(a.Val).To(HavePrefix("#"))
					}
				}
				if n.Data == "script" {
					_, hasSrc := attr(n, "src")
					Expect(hasSrc).To(BeFalse())
				}
			})
			Expect(string(out)).NotTo(MatchRegexp(`url\(|@import|https?://[^w]`))
			Expect(string(out)).To(ContainSubstring(`http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`))
		}
	})

	It("switches to per-server density rows and the worst tenants above 60 lanes", func() {
		out := render(reports.FromOutcome(runSpec(fleetSpec(1000), []scenarios.Invariant{})))
		Expect(len(out)).To(BeNumerically("<", 2<<20), "a 1,000-tenant report stays small")
		d := parse(out)
		svg := d.byID("timeline-svg")
		dense, _ := attr(svg, "data-dense")
		Expect(dense).To(Equal("true"))
		Expect(d.count("rect", "dens")).To(BeNumerically(">", 10))
		lanes, _ := attr(svg, "data-lanes")
		Expect(lanes).To(Equal("20"), "detailed lanes for the 20 most affected tenants")
		Expect(string(out)).To(ContainSubstring("This run has 1,000 job lanes"))
		Expect(d.tableRows("tenants-table")).To(HaveLen(500))
	})

	It("caps the task bars and says so on the page", func() {
		r := exampleReport()
		r.MaxBars = 5
		out := render(r)
		d := parse(out)
		Expect(d.count("rect", "bar")).To(Equal(5))
		Expect(string(out)).To(MatchRegexp(`capped at 5 task bars: it shows the first 5 .* \d+ more are left out`))
	})

	It("still reports from a summary alone, without a timeline", func() {
		s, _ := recorded("example", exampleOutcome)
		out := render(reports.RunReport{Summary: s})
		d := parse(out)
		Expect(d.byID("timeline-svg")).To(BeNil())
		Expect(string(out)).To(ContainSubstring("made without the run"))
		Expect(d.tableRows("sessions-table")).To(HaveLen(len(s.Sessions)))
	})

	It("refuses a report without a summary", func() {
		Expect(reports.WriteRunHTML(&bytes.Buffer{}, reports.RunReport{})).To(MatchError(ContainSubstring("Summary is nil")))
	})

	It("draws one bar per task attempt, coloured by result", func() {
		s, recs := recorded("example", exampleOutcome)
		starts := 0
		for _, r := range recs {
			if r.Kind.String() == "task_start" {
				starts++
			}
		}
		d := parse(render(reports.RunReport{Summary: s, Records: recs}))
		Expect(d.count("rect", "bar")).To(Equal(starts))
		byResult := map[string]int{}
		d.each(func(n *html.Node) {
			if n.Data == "rect" && hasClass(n, "bar") {
				c, _ := attr(n, "class")
				byResult[regexp.MustCompile(`r-(\w+)`).FindStringSubmatch(c)[1]]++
			}
		})
		keys := make([]string, 0, len(byResult))
		for k := range byResult {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		Expect(keys).To(ContainElements("Success", "Failed"))
	})
})

var _ = Describe("Rules", func() {
	It("has the sentence of every rule of SEMANTICS.md: M1–M14, S1–S8, X1–X5", func() {
		ids := reports.RuleIDs()
		Expect(ids).To(HaveLen(27))
		for _, id := range ids {
			Expect(reports.RuleText(id)).NotTo(BeEmpty(), id)
		}
	})

	It("knows every rule an invariant of the catalogue cites", func() {
		for _, inv := range scenarios.Catalogue() {
			for _, id := range inv.Rules {
				Expect(reports.RuleText(id)).NotTo(BeEmpty(), "%s cites %s", inv.ID, id)
			}
		}
	})
})
