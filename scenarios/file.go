package scenarios

import (
	"time"
)

// This file is the scenario format as Go types: one struct per YAML
// mapping, fields in the order a file lists them. They are plain data so a
// scenario can be built in Go (tests, the property-based checker) as easily
// as read from YAML: Marshal prints one, Compile turns one into a model.Spec.
// Pointers appear only where "absent" and "zero" mean different things.
// Enumerations are strings, checked by Compile against the model's names,
// so that an error can list the allowed values.

// File is a whole scenario file (CONTRACT.md, "Scenario file").
type File struct {
	Name      string           `yaml:"name,omitempty" jsonschema_description:"scenario name; default: the file name without extension"`
	Seed      *uint64          `yaml:"seed,omitempty" jsonschema_description:"run seed; default 1"`
	Start     time.Time        `yaml:"start,omitempty" jsonschema_description:"RFC 3339 start of the run; default 2026-01-01T00:00:00Z"`
	Until     *TimeSpec        `yaml:"until,omitempty" jsonschema_description:"end of the run: RFC 3339 or +DURATION from start; default +24h"`
	Semantics *SemanticsConfig `yaml:"semantics,omitempty" jsonschema_description:"profile knobs (SEMANTICS.md)"`
	Limits    *LimitsConfig    `yaml:"limits,omitempty" jsonschema_description:"bounds on the run (events, simulated span)"`
	Servers   []Server         `yaml:"servers,omitempty"`
	Tenants   []Tenant         `yaml:"tenants,omitempty"`
	Databases []Database       `yaml:"databases,omitempty" jsonschema_description:"exchange profile: mailbox databases and their copies"`
	Clients   []Client         `yaml:"clients,omitempty" jsonschema_description:"exchange profile: clients, each homed on a server with mailboxes in one database"`
	Actions   []Action         `yaml:"actions,omitempty" jsonschema_description:"operator actions, each at a time; same-time actions run in file order"`
	Expect    []Expect         `yaml:"expect,omitempty" jsonschema_description:"expectations that make the file a test"`

	// base is, for a perturbation `check` drew, which of its base
	// scenarios it came from (index + 1; 0: none): what that base already
	// violates as written is not searched for in it. Not part of the file.
	base int
}

// SemanticsConfig holds the profile knobs of SEMANTICS.md. Empty strings
// and nil pointers take the named defaults.
type SemanticsConfig struct {
	Profile                  string    `yaml:"profile,omitempty" jsonschema:"enum=vcc,enum=exchange" jsonschema_description:"vcc (default): Cloud Connect; exchange: Exchange server maintenance (docs/exchange.md)"`
	ReplicationInMaintenance string    `yaml:"replication_in_maintenance,omitempty" jsonschema:"enum=allow,enum=stop" jsonschema_description:"M9, default allow"`
	VCDBackupInMaintenance   string    `yaml:"vcd_backup_in_maintenance,omitempty" jsonschema:"enum=allow,enum=stop" jsonschema_description:"M10, default stop"`
	GracefulStopResult       string    `yaml:"graceful_stop_result,omitempty" jsonschema:"enum=Warning,enum=Success" jsonschema_description:"S3, default Warning"`
	SnapshotTime             *Duration `yaml:"snapshot_time,omitempty" jsonschema_description:"length of a task's Snapshot phase, default 30s (at most a tenth of a fixed duration)"`
	CommitTime               *Duration `yaml:"commit_time,omitempty" jsonschema_description:"length of a task's Commit phase, default 30s (at most a tenth of a fixed duration)"`
}

// LimitsConfig bounds a run (sim.Limits); zero fields take the engine's
// defaults.
type LimitsConfig struct {
	MaxEvents *uint64   `yaml:"max_events,omitempty" jsonschema:"minimum=1" jsonschema_description:"most events a run may dispatch; default 2000000000"`
	MaxSpan   *Duration `yaml:"max_span,omitempty" jsonschema_description:"latest simulated time an event may be scheduled at; default 3650d"`
}

