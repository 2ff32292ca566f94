package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maintsim/maintsim/sim"
)

// This file holds the vocabulary of the Exchange profile (SEMANTICS.md,
// X1–X5): server components and the requesters that hold them, their
// states, the database copy auto-activation policy, client protocols, the
// operator actions (named after the PowerShell cmdlets of seed 004) and
// the spec an ExchangeWorld is built from.

// Component is a server component of Set-ServerComponentState (X1).
// Only a few change what the simulation does (X2): HubTransport and
// FrontendTransport accept new messages, HubTransport delivers queued
// ones, MailboxDeliveryProxy hands them to the mailbox databases mounted
// on its server, ServerWideOffline overrides every other component, and
// the client protocol proxies serve clients. The others can be set and
// are checked (X1) like any component.
type Component uint8

const (
	CompHubTransport Component = iota
	CompFrontendTransport
	CompMailboxDeliveryProxy
	CompServerWideOffline
	CompMapiProxy
	CompOwaProxy
	CompEwsProxy
	CompActiveSyncProxy
	CompImapProxy
	CompPopProxy
	CompRpcProxy
	CompAutoDiscoverProxy
	CompEcpProxy
	CompOabProxy
	CompRpsProxy
	CompRwsProxy
	CompPushNotificationsProxy
	CompXropProxy
	CompHttpProxyAvailabilityGroup
	CompUMCallRouter
	CompForwardSyncDaemon
	CompProvisioningRps
	CompEdgeTransport
	CompHighAvailability
	CompSharedCache
	CompMonitoring
	CompRecoveryActionsEnabled
	componentCount
)

var componentNames = enumNames{"HubTransport", "FrontendTransport", "MailboxDeliveryProxy", "ServerWideOffline",
	"MapiProxy", "OwaProxy", "EwsProxy", "ActiveSyncProxy", "ImapProxy", "PopProxy", "RpcProxy",
	"AutoDiscoverProxy", "EcpProxy", "OabProxy", "RpsProxy", "RwsProxy", "PushNotificationsProxy", "XropProxy",
	"HttpProxyAvailabilityGroup", "UMCallRouter", "ForwardSyncDaemon", "ProvisioningRps", "EdgeTransport",
	"HighAvailability", "SharedCache", "Monitoring", "RecoveryActionsEnabled"}

// NumComponents is how many components a server has.
const NumComponents = int(componentCount)

func (c Component) String() string { return componentNames.name(uint8(c)) }

// ParseComponent reads a component name. "MailboxDelivery", the spelling of
// seed 004, is read as MailboxDeliveryProxy (its name in current docs).
func ParseComponent(s string) (Component, error) {
	if s == "MailboxDelivery" {
		return CompMailboxDeliveryProxy, nil
	}
	v, err := componentNames.parse("component", s)
	return Component(v), err
}

// ComponentNames lists the accepted components.
func ComponentNames() []string { return componentNames.nonEmpty() }

// IsTransport reports whether the component moves mail (X2).
func (c Component) IsTransport() bool {
	return c == CompHubTransport || c == CompFrontendTransport || c == CompMailboxDeliveryProxy
}

// Requester is who holds a component state (X1).
type Requester uint8

const (
	ReqMaintenance Requester = iota
	ReqSidelined
	ReqFunctional
	ReqDeployment
	ReqHealthAPI
	requesterCount
)

var requesterNames = enumNames{"Maintenance", "Sidelined", "Functional", "Deployment", "HealthAPI"}

// NumRequesters is how many requesters there are.
const NumRequesters = int(requesterCount)

func (r Requester) String() string { return requesterNames.name(uint8(r)) }

// ParseRequester reads a requester name.
func ParseRequester(s string) (Requester, error) {
	v, err := requesterNames.parse("requester", s)
	return Requester(v), err
}

// RequesterNames lists the accepted requesters.
func RequesterNames() []string { return requesterNames.nonEmpty() }

// CompState is a component state, as a requester sets it or as it is in
// effect (X1). A requester "holding" Active is the same as holding nothing.
type CompState uint8

const (
	StateActive CompState = iota
	StateInactive
	StateDraining
)

var compStateNames = enumNames{"Active", "Inactive", "Draining"}

