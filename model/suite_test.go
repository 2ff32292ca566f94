package model_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/format"
)

// TestModel is the package's one ginkgo entry point. Specs are named after
// the SEMANTICS.md rule they check ("M3: …", "S2: …").
func TestModel(t *testing.T) {
	// Results, phases and causes print by name in failure messages.
	format.UseStringerRepresentation = true
	RegisterFailHandler(Fail)
	RunSpecs(t, "model")
}
