package model

import (
	"time"

	"github.com/maintsim/maintsim/sim"
)

// Messages a tenant sees in a session's statistics. The maintenance notice
// default is quoted from the vendor (M7); the others are maintsim's fixed
// wording for the generic cases, documented in docs/rules.md so that
// expectations can name them.
const (
	DefaultNotice        = "Service provider is currently undergoing scheduled maintenance" // M7
	MsgConnectionFailed  = "Failed to connect to the service provider"                      // M6 fallback, M13
	MsgTenantDisabled    = "Tenant account is disabled"                                     // M12
	MsgCanceledByUser    = "Operation was canceled by user"                                 // S4 (quoted)
	MsgStoppedByUser     = "Stopped by user"                                                // S2
	MsgStoppedGracefully = "Stopped gracefully by user"                                     // S3
)

// RecordKind names a state change.
type RecordKind uint8

const (
	RecNone RecordKind = iota
	// Declarations, all at time 0 before anything else: they make a trace
	// self-describing so that `maintsim verify` needs nothing but the trace.
	RecScenario
	RecServer
	RecTenant
	RecJob
	// Operator-visible server state.
	RecMaintenanceEnabled
	RecMaintenanceDisabled
	RecMaintenanceUnchanged // M2: enable when on / disable when off
	RecMaintenanceRejected  // M1
	RecServiceStarted       // Text: the effective message loaded (M7)
	RecServiceStopped
	RecPowerOff
	RecPowerOn
	RecMessageConfigured // Text: the configured custom message ("" = default)
	RecTenantDisabled
	RecTenantEnabled
	RecBackupMoved
	RecActionRejected // Text: why (S5, no running session, server off, …)
	// Sessions and tasks.
	RecSessionStart
	RecAttemptStart // S8 retry attempt begins (Attempt ≥ 2)
	RecStopRequested
	RecSessionEnd
	RecTaskStart // snapshot created
	RecTaskPhase // a bandwidth-modelled task entered Transfer or Commit
	RecTaskPlan  // a task's planned end moved (bandwidth share changed, M14)
	RecTaskEnd
	RecRestorePointRemoved
	RecEnd // the run's horizon or drain: observers finalise
	// Exchange profile (X1–X5); the exchange fields are in Record.Ex.
	RecExDatabase           // declaration: a mailbox database and its copies (Decl.Exchange)
	RecExClient             // declaration: a client homed on Server (Decl.Exchange)
	RecExComponentState     // a requester set a component state (X1)
	RecExComponentEffective // a component's effective state changed without its own requester moving (ServerWideOffline, X1), or at time zero
	RecExPolicy             // DatabaseCopyAutoActivationPolicy in force after set_mailbox_server
	RecExCopySuspended
	RecExCopyResumed
	RecExDatabaseDismounted // Ex.Auto: no copy could be activated when its server went offline
	RecExDatabaseMounted
	RecExDatabaseMoved     // the active copy moved from Server to Ex.Target (Ex.Auto: a failover)
	RecExClientsRedirected // clients homed on Server now connect to Ex.Target
	RecExUsersNotified     // Server None: every server's users
	RecExBackup            // Server None: every database
	RecExMsgAccepted       // a message entered Server's queue (Ex.Target: the server it arrived at, when another)
	RecExMsgDeferred       // no server accepted an arriving message: the sender keeps it (never accepted, X5 does not apply)
	RecExMsgDelivered      // delivered from Server's queue into Ex.Database (mounted on Ex.Target)
	RecExMsgRedirected     // Redirect-Message moved Ex.Count queued messages from Server to Ex.Target (X2)
	RecExQueue             // end of run: Server's queue depth, for X5
	RecExClientFailed      // a client request failed (Text: why)
	recKindCount
)

// RecordKindCount is the number of record kinds (kinds are below it).
const RecordKindCount = int(recKindCount)

var recordNames = enumNames{"", "scenario", "server", "tenant", "job",
	"maintenance_enabled", "maintenance_disabled", "maintenance_unchanged", "maintenance_rejected",
	"service_started", "service_stopped", "power_off", "power_on", "message_configured",
	"tenant_disabled", "tenant_enabled", "backup_moved", "action_rejected",
	"session_start", "attempt_start", "stop_requested", "session_end",
	"task_start", "task_phase", "task_plan", "task_end", "restore_point_removed", "end",
	"ex_database", "ex_client", "component_state", "component_effective", "mailbox_server_policy",
	"copy_suspended", "copy_resumed", "database_dismounted", "database_mounted", "database_moved",
	"clients_redirected", "users_notified", "databases_backed_up", "message_accepted", "message_deferred",
	"message_delivered", "message_redirected", "queue_final", "client_request_failed"}

func (k RecordKind) String() string { return recordNames.name(uint8(k)) }

// ParseRecordKind reads a trace event name.
func ParseRecordKind(s string) (RecordKind, error) {
	v, err := recordNames.parse("trace event", s)
	return RecordKind(v), err
}

// RecordKindNames lists every trace event name.
func RecordKindNames() []string { return recordNames.nonEmpty() }

