package reports_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"

	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

// golden compares got with testdata/name, or rewrites it under
// -update-reports.
func golden(name string, got []byte) {
	path := filepath.Join("testdata", name)
	if *updateReports {
		Expect(os.WriteFile(path, got, 0o644)).To(Succeed())
		return
	}
	want, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "missing golden file %s: run go test ./reports/ -update-reports", path)
	if !bytes.Equal(got, want) {
		tmp := filepath.Join(os.TempDir(), "maintsim-"+name)
		_ = os.WriteFile(tmp, got, 0o644)
		Expect(string(got)).To(Equal(string(want)), "output differs from %s (new output in %s); if intended, run go test ./reports/ -update-reports", path, tmp)
	}
}

// recorded returns a run kept in testdata as a trace (JSONL) and a summary
// (JSON), the two files `maintsim run --trace --summary` writes. The
// goldens render from these files, so they change only when the report
// changes, not whenever the model or the metrics do; -update-reports runs
// build again and rewrites them.
func recorded(name string, build func() *scenarios.Outcome) (*scenarios.Summary, []model.Record) {
	tracePath := filepath.Join("testdata", name+".trace.jsonl")
	sumPath := filepath.Join("testdata", name+".summary.json")
	if *updateReports {
		out := build()
		var tb bytes.Buffer
		tw := scenarios.NewTraceWriter(&tb)
		for _, r := range out.Records {
			tw.Observe(&r)
		}
		Expect(tw.Flush()).To(Succeed())
		Expect(os.WriteFile(tracePath, tb.Bytes(), 0o644)).To(Succeed())
		var sb bytes.Buffer
		Expect(reports.WriteSummaryJSON(&sb, out.Summary)).To(Succeed())
		Expect(os.WriteFile(sumPath, sb.Bytes(), 0o644)).To(Succeed())
	}
	raw, err := os.ReadFile(sumPath)
	Expect(err).NotTo(HaveOccurred(), "run go test ./reports/ -update-reports")
	var s scenarios.Summary
	Expect(json.Unmarshal(raw, &s)).To(Succeed())
	f, err := os.Open(tracePath)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	tr := scenarios.NewTraceReader(tracePath, f)
	var recs []model.Record
	for {
		r, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		Expect(err).NotTo(HaveOccurred())
		recs = append(recs, r)
	}
	return &s, recs
}
