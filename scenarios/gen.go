package scenarios

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"pgregory.net/rapid"
)

// This file holds the generators of random scenarios, for `maintsim check`,
// `maintsim selftest` and users' own property-based suites:
//
//	rapid.Check(t, func(t *rapid.T) {
//	    f := scenarios.GenFile().Draw(t, "scenario")
//	    ...
//	})
//
// They build File values, the Go form of a scenario file, so a failing case
// prints as a YAML file that `maintsim run` reproduces. Every choice is a
// rapid draw whose smallest value is the simplest scenario (one server, one
// tenant, one job, few objects, no action), so rapid shrinks a failure to a
// short story. The generated world is valid by construction: Compile
// accepts every File they produce.

// GenConfig bounds the random worlds and action sequences.
type GenConfig struct {
	MaxServers int           // servers per world (≥ 1)
	MaxTenants int           // tenants per world (≥ 1)
	MaxJobs    int           // jobs per tenant (≥ 1)
	MaxObjects int           // objects per job (≥ 1)
	MinActions int           // operator actions per scenario
	MaxActions int           // operator actions per scenario
	Horizon    time.Duration // until: +Horizon
	// Faults allows service stop/start/restart, power off/on and tenant
	// disable/enable (with backup moves after a disable) among the actions.
	Faults bool
	// ActionKinds are the actions to draw from, a kind listed twice drawn
	// twice as often; nil: the default mix (and Faults adds the faults).
	ActionKinds []string
	// Profile is "" (Cloud Connect) or "exchange": an exchange world with
	// servers, databases, clients, runbooks and noise (gen_exchange.go).
	Profile string
}

// IsZero reports whether cfg is the zero value (which means the default).
func (cfg GenConfig) IsZero() bool {
	return cfg.MaxServers == 0 && cfg.MaxTenants == 0 && cfg.MaxJobs == 0 && cfg.MaxObjects == 0 &&
		cfg.MinActions == 0 && cfg.MaxActions == 0 && cfg.Horizon == 0 && !cfg.Faults && cfg.ActionKinds == nil && cfg.Profile == ""
}

// DefaultGenConfig is what `maintsim check` explores: small worlds whose
// sessions overlap the operator's actions.
func DefaultGenConfig() GenConfig {
	return GenConfig{MaxServers: 2, MaxTenants: 3, MaxJobs: 3, MaxObjects: 5, MinActions: 0, MaxActions: 12,
		Horizon: 12 * time.Hour, Faults: true}
}

// GenStart is the start of every generated scenario: a fixed instant keeps
// counterexamples readable and their times comparable.
var GenStart = time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)

// GenWorld generates a world (servers, tenants, jobs) with no actions and
// no expectations, from DefaultGenConfig.
func GenWorld() *rapid.Generator[*File] { return GenWorldWith(DefaultGenConfig()) }

// GenWorldWith generates a world within cfg's bounds.
func GenWorldWith(cfg GenConfig) *rapid.Generator[*File] {
	cfg = cfg.normalized()
	if cfg.Profile == "exchange" {
		return rapid.Custom(func(t *rapid.T) *File { return drawExchangeWorld(t, cfg) })
	}
	return rapid.Custom(func(t *rapid.T) *File { return drawWorld(t, cfg) })
}

// GenFile generates a whole scenario from DefaultGenConfig: a world, a
// sequence of operator actions, and `expect: - invariants: hold`.
func GenFile() *rapid.Generator[*File] { return GenFileWith(DefaultGenConfig()) }

// GenFileWith generates a whole scenario within cfg's bounds.
func GenFileWith(cfg GenConfig) *rapid.Generator[*File] {
	cfg = cfg.normalized()
	if cfg.Profile == "exchange" {
		return genExchangeFile(cfg) // gen_exchange.go
	}
	return rapid.Custom(func(t *rapid.T) *File {
		f := drawWorld(t, cfg)
		f.Actions = drawActions(t, cfg, f)
		f.Expect = []Expect{{Invariants: &InvariantsExpect{Hold: true}}}
		return f
	})
}

