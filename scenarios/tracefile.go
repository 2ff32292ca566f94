package scenarios

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// TraceWriter writes records as JSONL, one event a line, keys in a fixed
// order (docs/trace-format.md). Lines are built by appending to one buffer:
// encoding/json with reflection would dominate a fleet run.
type TraceWriter struct {
	w     *bufio.Writer
	cat   Catalog
	start time.Time
	buf   []byte
	err   error
}

// NewTraceWriter writes to w. Call Flush at the end.
func NewTraceWriter(w io.Writer) *TraceWriter {
	return &TraceWriter{w: bufio.NewWriterSize(w, 1<<16), buf: make([]byte, 0, 512)}
}

// Flush writes buffered lines and returns the first error seen.
func (t *TraceWriter) Flush() error {
	if err := t.w.Flush(); err != nil && t.err == nil {
		t.err = err
	}
	return t.err
}

// Observe implements sim.Observer.
func (t *TraceWriter) Observe(r *model.Record) {
	t.cat.Observe(r)
	if r.Kind == model.RecScenario && r.Decl != nil {
		t.start = r.Decl.Start
	}
	t.buf = AppendTraceLine(t.buf[:0], &t.cat, t.start, r)
	t.buf = append(t.buf, '\n')
	if _, err := t.w.Write(t.buf); err != nil && t.err == nil {
		t.err = err
	}
}

type jbuf []byte

func (b jbuf) key(k string) jbuf {
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"', ':')
}
func (b jbuf) str(k, v string) jbuf { return appendJSONString(b.key(k), v) }
func (b jbuf) num(k string, v int64) jbuf {
	return strconv.AppendInt(b.key(k), v, 10)
}
func (b jbuf) boolean(k string, v bool) jbuf { return strconv.AppendBool(b.key(k), v) }

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	return append(appendJSONChars(append(b, '"'), s), '"')
}

// appendJSONChars appends s as the inside of a JSON string.
// strconv.AppendQuote is Go syntax, not JSON: it writes \x01, \a, \v and
// \x7f, which no JSON reader accepts. Escaped here are what JSON requires (", \ and the control characters below U+0020) and U+2028,
// U+2029 (as encoding/json does); invalid UTF-8 becomes U+FFFD.
func appendJSONChars(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for j := 0; j < len(s); {
		c := s[j]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				j++
				continue
			}
			b = append(b, s[start:j]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			j++
			start = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:j]...)
			b = append(b, `\ufffd`...)
			j += size
			start = j
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:j]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			j += size
			start = j
			continue
		}
		j += size
	}
	return append(b, s[start:]...)
}

// AppendTraceLine appends r as one JSON object (no newline).
func AppendTraceLine(dst []byte, c *Catalog, start time.Time, r *model.Record) []byte {
	b := jbuf(append(dst, '{'))
	b = b.num("t", int64(r.At))
	b = b.str("time", sim.FormatRFC3339(start, r.At))
	b = b.str("ev", r.Kind.String())
	if d := r.Decl; d != nil {
		return append(appendDecl(b, c, r), '}')
	}
	if r.Server >= 0 {
		b = b.str("server", c.ServerName(r.Server))
	}
	if r.Tenant >= 0 {
		b = b.str("tenant", c.TenantName(r.Tenant))
	}
	if r.Job >= 0 {
		b = b.str("job", c.JobName(r.Job))
	}
	if r.Job >= 0 && r.N > 0 {
		// TENANT/JOB#N (Catalog.AppendSessionName), escaped: names may
		// hold quotes and backslashes.
		b = append(b.key("session"), '"')
		b = appendJSONChars(b, c.TenantName(c.JobTenant[r.Job]))
		b = append(b, '/')
		b = appendJSONChars(b, c.JobName(r.Job))
		b = append(b, '#')
		b = strconv.AppendInt(b, int64(r.N), 10)
		b = append(b, '"')
		b = b.num("attempt", int64(r.Attempt))
	}
	if r.Object >= 0 {
		b = b.str("object", c.ObjectName(r.Job, r.Object))
	}
	switch r.Kind {
	case model.RecTaskStart, model.RecTaskPhase, model.RecTaskPlan, model.RecTaskEnd:
		b = b.str("phase", r.Phase.String())
	}
	if r.Result != model.ResultNone {
		b = b.str("result", r.Result.String())
	}
	if r.Cause != model.CauseNone {
		b = b.str("cause", r.Cause.String())
	}
	if r.Mode != model.StopNone {
		b = b.str("mode", r.Mode.String())
	}
	switch r.Kind {
	case model.RecTaskEnd:
		b = b.boolean("started", r.Flags.Has(model.FlagStarted))
		b = b.boolean("restore_point", r.Flags.Has(model.FlagRestorePoint))
		b = b.boolean("snapshot_removed", r.Flags.Has(model.FlagSnapshotRemoved))
		b = b.num("bytes", r.Bytes)
	case model.RecTaskStart:
		b = b.num("bytes", r.Bytes)
	case model.RecSessionStart:
		b = b.boolean("manual", r.Flags.Has(model.FlagManual))
		if r.Flags.Has(model.FlagLate) {
			b = b.boolean("late", true)
		}
	}
	switch r.Kind {
	case model.RecTaskStart, model.RecTaskPhase, model.RecTaskPlan:
		b = b.num("due", int64(r.Due))
		b = b.num("transfer_at", int64(r.TransferAt))
		b = b.num("commit_at", int64(r.CommitAt))
	}
	if r.Ex != nil {
		b = appendExFields(b, c, r) // tracefile_exchange.go
	}
	if r.Text != "" || r.Kind == model.RecSessionEnd || r.Kind == model.RecMessageConfigured {
		b = b.str("text", r.Text)
	}
	return append(b, '}')
}

