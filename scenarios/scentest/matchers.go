package scentest

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/onsi/gomega/types"
	_ "pgregory.net/rapid" // registers the -rapid.* flags PinRapid sets

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
)

// Run compiles a scenario built in Go and runs it with every invariant,
// optionally under deliberate model defects (mutants, for testing tests).
func Run(f *scenarios.File, mutants ...model.Mutant) (*scenarios.Outcome, error) {
	sc, err := scenarios.Compile("scentest", f)
	if err != nil {
		return nil, err
	}
	for _, m := range mutants {
		sc.Spec.Mutants |= m
	}
	return scenarios.RunScenario(sc, scenarios.Options{})
}

// summaryOf accepts what the matchers match: a run's *Outcome or
// *Summary.
func summaryOf(actual any) (*scenarios.Summary, error) {
	switch a := actual.(type) {
	case *scenarios.Outcome:
		if a == nil || a.Summary == nil {
			return nil, fmt.Errorf("scentest: nil outcome")
		}
		return a.Summary, nil
	case *scenarios.Summary:
		if a == nil {
			return nil, fmt.Errorf("scentest: nil summary")
		}
		return a, nil
	}
	return nil, fmt.Errorf("scentest: want a *scenarios.Outcome or *scenarios.Summary, got %T", actual)
}

// invariantsOf also accepts a verified trace and a bare result list.
func invariantsOf(actual any) ([]scenarios.InvariantResult, error) {
	switch a := actual.(type) {
	case *scenarios.VerifyResult:
		if a == nil {
			return nil, fmt.Errorf("scentest: nil verify result")
		}
		return a.Invariants, nil
	case []scenarios.InvariantResult:
		return a, nil
	}
	s, err := summaryOf(actual)
	if err != nil {
		return nil, fmt.Errorf("scentest: want a *scenarios.Outcome, *scenarios.Summary, *scenarios.VerifyResult or []scenarios.InvariantResult, got %T", actual)
	}
	return s.Invariants, nil
}

// matcher is a GomegaMatcher from a match function that also explains
// itself.
type matcher struct {
	match func(actual any) (ok bool, why string, err error)
	want  string // "to hold every invariant"
	why   string
}

func (m *matcher) Match(actual any) (bool, error) {
	ok, why, err := m.match(actual)
	m.why = why
	return ok, err
}

func (m *matcher) FailureMessage(any) string { return "Expected the run " + m.want + "\n" + m.why }

func (m *matcher) NegatedFailureMessage(any) string {
	return "Expected the run not " + m.want + "\n" + m.why
}

var _ types.GomegaMatcher = (*matcher)(nil)

// HaveSucceeded matches a run that `maintsim run` would exit 0 on: every
// invariant holds (or is expected violated) and every expectation matched.
func HaveSucceeded() types.GomegaMatcher {
	return &matcher{want: "to succeed (every invariant holds, every expectation matches)", match: func(actual any) (bool, string, error) {
		s, err := summaryOf(actual)
		if err != nil {
			return false, "", err
		}
		var why []string
		for _, inv := range s.Invariants {
			if !inv.Holds {
				why = append(why, describe(inv))
			}
		}
		for _, e := range s.Expectations {
			if !e.Passed {
				why = append(why, fmt.Sprintf("expectation line %d (%s): %s", e.Line, e.Name, strings.Join(e.Diffs, "; ")))
			}
		}
		if len(why) == 0 {
			why = []string{"it succeeded: every invariant held, every expectation matched"}
		}
		return s.Passed, strings.Join(why, "\n"), nil
	}}
}

// HoldInvariants matches a run (or a verified trace) in which the given
// invariants hold; with no IDs, every invariant checked.
func HoldInvariants(ids ...string) types.GomegaMatcher {
	want := "to hold every invariant"
	if len(ids) > 0 {
		want = "to hold " + strings.Join(ids, ", ")
	}
	return &matcher{want: want, match: func(actual any) (bool, string, error) {
		invs, err := invariantsOf(actual)
		if err != nil {
			return false, "", err
		}
		var why []string
		for _, inv := range invs {
			if (len(ids) == 0 || slices.Contains(ids, inv.ID)) && !inv.Holds {
				why = append(why, describe(inv))
			}
		}
		if err := missing(invs, ids); err != nil {
			return false, "", err
		}
		if len(why) == 0 {
			return true, "they all held", nil
		}
		return false, strings.Join(why, "\n"), nil
	}}
}