func (cfg GenConfig) normalized() GenConfig {
	d := DefaultGenConfig()
	if cfg.IsZero() {
		return d
	}
	if cfg.MaxServers < 1 {
		cfg.MaxServers = d.MaxServers
	}
	if cfg.MaxTenants < 1 {
		cfg.MaxTenants = d.MaxTenants
	}
	if cfg.MaxJobs < 1 {
		cfg.MaxJobs = d.MaxJobs
	}
	if cfg.MaxObjects < 1 {
		cfg.MaxObjects = d.MaxObjects
	}
	if cfg.MaxActions < cfg.MinActions {
		cfg.MaxActions = cfg.MinActions
	}
	if cfg.Horizon <= 0 {
		cfg.Horizon = d.Horizon
	}
	return cfg
}

// Draw tables. The first entry of each is the simplest, which is where
// rapid shrinks to.
var (
	genVersions = []string{"12", "13", "9.5u3", "11", "10", "9.5"} // 9.5 is too old for M1
	genClients  = []string{"vbr 12", "vbr 9.5", "vac 12", "agent-windows 6", "agent-linux 2.0", "vbr 9.5u3",
		"vac 9.5", "agent-mac 2.1"} // vbr/vac 9.5 and agents < 2.1 are too old for the notice (M6)
	genMessages = []string{"Upgrade to v12; back by 04:00 UTC", "Back soon", ""}
	genJobs     = []genJob{
		{"backup", "vsphere", "vbr", "cloud_repository"},
		{"backup", "hyperv", "vbr", "cloud_repository"},
		{"agent_backup", "agent", "agent", "cloud_repository"}, // standalone agent (M4)
		{"restore", "vsphere", "vbr", "cloud_repository"},      // M8
		{"backup_copy", "vsphere", "vbr", "cloud_repository"},
		{"agent_backup", "agent", "vbr", "cloud_repository"},
		{"backup", "vcd", "vbr", "cloud_repository"},    // M10
		{"replication", "vsphere", "vbr", "cloud_host"}, // M9
		{"cdp", "vsphere", "vbr", "cloud_host"},
		{"failover", "vsphere", "vbr", "cloud_host"},
		{"failback", "vsphere", "vbr", "cloud_host"},
		{"backup", "vsphere", "vbr", "local"},
	}
	genMinutes   = []int{20, 10, 40, 5, 90, 60}
	genSizesGiB  = []int{50, 10, 200, 1}
	genEvery     = []time.Duration{3 * time.Hour, 2 * time.Hour, 4 * time.Hour, 6 * time.Hour, time.Hour}
	genWaits     = []time.Duration{10 * time.Minute, 5 * time.Minute, 30 * time.Minute, 0}
	genTenantBps = []Bandwidth{0, 200 * MbitPerSec, 1 * GbitPerSec, 50 * MbitPerSec}
	genSlots     = []int{0, 2, 1, 4, 8}
	genMaxTasks  = []int{0, 1, 2, 3}
)

type genJob struct{ kind, platform, managedBy, target string }

