package main

// The edges an operator hits in CI and on a cluster: an output path that is
// one of the command's inputs or another output's file, an interrupted
// command, stdout that cannot be written. Nothing may be lost or
// overwritten without a word.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("robustness at the edges", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	// setup copies the example scenario and the sweep files into dir.
	setup := func() {
		writeFile(dir, "scenario.yaml", readFile(example))
		writeFile(dir, "sweep.yaml", readFile("testdata/sweep/sweep.yaml"))
		writeFile(dir, "nightly.yaml", readFile("testdata/sweep/nightly.yaml"))
		Expect(os.Symlink("scenario.yaml", filepath.Join(dir, "link.yaml"))).To(Succeed())
	}
	intact := func() {
		GinkgoHelper()
		Expect(readFile(filepath.Join(dir, "scenario.yaml"))).To(Equal(readFile(example)), "the input scenario is untouched")
		Expect(readFile(filepath.Join(dir, "sweep.yaml"))).To(Equal(readFile("testdata/sweep/sweep.yaml")))
		Expect(readFile(filepath.Join(dir, "nightly.yaml"))).To(Equal(readFile("testdata/sweep/nightly.yaml")))
	}

	DescribeTable("an output naming an input file is bad input (exit 2) and leaves the input as it was",
		func(args ...string) {
			setup()
			r := ms(dir, args...)
			Expect(r.code).To(Equal(2), r.String())
			Expect(r.stderr).To(ContainSubstring("that is the input file"), r.String())
			intact()
		},
		Entry("run --summary SCENARIO", "run", "scenario.yaml", "--summary", "scenario.yaml"),
		Entry("run --report ./SCENARIO", "run", "scenario.yaml", "--report", "./scenario.yaml"),
		Entry("run --trace through a symbolic link to the scenario", "run", "scenario.yaml", "--trace", "link.yaml"),
		Entry("run LINK --junit SCENARIO", "run", "link.yaml", "--junit", "scenario.yaml"),
		Entry("check --report SCENARIO", "check", "scenario.yaml", "--runs", "1", "--report", "scenario.yaml"),
		Entry("sweep --out SWEEP", "sweep", "sweep.yaml", "--quiet", "--out", "sweep.yaml"),
		Entry("sweep --out BASE", "sweep", "sweep.yaml", "--quiet", "--out", "nightly.yaml"),
	)

	It("merge: an output naming a shard file is bad input, and the shard is kept", func() {
		setup()
		Expect(ms(dir, "sweep", "sweep.yaml", "--quiet", "--out", "runs.jsonl").code).To(Equal(0))
		before := readFile(filepath.Join(dir, "runs.jsonl"))
		r := ms(dir, "merge", "runs.jsonl", "--csv", "runs.jsonl")
		Expect(r.code).To(Equal(2), r.String())
		Expect(r.stderr).To(ContainSubstring("--csv runs.jsonl: that is the input file runs.jsonl"))
		Expect(readFile(filepath.Join(dir, "runs.jsonl"))).To(Equal(before))
	})

	DescribeTable("two outputs naming one file are bad input (exit 2), before any work",
		func(args ...string) {
			setup()
			r := ms(dir, args...)
			Expect(r.code).To(Equal(2), r.String())
			Expect(r.stderr).To(ContainSubstring("the same file; each output needs its own"), r.String())
			Expect(r.stdout).To(BeEmpty())
			entries, err := os.ReadDir(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(entries).To(HaveLen(4), "nothing written, no temporary file left")
		},
		Entry("run --trace x --summary x", "run", "scenario.yaml", "--trace", "x", "--summary", "x"),
		Entry("run --junit x --report ./x", "run", "scenario.yaml", "--junit", "x", "--report", "./x"),
		Entry("merge --csv x --runs-csv x", "merge", "sweep.yaml", "--csv", "x", "--runs-csv", "x"),
	)

	It("run: two outputs may share a device such as /dev/null", func() {
		r := ms(dir, "run", abs(example), "--trace", "/dev/null", "--summary", "/dev/null")
		Expect(r.code).To(Equal(0), r.String())
	})

	It("run: bad input with a --junit that cannot be written says so, after the input's message", func() {
		empty := writeFile(dir, "empty.yaml", "")
		r := ms(dir, "run", empty, "--junit", filepath.Join(dir, "no-such-dir", "j.xml"))
		Expect(r.code).To(Equal(2), r.String())
		Expect(r.stderr).To(ContainSubstring("the file is empty"))
		Expect(r.stderr).To(ContainSubstring("(and the JUnit file: --junit "), "the JUnit file's failure is not dropped")
	})

	DescribeTable("an interrupted command exits 130 with a message and leaves no temporary file",
		func(sig syscall.Signal) {
			// check opens its report's temporary file before it explores;
			// a million cases keep it busy until the signal.
			cmd := exec.Command(self, "check", "--runs", "1000000", "--out-dir", dir)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), cliExecEnv+"=1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			Expect(cmd.Start()).To(Succeed())
			Eventually(func() []string {
				m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
				return m
			}, 10*time.Second, 10*time.Millisecond).ShouldNot(BeEmpty(), "the report's temporary file")
			Expect(cmd.Process.Signal(sig)).To(Succeed())
			err := cmd.Wait()
			ee, ok := err.(*exec.ExitError)
			Expect(ok).To(BeTrue(), "exits with a code: %v\n%s", err, stderr.String())
			Expect(ee.ExitCode()).To(Equal(130), stderr.String())
			Expect(stderr.String()).To(ContainSubstring("maintsim: interrupted"))
			entries, err := os.ReadDir(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(entries).To(BeEmpty(), "no .NAME.tmp-* left behind")
		},
		Entry("SIGINT", syscall.SIGINT),
		Entry("SIGTERM", syscall.SIGTERM),
	)

	DescribeTable("stdout that cannot be written (a full disk) is an error (exit 1), not a silent success",
		func(args ...string) {
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				Skip("no /dev/full here")
			}
			defer full.Close()
			cmd := exec.Command(self, args...)
			cmd.Env = append(os.Environ(), cliExecEnv+"=1")
			cmd.Stdout = full
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err = cmd.Run()
			ee, ok := err.(*exec.ExitError)
			Expect(ok).To(BeTrue(), "exits with a code: %v\n%s", err, stderr.String())
			Expect(ee.ExitCode()).To(Equal(1), stderr.String())
			Expect(stderr.String()).To(ContainSubstring("no space left on device"))
			Expect(stderr.String()).NotTo(ContainSubstring("--help"), "not a usage mistake")
		},
		Entry("run's listing", "run", example),
		Entry("invariants", "invariants"),
		Entry("schema", "schema"),
		Entry("verify's verdict", "verify", "testdata/traces/exported_by_hand.jsonl"),
	)
})