// ViolateInvariant matches a run (or a verified trace) that violates the
// invariant id.
func ViolateInvariant(id string) types.GomegaMatcher {
	return &matcher{want: "to violate " + id, match: func(actual any) (bool, string, error) {
		invs, err := invariantsOf(actual)
		if err != nil {
			return false, "", err
		}
		if err := missing(invs, []string{id}); err != nil {
			return false, "", err
		}
		for _, inv := range invs {
			if inv.ID == id && !inv.Holds {
				return true, describe(inv), nil
			}
		}
		return false, id + " held", nil
	}}
}

func missing(invs []scenarios.InvariantResult, ids []string) error {
	for _, id := range ids {
		if !slices.ContainsFunc(invs, func(r scenarios.InvariantResult) bool { return r.ID == id }) {
			return fmt.Errorf("scentest: invariant %s was not checked in this run", id)
		}
	}
	return nil
}

func describe(inv scenarios.InvariantResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s) violated %s", inv.ID, inv.Name, strings.Join(inv.Rules, ", "), scenarios.Times(len(inv.Violations)))
	for i, v := range inv.Violations {
		if i == 3 {
			fmt.Fprintf(&b, "\n  …")
			break
		}
		fmt.Fprintf(&b, "\n  at %s [%s]: %s", v.Time, strings.Join(v.Entities, ", "), v.Message)
		for _, e := range v.Events {
			fmt.Fprintf(&b, "\n      %s", e)
		}
	}
	return b.String()
}

// HaveRestorePointsFor matches a run in which session (TENANT/JOB#N)
// committed restore points for exactly these objects, in any order.
func HaveRestorePointsFor(session string, objects ...string) types.GomegaMatcher {
	want := fmt.Sprintf("to have restore points for exactly [%s] in %s", strings.Join(objects, ", "), session)
	return &matcher{want: want, match: func(actual any) (bool, string, error) {
		s, err := summaryOf(actual)
		if err != nil {
			return false, "", err
		}
		ss := s.Session(session)
		if ss == nil {
			return false, session + " did not run" + sessionsHint(s), nil
		}
		var got []string
		for _, t := range ss.Tasks {
			if t.RestorePoint {
				got = append(got, t.Object)
			}
		}
		w, g := slices.Clone(objects), slices.Clone(got)
		slices.Sort(w)
		slices.Sort(g)
		return slices.Equal(w, g), fmt.Sprintf("%s committed restore points for [%s] (result %s, %q)",
			session, strings.Join(got, ", "), orRunning(ss.Result), ss.Message), nil
	}}
}

// HaveSessionResult matches a run in which session ended with result
// (Success, Warning or Failed).
func HaveSessionResult(session, result string) types.GomegaMatcher {
	return &matcher{want: fmt.Sprintf("to end %s with %s", session, result), match: func(actual any) (bool, string, error) {
		s, err := summaryOf(actual)
		if err != nil {
			return false, "", err
		}
		ss := s.Session(session)
		if ss == nil {
			return false, session + " did not run" + sessionsHint(s), nil
		}
		return ss.Result == result, fmt.Sprintf("%s ended %s: %q", session, orRunning(ss.Result), ss.Message), nil
	}}
}

func orRunning(r string) string {
	if r == "" {
		return "still running at the end of the run"
	}
	return r
}

func sessionsHint(s *scenarios.Summary) string {
	var ids []string
	for i, x := range s.Sessions {
		if i == 10 {
			ids = append(ids, "…")
			break
		}
		ids = append(ids, x.ID)
	}
	if len(ids) == 0 {
		return " (no session ran)"
	}
	return " (sessions: " + strings.Join(ids, ", ") + ")"
}

// PinRapid makes the rapid properties that follow deterministic: it sets
// rapid's -rapid.seed and -rapid.checks (process-wide flags) and returns a
// function restoring them, for DeferCleanup. Without it rapid draws a new
// seed per run; -rapid.seed on the command line still wins over seed 0.
func PinRapid(seed uint64, checks int) (restore func()) {
	set := map[string]string{"rapid.seed": strconv.FormatUint(seed, 10)}
	if checks > 0 {
		set["rapid.checks"] = strconv.Itoa(checks)
	}
	old := map[string]string{}
	for k, v := range set {
		f := flag.Lookup(k)
		if f == nil || (k == "rapid.seed" && seed == 0) {
			continue
		}
		old[k] = f.Value.String()
		_ = f.Value.Set(v)
	}
	return func() {
		for k, v := range old {
			_ = flag.Lookup(k).Value.Set(v)
		}
	}
}
