package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// This file is the exchange profile's part of the invariant catalogue
// (INVARIANTS.md, INV-X1..X3). Like the Cloud Connect checkers they stream
// the records once, keep state per declared server, database and client,
// and judge a live run and a recorded trace alike. They run on exchange
// traces only (Invariant.Profile).

func init() {
	catalogue = append(catalogue,
		Invariant{ID: "INV-X1", Name: "exchange-no-message-lost", Rules: []string{"X5"}, Profile: "exchange",
			Holds: "Every accepted message is delivered, redirected or still queued on a server that returns.",
			New:   func(c *Catalog) Checker { return &invX1{checker: newChecker(c, "INV-X1", "X5")} }},
		Invariant{ID: "INV-X2", Name: "exchange-runbook-order", Rules: []string{"X3", "X4"}, Profile: "exchange",
			Holds: "Entry and exit steps happen in the X3 order; exit restores the pre-entry state.",
			New:   func(c *Catalog) Checker { return &invX2{checker: newChecker(c, "INV-X2", "X3", "X4")} }},
		Invariant{ID: "INV-X3", Name: "exchange-requesters", Rules: []string{"X1"}, Profile: "exchange",
			Holds: "A component's effective state follows X1 from its requesters at every instant.",
			New:   func(c *Catalog) Checker { return &invX3{checker: newChecker(c, "INV-X3", "X1")} }},
	)
}

// exViolate is violate with exchange entities (databases, clients) after
// the server.
func (c *checker) exViolate(at sim.Time, srv int32, extra []string, evs []*model.Record, format string, args ...any) {
	n := len(c.out)
	c.violate(at, who{srv, model.None, model.None, 0, model.None}, evs, format, args...)
	if len(c.out) > n {
		c.out[n].Entities = append(c.out[n].Entities, extra...)
	}
}

