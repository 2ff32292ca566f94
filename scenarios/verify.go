package scenarios

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// This file is `maintsim verify`: the invariant checkers of a live run,
// fed from a recorded JSONL trace instead (docs/trace-format.md), ours or
// one exported by another system.

// VerifyResult is the verdict on a recorded trace.
type VerifyResult struct {
	Path string `json:"path"`
	// Scenario and Seed are always written, as in the summary JSON: a
	// trace without a scenario line, or whose line leaves them out, has
	// the defaults "" and 0 (docs/trace-format.md).
	Scenario string `json:"scenario"`
	// ScenarioLine says the trace has a scenario line (Scenario is its
	// name, which may be empty).
	ScenarioLine bool              `json:"-"`
	Seed         uint64            `json:"seed"`
	Events       uint64            `json:"events"`     // trace lines read: `events` as run's summary and sweep records count them
	Records      uint64            `json:"records"`    // the same count, under its older name
	TraceHash    string            `json:"trace_hash"` // over the records read, as a run computes it
	Passed       bool              `json:"passed"`
	Invariants   []InvariantResult `json:"invariants"`
	// SyntheticEnd says the trace had no `end` event: one was added at the
	// latest event's time so that liveness invariants (INV-13) judge the
	// trace as ending there.
	SyntheticEnd bool `json:"synthetic_end"`
	// Metrics are the run's metrics computed from the trace, as a run's
	// summary has them (docs/metrics.md).
	Metrics Metrics `json:"metrics"`
}

// Verify runs invs (nil: the catalogue) over a trace. A malformed line is
// a *TraceError (exit code 2) naming the line.
func Verify(path string, r io.Reader, invs []Invariant) (*VerifyResult, error) {
	if invs == nil {
		invs = Catalogue()
	}
	tr := NewTraceReader(path, r)
	set := newInvariantSet(invs)
	hash := NewTraceHash()
	met := &metricsRun{}
	res := &VerifyResult{Path: path}
	var lastAt sim.Time
	sawEnd := false
	for {
		rec, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch {
		case rec.Kind == model.RecScenario && rec.Decl != nil:
			res.Scenario, res.Seed, res.ScenarioLine = rec.Decl.Name, rec.Decl.Seed, true
		}
		hash.Observe(&rec)
		set.Observe(&rec)
		met.Observe(&rec)
		sawEnd = rec.Kind == model.RecEnd
		lastAt = max(lastAt, rec.At)
	}
	if !sawEnd {
		end := model.Record{At: lastAt, Kind: model.RecEnd, Server: model.None, Tenant: model.None, Job: model.None, Object: model.None}
		set.Observe(&end)
		met.Observe(&end)
		res.SyntheticEnd = true
	}
	res.Records = hash.Records()
	res.Events = res.Records
	res.TraceHash = hash.Sum()
	res.Invariants = set.results()
	res.Metrics = met.finish()
	res.Passed = true
	for _, inv := range res.Invariants {
		res.Passed = res.Passed && inv.Holds
	}
	return res, nil
}

// VerifyFile opens path and verifies it. An unreadable file is an error
// wrapping the *fs.PathError; a malformed line a *TraceError.
func VerifyFile(path string, invs []Invariant) (*VerifyResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the trace: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		// Reading it would fail at "line 1", as if the file had one.
		return nil, fmt.Errorf("%s: cannot read the trace: it is a directory", path)
	}
	return Verify(path, f, invs)
}
