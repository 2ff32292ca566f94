package reports

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"strings"
	"sync"
)

// The page's CSS, script and templates are embedded in the binary so that
// the report is one file and the binary needs no side files either.
//
//go:embed assets/style.css
var styleCSS string

//go:embed assets/report.js
var reportJS string

//go:embed assets/*.html
var templateFS embed.FS

// pageTemplates are parsed on first use, not at start-up: parsing them
// took ~0.7 ms of every process, a tenth of a run of the 1,000-tenant
// benchmark that writes no report.
var pageTemplates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"add":       func(a, b int) int { return a + b },
		"int":       fmtInt, // counts with thousands separators, as the prose has them
		"stackArgs": func(caption string, b stackBar) stackArgs { return stackArgs{caption, b} },
	}).ParseFS(templateFS, "assets/*.html"))
})

type stackArgs struct {
	Caption string
	Bar     stackBar
}

// page is what every report page shares: its inline style and script and
// a Content Security Policy that forbids every request (default-src
// 'none'): a report opened from a CI artifact can fetch nothing, and a
// script can run only if it is the page's own (its hash is in the policy).
type page struct {
	CSS       template.CSS
	JS        template.JS
	CSP       string
	Generator string
}

var scriptHash = func() string {
	sum := sha256.Sum256([]byte(reportJS))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}()

func newPage() page {
	csp := strings.Join([]string{"default-src 'none'", "style-src 'unsafe-inline'",
		"script-src '" + scriptHash + "'", "base-uri 'none'", "form-action 'none'"}, "; ")
	return page{CSS: template.CSS(styleCSS), JS: template.JS(reportJS), CSP: csp, Generator: "maintsim reports"}
}
