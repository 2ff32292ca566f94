package scenarios

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// Simulate runs a world to its horizon and publishes every record to the
// observers, in order. It is the whole engine/model wiring: the loop owns
// time, the world decides, and effects are applied here. It returns the
// number of events dispatched.
func Simulate(spec *model.Spec, limits sim.Limits, obs ...sim.Observer[model.Record]) (uint64, error) {
	return simulate(nil, spec, limits, obs...)
}

// reuse is what a goroutine that runs one small simulation after another
// (a check worker) keeps from run to run: the compiler, the machine, the
// loop and the invariant set, whose storage is still in its core's cache
// when the next run starts, instead of fresh heap for every case. With
// two workers and no idle core, every allocation's share of the
// collector's work lands on a worker: keeping these took a case from 44 KB
// to under 10 (BENCHMARKS.md, items 51, 56 and 57).
type reuse struct {
	machine model.Machine
	loop    *sim.Loop[model.Event]
	set     *invariantSet // reset between cases (invariants_reset.go)
	comp    *compiler     // renewed between cases (compiler.renew)
}

// compile compiles a generated case, into rs's compiler when there is one
// (the scenario is then valid until the next case).
func (rs *reuse) compile(f *File) (*Scenario, error) {
	if rs == nil {
		return Compile("generated", f)
	}
	if rs.comp == nil {
		rs.comp = newCompiler()
	}
	return compileWith(rs.comp, "generated", nil, f, nil)
}

// invariants returns an invariant set of invs ready for a run: rs's, reset,
// when rs has one of them; else a new one (kept in rs, if any).
func (rs *reuse) invariants(invs []Invariant) *invariantSet {
	switch {
	case rs == nil:
		return newInvariantSet(invs)
	case rs.set != nil && rs.set.reuses(invs):
		rs.set.reset()
	default:
		rs.set = newInvariantSet(invs)
	}
	return rs.set
}

// simulate is Simulate, reusing rs's machine and loop when rs is not nil.
func simulate(rs *reuse, spec *model.Spec, limits sim.Limits, obs ...sim.Observer[model.Record]) (uint64, error) {
	var (
		w    model.Machine
		loop *sim.Loop[model.Event]
		err  error
	)
	if rs == nil {
		w, err = model.NewMachine(spec)
		loop = sim.NewLoop[model.Event](spec.Until, limits)
	} else {
		w, err = model.NewMachineReusing(rs.machine, spec)
		rs.machine = w // nil after an error: the old one may be half rebuilt
		if rs.loop == nil {
			rs.loop = sim.NewLoop[model.Event](spec.Until, limits)
		} else {
			rs.loop.Reset(spec.Until, limits)
		}
		loop = rs.loop
	}
	if err != nil {
		return 0, err
	}
	var bus sim.Bus[model.Record]
	for _, o := range obs {
		bus.Subscribe(o)
	}
	apply := func(rd model.Ready) error {
		bus.PublishBatch(rd.Records)
		for _, t := range rd.Timers {
			if err := loop.Schedule(t.At, t.Event); err != nil {
				return err
			}
		}
		return nil
	}
	rd, err := w.Init()
	if err == nil {
		err = apply(rd)
	}
	if err == nil {
		err = loop.Run(func(at sim.Time, ev model.Event) error {
			rd, err := w.Step(at, ev)
			if aerr := apply(rd); err == nil {
				err = aerr
			}
			return err
		})
	}
	if err != nil {
		return loop.Events(), err
	}
	end := spec.Until
	if end == sim.Never {
		end = loop.Now()
	}
	return loop.Events(), apply(w.Finish(end))
}

// Options tune RunScenario.
type Options struct {
	Seed        *uint64                      // overrides the file's seed
	Invariants  []Invariant                  // nil: the whole catalogue
	Observers   []sim.Observer[model.Record] // extra observers (trace writer, …)
	KeepRecords bool                         // keep every record (reports); small runs only
	MaxSessions int                          // sessions kept in the summary (0: DefaultMaxSessions)
	Command     string                       // how to replay, for the summary ("maintsim run FILE")
	// Sequential runs every observer on the loop's goroutine. By default,
	// with more than one core, the invariants and the extra observers run
	// on goroutines of their own (sim.Pipe), overlapping the model; the
	// results are the same either way. Callers that already run many
	// simulations in parallel (sweep, check) gain nothing from it.
	Sequential bool
}

// DefaultMaxSessions bounds the per-session detail a summary keeps; counts
// and metrics stay exact beyond it.
const DefaultMaxSessions = 10_000

// Outcome is everything one run produced.
type Outcome struct {
	Summary *Summary
	Records []model.Record
	Catalog *Catalog
}

// Passed reports whether every invariant held (or was expected violated) and
// every expectation matched.
func (o *Outcome) Passed() bool { return o.Summary.Passed }

