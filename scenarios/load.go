package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// MaxFileBytes bounds what Parse reads: fleets are written with count:,
// so a real scenario is a few kilobytes.
const MaxFileBytes = 16 << 20

// maxNodes bounds how many YAML nodes one decode visits, so an alias bomb
// (anchors nested inside anchors) fails fast instead of eating memory.
const maxNodes = 1_000_000

// Load reads and compiles a scenario file. Bad input, an unreadable file
// included, is an *InputError.
func Load(path string) (*Scenario, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, readError(path, err)
	}
	return Parse(path, data)
}

// Parse decodes, validates and compiles a scenario file's bytes. path is
// used in messages only. Every problem comes back in one *InputError: all
// structural ones (unknown fields, wrong types, bad units) if there are
// any, else all validation ones (dangling names, times out of range, …).
func Parse(path string, data []byte) (*Scenario, error) {
	data = normalizeSource(data)
	f, loc, err := decode(path, data)
	if err != nil {
		return nil, err
	}
	return compile(path, data, f, loc)
}

// LoadFile reads a scenario file into its Go form without validating it
// (Compile does that), for tools that edit scenarios: the checker perturbs
// them, sweeps patch parameters.
func LoadFile(path string) (*File, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, readError(path, err)
	}
	return DecodeFile(path, data)
}

// DecodeFile decodes a scenario file's bytes into its Go form without
// validating it. Structural problems are an *InputError.
func DecodeFile(path string, data []byte) (*File, error) {
	f, _, err := decode(path, normalizeSource(data))
	return f, err
}

func readError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &InputError{Path: path, Problems: []Problem{{Msg: "cannot read the scenario file: " + err.Error()}}}
}

// decode parses YAML with goccy/go-yaml and walks the AST into a File. It
// walks the AST itself rather than calling yaml.Unmarshal because goccy's
// decoder stops at the first problem, and with several unknown fields picks
// one in map order; walking keeps every problem, in file order, each at its
// own node, with messages in the format's words rather than Go's. The
// custom types are goccy NodeUnmarshalers, so yaml.UnmarshalWithOptions
// with yaml.Strict() reads the same files into the same File (tested).
func decode(path string, data []byte) (*File, *locator, error) {
	fail := func(p ...Problem) (*File, *locator, error) {
		return nil, nil, &InputError{Path: path, Source: data, Problems: p}
	}
	if len(data) > MaxFileBytes {
		return fail(Problem{Msg: fmt.Sprintf("the file is %d bytes; scenario files are at most %d (use count: for fleets)", len(data), MaxFileBytes)})
	}
	body, p := yamlDocument(data, "a scenario file")
	if p != nil {
		return fail(*p)
	}
	d := newYAMLDecoder()
	f := new(File)
	d.decode(body, reflect.ValueOf(f).Elem(), "")
	if len(d.problems) > 0 {
		sortProblems(d.problems)
		return fail(d.problems...)
	}
	return f, &locator{root: body, anchors: d.anchors}, nil
}

// yamlDocument parses a file that holds one YAML document (a scenario or
// a sweep file; what names it in messages) after normalizeSource: not
// empty, UTF-8, flow collections nested at most maxFlowDepth deep, valid
// YAML, exactly one document.
func yamlDocument(data []byte, what string) (ast.Node, *Problem) {
	if strings.TrimSpace(string(data)) == "" {
		return nil, &Problem{Msg: "the file is empty"}
	}
	if pos, ok := firstInvalidUTF8(data); !ok {
		return nil, &Problem{Pos: pos, Msg: "the file is not UTF-8 text (YAML files are UTF-8)"}
	}
	if pos, ok := flowDepthWithin(data, maxFlowDepth); !ok {
		return nil, &Problem{Pos: pos, Msg: fmt.Sprintf("[ and { nested more than %d deep", maxFlowDepth)}
	}
	af, err := parser.ParseBytes(data, 0)
	if err != nil {
		p := syntaxProblem(err)
		return nil, &p
	}
	var docs []*ast.DocumentNode
	for _, d := range af.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return nil, &Problem{Msg: "the file has no YAML content"}
	}
	if len(docs) > 1 {
		return nil, &Problem{Pos: nodePos(docs[1].Body), Msg: what + " holds one YAML document; this is a second one"}
	}
	return docs[0].Body, nil
}

