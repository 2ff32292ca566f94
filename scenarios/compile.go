package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// Defaults of the format, documented in docs/scenario-format.md.
var (
	DefaultStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	DefaultSeed     uint64 = 1
	DefaultDuration        = 24 * time.Hour // until: +24h
	DefaultPrefix          = "vm"           // objects: {count: N} names vm1 … vmN
)

// Compile validates a File built in Go (or decoded by DecodeFile) and
// compiles it into a Scenario. Problems carry no positions, so each names
// its field by path (tenants[0].server). path is used in messages only.
func Compile(path string, f *File) (*Scenario, error) {
	if f == nil {
		return nil, &InputError{Path: path, Problems: []Problem{{Msg: "no scenario (nil File)"}}}
	}
	return compile(path, nil, f, nil)
}

// compiler walks a File once, checking every rule and building the Spec as
// it goes; names resolve to the indices the model uses, in file order.
type compiler struct {
	ps    problems
	f     *File
	spec  *model.Spec
	start time.Time
	until sim.Time

	servers     map[string]int32
	serverPaths []fieldPath
	tenants     map[string]int32 // expanded names
	tenantPaths []fieldPath      // of the file entry each tenant came from
	firstJob    []int32          // per tenant: index of its first job (jobs are contiguous)
	jobIndex    []map[string]int // per file tenant entry: job name → position in its list
	tenantEntry []int32          // per tenant: its file entry
	jobRoom     []model.JobSpec  // compileJobs' output, copied out per tenant
	objRoom     []model.ObjectSpec
}

func compile(path string, src []byte, f *File, loc *locator) (*Scenario, error) {
	return compileWith(newCompiler(), path, src, f, loc)
}

func newCompiler() *compiler {
	return &compiler{spec: &model.Spec{}, servers: map[string]int32{}, tenants: map[string]int32{}}
}

// compileWith is compile into c's storage: a fresh compiler's, or the
// last compile's (a check worker's, which compiles a case after each
// other: compiler.renew). The scenario is then valid until c's next use.
func compileWith(c *compiler, path string, src []byte, f *File, loc *locator) (*Scenario, error) {
	c.renew(f, loc)
	c.header(path)
	c.compileSemantics()
	limits := c.compileLimits()
	var expect []Expectation
	c.rejectEmptyExpectText(c.spec.Semantics.Profile != "exchange")
	if c.spec.Semantics.Profile == "exchange" {
		expect = c.compileExchange() // compile_exchange.go
	} else {
		c.rejectExchangeOnly()
		c.compileServers()
		c.compileTenants()
		c.compileActions()
		expect = c.compileExpect()
	}
	if len(c.ps.list) > 0 {
		sortProblems(c.ps.list)
		return nil, &InputError{Path: path, Source: src, Problems: c.ps.list}
	}
	return &Scenario{Path: path, Source: src, Spec: c.spec, Expect: expect, Limits: limits}, nil
}

// renew readies c to compile f, keeping what its maps and slices hold
// room for; everything else starts as in a new compiler. It was two
// fifths of what a check case allocated.
func (c *compiler) renew(f *File, loc *locator) {
	sp := c.spec
	*sp = model.Spec{Servers: sp.Servers[:0], Tenants: sp.Tenants[:0], TenantKeys: sp.TenantKeys[:0],
		Jobs: sp.Jobs[:0], Actions: sp.Actions[:0]}
	clear(c.servers)
	clear(c.tenants)
	*c = compiler{ps: problems{loc: loc}, f: f, spec: sp, servers: c.servers, tenants: c.tenants,
		serverPaths: c.serverPaths[:0], tenantPaths: c.tenantPaths[:0], firstJob: c.firstJob[:0],
		jobIndex: c.jobIndex[:0], tenantEntry: c.tenantEntry[:0], jobRoom: c.jobRoom[:0], objRoom: c.objRoom[:0]}
}

func (c *compiler) header(path string) {
	f, sp := c.f, c.spec
	sp.Name = f.Name
	if sp.Name == "" {
		sp.Name = scenarioName(path)
	}
	sp.Seed = DefaultSeed
	if f.Seed != nil {
		sp.Seed = *f.Seed
	}
	c.start = DefaultStart
	if !f.Start.IsZero() {
		c.start = f.Start
		if err := checkInstant(f.Start, f.Start.Format(time.RFC3339Nano)); err != nil {
			c.ps.at(pathOf("start"), "%v", err)
		}
	}
	sp.Start = c.start
	c.until = sim.Time(DefaultDuration)
	if f.Until != nil {
		p := pathOf("until")
		at, ok := f.Until.Since(c.start)
		written := c.ps.text(p, f.Until.String())
		switch {
		case !ok && f.Until.IsAbsolute() && f.Until.Time.After(c.start):
			c.ps.at(p, "%s is too far after start (at most about 292 years)", written)
		case !ok || at == 0:
			c.ps.at(p, "%s is not after start (%s)", written, c.start.Format(time.RFC3339Nano))
		default:
			c.until = at
		}
	}
	sp.Until = c.until
}