func (s CompState) String() string { return compStateNames.name(uint8(s)) }

// ParseCompState reads Active, Inactive or Draining.
func ParseCompState(s string) (CompState, error) {
	v, err := compStateNames.parse("component state", s)
	return CompState(v), err
}

// CompStateNames lists the accepted states.
func CompStateNames() []string { return compStateNames.nonEmpty() }

// CombineX1 is X1's rule for one component: Active only if no requester
// holds it Inactive or Draining; Inactive wins over Draining. holds is
// indexed by requester.
func CombineX1(holds *[NumRequesters]CompState) CompState {
	eff := StateActive
	for _, s := range holds {
		switch s {
		case StateInactive:
			return StateInactive
		case StateDraining:
			eff = StateDraining
		}
	}
	return eff
}

// ActivationPolicy is Set-MailboxServer -DatabaseCopyAutoActivationPolicy.
type ActivationPolicy uint8

const (
	PolicyUnrestricted ActivationPolicy = iota
	PolicyIntrasiteOnly
	PolicyBlocked
)

var policyNames = enumNames{"Unrestricted", "IntrasiteOnly", "Blocked"}

func (p ActivationPolicy) String() string { return policyNames.name(uint8(p)) }

// ParseActivationPolicy reads Unrestricted, IntrasiteOnly or Blocked.
func ParseActivationPolicy(s string) (ActivationPolicy, error) {
	v, err := policyNames.parse("DatabaseCopyAutoActivationPolicy", s)
	return ActivationPolicy(v), err
}

// ActivationPolicyNames lists the accepted policies.
func ActivationPolicyNames() []string { return policyNames.nonEmpty() }

// Protocol is how a client reaches its mailbox; each goes through one
// client access proxy component of the server it connects to.
type Protocol uint8

const (
	ProtoMAPI Protocol = iota
	ProtoOWA
	ProtoEWS
	ProtoActiveSync
	ProtoIMAP
	ProtoPOP
)

var protocolNames = enumNames{"mapi", "owa", "ews", "activesync", "imap", "pop"}

func (p Protocol) String() string { return protocolNames.name(uint8(p)) }

// ParseProtocol reads a protocol name.
func ParseProtocol(s string) (Protocol, error) {
	v, err := protocolNames.parse("protocol", s)
	return Protocol(v), err
}

// ProtocolNames lists the accepted protocols.
func ProtocolNames() []string { return protocolNames.nonEmpty() }

// Component is the proxy that serves the protocol.
func (p Protocol) Component() Component {
	return [...]Component{CompMapiProxy, CompOwaProxy, CompEwsProxy, CompActiveSyncProxy, CompImapProxy, CompPopProxy}[p]
}

// ExActionKind is an Exchange operator action. The names are the cmdlets
// of seed 004 in snake case, plus Move-ActiveMailboxDatabase (current
// docs) and the two preparations whose absence X4 checks.
type ExActionKind uint8

const (
	ExActNone ExActionKind = iota
	ExActSetComponentState
	ExActSetMailboxServer
	ExActSuspendCopy
	ExActResumeCopy
	ExActDismount
	ExActMount
	ExActMoveActive
	ExActRedirectMessage
	ExActRedirectClients
	ExActNotifyUsers
	ExActBackup
)

var exActionNames = enumNames{"", "set_server_component_state", "set_mailbox_server", "suspend_mailbox_database_copy",
	"resume_mailbox_database_copy", "dismount_database", "mount_database", "move_active_mailbox_database",
	"redirect_message", "redirect_clients", "notify_users", "backup_databases"}

func (a ExActionKind) String() string { return exActionNames.name(uint8(a)) }

// ParseExActionKind reads an Exchange action name.
func ParseExActionKind(s string) (ExActionKind, error) {
	v, err := exActionNames.parse("exchange action", s)
	return ExActionKind(v), err
}

// IsExActionKind reports whether s names an Exchange action. It is
// ParseExActionKind's test without the error, which a Cloud Connect file's
// compiler asks for every action (the error message was a tenth of a check
// case's garbage).
func IsExActionKind(s string) bool {
	return s != "" && slices.Contains(exActionNames, s)
}

// ExActionKindNames lists the Exchange actions.
func ExActionKindNames() []string { return exActionNames.nonEmpty() }

