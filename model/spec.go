package model

import (
	"time"

	"github.com/maintsim/maintsim/sim"
)

// Spec is a world to build: plain data, already validated by the caller
// (package scenarios turns a YAML file into one). References between
// entities are indices into the slices.
type Spec struct {
	Name      string
	Seed      uint64
	Start     time.Time
	Until     sim.Time
	Semantics Semantics
	Servers   []ServerSpec
	Tenants   []TenantSpec
	// TenantKeys, per tenant (may be shorter or nil: the tenant's Name),
	// names it in its jobs' random stream keys. A fleet member's is
	// "FLEET#N" (unpadded; '#' is in no tenant name), so that its draws do
	// not change when the fleet grows past 9,999 and its names gain a
	// digit of padding (t-0001 → t-00001).
	TenantKeys []string
	Jobs       []JobSpec
	Actions    []Action
	Mutants    Mutant
	// Exchange is the world of the exchange profile (Semantics.Profile
	// "exchange"); nil for Cloud Connect, whose fields above it leaves empty.
	Exchange *ExchangeSpec
}

// ServerSpec is a Cloud Connect server.
type ServerSpec struct {
	Name               string
	Version            Version
	TaskSlots          int32 // 0: unlimited
	BandwidthBps       int64 // bit/s; 0: DefaultServerBandwidthBps
	MaintenanceMessage string
	Maintenance        bool // starts in maintenance
	ServiceStopped     bool
	PoweredOff         bool
}

// DefaultServerBandwidthBps is used when a server names no bandwidth.
const DefaultServerBandwidthBps = 10_000_000_000

// TenantSpec is a tenant (company) on one server.
type TenantSpec struct {
	// Server and MaxTasks first: the world's tenant row keeps them on its
	// first cache line (see tenant in world.go).
	Server       int32
	MaxTasks     int32 // 0: unlimited
	Name         string
	Client       Client
	BandwidthBps int64 // 0: limited by the server only
	RPO          time.Duration
	Disabled     bool
}

// JobSpec is a tenant's job.
type JobSpec struct {
	// Objects to Target first: the world's job row keeps them on its first
	// cache line with the job's stream (see job in world.go).
	Objects   []ObjectSpec
	Tenant    int32
	Kind      JobKind
	Platform  Platform
	ManagedBy ManagedBy
	Target    Target
	Name      string
	Schedule  Schedule
	Retry     Retry
}

// ObjectSpec is one VM, disk or computer of a job. Size and Duration are
// drawn per task from the job's stream, size first, when the task is
// dispatched to its server's queue (so a task stopped while queued has
// drawn too).
type ObjectSpec struct {
	Name      string
	SizeBytes sim.Dist
	Duration  sim.Dist // nanoseconds; when set, the whole task (M14 bandwidth model off)
}

// ScheduleKind says when a job starts by itself.
type ScheduleKind uint8

const (
	ScheduleManual   ScheduleKind = iota // only start_job actions
	ScheduleOnce                         // once, at First
	SchedulePeriodic                     // First, then every Every
)

// Schedule is a job's automatic start times. Daily schedules arrive here
// as periodic ones with Every = 24h and First = the first occurrence.
type Schedule struct {
	Kind   ScheduleKind
	First  sim.Time
	Every  time.Duration
	Jitter sim.Dist // nanoseconds, drawn once per job and added to every start
}

// Retry is S8's policy.
type Retry struct {
	Count int32
	Wait  time.Duration
}

// ActionKind is an operator action.
type ActionKind uint8

const (
	ActNone ActionKind = iota
	ActEnableMaintenance
	ActDisableMaintenance
	ActStopJob
	ActStartJob
	ActStopService
	ActStartService
	ActRestartService
	ActPowerOff
	ActPowerOn
	ActSetMaintenanceMessage
	ActDisableTenant
	ActEnableTenant
	ActMoveBackups
)

var actionNames = enumNames{"", "enable_maintenance", "disable_maintenance", "stop_job", "start_job",
	"stop_service", "start_service", "restart_service", "power_off", "power_on",
	"set_maintenance_message", "disable_tenant", "enable_tenant", "move_backups"}

func (a ActionKind) String() string { return actionNames.name(uint8(a)) }

// ParseActionKind reads an action name.
func ParseActionKind(s string) (ActionKind, error) {
	v, err := actionNames.parse("action", s)
	return ActionKind(v), err
}

// ActionKindNames lists the accepted actions.
func ActionKindNames() []string { return actionNames.nonEmpty() }

// Action is one operator action at a time.
type Action struct {
	At     sim.Time
	Do     ActionKind
	Server int32 // server actions
	Tenant int32 // tenant and job actions
	Job    int32 // job actions
	Mode   StopMode
	Text   string
}

// Mutant is a set of deliberate defects. The zero value is the correct model.
type Mutant uint32