func (c *compiler) compileSemantics() {
	sem := model.DefaultSemantics()
	s := c.f.Semantics
	if s != nil {
		p := pathOf("semantics")
		c.rejectEmptyEnums(p, []emptyEnum{{"profile", s.Profile, "vcc, exchange"},
			{"replication_in_maintenance", s.ReplicationInMaintenance, "allow, stop"},
			{"vcd_backup_in_maintenance", s.VCDBackupInMaintenance, "allow, stop"},
			{"graceful_stop_result", s.GracefulStopResult, "Warning, Success"}})
		switch s.Profile {
		case "", "vcc":
		case "exchange":
			sem.Profile = "exchange"
		default:
			c.ps.at(p.with("profile"), "unknown profile %q (one of: vcc, exchange)", s.Profile)
		}
		if s.ReplicationInMaintenance != "" {
			sem.ReplicationInMaintenance, _ = checkEnum(&c.ps, p.with("replication_in_maintenance"), s.ReplicationInMaintenance, model.ParseKnob)
		}
		if s.VCDBackupInMaintenance != "" {
			sem.VCDBackupInMaintenance, _ = checkEnum(&c.ps, p.with("vcd_backup_in_maintenance"), s.VCDBackupInMaintenance, model.ParseKnob)
		}
		if s.GracefulStopResult != "" {
			if c.ps.checkResult(p.with("graceful_stop_result"), s.GracefulStopResult, "Warning", "Success") {
				sem.GracefulStopResult, _ = model.ParseResult(s.GracefulStopResult)
			}
		}
		if s.SnapshotTime != nil {
			sem.SnapshotTime = c.nonNegative(p.with("snapshot_time"), *s.SnapshotTime)
		}
		if s.CommitTime != nil {
			sem.CommitTime = c.nonNegative(p.with("commit_time"), *s.CommitTime)
		}
	}
	c.spec.Semantics = sem
}

// nonNegative checks a duration built in Go (parsed ones are never negative).
func (c *compiler) nonNegative(p fieldPath, d Duration) time.Duration {
	if d < 0 {
		c.ps.at(p, "%s is negative; durations are ≥ 0", time.Duration(d))
		return 0
	}
	return time.Duration(d)
}

func (c *compiler) compileLimits() sim.Limits {
	l := c.f.Limits
	if l == nil {
		return sim.Limits{}
	}
	// Zero is no run at all, not "no limit": refuse it rather than read
	// it as the default.
	var out sim.Limits
	if l.MaxEvents != nil {
		if *l.MaxEvents == 0 {
			c.ps.at(pathOf("limits", "max_events"), "0 would stop the run at its first event; leave max_events out for the default")
		}
		out.MaxEvents = *l.MaxEvents
	}
	if l.MaxSpan != nil {
		if *l.MaxSpan == 0 {
			c.ps.at(pathOf("limits", "max_span"), "0s would stop the run at its start; leave max_span out for the default")
		}
		out.MaxSpan = c.nonNegative(pathOf("limits", "max_span"), *l.MaxSpan)
	}
	return out
}

func (c *compiler) compileServers() {
	for i, s := range c.f.Servers {
		p := pathOf("servers", i)
		spec := model.ServerSpec{Name: s.Name, MaintenanceMessage: s.MaintenanceMessage, Maintenance: s.Maintenance}
		if c.ps.checkName(p.with("name"), s.Name, "server", false) {
			if j, dup := c.servers[s.Name]; dup {
				c.ps.at(p.with("name"), "duplicate server name %q (first at %s)", s.Name, c.ps.where(c.serverPaths[j].with("name")))
			} else {
				c.servers[s.Name] = int32(len(c.spec.Servers))
			}
		}
		spec.Version, _ = c.ps.checkServerVersion(p.with("version"), s.Version)
		if s.Maintenance && spec.Version != 0 && spec.Version < model.MinServerForMaintenance {
			c.ps.at(p.with("maintenance"), "a %s server cannot be in maintenance mode: it needs 9.5u3 or later (M1)", spec.Version)
		}
		if c.ps.checkCount(p.with("task_slots"), s.TaskSlots, 0) {
			spec.TaskSlots = int32(s.TaskSlots)
		}
		spec.BandwidthBps = c.bandwidth(p.with("bandwidth"), s.Bandwidth)
		switch s.Service {
		case "", "running":
		case "stopped":
			spec.ServiceStopped = true
		default:
			c.ps.at(p.with("service"), "unknown service state %q (one of: running, stopped)", s.Service)
		}
		switch s.Power {
		case "", "on":
		case "off":
			spec.PoweredOff = true
		default:
			c.ps.at(p.with("power"), "unknown power state %q (one of: on, off)", s.Power)
		}
		c.serverPaths = append(c.serverPaths, p)
		c.spec.Servers = append(c.spec.Servers, spec)
	}
}