// ExchangeSpec is the world of the exchange profile. Entity references are
// indices into its slices; None where absent.
type ExchangeSpec struct {
	Servers   []ExServerSpec
	Databases []ExDatabaseSpec
	Clients   []ExClientSpec
	Actions   []ExAction
}

// ExServerSpec is one Exchange Mailbox server.
type ExServerSpec struct {
	Name    string
	Version string // "2016", "2019", "SE": shown, not simulated
	DAG     string // database availability group; "" none
	Policy  ActivationPolicy
	// MessageRatePerHour is the mean rate of inbound messages (Poisson);
	// 0: none arrive here.
	MessageRatePerHour float64
	// DeliveryTime is how long one delivery from the queue takes, in
	// nanoseconds; unset: DefaultDeliveryTime.
	DeliveryTime sim.Dist
	Holds        []ExHold // requester holds at time zero
}

// DefaultDeliveryTime is the service time of one delivery when a server
// names none.
const DefaultDeliveryTime = 1_000_000_000 // 1s

// MaxMessageRatePerHour bounds a server's arrival rate (100 a second).
const MaxMessageRatePerHour = 360_000

// ExHold is one requester holding one component in a state.
type ExHold struct {
	Component Component
	Requester Requester
	State     CompState
}

// ExDatabaseSpec is a mailbox database and its copies. The active copy is
// Copies[Active]; activation preference 1 is the most preferred.
type ExDatabaseSpec struct {
	Name    string
	Copies  []ExCopySpec
	Active  int32 // index into Copies
	Mounted bool
}

// ExCopySpec is one copy of a database on one server.
type ExCopySpec struct {
	Server     int32
	Preference int32 // activation preference, from 1
	Suspended  bool
}

// ExClientSpec is a client (a group of users) homed on a server, whose
// mailboxes are in one database. It sends requests at a rate (Poisson).
type ExClientSpec struct {
	Name               string
	Server             int32 // home: where it connects until redirected
	Database           int32
	Protocol           Protocol
	RequestRatePerHour float64
}

// ExAction is one Exchange operator action at a time. Which fields it
// uses depends on Do (docs/exchange.md).
type ExAction struct {
	At        sim.Time
	Do        ExActionKind
	Server    int32 // None: all (notify_users, backup_databases)
	Target    int32 // redirect_message, redirect_clients
	Database  int32
	Component Component
	Requester Requester
	State     CompState
	Policy    ActivationPolicy
	Text      string
}

