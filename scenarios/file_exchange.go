package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
	"github.com/invopop/jsonschema"
)

// This file is the exchange profile's part of the scenario format
// (docs/exchange.md): databases and their copies, clients, a server's
// initial component holds, message and request rates, and the small
// expectations about an Exchange run's end state. The fields they hang
// from (Server, Action, Expect, File) are in file.go; a Cloud Connect file
// must leave them empty (compile_exchange.go says so when it does not).

// Database is a mailbox database and its copies (exchange profile).
type Database struct {
	Name    string         `yaml:"name" jsonschema:"required"`
	Mounted *bool          `yaml:"mounted,omitempty" jsonschema_description:"mounted at start; default true"`
	Active  string         `yaml:"active,omitempty" jsonschema_description:"server of the active copy; default the copy with the best (lowest) activation preference"`
	Copies  []DatabaseCopy `yaml:"copies" jsonschema:"required" jsonschema_description:"one copy per server; the first is activation preference 1, the next 2, … unless activation_preference says"`
}

// DatabaseCopy is one copy of a database on a server.
type DatabaseCopy struct {
	Server               string `yaml:"server" jsonschema:"required"`
	ActivationPreference int    `yaml:"activation_preference,omitempty" jsonschema:"minimum=1" jsonschema_description:"1 is the most preferred; default the copy's position in the list"`
	Suspended            bool   `yaml:"suspended,omitempty" jsonschema_description:"the copy starts suspended"`
}

// Client is a group of users homed on a server, with mailboxes in one
// database, sending requests at a rate (exchange profile).
type Client struct {
	Name        string `yaml:"name" jsonschema:"required"`
	Server      string `yaml:"server" jsonschema:"required" jsonschema_description:"home server: where the clients connect until redirect_clients points them elsewhere"`
	Database    string `yaml:"database" jsonschema:"required" jsonschema_description:"the database holding their mailboxes"`
	Protocol    string `yaml:"protocol,omitempty" jsonschema:"enum=mapi,enum=owa,enum=ews,enum=activesync,enum=imap,enum=pop" jsonschema_description:"default mapi (Outlook); each protocol goes through its proxy component (MapiProxy, OwaProxy, …)"`
	RequestRate Rate   `yaml:"request_rate,omitempty" jsonschema_description:"requests per unit of time, as in 60/h; default 60/h"`
}

// ComponentHold is one requester holding one component of a server in a
// state at time zero (exchange profile, X1).
type ComponentHold struct {
	Component string `yaml:"component" jsonschema:"required" jsonschema_description:"HubTransport, FrontendTransport, MailboxDeliveryProxy (MailboxDelivery), ServerWideOffline, a client proxy (MapiProxy, OwaProxy, …) or another component"`
	Requester string `yaml:"requester" jsonschema:"required,enum=Maintenance,enum=Sidelined,enum=Functional,enum=Deployment,enum=HealthAPI"`
	State     string `yaml:"state" jsonschema:"required,enum=Active,enum=Inactive,enum=Draining"`
}

// MessagesExpect is `messages: {lost: 0, queued: 0, …}`: message counts at
// the end of an exchange run. Absent counts are not checked.
type MessagesExpect struct {
	Lost      *int `yaml:"lost,omitempty" jsonschema:"minimum=0" jsonschema_description:"accepted and neither delivered nor queued on a server that can still deliver them (X5): messages_lost"`
	Queued    *int `yaml:"queued,omitempty" jsonschema:"minimum=0" jsonschema_description:"still queued at the end"`
	Deferred  *int `yaml:"deferred,omitempty" jsonschema:"minimum=0" jsonschema_description:"refused by every server on arrival (the sender keeps them)"`
	Delivered *int `yaml:"delivered,omitempty" jsonschema:"minimum=0"`
	Accepted  *int `yaml:"accepted,omitempty" jsonschema:"minimum=0"`
	Delayed   *int `yaml:"delayed,omitempty" jsonschema:"minimum=0" jsonschema_description:"deferred, or delivered more than 5 minutes after acceptance"`
}

// Rate is a number of events per hour, written as a count per unit of
// time: 120/h, 2/min, 0.5/s, 1000/d.
type Rate float64

