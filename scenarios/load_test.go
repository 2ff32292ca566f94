package scenarios_test

import (
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/goccy/go-yaml"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/sim"
)

// Goldens: go test ./scenarios -update-errors rewrites testdata/bad/*.err,
// -update-schema rewrites scenario.schema.json. Commit only what you have
// read: a golden is the message a user will see.
var (
	updateErrors = flag.Bool("update-errors", false, "rewrite scenarios/testdata/bad/*.err from the loader's output")
	updateSchema = flag.Bool("update-schema", false, "rewrite scenarios/scenario.schema.json from Schema()")
)

func examplePaths() []string {
	paths, err := filepath.Glob("examples/*.yaml")
	Expect(err).NotTo(HaveOccurred())
	Expect(len(paths)).To(BeNumerically(">=", 6))
	return paths
}

// withoutPos drops what legitimately changes when a file is reprinted.
func withoutPos(sc *scenarios.Scenario) *scenarios.Scenario {
	c := *sc
	c.Path, c.Source = "", nil
	c.Expect = append([]scenarios.Expectation(nil), sc.Expect...)
	for i := range c.Expect {
		c.Expect[i].Pos = scenarios.Pos{}
	}
	return &c
}

func inputError(err error) *scenarios.InputError {
	var ie *scenarios.InputError
	ExpectWithOffset(1, errors.As(err, &ie)).To(BeTrue(), "want *InputError, got %T: %v", err, err)
	return ie
}

var _ = Describe("scenario files: examples", func() {
	It("load, and every expectation in them holds when run", func() {
		for _, p := range examplePaths() {
			sc, err := scenarios.Load(p)
			Expect(err).NotTo(HaveOccurred(), p)
			out, err := scenarios.RunScenario(sc, scenarios.Options{})
			Expect(err).NotTo(HaveOccurred(), p)
			for _, e := range out.Summary.Expectations {
				Expect(e.Diffs).To(BeEmpty(), "%s:%d %s", p, e.Line, e.Name)
			}
			Expect(out.Passed()).To(BeTrue(), p)
		}
	})

	It("start with a comment naming the rules they show", func() {
		for _, p := range examplePaths() {
			b, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(HavePrefix("# "), p)
			Expect(string(b)).To(ContainSubstring("Rules shown:"), p)
		}
	})

	It("round-trip: Parse → Marshal → Parse gives the same Spec and expectations", func() {
		for _, p := range examplePaths() {
			data, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			first, err := scenarios.Parse(p, data)
			Expect(err).NotTo(HaveOccurred(), p)
			f, err := scenarios.DecodeFile(p, data)
			Expect(err).NotTo(HaveOccurred(), p)
			out, err := scenarios.Marshal(f)
			Expect(err).NotTo(HaveOccurred(), p)
			second, err := scenarios.Parse(p, out)
			Expect(err).NotTo(HaveOccurred(), "%s reprinted:\n%s", p, out)
			Expect(withoutPos(second)).To(Equal(withoutPos(first)), "%s reprinted:\n%s", p, out)
			g, err := scenarios.DecodeFile(p, out)
			Expect(err).NotTo(HaveOccurred())
			Expect(g).To(Equal(f), p)
		}
	})

	It("decode the same with goccy/go-yaml's strict decoder", func() {
		for _, p := range examplePaths() {
			data, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			f, err := scenarios.DecodeFile(p, data)
			Expect(err).NotTo(HaveOccurred())
			var g scenarios.File
			Expect(yaml.UnmarshalWithOptions(data, &g, yaml.Strict())).To(Succeed(), p)
			Expect(&g).To(Equal(f), p)
		}
	})
})