func (c *compiler) bandwidth(p fieldPath, b Bandwidth) int64 {
	if b < 0 {
		c.ps.at(p, "%d bit/s is negative; bandwidths are ≥ 0", int64(b))
		return 0
	}
	return int64(b)
}

func (c *compiler) serverNames() []string {
	names := make([]string, 0, len(c.f.Servers))
	for _, s := range c.f.Servers {
		if s.Name != "" { // a nameless server is reported on its own
			names = append(names, s.Name)
		}
	}
	return names
}

func (c *compiler) compileTenants() {
	c.jobIndex = slices.Grow(c.jobIndex[:0], len(c.f.Tenants))[:len(c.f.Tenants)] // compileJobs clears a kept map
	// Size the outputs once (a fleet of 100,000 tenants, and a check
	// case's few, both grew them by doubling).
	tenants, jobs := 0, 0
	for i := range c.f.Tenants {
		n := c.f.Tenants[i].FleetSize()
		if n <= 0 || n > maxFleet {
			n = 1 // a single tenant, or an error reported below
		}
		tenants += n
		jobs += n * len(c.f.Tenants[i].Jobs)
	}
	c.spec.Tenants = slices.Grow(c.spec.Tenants, tenants)
	c.tenantPaths = slices.Grow(c.tenantPaths, tenants)
	c.tenantEntry = slices.Grow(c.tenantEntry, tenants)
	c.firstJob = slices.Grow(c.firstJob, tenants)
	c.spec.Jobs = slices.Grow(c.spec.Jobs, jobs)
	for i := range c.f.Tenants {
		t := &c.f.Tenants[i]
		p := pathOf("tenants", i)
		base := model.TenantSpec{Server: model.None}
		nameOK := c.ps.checkName(p.with("name"), t.Name, "tenant", true)
		count := 0
		switch {
		case t.Count == nil:
		case *t.Count <= 0:
			// Not one tenant, not none: a sweep varying the count would
			// otherwise silently compare one tenant named NAME.
			c.ps.at(p.with("count"), "%d: a fleet has at least one tenant; leave count out for a single tenant named %q", *t.Count, t.Name)
		case c.ps.checkCount(p.with("count"), *t.Count, maxFleet):
			count = *t.Count
		}
		if t.Server == "" {
			c.ps.required(p.with("server"), "the name of the server this tenant is on")
		} else if sv, ok := c.servers[t.Server]; ok {
			base.Server = sv
		} else {
			c.ps.at(p.with("server"), "no server is named %q (servers: %s)", t.Server, quoteList(c.serverNames()))
		}
		if strings.TrimSpace(t.Client) == "" {
			c.ps.required(p.with("client"), "the tenant's product and version, as in \"vbr 12\"")
		} else {
			base.Client, _ = checkEnum(&c.ps, p.with("client"), t.Client, model.ParseClient)
		}
		if c.ps.checkCount(p.with("max_concurrent_tasks"), t.MaxConcurrentTasks, 0) {
			base.MaxTasks = int32(t.MaxConcurrentTasks)
		}
		base.BandwidthBps = c.bandwidth(p.with("bandwidth"), t.Bandwidth)
		base.RPO = c.nonNegative(p.with("rpo"), t.RPO)
		base.Disabled = t.Enabled != nil && !*t.Enabled

		jobs := c.compileJobs(i, p, t) // a fleet's members share their jobs' object lists
		names := []string{t.Name}
		if count > 0 {
			names = fleetNames(t.Name, count)
		}
		dupReported := false // one message per entry, not one per fleet member
		for k, name := range names {
			ti := int32(len(c.spec.Tenants))
			if nameOK {
				if j, dup := c.tenants[name]; dup {
					if !dupReported {
						first := c.tenantPaths[j].with("name")
						if fleet := &c.f.Tenants[c.tenantEntry[j]]; fleet.FleetSize() > 0 {
							c.ps.at(p.with("name"), "duplicate tenant name %q (the fleet %q at %s expands to it)", name, fleet.Name, c.ps.where(first))
						} else {
							c.ps.at(p.with("name"), "duplicate tenant name %q (first at %s)", name, c.ps.where(first))
						}
						dupReported = true
					}
				} else {
					// The members after a clash are still registered: a
					// later entry clashing with one of them is reported in
					// the same pass, and a reference to one is not called
					// dangling.
					c.tenants[name] = ti
				}
			}
			spec := base
			spec.Name = name
			key := ""
			if count > 0 {
				key = t.Name + "#" + strconv.Itoa(k+1)
			}
			c.spec.Tenants = append(c.spec.Tenants, spec)
			c.spec.TenantKeys = append(c.spec.TenantKeys, key)
			c.tenantPaths = append(c.tenantPaths, p)
			c.tenantEntry = append(c.tenantEntry, int32(i))
			c.firstJob = append(c.firstJob, int32(len(c.spec.Jobs)))
			for _, j := range jobs {
				j.Tenant = ti
				c.spec.Jobs = append(c.spec.Jobs, j)
			}
		}
		c.jobRoom = jobs[:0]
	}
}