func drawWorld(t *rapid.T, cfg GenConfig) *File {
	seed := uint64(intRange(1, 1000).Draw(t, "seed"))
	f := &File{Name: "generated", Seed: &seed, Start: GenStart, Until: After(cfg.Horizon)}
	if intRange(0, 4).Draw(t, "semantics") == 4 {
		f.Semantics = &SemanticsConfig{
			ReplicationInMaintenance: genReplicationModesG.Draw(t, "replication_in_maintenance"),
			VCDBackupInMaintenance:   genVCDModesG.Draw(t, "vcd_backup_in_maintenance"),
			GracefulStopResult:       genGracefulResultsG.Draw(t, "graceful_stop_result"),
		}
	}
	ns := intRange(1, cfg.MaxServers).Draw(t, "servers")
	f.Servers = make([]Server, 0, ns) // each list sized once: a check worker draws thousands of files
	for i := range ns {
		s := Server{Name: fmt.Sprintf("cc-%02d", i+1),
			Version:   genVersionsG.Draw(t, "version"),
			TaskSlots: genSlotsG.Draw(t, "task_slots")}
		if intRange(0, 3).Draw(t, "custom_message") == 3 {
			s.MaintenanceMessage = genMessages[0]
		}
		if s.Version != "9.5" && intRange(0, 7).Draw(t, "starts_in_maintenance") == 7 { // M1
			s.Maintenance = true
		}
		f.Servers = append(f.Servers, s)
	}
	nt := intRange(1, cfg.MaxTenants).Draw(t, "tenants")
	f.Tenants = make([]Tenant, 0, nt)
	for i := range nt {
		tn := Tenant{Name: "t" + strconv.Itoa(i+1),
			Server:             f.Servers[intRange(0, ns-1).Draw(t, "tenant_server")].Name,
			Client:             genClientsG.Draw(t, "client"),
			MaxConcurrentTasks: genMaxTasksG.Draw(t, "max_concurrent_tasks"),
			Bandwidth:          genTenantBpsG.Draw(t, "tenant_bandwidth")}
		if intRange(0, 9).Draw(t, "starts_disabled") == 9 {
			no := false
			tn.Enabled = &no
		}
		nj := intRange(1, cfg.MaxJobs).Draw(t, "jobs")
		tn.Jobs = make([]Job, 0, nj)
		for k := range nj {
			tn.Jobs = append(tn.Jobs, drawJob(t, cfg, k))
		}
		f.Tenants = append(f.Tenants, tn)
	}
	return f
}

// jobParts are the values a drawn job points to, in one allocation
// rather than one each.
type jobParts struct {
	set    ObjectSet
	prefix string
	first  TimeSpec
	sched  Schedule
	every  Duration
	retry  Retry
	count  int
}

func drawJob(t *rapid.T, cfg GenConfig, k int) Job {
	g := genJobsG.Draw(t, "job_kind")
	j := Job{Name: g.kind + "-" + strconv.Itoa(k+1), Kind: g.kind, Platform: g.platform, ManagedBy: g.managedBy, Target: g.target}
	parts := new(jobParts)
	set := &parts.set
	set.Count = intRange(1, cfg.MaxObjects).Draw(t, "objects")
	if g.kind == "agent_backup" {
		parts.prefix = "pc"
		set.Prefix = &parts.prefix
	}
	if intRange(0, 3).Draw(t, "bandwidth_model") == 3 {
		// Sized objects moved at the tenant's share of bandwidth (M14).
		set.Size = ConstSize(Size(genSizesGiBG.Draw(t, "size_gib")) * GiB)
	} else {
		m := time.Duration(genMinutesG.Draw(t, "duration_min")) * time.Minute
		if intRange(0, 3).Draw(t, "duration_spread") == 3 {
			set.Duration = UniformDuration(m, 2*m)
		} else {
			set.Duration = ConstDuration(m)
		}
	}
	j.Objects = Objects{Set: set}
	parts.first = TimeSpec{Offset: Duration(time.Duration(intRange(0, int(cfg.Horizon/(20*time.Minute))/2).Draw(t, "first_start")) * 10 * time.Minute)}
	switch intRange(0, 3).Draw(t, "schedule") {
	case 0:
		parts.sched = Schedule{At: &parts.first}
	case 1, 2:
		parts.every = Duration(genEveryG.Draw(t, "every"))
		parts.sched = Schedule{At: &parts.first, Every: &parts.every}
	default:
		parts.sched = Schedule{Manual: true}
	}
	j.Schedule = &parts.sched
	if intRange(0, 2).Draw(t, "retry") == 2 {
		parts.count = intRange(1, 3).Draw(t, "retry_count")
		parts.retry = Retry{Count: &parts.count, Wait: Duration(genWaitsG.Draw(t, "retry_wait"))}
		j.Retry = &parts.retry
	}
	return j
}

