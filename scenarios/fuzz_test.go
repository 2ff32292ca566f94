package scenarios_test

// Fuzz targets for the two readers of others' input: scenario files and
// traces. Whatever the bytes, they never panic, and bad input is reported
// as bad input (an *InputError with positions, a *TraceError with a line):
// CONTRACT.md's exit 2 with FILE:LINE:COL, never a crash or a silent
// acceptance of what the writer did not mean. `go test` runs the seeds;
//
//	go test -run '^$' -fuzz FuzzVerifyTrace -fuzzminimizetime 1s ./scenarios/
//
// (or FuzzParseScenario) explores further; minimising a new input of a
// multi-kilobyte trace byte by byte takes minutes, hence the flag.

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

func seedFiles(f *testing.F, patterns ...string) {
	for _, pat := range patterns {
		paths, err := filepath.Glob(pat)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

func FuzzParseScenario(f *testing.F) {
	seedFiles(f, "examples/*.yaml", "testdata/bad/*.yaml") // not bench/: a 100,000-tenant seed makes every mutation slow
	f.Add([]byte("tenants: [{name: t, count: 10000000000}]"))
	f.Add([]byte("start: 2026-11-02T20:00:00Z\nuntil: +1h\nservers: [{name: s, version: \"12\"}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenarios.Parse("fuzz.yaml", data)
		if err != nil {
			var ie *scenarios.InputError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("bad input not reported as an InputError with problems: %T %v", err, err)
			}
			_ = err.Error() // renders every problem with its line and caret
			return
		}
		if sc.Spec == nil {
			t.Fatal("a scenario without a spec")
		}
	})
}

func FuzzVerifyTrace(f *testing.F) {
	// Short traces mutate fast: the exchange example's message stream is
	// cut to ten minutes (its six hours make half a megabyte).
	for p, until := range map[string]sim.Time{"examples/nightly-maintenance.yaml": 0, "examples/disabled-tenant.yaml": 0,
		"examples/exchange-two-servers.yaml": sim.Time(600e9)} {
		sc, err := scenarios.Load(p)
		if err != nil {
			f.Fatal(err)
		}
		if until > 0 {
			if sc.Spec.Exchange == nil {
				f.Fatal("only the exchange seed is cut")
			}
			sc.Spec.Until = until
		}
		var buf bytes.Buffer
		tw := scenarios.NewTraceWriter(&buf)
		if _, err := scenarios.RunScenario(sc, scenarios.Options{Observers: []sim.Observer[model.Record]{tw}}); err != nil {
			f.Fatal(err)
		}
		if err := tw.Flush(); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`{"t":0,"ev":"end"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := scenarios.Verify("fuzz.jsonl", bytes.NewReader(data), nil)
		if err != nil {
			var te *scenarios.TraceError
			if !errors.As(err, &te) || te.Line < 0 {
				t.Fatalf("bad trace not reported as a TraceError with a line: %T %v", err, err)
			}
			return
		}
		if res == nil || len(res.Invariants) == 0 {
			t.Fatal("a verdict without invariants")
		}
	})
}
