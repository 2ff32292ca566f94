package scenarios

import (
	"fmt"
	"slices"
	"strings"
)

// ExpectationResult is one expect: entry judged against a run.
type ExpectationResult struct {
	Line     int      `json:"line"`
	Name     string   `json:"name"` // "acme/nightly#1" or "invariants"
	Violated string   `json:"violated,omitempty"`
	Passed   bool     `json:"passed"`
	Diffs    []string `json:"diffs"` // "result: expected Failed, got Success"
}

func evaluate(sc *Scenario, s *Summary) []ExpectationResult {
	out := make([]ExpectationResult, 0, len(sc.Expect))
	for _, e := range sc.Expect {
		r := ExpectationResult{Line: e.Pos.Line}
		switch {
		case e.Exchange != nil:
			r.Name = e.Exchange.String()
			r.Diffs = diffExchange(e.Exchange, s) // exchange_summary.go
		case e.Session != "":
			r.Name = e.Session
			r.Diffs = diffSession(e, s.Session(e.Session))
		case e.Violated != "":
			r.Name, r.Violated = "invariants", e.Violated
			r.Diffs = diffViolated(e.Violated, s.Invariants)
		default:
			r.Name = "invariants"
			for _, inv := range s.Invariants {
				if !inv.Holds {
					r.Diffs = append(r.Diffs, fmt.Sprintf("%s (%s): expected to hold, violated %s", inv.ID, inv.Name, Times(len(inv.Violations))))
				}
			}
		}
		r.Passed = len(r.Diffs) == 0
		out = append(out, r)
	}
	return out
}

func diffViolated(id string, invs []InvariantResult) []string {
	for _, inv := range invs {
		if inv.ID == id {
			if inv.Holds {
				return []string{fmt.Sprintf("%s (%s): expected a violation, but it held", id, inv.Name)}
			}
			return nil
		}
	}
	return []string{fmt.Sprintf("%s: no such invariant was checked", id)}
}

func diffSession(e Expectation, s *SessionSummary) []string {
	if s == nil {
		return []string{"session: expected it to exist, but the job never had that session"}
	}
	var d []string
	if e.Result != "" && e.Result != s.Result {
		got := s.Result
		if got == "" {
			got = "still running at the end of the run"
		}
		d = append(d, fmt.Sprintf("result: expected %s, got %s", e.Result, got))
	}
	switch {
	case e.Message != nil && s.EndNS == nil:
		// A session's message is its statistics text when it ends: one
		// still running has none yet, not an empty one.
		d = append(d, fmt.Sprintf("message: expected %q, got none: still running at the end of the run", *e.Message))
	case e.Message != nil && *e.Message != s.Message:
		d = append(d, fmt.Sprintf("message: expected %q, got %q", *e.Message, s.Message))
	}
	if e.HasRestorePoints {
		var got []string
		for _, t := range s.Tasks {
			if t.RestorePoint {
				got = append(got, t.Object)
			}
		}
		want := slices.Clone(e.RestorePoints)
		slices.Sort(want)
		gotSorted := slices.Clone(got)
		slices.Sort(gotSorted)
		if !slices.Equal(want, gotSorted) {
			d = append(d, fmt.Sprintf("restore_points: expected [%s], got [%s]", strings.Join(e.RestorePoints, ", "), strings.Join(got, ", ")))
		}
	}
	for _, te := range e.Tasks {
		found := false
		for _, t := range s.Tasks {
			if t.Object == te.Object {
				found = true
				got := t.Result
				if got == "" {
					got = "not ended"
				}
				if got != te.Result {
					d = append(d, fmt.Sprintf("tasks.%s: expected %s, got %s", te.Object, te.Result, got))
				}
			}
		}
		if !found {
			d = append(d, fmt.Sprintf("tasks.%s: the job has no such object", te.Object))
		}
	}
	return d
}

// Times is "once" or "N times": how often an invariant was violated, in
// diffs and listings.
func Times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}
