package main

// `maintsim check --workers N` (issue 7): the cases run in parallel, and
// nothing the user sees depends on N.

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("maintsim check --workers", func() {
	It("a counterexample: --workers 1 and 2 print the same bytes and write the same scenario and report (INV-13, drain-hangs)", func() {
		one, two := GinkgoT().TempDir(), GinkgoT().TempDir()
		args := []string{"check", "--runs", "200", "--seed", "3", "--mutant", "drain-hangs"}
		r1 := ms(one, append(args, "--workers", "1")...)
		r2 := ms(two, append(args, "--workers", "2")...)
		Expect(r1.code).To(Equal(1), r1.String())
		Expect(r2.code).To(Equal(1), r2.String())
		Expect(r1.stdout).To(ContainSubstring("INV-13"))
		Expect(r2.stdout).To(Equal(r1.stdout))
		Expect(r2.stdout).NotTo(ContainSubstring("--workers"), "the replay command does not need it")
		for _, name := range []string{"maintsim-counterexample-3.yaml", "maintsim-counterexample-3.html"} {
			Expect(readFile(filepath.Join(two, name))).To(Equal(readFile(filepath.Join(one, name))), name)
		}
	})

	It("no counterexample: --workers 1 and 2 print the same bytes", func() {
		dir := GinkgoT().TempDir()
		r1 := ms(dir, "check", "--runs", "150", "--seed", "9", "--workers", "1")
		r2 := ms(dir, "check", "--runs", "150", "--seed", "9", "--workers", "2")
		Expect(r1.code).To(Equal(0), r1.String())
		Expect(r2.stdout).To(Equal(r1.stdout))
		Expect(r2.stdout).To(ContainSubstring("no invariant violated in 150 cases"))
	})

	DescribeTable("bad input (exit 2)",
		func(n string) {
			r := ms(GinkgoT().TempDir(), "check", "--runs", "3", "--workers", n)
			Expect(r.code).To(Equal(2), r.String())
		},
		Entry("--workers 0", "0"),
		Entry("--workers -1", "-1"),
		Entry("--workers x", "x"),
	)
})
