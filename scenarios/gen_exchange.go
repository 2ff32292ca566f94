package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
)

// This file generates exchange scenarios (GenConfig.Profile "exchange")
// for `maintsim check` and `maintsim selftest`, and perturbs exchange
// scenario files. A generated scenario is one the correct model passes:
// maintenance windows follow the X3 runbook to the letter, with the X4
// preparations, one server at a time; around them, noise — other
// requesters (HealthAPI, Functional, …) taking components out and giving
// them back — exercises X1 and X2 without being a runbook step. So a
// violation is always a defect of the model, never of the generated
// operator. The smallest draws are the simplest scenario (one server, one
// database, no window, no noise), which is where rapid shrinks to.

// DefaultExchangeGenConfig is what `maintsim check --profile exchange`
// explores.
func DefaultExchangeGenConfig() GenConfig {
	return GenConfig{Profile: "exchange", MaxServers: 3, MaxObjects: 3, MinActions: 0, MaxActions: 8, Horizon: 12 * time.Hour}
}

// SelftestExchangeGenConfig is what the selftest explores the exchange
// mutants with: more noise, so requesters overlap often.
func SelftestExchangeGenConfig() GenConfig {
	return GenConfig{Profile: "exchange", MaxServers: 3, MaxObjects: 3, MinActions: 2, MaxActions: 12, Horizon: 12 * time.Hour}
}

// Draw tables, simplest first.
var (
	exGenLoads = []struct {
		rate     Rate
		delivery DurationDist
	}{
		{120, ConstDuration(2 * time.Second)},
		{60, UniformDuration(10*time.Second, 40*time.Second)},
		{240, ConstDuration(time.Second)},
		{30, ExponentialDuration(20 * time.Second)},
	}
	exGenNoiseComps = []string{"HubTransport", "FrontendTransport", "MailboxDeliveryProxy", "OwaProxy", "MapiProxy"}
	exGenNoiseReqs  = []string{"HealthAPI", "Functional", "Sidelined", "Deployment"}
	exGenProtocols  = []string{"", "owa", "activesync"}
	exGenRates      = []Rate{60, 12}
)

func genExchangeFile(cfg GenConfig) *rapid.Generator[*File] {
	return rapid.Custom(func(t *rapid.T) *File {
		f := drawExchangeWorld(t, cfg)
		f.Actions = drawExchangeActions(t, cfg, f)
		f.Expect = []Expect{{Invariants: &InvariantsExpect{Hold: true}}}
		return f
	})
}

func drawExchangeWorld(t *rapid.T, cfg GenConfig) *File {
	seed := uint64(intRange(1, 1000).Draw(t, "seed"))
	f := &File{Name: "generated", Seed: &seed, Start: GenStart, Until: After(cfg.Horizon),
		Semantics: &SemanticsConfig{Profile: "exchange"}}
	ns := intRange(1, max(1, min(cfg.MaxServers, 3))).Draw(t, "servers")
	for i := range ns {
		load := exGenLoadsG.Draw(t, "load")
		s := Server{Name: fmt.Sprintf("ex-%02d", i+1), Version: "2019", MessageRate: load.rate, DeliveryTime: load.delivery,
			Policy: exGenPoliciesG.Draw(t, "policy")}
		if ns > 1 {
			s.DAG = "DAG1"
		}
		if intRange(0, 5).Draw(t, "initial_hold") == 5 {
			s.Components = []ComponentHold{{Component: "Monitoring", Requester: "HealthAPI", State: "Inactive"}}
		}
		f.Servers = append(f.Servers, s)
	}
	nd := intRange(1, max(1, min(cfg.MaxObjects, 3))).Draw(t, "databases")
	for d := range nd {
		first := intRange(0, ns-1).Draw(t, "active_server")
		db := Database{Name: fmt.Sprintf("DB%02d", d+1), Copies: []DatabaseCopy{{Server: f.Servers[first].Name}}}
		for k := range ns {
			if k != first && genBoolG.Draw(t, "copy") {
				db.Copies = append(db.Copies, DatabaseCopy{Server: f.Servers[k].Name})
			}
		}
		if intRange(0, 9).Draw(t, "starts_dismounted") == 9 {
			no := false
			db.Mounted = &no
		}
		f.Databases = append(f.Databases, db)
	}
	for i := range ns {
		for k := range intRange(0, 2).Draw(t, "clients") {
			f.Clients = append(f.Clients, Client{Name: fmt.Sprintf("c%d%d", i+1, k+1), Server: f.Servers[i].Name,
				Database:    f.Databases[intRange(0, nd-1).Draw(t, "client_database")].Name,
				Protocol:    exGenProtocolsG.Draw(t, "protocol"),
				RequestRate: exGenRatesG.Draw(t, "request_rate")})
		}
	}
	return f
}

// exGenState follows what the runbooks do, so each window acts on the
// world as the previous ones left it.
type exGenState struct {
	f       *File
	active  map[string]string // database → server of its active copy
	mounted map[string]bool
	out     []Action
}

func (g *exGenState) add(at time.Duration, a Action) {
	a.At = After(at)
	g.out = append(g.out, a)
}

