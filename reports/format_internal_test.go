package reports

import (
	"testing"
	"time"

	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// A duration with hours and seconds but no minutes keeps its "0m", as Go
// writes it: "3h45s" reads as 3h45m at a glance.
func TestFmtDurKeepsZeroMinutes(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3*time.Hour + 45*time.Second + 224*time.Millisecond: "3h0m45.224s",
		3*time.Hour + 45*time.Minute:                        "3h45m",
		3 * time.Hour:                                       "3h",
		27*time.Hour + 5*time.Second:                        "1d3h0m5s",
		45 * time.Second:                                    "45s",
	} {
		if got := fmtDur(d); got != want {
			t.Errorf("fmtDur(%v) = %q, want %q", d, got, want)
		}
	}
}

// The exchange page's drain sentence rounds as the metrics table and the
// text output do (25.79752328 s is 25.798s, not 25.797s), and a drain that
// did not end says why it stopped counting.
func TestExchangeFactsDrains(t *testing.T) {
	start := time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)
	m := &scenarios.ExchangeMetrics{DeliveryLatencyMaxSecs: 439.8079, Drains: []scenarios.ExDrainMetrics{
		{Server: "ex-01", StartNS: int64(2 * time.Hour), QueuedAtStart: 6, Drained: true, DrainTimeSeconds: 25.79752328},
		{Server: "ex-02", StartNS: int64(2 * time.Hour), QueuedAtStart: 1, DrainTimeSeconds: 3600},
		{Server: "ex-03", StartNS: int64(2 * time.Hour), QueuedAtStart: 1, DrainTimeSeconds: 4 * 3600},
	}}
	got := exchangeFacts(m, 0, start, sim.Time(6*time.Hour))
	want := []string{
		"ex-01: HubTransport left Active at 22:00:00 (+2h) with 6 queued; the queue drained in 25.798s.",
		"ex-02: HubTransport left Active at 22:00:00 (+2h) with 1 queued; HubTransport was Active again 1h later, before the queue was empty.",
		"ex-03: HubTransport left Active at 22:00:00 (+2h) with 1 queued; the queue was still not empty at the end of the run, 4h later.",
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("missing %q in %q", w, got)
		}
	}
	if got[1] != "0 messages were delayed (deferred, or delivered more than 5m after acceptance); the longest wait was 7m19.808s." {
		t.Errorf("latency: %q", got[1])
	}
}
