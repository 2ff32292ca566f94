package reports_test

import (
	"bytes"
	"math"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/reports"
)

// syntheticSweep is a 3×2 grid with 8 replicates each, shaped like a
// capacity plan: later windows and more slots drain faster. The numbers
// come from a formula, not a run, so the golden depends only on this
// package.
func syntheticSweep() reports.SweepData {
	d := reports.SweepData{Title: "When to start the window, and how many slots", Base: "nightly.yaml",
		Command: "maintsim sweep capacity.yaml --workers 2", Params: []string{"actions[0].at", "servers[0].task_slots"}, Replicates: 8}
	for i, at := range []string{"+1h", "+2h", "+3h"} {
		for j, slots := range []string{"16", "32"} {
			for r := range 8 {
				noise := float64((r*37+i*11+j*5)%17) / 16 // deterministic spread in [0, 1]
				m := map[string]float64{
					"drain_time":      float64(1800-600*i) / float64(j+1) * (0.8 + 0.4*noise),
					"sessions_failed": math.Round(float64(40-12*i-10*j) * (0.7 + 0.6*noise)),
					"bytes_wasted":    float64(int64(3-i)<<30) * noise,
				}
				if i == 2 && r == 7 {
					delete(m, "drain_time") // a run where the metric is not defined
				}
				d.Add([]string{at, slots}, uint64(1000+10*i+j*100+r), m)
			}
		}
	}
	return d
}

var _ = Describe("WriteSweepHTML", func() {
	It("writes a synthetic sweep as testdata/sweep-example.html, byte for byte", func() {
		var b bytes.Buffer
		Expect(reports.WriteSweepHTML(&b, syntheticSweep())).To(Succeed())
		golden("sweep-example.html", b.Bytes())
		d := parse(b.Bytes())
		Expect(d.tableRows("sweep-table")).To(HaveLen(6))
		Expect(d.count("figure", "chart")).To(Equal(3))
		Expect(d.count("circle", "dot")).To(Equal(6*8*3-2), "two runs have no drain_time")
		Expect(d.count("script", "")).To(Equal(1))
	})

	It("keeps replicates aligned when a run lacks a metric (Add)", func() {
		var d reports.SweepData
		d.Add([]string{"a"}, 1, map[string]float64{"x": 1})
		d.Add([]string{"a"}, 2, map[string]float64{"x": 2, "y": 5})
		d.Add([]string{"b"}, 3, map[string]float64{"y": 7})
		Expect(d.Metrics).To(Equal([]string{"x", "y"}))
		Expect(d.Points).To(HaveLen(2))
		Expect(d.Points[0].Seeds).To(Equal([]uint64{1, 2}))
		Expect(d.Points[0].Metrics["x"]).To(Equal([]float64{1, 2}))
		Expect(math.IsNaN(d.Points[0].Metrics["y"][0])).To(BeTrue())
		Expect(d.Points[0].Metrics["y"][1]).To(Equal(5.0))
		Expect(math.IsNaN(d.Points[1].Metrics["x"][0])).To(BeTrue())
	})

	It("escapes parameter values and metric names", func() {
		var d reports.SweepData
		d.Params = []string{`tenants[0].name`}
		d.Add([]string{`<script>alert(1)</script>`}, 1, map[string]float64{`<b>m</b>`: 1})
		var b bytes.Buffer
		Expect(reports.WriteSweepHTML(&b, d)).To(Succeed())
		Expect(b.String()).NotTo(ContainSubstring("<script>alert"))
		Expect(b.String()).NotTo(ContainSubstring("<b>m</b>"))
		Expect(strings.Count(b.String(), "<script")).To(Equal(1))
	})

	It("refuses an empty sweep", func() {
		Expect(reports.WriteSweepHTML(&bytes.Buffer{}, reports.SweepData{})).NotTo(Succeed())
	})
})