func (g *exGenState) others(s string) []string {
	var out []string
	for _, sv := range g.f.Servers {
		if sv.Name != s {
			out = append(out, sv.Name)
		}
	}
	return out
}

func drawExchangeActions(t *rapid.T, cfg GenConfig, f *File) []Action {
	g := &exGenState{f: f, active: map[string]string{}, mounted: map[string]bool{}}
	for _, d := range f.Databases {
		g.active[d.Name] = d.Copies[0].Server
		g.mounted[d.Name] = d.Mounted == nil || *d.Mounted
	}
	h := cfg.Horizon
	step := func(name string) time.Duration {
		return time.Duration(intRange(1, 5).Draw(t, name)) * time.Minute
	}
	cursor := time.Duration(intRange(2, 12).Draw(t, "first_window_5min")) * 5 * time.Minute
	for _, srv := range f.Servers {
		if !genBoolG.Draw(t, "maintain") {
			continue
		}
		length := time.Duration(intRange(3, 18).Draw(t, "window_10min")) * 10 * time.Minute
		if cursor+length+40*time.Minute > h {
			break
		}
		g.window(t, srv, cursor, length, step)
		cursor += length + 40*time.Minute
	}
	n := intRange(cfg.MinActions, max(cfg.MinActions, cfg.MaxActions)).Draw(t, "noise")
	g.out = append(g.out, drawExchangeNoise(t, f, h, n)...)
	sort.SliceStable(g.out, func(i, j int) bool { return g.out[i].At.Offset < g.out[j].At.Offset })
	return g.out
}

// window is one server's maintenance, entry at T and exit length later,
// in X3 order with the X4 preparations before it.
func (g *exGenState) window(t *rapid.T, srv Server, T, length time.Duration, step func(string) time.Duration) {
	s := srv.Name
	prep := max(0, T-time.Duration(intRange(1, 6).Draw(t, "prep_5min"))*5*time.Minute)
	backupOn := ""
	if genBoolG.Draw(t, "backup_one_server") {
		backupOn = s
	}
	g.add(prep, Action{Do: "backup_databases", Server: backupOn})
	text := "maintenance of " + s
	g.add(prep, Action{Do: "notify_users", Server: s, Text: &text})
	others := g.others(s)
	var moved []string
	for _, d := range g.f.Databases {
		if g.active[d.Name] != s || !g.mounted[d.Name] {
			continue
		}
		for _, cp := range d.Copies {
			if cp.Server != s && genBoolG.Draw(t, "move_off") {
				g.add(T-time.Minute, Action{Do: "move_active_mailbox_database", Database: d.Name, Server: cp.Server})
				g.active[d.Name] = cp.Server
				moved = append(moved, d.Name)
				break
			}
		}
	}
	at := T
	redirected := false
	if len(others) > 0 && slices.ContainsFunc(g.f.Clients, func(c Client) bool { return c.Server == s }) {
		g.add(at, Action{Do: "redirect_clients", Server: s, Target: others[0]})
		redirected = true
		at += step("after_redirect")
	}
	g.add(at, Action{Do: "set_mailbox_server", Server: s, Policy: "Blocked"})
	at += step("after_block")
	var copies []string
	for _, d := range g.f.Databases {
		if slices.ContainsFunc(d.Copies, func(c DatabaseCopy) bool { return c.Server == s }) {
			g.add(at, Action{Do: "suspend_mailbox_database_copy", Database: d.Name, Server: s})
			copies = append(copies, d.Name)
		}
	}
	at += step("after_suspend")
	var dismounted []string
	for _, d := range g.f.Databases {
		if g.active[d.Name] == s && g.mounted[d.Name] {
			g.add(at, Action{Do: "dismount_database", Database: d.Name})
			dismounted = append(dismounted, d.Name)
		}
	}
	at += step("after_dismount")
	comps := []string{"HubTransport", "FrontendTransport"}
	if genBoolG.Draw(t, "drain_mailbox_delivery") {
		comps = append(comps, "MailboxDeliveryProxy")
	}
	for _, c := range comps {
		st := "Draining"
		if intRange(0, 3).Draw(t, "inactive_instead") == 3 {
			st = "Inactive"
		}
		g.add(at, Action{Do: "set_server_component_state", Server: s, Component: c, State: st, Requester: "Maintenance"})
	}
	if len(others) > 0 && genBoolG.Draw(t, "redirect_message") {
		g.add(at+time.Duration(intRange(0, 6).Draw(t, "redirect_10s"))*10*time.Second,
			Action{Do: "redirect_message", Server: s, Target: others[0]})
	}
	offline := genBoolG.Draw(t, "offline")
	if offline {
		g.add(at+2*time.Minute, Action{Do: "set_server_component_state", Server: s, Component: "ServerWideOffline", State: "Inactive", Requester: "Maintenance"})
	}
	exit := max(T+length, at+3*time.Minute)
	if offline {
		g.add(exit, Action{Do: "set_server_component_state", Server: s, Component: "ServerWideOffline", State: "Active", Requester: "Maintenance"})
	}
	for _, c := range comps {
		g.add(exit, Action{Do: "set_server_component_state", Server: s, Component: c, State: "Active", Requester: "Maintenance"})
	}
	for _, d := range dismounted {
		g.add(exit+time.Minute, Action{Do: "mount_database", Database: d})
	}
	for _, d := range copies {
		g.add(exit+2*time.Minute, Action{Do: "resume_mailbox_database_copy", Database: d, Server: s})
	}
	policy := srv.Policy
	if policy == "" {
		policy = "Unrestricted"
	}
	g.add(exit+3*time.Minute, Action{Do: "set_mailbox_server", Server: s, Policy: policy})
	if redirected {
		g.add(exit+4*time.Minute, Action{Do: "redirect_clients", Server: s, Target: s})
	}
	for _, d := range moved {
		if genBoolG.Draw(t, "move_back") {
			g.add(exit+5*time.Minute, Action{Do: "move_active_mailbox_database", Database: d, Server: s})
			g.active[d] = s
		}
	}
}