// Server is a Cloud Connect server.
type Server struct {
	Name               string    `yaml:"name" jsonschema:"required"`
	Version            string    `yaml:"version" jsonschema:"required" jsonschema_description:"product version: 9.5, 9.5u3, 10, 11, 12, 13 (numbers are accepted too)"`
	TaskSlots          int       `yaml:"task_slots,omitempty" jsonschema:"minimum=0" jsonschema_description:"concurrent tasks the server accepts; 0 or absent: unlimited"`
	Bandwidth          Bandwidth `yaml:"bandwidth,omitempty" jsonschema_description:"ingest bandwidth; default 10Gbit/s"`
	MaintenanceMessage string    `yaml:"maintenance_message,omitempty" jsonschema_description:"custom maintenance notice configured at start (M7)"`
	Maintenance        bool      `yaml:"maintenance,omitempty" jsonschema_description:"the server starts in maintenance mode"`
	Service            string    `yaml:"service,omitempty" jsonschema:"enum=running,enum=stopped" jsonschema_description:"Cloud Connect Service state at start; default running"`
	Power              string    `yaml:"power,omitempty" jsonschema:"enum=on,enum=off" jsonschema_description:"power state at start; default on"`
	// Exchange profile only (docs/exchange.md).
	DAG          string          `yaml:"dag,omitempty" jsonschema_description:"exchange: the database availability group the server belongs to"`
	MessageRate  Rate            `yaml:"message_rate,omitempty" jsonschema_description:"exchange: inbound messages per unit of time (Poisson), as in 120/h; default 0"`
	DeliveryTime DurationDist    `yaml:"delivery_time,omitempty" jsonschema_description:"exchange: how long one delivery from the queue takes; default 1s"`
	Policy       string          `yaml:"database_copy_auto_activation_policy,omitempty" jsonschema:"enum=Unrestricted,enum=IntrasiteOnly,enum=Blocked" jsonschema_description:"exchange: Set-MailboxServer's policy at start; default Unrestricted"`
	Components   []ComponentHold `yaml:"components,omitempty" jsonschema_description:"exchange: requester holds at start (X1); default none, every component Active"`
}

// Tenant is a tenant (company), or with Count a fleet of identical
// tenants named NAME-0001 … NAME-N.
type Tenant struct {
	Name               string    `yaml:"name" jsonschema:"required"`
	Count              *int      `yaml:"count,omitempty" jsonschema:"minimum=1" jsonschema_description:"expand into a fleet of this many tenants NAME-0001…NAME-N; absent: one tenant named NAME"`
	Server             string    `yaml:"server" jsonschema:"required"`
	Client             string    `yaml:"client" jsonschema:"required" jsonschema_description:"product and version, as in \"vbr 9.5u3\" (products: vbr, vac, agent-windows, agent-linux, agent-mac)"`
	MaxConcurrentTasks int       `yaml:"max_concurrent_tasks,omitempty" jsonschema:"minimum=0" jsonschema_description:"0 or absent: unlimited"`
	Bandwidth          Bandwidth `yaml:"bandwidth,omitempty" jsonschema_description:"WAN bandwidth; absent: limited by the server only (a target: local job moves at 10Gbit/s)"`
	RPO                Duration  `yaml:"rpo,omitempty" jsonschema_description:"recovery point objective, for the rpo_violations metric; 0 or absent: none"`
	Enabled            *bool     `yaml:"enabled,omitempty" jsonschema_description:"default true"`
	Jobs               []Job     `yaml:"jobs,omitempty"`
}