// Action kinds by weight: the simplest (and the point of the tool) first.
var (
	genActionKinds = []string{"enable_maintenance", "disable_maintenance", "stop_job", "start_job",
		"enable_maintenance", "stop_job", "set_maintenance_message", "disable_maintenance", "start_job"}
	genFaultKinds = []string{"restart_service", "stop_service", "start_service", "disable_tenant", "enable_tenant",
		"power_off", "power_on"}
	genActionAndFaultKinds = slices.Concat(genActionKinds, genFaultKinds)
)

// actionNames are what actions may refer to: names, and when each job's
// scheduled sessions start, so that actions can be drawn while sessions run
// (a stop of a job that is not running only makes a rejection).
type actionNames struct {
	servers []string
	tenants []string
	jobs    [][]genTarget // per tenant
	starts  []time.Duration
	// frozen tenants get no tenant actions: they have a backup move whose
	// M12 precondition a perturbation must not break.
	frozen map[string]bool
}

type genTarget struct {
	name   string
	starts []time.Duration // scheduled session starts within the horizon
}

// maxAnchors bounds the session starts remembered per job.
const maxAnchors = 24

func namesOf(f *File, horizon time.Duration) actionNames {
	start := f.Start
	if start.IsZero() {
		start = DefaultStart
	}
	var n actionNames
	n.servers = make([]string, 0, len(f.Servers))
	for _, s := range f.Servers {
		n.servers = append(n.servers, s.Name)
	}
	tenants := 0
	for i := range f.Tenants {
		tenants += max(1, f.Tenants[i].FleetSize())
	}
	n.tenants, n.jobs = make([]string, 0, tenants), make([][]genTarget, 0, tenants)
	for _, t := range f.Tenants {
		jobs := make([]genTarget, 0, len(t.Jobs))
		for k := range t.Jobs {
			g := genTarget{name: t.Jobs[k].Name, starts: jobStarts(&t.Jobs[k], start, horizon)}
			jobs = append(jobs, g)
			n.starts = append(n.starts, g.starts...)
		}
		names := []string{t.Name}
		if n := t.FleetSize(); n > 0 {
			names = fleetNames(t.Name, n)
		}
		for _, name := range names {
			n.tenants = append(n.tenants, name)
			n.jobs = append(n.jobs, jobs)
		}
	}
	slices.Sort(n.starts)
	n.starts = slices.Compact(n.starts)
	return n
}

// jobStarts lists a job's scheduled starts before the horizon (jitter
// aside).
func jobStarts(j *Job, start time.Time, horizon time.Duration) []time.Duration {
	s := j.Schedule
	if s == nil || s.Manual {
		return nil
	}
	var first time.Duration
	var every time.Duration
	if s.Every != nil {
		every = time.Duration(*s.Every)
	}
	if s.At != nil {
		at, ok := s.At.Since(start)
		if !ok {
			return nil
		}
		first = time.Duration(at)
	}
	if mins, ok := parseDaily(s.Daily); s.Daily != "" && ok {
		first, every = time.Duration(firstDaily(start, mins)), 24*time.Hour
	}
	var out []time.Duration
	for at := first; at < horizon && len(out) < maxAnchors; at += every {
		out = append(out, at)
		if every <= 0 {
			break
		}
	}
	return out
}

func drawActions(t *rapid.T, cfg GenConfig, f *File) []Action {
	return drawActionsFor(t, cfg, namesOf(f, cfg.Horizon), cfg.MinActions, cfg.MaxActions)
}

