package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a product version ordered numerically: major*10000 +
// minor*100 + update, so "9.5u3" = 90503 and "12" = 120000.
type Version int32

// ParseVersion reads "9.5", "9.5u3", "10", "12.1", "2.1".
func ParseVersion(s string) (Version, error) {
	orig := s
	s = strings.ToLower(strings.TrimSpace(s))
	var update int
	if i := strings.IndexAny(s, "u"); i >= 0 {
		u, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "pdate"))
		if err != nil || u < 0 || u > 99 {
			return 0, fmt.Errorf("bad version %q: update must be a number, as in 9.5u3", orig)
		}
		update, s = u, s[:i]
	}
	major, minor := s, "0"
	if i := strings.IndexByte(s, '.'); i >= 0 {
		major, minor = s[:i], s[i+1:]
	}
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || ma < 0 || ma > 999 || mi < 0 || mi > 99 {
		return 0, fmt.Errorf("bad version %q: want MAJOR[.MINOR][uUPDATE], as in 9.5u3 or 12", orig)
	}
	return Version(ma*10000 + mi*100 + update), nil
}

// MustVersion is ParseVersion for constants.
func MustVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

func (v Version) String() string {
	ma, mi, u := int(v)/10000, int(v)/100%100, int(v)%100
	s := strconv.Itoa(ma)
	if mi != 0 {
		s += "." + strconv.Itoa(mi)
	}
	if u != 0 {
		s += "u" + strconv.Itoa(u)
	}
	return s
}

// Minimum versions from M1 and M6.
var (
	MinServerForMaintenance = MustVersion("9.5u3") // M1
	MinVBRForNotice         = MustVersion("9.5u3") // M6: VBR and VAC
	MinAgentForNotice       = MustVersion("2.1")   // M6: agents
)

// enum is the shared machinery for the small string enums of the model:
// each has a fixed name table, and parsing names the allowed values.
type enumNames []string

func (n enumNames) name(i uint8) string {
	if int(i) < len(n) {
		return n[i]
	}
	return fmt.Sprintf("?%d", i)
}

