package scenarios

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// This file holds the rules a decoded File must follow beyond its YAML
// shape, and the machinery that reports breaking them. The compiler
// (compile.go) calls these as it walks the file, so one pass finds every
// problem. A problem names the field as the file spells it: with a position
// the last key is enough (the caret shows the rest); without one (a File
// built in Go) the whole path is given, as in tenants[2].jobs[0].kind.

// Bounds that keep a typo from building a world that cannot fit in memory
// (TIGER_STYLE: a limit on everything).
const (
	maxFleet      = 1_000_000 // tenants in one count: fleet
	maxObjectSet  = 100_000   // objects in one {count: N} set
	maxRetryCount = 1000
	minEvery      = 1_000_000_000 // 1s: a shorter period is a runaway, not a schedule
)

// problems collects Problems with positions from a locator (nil for a File
// built in Go).
type problems struct {
	loc  *locator
	list []Problem
}

// fieldPath is a path into the file: mapping keys (string) and list
// indexes (int). It is a value of fixed size, not a slice: compile builds
// a path for every field it reads, and only the few that end up in a
// message are ever walked, so building one must not allocate (a slice per
// with was a fifth of a `maintsim check` case's allocations).
type fieldPath struct {
	n    int
	segs [maxPathDepth]any
}

// maxPathDepth is deeper than any field of the file format; a deeper path
// keeps its first maxPathDepth segments and so names the nearest ancestor.
const maxPathDepth = 12

// pathOf is the path of the given segments.
func pathOf(segs ...any) fieldPath {
	var p fieldPath
	return p.with(segs...)
}

func (p fieldPath) with(segs ...any) fieldPath {
	for _, s := range segs {
		if p.n == maxPathDepth {
			break
		}
		p.segs[p.n] = s
		p.n++
	}
	return p
}

// list is the path as a slice, for walking the YAML tree (messages only).
func (p fieldPath) list() []any { return p.segs[:p.n:p.n] }

func (p fieldPath) String() string { return fieldPathString(p.list()) }

func fieldPathString(p []any) string {
	var b strings.Builder
	for _, s := range p {
		switch v := s.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		}
	}
	return b.String()
}

// label is how a message names the field: its key (with the caret showing
// where) or its full path when there is no position to show.
func (ps *problems) label(p fieldPath) string {
	if ps.loc == nil {
		return p.String()
	}
	// The last key, with the list indexes after it when the path ends in some.
	segs := p.list()
	for i := len(segs) - 1; i >= 0; i-- {
		if _, ok := segs[i].(string); ok {
			// A key that is a user's name (tasks: {vm1: …}) reads
			// better with its mapping's name: tasks.vm1.
			if i > 0 && segs[i-1] == "tasks" {
				i--
			}
			return fieldPathString(segs[i:])
		}
	}
	return p.String()
}

// at reports a problem with the value at path.
func (ps *problems) at(p fieldPath, format string, args ...any) {
	ps.add(ps.loc.pos(p.list()), p, format, args...)
}

// atKey reports a problem with the presence of the field at path (its key).
func (ps *problems) atKey(p fieldPath, format string, args ...any) {
	ps.add(ps.loc.keyPos(p.list()), p, format, args...)
}

func (ps *problems) add(pos Pos, p fieldPath, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if l := ps.label(p); l != "" {
		msg = l + ": " + msg
	}
	ps.list = append(ps.list, Problem{Pos: pos, Msg: msg})
}

// where names a place for "already defined at …" messages.
func (ps *problems) where(p fieldPath) string {
	if pos := ps.loc.pos(p.list()); pos.Line > 0 {
		return fmt.Sprintf("line %d", pos.Line)
	}
	return p.String()
}

// text returns a scalar as the user wrote it (so a message quotes +30h,
// not its normal form +1d6h), or fallback for a File built in Go.
func (ps *problems) text(p fieldPath, fallback string) string {
	if ps.loc == nil {
		return fallback
	}
	n, _ := ps.loc.walk(p.list())
	if s, ok := scalarText(scalarNode(n)); ok && n != nil {
		return s
	}
	return fallback
}

