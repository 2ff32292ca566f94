package model_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// Data-driven model tests, in the style of cockroachdb/datadriven and raft's
// interaction tests. Each file in testdata/ holds cases:
//
//	# M3: tasks in process finish, later tasks fail     ← the spec's name
//	server cc-01 version=12 slots=8
//	tenant acme server=cc-01 client="vbr 12" max=1
//	job acme/nightly objects=3x20m at=+1h
//	at +1h30m enable_maintenance cc-01
//	----
//	+1h30m0s maintenance_enabled cc-01                  ← the expected outcome
//	acme/nightly#1 Failed +1h0m0s..+1h40m0s attempts=1 "Service provider …"
//	  vm1 Success rp +1h20m0s
//	  …
//
// A blank line ends a case. `go test ./model/ -args -rewrite-model`
// rewrites every expected block from the current model; review the diff.
var rewriteModel = flag.Bool("rewrite-model", false, "rewrite model/testdata/*.txt expected outcomes from the current model")

type scriptCase struct {
	name   string
	line   int
	header []string // comment lines
	input  []string
	want   string
}

func parseScript(path string) []*scriptCase {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	var cases []*scriptCase
	var cur *scriptCase
	inWant := false
	var want []string
	for i, ln := range strings.Split(string(data), "\n") {
		switch {
		case strings.TrimSpace(ln) == "":
			if cur != nil {
				cur.want = strings.Join(want, "\n")
				cases = append(cases, cur)
			}
			cur, inWant, want = nil, false, nil
		case cur == nil || (!inWant && strings.HasPrefix(ln, "#")):
			if cur == nil {
				cur = &scriptCase{line: i + 1}
			}
			cur.header = append(cur.header, ln)
			if cur.name == "" && strings.HasPrefix(ln, "#") {
				cur.name = strings.TrimSpace(strings.TrimPrefix(ln, "#"))
			}
			if !strings.HasPrefix(ln, "#") {
				cur.header = cur.header[:len(cur.header)-1]
				cur.input = append(cur.input, ln)
			}
		case ln == "----":
			inWant = true
		case inWant:
			want = append(want, ln)
		default:
			cur.input = append(cur.input, ln)
		}
	}
	if cur != nil {
		cur.want = strings.Join(want, "\n")
		cases = append(cases, cur)
	}
	return cases
}

func writeScript(path string, cases []*scriptCase) {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, l := range c.header {
			b.WriteString(l + "\n")
		}
		for _, l := range c.input {
			b.WriteString(l + "\n")
		}
		b.WriteString("----\n")
		if c.want != "" {
			b.WriteString(c.want + "\n")
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		panic(err)
	}
}

