//go:build unix

package main

// CONTRACT.md's output flags take a file path, and scripts give them
// /dev/null, /dev/stdout, a FIFO or bash's >(gzip > t.gz): an output that
// names an existing device or pipe is written in place, never replaced by a
// plain file renamed over it (as root that destroyed /dev/null).

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("output files that are pipes or devices", func() {
	It("run --trace FIFO writes the trace into the pipe and leaves the pipe in place", func() {
		dir := GinkgoT().TempDir()
		fifo := filepath.Join(dir, "trace.fifo")
		Expect(syscall.Mkfifo(fifo, 0o644)).To(Succeed())
		// Opened read-write so that neither side blocks on open; the
		// trace of the example fits in the pipe's buffer.
		reader, err := os.OpenFile(fifo, os.O_RDWR, 0)
		Expect(err).NotTo(HaveOccurred())
		defer reader.Close()

		r := ms(dir, "run", abs(example), "--trace", fifo)
		Expect(r.code).To(Equal(0), r.String())

		st, err := os.Lstat(fifo)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Mode()&os.ModeNamedPipe).NotTo(BeZero(), "still a FIFO, not a plain file renamed over it: %v", st.Mode())

		Expect(reader.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
		buf := make([]byte, 1<<16)
		n, err := io.ReadAtLeast(reader, buf, 1)
		Expect(err).NotTo(HaveOccurred())
		lines := strings.Split(strings.TrimSpace(string(buf[:n])), "\n")
		Expect(lines[0]).To(HavePrefix(`{"t":0,`))
		Expect(lines[0]).To(ContainSubstring(`"ev":"scenario"`))
		Expect(lines[len(lines)-1]).To(ContainSubstring(`"ev":"end"`))
		entries, _ := os.ReadDir(dir)
		Expect(entries).To(HaveLen(1), "no temporary file left beside the FIFO")
	})
})