// fleetNames expands NAME with count N into NAME-0001 … NAME-N, padded to
// max(4, digits(N)) so names sort in fleet order.
func fleetNames(name string, n int) []string {
	width := max(4, len(strconv.Itoa(n)))
	out := make([]string, n)
	buf := make([]byte, 0, len(name)+1+width+4)
	for i := range n {
		buf = append(append(buf[:0], name...), '-')
		digits := strconv.Itoa(i + 1)
		for range width - len(digits) {
			buf = append(buf, '0')
		}
		out[i] = string(append(buf, digits...))
	}
	return out
}

// defaultTarget is where a job kind writes unless it says: replicas and
// their failover/failback live on a cloud host, the rest in a cloud
// repository.
func defaultTarget(k model.JobKind) model.Target {
	switch k {
	case model.KindReplication, model.KindCDP, model.KindFailover, model.KindFailback:
		return model.TargetCloudHost
	}
	return model.TargetCloudRepository
}

// compileJobs builds the jobs of one file tenant entry (Tenant unset), in
// c.jobRoom: a fleet copies them, sharing the object slices since the
// model only reads them.
func (c *compiler) compileJobs(entry int, tp fieldPath, t *Tenant) []model.JobSpec {
	if c.jobIndex[entry] == nil {
		c.jobIndex[entry] = map[string]int{}
	} else {
		clear(c.jobIndex[entry]) // the last compile's
	}
	out := c.jobRoom[:0]
	for k := range t.Jobs {
		j := &t.Jobs[k]
		p := tp.with("jobs", k)
		spec := model.JobSpec{Name: j.Name}
		if c.ps.checkName(p.with("name"), j.Name, "job", false) {
			if first, dup := c.jobIndex[entry][j.Name]; dup {
				c.ps.at(p.with("name"), "duplicate job name %q in this tenant (first at %s)", j.Name, c.ps.where(tp.with("jobs", first, "name")))
			} else {
				c.jobIndex[entry][j.Name] = k
			}
		}
		kindOK := false
		if j.Kind == "" {
			c.ps.required(p.with("kind"), "one of "+strings.Join(model.JobKindNames(), ", "))
		} else {
			spec.Kind, kindOK = checkEnum(&c.ps, p.with("kind"), j.Kind, model.ParseJobKind)
		}
		c.rejectEmptyEnums(p, []emptyEnum{{"platform", j.Platform, "vsphere, hyperv, vcd, agent"},
			{"managed_by", j.ManagedBy, "vbr, agent"}, {"target", j.Target, "cloud_repository, cloud_host, local"}})
		switch {
		case j.Platform != "":
			spec.Platform, _ = checkEnum(&c.ps, p.with("platform"), j.Platform, model.ParsePlatform)
		case kindOK && spec.Kind == model.KindAgentBackup:
			spec.Platform = model.PlatformAgent
		default:
			spec.Platform = model.PlatformVSphere
		}
		if j.ManagedBy != "" {
			spec.ManagedBy, _ = checkEnum(&c.ps, p.with("managed_by"), j.ManagedBy, model.ParseManagedBy)
		}
		if j.Target != "" {
			var ok bool
			spec.Target, ok = checkEnum(&c.ps, p.with("target"), j.Target, model.ParseTarget)
			if ok && kindOK {
				if why := targetMismatch(spec.Kind, spec.Target); why != "" {
					c.ps.at(p.with("target"), "kind %s cannot target %s: %s", spec.Kind, spec.Target, why)
				}
			}
		} else {
			spec.Target = defaultTarget(spec.Kind)
		}
		spec.Objects = c.compileObjects(p.with("objects"), &j.Objects)
		if j.Schedule != nil {
			spec.Schedule = c.compileSchedule(p.with("schedule"), j.Schedule)
		}
		if j.Retry != nil {
			rp := p.with("retry")
			switch {
			case j.Retry.Count == nil:
				c.ps.required(rp, "the retry count, as in {count: 3, wait: 10m} (count: 0 for no retries)")
			case c.ps.checkCount(rp.with("count"), *j.Retry.Count, maxRetryCount):
				spec.Retry.Count = int32(*j.Retry.Count)
			}
			spec.Retry.Wait = c.nonNegative(rp.with("wait"), j.Retry.Wait)
		}
		out = append(out, spec)
	}
	return out
}