var _ = Describe("scenario files: bad input", func() {
	paths, _ := filepath.Glob("testdata/bad/*.yaml")

	It("has a case per kind of mistake", func() {
		Expect(len(paths)).To(BeNumerically(">=", 11))
	})

	for _, p := range paths {
		It("reports "+filepath.Base(p)+" exactly as its golden says", func() {
			_, err := scenarios.Load(p)
			Expect(err).To(HaveOccurred())
			ie := inputError(err)
			Expect(ie.Problems).NotTo(BeEmpty())
			golden := strings.TrimSuffix(p, ".yaml") + ".err"
			got := err.Error() + "\n"
			if *updateErrors {
				Expect(os.WriteFile(golden, []byte(got), 0o644)).To(Succeed())
			}
			want, err := os.ReadFile(golden)
			Expect(err).NotTo(HaveOccurred(), "missing golden; run go test ./scenarios -update-errors")
			Expect(got).To(Equal(string(want)))
		})
	}

	It("collects every validation problem in one pass", func() {
		_, err := scenarios.Load("testdata/bad/bad-expect.yaml")
		Expect(len(inputError(err).Problems)).To(BeNumerically(">=", 6))
	})

	It("points an unknown field at the field, all of them, in file order", func() {
		_, err := scenarios.Load("testdata/bad/unknown-field.yaml")
		ie := inputError(err)
		Expect(ie.Problems).To(HaveLen(2))
		Expect(ie.Problems[0].Pos).To(Equal(scenarios.Pos{Line: 5, Col: 5}))
		Expect(ie.Problems[0].Msg).To(HavePrefix(`unknown field "slots" in a server`))
		Expect(ie.Problems[1].Pos).To(Equal(scenarios.Pos{Line: 6, Col: 5}))
	})

	It("points a bad value inside a distribution at that value", func() {
		_, err := scenarios.Load("testdata/bad/bad-duration-in-distribution.yaml")
		ie := inputError(err)
		Expect(ie.Problems).To(HaveLen(1))
		Expect(ie.Problems[0].Pos).To(Equal(scenarios.Pos{Line: 11, Col: 81}))
	})

	It("reports an unreadable file as bad input", func() {
		_, err := scenarios.Load("testdata/bad/no-such-file.yaml")
		Expect(inputError(err).Problems[0].Msg).To(ContainSubstring("cannot read the scenario file"))
	})

	It("rejects an empty file and a second YAML document", func() {
		_, err := scenarios.Parse("x.yaml", []byte("\n# nothing\n"))
		Expect(err).To(MatchError(ContainSubstring("x.yaml: ")))
		_, err = scenarios.Parse("x.yaml", []byte("name: a\n---\nname: b\n"))
		Expect(err).To(MatchError(ContainSubstring("one YAML document")))
	})

	It("refuses [ and { nested beyond 64 at the first too deep, before parsing (the parser's time explodes with depth)", func() {
		deep := "name: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"
		ie := inputError(func() error { _, err := scenarios.Parse("x.yaml", []byte(deep)); return err }())
		Expect(ie.Problems).To(HaveLen(1))
		Expect(ie.Problems[0].Msg).To(Equal("[ and { nested more than 64 deep"))
		Expect(ie.Problems[0].Pos).To(Equal(scenarios.Pos{Line: 1, Col: 7 + 64}))
		Expect(ie.Error()).To(ContainSubstring("…"), "the long line is shown around the caret")
		// Brackets in quotes, comments and an apostrophe do not count.
		quoted := "name: \"" + strings.Repeat("[", 100) + "\" # " + strings.Repeat("{", 100) + "\n" +
			"seed: 1 # it's " + strings.Repeat("[", 100) + "\n"
		_, err := scenarios.Parse("y.yaml", []byte(quoted))
		Expect(err).NotTo(HaveOccurred())
	})

	It("never panics on mangled files, and reports positions inside them", func() {
		var sources [][]byte
		for _, p := range examplePaths() {
			b, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			sources = append(sources, b)
		}
		junk := []string{"", " ", "\t", "\n", ":", "-", "{", "}", "[", "]", ",", "#", "&a", "*a", "!!str ", "<<: ", "? ", "|", ">", "\"", "'", "0", "-1", "1e400", "99999999999999999999", "null", "~", "true"}
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			src := []byte(string(rapid.SampledFrom(sources).Draw(t, "file")))
			for range rapid.IntRange(1, 4).Draw(t, "edits") {
				i := rapid.IntRange(0, len(src)).Draw(t, "at")
				j := min(len(src), i+rapid.IntRange(0, 8).Draw(t, "cut"))
				src = append(src[:i:i], append([]byte(rapid.SampledFrom(junk).Draw(t, "junk")), src[j:]...)...)
			}
			_, err := scenarios.Parse("mangled.yaml", src)
			if err == nil {
				return
			}
			var ie *scenarios.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("not an *InputError: %T %v", err, err)
			}
			lines := strings.Count(string(src), "\n") + 1
			for _, p := range ie.Problems {
				if p.Pos.Line > lines || p.Pos.Line < 0 {
					t.Fatalf("position %v beyond the file (%d lines): %s", p.Pos, lines, p.Msg)
				}
			}
		})
	})

	It("stops an alias bomb", func() {
		var b strings.Builder
		b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
		for i := 1; i < 9; i++ {
			b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
			for k := 0; k < 10; k++ {
				if k > 0 {
					b.WriteString(", ")
				}
				b.WriteString("*a" + string(rune('0'+i-1)))
			}
			b.WriteString("]\n")
		}
		_, err := scenarios.Parse("bomb.yaml", []byte(b.String()))
		Expect(err).To(HaveOccurred())
	})
})