// Flags are the yes/no facts of a record.
type Flags uint16

const (
	FlagManual          Flags = 1 << iota // session started by an operator (no S8 retries)
	FlagLate                              // scheduled start that waited for the previous session
	FlagRestorePoint                      // task_end: a restore point was committed
	FlagSnapshotRemoved                   // task_end: the task's snapshot is gone
	FlagStarted                           // task_end: the task had started (took a snapshot)
	FlagAffected                          // session_start/job: the job is affected by maintenance (M3/M5 table)
	FlagStandaloneAgent                   // job: standalone agent backup (M4)
	FlagGrandfathered                     // session: running standalone agent session at enable (M4)
	FlagEnabled                           // tenant decl: enabled
	FlagServiceRunning                    // server decl
	FlagPoweredOn                         // server decl
	FlagMaintenance                       // server decl: starts in maintenance
	FlagRetry                             // session decl: retry policy present
)

// Has reports whether all of f2 are set.
func (f Flags) Has(f2 Flags) bool { return f&f2 == f2 }

// None is the ID of an absent entity reference.
const None int32 = -1

// Record is one state change, published in time order. Entity references
// are dense IDs in declaration order (servers, tenants, jobs each from 0);
// Object is the index in the job's object list. A session is named by
// (Job, N): the Nth session of that job, TENANT/JOB#N.
type Record struct {
	At      sim.Time
	Kind    RecordKind
	Result  Result
	Phase   Phase
	Cause   Cause
	Mode    StopMode
	Flags   Flags
	Server  int32
	Tenant  int32
	Job     int32
	N       int32 // session number within the job, from 1
	Object  int32
	Attempt int32    // 1 for the first pass, 2.. for S8 retries
	Bytes   int64    // task_start: object size; task_end: bytes transferred
	Due     sim.Time // task_start/phase/plan: planned end of the task
	// TransferAt and CommitAt are the planned phase boundaries of a task
	// (task_start, task_phase, task_plan). A task with a fixed duration
	// publishes no task_phase records: its phase at time t follows from
	// these (see PhaseAt). A bandwidth-modelled task publishes task_phase
	// records as it moves and task_plan records when its plan changes.
	TransferAt sim.Time
	CommitAt   sim.Time
	Text       string
	Decl       *Decl
	Ex         *ExDetail // exchange profile records only
}

// Decl carries the static facts of a declaration record.
type Decl struct {
	Name string
	// scenario
	Seed      uint64
	Start     time.Time
	Semantics Semantics
	// server
	Version           Version
	TaskSlots         int32
	BandwidthBps      int64
	ConfiguredMessage string
	// tenant
	Client   Client
	MaxTasks int32
	RPO      time.Duration
	// job
	Kind       JobKind
	Platform   Platform
	ManagedBy  ManagedBy
	Target     Target
	Objects    []string
	RetryCount int32
	RetryWait  time.Duration
	// exchange profile: servers, databases, clients
	Exchange *ExDecl
}

// Semantics are the profile knobs of SEMANTICS.md.
type Semantics struct {
	Profile                  string        // vcc | exchange
	ReplicationInMaintenance Knob          // M9, default allow
	VCDBackupInMaintenance   Knob          // M10, default stop
	GracefulStopResult       Result        // S3, default Warning
	SnapshotTime             time.Duration // Snapshot phase length (default 30s, at most a tenth of a fixed duration)
	CommitTime               time.Duration // Commit phase length (same)
}

// DefaultSemantics are the named defaults of SEMANTICS.md.
func DefaultSemantics() Semantics {
	return Semantics{
		Profile:                  "vcc",
		ReplicationInMaintenance: Allow,
		VCDBackupInMaintenance:   Stop,
		GracefulStopResult:       ResultWarning,
		SnapshotTime:             30 * time.Second,
		CommitTime:               30 * time.Second,
	}
}

// Affected is the table under M3/M5: which jobs maintenance stops. It is
// a function of the job's static facts and the knobs only, so observers of a
// trace compute it exactly as the model does.
func (s Semantics) Affected(k JobKind, p Platform, m ManagedBy, t Target) bool {
	switch k {
	case KindBackup:
		if t != TargetCloudRepository {
			return false
		}
		if p == PlatformVCD {
			return s.VCDBackupInMaintenance == Stop // M10
		}
		return true
	case KindBackupCopy, KindAgentBackup:
		return t == TargetCloudRepository
	case KindReplication, KindCDP:
		return t == TargetCloudHost && s.ReplicationInMaintenance == Stop // M9
	}
	return false // M8: restores, failover, failback
}

// StandaloneAgent reports whether the job is an agent backup configured on
// the agent computer (M4).
func StandaloneAgent(k JobKind, m ManagedBy) bool { return k == KindAgentBackup && m == ManagedByAgent }

// PhaseAt is a started task's phase at time t from its planned boundaries.
func PhaseAt(transferAt, commitAt, t sim.Time) Phase {
	switch {
	case t < transferAt:
		return PhaseSnapshot
	case t < commitAt:
		return PhaseTransfer
	}
	return PhaseCommit
}
