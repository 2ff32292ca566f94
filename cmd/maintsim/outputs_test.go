package main

// Output files: CONTRACT.md's exit codes say 1 is a violation or a failed
// expectation, so an output path that cannot be written must be bad input
// (2), found before any work; "-" is stdout; a file appears whole or not
// at all.

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("output files", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })
	missing := func(name string) string { return filepath.Join(dir, "no-such-dir", name) }

	DescribeTable("run: an output that cannot be written is bad input (exit 2), before the simulation",
		func(flag, name string) {
			r := ms(dir, "run", abs(example), flag, missing(name))
			Expect(r.code).To(Equal(2), r.String())
			Expect(r.stderr).To(ContainSubstring(flag+" "+missing(name)), "names the flag and the path the user gave")
			Expect(r.stderr).NotTo(ContainSubstring(".tmp-"), "not the temporary file")
			Expect(r.stdout).To(BeEmpty(), "nothing simulated, nothing printed")
		},
		Entry("--report", "--report", "r.html"),
		Entry("--summary", "--summary", "s.json"),
		Entry("--junit", "--junit", "j.xml"),
		Entry("--trace", "--trace", "t.jsonl"),
	)

	It("run: a directory given as an output file is bad input", func() {
		r := ms(dir, "run", abs(example), "--summary", dir)
		Expect(r.code).To(Equal(2), r.String())
		Expect(r.stderr).To(ContainSubstring("directory"))
	})

	It("run: - writes that output to stdout instead of the text listing", func() {
		r := ms(dir, "run", abs(example), "--summary", "-")
		Expect(r.code).To(Equal(0), r.String())
		var s struct {
			Scenario  string `json:"scenario"`
			TraceHash string `json:"trace_hash"`
		}
		Expect(json.Unmarshal([]byte(r.stdout), &s)).To(Succeed(), r.stdout)
		Expect(s.Scenario).To(Equal("maintenance during nightly backups"))
		Expect(s.TraceHash).To(MatchRegexp(`^[0-9a-f]{16}$`))
		entries, _ := os.ReadDir(dir)
		Expect(entries).To(BeEmpty(), "no file named -")

		t := ms(dir, "run", abs(example), "--trace", "-")
		Expect(t.code).To(Equal(0), t.String())
		lines := strings.Split(strings.TrimSpace(t.stdout), "\n")
		Expect(lines[0]).To(HavePrefix(`{"t":0,`))
		Expect(lines[len(lines)-1]).To(ContainSubstring(`"ev":"end"`))
		// CONTRACT: every run prints its seed, trace hash and replay: with
		// stdout taken, on stderr.
		Expect(t.stderr).To(MatchRegexp(`PASS  seed \d+  trace_hash [0-9a-f]{16}\nreplay: maintsim run `))
	})

	It("run: two outputs on stdout, or one with --format json, are bad input", func() {
		Expect(ms(dir, "run", abs(example), "--summary", "-", "--junit", "-").code).To(Equal(2))
		r := ms(dir, "run", abs(example), "--trace", "-", "--format", "json")
		Expect(r.code).To(Equal(2), r.String())
		Expect(r.stderr).To(ContainSubstring("only one output can go to stdout"))
	})

	It("sweep: an --out that cannot be written is bad input before the first run", func() {
		r := ms(dir, "sweep", abs("testdata/sweep/sweep.yaml"), "--out", missing("x.jsonl"), "--quiet")
		Expect(r.code).To(Equal(2), r.String())
		Expect(r.stderr).To(ContainSubstring("--out " + missing("x.jsonl")))
		Expect(r.stderr).NotTo(ContainSubstring("grid points"), "no run started")
	})

	It("merge: an output that cannot be written is bad input", func() {
		out := filepath.Join(dir, "runs.jsonl")
		Expect(ms(dir, "sweep", abs("testdata/sweep/sweep.yaml"), "--out", out, "--quiet").code).To(Equal(0))
		for _, flag := range []string{"--csv", "--runs-csv", "--jsonl", "--html", "--out"} {
			r := ms(dir, "merge", out, flag, missing("m"))
			Expect(r.code).To(Equal(2), "%s: %s", flag, r.String())
			Expect(r.stderr).To(ContainSubstring(flag))
		}
	})

	It("check: a missing --out-dir is bad input before the search", func() {
		r := ms(dir, "check", "--runs", "1", "--out-dir", missing(""))
		Expect(r.code).To(Equal(2), r.String())
		Expect(r.stderr).To(ContainSubstring("--out-dir"))
	})

	It("selftest --shrink: a missing --out-dir is bad input before the exploration (exit 2, not 1)", func() {
		r := ms(dir, "selftest", "--runs", "1", "--shrink", "--mutant", "maint-allows-start", "--out-dir", missing(""))
		Expect(r.code).To(Equal(2), r.String())
		Expect(r.stderr).To(ContainSubstring("--out-dir"))
		Expect(r.stdout).To(BeEmpty(), "nothing explored")
	})

	It("a failed write leaves no file and no temporary file; a committed one is in place, readable by others", func() {
		outs := newOutputs(io.Discard)
		p := filepath.Join(dir, "out.json")
		o, err := outs.open("--summary", p)
		Expect(err).NotTo(HaveOccurred())
		Expect(o.write(func(w io.Writer) error {
			_, _ = io.WriteString(w, "partial")
			return errors.New("killed")
		})).To(MatchError(ContainSubstring("killed")))
		outs.abort()
		entries, _ := os.ReadDir(dir)
		Expect(entries).To(BeEmpty())

		outs = newOutputs(io.Discard)
		o, err = outs.open("--summary", p)
		Expect(err).NotTo(HaveOccurred())
		Expect(o.write(func(w io.Writer) error { _, err := io.WriteString(w, "ok\n"); return err })).To(Succeed())
		outs.abort() // after a commit: nothing to undo
		Expect(os.ReadFile(p)).To(Equal([]byte("ok\n")))
		st, err := os.Stat(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Mode().Perm() & 0o044).To(Equal(os.FileMode(0o044)))
	})
})
