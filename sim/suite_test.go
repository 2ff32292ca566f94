package sim_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestSim is the package's one ginkgo entry point: every Describe in
// package sim_test runs from here under plain `go test ./sim/`.
func TestSim(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "sim")
}