func drawActionsFor(t *rapid.T, cfg GenConfig, names actionNames, minN, maxN int) []Action {
	kinds := cfg.ActionKinds
	if kinds == nil {
		kinds = genActionKinds
		if cfg.Faults {
			kinds = genActionAndFaultKinds
		}
	}
	steps := int(cfg.Horizon / (5 * time.Minute))
	// at draws a time: mostly shortly after a session start (anchored),
	// else anywhere before the horizon.
	at := func(anchors []time.Duration) time.Duration {
		if len(anchors) > 0 && intRange(0, 3).Draw(t, "anchored") < 3 {
			a := anchors[intRange(0, len(anchors)-1).Draw(t, "anchor")]
			return min(cfg.Horizon, a+time.Duration(intRange(0, 12).Draw(t, "after_5min"))*5*time.Minute)
		}
		return time.Duration(intRange(0, steps).Draw(t, "at_5min")) * 5 * time.Minute
	}
	n := intRange(minN, maxN).Draw(t, "actions")
	out := make([]Action, 0, n)
	kindG := rapid.SampledFrom(kinds) // once, not once an action (a generator is an allocation)
	for range n {
		if len(names.servers) == 0 || len(names.tenants) == 0 {
			break
		}
		a := Action{Do: kindG.Draw(t, "do")}
		var extra []Action
		switch a.Do {
		case "enable_maintenance", "disable_maintenance", "stop_service", "start_service", "restart_service",
			"power_off", "power_on":
			a.Server = names.servers[intRange(0, len(names.servers)-1).Draw(t, "server")]
			a.At = After(at(names.starts))
		case "set_maintenance_message":
			a.Server = names.servers[intRange(0, len(names.servers)-1).Draw(t, "server")]
			text := genMessagesG.Draw(t, "text")
			a.Text = &text
			a.At = After(at(names.starts))
		case "disable_tenant", "enable_tenant":
			a.Tenant = names.tenants[intRange(0, len(names.tenants)-1).Draw(t, "tenant")]
			a.At = After(at(names.starts))
			if names.frozen[a.Tenant] {
				continue
			}
			// M12: backups move only after the tenant is disabled, so the
			// correct model stays clean (INV-15 judges the runbook).
			if a.Do == "disable_tenant" && genBoolG.Draw(t, "move_backups") {
				extra = append(extra, Action{At: a.At, Do: "move_backups", Tenant: a.Tenant})
			}
		case "stop_job", "start_job":
			ti := intRange(0, len(names.tenants)-1).Draw(t, "tenant")
			job := names.jobs[ti][intRange(0, len(names.jobs[ti])-1).Draw(t, "job")]
			a.Tenant, a.Job = names.tenants[ti], job.name
			a.At = After(at(job.starts))
			if a.Do == "stop_job" {
				a.Mode = genStopModesG.Draw(t, "mode")
				if len(job.starts) == 0 {
					// A manual job runs only when started: start it first.
					start := Action{At: a.At, Do: "start_job", Tenant: a.Tenant, Job: a.Job}
					a.At = After(min(cfg.Horizon, a.At.Offset.Std()+time.Duration(intRange(0, 12).Draw(t, "stop_after_5min"))*5*time.Minute))
					out = append(out, start)
				}
			}
		}
		out = append(out, a)
		out = append(out, extra...)
	}
	// Same-time actions run in file order: a stable sort keeps each move
	// right after its disable, each stop after its start.
	slices.SortStableFunc(out, func(a, b Action) int { return cmp.Compare(a.At.Offset, b.At.Offset) })
	return out
}

// GenPerturbations generates random perturbations of the given scenarios:
// each action shifted by up to an hour either way or dropped, each job's
// object durations and sizes scaled, and a few extra operator actions.
// Shrinking leads back towards the unperturbed scenario. Backup moves, and
// the tenant actions of a tenant whose backups move, are left as written:
// moving them would make a runbook violation (INV-15) rather than find a
// defect. Session expectations are replaced by `invariants: hold`.
func GenPerturbations(bases []BaseScenario, cfg GenConfig) *rapid.Generator[*File] {
	cfg = cfg.normalized()
	type prepared struct {
		path string
		yaml []byte
		err  error
	}
	ps := make([]prepared, len(bases))
	for i, b := range bases {
		y, err := Marshal(b.File)
		ps[i] = prepared{path: b.Path, yaml: y, err: err}
	}
	return rapid.Custom(func(t *rapid.T) *File {
		i := 0
		if len(ps) > 1 {
			i = intRange(0, len(ps)-1).Draw(t, "base")
		}
		if ps[i].err != nil {
			panic(fmt.Sprintf("check: cannot copy %s: %v", ps[i].path, ps[i].err))
		}
		f, err := DecodeFile(ps[i].path, ps[i].yaml)
		if err != nil {
			panic(fmt.Sprintf("check: cannot copy %s: %v", ps[i].path, err))
		}
		perturb(t, f, cfg)
		f.base = i + 1
		return f
	})
}