func appendDecl(b jbuf, c *Catalog, r *model.Record) jbuf {
	d := r.Decl
	if d.Exchange != nil {
		return appendExDeclLine(b, c, r) // tracefile_exchange.go
	}
	switch r.Kind {
	case model.RecScenario:
		b = b.str("name", d.Name)
		b = b.key("seed")
		b = strconv.AppendUint(b, d.Seed, 10)
		b = b.str("start", d.Start.UTC().Format(time.RFC3339Nano))
		s := d.Semantics
		b = b.str("profile", s.Profile)
		b = b.str("replication_in_maintenance", s.ReplicationInMaintenance.String())
		b = b.str("vcd_backup_in_maintenance", s.VCDBackupInMaintenance.String())
		b = b.str("graceful_stop_result", s.GracefulStopResult.String())
		b = b.num("snapshot_time_ns", int64(s.SnapshotTime))
		b = b.num("commit_time_ns", int64(s.CommitTime))
	case model.RecServer:
		b = b.str("server", d.Name)
		b = b.str("version", d.Version.String())
		b = b.num("task_slots", int64(d.TaskSlots))
		b = b.num("bandwidth_bps", d.BandwidthBps)
		b = b.str("maintenance_message", d.ConfiguredMessage)
		b = b.boolean("service_running", r.Flags.Has(model.FlagServiceRunning))
		b = b.boolean("powered_on", r.Flags.Has(model.FlagPoweredOn))
		b = b.boolean("maintenance", r.Flags.Has(model.FlagMaintenance))
	case model.RecTenant:
		b = b.str("tenant", d.Name)
		b = b.str("server", c.ServerName(r.Server))
		b = b.str("client", d.Client.String())
		b = b.num("max_concurrent_tasks", int64(d.MaxTasks))
		b = b.num("bandwidth_bps", d.BandwidthBps)
		b = b.num("rpo_ns", int64(d.RPO))
		b = b.boolean("enabled", r.Flags.Has(model.FlagEnabled))
	case model.RecJob:
		b = b.str("tenant", c.TenantName(r.Tenant))
		b = b.str("job", d.Name)
		b = b.str("kind", d.Kind.String())
		b = b.str("platform", d.Platform.String())
		b = b.str("managed_by", d.ManagedBy.String())
		b = b.str("target", d.Target.String())
		b = append(b.key("objects"), '[')
		for i, o := range d.Objects {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, o)
		}
		b = append(b, ']')
		b = b.num("retry_count", int64(d.RetryCount))
		b = b.num("retry_wait_ns", int64(d.RetryWait))
	}
	return b
}