// Validate checks the references of an ExchangeSpec, so a spec built in
// Go fails at construction rather than in the middle of a run.
func (x *ExchangeSpec) Validate() error {
	ns, nd := int32(len(x.Servers)), int32(len(x.Databases))
	srv := func(i int32, what string) error {
		if i < 0 || i >= ns {
			return fmt.Errorf("%s: server index %d out of range", what, i)
		}
		return nil
	}
	for i, s := range x.Servers {
		if s.MessageRatePerHour < 0 || s.MessageRatePerHour > MaxMessageRatePerHour {
			return fmt.Errorf("server %s: message rate %g/h out of [0, %d]", s.Name, s.MessageRatePerHour, MaxMessageRatePerHour)
		}
		if s.MessageRatePerHour > 0 && nd == 0 {
			return fmt.Errorf("server %s: messages arrive but there is no database to deliver them to", s.Name)
		}
		if err := s.DeliveryTime.Validate(); err != nil {
			return fmt.Errorf("server %s: delivery time: %w", s.Name, err)
		}
		for _, h := range s.Holds {
			if h.Component >= componentCount || h.Requester >= requesterCount || h.State > StateDraining {
				return fmt.Errorf("server %d: bad hold %+v", i, h)
			}
		}
	}
	for _, d := range x.Databases {
		if len(d.Copies) == 0 || d.Active < 0 || int(d.Active) >= len(d.Copies) {
			return fmt.Errorf("database %s: needs copies and an active one", d.Name)
		}
		seen := map[int32]bool{}
		for _, c := range d.Copies {
			if err := srv(c.Server, "database "+d.Name); err != nil {
				return err
			}
			if seen[c.Server] {
				return fmt.Errorf("database %s: two copies on server %d", d.Name, c.Server)
			}
			seen[c.Server] = true
		}
	}
	for _, c := range x.Clients {
		if err := srv(c.Server, "client "+c.Name); err != nil {
			return err
		}
		if c.Database < 0 || c.Database >= nd {
			return fmt.Errorf("client %s: database index %d out of range", c.Name, c.Database)
		}
		if c.RequestRatePerHour < 0 || c.RequestRatePerHour > MaxMessageRatePerHour {
			return fmt.Errorf("client %s: request rate %g/h out of range", c.Name, c.RequestRatePerHour)
		}
	}
	for i, a := range x.Actions {
		what := fmt.Sprintf("action %d (%s)", i, a.Do)
		var err error
		switch a.Do {
		case ExActSetComponentState, ExActSetMailboxServer, ExActRedirectMessage, ExActRedirectClients:
			err = srv(a.Server, what)
			if err == nil && (a.Do == ExActRedirectMessage || a.Do == ExActRedirectClients) {
				err = srv(a.Target, what)
			}
		case ExActSuspendCopy, ExActResumeCopy, ExActMoveActive:
			err = srv(a.Server, what)
			if err == nil && (a.Database < 0 || a.Database >= nd) {
				err = fmt.Errorf("%s: database index %d out of range", what, a.Database)
			}
			if err == nil && x.copyIndex(a.Database, a.Server) < 0 {
				err = fmt.Errorf("%s: database %s has no copy on server %s", what, x.Databases[a.Database].Name, x.Servers[a.Server].Name)
			}
		case ExActDismount, ExActMount:
			if a.Database < 0 || a.Database >= nd {
				err = fmt.Errorf("%s: database index %d out of range", what, a.Database)
			}
		case ExActNotifyUsers, ExActBackup:
			if a.Server != None {
				err = srv(a.Server, what)
			}
		default:
			err = fmt.Errorf("%s: unknown exchange action", what)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// copyIndex is the index of db's copy on server sv, or -1.
func (x *ExchangeSpec) copyIndex(db, sv int32) int {
	for i, c := range x.Databases[db].Copies {
		if c.Server == sv {
			return i
		}
	}
	return -1
}

// ExDetail is the exchange part of a Record (nil on Cloud Connect records,
// so those stay small). Fields that do not apply to a record kind hold
// their zero value, or None for references and -1 for Depth/TargetDepth
// (docs/trace-format.md lists which kind uses which).
type ExDetail struct {
	Component Component
	Requester Requester
	State     CompState // component_state: the state the requester set
	Effective CompState // component_state/effective: the component's effective state after (X1)
	Policy    ActivationPolicy
	Database  int32
	Client    int32
	Target    int32 // a second server: redirect target, new active copy, accepting server's origin
	Msg       int64 // message number, from 1; 0 none
	Count     int32 // messages moved by a redirect
	// Depth is the queue depth of Server after the change (messages queued
	// or in delivery); TargetDepth that of Target. -1: not reported.
	Depth       int32
	TargetDepth int32
	Since       sim.Time // message_delivered: when the message was accepted
	Auto        bool     // done by the system (Active Manager), not by an operator
}

// NewExDetail returns an ExDetail with every reference unset.
func NewExDetail() *ExDetail {
	return &ExDetail{Database: None, Client: None, Target: None, Depth: -1, TargetDepth: -1}
}

// ExDecl is the exchange part of a declaration (RecServer, RecExDatabase,
// RecExClient).
type ExDecl struct {
	// server
	Version            string
	DAG                string
	Policy             ActivationPolicy
	MessageRatePerHour float64
	DeliveryTime       sim.Dist
	Holds              []ExHold
	// database: copies in declaration order, the active one, mounted
	Copies  []ExCopySpec
	Active  int32 // server of the active copy
	Mounted bool
	// client: home server is the record's Server
	Database           int32
	Protocol           Protocol
	RequestRatePerHour float64
}

// HoldsString renders holds as "HubTransport=Draining(Maintenance), …".
func HoldsString(hs []ExHold) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = fmt.Sprintf("%s=%s(%s)", h.Component, h.State, h.Requester)
	}
	return strings.Join(parts, ", ")
}