// minimal is a valid File built in Go.
func minimal() *scenarios.File {
	return &scenarios.File{
		Name:    "minimal",
		Start:   time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC),
		Until:   scenarios.After(12 * time.Hour),
		Servers: []scenarios.Server{{Name: "cc-01", Version: "12"}},
		Tenants: []scenarios.Tenant{{Name: "acme", Server: "cc-01", Client: "vbr 12", Jobs: []scenarios.Job{{
			Name: "nightly", Kind: "backup",
			Objects: scenarios.Objects{Items: []scenarios.Object{
				{Name: "vm1", Size: scenarios.ConstSize(40 * scenarios.GiB)},
				{Name: "vm2", Size: scenarios.ConstSize(80 * scenarios.GiB), Duration: scenarios.ConstDuration(25 * time.Minute)},
			}},
			Schedule: &scenarios.Schedule{Daily: "22:00"},
		}}}},
	}
}

var _ = Describe("scenario files: compiling", func() {
	It("applies the documented defaults", func() {
		sc, err := scenarios.Parse("defaults.yaml", []byte(`
servers: [{name: s, version: 12}]
tenants:
  - name: a
    server: s
    client: vbr 12
    jobs:
      - {name: b, kind: agent_backup, objects: [{name: pc1, size: 1GiB}]}
      - {name: r, kind: replication, objects: [{name: vm1, duration: 5m}]}
`))
		Expect(err).NotTo(HaveOccurred())
		sp := sc.Spec
		Expect(sp.Name).To(Equal("defaults"))
		Expect(sp.Seed).To(Equal(uint64(1)))
		Expect(sp.Start).To(Equal(scenarios.DefaultStart))
		Expect(sp.Until).To(Equal(sim.Time(24 * time.Hour)))
		Expect(sp.Semantics).To(Equal(model.DefaultSemantics()))
		Expect(sp.Servers[0].Version).To(Equal(model.MustVersion("12")))
		Expect(sp.Jobs[0].Platform).To(Equal(model.PlatformAgent))
		Expect(sp.Jobs[0].ManagedBy).To(Equal(model.ManagedByVBR))
		Expect(sp.Jobs[0].Target).To(Equal(model.TargetCloudRepository))
		Expect(sp.Jobs[0].Schedule.Kind).To(Equal(model.ScheduleManual))
		Expect(sp.Jobs[1].Platform).To(Equal(model.PlatformVSphere))
		Expect(sp.Jobs[1].Target).To(Equal(model.TargetCloudHost))
		Expect(sc.Limits).To(Equal(sim.Limits{}))
	})

	It("expands fleets in place, with padded names and shared objects", func() {
		f := minimal()
		f.Tenants = append(f.Tenants, scenarios.Tenant{Name: "t", Count: new(12345), Server: "cc-01", Client: "vbr 12",
			Jobs: []scenarios.Job{{Name: "daily", Kind: "backup",
				Objects: scenarios.Objects{Set: &scenarios.ObjectSet{Count: 3, Size: scenarios.ConstSize(scenarios.GiB)}}}}})
		f.Tenants = append(f.Tenants, scenarios.Tenant{Name: "z", Server: "cc-01", Client: "vbr 12"})
		sc, err := scenarios.Compile("fleet", f)
		Expect(err).NotTo(HaveOccurred())
		sp := sc.Spec
		Expect(sp.Tenants).To(HaveLen(1 + 12345 + 1))
		Expect(sp.Tenants[1].Name).To(Equal("t-00001"))
		Expect(sp.Tenants[12345].Name).To(Equal("t-12345"))
		Expect(sp.Tenants[12346].Name).To(Equal("z"))
		Expect(sp.Jobs).To(HaveLen(1 + 12345))
		Expect(sp.Jobs[12345].Tenant).To(Equal(int32(12345)))
		Expect(sp.Jobs[1].Objects[2].Name).To(Equal("vm3"))
		Expect(&sp.Jobs[1].Objects[0]).To(BeIdenticalTo(&sp.Jobs[2].Objects[0]))

		f.Tenants[1].Count = new(3)
		sc, err = scenarios.Compile("fleet", f)
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Spec.Tenants[1].Name).To(Equal("t-0001"))
	})

	It("compiles schedules into model schedules", func() {
		f := minimal() // start 20:00 UTC
		sched := func(s scenarios.Schedule) model.Schedule {
			f.Tenants[0].Jobs[0].Schedule = &s
			sc, err := scenarios.Compile("s", f)
			Expect(err).NotTo(HaveOccurred())
			return sc.Spec.Jobs[0].Schedule
		}
		Expect(sched(scenarios.Schedule{Daily: "22:00"})).To(Equal(model.Schedule{Kind: model.SchedulePeriodic, First: sim.Time(2 * time.Hour), Every: 24 * time.Hour}))
		Expect(sched(scenarios.Schedule{Daily: "20:00"}).First).To(Equal(sim.Time(0)))
		Expect(sched(scenarios.Schedule{Daily: "19:59"}).First).To(Equal(sim.Time(23*time.Hour + 59*time.Minute)))
		Expect(sched(scenarios.Schedule{Daily: "00:00", Jitter: scenarios.UniformDuration(0, 8*time.Hour)}).Jitter).
			To(Equal(sim.Dist{Kind: sim.DistUniform, A: 0, B: float64(8 * time.Hour)}))
		Expect(sched(scenarios.Schedule{At: scenarios.After(2 * time.Hour)})).To(Equal(model.Schedule{Kind: model.ScheduleOnce, First: sim.Time(2 * time.Hour)}))
		Expect(sched(scenarios.Schedule{At: scenarios.AtTime(time.Date(2026, 11, 2, 21, 0, 0, 0, time.UTC))}).First).To(Equal(sim.Time(time.Hour)))
		Expect(sched(scenarios.Schedule{Every: new(scenarios.D(4 * time.Hour))})).To(Equal(model.Schedule{Kind: model.SchedulePeriodic, Every: 4 * time.Hour}))
		Expect(sched(scenarios.Schedule{Every: new(scenarios.D(4 * time.Hour)), At: scenarios.After(time.Hour)}).First).To(Equal(sim.Time(time.Hour)))
		Expect(sched(scenarios.Schedule{Manual: true})).To(Equal(model.Schedule{Kind: model.ScheduleManual}))
	})

	It("keeps actions and task expectations in file order", func() {
		sc, err := scenarios.Load("examples/graceful-vs-immediate.yaml")
		Expect(err).NotTo(HaveOccurred())
		var tenants []int32
		for _, a := range sc.Spec.Actions {
			tenants = append(tenants, a.Tenant)
		}
		Expect(tenants).To(Equal([]int32{2, 3, 0, 1}))
		var objs []string
		for _, t := range sc.Expect[1].Tasks {
			objs = append(objs, t.Object)
		}
		Expect(objs).To(Equal([]string{"vm1", "vm2", "vm3", "vm4", "vm5", "vm6"}))
		Expect(sc.Expect[0].Pos.Line).To(BeNumerically(">", 0))
	})

	It("names fields by path when a File built in Go has no positions", func() {
		f := minimal()
		f.Tenants[0].Server = "cc-9"
		f.Tenants[0].Jobs[0].Objects.Items[1].Size = scenarios.SizeDist{Kind: sim.DistUniform, A: 5, B: 1}
		f.Actions = []scenarios.Action{{Do: "stop_job", Tenant: "acme", Job: "nightly"}}
		_, err := scenarios.Compile("built-in-go", f)
		ie := inputError(err)
		var msgs []string
		for _, p := range ie.Problems {
			Expect(p.Pos).To(Equal(scenarios.Pos{}))
			msgs = append(msgs, p.Msg)
		}
		Expect(msgs).To(ConsistOf(
			`tenants[0].server: no server is named "cc-9" (servers: cc-01)`,
			`tenants[0].jobs[0].objects[1].size: uniform [A, B] needs 0 ≤ A ≤ B`,
			`actions[0].at: required: when the action happens, as in +2h`,
			`actions[0].mode: required: stop_job needs mode: graceful or immediate`,
		))
		Expect(err.Error()).To(HavePrefix("built-in-go: tenants[0].server: "))
	})

	It("fills Limits from the limits block", func() {
		f := minimal()
		f.Limits = &scenarios.LimitsConfig{MaxEvents: new(uint64(1000)), MaxSpan: new(scenarios.D(48 * time.Hour))}
		sc, err := scenarios.Compile("l", f)
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Limits).To(Equal(sim.Limits{MaxEvents: 1000, MaxSpan: 48 * time.Hour}))
	})
})

