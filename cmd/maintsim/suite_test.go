package main

// The CLI suite judges maintsim from the outside, as a user who read only
// shared/spec/{SEMANTICS,CONTRACT,INVARIANTS}.md would: every scenario under
// testdata/contract/ is a spec (`maintsim run FILE` exits 0), every bad input
// exits 2 with FILE:LINE:COL and a caret, every command keeps CONTRACT.md's
// exit codes.
//
// The commands run in a child process: the test binary re-executes itself
// with MAINTSIM_CLI_TEST_EXEC=1, and TestMain then calls execute(args) like
// main does. That is the real binary's code path (exit codes, stdout and
// stderr as a user sees them) without a `go build`, and without cobra's
// flag state leaking from one call to the next.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// cliExecEnv makes the test binary behave as maintsim (see TestMain).
const cliExecEnv = "MAINTSIM_CLI_TEST_EXEC"

func TestMain(m *testing.M) {
	if os.Getenv(cliExecEnv) == "1" {
		os.Exit(execute(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func TestCLI(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "maintsim CLI")
}

// self is the test binary, run as maintsim by ms.
var self = func() string {
	p, err := os.Executable()
	if err != nil {
		p, _ = filepath.Abs(os.Args[0])
	}
	return p
}()

// result is one maintsim invocation as a user sees it.
type result struct {
	args           []string
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("maintsim %s\nexit %d\n--- stdout\n%s\n--- stderr\n%s",
		strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// ms runs maintsim with args in dir ("" = this package's directory).
func ms(dir string, args ...string) result {
	GinkgoHelper()
	return msEnv(dir, nil, args...)
}

// msEnv is ms with extra environment variables, and without any shard
// variable the test itself may run under (a CI job in a Slurm array or a
// Kubernetes indexed job would otherwise pick a shard for every sweep).
func msEnv(dir string, env []string, args ...string) result {
	GinkgoHelper()
	cmd := exec.Command(self, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLURM_ARRAY_") && !strings.HasPrefix(kv, "JOB_COMPLETION_INDEX=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, cliExecEnv+"=1"), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		Expect(ok).To(BeTrue(), "running maintsim %v: %v", args, err)
		code = ee.ExitCode()
	}
	return result{args: args, code: code, stdout: out.String(), stderr: errb.String()}
}

// abs is a testdata path made absolute, for runs in a temporary directory.
func abs(path string) string {
	GinkgoHelper()
	p, err := filepath.Abs(path)
	Expect(err).NotTo(HaveOccurred())
	return p
}

// readFile reads a file of the test tree.
func readFile(path string) string {
	GinkgoHelper()
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// writeFile writes content to dir/name and returns its path.
func writeFile(dir, name, content string) string {
	GinkgoHelper()
	p := filepath.Join(dir, name)
	Expect(os.WriteFile(p, []byte(content), 0o644)).To(Succeed())
	return p
}

// replaceOnce replaces the first old in s, which must be there.
func replaceOnce(s, old, new string) string {
	GinkgoHelper()
	Expect(s).To(ContainSubstring(old), "the base file must contain %q", old)
	return strings.Replace(s, old, new, 1)
}