func (n enumNames) parse(what, s string) (uint8, error) {
	for i, v := range n {
		if v == s && v != "" {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q (one of: %s)", what, s, strings.Join(n.nonEmpty(), ", "))
}

func (n enumNames) nonEmpty() []string {
	var out []string
	for _, v := range n {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Product is a tenant's client product (M6).
type Product uint8

const (
	ProductVBR Product = iota
	ProductVAC
	ProductAgentWindows
	ProductAgentLinux
	ProductAgentMac
)

var productNames = enumNames{"vbr", "vac", "agent-windows", "agent-linux", "agent-mac"}

func (p Product) String() string { return productNames.name(uint8(p)) }

// ProductNames lists the accepted product names.
func ProductNames() []string { return productNames.nonEmpty() }

// IsAgent reports whether p is a standalone backup agent.
func (p Product) IsAgent() bool { return p >= ProductAgentWindows }

// Client is a tenant's product and version, written "vbr 9.5u3".
type Client struct {
	Product Product
	Version Version
}

// ParseClient reads "PRODUCT VERSION".
func ParseClient(s string) (Client, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return Client{}, fmt.Errorf("bad client %q: want PRODUCT VERSION, as in \"vbr 9.5u3\" (products: %s)", s, strings.Join(productNames, ", "))
	}
	p, err := productNames.parse("client product", f[0])
	if err != nil {
		return Client{}, err
	}
	ver := f[1]
	if parts := strings.Split(ver, "."); len(parts) > 2 && allDigits(parts) {
		// A full build number, as products print it. An agent's notice
		// support (M6) depends on MAJOR.MINOR only; a VBR or VAC build
		// number stands for an update, which this table does not know.
		if !Product(p).IsAgent() {
			return Client{}, fmt.Errorf("bad client version %q: give %s's update, as in %q, not its build number", ver, f[0], f[0]+" 9.5u3")
		}
		ver = parts[0] + "." + parts[1]
	}
	v, err := ParseVersion(ver)
	if err != nil {
		return Client{}, err
	}
	return Client{Product: Product(p), Version: v}, nil
}

func allDigits(parts []string) bool {
	for _, s := range parts {
		if s == "" || strings.Trim(s, "0123456789") != "" {
			return false
		}
	}
	return true
}

func (c Client) String() string { return c.Product.String() + " " + c.Version.String() }

// SupportsNotice is M6's client half: VBR/VAC from 9.5 U3, agents from 2.1.
func (c Client) SupportsNotice() bool {
	if c.Product.IsAgent() {
		return c.Version >= MinAgentForNotice
	}
	return c.Version >= MinVBRForNotice
}

// JobKind is what a job does.
type JobKind uint8

const (
	KindBackup JobKind = iota
	KindBackupCopy
	KindAgentBackup
	KindReplication
	KindRestore
	KindFailover
	KindFailback
	KindCDP
)

var kindNames = enumNames{"backup", "backup_copy", "agent_backup", "replication", "restore", "failover", "failback", "cdp"}

func (k JobKind) String() string { return kindNames.name(uint8(k)) }

// ParseJobKind reads a kind name.
func ParseJobKind(s string) (JobKind, error) {
	v, err := kindNames.parse("job kind", s)
	return JobKind(v), err
}

// JobKindNames lists the accepted kinds.
func JobKindNames() []string { return kindNames.nonEmpty() }

// CreatesRestorePoints reports whether a committed task of this kind makes
// a restore point. Restores and failover operations read, they do not write.
func (k JobKind) CreatesRestorePoints() bool {
	switch k {
	case KindRestore, KindFailover, KindFailback:
		return false
	}
	return true
}

// GracefulStoppable is S5: graceful stop exists for VM backup, replication
// and agent jobs only.
func (k JobKind) GracefulStoppable() bool {
	switch k {
	case KindBackup, KindReplication, KindAgentBackup:
		return true
	}
	return false
}

// Platform is where a job's objects live.
type Platform uint8

const (
	PlatformVSphere Platform = iota
	PlatformHyperV
	PlatformVCD
	PlatformAgent
)

var platformNames = enumNames{"vsphere", "hyperv", "vcd", "agent"}

func (p Platform) String() string { return platformNames.name(uint8(p)) }

// ParsePlatform reads a platform name.
func ParsePlatform(s string) (Platform, error) {
	v, err := platformNames.parse("platform", s)
	return Platform(v), err
}

// PlatformNames lists the accepted platforms.
func PlatformNames() []string { return platformNames.nonEmpty() }

// ManagedBy says who configured the job: VBR, or a standalone agent.
type ManagedBy uint8

const (
	ManagedByVBR ManagedBy = iota
	ManagedByAgent
)

var managedNames = enumNames{"vbr", "agent"}

func (m ManagedBy) String() string { return managedNames.name(uint8(m)) }

// ParseManagedBy reads vbr or agent.
func ParseManagedBy(s string) (ManagedBy, error) {
	v, err := managedNames.parse("managed_by", s)
	return ManagedBy(v), err
}

// ManagedByNames lists the accepted values.
func ManagedByNames() []string { return managedNames.nonEmpty() }

// Target is where a job writes.
type Target uint8

const (
	TargetCloudRepository Target = iota
	TargetCloudHost
	TargetLocal
)

var targetNames = enumNames{"cloud_repository", "cloud_host", "local"}

func (t Target) String() string { return targetNames.name(uint8(t)) }

// ParseTarget reads a target name.
func ParseTarget(s string) (Target, error) {
	v, err := targetNames.parse("target", s)
	return Target(v), err
}

// TargetNames lists the accepted targets.
func TargetNames() []string { return targetNames.nonEmpty() }

// Result is the outcome of a session or a task. ResultNone means "not
// ended yet". Sessions use Success/Warning/Failed; tasks use
// Success/Failed/Canceled (SEMANTICS.md, "Task results").
type Result uint8

const (
	ResultNone Result = iota
	ResultSuccess
	ResultWarning
	ResultFailed
	ResultCanceled
)

var resultNames = enumNames{"", "Success", "Warning", "Failed", "Canceled"}

func (r Result) String() string { return resultNames.name(uint8(r)) }

// ParseResult reads Success, Warning, Failed or Canceled.
func ParseResult(s string) (Result, error) {
	v, err := resultNames.parse("result", s)
	return Result(v), err
}

// Phase is a task's phase. PhaseDone is terminal.
type Phase uint8

const (
	PhasePending Phase = iota
	PhaseSnapshot
	PhaseTransfer
	PhaseCommit
	PhaseDone
)

var phaseNames = enumNames{"Pending", "Snapshot", "Transfer", "Commit", "Done"}

func (p Phase) String() string { return phaseNames.name(uint8(p)) }

// ParsePhase reads a phase name.
func ParsePhase(s string) (Phase, error) {
	v, err := phaseNames.parse("phase", s)
	return Phase(v), err
}

// InProcess reports whether a task in this phase holds a slot.
func (p Phase) InProcess() bool { return p >= PhaseSnapshot && p <= PhaseCommit }

// SessionState is the lifecycle of a session: Starting → Working →
// Stopping → Stopped.
type SessionState uint8

const (
	SessionStarting SessionState = iota
	SessionWorking
	SessionStopping
	SessionStopped
)

var sessionStateNames = enumNames{"Starting", "Working", "Stopping", "Stopped"}

func (s SessionState) String() string { return sessionStateNames.name(uint8(s)) }

// MaintState is a server's maintenance state (M2): no pending state.
type MaintState uint8

const (
	Active MaintState = iota
	Maintenance
)

func (m MaintState) String() string {
	if m == Maintenance {
		return "Maintenance"
	}
	return "Active"
}

// Cause says why a task or session did not succeed, for metrics and reports.
type Cause uint8

const (
	CauseNone        Cause = iota
	CauseMaintenance       // M3, M5
	CauseStop              // S2, S3, S4
	CauseFault             // M13: service stopped, power off
	CauseDisabled          // M12
)

var causeNames = enumNames{"", "maintenance", "stop", "fault", "disabled"}

func (c Cause) String() string { return causeNames.name(uint8(c)) }

// ParseCause reads a cause name.
func ParseCause(s string) (Cause, error) {
	v, err := causeNames.parse("cause", s)
	return Cause(v), err
}

// StopMode is S1's choice.
type StopMode uint8

const (
	StopNone StopMode = iota
	StopImmediate
	StopGraceful
)

var stopNames = enumNames{"", "immediate", "graceful"}

func (m StopMode) String() string { return stopNames.name(uint8(m)) }

// ParseStopMode reads immediate or graceful.
func ParseStopMode(s string) (StopMode, error) {
	v, err := stopNames.parse("stop mode", s)
	return StopMode(v), err
}

// Knob is a two-way profile switch (M9, M10).
type Knob uint8

const (
	Allow Knob = iota
	Stop
)

var knobNames = enumNames{"allow", "stop"}

func (k Knob) String() string { return knobNames.name(uint8(k)) }

// ParseKnob reads allow or stop.
func ParseKnob(s string) (Knob, error) {
	v, err := knobNames.parse("knob value", s)
	return Knob(v), err
}