// drawExchangeNoise draws n pairs of holds by requesters other than
// Maintenance: a component taken out, then given back before the horizon.
// They are not runbook steps (X3 is the Maintenance requester's), so
// they may fall anywhere.
func drawExchangeNoise(t *rapid.T, f *File, h time.Duration, n int) []Action {
	var out []Action
	slots := int((h - 10*time.Minute) / (5 * time.Minute))
	for range n {
		if len(f.Servers) == 0 || slots < 1 {
			break
		}
		s := f.Servers[intRange(0, len(f.Servers)-1).Draw(t, "noise_server")].Name
		c := exGenNoiseCompsG.Draw(t, "noise_component")
		r := exGenNoiseReqsG.Draw(t, "noise_requester")
		st := exGenNoiseStatesG.Draw(t, "noise_state")
		from := time.Duration(intRange(0, slots).Draw(t, "noise_at_5min")) * 5 * time.Minute
		to := min(h, from+time.Duration(intRange(1, 12).Draw(t, "noise_for_5min"))*5*time.Minute)
		out = append(out,
			Action{At: After(from), Do: "set_server_component_state", Server: s, Component: c, State: st, Requester: r},
			Action{At: After(to), Do: "set_server_component_state", Server: s, Component: c, State: "Active", Requester: r})
	}
	return out
}

var exGenScales = []float64{1, 0.5, 2}

// maxGenRate keeps a scaled rate within the format's limit.
const maxGenRate Rate = 360_000

// perturbExchange perturbs an exchange scenario file: action times move
// by up to an hour either way but keep their order (the runbook's order is
// what INV-X2 judges, so reordering would make a runbook violation rather
// than find a model defect), no action is dropped, message and request
// rates and delivery times are scaled, and noise pairs are added.
func perturbExchange(t *rapid.T, f *File, cfg GenConfig) {
	start, horizon := startAndHorizon(f)
	order := make([]int, len(f.Actions))
	offsets := make([]time.Duration, len(f.Actions))
	for i, a := range f.Actions {
		order[i], offsets[i] = i, offsetOf(a.At, start)
	}
	sort.SliceStable(order, func(i, j int) bool { return offsets[order[i]] < offsets[order[j]] })
	times := make([]time.Duration, len(order))
	for k, i := range order {
		shift := time.Duration(intRange(-6, 6).Draw(t, "shift_10min")) * 10 * time.Minute
		times[k] = min(horizon, max(0, offsets[i]+shift))
	}
	slices.Sort(times)
	acts := make([]Action, 0, len(f.Actions))
	for k, i := range order {
		a := f.Actions[i]
		a.At = After(times[k])
		acts = append(acts, a)
	}
	for i := range f.Servers {
		s := &f.Servers[i]
		s.MessageRate = min(s.MessageRate*Rate(exGenScalesG.Draw(t, "rate_scale")), maxGenRate)
		if k := rapid.SampledFrom(exGenScales[:2]).Draw(t, "delivery_scale"); k != 1 {
			s.DeliveryTime = scaleDuration(s.DeliveryTime, k)
		}
	}
	for i := range f.Clients {
		f.Clients[i].RequestRate = min(f.Clients[i].RequestRate*Rate(exGenScalesG.Draw(t, "request_scale")), maxGenRate)
	}
	acts = append(acts, drawExchangeNoise(t, f, horizon, intRange(0, max(1, cfg.MaxActions/3)).Draw(t, "extra_noise"))...)
	sort.SliceStable(acts, func(i, j int) bool { return offsetOf(acts[i].At, start) < offsetOf(acts[j].At, start) })
	f.Actions = acts
	f.Expect = []Expect{{Invariants: &InvariantsExpect{Hold: true}}}
}

// ExchangeMutants lists the built-in mutants of the exchange profile's
// model, which SelftestExchangeGenConfig's worlds and INV-X1..X3 explore.
func ExchangeMutants() []model.MutantInfo {
	var out []model.MutantInfo
	for _, m := range model.Mutants() {
		if m.Mutant.Profile() == "exchange" {
			out = append(out, m)
		}
	}
	return out
}