// maxFlowDepth bounds how deep [ and { may nest. No scenario needs more
// than a few levels, and the YAML parser's time grows much faster than
// the nesting (an 80 KB file nested 40,000 deep took 11 s and 2.5 GB).
const maxFlowDepth = 64

// flowDepthWithin reports whether flow collections nest at most limit
// deep, or the position where they first go deeper. Brackets inside
// quotes and comments do not count.
func flowDepthWithin(data []byte, limit int) (Pos, bool) {
	depth, line, col := 0, 1, 0
	var quote byte
	comment := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		col++
		switch {
		case c == '\n':
			line, col, comment = line+1, 0, false
			continue
		case comment:
			continue
		case quote != 0:
			if c == '\\' && quote == '"' && i+1 < len(data) {
				i++
				col++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			// A quote opens a quoted scalar only where a scalar starts
			// (not the apostrophe of "it's").
			if i == 0 || strings.IndexByte(" \t[{,:-", data[i-1]) >= 0 {
				quote = c
			}
		case '#':
			comment = i == 0 || data[i-1] == ' ' || data[i-1] == '\t'
		case '[', '{':
			if depth++; depth > limit {
				return Pos{Line: line, Col: col}, false
			}
		case ']', '}':
			depth = max(0, depth-1)
		}
	}
	return Pos{}, true
}

// utf8BOM is the byte order mark some Windows editors put at the start of a
// UTF-8 file; YAML allows it there, and it is not part of the first key.
var utf8BOM = []byte("\ufeff")

