package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/maintsim/maintsim/scenarios"
)

// printExchange is the text output of an exchange profile run: the end
// state of servers, databases and clients, and the message numbers.
func printExchange(w io.Writer, s *scenarios.Summary) {
	x, m := s.Exchange, s.Metrics.Exchange
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVER\tDAG\tAUTO-ACTIVATION\tQUEUE\tCLIENTS CONNECT TO\tCOMPONENTS NOT ACTIVE OR HELD (at the end)")
	for _, sv := range x.Servers {
		var comps []string
		for _, c := range sv.Components {
			var holds []string
			for req, st := range c.Holds {
				holds = append(holds, req+":"+st)
			}
			sort.Strings(holds)
			comps = append(comps, fmt.Sprintf("%s=%s[%s]", c.Component, c.Effective, strings.Join(holds, " ")))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", sv.Name, dash(sv.DAG), sv.Policy, sv.QueueDepth, sv.ClientsAt, dash(strings.Join(comps, ", ")))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(tw, "DATABASE\tACTIVE ON\tMOUNTED\tSUSPENDED COPIES")
	for _, d := range x.Databases {
		mounted := "no"
		if d.Mounted {
			mounted = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Name, d.Active, mounted, dash(strings.Join(d.Suspended, ", ")))
	}
	tw.Flush()
	if len(x.Clients) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(tw, "CLIENT\tHOME\tCONNECTS TO\tDATABASE\tREQUESTS FAILED")
		for _, c := range x.Clients {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", c.Name, c.Home, c.ConnectsTo, c.Database, c.RequestsFailed)
		}
		tw.Flush()
	}
	if m != nil {
		fmt.Fprintf(w, "\nmessages: %d arrived, %d accepted, %d deferred, %d delivered, %d redirected, %d queued at the end, %d lost; %d delayed (more than %s)\n",
			m.MessagesArrived, m.MessagesAccepted, m.MessagesDeferred, m.MessagesDelivered, m.MessagesRedirected,
			m.MessagesQueued, m.MessagesLost, m.MessagesDelayed, scenarios.DelayThreshold)
		fmt.Fprintf(w, "queue depth peak %d; longest drain %s", m.QueueDepthPeak, secs(m.DrainTimeSeconds))
		if m.DrainsIncomplete > 0 {
			fmt.Fprintf(w, " (%s not finished: a lower bound)", count(m.DrainsIncomplete, "drain", "drains"))
		}
		fmt.Fprintln(w)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func secs(f float64) string {
	return time.Duration(f * float64(time.Second)).Round(time.Millisecond).String()
}