// traceLine is the union of every field a trace line may carry.
type traceLine struct {
	T       *int64  `json:"t"`
	Time    string  `json:"time"`
	Ev      string  `json:"ev"`
	Server  *string `json:"server"`
	Tenant  *string `json:"tenant"`
	Job     *string `json:"job"`
	Session string  `json:"session"`
	Attempt *int32  `json:"attempt"`
	Object  *string `json:"object"`
	Phase   string  `json:"phase"`
	Result  string  `json:"result"`
	Cause   string  `json:"cause"`
	Mode    string  `json:"mode"`
	Started bool    `json:"started"`
	RP      bool    `json:"restore_point"`
	SnapRm  bool    `json:"snapshot_removed"`
	Manual  bool    `json:"manual"`
	Late    bool    `json:"late"`
	Bytes   int64   `json:"bytes"`
	Due     *int64  `json:"due"`
	XferAt  *int64  `json:"transfer_at"`
	CommAt  *int64  `json:"commit_at"`
	Text    string  `json:"text"`
	// declarations
	Name               string   `json:"name"`
	Seed               uint64   `json:"seed"`
	Start              string   `json:"start"`
	Profile            string   `json:"profile"`
	ReplicationInMaint string   `json:"replication_in_maintenance"`
	VCDBackupInMaint   string   `json:"vcd_backup_in_maintenance"`
	GracefulStopResult string   `json:"graceful_stop_result"`
	SnapshotTimeNS     *int64   `json:"snapshot_time_ns"`
	CommitTimeNS       *int64   `json:"commit_time_ns"`
	Version            string   `json:"version"`
	TaskSlots          int32    `json:"task_slots"`
	BandwidthBps       int64    `json:"bandwidth_bps"`
	MaintenanceMessage string   `json:"maintenance_message"`
	ServiceRunning     *bool    `json:"service_running"`
	PoweredOn          *bool    `json:"powered_on"`
	Maintenance        bool     `json:"maintenance"`
	Client             string   `json:"client"`
	MaxConcurrentTasks int32    `json:"max_concurrent_tasks"`
	RPONS              int64    `json:"rpo_ns"`
	Enabled            *bool    `json:"enabled"`
	Kind               string   `json:"kind"`
	Platform           string   `json:"platform"`
	ManagedBy          string   `json:"managed_by"`
	Target             string   `json:"target"`
	Objects            []string `json:"objects"`
	RetryCount         int32    `json:"retry_count"`
	RetryWaitNS        int64    `json:"retry_wait_ns"`
	exTraceLine                 // exchange profile fields (tracefile_exchange.go)
}

// TraceError is a malformed trace line: exit code 2, printed as
// FILE:LINE:COL: message with the line and a caret (CONTRACT.md's shape
// of bad input; COL is where the JSON went wrong, else 1).
type TraceError struct {
	Path string
	Line int
	Col  int    // from 1; 0: the line as a whole
	Src  string // the line as read; "" when there is none to show
	Msg  string
}

func (e *TraceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s", e.Path, e.Line, max(e.Col, 1), e.Msg)
	if e.Src != "" {
		showLine(&b, e.Src, e.Col)
	}
	return b.String()
}

// TraceReader turns JSONL lines back into records, interning names into the
// dense IDs the model would have used (declaration order). It accepts traces
// written by other systems as long as they follow docs/trace-format.md.
type TraceReader struct {
	path     string
	sc       *bufio.Scanner
	line     int
	servers  map[string]int32
	tenants  map[string]int32
	jobs     map[string]int32 // "tenant/job"
	objects  []map[string]int32
	jobDecls []*model.Decl
	tenSrv   []int32 // each declared tenant's server, for job declarations
	sem      model.Semantics
	// exchange profile: names of databases and clients (tracefile_exchange.go)
	databases, clients map[string]int32
	// lines read so far, and whether an event (not a declaration) was
	// among them: a scenario line comes first, declarations before events.
	lines  int
	events bool
	// scenario: the trace has a scenario line (its profile is in sem);
	// endLine: the line of the end event, which is the trace's last.
	scenario, profileGiven bool
	endLine                int
	raw                    string // the line being read, for error messages
}

// NewTraceReader reads from r; path names the file in errors.
func NewTraceReader(path string, r io.Reader) *TraceReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxTraceLine)
	return &TraceReader{path: path, sc: sc, servers: map[string]int32{}, tenants: map[string]int32{}, jobs: map[string]int32{},
		sem: model.DefaultSemantics()}
}

func (t *TraceReader) errf(format string, a ...any) error {
	return &TraceError{Path: t.path, Line: t.line, Src: t.raw, Msg: fmt.Sprintf(format, a...)}
}