var genScales = []float64{1, 0.5, 2, 0.25, 3}

// startAndHorizon is a file's start (or the default) and how long it runs.
func startAndHorizon(f *File) (time.Time, time.Duration) {
	start := f.Start
	if start.IsZero() {
		start = DefaultStart
	}
	horizon := DefaultDuration
	if f.Until != nil {
		if at, ok := f.Until.Since(start); ok && at > 0 {
			horizon = time.Duration(at)
		}
	}
	return start, horizon
}

func perturb(t *rapid.T, f *File, cfg GenConfig) {
	if f.Semantics != nil && f.Semantics.Profile == "exchange" {
		perturbExchange(t, f, cfg) // gen_exchange.go
		return
	}
	start, horizon := startAndHorizon(f)
	cfg.Horizon = horizon
	names := namesOf(f, horizon)
	names.frozen = map[string]bool{}
	for _, a := range f.Actions {
		if a.Do == "move_backups" {
			names.frozen[a.Tenant] = true
		}
	}
	var acts []Action
	for _, a := range f.Actions {
		if a.Do == "move_backups" || (a.Do == "disable_tenant" || a.Do == "enable_tenant") && names.frozen[a.Tenant] || a.At == nil {
			acts = append(acts, a)
			continue
		}
		shift := time.Duration(intRange(-6, 6).Draw(t, "shift_10min")) * 10 * time.Minute
		if intRange(0, 7).Draw(t, "drop") == 7 {
			continue
		}
		// A shifted action stays within [start, until], as the loader
		// wants (an action at until still happens).
		at := *a.At
		if at.IsAbsolute() {
			at.Time = at.Time.Add(shift)
			if at.Time.Before(start) {
				at.Time = start
			}
			if end := start.Add(horizon); at.Time.After(end) {
				at.Time = end
			}
		} else {
			at.Offset = min(Duration(horizon), max(0, at.Offset+Duration(shift)))
		}
		a.At = &at
		acts = append(acts, a)
	}
	for ti := range f.Tenants {
		for ji := range f.Tenants[ti].Jobs {
			scale := genScalesG.Draw(t, "scale")
			if scale == 1 {
				continue
			}
			o := &f.Tenants[ti].Jobs[ji].Objects
			if o.Set != nil {
				o.Set.Size, o.Set.Duration = scaleSize(o.Set.Size, scale), scaleDuration(o.Set.Duration, scale)
			}
			for k := range o.Items {
				o.Items[k].Size, o.Items[k].Duration = scaleSize(o.Items[k].Size, scale), scaleDuration(o.Items[k].Duration, scale)
			}
		}
	}
	acts = append(acts, drawActionsFor(t, cfg, names, 0, max(1, cfg.MaxActions/3))...)
	sort.SliceStable(acts, func(i, j int) bool { return offsetOf(acts[i].At, start) < offsetOf(acts[j].At, start) })
	f.Actions = acts
	f.Expect = []Expect{{Invariants: &InvariantsExpect{Hold: true}}}
}

func offsetOf(t *TimeSpec, start time.Time) time.Duration {
	if t == nil {
		return 0
	}
	at, _ := t.Since(start)
	return time.Duration(at)
}

func scaleDuration(d DurationDist, k float64) DurationDist {
	if d.IsSet() {
		d.A, d.B = Duration(scaled(int64(d.A), k)), Duration(scaled(int64(d.B), k))
	}
	return d
}

func scaleSize(z SizeDist, k float64) SizeDist {
	if z.IsSet() {
		z.A, z.B = Size(scaled(int64(z.A), k)), Size(scaled(int64(z.B), k))
	}
	return z
}

// scaled is v·k, saturating at the largest int64 (the format's limit for
// sizes and durations) where the conversion would wrap to a negative value
// the loader refuses.
func scaled(v int64, k float64) int64 {
	if f := float64(v) * k; f < math.MaxInt64 {
		return int64(f)
	}
	return math.MaxInt64
}