// RunScenario simulates a scenario with the invariants and summary online and
// judges its expectations.
func RunScenario(sc *Scenario, opt Options) (*Outcome, error) {
	spec := *sc.Spec
	if opt.Seed != nil {
		spec.Seed = *opt.Seed
	}
	invs := opt.Invariants
	if invs == nil {
		invs = Catalogue()
	}
	cat := &Catalog{}
	hash := NewTraceHash()
	set := newInvariantSet(invs)
	met := &metricsObserver{}
	met.reserve(&spec)
	max := opt.MaxSessions
	if max == 0 {
		max = DefaultMaxSessions
	}
	sum := newSummaryBuilder(cat, max, wantedSessions(sc.Expect))
	obs := []sim.Observer[model.Record]{sum} // sum feeds cat
	var pipes []*sim.Pipe[model.Record]
	// offload moves observers behind a pipe of their own (see Sequential).
	offload := func(o ...sim.Observer[model.Record]) []sim.Observer[model.Record] {
		if opt.Sequential || runtime.GOMAXPROCS(0) < 2 || len(o) == 0 {
			return o
		}
		p := sim.NewPipe(o...)
		pipes = append(pipes, p)
		return []sim.Observer[model.Record]{p}
	}
	closePipes := func() {
		for _, p := range pipes {
			p.Close()
		}
	}
	defer closePipes() // on an early return; Close is idempotent
	// The invariants, the metrics and the trace hash behind one pipe (one
	// copy of each record) about balance the model and the summary
	// (BENCHMARKS.md: since the checkers read task records only when they
	// judge them, the hash moved across; std 71 -> 70 ms, large 0.95 ->
	// 0.85 s).
	obs = append(obs, offload(set, met, hash)...)
	out := &Outcome{Catalog: cat}
	if opt.KeepRecords {
		obs = append(obs, sim.ObserverFunc[model.Record](func(r *model.Record) { out.Records = append(out.Records, *r) }))
	}
	var ex *exchangeObserver
	if spec.Exchange != nil {
		ex = newExchangeObserver(cat)
		obs = append(obs, ex)
	}
	obs = append(obs, offload(opt.Observers...)...)
	events, err := Simulate(&spec, sc.Limits, obs...)
	closePipes()
	if err != nil {
		if le, ok := errors.AsType[*sim.LimitError](err); ok {
			return nil, sc.limitError(le)
		}
		return nil, fmt.Errorf("%s: %w", sc.Path, err)
	}
	s := sum.finish()
	s.Scenario = spec.Name
	s.File = sc.Path
	s.Seed = spec.Seed
	s.TraceHash = hash.Sum()
	s.Events = hash.Records()
	s.Records = hash.Records()
	s.EngineEvents = events
	s.Start = sim.FormatRFC3339(spec.Start, 0)
	s.Until = sim.FormatRFC3339(spec.Start, spec.Until)
	s.Invariants = set.results()
	s.Metrics = met.Finish()
	if ex != nil {
		var em *ExchangeMetrics
		s.Exchange, em = ex.finish()
		s.Metrics.setExchange(em)
	}
	s.Replay = replayCommand(opt.Command, sc.Path, spec.Seed)
	s.Expectations = evaluate(sc, s)
	s.fillLists()
	s.Passed = judge(s)
	out.Summary = s
	return out, nil
}

func replayCommand(cmd, path string, seed uint64) string {
	if cmd == "" {
		cmd = "maintsim run"
	}
	if path == "" || path == BuiltinExampleName {
		return fmt.Sprintf("%s --seed %d", cmd, seed)
	}
	return fmt.Sprintf("%s %s --seed %d", cmd, ShellQuote(path), seed)
}

// ShellQuote quotes s for a POSIX shell, so that a printed replay command
// can be pasted whatever the path holds (spaces, quotes); plain paths are
// left as they are.
func ShellQuote(s string) string {
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// judge is the exit-code rule of `maintsim run`: every invariant holds unless
// an expectation says it is violated, and every expectation matched.
func judge(s *Summary) bool {
	expectedViolated := map[string]bool{}
	for _, e := range s.Expectations {
		if e.Violated != "" {
			expectedViolated[e.Violated] = true
		}
		if !e.Passed {
			return false
		}
	}
	for _, inv := range s.Invariants {
		if !inv.Holds && !expectedViolated[inv.ID] {
			return false
		}
	}
	return true
}

// BuiltinExampleName is the path shown for the embedded example.
const BuiltinExampleName = "(built-in example)"

// ReadFile is os.ReadFile; a variable so tests can count reads.
var ReadFile = os.ReadFile

// LimitInputError is a run stopped by one of its limits, placed in the
// scenario file like any bad input (FILE:LINE:COL, the line, a caret): at
// the limit in the file's limits: block, or, when the file leaves it at
// its default, at until (max_span) or at the file's first line. It
// unwraps to the *sim.LimitError.
type LimitInputError struct {
	InputError
	Limit *sim.LimitError
}

func (e *LimitInputError) Unwrap() error { return e.Limit }

func (sc *Scenario) limitError(le *sim.LimitError) error {
	msg := strings.TrimPrefix(le.Error(), "sim: ")
	pos := Pos{Line: 1, Col: 1}
	if _, loc, err := decode(sc.Path, sc.Source); err == nil && loc != nil {
		if n, p := loc.walk([]any{"limits", le.Limit}); n != nil {
			pos = p
		} else if n, p := loc.walk([]any{"until"}); n != nil && le.Limit == "max_span" {
			pos, msg = p, msg+"; the default max_span applies"
		} else if le.Limit == "max_events" {
			msg += "; the default max_events applies"
		}
	} else {
		return fmt.Errorf("%s: %w", sc.Path, le)
	}
	return &LimitInputError{InputError: InputError{Path: sc.Path, Source: sc.Source, Problems: []Problem{{Pos: pos, Msg: msg}}}, Limit: le}
}