// targetMismatch says why a job of kind k cannot write to target t, or ""
// when it can. Backups write restore points to a cloud repository (or
// locally); replicas live on a cloud host (or locally). Which of them
// maintenance stops (M3, M5, M9, M10) depends on the target, so a
// combination no product has would be simulated by a guess: refuse it.
// Restores read from where their backups are: any target.
func targetMismatch(k model.JobKind, t model.Target) string {
	switch k {
	case model.KindBackup, model.KindBackupCopy, model.KindAgentBackup:
		if t == model.TargetCloudHost {
			return "backups go to a cloud_repository (or local); a cloud_host holds replicas"
		}
	case model.KindReplication, model.KindCDP, model.KindFailover, model.KindFailback:
		if t == model.TargetCloudRepository {
			return "replicas live on a cloud_host (or local); a cloud_repository holds backups"
		}
	}
	return ""
}

func (c *compiler) compileObjects(p fieldPath, o *Objects) []model.ObjectSpec {
	switch {
	case o.Set != nil && o.Items != nil:
		c.ps.at(p, "give either a list of objects or a {count: N} set, not both")
		return nil
	case o.Set != nil:
		s := o.Set
		if s.Count <= 0 {
			c.ps.at(p.with("count"), "an object set needs count ≥ 1")
			return nil
		}
		if !c.ps.checkCount(p.with("count"), s.Count, maxObjectSet) {
			return nil
		}
		prefix := DefaultPrefix
		if s.Prefix != nil {
			if *s.Prefix == "" {
				// An explicit value is never replaced behind the user's back.
				c.ps.at(p.with("prefix"), "empty; leave prefix out for the default %q, or give one", DefaultPrefix)
				return nil
			}
			prefix = *s.Prefix
		}
		size, dur, ok := c.objectDists(p, s.Size, s.Duration)
		if !ok {
			return nil
		}
		out := c.objects(s.Count)
		for i := range out {
			out[i] = model.ObjectSpec{Name: objectName(prefix, i+1), SizeBytes: size, Duration: dur}
		}
		return out
	case len(o.Items) == 0:
		c.ps.required(p, "a list of objects, or {count: N, prefix: P, size: S}")
		return nil
	}
	out := c.objects(len(o.Items))[:0]
	seen := map[string]int{}
	for i, it := range o.Items {
		ip := p.with(i)
		if !c.ps.checkName(ip.with("name"), it.Name, "object", false) {
			// reported
		} else if first, dup := seen[it.Name]; dup {
			c.ps.at(ip.with("name"), "duplicate object name %q in this job (first at %s)", it.Name, c.ps.where(p.with(first, "name")))
		} else {
			seen[it.Name] = i
		}
		size, dur, _ := c.objectDists(ip, it.Size, it.Duration)
		out = append(out, model.ObjectSpec{Name: it.Name, SizeBytes: size, Duration: dur})
	}
	return out
}

// objects returns room for n objects' specs, cut from one larger
// allocation (a compile's every job's objects, on a check worker's
// compiler reused from case to case).
func (c *compiler) objects(n int) []model.ObjectSpec {
	if cap(c.objRoom)-len(c.objRoom) < n {
		c.objRoom = make([]model.ObjectSpec, 0, max(n, 2*cap(c.objRoom), 32))
	}
	k := len(c.objRoom)
	c.objRoom = c.objRoom[:k+n]
	out := c.objRoom[k : k+n : k+n]
	clear(out)
	return out
}

// objectName is prefix followed by i, the name of an object set's object
// i; the default prefix's first names are made once.
func objectName(prefix string, i int) string {
	if prefix == DefaultPrefix && i < len(defaultObjectNames) {
		return defaultObjectNames[i]
	}
	return prefix + strconv.Itoa(i)
}

var defaultObjectNames = func() (out [65]string) {
	for i := range out {
		out[i] = DefaultPrefix + strconv.Itoa(i)
	}
	return out
}()

// objectDists checks an object's size and duration: at least one given
// (without a duration the bandwidth model needs a size), both valid.
func (c *compiler) objectDists(p fieldPath, size SizeDist, dur DurationDist) (sim.Dist, sim.Dist, bool) {
	if !size.IsSet() && !dur.IsSet() {
		c.ps.at(p, "an object needs a size (moved at the bandwidth share, M14) or a duration (fixed task length), or both")
		return sim.Dist{}, sim.Dist{}, false
	}
	ok := true
	if size.IsSet() {
		ok = c.ps.checkDist(p.with("size"), size.Dist()) && ok
	}
	if dur.IsSet() {
		ok = c.ps.checkDist(p.with("duration"), dur.Dist()) && ok
	}
	return size.Dist(), dur.Dist(), ok
}