// Next returns the next record, or io.EOF.
func (t *TraceReader) Next() (model.Record, error) {
	for t.sc.Scan() {
		t.line++
		raw := strings.TrimSpace(t.sc.Text())
		t.raw = ""
		if t.line == 1 {
			// A byte order mark, as Windows PowerShell 5's UTF-8 writes it,
			// is not part of the first line (as for scenario files).
			raw = strings.TrimPrefix(raw, "\ufeff")
		}
		if raw == "" {
			continue
		}
		t.raw = raw
		// encoding/json would match keys case-insensitively ("Attempt"),
		// keep the last of two equal keys and ignore what follows the
		// object; the v2 semantics refuse all three, and unknown keys.
		var l traceLine
		if err := json.Unmarshal([]byte(raw), &l, json.RejectUnknownMembers(true)); err != nil {
			te := t.errf("malformed trace line: %s", describeJSONError(err)).(*TraceError)
			if off := jsonErrOffset(err); off >= 0 && off <= int64(len(raw)) {
				te.Col = utf8.RuneCountInString(raw[:off]) + 1
			}
			return model.Record{}, te
		}
		// The decoder reads null as the zero value (or as an absent key):
		// as in a scenario file, a key is either given a value or left out.
		if strings.Contains(raw, "null") {
			if key, ok := nullKey(raw); ok {
				return model.Record{}, t.errf("malformed trace line: field %q: null; give a value, or leave the key out for its default (docs/trace-format.md)", key)
			}
		}
		return t.record(&l)
	}
	if err := t.sc.Err(); err != nil {
		t.line++   // the line the scanner could not return
		t.raw = "" // not the line before it, which the message would show
		if errors.Is(err, bufio.ErrTooLong) {
			return model.Record{}, t.errf("line longer than %d MiB (docs/trace-format.md: a line is at most 16 MiB)", maxTraceLine>>20)
		}
		return model.Record{}, t.errf("reading: %v", err)
	}
	return model.Record{}, io.EOF
}

// nullKey finds a null value in a (well-formed) JSON line and names it by
// its key: "bytes", or "objects/1" inside an array.
func nullKey(raw string) (string, bool) {
	dec := jsontext.NewDecoder(strings.NewReader(raw))
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			return "", false
		}
		if tok.Kind() == 'n' {
			return strings.TrimPrefix(string(dec.StackPointer()), "/"), true
		}
	}
}

// jsonErrOffset is where in the line a JSON error is (-1: unknown).
func jsonErrOffset(err error) int64 {
	var se *json.SemanticError
	if errors.As(err, &se) {
		return se.ByteOffset
	}
	var sy *jsontext.SyntacticError
	if errors.As(err, &sy) {
		return sy.ByteOffset
	}
	return -1
}

// describeJSONError says what is wrong with a trace line in the trace
// format's words (a key, a value), not the decoder's Go types.
func describeJSONError(err error) string {
	var se *json.SemanticError
	if errors.As(err, &se) {
		key := se.JSONPointer.LastToken()
		switch {
		case errors.Is(se.Err, json.ErrUnknownName):
			return fmt.Sprintf("unknown field %q", key)
		case se.JSONPointer == "":
			return "want a JSON object, got " + jsonKindName(se.JSONKind)
		case se.JSONValue != nil && se.JSONKind == '0' && se.Err != nil && strings.Contains(se.Err.Error(), "out of range"):
			return fmt.Sprintf("field %q: %s is out of range", key, se.JSONValue)
		case se.JSONValue != nil && se.JSONKind == '0':
			return fmt.Sprintf("field %q: %s is not %s", key, se.JSONValue, goKindName(se.GoType))
		default:
			return fmt.Sprintf("field %q: want %s, got %s", key, goKindName(se.GoType), jsonKindName(se.JSONKind))
		}
	}
	var sy *jsontext.SyntacticError
	if errors.As(err, &sy) {
		switch {
		case errors.Is(sy.Err, jsontext.ErrDuplicateName):
			return fmt.Sprintf("duplicate key %q", sy.JSONPointer.LastToken())
		case strings.Contains(sy.Err.Error(), "after top-level value"):
			return "extra data after the JSON object (a line holds one object)"
		case errors.Is(sy.Err, io.ErrUnexpectedEOF):
			return "the line ends inside the JSON object (truncated?)"
		}
		return fmt.Sprintf("%v (at byte %d)", sy.Err, sy.ByteOffset)
	}
	return err.Error()
}

func jsonKindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "another kind of value"
}

func goKindName(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
		return "another kind of value"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "an integer"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Slice:
		return "an array"
	}
	return "an object"
}

// maxTraceLine is the longest trace line read (docs/trace-format.md).
const maxTraceLine = 16 << 20