var rateSyntax = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?|\.[0-9]+) ?/ ?(s|sec|m|min|h|hour|d|day)$`)
})

var ratePerHour = map[string]float64{"s": 3600, "sec": 3600, "m": 60, "min": 60, "h": 1, "hour": 1, "d": 1.0 / 24, "day": 1.0 / 24}

const rateHint = "want a count per unit of time: /s, /min, /h or /d, as in 120/h or 2/min"

// ParseRate reads a Rate.
func ParseRate(s string) (Rate, error) {
	t := strings.TrimSpace(s)
	if t == "0" {
		return 0, nil
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("rate %q is negative; rates are ≥ 0", s)
	}
	if isNumber(t) {
		return 0, fmt.Errorf("rate %q has no unit: %s", s, rateHint)
	}
	m := rateSyntax().FindStringSubmatch(t)
	if m == nil {
		return 0, fmt.Errorf("bad rate %q: %s", s, rateHint)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("bad rate %q: %s", s, rateHint)
	}
	return Rate(v * ratePerHour[m[2]]), nil
}

// PerHour is the rate in events per hour.
func (r Rate) PerHour() float64 { return float64(r) }

// String prints the rate per hour, exactly (it parses back to the same
// float).
func (r Rate) String() string {
	return strconv.FormatFloat(float64(r), 'g', -1, 64) + "/h"
}

// MarshalYAML implements goccy/go-yaml's BytesMarshaler.
func (r Rate) MarshalYAML() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (r *Rate) UnmarshalYAML(n ast.Node) error {
	v, err := parseScalar(n, "a rate such as 120/h", ParseRate)
	if err == nil {
		*r = v
	}
	return err
}

// IsZero lets omitempty drop an unset rate.
func (r Rate) IsZero() bool { return r == 0 }

// JSONSchema describes the syntax.
func (Rate) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "a rate: a count per unit of time, as in 120/h, 2/min, 0.5/s or 1000/d",
		OneOf: []*jsonschema.Schema{
			{Type: "string", Pattern: `^(0|([0-9]+(\.[0-9]+)?|\.[0-9]+) ?/ ?(s|sec|m|min|h|hour|d|day))$`},
			{Type: "integer", Const: 0},
		},
	}
}

// MarshalYAML prints a copy as one flow line.
func (c DatabaseCopy) MarshalYAML() ([]byte, error) {
	var m flowMap
	m.add("server", yamlQuote(c.Server))
	if c.ActivationPreference != 0 {
		m.add("activation_preference", strconv.Itoa(c.ActivationPreference))
	}
	if c.Suspended {
		m.add("suspended", "true")
	}
	return m.bytes(), nil
}

// MarshalYAML prints a hold as one flow line.
func (h ComponentHold) MarshalYAML() ([]byte, error) {
	var m flowMap
	m.add("component", yamlQuote(h.Component))
	m.add("requester", yamlQuote(h.Requester))
	m.add("state", yamlQuote(h.State))
	return m.bytes(), nil
}

// MarshalYAML prints a client as one flow line.
func (c Client) MarshalYAML() ([]byte, error) {
	var m flowMap
	m.add("name", yamlQuote(c.Name))
	m.add("server", yamlQuote(c.Server))
	m.add("database", yamlQuote(c.Database))
	m.str("protocol", c.Protocol)
	if c.RequestRate != 0 {
		m.add("request_rate", c.RequestRate.String())
	}
	return m.bytes(), nil
}

// MarshalYAML prints message counts as one flow line.
func (x MessagesExpect) MarshalYAML() ([]byte, error) {
	var m flowMap
	for _, f := range []struct {
		name string
		v    *int
	}{{"lost", x.Lost}, {"queued", x.Queued}, {"deferred", x.Deferred}, {"delivered", x.Delivered},
		{"accepted", x.Accepted}, {"delayed", x.Delayed}} {
		if f.v != nil {
			m.add(f.name, strconv.Itoa(*f.v))
		}
	}
	return m.bytes(), nil
}

func init() {
	for t, n := range map[reflect.Type]string{
		reflect.TypeFor[Database]():       "a database",
		reflect.TypeFor[DatabaseCopy]():   "a database copy",
		reflect.TypeFor[Client]():         "a client",
		reflect.TypeFor[ComponentHold]():  "a component hold",
		reflect.TypeFor[MessagesExpect](): "messages",
	} {
		nouns[t] = n
	}
}
