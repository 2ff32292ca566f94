package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// JUnit XML, the shape CI servers (GitLab, Jenkins, GitHub test
// reporters) read: one testsuite per scenario, one testcase per invariant
// and per expectation. Times are 0: the simulated time of a run means
// nothing to a CI dashboard, and wall-clock time would make the file
// differ between identical runs.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes a run's verdict as JUnit XML: one testcase per
// invariant (classname "invariants", failed when violated unless an
// expectation says it should be) and one per expectation (classname
// "expectations", failed with its diffs). The testcases fail exactly when
// `maintsim run` exits 1, so a CI dashboard and the exit code agree.
func WriteJUnit(w io.Writer, s *scenarios.Summary) error {
	if s == nil {
		return errors.New("reports: WriteJUnit: nil summary")
	}
	suite := junitSuite{Name: s.Scenario, Time: "0", Properties: []junitProperty{
		{"file", s.File}, {"seed", strconv.FormatUint(s.Seed, 10)}, {"trace_hash", s.TraceHash},
		{"replay", s.Replay}, {"passed", strconv.FormatBool(s.Passed)},
	}}
	expected := map[string]string{} // invariant -> "the expectation on line N" ("" when none)
	for _, e := range s.Expectations {
		if e.Violated != "" {
			expected[e.Violated] = "the expectation" + onLine(e.Line)
		}
	}
	for _, inv := range s.Invariants {
		c := junitCase{Name: inv.ID + " " + inv.Name, Classname: "invariants", Time: "0"}
		rules := ruleLines(inv.Rules)
		switch {
		case inv.Holds:
			c.SystemOut = "holds\n" + rules
		case expected[inv.ID] != "":
			c.SystemOut = fmt.Sprintf("violated %s, as %s says\n%s%s",
				plural(len(inv.Violations), "time", "times"), expected[inv.ID], violationText(inv.Violations), rules)
		default:
			c.Failure = &junitFailure{Type: inv.ID,
				Message: fmt.Sprintf("%s violated %s; first at %s: %s", inv.ID, plural(len(inv.Violations), "time", "times"),
					firstTime(inv.Violations), firstMessage(inv.Violations)),
				Text: violationText(inv.Violations) + rules + "replay: " + s.Replay + "\n"}
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, e := range s.Expectations {
		name := e.Name
		if e.Line > 0 { // a scenario built in code has no lines: never "line 0"
			name = fmt.Sprintf("line %d: %s", e.Line, e.Name)
		}
		if e.Violated != "" {
			name += " violated " + e.Violated
		}
		c := junitCase{Name: name, Classname: "expectations", Time: "0"}
		if !e.Passed {
			c.Failure = &junitFailure{Type: "expectation", Message: strings.Join(e.Diffs, "; "),
				Text: strings.Join(e.Diffs, "\n") + "\nreplay: " + s.Replay + "\n"}
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Tests = len(suite.Cases)
	for _, c := range suite.Cases {
		if c.Failure != nil {
			suite.Failures++
		}
	}
	return encodeJUnit(w, junitSuites{Name: "maintsim", Tests: suite.Tests, Failures: suite.Failures, Time: "0", Suites: []junitSuite{suite}})
}

// WriteJUnitError writes a run that could not be judged (bad input: a
// scenario that does not load, a run past its limits) as JUnit XML: one
// suite named after the file with one testcase in error, whose message is
// the error's first line and whose text is all of it (FILE:LINE:COL, the
// line, the caret). A CI dashboard then shows the error where the
// invariants and expectations would be, instead of an older run's file.
func WriteJUnitError(w io.Writer, file string, runErr error) error {
	if runErr == nil {
		return errors.New("reports: WriteJUnitError: nil error")
	}
	text := runErr.Error()
	first, _, _ := strings.Cut(text, "\n")
	suite := junitSuite{Name: file, Tests: 1, Errors: 1, Time: "0", Properties: []junitProperty{{"file", file}, {"passed", "false"}},
		Cases: []junitCase{{Name: "scenario", Classname: "scenario", Time: "0",
			Error: &junitFailure{Type: "bad input", Message: first, Text: text + "\n"}}}}
	return encodeJUnit(w, junitSuites{Name: "maintsim", Tests: 1, Errors: 1, Time: "0", Suites: []junitSuite{suite}})
}

func encodeJUnit(w io.Writer, doc junitSuites) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

func onLine(line int) string {
	if line <= 0 {
		return ""
	}
	return fmt.Sprintf(" on line %d", line)
}

func ruleLines(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "%s: %s\n", id, RuleText(id))
	}
	return b.String()
}

func violationText(vs []scenarios.Violation) string {
	var b strings.Builder
	for i, v := range vs {
		fmt.Fprintf(&b, "#%d at %s (%s)", i+1, v.Time, rel(sim.Time(v.T)))
		if len(v.Entities) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(v.Entities, ", "))
		}
		fmt.Fprintf(&b, ": %s\n", v.Message)
		for _, e := range v.Events {
			fmt.Fprintf(&b, "    %s\n", e)
		}
	}
	return b.String()
}

func firstTime(vs []scenarios.Violation) string {
	if len(vs) == 0 {
		return "?"
	}
	return vs[0].Time
}

func firstMessage(vs []scenarios.Violation) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0].Message
}

// WriteSummaryJSON writes the summary JSON of CONTRACT.md: two-space
// indentation, fields in declaration order, no HTML escaping (a message
// with "<" stays readable), a final newline. The same run gives the same
// bytes.
func WriteSummaryJSON(w io.Writer, s *scenarios.Summary) error {
	if s == nil {
		return errors.New("reports: WriteSummaryJSON: nil summary")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("reports: summary json: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}