func (t *TraceReader) record(l *traceLine) (model.Record, error) {
	r := model.Record{Server: model.None, Tenant: model.None, Job: model.None, Object: model.None}
	kind, err := model.ParseRecordKind(l.Ev)
	if err != nil {
		return r, t.errf("field ev: %v", err)
	}
	if l.T == nil {
		return r, t.errf("missing field t (integer nanoseconds since start)")
	}
	r.Kind, r.At = kind, sim.Time(*l.T)
	if r.At < 0 {
		return r, t.errf("field t: negative time %d", r.At)
	}
	if t.endLine > 0 {
		return r, t.errf("an ev %q line after the end event of line %d: end is the trace's last line, and there is one at most (docs/trace-format.md)", l.Ev, t.endLine)
	}
	t.lines++
	decl := kind == model.RecScenario || kind == model.RecServer || kind == model.RecTenant || kind == model.RecJob ||
		kind == model.RecExDatabase || kind == model.RecExClient
	switch {
	case kind == model.RecScenario && t.lines > 1:
		return r, t.errf("a scenario line must be the trace's first line (docs/trace-format.md)")
	case decl && t.events:
		return r, t.errf("a %s declaration after the first event: declarations come first (docs/trace-format.md)", l.Ev)
	case decl && r.At != 0:
		return r, t.errf("field t: an ev %q line is at t 0, got %d: the scenario line and the declarations describe the world at its start (docs/trace-format.md)", l.Ev, r.At)
	case !decl:
		t.events = true
	}
	if kind == model.RecEnd {
		t.endLine = t.line
	}
	if p := kindProfile(kind); p != "" && p != t.sem.Profile {
		return r, t.profileErr(l.Ev, p) // tracefile_exchange.go
	}
	if kind == model.RecExDatabase || kind == model.RecExClient || kind == model.RecServer && t.sem.Profile == "exchange" {
		return t.exchangeDecl(l, r) // tracefile_exchange.go
	}
	switch kind {
	case model.RecScenario:
		return t.scenarioDecl(l, r)
	case model.RecServer, model.RecTenant, model.RecJob:
		return t.entityDecl(l, r)
	}
	if err := t.requireKeys(kind, l); err != nil {
		return r, err
	}
	if l.Attempt != nil && *l.Attempt < 1 {
		return r, t.errf("field attempt: %d; an attempt is 1 for the first pass, 2, 3 … for S8 retries (docs/trace-format.md)", *l.Attempt)
	}
	if l.Bytes < 0 {
		return r, t.errf("field bytes: %d is negative", l.Bytes)
	}
	if l.Server != nil {
		id, ok := t.servers[*l.Server]
		if !ok {
			return r, t.errf("unknown server %q (declare it with an ev \"server\" line first)", *l.Server)
		}
		r.Server = id
	}
	if l.Tenant != nil {
		id, ok := t.tenants[*l.Tenant]
		if !ok {
			return r, t.errf("unknown tenant %q", *l.Tenant)
		}
		r.Tenant = id
	}
	if l.Job != nil {
		if l.Tenant == nil {
			return r, t.errf("job %q without tenant", *l.Job)
		}
		id, ok := t.jobs[*l.Tenant+"/"+*l.Job]
		if !ok {
			return r, t.errf("unknown job %q of tenant %q", *l.Job, *l.Tenant)
		}
		r.Job = id
	}
	if l.Session != "" {
		h := strings.LastIndexByte(l.Session, '#')
		n, err := strconv.Atoi(l.Session[h+1:])
		if h < 0 || err != nil || n < 1 {
			return r, t.errf("bad session %q: want TENANT/JOB#N", l.Session)
		}
		id, ok := t.jobs[l.Session[:h]]
		if !ok {
			return r, t.errf("session %q names an undeclared job", l.Session)
		}
		// The session names the tenant and the job; the other keys, when
		// given, must agree with it (a trace where they do not is not one
		// world's).
		tn := t.tenants[l.Session[:strings.IndexByte(l.Session, '/')]]
		switch {
		case r.Job >= 0 && r.Job != id:
			return r, t.errf("job %q does not match session %q", *l.Job, l.Session)
		case r.Tenant >= 0 && r.Tenant != tn:
			return r, t.errf("tenant %q does not match session %q", *l.Tenant, l.Session)
		case r.Server >= 0 && r.Server != t.tenSrv[tn]:
			return r, t.errf("server %q is not the server of session %q's tenant", *l.Server, l.Session)
		}
		r.Job, r.N, r.Tenant, r.Server = id, int32(n), tn, t.tenSrv[tn]
		r.Attempt = 1
		if l.Attempt != nil {
			r.Attempt = *l.Attempt
		}
	}
	if l.Object != nil {
		if r.Job < 0 {
			return r, t.errf("object %q without a job", *l.Object)
		}
		id, ok := t.objects[r.Job][*l.Object]
		if !ok {
			return r, t.errf("unknown object %q in job", *l.Object)
		}
		r.Object = id
	}
	if err := parseField(t, "field phase", l.Phase, model.ParsePhase, &r.Phase); err != nil {
		return r, err
	}
	if kind == model.RecTaskStart && l.Phase != "" && r.Phase != model.PhaseSnapshot {
		return r, t.errf("field phase: a task_start is in phase Snapshot (the task took its snapshot), got %s (docs/trace-format.md)", l.Phase)
	}
	if err := parseField(t, "field result", l.Result, model.ParseResult, &r.Result); err != nil {
		return r, err
	}
	if err := parseField(t, "field cause", l.Cause, model.ParseCause, &r.Cause); err != nil {
		return r, err
	}
	if err := parseField(t, "field mode", l.Mode, model.ParseStopMode, &r.Mode); err != nil {
		return r, err
	}
	set := func(f model.Flags, v bool) {
		if v {
			r.Flags |= f
		}
	}
	set(model.FlagStarted, l.Started)
	set(model.FlagRestorePoint, l.RP)
	set(model.FlagSnapshotRemoved, l.SnapRm)
	set(model.FlagManual, l.Manual)
	set(model.FlagLate, l.Late)
	if kind == model.RecSessionStart && r.Job >= 0 && t.sem.Affected(t.jobKind(r.Job)) {
		r.Flags |= model.FlagAffected
	}
	r.Bytes, r.Text = l.Bytes, l.Text
	if l.Due != nil {
		r.Due = sim.Time(*l.Due)
	}
	if l.XferAt != nil {
		r.TransferAt = sim.Time(*l.XferAt)
	}
	if l.CommAt != nil {
		r.CommitAt = sim.Time(*l.CommAt)
	}
	if isExchangeKind(kind) {
		return t.exFields(l, r) // tracefile_exchange.go
	}
	return r, nil
}