// fields splits a line on spaces, keeping "quoted strings" whole (quotes removed).
func fields(ln string) []string {
	var out []string
	var cur strings.Builder
	inQ, has := false, false
	for _, r := range ln {
		switch {
		case r == '"':
			inQ, has = !inQ, true
		case r == ' ' && !inQ:
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if has {
		out = append(out, cur.String())
	}
	return out
}

func kv(toks []string) (pos []string, opts map[string]string) {
	opts = map[string]string{}
	for _, t := range toks {
		if k, v, ok := strings.Cut(t, "="); ok {
			opts[k] = v
		} else {
			pos = append(pos, t)
		}
	}
	return
}

func simTime(s string) sim.Time {
	d, err := time.ParseDuration(strings.TrimPrefix(s, "+"))
	if err != nil {
		panic(fmt.Sprintf("bad time %q", s))
	}
	return sim.Time(d)
}

func parseBytes(s string) float64 {
	units := map[string]float64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
	for u, f := range units {
		if n, ok := strings.CutSuffix(s, u); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil {
				panic(err)
			}
			return v * f
		}
	}
	panic(fmt.Sprintf("bad size %q", s))
}

func parseBps(s string) int64 {
	units := map[string]float64{"Kbit": 1e3, "Mbit": 1e6, "Gbit": 1e9}
	for u, f := range units {
		if n, ok := strings.CutSuffix(s, u); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil {
				panic(err)
			}
			return int64(v * f)
		}
	}
	panic(fmt.Sprintf("bad bandwidth %q", s))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// buildScript turns a case's input lines into a Spec.
func buildScript(lines []string) *model.Spec {
	sp := &model.Spec{Name: "script", Seed: 1, Start: t0, Until: h(24), Semantics: model.DefaultSemantics()}
	servers, tenants, jobs := map[string]int32{}, map[string]int32{}, map[string]int32{}
	for _, ln := range lines {
		toks := fields(ln)
		pos, o := kv(toks[1:])
		switch toks[0] {
		case "until":
			sp.Until = simTime(pos[0])
		case "semantics":
			if v, ok := o["replication"]; ok {
				sp.Semantics.ReplicationInMaintenance = must(model.ParseKnob(v))
			}
			if v, ok := o["vcd"]; ok {
				sp.Semantics.VCDBackupInMaintenance = must(model.ParseKnob(v))
			}
			if v, ok := o["graceful"]; ok {
				sp.Semantics.GracefulStopResult = must(model.ParseResult(v))
			}
		case "server":
			s := model.ServerSpec{Name: pos[0], Version: model.MustVersion("12"), MaintenanceMessage: o["message"]}
			if v, ok := o["version"]; ok {
				s.Version = model.MustVersion(v)
			}
			if v, ok := o["slots"]; ok {
				s.TaskSlots = int32(must(strconv.Atoi(v)))
			}
			if v, ok := o["bw"]; ok {
				s.BandwidthBps = parseBps(v)
			}
			for _, p := range pos[1:] {
				switch p {
				case "maintenance":
					s.Maintenance = true
				case "stopped":
					s.ServiceStopped = true
				case "off":
					s.PoweredOff = true
				default:
					panic("server: unknown flag " + p)
				}
			}
			servers[s.Name] = int32(len(sp.Servers))
			sp.Servers = append(sp.Servers, s)
		case "tenant":
			t := model.TenantSpec{Name: pos[0], Server: servers[o["server"]], Client: client("vbr 12")}
			if v, ok := o["client"]; ok {
				t.Client = client(v)
			}
			if v, ok := o["max"]; ok {
				t.MaxTasks = int32(must(strconv.Atoi(v)))
			}
			if v, ok := o["bw"]; ok {
				t.BandwidthBps = parseBps(v)
			}
			t.Disabled = len(pos) > 1 && pos[1] == "disabled"
			tenants[t.Name] = int32(len(sp.Tenants))
			sp.Tenants = append(sp.Tenants, t)
		case "job":
			tn, name, _ := strings.Cut(pos[0], "/")
			j := model.JobSpec{Name: name, Tenant: tenants[tn], Kind: model.KindBackup, Platform: model.PlatformVSphere,
				Target: model.TargetCloudRepository, Schedule: manual}
			if v, ok := o["kind"]; ok {
				j.Kind = must(model.ParseJobKind(v))
			}
			if v, ok := o["platform"]; ok {
				j.Platform = must(model.ParsePlatform(v))
			}
			if v, ok := o["by"]; ok {
				j.ManagedBy = must(model.ParseManagedBy(v))
			}
			if v, ok := o["target"]; ok {
				j.Target = must(model.ParseTarget(v))
			}
			// objects=3x20m (fixed durations) or objects=2x1GiB (bandwidth
			// model); several groups separated by commas.
			for _, grp := range strings.Split(o["objects"], ",") {
				n, what, _ := strings.Cut(grp, "x")
				for range must(strconv.Atoi(n)) {
					ob := model.ObjectSpec{Name: fmt.Sprintf("vm%d", len(j.Objects)+1), SizeBytes: sim.Const(1 << 30)}
					if strings.HasSuffix(what, "B") {
						ob.SizeBytes = sim.Const(parseBytes(what))
					} else {
						ob.Duration = sim.Const(float64(must(time.ParseDuration(what))))
					}
					j.Objects = append(j.Objects, ob)
				}
			}
			if v, ok := o["at"]; ok {
				j.Schedule = once(simTime(v))
			}
			if v, ok := o["every"]; ok {
				j.Schedule = model.Schedule{Kind: model.SchedulePeriodic, First: simTime(o["first"]), Every: time.Duration(simTime(v))}
			}
			if v, ok := o["retry"]; ok {
				c, wait, _ := strings.Cut(v, "/")
				j.Retry = model.Retry{Count: int32(must(strconv.Atoi(c))), Wait: time.Duration(simTime(wait))}
			}
			jobs[pos[0]] = int32(len(sp.Jobs))
			sp.Jobs = append(sp.Jobs, j)
		case "at":
			a := model.Action{At: simTime(pos[0]), Do: must(model.ParseActionKind(pos[1]))}
			switch a.Do {
			case model.ActStopJob, model.ActStartJob:
				a.Job = jobs[pos[2]]
				if a.Do == model.ActStopJob {
					a.Mode = must(model.ParseStopMode(pos[3]))
				}
			case model.ActDisableTenant, model.ActEnableTenant, model.ActMoveBackups:
				a.Tenant = tenants[pos[2]]
			default:
				a.Server = servers[pos[2]]
				if a.Do == model.ActSetMaintenanceMessage && len(pos) > 3 {
					a.Text = pos[3]
				}
			}
			sp.Actions = append(sp.Actions, a)
		default:
			panic("unknown directive " + toks[0])
		}
	}
	return sp
}

// renderScript is the outcome a case compares: operator-visible server and
// tenant records in time order, then every session with its tasks.
func renderScript(sp *model.Spec, recs []model.Record) string {
	var b strings.Builder
	for _, r := range recs {
		switch r.Kind {
		case model.RecMaintenanceEnabled, model.RecMaintenanceDisabled, model.RecMaintenanceUnchanged, model.RecMaintenanceRejected,
			model.RecServiceStarted, model.RecServiceStopped, model.RecPowerOff, model.RecPowerOn, model.RecMessageConfigured:
			fmt.Fprintf(&b, "%s %s %s", r.At, r.Kind, sp.Servers[r.Server].Name)
		case model.RecTenantDisabled, model.RecTenantEnabled, model.RecBackupMoved:
			fmt.Fprintf(&b, "%s %s %s", r.At, r.Kind, sp.Tenants[r.Tenant].Name)
		case model.RecActionRejected:
			fmt.Fprintf(&b, "%s %s", r.At, r.Kind)
		default:
			continue
		}
		if r.Text != "" {
			fmt.Fprintf(&b, " %q", r.Text)
		}
		b.WriteString("\n")
	}
	tr := &trace{spec: sp, recs: recs}
	for _, r := range recs {
		if r.Kind != model.RecSessionStart {
			continue
		}
		j := sp.Jobs[r.Job]
		s := tr.sessionOf(r.Job, r.N)
		if s.Ends == 0 {
			fmt.Fprintf(&b, "%s/%s#%d running since %s attempts=%d", sp.Tenants[j.Tenant].Name, j.Name, r.N, s.Start, s.Attempts)
		} else {
			fmt.Fprintf(&b, "%s/%s#%d %s %s..%s attempts=%d", sp.Tenants[j.Tenant].Name, j.Name, r.N, s.Result, s.Start, s.End, s.Attempts)
		}
		if s.Flags.Has(model.FlagLate) {
			b.WriteString(" late")
		}
		if s.Text != "" {
			fmt.Fprintf(&b, " %q", s.Text)
		}
		b.WriteString("\n")
		for _, t := range s.Tasks {
			fmt.Fprintf(&b, "  %s", t.Object)
			if t.Attempt > 1 {
				fmt.Fprintf(&b, " (attempt %d)", t.Attempt)
			}
			fmt.Fprintf(&b, " %s", t.Result)
			if t.Cause != model.CauseNone {
				fmt.Fprintf(&b, " %s", t.Cause)
			}
			if t.Result != model.ResultSuccess {
				fmt.Fprintf(&b, " in=%s", t.Phase)
			}
			if t.Flags.Has(model.FlagRestorePoint) {
				b.WriteString(" rp")
			}
			fmt.Fprintf(&b, " %s\n", t.At)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

var _ = Describe("Data-driven model scripts (testdata/*.txt)", func() {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		panic(fmt.Sprintf("no model scripts: %v", err))
	}
	for _, path := range files {
		cases := parseScript(path)
		Describe(filepath.Base(path), Ordered, func() {
			for _, c := range cases {
				It(c.name, func() {
					sp := buildScript(c.input)
					recs, err := run(sp)
					Expect(err).NotTo(HaveOccurred())
					got := renderScript(sp, recs)
					if *rewriteModel {
						c.want = got
						return
					}
					Expect(got).To(Equal(c.want), "%s:%d (rerun with -args -rewrite-model to accept)", path, c.line)
				})
			}
			AfterAll(func() {
				if *rewriteModel {
					writeScript(path, cases)
				}
			})
		})
	}
})