// normalizeSource drops a leading byte order mark and turns CRLF line breaks
// into LF (YAML reads both as one line break). goccy's positions in a CRLF
// file are one line off, so without this every FILE:LINE:COL of a file
// saved on Windows would name the line below the mistake.
func normalizeSource(data []byte) []byte {
	data = bytes.TrimPrefix(data, utf8BOM)
	if bytes.Contains(data, []byte("\r\n")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	return data
}

// firstInvalidUTF8 is the position of the first byte that is not UTF-8, so
// that a file saved in Latin-1 is an error at its place rather than names
// with replacement characters in every report.
func firstInvalidUTF8(data []byte) (Pos, bool) {
	if utf8.Valid(data) {
		return Pos{}, true
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return Pos{Line: line, Col: col}, false
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += n
	}
	return Pos{Line: line, Col: col}, false
}

var duplicateKey = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):(\d+)\]$`)
})

// syntaxProblem turns a goccy parse error into a positioned Problem.
func syntaxProblem(err error) Problem {
	var ye yaml.Error
	if errors.As(err, &ye) {
		p := Problem{Msg: "YAML syntax: " + ye.GetMessage()}
		if m := duplicateKey().FindStringSubmatch(ye.GetMessage()); m != nil {
			p.Msg = fmt.Sprintf("duplicate field %q (first at line %s)", m[1], m[2])
		}
		if tk := ye.GetToken(); tk != nil {
			p.Pos = Pos{Line: tk.Position.Line, Col: tk.Position.Column}
		}
		return p
	}
	return Problem{Msg: "YAML syntax: " + err.Error()}
}

func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	})
}

// tokenValue is a node's token text, "" for a node without one.
func tokenValue(n ast.Node) string {
	if n == nil || reflect.ValueOf(n).IsNil() || n.GetToken() == nil {
		return ""
	}
	return n.GetToken().Value
}

// nodePos is where a node starts: for a block mapping its first key, as
// the mapping's own token is the first colon.
func nodePos(n ast.Node) Pos {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return Pos{}
	}
	tk := n.GetToken()
	if mv, ok := n.(*ast.MappingValueNode); ok && mv.Key != nil {
		tk = mv.Key.GetToken()
	}
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 && !m.IsFlowStyle && m.Values[0].Key != nil {
		tk = m.Values[0].Key.GetToken()
	}
	if tk == nil {
		return Pos{}
	}
	return Pos{Line: tk.Position.Line, Col: tk.Position.Column}
}

// yamlDecoder walks a goccy AST into Go values by reflection, collecting
// problems instead of stopping at the first.
type yamlDecoder struct {
	problems []Problem
	anchors  map[string]ast.Node
	nodes    int
}

func newYAMLDecoder() *yamlDecoder { return &yamlDecoder{anchors: map[string]ast.Node{}} }

// yamlUnion is implemented by the types that take more than one YAML shape
// (a list or a mapping, a word or a mapping): they pick the shape and hand
// the parts back to the decoder, so problems inside them are collected like
// any other.
type yamlUnion interface {
	decodeYAML(d *yamlDecoder, n ast.Node, key string)
}

var (
	unionType     = reflect.TypeFor[yamlUnion]()
	nodeUnmarType = reflect.TypeFor[yaml.NodeUnmarshaler]()
	timeType      = reflect.TypeFor[time.Time]()
)

func (d *yamlDecoder) fail(n ast.Node, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = key + ": " + msg
	}
	d.problems = append(d.problems, Problem{Pos: nodePos(n), Msg: msg})
}

// resolve strips anchors, aliases and tags. It returns nil after reporting
// a problem.
func (d *yamlDecoder) resolve(n ast.Node, key string) ast.Node {
	for range 64 {
		switch t := n.(type) {
		case *ast.AnchorNode:
			d.anchors[tokenValue(t.Name)] = t.Value
			n = t.Value
		case *ast.AliasNode:
			name := tokenValue(t.Value)
			target, ok := d.anchors[name]
			if !ok {
				d.fail(n, key, "alias *%s names no anchor defined before it", name)
				return nil
			}
			n = target
		case *ast.TagNode:
			switch tag := tokenValue(t); tag {
			case "!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq":
				n = t.Value
			default:
				d.fail(n, key, "YAML tag %s is not supported", tag)
				return nil
			}
		case *ast.MappingKeyNode:
			n = t.Value
		default:
			return n
		}
	}
	d.fail(n, key, "too many nested anchors, aliases or tags")
	return nil
}

// lastKey is the last name of a dotted field path ("retry.wait" → "wait").
func lastKey(key string) string { return key[strings.LastIndexByte(key, '.')+1:] }

// decode stores node n into v. key names the field in messages.
func (d *yamlDecoder) decode(n ast.Node, v reflect.Value, key string) {
	if d.nodes++; d.nodes == maxNodes {
		d.fail(n, key, "the file expands to more than %d YAML nodes (aliases?); scenario files are small, use count: for fleets", maxNodes)
	}
	if d.nodes >= maxNodes {
		return
	}
	if n = d.resolve(n, key); n == nil {
		return
	}
	if _, null := n.(*ast.NullNode); null {
		// `key:` or `key: null` reads as absent in YAML, but in a file
		// written by hand it is usually a value forgotten: say so rather
		// than silently apply the default.
		if key == "" {
			d.fail(n, key, "the file holds no scenario (null)")
		} else {
			d.fail(n, key, "no value (null); give one, or leave %s out for its default", lastKey(key))
		}
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), key)
		return
	}
	pt := reflect.PointerTo(v.Type())
	switch {
	case pt.Implements(unionType):
		v.Addr().Interface().(yamlUnion).decodeYAML(d, n, key)
		return
	case pt.Implements(nodeUnmarType):
		if err := v.Addr().Interface().(yaml.NodeUnmarshaler).UnmarshalYAML(n); err != nil {
			d.nodeErr(n, key, err)
		}
		return
	case v.Type() == timeType:
		s, ok := scalarText(n)
		if !ok {
			d.fail(n, key, "want an RFC 3339 time such as 2026-11-02T20:00:00Z, got %s", describeNode(n))
			return
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
		if err != nil {
			d.fail(n, key, "bad time %q: want RFC 3339, as in 2026-11-02T20:00:00Z", s)
			return
		}
		if err := checkInstant(t, s); err != nil {
			d.fail(n, key, "%v", err)
			return
		}
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, key)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.fail(n, key, "want a list, got %s", describeNode(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
		for i, e := range seq.Values {
			d.decode(e, s.Index(i), fmt.Sprintf("%s[%d]", key, i))
		}
		v.Set(s)
	case reflect.String:
		switch n.(type) {
		case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode:
			s, _ := scalarText(n)
			v.SetString(s)
		default:
			d.fail(n, key, "want a string, got %s", describeNode(n))
		}
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.fail(n, key, "want true or false, got %s", describeNode(n))
			return
		}
		v.SetBool(b.Value)
	case reflect.Int, reflect.Int32, reflect.Int64:
		d.decodeInt(n, v, key)
	case reflect.Uint64:
		d.decodeUint(n, v, key)
	default:
		// Only reachable if a File type gains a field of a kind this
		// decoder does not know: a bug, reported rather than ignored.
		d.fail(n, key, "internal error: cannot decode into Go type %s", v.Type())
	}
}

// nodeErr reports an error from a custom type at the node it names.
func (d *yamlDecoder) nodeErr(n ast.Node, key string, err error) {
	var ne *nodeError
	if errors.As(err, &ne) {
		if ne.node != nil {
			n = ne.node
		}
		d.fail(n, key, "%s", ne.msg)
		return
	}
	d.fail(n, key, "%s", err.Error())
}

func isDigits(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	return s != "" && strings.Trim(s, "0123456789_") == ""
}

// bigInteger reports whether n is an unquoted integer the parser kept as
// a string because it does not fit 64 bits (a quoted "3" is a string).
func bigInteger(n ast.Node) (string, bool) {
	s, ok := n.(*ast.StringNode)
	if !ok || s.Token == nil || s.Token.Type == token.DoubleQuoteType || s.Token.Type == token.SingleQuoteType || !isDigits(s.Value) {
		return "", false
	}
	return s.Value, true
}

func (d *yamlDecoder) decodeInt(n ast.Node, v reflect.Value, key string) {
	in, ok := n.(*ast.IntegerNode)
	if !ok {
		if s, big := bigInteger(n); big && strings.HasPrefix(s, "-") {
			d.fail(n, key, "%s is too small (at least %d)", s, -maxIntOf(v)-1)
			return
		} else if big {
			d.fail(n, key, "%s is too large (at most %d)", s, maxIntOf(v))
			return
		}
		d.fail(n, key, "want an integer, got %s", describeNode(n))
		return
	}
	var x int64
	switch val := in.Value.(type) {
	case int64:
		x = val
	case uint64: // goccy's parser stores non-negative literals as uint64
		if val > math.MaxInt64 {
			d.fail(n, key, "%d is too large (at most %d)", val, maxIntOf(v))
			return
		}
		x = int64(val)
	}
	if v.OverflowInt(x) {
		d.fail(n, key, "%d is out of range (at most %d)", x, maxIntOf(v))
		return
	}
	v.SetInt(x)
}

func maxIntOf(v reflect.Value) int64 { return int64(1)<<(v.Type().Bits()-1) - 1 }

func (d *yamlDecoder) decodeUint(n ast.Node, v reflect.Value, key string) {
	in, ok := n.(*ast.IntegerNode)
	if !ok {
		if s, big := bigInteger(n); big && strings.HasPrefix(s, "-") {
			d.fail(n, key, "%s is negative; want an integer ≥ 0", s)
			return
		} else if big {
			d.fail(n, key, "%s is too large (at most 18446744073709551615)", s)
			return
		}
		d.fail(n, key, "want a non-negative integer, got %s", describeNode(n))
		return
	}
	switch val := in.Value.(type) {
	case int64:
		if val < 0 {
			d.fail(n, key, "%d is negative; want an integer ≥ 0", val)
			return
		}
		v.SetUint(uint64(val))
	case uint64:
		v.SetUint(val)
	}
}

// structField is one YAML key of a struct.
type structField struct {
	name  string
	index int
}

var structFields sync.Map // reflect.Type → []structField

func fieldsOf(t reflect.Type) []structField {
	if fs, ok := structFields.Load(t); ok {
		return fs.([]structField)
	}
	var fs []structField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fs = append(fs, structField{name: name, index: i})
	}
	structFields.Store(t, fs)
	return fs
}

// nouns name the mappings of the format in messages.
var nouns = map[reflect.Type]string{
	reflect.TypeFor[File]():             "a scenario",
	reflect.TypeFor[SemanticsConfig]():  "semantics",
	reflect.TypeFor[LimitsConfig]():     "limits",
	reflect.TypeFor[Server]():           "a server",
	reflect.TypeFor[Tenant]():           "a tenant",
	reflect.TypeFor[Job]():              "a job",
	reflect.TypeFor[Object]():           "an object",
	reflect.TypeFor[ObjectSet]():        "an object set",
	reflect.TypeFor[Schedule]():         "a schedule",
	reflect.TypeFor[Retry]():            "retry",
	reflect.TypeFor[Action]():           "an action",
	reflect.TypeFor[Expect]():           "an expect entry",
	reflect.TypeFor[InvariantsExpect](): "invariants",
}

func (d *yamlDecoder) decodeStruct(n ast.Node, v reflect.Value, key string) {
	pairs, ok := yamlEntries(n)
	if !ok {
		d.fail(n, key, "want a mapping (%s), got %s", strings.TrimPrefix(strings.TrimPrefix(nouns[v.Type()], "a "), "an "), describeNode(n))
		return
	}
	fields := fieldsOf(v.Type())
	for _, p := range pairs {
		kn := d.resolve(p.Key, key)
		if kn == nil {
			continue
		}
		if _, merge := kn.(*ast.MergeKeyNode); merge {
			d.fail(kn, "", "merge keys (<<) are not supported; write the fields out")
			continue
		}
		name, ok := scalarText(kn)
		if !ok {
			d.fail(kn, key, "want a field name, got %s", describeNode(kn))
			continue
		}
		i := slices.IndexFunc(fields, func(f structField) bool { return f.name == name })
		if i < 0 {
			names := make([]string, len(fields))
			for j, f := range fields {
				names[j] = f.name
			}
			d.fail(kn, "", "unknown field %q in %s%s (fields: %s)", name, nouns[v.Type()], didYouMean(name, names), strings.Join(names, ", "))
			continue
		}
		d.decode(p.Value, v.Field(fields[i].index), name)
	}
}

// decodeNodeInto decodes one node with a fresh decoder and returns the
// first problem as an error at its node: the NodeUnmarshaler form of the
// union types, for callers that use goccy's decoder.
func decodeNodeInto(n ast.Node, u yamlUnion) error {
	d := newYAMLDecoder()
	u.decodeYAML(d, n, "")
	if len(d.problems) == 0 {
		return nil
	}
	p := d.problems[0]
	return &nodeError{node: nodeAtPos(n, p.Pos), msg: p.Msg}
}

// nodeAtPos finds a node of the subtree at pos, so an error keeps its place.
func nodeAtPos(root ast.Node, pos Pos) ast.Node {
	found := root
	ast.Walk(visitorFunc(func(n ast.Node) bool {
		if tk := n.GetToken(); tk != nil && tk.Position.Line == pos.Line && tk.Position.Column == pos.Col {
			found = n
			return false
		}
		return true
	}), root)
	return found
}

type visitorFunc func(ast.Node) bool

func (f visitorFunc) Visit(n ast.Node) ast.Visitor {
	if f(n) {
		return f
	}
	return nil
}

// decodeYAML reads a list of objects or an {count, prefix, …} set.
func (o *Objects) decodeYAML(d *yamlDecoder, n ast.Node, key string) {
	switch n.(type) {
	case *ast.SequenceNode:
		d.decode(n, reflect.ValueOf(&o.Items).Elem(), key)
	case *ast.MappingNode, *ast.MappingValueNode:
		o.Set = new(ObjectSet)
		d.decode(n, reflect.ValueOf(o.Set).Elem(), key)
	default:
		d.fail(n, key, "want a list of objects or {count: N, prefix: P, size: S}, got %s", describeNode(n))
	}
}

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (o *Objects) UnmarshalYAML(n ast.Node) error { return decodeNodeInto(n, o) }

// decodeYAML reads {OBJECT: RESULT, …} keeping file order.
func (t *TaskResults) decodeYAML(d *yamlDecoder, n ast.Node, key string) {
	pairs, ok := yamlEntries(n)
	if !ok {
		d.fail(n, key, "want a mapping of object to result, as in {vm1: Success, vm2: Failed}, got %s", describeNode(n))
		return
	}
	*t = make(TaskResults, 0, len(pairs))
	for _, p := range pairs {
		kn := d.resolve(p.Key, key)
		if kn == nil {
			continue
		}
		obj, ok := scalarText(kn)
		if !ok {
			d.fail(kn, key, "want an object name, got %s", describeNode(kn))
			continue
		}
		var res string
		d.decode(p.Value, reflect.ValueOf(&res).Elem(), "tasks."+obj)
		*t = append(*t, TaskResult{Object: obj, Result: res})
	}
}

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (t *TaskResults) UnmarshalYAML(n ast.Node) error { return decodeNodeInto(n, t) }

// decodeYAML reads `hold` or {violated: ID}.
func (iv *InvariantsExpect) decodeYAML(d *yamlDecoder, n ast.Node, key string) {
	if s, ok := scalarText(n); ok {
		if s != "hold" {
			d.fail(n, key, "want hold or {violated: INV-NN}, got %q", s)
			return
		}
		iv.Hold = true
		return
	}
	pairs, ok := yamlEntries(n)
	if !ok {
		d.fail(n, key, "want hold or {violated: INV-NN}, got %s", describeNode(n))
		return
	}
	for _, p := range pairs {
		kn := d.resolve(p.Key, key)
		if kn == nil {
			continue
		}
		if name, _ := scalarText(kn); name != "violated" {
			d.fail(kn, "", "unknown field %q in invariants (fields: violated)", name)
			continue
		}
		d.decode(p.Value, reflect.ValueOf(&iv.Violated).Elem(), "violated")
	}
}

// UnmarshalYAML implements goccy/go-yaml's NodeUnmarshaler.
func (iv *InvariantsExpect) UnmarshalYAML(n ast.Node) error { return decodeNodeInto(n, iv) }

// locator finds the position of a field of the decoded file, for problems
// found after decoding. A path is a list of mapping keys (string) and list
// indexes (int): "tenants", 2, "server".
type locator struct {
	root    ast.Node
	anchors map[string]ast.Node
}

func (l *locator) deref(n ast.Node) ast.Node {
	for range 64 {
		switch t := n.(type) {
		case *ast.AnchorNode:
			n = t.Value
		case *ast.TagNode:
			n = t.Value
		case *ast.AliasNode:
			target, ok := l.anchors[tokenValue(t.Value)]
			if !ok {
				return n
			}
			n = target
		default:
			return n
		}
	}
	return n
}

// walk follows path from the root. It returns the node at the end (nil if
// some segment is missing) and the position of the deepest node found, so
// a missing field is reported at the mapping that lacks it.
func (l *locator) walk(path []any) (ast.Node, Pos) {
	n := l.deref(l.root)
	best := nodePos(n)
	for _, seg := range path {
		var next ast.Node
		switch s := seg.(type) {
		case string:
			if p := l.pair(n, s); p != nil {
				next = p.Value
			}
		case int:
			if seq, ok := n.(*ast.SequenceNode); ok && s >= 0 && s < len(seq.Values) {
				next = seq.Values[s]
			}
		}
		if next == nil {
			return nil, best
		}
		n = l.deref(next)
		if p := nodePos(n); p.Line > 0 {
			best = p
		}
	}
	return n, best
}

// pair returns the entry of mapping n with the given key.
func (l *locator) pair(n ast.Node, key string) *ast.MappingValueNode {
	pairs, _ := yamlEntries(n)
	for _, p := range pairs {
		if k, _ := scalarText(l.deref(p.Key)); k == key {
			return p
		}
	}
	return nil
}

// pos returns the position of the value at path, or of the nearest
// ancestor that exists.
func (l *locator) pos(path []any) Pos {
	if l == nil {
		return Pos{}
	}
	_, p := l.walk(path)
	return p
}

// keyPos returns the position of the key that ends path (the field name
// itself), for problems about a field's presence rather than its value.
func (l *locator) keyPos(path []any) Pos {
	if l == nil {
		return Pos{}
	}
	if len(path) > 0 {
		if key, ok := path[len(path)-1].(string); ok {
			parent, _ := l.walk(path[:len(path)-1])
			if p := l.pair(parent, key); p != nil {
				if tk := p.Key.GetToken(); tk != nil {
					return Pos{Line: tk.Position.Line, Col: tk.Position.Column}
				}
			}
		}
	}
	return l.pos(path)
}

// scenarioName is the default name: the file name without its extension.
func scenarioName(path string) string {
	base := filepath.Base(path)
	if path == "" || base == "." || base == string(filepath.Separator) {
		return "scenario"
	}
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// didYouMean suggests the known name closest to a misspelt one.
func didYouMean(name string, known []string) string {
	best, bestD := "", 3 // suggest only near misses: at most two edits
	for _, k := range known {
		if d := editDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %s?", best)
}

// editDistance is Levenshtein's distance, for short field names.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