// required reports a missing field at its parent mapping.
func (ps *problems) required(p fieldPath, what string) {
	ps.at(p, "required: %s", what)
}

// checkName is the rule for every entity name: present, no surrounding
// spaces (an invisible mismatch with a reference), and for tenants
// (tenant is true) neither / nor #. A session name TENANT/JOB#N splits at
// its first / and its last #, so a job may have both ("Backup Job #1"), a
// tenant neither (and "FLEET#N" keys a fleet member's draws).
func (ps *problems) checkName(p fieldPath, name, what string, tenant bool) bool {
	switch {
	case name == "":
		ps.required(p, "the "+what+"'s name")
		return false
	case strings.TrimSpace(name) != name:
		ps.at(p, "%q has leading or trailing spaces", name)
		return false
	case strings.ContainsFunc(name, unicode.IsControl):
		// A newline or a terminal escape would break the session table
		// and every report that prints the name.
		ps.at(p, "%q contains a control character", name)
		return false
	case tenant && strings.ContainsAny(name, "/#"):
		ps.at(p, "%q contains / or #: a tenant's name ends at the / of TENANT/JOB#N in session names", name)
		return false
	}
	return true
}

// checkCount is a non-negative integer that must fit int32 (the model's
// counters) and, when limit > 0, stay under it.
func (ps *problems) checkCount(p fieldPath, v int, limit int) bool {
	switch {
	case v < 0:
		ps.at(p, "%d is negative; want an integer ≥ 0", v)
		return false
	case limit > 0 && v > limit:
		ps.at(p, "%d is more than the limit of %d", v, limit)
		return false
	case v > math.MaxInt32:
		ps.at(p, "%d is out of range (at most %d)", v, math.MaxInt32)
		return false
	}
	return true
}

// checkEnum parses an enumeration with the model's parser; its error
// already lists the allowed values.
func checkEnum[T any](ps *problems, p fieldPath, s string, parse func(string) (T, error)) (T, bool) {
	v, err := parse(s)
	if err != nil {
		ps.at(p, "%s", err.Error())
		return v, false
	}
	return v, true
}

// supportedServerVersions is the list M1 and the contract name.
const supportedServerVersions = "9.5 (and its updates, as in 9.5u3), 10, 11, 12, 13"

// checkServerVersion accepts the Cloud Connect releases maintsim models:
// 9.5 (with its updates) and 10 to 13.
func (ps *problems) checkServerVersion(p fieldPath, s string) (model.Version, bool) {
	if strings.TrimSpace(s) == "" {
		ps.required(p, "the server's product version, as in \"12\" or \"9.5u3\"")
		return 0, false
	}
	v, err := model.ParseVersion(s)
	if err != nil {
		ps.at(p, "%s", err.Error())
		return 0, false
	}
	major, minor := int(v)/10000, int(v)/100%100
	if !(major == 9 && minor == 5) && !(major >= 10 && major <= 13) {
		ps.at(p, "unsupported server version %q; supported: %s", s, supportedServerVersions)
		return 0, false
	}
	return v, true
}

// checkDist checks a distribution built in Go (parsed ones are already
// valid): a known kind, and the engine's parameter rules.
func (ps *problems) checkDist(p fieldPath, d sim.Dist) bool {
	if d.Kind > sim.DistLognormal {
		ps.at(p, "unknown distribution kind %d", d.Kind)
		return false
	}
	if err := d.Validate(); err != nil {
		ps.at(p, "%s", err.Error())
		return false
	}
	return true
}