// requireKeys checks that an event line has the keys its kind needs
// (docs/trace-format.md's event table): without them it names no entity,
// and no invariant could judge it.
func (t *TraceReader) requireKeys(kind model.RecordKind, l *traceLine) error {
	need := func(ok bool, key string) error {
		if !ok {
			return t.errf("%s event without %s", l.Ev, key)
		}
		return nil
	}
	switch kind {
	case model.RecMaintenanceEnabled, model.RecMaintenanceDisabled, model.RecMaintenanceUnchanged, model.RecMaintenanceRejected,
		model.RecServiceStarted, model.RecServiceStopped, model.RecPowerOff, model.RecPowerOn,
		model.RecMessageConfigured, model.RecActionRejected:
		return need(l.Server != nil, "server")
	case model.RecTenantDisabled, model.RecTenantEnabled, model.RecBackupMoved:
		return need(l.Tenant != nil, "tenant")
	case model.RecSessionStart, model.RecAttemptStart, model.RecSessionEnd:
		if err := need(l.Session != "", "session (TENANT/JOB#N)"); err != nil {
			return err
		}
		if kind == model.RecSessionEnd {
			return need(l.Result != "", "result")
		}
	case model.RecStopRequested:
		if err := need(l.Session != "", "session (TENANT/JOB#N)"); err != nil {
			return err
		}
		return need(l.Mode != "", "mode")
	case model.RecTaskStart, model.RecTaskPhase, model.RecTaskPlan, model.RecTaskEnd, model.RecRestorePointRemoved:
		if err := need(l.Session != "", "session (TENANT/JOB#N)"); err != nil {
			return err
		}
		if err := need(l.Object != nil, "object"); err != nil {
			return err
		}
		if kind == model.RecTaskEnd {
			return need(l.Result != "", "result")
		}
	}
	return nil
}

func (t *TraceReader) jobKind(j int32) (model.JobKind, model.Platform, model.ManagedBy, model.Target) {
	d := t.jobDecls[j]
	return d.Kind, d.Platform, d.ManagedBy, d.Target
}

