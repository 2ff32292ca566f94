package scenarios

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
)

// Marshal prints a File as a scenario file that Parse reads back to the
// same File: the checker prints its counterexamples with it, so the output
// is meant for people too. Mappings of the top levels are block style;
// small leaf mappings (objects, schedules, retries, actions, task results)
// are one flow line each, as in the examples.
//
// Strings are written plain when that is unambiguous and double-quoted
// otherwise (goccy's own quoting drops tabs and leaves .inf bare). A string
// that is not valid UTF-8 cannot be written in YAML and does not survive.
func Marshal(f *File) ([]byte, error) {
	return yaml.MarshalWithOptions(f,
		yaml.IndentSequence(true),
		yaml.CustomMarshaler[string](func(s string) ([]byte, error) { return []byte(yamlQuote(s)), nil }),
	)
}

// A # is safe after a non-space (only " #" starts a comment), so session
// names such as acme/nightly#1 stay plain.
var plainSafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_./#-]*( [A-Za-z0-9_./-]+)*$`) })

// yamlQuote returns s as a YAML scalar that reads back as the string s, in
// block and flow context alike.
func yamlQuote(s string) string {
	if plainSafe().MatchString(s) {
		switch strings.ToLower(s) {
		case "true", "false", "yes", "no", "on", "off", "y", "n", "null":
		default:
			return s
		}
	}
	return strconv.Quote(s)
}

// flowMap builds a one-line flow mapping from already rendered values.
type flowMap struct {
	b strings.Builder
}

func (m *flowMap) add(key, rendered string) {
	if m.b.Len() == 0 {
		m.b.WriteByte('{')
	} else {
		m.b.WriteString(", ")
	}
	m.b.WriteString(yamlQuote(key))
	m.b.WriteString(": ")
	m.b.WriteString(rendered)
}

func (m *flowMap) str(key, s string) {
	if s != "" {
		m.add(key, yamlQuote(s))
	}
}

func (m *flowMap) bytes() []byte {
	if m.b.Len() == 0 {
		return []byte("{}")
	}
	m.b.WriteByte('}')
	return []byte(m.b.String())
}

// MarshalYAML prints an object as one flow line.
func (o Object) MarshalYAML() ([]byte, error) {
	var m flowMap
	m.add("name", yamlQuote(o.Name))
	if o.Size.IsSet() {
		m.add("size", o.Size.String())
	}
	if o.Duration.IsSet() {
		m.add("duration", o.Duration.String())
	}
	return m.bytes(), nil
}

// MarshalYAML prints an object set as one flow line.
func (s ObjectSet) MarshalYAML() ([]byte, error) {
	var m flowMap
	m.add("count", strconv.Itoa(s.Count))
	if s.Prefix != nil {
		m.str("prefix", *s.Prefix)
	}
	if s.Size.IsSet() {
		m.add("size", s.Size.String())
	}
	if s.Duration.IsSet() {
		m.add("duration", s.Duration.String())
	}
	return m.bytes(), nil
}

// MarshalYAML gives goccy the set, or the list (one flow line per object).
// It returns a value rather than bytes: goccy re-indents a value it
// encodes itself, but not a block sequence handed over as bytes.
func (o Objects) MarshalYAML() (any, error) {
	if o.Set != nil {
		return o.Set, nil
	}
	if o.Items == nil {
		return []Object{}, nil
	}
	return o.Items, nil
}

// MarshalYAML prints a schedule as one flow line.
func (s Schedule) MarshalYAML() ([]byte, error) {
	var m flowMap
	if s.Manual {
		m.add("manual", "true")
	}
	if s.At != nil {
		m.add("at", s.At.String())
	}
	m.str("daily", s.Daily)
	if s.Every != nil {
		m.add("every", s.Every.String())
	}
	if s.Jitter.IsSet() {
		m.add("jitter", s.Jitter.String())
	}
	return m.bytes(), nil
}

// MarshalYAML prints a retry policy as one flow line.
func (r Retry) MarshalYAML() ([]byte, error) {
	var m flowMap
	if r.Count != nil {
		m.add("count", strconv.Itoa(*r.Count))
	}
	if r.Wait != 0 {
		m.add("wait", r.Wait.String())
	}
	return m.bytes(), nil
}

// MarshalYAML prints an action as one flow line.
func (a Action) MarshalYAML() ([]byte, error) {
	var m flowMap
	if a.At != nil {
		m.add("at", a.At.String())
	}
	m.str("do", a.Do)
	m.str("server", a.Server)
	m.str("tenant", a.Tenant)
	m.str("job", a.Job)
	m.str("mode", a.Mode)
	// exchange profile
	m.str("component", a.Component)
	m.str("state", a.State)
	m.str("requester", a.Requester)
	m.str("database", a.Database)
	m.str("target", a.Target)
	m.str("database_copy_auto_activation_policy", a.Policy)
	if a.Text != nil {
		m.add("text", yamlQuote(*a.Text))
	}
	return m.bytes(), nil
}

// MarshalYAML prints task results as one flow mapping, in order.
func (t TaskResults) MarshalYAML() ([]byte, error) {
	var m flowMap
	for _, r := range t {
		m.add(r.Object, yamlQuote(r.Result))
	}
	return m.bytes(), nil
}

// MarshalYAML prints hold or {violated: ID}.
func (iv InvariantsExpect) MarshalYAML() ([]byte, error) {
	var m flowMap
	switch {
	case iv.Hold && iv.Violated == "":
		return []byte("hold"), nil
	case iv.Hold:
		m.add("hold", "true") // not valid: printed so Parse reports it rather than losing it
	}
	m.str("violated", iv.Violated)
	return m.bytes(), nil
}