const (
	MutMaintCutsRunning    Mutant = 1 << iota // M3 broken: enable terminates in-process tasks
	MutMaintAllowsStart                       // M5 broken: new affected sessions start in maintenance
	MutNoticeIgnoresClient                    // M6 broken: old clients get the notice text
	MutMessageNoRestart                       // M7 broken: custom message effective at once
	MutImmediateKeepsRP                       // S2 broken: immediate stop commits in-process restore points
	MutGracefulDropsRP                        // S3 broken: graceful stop terminates in-process tasks
	MutSnapshotLeft                           // S2 broken: failed tasks leave their snapshot
	MutTenantLimitIgnored                     // M14 broken: max_concurrent_tasks ignored
	MutRestoresBlocked                        // M8 broken: restores fail in maintenance
	MutRetryAfterStop                         // S8 broken: retries after a manual stop
	MutSlotsIgnored                           // M14 broken: task_slots ignored
	MutStopRemovesRP                          // S7 broken: immediate stop deletes an earlier restore point
	MutDisabledTenantRuns                     // M12 broken: disable leaves sessions running and lets new ones start
	MutDrainHangs                             // M3 liveness broken: in-process tasks stall for a day at enable
	MutPartialCommit                          // INV-01: graceful stop commits in-process tasks at once, half transferred
	MutDoubleEnd                              // INV-12: a stopped session reports its end twice
	MutGracefulFails                          // S3 broken: graceful stop ends Failed although objects committed
	MutManualRetries                          // S8 broken: manual sessions retry
	MutMoveEnablesTenant                      // M12 broken: a backup move re-enables the tenant before moving
	MutAgentCut                               // M4 broken: enable cuts a running standalone agent session as M3 does
	// Exchange profile mutants (INV-X1..X3).
	MutExDrainDropsQueue       // X5 broken: HubTransport leaving Active discards the queue
	MutExRedirectLoses         // X2/X5 broken: Redirect-Message drops the last message it moves
	MutExInactiveDropsInFlight // X5 broken: HubTransport going Inactive discards the message in delivery
	MutExDrainingWins          // X1 broken: Draining wins over Inactive
	MutExLastRequesterWins     // X1 broken: the last requester's state is the effective state
	MutExOfflineIgnored        // X1 broken: ServerWideOffline Inactive leaves the other components as they are
	MutExPolicyStaysBlocked    // X3 broken: set_mailbox_server cannot lift Blocked
	MutExResumeIgnored         // X3 broken: resume_mailbox_database_copy does nothing
	mutantEnd
)

var mutantNames = []string{"maint-cuts-running", "maint-allows-start", "notice-ignores-client",
	"message-no-restart", "immediate-keeps-rp", "graceful-drops-rp", "snapshot-left",
	"tenant-limit-ignored", "restores-blocked", "retry-after-stop", "slots-ignored",
	"stop-removes-rp", "disabled-tenant-runs", "drain-hangs", "partial-commit", "double-end",
	"graceful-fails", "manual-retries", "move-enables-tenant", "agent-cut",
	"ex-drain-drops-queue", "ex-redirect-loses", "ex-inactive-drops-inflight", "ex-draining-wins",
	"ex-last-requester-wins", "ex-offline-ignored", "ex-policy-stays-blocked", "ex-resume-ignored"}

// exchangeMutants are the mutants of the exchange profile's model.
const exchangeMutants = MutExDrainDropsQueue | MutExRedirectLoses | MutExInactiveDropsInFlight | MutExDrainingWins |
	MutExLastRequesterWins | MutExOfflineIgnored | MutExPolicyStaysBlocked | MutExResumeIgnored

// Profile is the semantics profile whose model m breaks: "exchange" for
// the Ex mutants, else "vcc". A set mixing both reports "exchange".
func (m Mutant) Profile() string {
	if m&exchangeMutants != 0 {
		return "exchange"
	}
	return "vcc"
}

// MutantInfo describes one built-in mutant.
type MutantInfo struct {
	Mutant Mutant
	Name   string
}

// Mutants lists every built-in mutant, in a fixed order.
func Mutants() []MutantInfo {
	out := make([]MutantInfo, 0, len(mutantNames))
	for i, n := range mutantNames {
		out = append(out, MutantInfo{Mutant: 1 << i, Name: n})
	}
	return out
}

// Names lists the built-in mutants in m, in Mutants' order.
func (m Mutant) Names() []string {
	var out []string
	for _, info := range Mutants() {
		if m&info.Mutant != 0 {
			out = append(out, info.Name)
		}
	}
	return out
}

// ParseMutant reads a mutant name.
func ParseMutant(s string) (Mutant, error) {
	for _, m := range Mutants() {
		if m.Name == s {
			return m.Mutant, nil
		}
	}
	return 0, enumNames(mutantNames).parseErr("mutant", s)
}

func (n enumNames) parseErr(what, s string) error {
	_, err := n.parse(what, s)
	return err
}

func (m Mutant) has(x Mutant) bool { return m&x != 0 }
