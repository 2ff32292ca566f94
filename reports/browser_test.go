package reports_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/reports"
	"github.com/maintsim/maintsim/scenarios"
)

// findBrowser returns a Chromium or Chrome binary: $MAINTSIM_CHROMIUM, then
// the usual names on PATH, then /usr/bin/chromium.
func findBrowser() string {
	if p := os.Getenv("MAINTSIM_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// pageLog is what one tab saw: every request, every dialog, every error.
type pageLog struct {
	mu       sync.Mutex
	requests []string
	dialogs  []string
	errors   []string
}

func (p *pageLog) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, e.Request.URL)
	case *page.EventJavascriptDialogOpening:
		p.dialogs = append(p.dialogs, e.Message)
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
			p.errors = append(p.errors, e.Entry.Text)
		}
	case *runtime.EventExceptionThrown:
		p.errors = append(p.errors, e.ExceptionDetails.Text)
	}
}

// The page is checked the way a reviewer meets it: Chromium opens the file
// from disk, and the specs count what it drew and read what it shows.
var _ = Describe("In a real browser (headless Chromium)", Ordered, func() {
	var browser context.Context
	var stop context.CancelFunc
	var shots string

	BeforeAll(func() {
		bin := findBrowser()
		if bin == "" {
			Skip("no Chromium or Chrome found (set MAINTSIM_CHROMIUM or install chromium): the report's browser checks did not run")
		}
		shots = GinkgoT().TempDir()
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(bin),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("hide-scrollbars", true),
			chromedp.UserDataDir(GinkgoT().TempDir()),
			chromedp.WindowSize(1400, 1000),
		)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		Expect(chromedp.Do(bctx)).To(Succeed(), "start %s", bin)
		browser = bctx
		stop = func() { bcancel(); acancel(); cancel() }
	})

	AfterAll(func() {
		if stop != nil {
			stop()
		}
	})

	// open writes the page to a temporary file, loads it in a new tab and
	// returns the tab, what it logged, and a screenshot saver.
	open := func(name string, html []byte) (context.Context, *pageLog, func()) {
		path := filepath.Join(GinkgoT().TempDir(), name+".html")
		Expect(os.WriteFile(path, html, 0o644)).To(Succeed())
		pl := &pageLog{}
		tab, cancel := chromedp.NewContext(browser, chromedp.WithListener(pl.listen))
		DeferCleanup(cancel)
		u := (&url.URL{Scheme: "file", Path: path}).String()
		Expect(chromedp.Do(tab, chromedp.Navigate(u))).To(Succeed())
		Expect(chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS("footer")))).To(Succeed())
		shoot := func() {
			png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			Expect(err).NotTo(HaveOccurred())
			Expect(png).To(HavePrefix("\x89PNG"))
			saveShot(shots, name+".png", png)
		}
		// Nothing but the file itself may be requested.
		DeferCleanup(func() {
			pl.mu.Lock()
			defer pl.mu.Unlock()
			Expect(pl.requests).To(ContainElement(u), "the listener saw the page load")
			for _, r := range pl.requests {
				Expect(r == u || strings.HasPrefix(r, "data:")).To(BeTrue(), "the page requested %s", r)
			}
			Expect(pl.dialogs).To(BeEmpty(), "a dialog opened: a script ran that should not have")
			Expect(pl.errors).To(BeEmpty(), "console errors (a CSP violation shows here)")
		})
		return tab, pl, shoot
	}

	eval := func(tab context.Context, js string) any {
		v, err := chromedp.Run(tab, chromedp.Evaluate[any](js))
		Expect(err).NotTo(HaveOccurred(), js)
		return v
	}
	num := func(tab context.Context, js string) int {
		v := eval(tab, js)
		f, ok := v.(float64)
		Expect(ok).To(BeTrue(), "%s = %v", js, v)
		return int(f)
	}
	str := func(tab context.Context, js string) string {
		v := eval(tab, js)
		s, ok := v.(string)
		Expect(ok).To(BeTrue(), "%s = %v", js, v)
		return s
	}

	It("draws the example's timeline and tables, runs its own script, and requests nothing", func() {
		r := exampleReport()
		starts := 0
		for _, rec := range r.Records {
			if rec.Kind.String() == "task_start" {
				starts++
			}
		}
		tab, _, shoot := open("report-example", render(r))
		Expect(num(tab, `document.querySelectorAll("#timeline-svg rect.bar").length`)).To(Equal(starts))
		Expect(num(tab, `[...document.querySelectorAll("#timeline-svg rect.bar")].filter(b => b.getBBox().width > 0 && b.getBBox().height > 0).length`)).To(Equal(starts), "every bar has a size")
		Expect(num(tab, `document.querySelector("#timeline-svg").getBoundingClientRect().width`)).To(BeNumerically(">=", 1200))
		Expect(num(tab, `document.querySelectorAll("#timeline-svg rect.st-maint").length`)).To(Equal(1), "one maintenance window")
		Expect(str(tab, `document.querySelector("#verdict").textContent`)).To(Equal("PASS"))
		Expect(num(tab, `document.querySelectorAll("#invariants-table tbody tr").length`)).To(Equal(len(r.Summary.Invariants)))
		Expect(str(tab, `document.querySelector("#invariants-table tbody tr td").textContent`)).To(Equal("INV-01"))
		Expect(str(tab, `document.querySelector("#expectations-table tbody tr td:nth-child(3)").textContent`)).To(ContainSubstring("matched"))
		Expect(str(tab, `getComputedStyle(document.querySelector(".verdict")).backgroundColor`)).To(Equal("rgb(47, 158, 68)"), "the inline CSS applies")
		// The filter box is the page's only script: visible means it ran
		// under the page's Content Security Policy.
		Expect(eval(tab, `document.querySelector("input[data-filter=tenants-table]").hidden`)).To(Equal(false))
		eval(tab, `(() => { const i = document.querySelector("input[data-filter=tenants-table]"); i.value = "globex"; i.dispatchEvent(new Event("input")); })()`)
		Expect(num(tab, `[...document.querySelectorAll("#tenants-table tbody tr")].filter(r => !r.hidden).length`)).To(Equal(1))
		shoot()
		tl, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.ID("timeline-svg")))
		Expect(err).NotTo(HaveOccurred())
		saveShot(shots, "report-example-timeline.png", tl)
		// What a reviewer sees first: verdict, facts and the timeline
		// (docs/report-example.png is this picture).
		bottom := num(tab, `Math.ceil(document.querySelector("#timeline-svg").getBoundingClientRect().bottom + window.scrollY + 12)`)
		Expect(chromedp.Do(tab, chromedp.EmulateViewport(1400, int64(bottom)))).To(Succeed())
		eval(tab, `window.scrollTo(0, 0)`)
		top, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
		Expect(err).NotTo(HaveOccurred())
		saveShot(shots, "report-example-top.png", top)
	})

	It("jumps from a violation in the table to its mark on the timeline", func() {
		r := counterexampleReport()
		tab, _, shoot := open("report-counterexample", render(r))
		Expect(str(tab, `document.querySelector("#verdict").textContent`)).To(Equal("FAIL"))
		Expect(num(tab, `document.querySelectorAll("#timeline-svg circle.viol-hl").length`)).To(Equal(len(r.Highlight)))
		Expect(num(tab, `document.querySelectorAll("#timeline-svg rect.bar.hl").length`)).To(BeNumerically(">", 0))
		Expect(chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#v-1 a`)))).To(Succeed())
		Expect(str(tab, `document.querySelector(":target").id`)).To(Equal("tl-v-1"))
		Expect(num(tab, `document.querySelector("#tl-v-1").getBoundingClientRect().top`)).To(BeNumerically("<", 1000), "scrolled into view")
		shoot()
	})

	It("shows a tenant called <script>alert(1)</script> as text and runs none of it", func() {
		const evil = `<script>alert(1)</script>`
		sp := exampleSpec(evil)
		sp.Jobs[0].Objects[0].Name = `<img src=x onerror=alert(2)>`
		tab, _, _ := open("report-hostile", render(reports.FromOutcome(runSpec(sp, nil))))
		Expect(str(tab, `[...document.querySelectorAll("#tenants-table tbody tr td:first-child")].map(td => td.textContent).find(t => t.includes("alert"))`)).To(Equal(evil))
		Expect(num(tab, `document.scripts.length`)).To(Equal(1))
		Expect(num(tab, `document.images.length`)).To(BeZero())
	})

	It("draws 1,000 tenants as density rows plus the most affected tenants", func() {
		tab, _, shoot := open("report-fleet", render(reports.FromOutcome(runSpec(fleetSpec(1000), []scenarios.Invariant{}))))
		Expect(str(tab, `document.querySelector("#timeline-svg").dataset.dense`)).To(Equal("true"))
		Expect(num(tab, `document.querySelectorAll("#timeline-svg rect.dens").length`)).To(BeNumerically(">", 10))
		Expect(num(tab, `document.querySelectorAll("#tenants-table tbody tr").length`)).To(Equal(500))
		shoot()
	})

	It("draws the sweep's charts", func() {
		var b bytes.Buffer
		Expect(reports.WriteSweepHTML(&b, syntheticSweep())).To(Succeed())
		tab, _, shoot := open("sweep-example", b.Bytes())
		Expect(num(tab, `document.querySelectorAll("figure.chart svg").length`)).To(Equal(3))
		Expect(num(tab, `document.querySelectorAll("rect.box").length`)).To(Equal(3 * 6))
		Expect(str(tab, `document.querySelector("#sweep-table tbody tr td").textContent`)).To(Equal("+1h"))
		shoot()
	})
})

// saveShot keeps a screenshot in the spec's temporary directory and, when
// MAINTSIM_SCREENSHOT_DIR is set, copies it there for a person to look at.
func saveShot(dir, name string, png []byte) {
	Expect(os.WriteFile(filepath.Join(dir, name), png, 0o644)).To(Succeed())
	if out := os.Getenv("MAINTSIM_SCREENSHOT_DIR"); out != "" {
		Expect(os.MkdirAll(out, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(out, name), png, 0o644)).To(Succeed())
	}
	AddReportEntry("screenshot", fmt.Sprintf("%s (%d bytes)", filepath.Join(dir, name), len(png)))
}