// Job is a tenant's job.
type Job struct {
	Name      string    `yaml:"name" jsonschema:"required"`
	Kind      string    `yaml:"kind" jsonschema:"required,enum=backup,enum=backup_copy,enum=agent_backup,enum=replication,enum=restore,enum=failover,enum=failback,enum=cdp"`
	Platform  string    `yaml:"platform,omitempty" jsonschema:"enum=vsphere,enum=hyperv,enum=vcd,enum=agent" jsonschema_description:"default vsphere (agent for agent_backup)"`
	ManagedBy string    `yaml:"managed_by,omitempty" jsonschema:"enum=vbr,enum=agent" jsonschema_description:"default vbr"`
	Target    string    `yaml:"target,omitempty" jsonschema:"enum=cloud_repository,enum=cloud_host,enum=local" jsonschema_description:"default cloud_repository (cloud_host for replication, cdp, failover, failback)"`
	Objects   Objects   `yaml:"objects" jsonschema:"required"`
	Schedule  *Schedule `yaml:"schedule,omitempty" jsonschema_description:"absent: manual (start_job actions only)"`
	Retry     *Retry    `yaml:"retry,omitempty" jsonschema_description:"S8 retry policy; absent: no retries"`
}

// Objects is a job's object list: either Items (a list) or Set (count
// objects named PREFIX1 … PREFIXN sharing one size and duration).
type Objects struct {
	Items []Object
	Set   *ObjectSet
}

// Object is one VM, disk or computer. Size or Duration (or both) must be
// given; Duration, when given, is the whole task and overrides the
// bandwidth model.
type Object struct {
	Name     string       `yaml:"name" jsonschema:"required"`
	Size     SizeDist     `yaml:"size,omitempty"`
	Duration DurationDist `yaml:"duration,omitempty"`
}

// ObjectSet is Count objects named Prefix1 … PrefixN (no padding).
type ObjectSet struct {
	Count    int          `yaml:"count" jsonschema:"required,minimum=1"`
	Prefix   *string      `yaml:"prefix,omitempty" jsonschema:"minLength=1" jsonschema_description:"default vm"`
	Size     SizeDist     `yaml:"size,omitempty"`
	Duration DurationDist `yaml:"duration,omitempty"`
}

// Schedule says when a job starts by itself. Exactly one form:
// {At}, {Daily, Jitter}, {Every, At (first run, default start), Jitter}
// or {Manual: true}. Jitter is drawn once per job and added to every start.
type Schedule struct {
	At     *TimeSpec    `yaml:"at,omitempty"`
	Daily  string       `yaml:"daily,omitempty" jsonschema:"pattern=^([01]?[0-9]|2[0-3]):[0-5][0-9]$" jsonschema_description:"HH:MM UTC"`
	Every  *Duration    `yaml:"every,omitempty"`
	Jitter DurationDist `yaml:"jitter,omitempty"`
	Manual bool         `yaml:"manual,omitempty"`
}

// Retry is S8's policy.
type Retry struct {
	Count *int     `yaml:"count" jsonschema:"required,minimum=0"` // nil: not given, an error (no silent "no retries")
	Wait  Duration `yaml:"wait,omitempty" jsonschema_description:"wait before each retry; default 0"`
}

// Action is one operator action. Which of Server, Tenant, Job, Mode and
// Text it needs depends on Do (docs/scenario-format.md lists them); the
// others must be empty.
type Action struct {
	At     *TimeSpec `yaml:"at" jsonschema:"required"`
	Do     string    `yaml:"do" jsonschema:"required,enum=enable_maintenance,enum=disable_maintenance,enum=stop_job,enum=start_job,enum=stop_service,enum=start_service,enum=restart_service,enum=power_off,enum=power_on,enum=set_maintenance_message,enum=disable_tenant,enum=enable_tenant,enum=move_backups,enum=set_server_component_state,enum=set_mailbox_server,enum=suspend_mailbox_database_copy,enum=resume_mailbox_database_copy,enum=dismount_database,enum=mount_database,enum=move_active_mailbox_database,enum=redirect_message,enum=redirect_clients,enum=notify_users,enum=backup_databases"`
	Server string    `yaml:"server,omitempty"`
	Tenant string    `yaml:"tenant,omitempty"`
	Job    string    `yaml:"job,omitempty"`
	Mode   string    `yaml:"mode,omitempty" jsonschema:"enum=graceful,enum=immediate"`
	Text   *string   `yaml:"text,omitempty" jsonschema_description:"set_maintenance_message: the new message (\"\" restores the default); notify_users: the notice"`
	// Exchange profile only (docs/exchange.md).
	Component string `yaml:"component,omitempty" jsonschema_description:"set_server_component_state: the component"`
	State     string `yaml:"state,omitempty" jsonschema:"enum=Active,enum=Inactive,enum=Draining" jsonschema_description:"set_server_component_state: the state"`
	Requester string `yaml:"requester,omitempty" jsonschema:"enum=Maintenance,enum=Sidelined,enum=Functional,enum=Deployment,enum=HealthAPI" jsonschema_description:"set_server_component_state: who sets it"`
	Policy    string `yaml:"database_copy_auto_activation_policy,omitempty" jsonschema:"enum=Unrestricted,enum=IntrasiteOnly,enum=Blocked" jsonschema_description:"set_mailbox_server: the policy"`
	Database  string `yaml:"database,omitempty" jsonschema_description:"the database of suspend/resume_mailbox_database_copy, dismount/mount_database, move_active_mailbox_database"`
	Target    string `yaml:"target,omitempty" jsonschema_description:"redirect_message, redirect_clients: the server to send to"`
}