func (t *TraceReader) scenarioDecl(l *traceLine, r model.Record) (model.Record, error) {
	sem := model.DefaultSemantics()
	var err error
	switch l.Profile {
	case "":
	case "vcc", "exchange":
		sem.Profile = l.Profile
	default:
		return r, t.errf("profile: want vcc or exchange, got %q", l.Profile)
	}
	if err := parseField(t, "replication_in_maintenance", l.ReplicationInMaint, model.ParseKnob, &sem.ReplicationInMaintenance); err != nil {
		return r, err
	}
	if err := parseField(t, "vcd_backup_in_maintenance", l.VCDBackupInMaint, model.ParseKnob, &sem.VCDBackupInMaintenance); err != nil {
		return r, err
	}
	if err := parseField(t, "graceful_stop_result", l.GracefulStopResult, model.ParseResult, &sem.GracefulStopResult); err != nil {
		return r, err
	}
	if g := sem.GracefulStopResult; g != model.ResultWarning && g != model.ResultSuccess {
		return r, t.errf("graceful_stop_result: want Warning or Success, got %q (the S3 knob, as in a scenario file)", l.GracefulStopResult)
	}
	if err := t.nonNegative("snapshot_time_ns", deref(l.SnapshotTimeNS), "commit_time_ns", deref(l.CommitTimeNS)); err != nil {
		return r, err
	}
	if l.SnapshotTimeNS != nil {
		sem.SnapshotTime = time.Duration(*l.SnapshotTimeNS)
	}
	if l.CommitTimeNS != nil {
		sem.CommitTime = time.Duration(*l.CommitTimeNS)
	}
	// t = 0 is start, else the line's time, else the Unix epoch: the
	// start is part of the trace hash, so it is always defined
	// (docs/trace-format.md).
	start := time.Unix(0, 0).UTC()
	if l.Start != "" {
		if start, err = time.Parse(time.RFC3339Nano, l.Start); err != nil {
			return r, t.errf("start: %v", err)
		}
	} else if l.Time != "" {
		if start, err = time.Parse(time.RFC3339Nano, l.Time); err != nil {
			return r, t.errf("time (the start, as the line has no start): %v", err)
		}
	}
	t.sem, t.scenario, t.profileGiven = sem, true, l.Profile != ""
	r.Decl = &model.Decl{Name: l.Name, Seed: l.Seed, Start: start, Semantics: sem}
	return r, nil
}

