package scenarios

import (
	"strings"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// Summary is the summary JSON of CONTRACT.md.
type Summary struct {
	Scenario          string              `json:"scenario"`
	File              string              `json:"file"`
	Seed              uint64              `json:"seed"`
	TraceHash         string              `json:"trace_hash"`
	Events            uint64              `json:"events"`        // trace events (one a line of the trace), as verify counts them
	Records           uint64              `json:"records"`       // the same count, under its model name (kept for tools)
	EngineEvents      uint64              `json:"engine_events"` // events the engine's heap dispatched (internal work measure)
	Start             string              `json:"start"`
	Until             string              `json:"until"`
	Passed            bool                `json:"passed"`
	Replay            string              `json:"replay"`
	Sessions          []SessionSummary    `json:"sessions"`
	SessionsTruncated bool                `json:"sessions_truncated,omitempty"`
	Invariants        []InvariantResult   `json:"invariants"`
	Expectations      []ExpectationResult `json:"expectations"`
	Metrics           Metrics             `json:"metrics"`
	Notices           []string            `json:"notices"` // operator actions refused, no-ops (M1, M2, S5): "TIME KIND SUBJECT: TEXT", SUBJECT the job (TENANT/JOB), tenant or server
	// Exchange is the end state of an exchange profile run (nil otherwise).
	Exchange *ExchangeSummary `json:"exchange,omitempty"`
}

// SessionSummary is one session: TENANT/JOB#N.
type SessionSummary struct {
	ID       string        `json:"id"`
	Tenant   string        `json:"tenant"`
	Job      string        `json:"job"`
	Kind     string        `json:"kind"`
	Server   string        `json:"server"`
	Manual   bool          `json:"manual,omitempty"`
	StartNS  int64         `json:"start_ns"`
	Start    string        `json:"start"`
	EndNS    *int64        `json:"end_ns"`
	End      string        `json:"end,omitempty"`
	Result   string        `json:"result"` // "" while still running at the horizon
	Message  string        `json:"message"`
	Cause    string        `json:"cause,omitempty"`
	Attempts int32         `json:"attempts"`
	Tasks    []TaskSummary `json:"tasks"`
}

// TaskSummary is one object of a session: its last task's result, whether
// the session committed a restore point for it, and the bytes moved over all
// attempts' ended tasks. A task in process at the horizon has result ""
// and the attempt it runs in; an object never reached, attempt 0.
type TaskSummary struct {
	Object       string `json:"object"`
	Result       string `json:"result"`
	RestorePoint bool   `json:"restore_point"`
	Bytes        int64  `json:"bytes"`
	Cause        string `json:"cause,omitempty"`
	Attempt      int32  `json:"attempt"`
}

// liveSession locates a job's live session in the summary: a job has at
// most one session at a time, so a slice indexed by job replaces a map
// lookup on every task record.
type liveSession struct {
	n   int32 // session number; 0 when none is kept
	idx int32 // index in sessions
}

type summaryBuilder struct {
	cat      *Catalog
	max      int
	want     map[string]bool
	start    time.Time
	sessions []SessionSummary
	live     []liveSession
	nLive    int // sessions kept and not yet ended: none, and find need not look
	trunc    bool
	notices  []string
}

func newSummaryBuilder(cat *Catalog, max int, want map[string]bool) *summaryBuilder {
	return &summaryBuilder{cat: cat, max: max, want: want}
}

func wantedSessions(ex []Expectation) map[string]bool {
	m := map[string]bool{}
	for _, e := range ex {
		if e.Session != "" {
			m[e.Session] = true
		}
	}
	return m
}

// ObserveBatch implements sim.BatchObserver (see TraceHash.ObserveBatch).
// An observer that reads the builder's catalog must come after it: a
// BatchObserver too, subscribed later (RunScenario's exchange observer).
func (b *summaryBuilder) ObserveBatch(rs []model.Record) {
	for i := range rs {
		b.Observe(&rs[i])
	}
}

func (b *summaryBuilder) Observe(r *model.Record) {
	if r.Decl != nil {
		// The builder feeds its catalog the declarations (as the
		// invariant set does its own): one call less per record than a
		// catalog of its own on the bus, which reads only these.
		b.cat.Observe(r)
	}
	switch r.Kind {
	case model.RecScenario:
		b.start = r.Decl.Start
	case model.RecSessionStart:
		// Past the cap only sessions an expectation names are kept: build
		// a session's name only when it may be kept (a fleet run has
		// millions).
		if len(b.sessions) >= b.max && len(b.want) == 0 {
			b.trunc = true
			return
		}
		id := b.cat.SessionName(r.Job, r.N)
		if len(b.sessions) >= b.max && !b.want[id] {
			b.trunc = true
			return
		}
		d := b.cat.Jobs[r.Job]
		s := SessionSummary{ID: id, Tenant: b.cat.TenantName(r.Tenant), Job: d.Name, Kind: d.Kind.String(),
			Server: b.cat.ServerName(r.Server), Manual: r.Flags.Has(model.FlagManual),
			StartNS: int64(r.At), Start: sim.FormatRFC3339(b.start, r.At), Attempts: 1,
			Tasks: make([]TaskSummary, len(d.Objects))}
		for i, o := range d.Objects {
			s.Tasks[i] = TaskSummary{Object: o}
		}
		l := growAt(&b.live, r.Job)
		if l.n == 0 {
			b.nLive++
		}
		*l = liveSession{n: r.N, idx: int32(len(b.sessions))}
		b.sessions = append(b.sessions, s)
	case model.RecAttemptStart:
		if i, ok := b.find(r); ok {
			b.sessions[i].Attempts = r.Attempt
		}
	case model.RecTaskStart:
		// A task still in process at the horizon shows the attempt it runs
		// in (its result stays "", its bytes those of ended tasks).
		if i, ok := b.find(r); ok && r.Object >= 0 && int(r.Object) < len(b.sessions[i].Tasks) {
			b.sessions[i].Tasks[r.Object].Attempt = r.Attempt
		}
	case model.RecTaskEnd:
		if i, ok := b.find(r); ok && r.Object >= 0 && int(r.Object) < len(b.sessions[i].Tasks) {
			t := &b.sessions[i].Tasks[r.Object]
			t.Result = r.Result.String()
			t.Cause = r.Cause.String()
			t.Bytes += r.Bytes
			t.Attempt = r.Attempt
			if r.Flags.Has(model.FlagRestorePoint) {
				t.RestorePoint = true
			}
		}
	case model.RecSessionEnd:
		if i, ok := b.find(r); ok {
			s := &b.sessions[i]
			end := int64(r.At)
			s.EndNS, s.End = &end, sim.FormatRFC3339(b.start, r.At)
			s.Result, s.Message, s.Cause = r.Result.String(), r.Text, r.Cause.String()
			b.live[r.Job] = liveSession{}
			b.nLive--
		}
	case model.RecActionRejected, model.RecMaintenanceRejected, model.RecMaintenanceUnchanged:
		if len(b.notices) < 1000 {
			kind := r.Kind.String()
			if who := b.noticeSubject(r); who != "" {
				kind += " " + who
			}
			b.notices = append(b.notices, sim.FormatRFC3339(b.start, r.At)+" "+strings.TrimSpace(kind+": "+r.Text))
		}
	}
}

// noticeSubject names what a notice is about, so that a run with several
// servers, tenants or jobs says which one refused (M1), did nothing (M2) or
// was rejected (S5, …): the job as TENANT/JOB, else the tenant, else the
// server; "" when the record names none.
func (b *summaryBuilder) noticeSubject(r *model.Record) string {
	if r.Job >= 0 && r.Tenant >= 0 {
		if j := b.cat.JobName(r.Job); j != "" {
			return b.cat.TenantName(r.Tenant) + "/" + j
		}
	}
	if t := b.cat.TenantName(r.Tenant); t != "" {
		return t
	}
	return b.cat.ServerName(r.Server)
}

// find returns the index of the record's session if the summary keeps it.
func (b *summaryBuilder) find(r *model.Record) (int, bool) {
	if b.nLive == 0 || r.Job < 0 || int(r.Job) >= len(b.live) || r.N == 0 || b.live[r.Job].n != r.N {
		return 0, false
	}
	return int(b.live[r.Job].idx), true
}

// growAt returns a pointer to s[i], growing s as needed.
func growAt[T any](s *[]T, i int32) *T {
	for int(i) >= len(*s) {
		var zero T
		*s = append(*s, zero)
	}
	return &(*s)[i]
}

func (b *summaryBuilder) finish() *Summary {
	return &Summary{Sessions: b.sessions, SessionsTruncated: b.trunc, Notices: b.notices}
}

// fillLists makes every list of the summary a list in its JSON, [] when
// empty (docs/reports.md): a script reads inv["violations"] or
// metrics["windows"] without a special case for a run where nothing
// happened.
func (s *Summary) fillLists() {
	s.Sessions = nonNil(s.Sessions)
	for i := range s.Sessions {
		s.Sessions[i].Tasks = nonNil(s.Sessions[i].Tasks)
	}
	s.Invariants = nonNil(s.Invariants) // their violations: invariantSet.results
	s.Expectations = nonNil(s.Expectations)
	for i := range s.Expectations {
		s.Expectations[i].Diffs = nonNil(s.Expectations[i].Diffs)
	}
	s.Notices = nonNil(s.Notices)
	s.Metrics.fillLists()
}

// fillLists makes the metrics' empty lists [] in JSON, not null.
func (m *Metrics) fillLists() {
	m.Windows = nonNil(m.Windows)
	m.RPOViolators = nonNil(m.RPOViolators)
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// Session finds a session by ID.
func (s *Summary) Session(id string) *SessionSummary {
	for i := range s.Sessions {
		if s.Sessions[i].ID == id {
			return &s.Sessions[i]
		}
	}
	return nil
}
