package scentest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestScentest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "scentest")
}