// Expect is one entry of expect: a session expectation (Session set) or an
// invariants expectation (Invariants set), never both.
type Expect struct {
	Session       string            `yaml:"session,omitempty" jsonschema_description:"TENANT/JOB#N: the Nth session of that job"`
	Result        string            `yaml:"result,omitempty" jsonschema:"enum=Success,enum=Warning,enum=Failed"`
	Message       *string           `yaml:"message,omitempty"`
	RestorePoints *[]string         `yaml:"restore_points,omitempty,flow" jsonschema_description:"objects that got a new restore point in the session (order does not matter)"`
	Tasks         TaskResults       `yaml:"tasks,omitempty" jsonschema_description:"per-object task results"`
	Invariants    *InvariantsExpect `yaml:"invariants,omitempty"`
	// Exchange profile only (docs/exchange.md): the state at the end of the
	// run of a component, a server's policy, a database, a client, the
	// message counts, or a pitfall INV-X2 must name.
	Server         string          `yaml:"server,omitempty" jsonschema_description:"exchange: with component and state, or database_copy_auto_activation_policy; with database, the server of its active copy"`
	Component      string          `yaml:"component,omitempty"`
	State          string          `yaml:"state,omitempty" jsonschema:"enum=Active,enum=Inactive,enum=Draining" jsonschema_description:"exchange: the component's effective state at the end (X1)"`
	Policy         string          `yaml:"database_copy_auto_activation_policy,omitempty" jsonschema:"enum=Unrestricted,enum=IntrasiteOnly,enum=Blocked"`
	Database       string          `yaml:"database,omitempty"`
	Mounted        *bool           `yaml:"mounted,omitempty" jsonschema_description:"exchange: the database is mounted at the end"`
	Client         string          `yaml:"client,omitempty"`
	RequestsFailed *int            `yaml:"requests_failed,omitempty" jsonschema:"minimum=0" jsonschema_description:"exchange: the client's failed requests over the run"`
	Messages       *MessagesExpect `yaml:"messages,omitempty" jsonschema_description:"exchange: message counts at the end"`
	Pitfall        string          `yaml:"pitfall,omitempty" jsonschema:"enum=no-backup,enum=users-not-notified,enum=dismount-before-suspend,enum=traffic-not-redirected,enum=requester-left-set" jsonschema_description:"exchange: an X4 pitfall INV-X2 must report"`
}

// TaskResults is the tasks: mapping of an expectation, in file order.
type TaskResults []TaskResult

// TaskResult is one object's expected task result.
type TaskResult struct {
	Object string
	Result string // Success | Failed | Canceled
}

// InvariantsExpect is `invariants: hold` (Hold) or
// `invariants: {violated: INV-04}` (Violated).
type InvariantsExpect struct {
	Hold     bool
	Violated string
}

// FleetSize is the number of tenants a fleet entry expands to; 0 for a
// single tenant (no count).
func (t *Tenant) FleetSize() int {
	if t.Count == nil {
		return 0
	}
	return *t.Count
}