func copyName(c *Catalog, db, srv int32) string { return c.DatabaseName(db) + `\` + c.ServerName(srv) }

// ---------------------------------------------------------------------------
// INV-X1: no message is lost (X5).

// invX1 keeps its own count of each server's queue (accepted, minus
// delivered, plus and minus redirected) and compares it with the depth the
// model reports on every record that carries one; the model reports its
// final depths at the end. A message the model drops shows as a depth
// lower than the count. At the end, messages still queued on a server
// whose HubTransport is Inactive have nowhere to go: X5 counts them lost
// unless the server comes back, and the run is over.
type invX1 struct {
	checker
	depth []int64
	hub   []model.CompState
	last  []model.Record // the record that last moved each server's count
	// queued are the messages accepted and not yet delivered (redirects
	// keep them queued): counts alone would let a message delivered twice
	// hide one that was lost. Memory follows the queues, not the history.
	queued map[int64]bool
}

func (c *invX1) grow(s int32) bool {
	if s < 0 {
		return false
	}
	for int(s) >= len(c.depth) {
		c.depth = append(c.depth, 0)
		c.hub = append(c.hub, model.StateActive)
		c.last = append(c.last, model.Record{})
	}
	return true
}

func (c *invX1) Observe(r *model.Record) {
	x := r.Ex
	switch {
	case r.Kind == model.RecEnd:
		for s := range c.depth {
			if c.depth[s] > 0 && c.hub[s] == model.StateInactive {
				c.exViolate(r.At, int32(s), nil, []*model.Record{&c.last[s]},
					"%d message(s) still queued on %s at the end, whose HubTransport is Inactive: they were not redirected and the server did not come back (X5)",
					c.depth[s], c.cat.ServerName(int32(s)))
			}
		}
		return
	case x == nil || !c.grow(r.Server):
		return
	}
	s := r.Server
	switch r.Kind {
	case model.RecExComponentState, model.RecExComponentEffective:
		if x.Component == model.CompHubTransport {
			c.hub[s] = x.Effective
		}
	case model.RecExMsgAccepted:
		c.depth[s]++
		c.last[s] = *r
		if x.Msg != 0 {
			if c.queued == nil {
				c.queued = map[int64]bool{}
			}
			if x.Msg < 0 || c.queued[x.Msg] {
				c.exViolate(r.At, s, nil, []*model.Record{r}, "message %d accepted while it is already queued, or not a message number (X5)", x.Msg)
			}
			c.queued[x.Msg] = true
		}
	case model.RecExMsgDelivered:
		c.depth[s]--
		c.last[s] = *r
		if x.Msg != 0 {
			if !c.queued[x.Msg] {
				c.exViolate(r.At, s, nil, []*model.Record{r}, "message %d delivered, but it was not queued: never accepted, or delivered already (X5)", x.Msg)
			}
			delete(c.queued, x.Msg)
		}
	case model.RecExMsgRedirected:
		if !c.grow(x.Target) {
			return
		}
		c.depth[s] -= int64(x.Count)
		c.depth[x.Target] += int64(x.Count)
		c.last[s], c.last[x.Target] = *r, *r
		c.compare(r, x.Target, x.TargetDepth)
	}
	c.compare(r, s, x.Depth)
}

// compare judges a reported depth (-1: none reported) against the count,
// then follows the model so one loss is reported once.
func (c *invX1) compare(r *model.Record, s int32, reported int32) {
	if reported < 0 || int64(reported) == c.depth[s] {
		return
	}
	want := c.depth[s]
	last := c.last[s]
	evs := []*model.Record{r}
	if last.Kind != model.RecNone && (last.At != r.At || last.Kind != r.Kind) {
		evs = []*model.Record{&last, r}
	}
	if int64(reported) < want {
		c.exViolate(r.At, s, nil, evs,
			"%d message(s) lost from %s's queue: %d were accepted or redirected there and not delivered or redirected away, but the queue holds %d (X5)",
			want-int64(reported), c.cat.ServerName(s), want, reported)
	} else {
		c.exViolate(r.At, s, nil, evs,
			"%s's queue holds %d message(s) but only %d were accepted or redirected there and not delivered: %d appeared from nowhere",
			c.cat.ServerName(s), reported, want, int64(reported)-want)
	}
	c.depth[s] = int64(reported)
}

// ---------------------------------------------------------------------------
// INV-X3: effective states follow the requesters (X1).

// invX3 replays every requester's hold and recomputes X1; the model's
// claimed effective states (component_state, component_effective) must
// match once the records of one action are all in: the check runs at the
// next record that is not an effective-state follow-up.
type invX3 struct {
	checker
	servers []x3server
	pending []int32
}

type x3server struct {
	holds   [model.NumComponents][model.NumRequesters]model.CompState
	claimed [model.NumComponents]model.CompState
	last    model.Record // the record shown: the batch's component_state, else its first record
	at      sim.Time     // when the batch being checked was recorded: a violation's time
	pending bool
}

func (c *invX3) server(s int32) *x3server {
	if s < 0 {
		return nil
	}
	for int(s) >= len(c.servers) {
		c.servers = append(c.servers, x3server{})
	}
	return &c.servers[s]
}

// x1 is X1, written out again here so the judge shares no code with the
// model: Inactive if any requester holds Inactive, else Draining if any
// holds Draining, else Active; ServerWideOffline Inactive makes every
// component Inactive.
func x1(holds *[model.NumComponents][model.NumRequesters]model.CompState, comp model.Component) model.CompState {
	own := func(k model.Component) model.CompState {
		st := model.StateActive
		for _, h := range holds[k] {
			if h == model.StateInactive {
				return model.StateInactive
			}
			if h == model.StateDraining {
				st = model.StateDraining
			}
		}
		return st
	}
	if own(model.CompServerWideOffline) == model.StateInactive {
		return model.StateInactive
	}
	return own(comp)
}

func (c *invX3) Observe(r *model.Record) {
	switch r.Kind {
	case model.RecServer:
		if r.Decl != nil && r.Decl.Exchange != nil {
			if s := c.server(r.Server); s != nil {
				for _, h := range r.Decl.Exchange.Holds {
					s.holds[h.Component][h.Requester] = h.State
				}
				c.mark(r.Server, r)
			}
		}
		return
	case model.RecExComponentEffective:
		if s := c.server(r.Server); s != nil && r.Ex != nil {
			s.claimed[r.Ex.Component] = r.Ex.Effective
			c.mark(r.Server, r)
		}
		return
	}
	if r.Decl != nil {
		return // declarations come first; the initial effective states follow them
	}
	c.verify()
	if r.Kind == model.RecExComponentState && r.Ex != nil {
		if s := c.server(r.Server); s != nil {
			s.holds[r.Ex.Component][r.Ex.Requester] = r.Ex.State
			s.claimed[r.Ex.Component] = r.Ex.Effective
			c.mark(r.Server, r)
		}
	}
}

func (c *invX3) mark(sv int32, r *model.Record) {
	s := &c.servers[sv]
	if r.Kind == model.RecExComponentState || !s.pending {
		s.last = *r
	}
	if !s.pending {
		s.pending = true
		s.at = r.At
		c.pending = append(c.pending, sv)
	}
}

// verify checks the batches marked since the last call. A violation is
// dated when its batch was recorded, not by the record that triggered the
// check (which may come hours later, or be the end of the run).
func (c *invX3) verify() {
	for _, sv := range c.pending {
		s := &c.servers[sv]
		s.pending = false
		for k := range model.NumComponents {
			comp := model.Component(k)
			want := x1(&s.holds, comp)
			if s.claimed[k] == want {
				continue
			}
			var held []string
			for q, h := range s.holds[k] {
				if h != model.StateActive {
					held = append(held, fmt.Sprintf("%s: %s", model.Requester(q), h))
				}
			}
			if off := s.holds[model.CompServerWideOffline]; comp != model.CompServerWideOffline && slices.Contains(off[:], model.StateInactive) {
				held = append(held, "ServerWideOffline: Inactive")
			}
			by := "no requester holds it"
			if len(held) > 0 {
				by = "held " + strings.Join(held, ", ")
			}
			c.exViolate(s.at, sv, []string{"component " + comp.String()}, []*model.Record{&s.last},
				"%s on %s is in effect %s, but X1 gives %s (%s)", comp, c.cat.ServerName(sv), s.claimed[k], want, by)
			s.claimed[k] = want
		}
	}
	c.pending = c.pending[:0]
}

// ---------------------------------------------------------------------------
// INV-X2: the runbook's order on entry and exit, and exit restoring the
// pre-entry state (X3), with the pitfalls of X4 named.

// Entry steps on a server, in X3 order; exit steps are the same ranks in
// reverse (rank 5 first).
const (
	stepRedirect = 1 + iota // redirect client traffic (multi-server)
	stepBlock               // block database copy auto-activation
	stepSuspend             // suspend database copies
	stepDismount            // dismount databases
	stepDrain               // drain transport components (requester Maintenance)
)

var entryNames = [...]string{"", "redirect the clients", "block database copy auto-activation", "suspend the database copies",
	"dismount the databases", "drain the components (requester Maintenance)"}
var exitNames = [...]string{"", "bring the clients back", "restore the auto-activation policy", "resume the database copies",
	"remount the databases", "set the components Active (requester Maintenance)"}

type invX2 struct {
	checker
	seq     uint64 // component-state records seen: orders holds against exit steps
	servers []x2server
	dbs     []x2db
	clients []x2client
}

type x2server struct {
	holds    [model.NumComponents][model.NumRequesters]model.CompState
	heldFrom [model.NumComponents][model.NumRequesters]uint64 // seq of the record that set the hold
	policy   model.ActivationPolicy
	backup   bool // a backup covered this server since its last window opened
	notified bool
	win      *x2window
}

type x2db struct {
	copies    []int32 // servers
	suspended []bool
	active    int32
	mounted   bool
}

type x2client struct{ home, at int32 }

// x2window is one maintenance of one server: from its first entry step to
// the next entry after its exit, or the end.
type x2window struct {
	exiting  bool
	lastExit uint64 // seq at the window's latest exit step
	maxEntry int    // highest entry rank done
	maxExit  int    // highest exit rank done (in exit numbering, 5 = components first)
	reported map[string]bool
	// pre-entry state
	holds     [model.NumComponents][model.NumRequesters]model.CompState
	policy    model.ActivationPolicy
	suspended map[[2]int32]bool // (db, server) → suspended
	mounted   []int32           // databases mounted and active here
	clientsAt map[int32]int32   // client → server it connected to
	opened    model.Record
}

func (c *invX2) server(s int32) *x2server {
	if s < 0 {
		return nil
	}
	for int(s) >= len(c.servers) {
		c.servers = append(c.servers, x2server{})
	}
	return &c.servers[s]
}

func (c *invX2) db(d int32) *x2db {
	if d < 0 || int(d) >= len(c.dbs) {
		return nil
	}
	return &c.dbs[d]
}

func (c *invX2) Observe(r *model.Record) {
	if r.Kind == model.RecEnd {
		for s := range c.servers {
			if w := c.servers[s].win; w != nil && w.exiting {
				c.judgeExit(int32(s), r)
			}
		}
		return
	}
	if d := r.Decl; d != nil && d.Exchange != nil {
		c.declare(r)
		return
	}
	x := r.Ex
	if x == nil {
		return
	}
	s := c.server(r.Server)
	switch r.Kind {
	case model.RecExBackup, model.RecExUsersNotified:
		for i := range c.servers {
			if r.Server == model.None || int32(i) == r.Server {
				if r.Kind == model.RecExBackup {
					c.servers[i].backup = true
				} else {
					c.servers[i].notified = true
				}
			}
		}
	case model.RecExClientsRedirected:
		if s == nil {
			return
		}
		if x.Target != r.Server {
			c.entry(r.Server, stepRedirect, r, model.None)
		} else {
			c.exit(r.Server, stepRedirect, r)
		}
		for i := range c.clients {
			if c.clients[i].home == r.Server {
				c.clients[i].at = x.Target
			}
		}
	case model.RecExPolicy:
		if s == nil {
			return
		}
		switch {
		case x.Policy == model.PolicyBlocked && s.policy != model.PolicyBlocked:
			c.entry(r.Server, stepBlock, r, model.None)
		case x.Policy != model.PolicyBlocked && s.policy == model.PolicyBlocked:
			c.exit(r.Server, stepBlock, r)
		}
		s.policy = x.Policy
	case model.RecExCopySuspended, model.RecExCopyResumed:
		d := c.db(x.Database)
		if s == nil || d == nil {
			return
		}
		k := slices.Index(d.copies, r.Server)
		if k < 0 {
			return
		}
		if r.Kind == model.RecExCopySuspended {
			c.entry(r.Server, stepSuspend, r, x.Database)
		} else {
			c.exit(r.Server, stepSuspend, r)
		}
		d.suspended[k] = r.Kind == model.RecExCopySuspended
	case model.RecExDatabaseDismounted, model.RecExDatabaseMounted:
		d := c.db(x.Database)
		if s == nil || d == nil {
			return
		}
		switch {
		case r.Kind == model.RecExDatabaseMounted:
			c.exit(r.Server, stepDismount, r)
		case !x.Auto:
			c.entry(r.Server, stepDismount, r, x.Database)
		}
		d.mounted = r.Kind == model.RecExDatabaseMounted
	case model.RecExDatabaseMoved:
		if d := c.db(x.Database); d != nil && x.Target >= 0 {
			d.active = x.Target
		}
	case model.RecExComponentState:
		if s == nil {
			return
		}
		c.seq++
		prev := s.holds[x.Component][x.Requester]
		if x.Requester == model.ReqMaintenance {
			switch {
			case x.State != model.StateActive:
				c.entry(r.Server, stepDrain, r, model.None)
			case prev != model.StateActive:
				c.exit(r.Server, stepDrain, r)
			}
		}
		if x.State != prev {
			s.holds[x.Component][x.Requester] = x.State
			s.heldFrom[x.Component][x.Requester] = c.seq
		}
	}
}

func (c *invX2) declare(r *model.Record) {
	x := r.Decl.Exchange
	switch r.Kind {
	case model.RecServer:
		s := c.server(r.Server)
		if s == nil {
			return
		}
		s.policy = x.Policy
		for _, h := range x.Holds {
			s.holds[h.Component][h.Requester] = h.State
		}
	case model.RecExDatabase:
		if r.Ex == nil || r.Ex.Database < 0 {
			return
		}
		for int(r.Ex.Database) >= len(c.dbs) {
			c.dbs = append(c.dbs, x2db{})
		}
		d := &c.dbs[r.Ex.Database]
		for _, cp := range x.Copies {
			d.copies = append(d.copies, cp.Server)
			d.suspended = append(d.suspended, cp.Suspended)
		}
		d.active, d.mounted = x.Active, x.Mounted
	case model.RecExClient:
		if r.Ex == nil || r.Ex.Client < 0 {
			return
		}
		for int(r.Ex.Client) >= len(c.clients) {
			c.clients = append(c.clients, x2client{})
		}
		c.clients[r.Ex.Client] = x2client{home: r.Server, at: r.Server}
	}
}

// once reports a violation at most once per window and key.
func (c *invX2) once(w *x2window, key string, r *model.Record, srv int32, extra []string, format string, args ...any) {
	if w.reported[key] {
		return
	}
	w.reported[key] = true
	evs := []*model.Record{r}
	if w.opened.Kind != model.RecNone && (w.opened.At != r.At || w.opened.Kind != r.Kind) {
		evs = []*model.Record{&w.opened, r}
	}
	c.exViolate(r.At, srv, extra, evs, format, args...)
}

// stepName says what a record did, for messages.
func (c *invX2) stepName(r *model.Record) string {
	x := r.Ex
	sv := c.cat.ServerName(r.Server)
	switch r.Kind {
	case model.RecExClientsRedirected:
		return fmt.Sprintf("redirect_clients %s → %s", sv, c.cat.ServerName(x.Target))
	case model.RecExPolicy:
		return fmt.Sprintf("set_mailbox_server %s %s", sv, x.Policy)
	case model.RecExCopySuspended:
		return "suspend_mailbox_database_copy " + copyName(c.cat, x.Database, r.Server)
	case model.RecExCopyResumed:
		return "resume_mailbox_database_copy " + copyName(c.cat, x.Database, r.Server)
	case model.RecExDatabaseDismounted:
		return "dismount_database " + c.cat.DatabaseName(x.Database)
	case model.RecExDatabaseMounted:
		return "mount_database " + c.cat.DatabaseName(x.Database)
	case model.RecExComponentState:
		return fmt.Sprintf("set_server_component_state %s %s %s (%s)", sv, x.Component, x.State, x.Requester)
	}
	return r.Kind.String()
}

// homed lists the clients homed on s (names) and whether any still
// connects to it.
func (c *invX2) homed(s int32) (names []string, stillHere bool) {
	for i, cl := range c.clients {
		if cl.home == s {
			names = append(names, c.cat.ClientName(int32(i)))
			stillHere = stillHere || cl.at == s
		}
	}
	return names, stillHere
}

// entry judges an entry step of rank k on server sv, before the record's
// change is applied (the state is the one the operator acted on).
func (c *invX2) entry(sv int32, k int, r *model.Record, db int32) {
	s := &c.servers[sv]
	if s.win != nil && s.win.exiting {
		c.judgeExit(sv, r)
		s.win = nil
	}
	if s.win == nil {
		c.open(sv, r)
	}
	w := s.win
	step := c.stepName(r)
	srvName := c.cat.ServerName(sv)
	if w.maxEntry > k {
		c.once(w, fmt.Sprintf("late-%d", k), r, sv, nil,
			"X3 order: %s after the runbook had moved on to \"%s\" (entry order: redirect clients, block auto-activation, suspend copies, dismount databases, drain components)",
			step, entryNames[w.maxEntry])
	}
	w.maxEntry = max(w.maxEntry, k)
	if k > stepRedirect && len(c.servers) > 1 {
		if names, here := c.homed(sv); here {
			c.once(w, "redirect", r, sv, nil,
				"X4 pitfall traffic-not-redirected: %s while the clients of %s (%s) still connect to it; redirect them to another server first (redirect_clients)",
				step, srvName, strings.Join(names, ", "))
		}
	}
	if k > stepBlock && s.policy != model.PolicyBlocked {
		c.once(w, "block", r, sv, nil,
			"X3 order: %s before database copy auto-activation was blocked on %s (set_mailbox_server %s Blocked comes second)", step, srvName, srvName)
	}
	switch {
	case k == stepDismount && db >= 0:
		if d := c.db(db); d != nil {
			if i := slices.Index(d.copies, sv); i >= 0 && !d.suspended[i] {
				c.once(w, "dismount-"+c.cat.DatabaseName(db), r, sv, []string{"database " + c.cat.DatabaseName(db)},
					"X4 pitfall dismount-before-suspend: %s dismounted before its copy %s was suspended (suspend_mailbox_database_copy first)",
					c.cat.DatabaseName(db), copyName(c.cat, db, sv))
			}
		}
	case k > stepSuspend:
		if open := c.unsuspended(sv); len(open) > 0 {
			c.once(w, "suspend", r, sv, nil, "X3 order: %s while copies on %s are not suspended (%s)", step, srvName, strings.Join(open, ", "))
		}
	}
	if k > stepDismount {
		if up := c.mountedOn(sv); len(up) > 0 {
			c.once(w, "mounted", r, sv, nil, "X3 order: %s while %s still mounted on %s (dismount or move them first)", step, strings.Join(up, ", "), srvName)
		}
	}
}

func (c *invX2) unsuspended(sv int32) []string {
	var out []string
	for d := range c.dbs {
		if i := slices.Index(c.dbs[d].copies, sv); i >= 0 && !c.dbs[d].suspended[i] {
			out = append(out, copyName(c.cat, int32(d), sv))
		}
	}
	return out
}

func (c *invX2) mountedOn(sv int32) []string {
	var out []string
	for d := range c.dbs {
		if c.dbs[d].active == sv && c.dbs[d].mounted {
			out = append(out, c.cat.DatabaseName(int32(d)))
		}
	}
	return out
}

// open starts a window at its first entry step: X4's preparations must
// have happened, and the state now is what the exit must restore.
func (c *invX2) open(sv int32, r *model.Record) {
	s := &c.servers[sv]
	w := &x2window{reported: map[string]bool{}, holds: s.holds, policy: s.policy, suspended: map[[2]int32]bool{},
		clientsAt: map[int32]int32{}, opened: *r}
	for d := range c.dbs {
		db := &c.dbs[d]
		if i := slices.Index(db.copies, sv); i >= 0 {
			w.suspended[[2]int32{int32(d), sv}] = db.suspended[i]
		}
		if db.active == sv && db.mounted {
			w.mounted = append(w.mounted, int32(d))
		}
	}
	for i, cl := range c.clients {
		if cl.home == sv {
			w.clientsAt[int32(i)] = cl.at
		}
	}
	s.win = w
	srvName := c.cat.ServerName(sv)
	if !s.backup {
		c.once(w, "no-backup", r, sv, nil,
			"X4 pitfall no-backup: maintenance of %s began (%s) with no backup of its databases before it (backup_databases)", srvName, c.stepName(r))
	}
	if !s.notified {
		c.once(w, "users-not-notified", r, sv, nil,
			"X4 pitfall users-not-notified: maintenance of %s began (%s) without notifying its users (notify_users)", srvName, c.stepName(r))
	}
	s.backup, s.notified = false, false
}

// exit judges an exit step of rank k on server sv (k in entry numbering:
// the exit undoes rank 5 first). Outside a window it is not a runbook step.
func (c *invX2) exit(sv int32, k int, r *model.Record) {
	s := &c.servers[sv]
	w := s.win
	if w == nil {
		return
	}
	w.exiting = true
	w.lastExit = c.seq
	e := stepDrain + 1 - k // exit position: 1 = components Active … 5 = clients back
	step := c.stepName(r)
	srvName := c.cat.ServerName(sv)
	if w.maxExit > e {
		c.once(w, fmt.Sprintf("exit-late-%d", e), r, sv, nil,
			"X3 exit order: %s after the exit had moved on to \"%s\" (exit order: components Active, remount, resume copies, restore the policy, clients back)",
			step, exitNames[stepDrain+1-w.maxExit])
	}
	w.maxExit = max(w.maxExit, e)
	if held := c.maintenanceHolds(sv, w); e > 1 && held != "" {
		c.once(w, "exit-components", r, sv, nil,
			"X3 exit order: %s while requester Maintenance still holds %s on %s (set them Active first)", step, held, srvName)
	}
	if e > 2 {
		if down := c.notRemounted(w); len(down) > 0 {
			c.once(w, "exit-mount", r, sv, nil, "X3 exit order: %s before %s was remounted", step, strings.Join(down, ", "))
		}
	}
	if e > 3 {
		if still := c.stillSuspended(w, sv); len(still) > 0 {
			c.once(w, "exit-resume", r, sv, nil, "X3 exit order: %s before the copies %s were resumed", step, strings.Join(still, ", "))
		}
	}
	if e > 4 && s.policy != w.policy && r.Kind != model.RecExPolicy {
		c.once(w, "exit-policy", r, sv, nil, "X3 exit order: %s before DatabaseCopyAutoActivationPolicy on %s was restored to %s", step, srvName, w.policy)
	}
}

// maintenanceHolds lists what requester Maintenance holds on sv that it
// did not hold before the window's entry: a hold it had before entry is
// the pre-entry state the exit restores (X3), not a step left undone.
func (c *invX2) maintenanceHolds(sv int32, w *x2window) string {
	var held []string
	for k := range model.NumComponents {
		if st := c.servers[sv].holds[k][model.ReqMaintenance]; st != model.StateActive && st != w.holds[k][model.ReqMaintenance] {
			held = append(held, model.Component(k).String()+" "+st.String())
		}
	}
	return strings.Join(held, ", ")
}

func (c *invX2) notRemounted(w *x2window) []string {
	var out []string
	for _, d := range w.mounted {
		if !c.dbs[d].mounted {
			out = append(out, c.cat.DatabaseName(d))
		}
	}
	return out
}

func (c *invX2) stillSuspended(w *x2window, sv int32) []string {
	var out []string
	for d := range c.dbs {
		i := slices.Index(c.dbs[d].copies, sv)
		if i >= 0 && c.dbs[d].suspended[i] && !w.suspended[[2]int32{int32(d), sv}] {
			out = append(out, copyName(c.cat, int32(d), sv))
		}
	}
	return out
}

// judgeExit compares the state after an exit with the state before entry
// (X3: each step restores it), at the next entry or at the end of the run.
func (c *invX2) judgeExit(sv int32, r *model.Record) {
	s := &c.servers[sv]
	w := s.win
	srvName := c.cat.ServerName(sv)
	// X4 "a requester left set after exit": the runbook's requester,
	// Maintenance (X3 step 5), still holding what it did not before entry
	// when the exit's last step was taken. The other requesters are the
	// system's (health probes, setup): their holds, whenever taken, are
	// not the runbook's doing.
	const q = model.ReqMaintenance
	for k := range model.NumComponents {
		if st := s.holds[k][q]; st != model.StateActive && st != w.holds[k][q] && s.heldFrom[k][q] <= w.lastExit {
			comp := model.Component(k)
			c.once(w, "left-"+comp.String()+"-"+q.String(), r, sv, []string{"component " + comp.String()},
				"X4 pitfall requester-left-set: after the exit, %s on %s is still held %s by requester %s (it was not before entry)",
				comp, srvName, st, q)
		}
	}
	if s.policy != w.policy {
		c.once(w, "left-policy", r, sv, nil, "X3: the exit did not restore DatabaseCopyAutoActivationPolicy on %s: %s, was %s", srvName, s.policy, w.policy)
	}
	if still := c.stillSuspended(w, sv); len(still) > 0 {
		c.once(w, "left-suspended", r, sv, nil, "X3: the exit did not resume the copies %s", strings.Join(still, ", "))
	}
	if down := c.notRemounted(w); len(down) > 0 {
		c.once(w, "left-dismounted", r, sv, nil, "X3: the exit did not remount %s", strings.Join(down, ", "))
	}
	for i, cl := range c.clients {
		if before, ok := w.clientsAt[int32(i)]; ok && cl.at != before {
			c.once(w, "left-clients", r, sv, []string{"client " + c.cat.ClientName(int32(i))},
				"X3: the exit did not bring the clients of %s back: %s connects to %s, before entry to %s",
				srvName, c.cat.ClientName(int32(i)), c.cat.ServerName(cl.at), c.cat.ServerName(before))
		}
	}
}