var _ = Describe("scenario files: units", func() {
	DescribeTable("durations",
		func(in string, want time.Duration, out string) {
			d, err := scenarios.ParseDuration(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(d.Std()).To(Equal(want))
			Expect(d.String()).To(Equal(out))
		},
		Entry(nil, "0", time.Duration(0), "0s"),
		Entry(nil, "25m", 25*time.Minute, "25m"),
		Entry(nil, "1h30m", 90*time.Minute, "1h30m"),
		Entry(nil, "1.5h", 90*time.Minute, "1h30m"),
		Entry(nil, "30d", 720*time.Hour, "30d"),
		Entry(nil, "1d12h", 36*time.Hour, "1d12h"),
		Entry(nil, "90s", 90*time.Second, "1m30s"),
		Entry(nil, "250ms", 250*time.Millisecond, "250ms"),
		Entry(nil, "1h0.5s", time.Hour+500*time.Millisecond, "1h500ms"),
		Entry(nil, "2us", 2*time.Microsecond, "2us"),
	)

	DescribeTable("bad durations",
		func(in, msg string) {
			_, err := scenarios.ParseDuration(in)
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry(nil, "10", "has no unit"),
		Entry(nil, "-5m", "negative"),
		Entry(nil, "5x", "bad duration"),
		Entry(nil, "300000d", "too large"),
		Entry(nil, "", "empty"),
	)

	DescribeTable("sizes",
		func(in string, want scenarios.Size, out string) {
			z, err := scenarios.ParseSize(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(z).To(Equal(want))
			Expect(z.String()).To(Equal(out))
		},
		Entry(nil, "40GiB", 40*scenarios.GiB, "40GiB"),
		Entry(nil, "1.5TiB", 1536*scenarios.GiB, "1536GiB"),
		Entry(nil, "5MB", 5*scenarios.MB, "5MB"),
		Entry(nil, "512 B", scenarios.Size(512), "512B"),
		Entry(nil, "0", scenarios.Size(0), "0B"),
		Entry(nil, "2048KiB", 2*scenarios.MiB, "2MiB"),
	)

	DescribeTable("bad sizes",
		func(in, msg string) {
			_, err := scenarios.ParseSize(in)
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry(nil, "40", "has no unit"),
		Entry(nil, "40G", `unknown unit "G"`),
		Entry(nil, "-1GiB", "negative"),
		Entry(nil, "9000PiB", "too large"),
	)

	DescribeTable("bandwidths",
		func(in string, want scenarios.Bandwidth, out string) {
			b, err := scenarios.ParseBandwidth(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(b).To(Equal(want))
			Expect(b.String()).To(Equal(out))
		},
		Entry(nil, "10Gbit/s", 10*scenarios.GbitPerSec, "10Gbit/s"),
		Entry(nil, "200Mbit/s", 200*scenarios.MbitPerSec, "200Mbit/s"),
		Entry(nil, "100Mbps", 100*scenarios.MbitPerSec, "100Mbit/s"),
		Entry(nil, "1.5Gbit/s", 1500*scenarios.MbitPerSec, "1500Mbit/s"),
		Entry(nil, "9600bit/s", scenarios.Bandwidth(9600), "9600bit/s"),
		Entry(nil, "512kbit/s", 512*scenarios.KbitPerSec, "512Kbit/s"),
	)

	DescribeTable("bad bandwidths",
		func(in, msg string) {
			_, err := scenarios.ParseBandwidth(in)
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry(nil, "0bit/s", "zero"),
		Entry(nil, "0", "has no unit"),
		Entry(nil, "0.0001bit/s", "zero"),
		Entry(nil, "-1Gbit/s", "negative"),
		Entry(nil, "10", "has no unit"),
		Entry(nil, "10GB/s", "bad bandwidth"),
	)

	DescribeTable("times",
		func(in string, want scenarios.TimeSpec, out string) {
			t, err := scenarios.ParseTimeSpec(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(t).To(Equal(want))
			Expect(t.String()).To(Equal(out))
		},
		Entry(nil, "+2h30m", *scenarios.After(150 * time.Minute), "+2h30m"),
		Entry(nil, "+0s", *scenarios.After(0), "+0s"),
		Entry(nil, "2026-11-02T22:00:00Z", *scenarios.AtTime(time.Date(2026, 11, 2, 22, 0, 0, 0, time.UTC)), "2026-11-02T22:00:00Z"),
	)

	// The zero time.Time is also how a File says "no time given": written
	// in a file it must be refused, not run as the default start or as +0.
	// So is any instant whose nanoseconds since 1970 leave int64, where the
	// trace hash's start is undefined.
	It("refuses absolute times outside the int64-nanosecond range, the zero time included", func() {
		file := func(start, at string) string {
			return "start: " + start + "\nuntil: +1h\nservers: [{name: s, version: 12}]\n" +
				"actions: [{at: " + at + ", do: enable_maintenance, server: s}]\n"
		}
		_, err := scenarios.Parse("at.yaml", []byte(file("2026-11-02T20:00:00Z", "0001-01-01T00:00:00Z")))
		Expect(err).To(MatchError(ContainSubstring(`at.yaml:4:16: at: time "0001-01-01T00:00:00Z" is out of range`)))
		_, err = scenarios.Parse("at.yaml", []byte(file("2026-11-02T20:00:00Z", "0001-01-01T02:00:00+02:00")))
		Expect(err).To(MatchError(ContainSubstring(`is out of range`)))
		for _, start := range []string{"0001-01-01T00:00:00Z", "1677-09-21T00:12:43Z", "2262-04-12T00:00:00Z", "9999-12-31T23:59:59Z"} {
			_, err = scenarios.Parse("start.yaml", []byte(file(start, "+0")))
			Expect(err).To(MatchError(ContainSubstring(`start.yaml:1:8: start: time "`+start+`" is out of range`)), start)
		}
		_, err = scenarios.Compile("go", &scenarios.File{Start: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)})
		Expect(err).To(MatchError(ContainSubstring("start: time \"2300-01-01T00:00:00Z\" is out of range")))
		sc, err := scenarios.Parse("edge.yaml", []byte(file("1677-09-21T00:12:43.145224192Z", "+0")))
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Spec.Start.UnixNano()).To(Equal(int64(math.MinInt64)))
	})

	It("refuses a UTC offset RFC 3339 does not have (+24:00, +12:60), which Go's parser takes", func() {
		file := func(start string) []byte {
			return []byte("start: " + start + "\nuntil: +1h\nservers: [{name: s, version: 12}]\n" +
				"actions: [{at: " + start + ", do: enable_maintenance, server: s}]\n")
		}
		for _, bad := range []string{"2026-11-02T20:00:00+24:00", "2026-11-02T20:00:00-12:60"} {
			_, err := scenarios.Parse("tz.yaml", file(bad))
			Expect(err).To(MatchError(ContainSubstring(`tz.yaml:1:8: start: time "`+bad+`" has the UTC offset`)), bad)
			Expect(err).To(MatchError(ContainSubstring(`tz.yaml:4:16: at: time "`+bad+`" has the UTC offset`)), bad)
		}
		sc, err := scenarios.Parse("tz.yaml", file("2026-11-02T20:00:00+23:59"))
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Spec.Start).To(BeTemporally("==", time.Date(2026, 11, 1, 20, 1, 0, 0, time.UTC)))
	})

	It("prints every duration, size and bandwidth so that it parses back", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			d := scenarios.Duration(rapid.Int64Range(0, 1<<62).Draw(t, "ns"))
			if got, err := scenarios.ParseDuration(d.String()); err != nil || got != d {
				t.Fatalf("duration %d printed %q parsed %d, %v", int64(d), d.String(), int64(got), err)
			}
			z := scenarios.Size(rapid.Int64Range(0, 1<<62).Draw(t, "bytes"))
			if got, err := scenarios.ParseSize(z.String()); err != nil || got != z {
				t.Fatalf("size %d printed %q parsed %d, %v", int64(z), z.String(), int64(got), err)
			}
			b := scenarios.Bandwidth(rapid.Int64Range(1, 1<<62).Draw(t, "bps")) // zero is refused: below
			if got, err := scenarios.ParseBandwidth(b.String()); err != nil || got != b {
				t.Fatalf("bandwidth %d printed %q parsed %d, %v", int64(b), b.String(), int64(got), err)
			}
		})
	})

	It("marshals any names and messages so that they decode back", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			str := rapid.StringOf(rapid.RuneFrom(nil, unicodeRanges()...))
			text := str.Draw(t, "text")
			f := minimal()
			f.Name = str.Draw(t, "name")
			f.Servers[0].MaintenanceMessage = str.Draw(t, "message")
			f.Tenants[0].Jobs[0].Objects.Items[0].Name = str.Draw(t, "object")
			f.Actions = []scenarios.Action{{At: scenarios.After(time.Hour), Do: "set_maintenance_message", Server: "cc-01", Text: &text}}
			f.Expect = []scenarios.Expect{{Session: "acme/nightly#1", Tasks: scenarios.TaskResults{{Object: str.Draw(t, "task"), Result: "Failed"}}}}
			out, err := scenarios.Marshal(f)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			g, err := scenarios.DecodeFile("rt.yaml", out)
			if err != nil {
				t.Fatalf("decode:\n%s\n%v", out, err)
			}
			if g.Name != f.Name || g.Servers[0].MaintenanceMessage != f.Servers[0].MaintenanceMessage ||
				*g.Actions[0].Text != text || g.Tenants[0].Jobs[0].Objects.Items[0].Name != f.Tenants[0].Jobs[0].Objects.Items[0].Name ||
				g.Expect[0].Tasks[0].Object != f.Expect[0].Tasks[0].Object {
				t.Fatalf("round trip changed a string:\n%s", out)
			}
		})
	})
})