func (t *TraceReader) entityDecl(l *traceLine, r model.Record) (model.Record, error) {
	var err error
	switch r.Kind {
	case model.RecServer:
		if l.Server == nil || *l.Server == "" {
			return r, t.errf("server declaration without server name")
		}
		if _, dup := t.servers[*l.Server]; dup {
			return r, t.errf("server %q declared twice", *l.Server)
		}
		if err := t.nonNegative("task_slots", int64(l.TaskSlots), "bandwidth_bps", l.BandwidthBps); err != nil {
			return r, err
		}
		d := &model.Decl{Name: *l.Server, TaskSlots: l.TaskSlots, BandwidthBps: l.BandwidthBps, ConfiguredMessage: l.MaintenanceMessage}
		if err := parseField(t, "version", l.Version, model.ParseVersion, &d.Version); err != nil {
			return r, err
		}
		r.Server = int32(len(t.servers))
		t.servers[*l.Server] = r.Server
		if l.ServiceRunning == nil || *l.ServiceRunning {
			r.Flags |= model.FlagServiceRunning
		}
		if l.PoweredOn == nil || *l.PoweredOn {
			r.Flags |= model.FlagPoweredOn
		}
		if l.Maintenance {
			r.Flags |= model.FlagMaintenance
		}
		r.Decl = d
	case model.RecTenant:
		if l.Tenant == nil || *l.Tenant == "" {
			return r, t.errf("tenant declaration without tenant name")
		}
		if strings.ContainsFunc(*l.Tenant, unicode.IsControl) {
			return r, t.errf("tenant %q contains a control character", *l.Tenant)
		}
		if strings.ContainsAny(*l.Tenant, "/#") {
			return r, t.errf("tenant %q contains / or #: a tenant's name ends at the / of TENANT/JOB#N in session names", *l.Tenant)
		}
		if _, dup := t.tenants[*l.Tenant]; dup {
			return r, t.errf("tenant %q declared twice", *l.Tenant)
		}
		if l.Server == nil {
			return r, t.errf("tenant %q without server", *l.Tenant)
		}
		sv, ok := t.servers[*l.Server]
		if !ok {
			return r, t.errf("tenant %q on undeclared server %q", *l.Tenant, *l.Server)
		}
		if err := t.nonNegative("max_concurrent_tasks", int64(l.MaxConcurrentTasks), "bandwidth_bps", l.BandwidthBps, "rpo_ns", l.RPONS); err != nil {
			return r, err
		}
		d := &model.Decl{Name: *l.Tenant, MaxTasks: l.MaxConcurrentTasks, BandwidthBps: l.BandwidthBps, RPO: time.Duration(l.RPONS)}
		if err := parseField(t, "client", l.Client, model.ParseClient, &d.Client); err != nil {
			return r, err
		}
		r.Server, r.Tenant = sv, int32(len(t.tenants))
		t.tenSrv = append(t.tenSrv, sv)
		t.tenants[*l.Tenant] = r.Tenant
		if l.Enabled == nil || *l.Enabled {
			r.Flags |= model.FlagEnabled
		}
		r.Decl = d
	case model.RecJob:
		if l.Tenant == nil || l.Job == nil {
			return r, t.errf("job declaration needs tenant and job")
		}
		if strings.ContainsFunc(*l.Job, unicode.IsControl) {
			return r, t.errf("job %q contains a control character", *l.Job)
		}
		tn, ok := t.tenants[*l.Tenant]
		if !ok {
			return r, t.errf("job %q of undeclared tenant %q", *l.Job, *l.Tenant)
		}
		key := *l.Tenant + "/" + *l.Job
		if _, dup := t.jobs[key]; dup {
			return r, t.errf("job %q declared twice", key)
		}
		if err := t.nonNegative("retry_count", int64(l.RetryCount), "retry_wait_ns", l.RetryWaitNS); err != nil {
			return r, err
		}
		d := &model.Decl{Name: *l.Job, Objects: l.Objects, RetryCount: l.RetryCount, RetryWait: time.Duration(l.RetryWaitNS)}
		if d.Kind, err = model.ParseJobKind(l.Kind); err != nil {
			return r, t.errf("kind: %v", err)
		}
		// Left out, platform and target default as in the scenario format:
		// by the job's kind (an agent backup's platform is agent, a
		// replica's home a cloud host), so that a line and the scenario
		// job it records mean the same job.
		platform := model.PlatformVSphere.String()
		if d.Kind == model.KindAgentBackup {
			platform = model.PlatformAgent.String()
		}
		if d.Platform, err = model.ParsePlatform(orDefault(l.Platform, platform)); err != nil {
			return r, t.errf("platform: %v", err)
		}
		if d.ManagedBy, err = model.ParseManagedBy(orDefault(l.ManagedBy, "vbr")); err != nil {
			return r, t.errf("managed_by: %v", err)
		}
		if d.Target, err = model.ParseTarget(orDefault(l.Target, defaultTarget(d.Kind).String())); err != nil {
			return r, t.errf("target: %v", err)
		}
		r.Tenant, r.Job, r.Server = tn, int32(len(t.jobs)), t.tenSrv[tn]
		t.jobs[key] = r.Job
		objs := make(map[string]int32, len(l.Objects))
		for i, o := range l.Objects {
			if _, dup := objs[o]; dup {
				return r, t.errf("job %q lists object %q twice", key, o)
			}
			objs[o] = int32(i)
		}
		t.objects = append(t.objects, objs)
		t.jobDecls = append(t.jobDecls, d)
		if t.sem.Affected(d.Kind, d.Platform, d.ManagedBy, d.Target) {
			r.Flags |= model.FlagAffected
		}
		if model.StandaloneAgent(d.Kind, d.ManagedBy) {
			r.Flags |= model.FlagStandaloneAgent
		}
		if d.RetryCount > 0 {
			r.Flags |= model.FlagRetry
		}
		r.Decl = d
	}
	return r, nil
}

// nonNegative checks a declaration's counts and amounts, given as
// name, value pairs: a negative one is bad input, as in a scenario file.
func (t *TraceReader) nonNegative(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if v := pairs[i+1].(int64); v < 0 {
			return t.errf("%s: %d is negative", pairs[i], v)
		}
	}
	return nil
}

// parseField parses an optional enum field of a trace line into dst; an
// empty value leaves dst alone. what names the field in the error.
func parseField[T any](t *TraceReader, what, v string, parse func(string) (T, error), dst *T) error {
	if v == "" {
		return nil
	}
	x, err := parse(v)
	if err != nil {
		return t.errf("%s: %v", what, err)
	}
	*dst = x
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
