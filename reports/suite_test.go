package reports_test

import (
	"flag"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// updateReports rewrites the golden files in testdata/ from the current
// output: go test ./reports/ -update-reports. Review the diff (open the
// HTML in a browser) and commit only what you understand.
var updateReports = flag.Bool("update-reports", false, "rewrite reports/testdata golden files")

func TestReports(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "reports")
}