// unicodeRanges mixes the characters that trip YAML printers: indicators,
// quotes, spaces, tabs and control characters, and non-ASCII letters.
func unicodeRanges() []*unicode.RangeTable {
	return []*unicode.RangeTable{unicode.ASCII_Hex_Digit, unicode.Latin, unicode.Punct, unicode.Symbol,
		unicode.White_Space, unicode.Cc, unicode.Han}
}

var _ = Describe("scenario files: JSON Schema", func() {
	It("matches the committed scenario.schema.json", func() {
		got, err := scenarios.Schema()
		Expect(err).NotTo(HaveOccurred())
		if *updateSchema {
			Expect(os.WriteFile("scenario.schema.json", got, 0o644)).To(Succeed())
		}
		want, err := os.ReadFile("scenario.schema.json")
		Expect(err).NotTo(HaveOccurred(), "run go test ./scenarios -update-schema")
		Expect(string(got)).To(Equal(string(want)), "the schema changed: run go test ./scenarios -update-schema and commit it")
	})

	It("lists every top-level field of the format", func() {
		got, err := scenarios.Schema()
		Expect(err).NotTo(HaveOccurred())
		for _, f := range []string{"name", "seed", "start", "until", "semantics", "servers", "tenants", "actions", "expect", "limits"} {
			Expect(string(got)).To(ContainSubstring(`"` + f + `"`))
		}
	})
})