func (c *compiler) compileSchedule(p fieldPath, s *Schedule) model.Schedule {
	var out model.Schedule
	if s.Jitter.IsSet() {
		if s.Manual {
			c.ps.at(p.with("jitter"), "a manual schedule has no start to jitter")
		} else if c.ps.checkDist(p.with("jitter"), s.Jitter.Dist()) {
			out.Jitter = s.Jitter.Dist()
		}
	}
	switch {
	case s.Manual:
		if s.At != nil || s.Daily != "" || s.Every != nil {
			c.ps.at(p.with("manual"), "manual: true does not combine with at, daily or every")
		}
		return model.Schedule{Kind: model.ScheduleManual}
	case s.Daily != "" && s.Every != nil:
		c.ps.at(p.with("every"), "daily and every do not combine; pick one")
	case s.Daily != "":
		if s.At != nil {
			c.ps.at(p.with("at"), "at does not combine with daily (the first run is the first HH:MM at or after start)")
		}
		mins, ok := parseDaily(s.Daily)
		if !ok {
			c.ps.at(p.with("daily"), "bad time of day %q: want HH:MM (UTC), as in \"22:00\"", s.Daily)
			return out
		}
		out.Kind, out.Every = model.SchedulePeriodic, 24*time.Hour
		out.First = firstDaily(c.start, mins)
	case s.Every != nil:
		if *s.Every < minEvery {
			c.ps.at(p.with("every"), "%s is shorter than the minimum period of 1s", *s.Every)
			return out
		}
		out.Kind, out.Every = model.SchedulePeriodic, time.Duration(*s.Every)
		if s.At != nil {
			out.First, _ = c.time(p.with("at"), s.At)
		}
	case s.At != nil:
		out.Kind = model.ScheduleOnce
		out.First, _ = c.time(p.with("at"), s.At)
	default:
		c.ps.at(p, "a schedule needs one of {at: T}, {daily: \"HH:MM\"}, {every: D} or {manual: true}")
	}
	return out
}

// firstDaily is the first HH:MM (UTC) at or after start, as an offset.
func firstDaily(start time.Time, mins int) sim.Time {
	u := start.UTC()
	first := time.Date(u.Year(), u.Month(), u.Day(), mins/60, mins%60, 0, 0, time.UTC)
	if first.Before(u) {
		first = first.Add(24 * time.Hour)
	}
	return sim.Since(start, first)
}

// time resolves a point in time and checks it lies within [start, until].
func (c *compiler) time(p fieldPath, t *TimeSpec) (sim.Time, bool) {
	// As written, for a message: formatted only when there is one (a
	// check case compiles dozens of times and has none).
	written := func() string { return c.ps.text(p, t.String()) }
	if t.IsAbsolute() && t.Time.Before(c.start) {
		c.ps.at(p, "%s is before start (%s)", written(), c.start.Format(time.RFC3339Nano))
		return 0, false
	}
	at, ok := t.Since(c.start)
	switch {
	case !ok && !t.IsAbsolute():
		c.ps.at(p, "%s is negative; times are +DURATION after start", written())
		return 0, false
	case !ok || at > c.until:
		c.ps.at(p, "%s is after until (%s)", written(), c.untilText())
		return 0, false
	}
	return at, true
}

func (c *compiler) untilText() string {
	abs := c.until.At(c.start).Format(time.RFC3339Nano)
	if c.f.Until == nil {
		return "+24h by default, " + abs
	}
	if c.f.Until.IsAbsolute() {
		return abs
	}
	return c.ps.text(pathOf("until"), c.f.Until.String()) + ", " + abs
}

func (c *compiler) tenantNames() []string {
	names := make([]string, len(c.spec.Tenants))
	for i, t := range c.spec.Tenants {
		names[i] = t.Name
	}
	return names
}

// tenantRef resolves a tenant name; fleets are named by member (t-0001).
func (c *compiler) tenantRef(p fieldPath, name string) (int32, bool) {
	ti, ok := c.tenants[name]
	if !ok {
		hint := ""
		for i := range c.f.Tenants {
			if t := &c.f.Tenants[i]; t.FleetSize() > 0 && t.Name == name {
				hint = fmt.Sprintf("; %q is a fleet, name one of its tenants, as in %s", name, fleetNames(name, t.FleetSize())[0])
			}
		}
		c.ps.at(p, "no tenant is named %q (tenants: %s)%s", name, quoteList(c.tenantNames()), hint)
	}
	return ti, ok
}

// jobRef resolves a job of a tenant to its index in the spec.
func (c *compiler) jobRef(p fieldPath, ti int32, name string) (int32, bool) {
	entry := c.tenantEntry[ti]
	k, ok := c.jobIndex[entry][name]
	if !ok {
		var names []string
		for _, j := range c.f.Tenants[entry].Jobs {
			names = append(names, j.Name)
		}
		c.ps.at(p, "tenant %q has no job named %q (jobs: %s)", c.spec.Tenants[ti].Name, name, quoteList(names))
		return 0, false
	}
	return c.firstJob[ti] + int32(k), true
}