var dailySyntax = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])$`) })

// parseDaily reads HH:MM (UTC) as minutes after midnight.
func parseDaily(s string) (int, bool) {
	m := dailySyntax().FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	return h*60 + mi, true
}

// sessionRef is a parsed TENANT/JOB#N.
type sessionRef struct {
	tenant, job string
	n           int
}

// parseSessionRef reads TENANT/JOB#N. Tenant names contain neither / nor
// #, so the first / and the last # split it (a job name may hold both).
func parseSessionRef(s string) (sessionRef, error) {
	bad := fmt.Errorf("want TENANT/JOB#N, as in acme/nightly#1, got %q", s)
	slash := strings.IndexByte(s, '/')
	hash := strings.LastIndexByte(s, '#')
	if slash <= 0 || hash <= slash+1 || hash == len(s)-1 {
		return sessionRef{}, bad
	}
	n, err := strconv.Atoi(s[hash+1:])
	if err != nil {
		return sessionRef{}, bad
	}
	if n < 1 {
		return sessionRef{}, fmt.Errorf("session numbers start at 1, got %q", s)
	}
	if s[hash+1:] != strconv.Itoa(n) {
		// Sessions are named acme/nightly#1: #01 or #+1 would never match.
		return sessionRef{}, fmt.Errorf("write the session number plainly, as in %s#%d, got %q", s[:hash], n, s)
	}
	return sessionRef{tenant: s[:slash], job: s[slash+1 : hash], n: n}, nil
}

var invariantID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^INV-[A-Z]?[0-9]+$`) })

// checkInvariantID accepts the IDs of the catalogue (INVARIANTS.md) that
// judge the file's profile ("" for Cloud Connect, Invariant.Profile), or
// any well-formed ID when the catalogue is not linked in.
func (ps *problems) checkInvariantID(p fieldPath, id, profile string) bool {
	if id == "" {
		ps.required(p, "an invariant ID, as in {violated: INV-04}")
		return false
	}
	var cat []Invariant
	for _, inv := range Catalogue() {
		if inv.Profile == profile {
			cat = append(cat, inv)
		}
	}
	if len(cat) == 0 {
		if !invariantID().MatchString(id) {
			ps.at(p, "%q is not an invariant ID (INV-NN, as in INV-04)", id)
			return false
		}
		return true
	}
	ids := make([]string, len(cat))
	for i, inv := range cat {
		if inv.ID == id {
			return true
		}
		ids[i] = inv.ID
	}
	if inv, ok := InvariantByID(id); ok {
		ps.at(p, "%s judges the %s profile, never this file's (one of: %s)", id, profileName(inv.Profile), strings.Join(ids, ", "))
		return false
	}
	ps.at(p, "unknown invariant %q (one of: %s)", id, strings.Join(ids, ", "))
	return false
}

// checkResult accepts the result words allowed in one place.
func (ps *problems) checkResult(p fieldPath, s string, allowed ...string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	ps.at(p, "unknown result %q (one of: %s)", s, strings.Join(allowed, ", "))
	return false
}

// quoteList renders names for "defined: a, b, c" hints, shortened for
// fleets.
func quoteList(names []string) string {
	const show = 8
	if len(names) == 0 {
		return "none"
	}
	shown := make([]string, 0, min(len(names), show))
	for _, n := range names[:min(len(names), show)] {
		if strings.ContainsFunc(n, unicode.IsControl) {
			n = strconv.Quote(n) // a name with a newline must not break the message
		}
		shown = append(shown, n)
	}
	if len(names) > show {
		return strings.Join(shown, ", ") + fmt.Sprintf(", … (%d in all)", len(names))
	}
	return strings.Join(shown, ", ")
}

// actionNeeds is which reference fields each action takes (the rest must
// be empty).
type actionNeeds struct {
	server, tenant, job, mode, text bool
}

func needsOf(k model.ActionKind) actionNeeds {
	switch k {
	case model.ActEnableMaintenance, model.ActDisableMaintenance, model.ActStopService, model.ActStartService,
		model.ActRestartService, model.ActPowerOff, model.ActPowerOn:
		return actionNeeds{server: true}
	case model.ActSetMaintenanceMessage:
		return actionNeeds{server: true, text: true}
	case model.ActDisableTenant, model.ActEnableTenant, model.ActMoveBackups:
		return actionNeeds{tenant: true}
	case model.ActStartJob:
		return actionNeeds{tenant: true, job: true}
	case model.ActStopJob:
		return actionNeeds{tenant: true, job: true, mode: true}
	}
	return actionNeeds{}
}

func (n actionNeeds) takes() string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{{n.server, "server"}, {n.tenant, "tenant"}, {n.job, "job"}, {n.mode, "mode"}, {n.text, "text"}} {
		if x.on {
			f = append(f, x.name)
		}
	}
	return strings.Join(f, ", ")
}
