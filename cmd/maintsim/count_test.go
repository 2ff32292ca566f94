package main

import "testing"

// TestCount: the CLI's counts read as English ("1 event", not "1 events").
func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 events"}, {1, "1 event"}, {2, "2 events"}, {662003, "662003 events"}} {
		if got := count(c.n, "event", "events"); got != c.want {
			t.Errorf("count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