func (c *compiler) compileActions() {
	for i, a := range c.f.Actions {
		p := pathOf("actions", i)
		act := model.Action{Server: model.None, Tenant: model.None, Job: model.None}
		if a.At == nil {
			c.ps.required(p.with("at"), "when the action happens, as in +2h")
		} else {
			act.At, _ = c.time(p.with("at"), a.At)
		}
		if a.Do == "" {
			c.ps.required(p.with("do"), "the action, one of "+strings.Join(model.ActionKindNames(), ", "))
			c.spec.Actions = append(c.spec.Actions, act)
			continue
		}
		if c.exchangeVerb(p.with("do"), a.Do) {
			c.spec.Actions = append(c.spec.Actions, act)
			continue
		}
		kind, ok := checkEnum(&c.ps, p.with("do"), a.Do, model.ParseActionKind)
		if !ok {
			c.spec.Actions = append(c.spec.Actions, act)
			continue
		}
		act.Do = kind
		need := needsOf(kind)
		unused := func(field string, set bool, on bool) {
			if set && !on {
				c.ps.atKey(p.with(field), "%s does not take %s (it takes %s)", a.Do, field, need.takes())
			}
		}
		unused("server", a.Server != "", need.server)
		unused("tenant", a.Tenant != "", need.tenant)
		unused("job", a.Job != "", need.job)
		unused("mode", a.Mode != "", need.mode)
		unused("text", a.Text != nil, need.text)
		if need.server {
			if a.Server == "" {
				c.ps.required(p.with("server"), a.Do+" needs the name of a server")
			} else if sv, ok := c.servers[a.Server]; ok {
				act.Server = sv
			} else {
				c.ps.at(p.with("server"), "no server is named %q (servers: %s)", a.Server, quoteList(c.serverNames()))
			}
		}
		if need.tenant {
			if a.Tenant == "" {
				c.ps.required(p.with("tenant"), a.Do+" needs the name of a tenant")
			} else if ti, ok := c.tenantRef(p.with("tenant"), a.Tenant); ok {
				act.Tenant = ti
				if need.job {
					if a.Job == "" {
						c.ps.required(p.with("job"), a.Do+" needs the name of one of the tenant's jobs")
					} else if j, ok := c.jobRef(p.with("job"), ti, a.Job); ok {
						act.Job = j
					}
				}
			}
		}
		if need.mode {
			if a.Mode == "" {
				c.ps.required(p.with("mode"), "stop_job needs mode: graceful or immediate")
			} else {
				act.Mode, _ = checkEnum(&c.ps, p.with("mode"), a.Mode, model.ParseStopMode)
			}
		}
		if need.text {
			if a.Text == nil {
				c.ps.required(p.with("text"), "the message to configure (\"\" restores the default notice)")
			} else {
				act.Text = *a.Text
			}
		}
		c.spec.Actions = append(c.spec.Actions, act)
	}
}

// expectTextFields are the text fields of an expect entry whose "" the
// decoder cannot tell from an absent field, with the profile that takes
// them (vcc or exchange). Each names what to check, so "" is a mistake (a
// template whose variable came out empty), never "do not check": read as
// absent it would make a test that checks nothing. message is not among
// them: `message: ""` expects a session that ended normally.
var expectTextFields = []struct {
	name string
	vcc  bool
	get  func(*Expect) string
}{
	{"session", true, func(e *Expect) string { return e.Session }},
	{"result", true, func(e *Expect) string { return e.Result }},
	{"server", false, func(e *Expect) string { return e.Server }},
	{"component", false, func(e *Expect) string { return e.Component }},
	{"state", false, func(e *Expect) string { return e.State }},
	{"database_copy_auto_activation_policy", false, func(e *Expect) string { return e.Policy }},
	{"database", false, func(e *Expect) string { return e.Database }},
	{"client", false, func(e *Expect) string { return e.Client }},
	{"pitfall", false, func(e *Expect) string { return e.Pitfall }},
}

// emptyText reports whether the field at p is written in the file with the
// empty text as its value (v is its decoded value). A File built in Go has
// no positions: there "" is the field left out.
func (c *compiler) emptyText(p fieldPath, v string) bool {
	if v != "" || c.ps.loc == nil {
		return false
	}
	n, _ := c.ps.loc.walk(p.list())
	s, ok := scalarText(scalarNode(n))
	return ok && s == ""
}

// emptyEnum is a field whose value is one of a list, and whose absence
// means its default.
type emptyEnum struct {
	name, value, oneOf string
}

// rejectEmptyEnums reports each field written as "": the empty text is
// neither a value of the list nor the field left out (which takes the
// default), and a template whose variable came out empty must not run
// with a default nobody chose.
func (c *compiler) rejectEmptyEnums(p fieldPath, fs []emptyEnum) {
	for _, f := range fs {
		if c.emptyText(p.with(f.name), f.value) {
			c.ps.at(p.with(f.name), "empty; write one of %s, or leave %s out for its default", f.oneOf, f.name)
		}
	}
}

// hasEmptyText reports whether expect entry i has any of expectTextFields
// written as "".
func (c *compiler) hasEmptyText(i int) bool {
	for _, f := range expectTextFields {
		if c.emptyText(pathOf("expect", i).with(f.name), f.get(&c.f.Expect[i])) {
			return true
		}
	}
	return false
}

// rejectEmptyExpectText reports the expectTextFields of the file's profile
// written as "" (those of the other profile are reported as not belonging).
func (c *compiler) rejectEmptyExpectText(vcc bool) {
	for i := range c.f.Expect {
		e := &c.f.Expect[i]
		for _, f := range expectTextFields {
			fp := pathOf("expect", i).with(f.name)
			switch {
			case f.vcc != vcc || !c.emptyText(fp, f.get(e)):
			case f.name == "session":
				c.ps.at(fp, "empty; want TENANT/JOB#N, as in acme/nightly#1")
			default:
				c.ps.at(fp, "empty; write the value to expect, or leave %s out to not check it", f.name)
			}
		}
	}
}

func (c *compiler) compileExpect() []Expectation {
	var out []Expectation
	for i, e := range c.f.Expect {
		p := pathOf("expect", i)
		x := Expectation{Pos: c.ps.loc.pos(p.list())}
		switch {
		case e.Session != "" && e.Invariants != nil:
			c.ps.atKey(p.with("invariants"), "an expect entry is either a session or invariants, not both")
			continue
		case e.Invariants != nil:
			for _, f := range []struct {
				name string
				set  bool
			}{{"result", e.Result != ""}, {"message", e.Message != nil}, {"restore_points", e.RestorePoints != nil}, {"tasks", e.Tasks != nil}} {
				if f.set {
					c.ps.atKey(p.with(f.name), "%s belongs to a session expectation, not to invariants", f.name)
				}
			}
			iv := e.Invariants
			switch {
			case iv.Hold && iv.Violated != "":
				c.ps.at(p.with("invariants"), "invariants is either hold or {violated: ID}, not both")
			case iv.Hold:
				x.Invariants = "hold"
			default:
				if c.ps.checkInvariantID(p.with("invariants", "violated"), iv.Violated, "") {
					x.Violated = iv.Violated
				}
			}
		case e.Session != "":
			x.Session = e.Session
			c.sessionExpect(p, &e, &x)
		default:
			if !c.hasEmptyText(i) { // reported on its own, at the empty value
				c.ps.at(p, "an expect entry needs session: TENANT/JOB#N or invariants: hold")
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

func (c *compiler) sessionExpect(p fieldPath, e *Expect, x *Expectation) {
	ref, err := parseSessionRef(e.Session)
	if err != nil {
		c.ps.at(p.with("session"), "%s", err.Error())
	}
	var objs []model.ObjectSpec
	known := false
	if err == nil {
		if ti, ok := c.tenantRef(p.with("session"), ref.tenant); ok {
			if j, ok := c.jobRef(p.with("session"), ti, ref.job); ok {
				objs, known = c.spec.Jobs[j].Objects, true
			}
		}
	}
	hasObject := func(o string) bool {
		for _, n := range objs {
			if n.Name == o {
				return true
			}
		}
		return false
	}
	objectHint := func() string {
		names := make([]string, len(objs))
		for i, o := range objs {
			names[i] = o.Name
		}
		return quoteList(names)
	}
	if e.Result != "" && c.ps.checkResult(p.with("result"), e.Result, "Success", "Warning", "Failed") {
		x.Result = e.Result
	}
	x.Message = e.Message
	if e.RestorePoints != nil {
		x.HasRestorePoints = true
		seen := map[string]bool{}
		for k, o := range *e.RestorePoints {
			switch {
			case known && !hasObject(o):
				c.ps.at(p.with("restore_points", k), "the job has no object %q (objects: %s)", o, objectHint())
			case seen[o]:
				c.ps.at(p.with("restore_points", k), "%q is listed twice", o)
			}
			seen[o] = true
		}
		x.RestorePoints = append([]string{}, *e.RestorePoints...)
	}
	if e.Tasks != nil && len(e.Tasks) == 0 {
		// Unlike restore_points: [] (no object got one), {} checks nothing.
		c.ps.at(p.with("tasks"), "names no object; name the objects to check, as in {vm1: Success}, or leave tasks out")
	}
	for _, t := range e.Tasks {
		tp := p.with("tasks", t.Object)
		if known && !hasObject(t.Object) {
			c.ps.atKey(tp, "the job has no object %q (objects: %s)", t.Object, objectHint())
		}
		if c.ps.checkResult(tp, t.Result, "Success", "Failed", "Canceled") {
			x.Tasks = append(x.Tasks, TaskExpect{Object: t.Object, Result: t.Result})
		}
	}
}
