package scenarios

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/maintsim/maintsim/sim"
)

// A sweep is the capacity-planning what-if of CONTRACT.md: a base scenario,
// a grid of parameter values patched into its YAML, and replicate seeds per
// grid point. Run i is grid point i / replicates, replicate i % replicates,
// seed sim.SubSeed(base seed, i): nothing about a run depends on how many
// shards or workers there are, so shards merge into exactly the output of
// one unsharded sweep.

// MaxSweepRuns bounds a sweep's grid × replicates.
const MaxSweepRuns = 10_000_000

// Sweep is a loaded sweep file with every grid point compiled.
type Sweep struct {
	Path        string // the sweep file, as given
	Source      []byte
	Name        string // name: or the file's base name without extension
	Base        string // base: as written (relative to the sweep file)
	BasePath    string // the base scenario file, resolved
	BaseSource  []byte
	BaseSeed    uint64 // seed: of the sweep file, else the base scenario's seed
	Replicates  int
	CommonSeeds bool // seed = SubSeed(base, replicate): the same seeds at every grid point
	Vary        []VaryParam
	Metrics     []MetricInfo
	Hash        string // hex sha256 of the base file's bytes then the sweep file's bytes

	points []*Scenario
}

// VaryParam is one key of vary:. Several comma-separated paths in one key
// are linked: they change together, each value a list with one item per
// path (for example an enable and a disable time that keep a window's
// length).
type VaryParam struct {
	Key    string   // the key as written
	Paths  []string // one or more scenario paths
	Pos    Pos      // of the key
	Values []VaryValue
	segs   [][]pathSeg
}

// VaryValue is one value of a VaryParam: one part per path.
type VaryValue struct {
	Pos   Pos
	Parts []any    // decoded: string, int64/uint64, float64, bool, nil, []any, yaml.MapSlice
	yaml  []string // each part as one line of flow YAML, as patched into the base
}

// Points is the number of grid points.
func (sw *Sweep) Points() int { return len(sw.points) }

// Runs is grid points × replicates.
func (sw *Sweep) Runs() int { return len(sw.points) * sw.Replicates }

// RunSeed is the seed of run i.
func (sw *Sweep) RunSeed(i int) uint64 {
	if sw.CommonSeeds {
		return sim.SubSeed(sw.BaseSeed, uint64(i%sw.Replicates))
	}
	return sim.SubSeed(sw.BaseSeed, uint64(i))
}

// pointValues is the value index of each vary key at grid point p: keys in
// file order, the last one varying fastest.
func (sw *Sweep) pointValues(p int) []int {
	return gridIndex(p, len(sw.Vary), func(k int) int { return len(sw.Vary[k].Values) })
}

// gridIndex splits grid point p into one value index per vary key, the
// last key varying fastest (key k has size(k) values): the one numbering
// of grid points that sweep writes and merge checks.
func gridIndex(p, keys int, size func(k int) int) []int {
	idx := make([]int, keys)
	for k := keys - 1; k >= 0; k-- {
		n := size(k)
		idx[k] = p % n
		p /= n
	}
	return idx
}

// Params returns the parameter values of grid point p, path → value, in
// vary order (linked paths each on their own).
func (sw *Sweep) Params(p int) OrderedObject {
	var out OrderedObject
	for k, vi := range sw.pointValues(p) {
		v := sw.Vary[k].Values[vi]
		for i, path := range sw.Vary[k].Paths {
			out = append(out, NamedValue{Name: path, Value: jsonValue(v.Parts[i])})
		}
	}
	return out
}

// LoadSweep reads a sweep file, its base scenario, and compiles every grid
// point. Bad input is an *InputError naming the sweep file.
func LoadSweep(path string) (*Sweep, error) {
	data, err := ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &InputError{Path: path, Problems: []Problem{{Msg: "cannot read the sweep file: " + err.Error()}}}
	}
	return ParseSweep(path, data)
}

// ParseSweep is LoadSweep on bytes already read; the base file is read
// with ReadFile, relative to path's directory.
func ParseSweep(path string, data []byte) (*Sweep, error) {
	data = normalizeSource(data) // a BOM, CRLF: as in a scenario file
	sw := &Sweep{Path: path, Source: data, Replicates: 1}
	ie := &InputError{Path: path, Source: data}
	fail := func(n ast.Node, format string, args ...any) {
		ie.Problems = append(ie.Problems, Problem{Pos: nodePos(n), Msg: fmt.Sprintf(format, args...)})
	}
	body, p := yamlDocument(data, "a sweep file")
	if p != nil {
		ie.Problems = append(ie.Problems, *p)
		return nil, ie
	}
	pairs, ok := sweepPairs(body)
	if !ok || len(pairs) == 0 {
		ie.Problems = append(ie.Problems, Problem{Pos: nodePos(body), Msg: "a sweep file is a mapping with base:, replicates:, vary: and metrics:"})
		return nil, ie
	}
	var baseNode, varyNode ast.Node
	var seed *uint64
	seen := map[string]bool{}
	for _, kv := range pairs {
		key := kv.Key.GetToken().Value
		if seen[key] {
			fail(kv, "%s: given twice", key)
			continue
		}
		seen[key] = true
		v := scalarNode(kv.Value)
		switch key {
		case "name":
			if s, ok := sweepScalar(v); ok {
				sw.Name = s
			} else {
				fail(v, "name: want a string")
			}
		case "base":
			if s, ok := sweepScalar(v); ok && s != "" {
				sw.Base, baseNode = s, v
			} else {
				fail(v, "base: want the path of a scenario file, relative to the sweep file")
			}
		case "replicates":
			var n int64
			if err := yaml.NodeToValue(v, &n); err != nil || n < 1 || v.Type() != ast.IntegerType {
				fail(v, "replicates: want an integer ≥ 1 (seeds per grid point)")
			} else if n > MaxSweepRuns {
				fail(v, "replicates: at most %d", MaxSweepRuns)
			} else {
				sw.Replicates = int(n)
			}
		case "seed":
			var n uint64
			if err := yaml.NodeToValue(v, &n); err != nil || v.Type() != ast.IntegerType {
				fail(v, "seed: want a non-negative integer")
			} else {
				seed = &n
			}
		case "common_seeds":
			if v.Type() != ast.BoolType {
				fail(v, "common_seeds: want true or false")
			} else {
				sw.CommonSeeds = v.(*ast.BoolNode).Value
			}
		case "vary":
			varyNode = v
		case "metrics":
			sw.Metrics = parseMetricList(v, fail)
		default:
			fail(kv, "unknown field %q (fields: name, base, seed, replicates, common_seeds, vary, metrics)", key)
		}
	}
	if baseNode == nil && !seen["base"] {
		ie.Problems = append(ie.Problems, Problem{Pos: nodePos(body), Msg: "base: missing (the scenario file to sweep over)"})
	}
	if varyNode != nil {
		sw.Vary = parseVary(varyNode, fail)
	}
	if sw.Metrics == nil && !seen["metrics"] {
		sw.Metrics = MetricCatalogue()
	}
	if sw.Name == "" {
		sw.Name = strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".yaml"), ".yml")
	}
	if len(ie.Problems) > 0 {
		return nil, ie
	}

	// The base file, relative to the sweep file.
	sw.BasePath = sw.Base
	if !filepath.IsAbs(sw.Base) {
		sw.BasePath = filepath.Join(filepath.Dir(path), sw.Base)
	}
	base, err := ReadFile(sw.BasePath)
	base = normalizeSource(base) // positions in patched-base errors must match the file as the user sees it
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		fail(baseNode, "base: cannot read %s: %v", sw.BasePath, err)
		return nil, ie
	}
	sw.BaseSource = base
	h := sha256.New()
	h.Write(base)
	h.Write(data)
	sw.Hash = hex.EncodeToString(h.Sum(nil))

	baseAST, err := parser.ParseBytes(base, 0)
	if err != nil || len(baseAST.Docs) == 0 || baseAST.Docs[0].Body == nil {
		// Let the scenario loader explain what is wrong with it.
		if _, perr := Parse(sw.BasePath, base); perr != nil {
			return nil, perr
		}
		fail(baseNode, "base: %s is not a YAML mapping", sw.BasePath)
		return nil, ie
	}
	for k := range sw.Vary {
		vp := &sw.Vary[k]
		for _, p := range vp.Paths {
			segs, err := parseVaryPath(p)
			if err == nil {
				err = checkVaryPath(baseAST.Docs[0].Body, segs)
			}
			if err != nil {
				ie.Problems = append(ie.Problems, Problem{Pos: vp.Pos, Msg: fmt.Sprintf("vary: %s: %v", p, err)})
			}
			vp.segs = append(vp.segs, segs)
		}
	}
	if len(ie.Problems) > 0 {
		return nil, ie
	}

	// Grid size, then every point compiled once: a bad value fails the
	// whole sweep before any run, on every shard alike.
	points := 1
	for _, vp := range sw.Vary {
		points *= len(vp.Values)
		if points*sw.Replicates > MaxSweepRuns {
			ie.Problems = append(ie.Problems, Problem{Pos: vp.Pos, Msg: fmt.Sprintf("vary: the grid × replicates exceeds %d runs", MaxSweepRuns)})
			return nil, ie
		}
	}
	sw.points = make([]*Scenario, points)
	for p := range points {
		sc, err := sw.compilePoint(p)
		if err != nil {
			return nil, sw.explain(p, err)
		}
		sw.points[p] = sc
	}
	sw.BaseSeed = sw.points[0].Spec.Seed // seed: cannot be varied, so every point has it
	if seed != nil {
		sw.BaseSeed = *seed
	}
	return sw, nil
}

// PointYAML returns the base scenario with grid point p's values patched
// in.
func (sw *Sweep) PointYAML(p int) ([]byte, error) {
	if len(sw.Vary) == 0 {
		return sw.BaseSource, nil
	}
	idx := sw.pointValues(p)
	return sw.patch(func(k int) (int, bool) { return idx[k], true })
}

// RunYAML returns run i as a standalone scenario: grid point i's values
// patched in and seed: set to the run's seed, so `maintsim run` replays
// it with its reports.
func (sw *Sweep) RunYAML(i int) ([]byte, error) {
	if i < 0 || i >= sw.Runs() {
		return nil, fmt.Errorf("run %d: the sweep has runs 0 to %d", i, sw.Runs()-1)
	}
	src, err := sw.PointYAML(i / sw.Replicates)
	if err != nil {
		return nil, err
	}
	f, err := parser.ParseBytes(src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	if err := applyPath(f, []pathSeg{{key: "seed"}}, strconv.FormatUint(sw.RunSeed(i), 10)); err != nil {
		return nil, err
	}
	header := fmt.Sprintf("# run %d of sweep %s: grid point %d, replicate %d, seed %d\n", i, sw.Path,
		i/sw.Replicates, i%sw.Replicates, sw.RunSeed(i))
	return append([]byte(header), f.String()+"\n"...), nil
}

// patch applies the chosen value of every vary key (those for which pick
// says so) to a fresh AST of the base file.
func (sw *Sweep) patch(pick func(k int) (int, bool)) ([]byte, error) {
	f, err := parser.ParseBytes(sw.BaseSource, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	for k := range sw.Vary {
		vi, ok := pick(k)
		if !ok {
			continue
		}
		vp := &sw.Vary[k]
		for i, segs := range vp.segs {
			if err := applyPath(f, segs, vp.Values[vi].yaml[i]); err != nil {
				return nil, fmt.Errorf("%s: %w", vp.Paths[i], err)
			}
		}
	}
	return []byte(f.String() + "\n"), nil
}

func (sw *Sweep) compilePoint(p int) (*Scenario, error) {
	src, err := sw.PointYAML(p)
	if err != nil {
		return nil, err
	}
	return Parse(sw.BasePath, src)
}

// explain turns a grid point that does not compile into an error in the
// sweep file: at each value that is bad on its own, else at vary: with
// the whole combination.
func (sw *Sweep) explain(p int, err error) error {
	ie := &InputError{Path: sw.Path, Source: sw.Source}
	var inner *InputError
	if !errors.As(err, &inner) {
		ie.Problems = append(ie.Problems, Problem{Msg: fmt.Sprintf("grid point %d: %v", p, err)})
		return ie
	}
	if len(sw.Vary) == 0 {
		return err // the base file itself is bad: its own positions are right
	}
	// Every value on its own, so one pass reports all the bad ones.
	for k := range sw.Vary {
		vp := &sw.Vary[k]
		for vi := range vp.Values {
			src, perr := sw.patch(func(j int) (int, bool) { return vi, j == k })
			if perr == nil {
				_, perr = Parse(sw.BasePath, src)
			}
			if perr != nil {
				ie.Problems = append(ie.Problems, Problem{Pos: vp.Values[vi].Pos,
					Msg: fmt.Sprintf("vary: %s = %s makes the base scenario invalid: %s", vp.Key, vp.Values[vi].text(), innerMessage(perr))})
			}
		}
	}
	if len(ie.Problems) == 0 {
		ie.Problems = append(ie.Problems, Problem{Pos: sw.Vary[0].Pos,
			Msg: fmt.Sprintf("vary: grid point %d (%s) makes the base scenario invalid: %s", p, sw.describePoint(p), innerMessage(err))})
	}
	return ie
}

func (sw *Sweep) describePoint(p int) string {
	var parts []string
	for k, vi := range sw.pointValues(p) {
		parts = append(parts, sw.Vary[k].Key+" = "+sw.Vary[k].Values[vi].text())
	}
	return strings.Join(parts, ", ")
}

func (v VaryValue) text() string {
	if len(v.yaml) == 1 {
		return v.yaml[0]
	}
	return "[" + strings.Join(v.yaml, ", ") + "]"
}

// innerMessage is the base file's problems, positions relative to the
// patched text.
func innerMessage(err error) string {
	var ie *InputError
	if !errors.As(err, &ie) {
		return err.Error()
	}
	var msgs []string
	for _, p := range ie.Problems {
		if p.Pos.Line > 0 {
			msgs = append(msgs, fmt.Sprintf("%s (patched %s:%d:%d)", p.Msg, ie.Path, p.Pos.Line, p.Pos.Col))
		} else {
			msgs = append(msgs, p.Msg)
		}
	}
	return strings.Join(msgs, "; ")
}

func parseMetricList(v ast.Node, fail func(ast.Node, string, ...any)) []MetricInfo {
	seq, ok := v.(*ast.SequenceNode)
	if !ok {
		fail(v, "metrics: want a list of metric names (see docs/metrics.md)")
		return nil
	}
	out := []MetricInfo{}
	seen := map[string]bool{}
	for _, n := range seq.Values {
		n = scalarNode(n)
		s, ok := sweepScalar(n)
		mi, known := LookupMetric(s)
		switch {
		case !ok:
			fail(n, "metrics: want a metric name")
		case !known:
			var names []string
			for _, m := range MetricCatalogue() {
				names = append(names, m.Name)
			}
			fail(n, "metrics: unknown metric %q (one of: %s)", s, strings.Join(names, ", "))
		case seen[s]:
			fail(n, "metrics: %s listed twice", s)
		default:
			seen[s] = true
			out = append(out, mi)
		}
	}
	if len(out) == 0 && len(seq.Values) == 0 {
		fail(v, "metrics: empty; leave it out to record every metric")
	}
	return out
}

func parseVary(v ast.Node, fail func(ast.Node, string, ...any)) []VaryParam {
	pairs, ok := sweepPairs(v)
	if !ok {
		fail(v, "vary: want a mapping of scenario paths to lists of values")
		return nil
	}
	var out []VaryParam
	type varied struct {
		canon, path string
		line        int
	}
	var seen []varied
	for _, kv := range pairs {
		key := kv.Key.GetToken().Value
		vp := VaryParam{Key: key, Pos: nodePos(kv)}
		for _, p := range strings.Split(key, ",") {
			p = strings.TrimSpace(p)
			if p == "seed" {
				fail(kv, "vary: seed is set per run (seed = SubSeed(base seed, run)); use the sweep's seed: or replicates:")
			}
			// Two paths where one contains the other would set the same
			// value twice, the later winning, while the run's params
			// recorded both: refuse them, however the indices are written.
			c := canonicalPath(p)
			for _, o := range seen {
				switch {
				case o.canon == c:
					fail(kv, "vary: %s is varied twice (first at line %d)", p, o.line)
				case pathWithin(c, o.canon) || pathWithin(o.canon, c):
					fail(kv, "vary: %s overlaps %s (varied at line %d): one would overwrite the other", p, o.path, o.line)
				}
			}
			seen = append(seen, varied{c, p, nodePos(kv).Line})
			vp.Paths = append(vp.Paths, p)
		}
		seq, ok := scalarNode(kv.Value).(*ast.SequenceNode)
		if !ok || len(seq.Values) == 0 {
			fail(kv.Value, "vary: %s: want a non-empty list of values", key)
			continue
		}
		for _, n := range seq.Values {
			n = scalarNode(n)
			val := VaryValue{Pos: nodePos(n)}
			parts := []ast.Node{n}
			if len(vp.Paths) > 1 {
				s, ok := n.(*ast.SequenceNode)
				if !ok || len(s.Values) != len(vp.Paths) {
					fail(n, "vary: %s links %d paths: each value is a list of %d values", key, len(vp.Paths), len(vp.Paths))
					continue
				}
				parts = s.Values
			}
			bad := false
			for _, pn := range parts {
				var x any
				if err := yaml.NodeToValue(pn, &x, yaml.UseOrderedMap()); err != nil {
					fail(pn, "vary: %s: %v", key, err)
					bad = true
					break
				}
				text, err := flowYAML(x)
				if err != nil {
					fail(pn, "vary: %s: %v", key, err)
					bad = true
					break
				}
				val.Parts = append(val.Parts, x)
				val.yaml = append(val.yaml, text)
			}
			if !bad {
				vp.Values = append(vp.Values, val)
			}
		}
		out = append(out, vp)
	}
	return out
}

// leadingZeros matches a list index written with leading zeros.
var leadingZeros = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[\s*0*(\d+)\s*\]`) })

// canonicalPath writes a vary path's indices plainly (servers[00] is
// servers[0]), so that two spellings of one path are one path.
func canonicalPath(p string) string { return leadingZeros().ReplaceAllString(p, "[$1]") }

// pathWithin reports whether path a lies inside path b (b is a, or one of
// its ancestors): servers[0].task_slots is within servers[0] and servers.
func pathWithin(a, b string) bool {
	return a == b || strings.HasPrefix(a, b) && (a[len(b)] == '.' || a[len(b)] == '[')
}

// flowYAML renders a value as one line of flow YAML.
func flowYAML(x any) (string, error) {
	b, err := yaml.MarshalWithOptions(x, yaml.Flow(true))
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if strings.Contains(s, "\n") {
		return "", fmt.Errorf("value does not fit on one line")
	}
	return s, nil
}

func sweepPairs(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch t := scalarNode(n).(type) {
	case *ast.MappingNode:
		return t.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{t}, true
	}
	return nil, false
}

// unwrap strips tags and anchors (the sweep file's own; aliases are left
// for the decoder to report).

func sweepScalar(n ast.Node) (string, bool) {
	switch t := n.(type) {
	case *ast.StringNode:
		return t.Value, true
	case *ast.LiteralNode:
		return t.Value.Value, true
	}
	if n != nil && n.Type() != ast.MappingType && n.Type() != ast.SequenceType && n.Type() != ast.NullType {
		return n.GetToken().Value, true
	}
	return "", false
}

// pathSeg is one step of a vary path: a mapping key or a list index.
type pathSeg struct {
	key   string
	index int
	isIdx bool
}

func (s pathSeg) String() string {
	if s.isIdx {
		return "[" + strconv.Itoa(s.index) + "]"
	}
	return s.key
}

// parseVaryPath reads `actions[0].at`, `tenants[2].jobs[0].objects`,
// `semantics.graceful_stop_result`.
func parseVaryPath(p string) ([]pathSeg, error) {
	var out []pathSeg
	i := 0
	for i < len(p) {
		switch {
		case p[i] == '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [ in the path")
			}
			n, err := strconv.Atoi(p[i+1 : i+j])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("list index %q is not a number ≥ 0", p[i+1:i+j])
			}
			if len(out) == 0 {
				return nil, fmt.Errorf("a path starts with a field name, as in actions[0].at")
			}
			out = append(out, pathSeg{index: n, isIdx: true})
			i += j + 1
		case p[i] == '.' && len(out) > 0:
			i++
			fallthrough
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' && p[j] != ']' {
				j++
			}
			if j == i || strings.ContainsAny(p[i:j], " \t") {
				return nil, fmt.Errorf("bad path: want fields and [N] indices, as in servers[0].task_slots")
			}
			out = append(out, pathSeg{key: p[i:j]})
			i = j
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty path")
	}
	return out, nil
}

// lookupPath walks segs from root and returns the deepest node reached and
// how many segments it took.
func lookupPath(root ast.Node, segs []pathSeg) (ast.Node, int, error) {
	n := scalarNode(root)
	// anchored: an anchor (&name) on the node reached, which the patch
	// cannot go through or replace, and whose aliases it would leave as
	// they were.
	anchored := func(raw ast.Node, d int) error {
		if a, ok := raw.(*ast.AnchorNode); ok {
			return fmt.Errorf("%s carries the YAML anchor &%s, which a sweep cannot patch; write the value out instead of anchoring it", pathString(segs[:d]), a.Name.GetToken().Value)
		}
		return nil
	}
	for d, s := range segs {
		if _, ok := n.(*ast.AliasNode); ok {
			return n, d, fmt.Errorf("%s goes through a YAML alias; vary the anchored value instead", pathString(segs[:d]))
		}
		if s.isIdx {
			seq, ok := n.(*ast.SequenceNode)
			if !ok {
				return n, d, fmt.Errorf("%s is not a list", pathString(segs[:d]))
			}
			if s.index >= len(seq.Values) {
				return n, d, nil
			}
			if err := anchored(seq.Values[s.index], d+1); err != nil {
				return n, d, err
			}
			n = scalarNode(seq.Values[s.index])
			continue
		}
		pairs, ok := sweepPairs(n)
		if !ok {
			return n, d, fmt.Errorf("%s is not a mapping", pathString(segs[:d]))
		}
		var next ast.Node
		for _, kv := range pairs {
			if kv.Key.GetToken().Value == s.key {
				next = kv.Value
				break
			}
		}
		if next == nil {
			return n, d, nil
		}
		if err := anchored(next, d+1); err != nil {
			return n, d, err
		}
		n = scalarNode(next)
	}
	return n, len(segs), nil
}

// checkVaryPath: the path exists in the base file, or its parent does (a
// mapping gains the key; a list of n items gains item [n]).
func checkVaryPath(root ast.Node, segs []pathSeg) error {
	parent, depth, err := lookupPath(root, segs)
	if err != nil {
		return err
	}
	switch {
	case depth == len(segs):
		return nil
	case depth < len(segs)-1:
		return fmt.Errorf("not in the base file: %s does not exist (a path must exist, or at least its parent)", pathString(segs[:depth+1]))
	}
	last := segs[len(segs)-1]
	if last.isIdx {
		if seq, ok := parent.(*ast.SequenceNode); ok && last.index == len(seq.Values) {
			return nil
		}
		return fmt.Errorf("not in the base file: the list %s has fewer than %d items", pathString(segs[:len(segs)-1]), last.index)
	}
	return nil
}

func pathString(segs []pathSeg) string {
	if len(segs) == 0 {
		return "the document"
	}
	var b strings.Builder
	for i, s := range segs {
		if i > 0 && !s.isIdx {
			b.WriteByte('.')
		}
		b.WriteString(s.String())
	}
	return b.String()
}

func goccyPath(segs []pathSeg) *yaml.Path {
	b := (&yaml.PathBuilder{}).Root()
	for _, s := range segs {
		if s.isIdx {
			b = b.Index(uint(s.index))
		} else {
			b = b.Child(s.key)
		}
	}
	return b.Build()
}

// applyPath sets the node at segs to the flow YAML value: it replaces an
// existing node, adds a missing key to its parent mapping, or appends a
// missing item to its parent list.
func applyPath(f *ast.File, segs []pathSeg, value string) error {
	root := f.Docs[0].Body
	_, depth, err := lookupPath(root, segs)
	if err != nil {
		return err
	}
	if depth == len(segs) {
		vf, err := parser.ParseBytes([]byte(value), 0)
		if err != nil {
			return err
		}
		return goccyPath(segs).ReplaceWithNode(f, vf.Docs[0].Body)
	}
	if depth != len(segs)-1 {
		return fmt.Errorf("%s does not exist", pathString(segs[:depth+1]))
	}
	last := segs[len(segs)-1]
	var src string
	if last.isIdx {
		src = "[" + value + "]"
	} else {
		k, err := flowYAML(last.key)
		if err != nil {
			return err
		}
		src = "{" + k + ": " + value + "}"
	}
	vf, err := parser.ParseBytes([]byte(src), 0)
	if err != nil {
		return err
	}
	return goccyPath(segs[:len(segs)-1]).MergeFromNode(f, vf.Docs[0].Body)
}

// --- running ---------------------------------------------------------------

// Shard is which part of a sweep one process runs: runs whose index is
// Index−1 modulo Count. {1, 1} is the whole sweep.
type Shard struct {
	Index int `json:"index"` // 1-based
	Count int `json:"count"`
}

// Whole is the unsharded sweep.
var Whole = Shard{Index: 1, Count: 1}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Sharded reports whether s is a proper part of a sweep.
func (s Shard) Sharded() bool { return s.Count > 1 }

// RunIndices lists the runs of a sweep of total runs that belong to s.
func (s Shard) RunIndices(total int) []int {
	var out []int
	for i := s.Index - 1; i < total; i += s.Count {
		out = append(out, i)
	}
	return out
}

// ParseShard decides the shard from --shard (K/N, or N alone) and the
// environment: JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs, 0-based) or
// SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT. A Slurm array may be
// numbered from 0 (--array=0-3) or 1 (--array=1-4): when Slurm sets
// SLURM_ARRAY_TASK_MIN the shard is SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN
// (0-based), else SLURM_ARRAY_TASK_ID itself; with SLURM_ARRAY_TASK_MAX too,
// the array must be one task per shard (MAX − MIN + 1 = N, no step). An
// explicit K/N wins over the environment; an index from the environment
// needs a count from --shard N or Slurm.
func ParseShard(flag string, getenv func(string) string) (Shard, error) {
	flag = strings.TrimSpace(flag)
	count, index := 0, 0
	if flag != "" {
		k, n, hasSlash := strings.Cut(flag, "/")
		if !hasSlash {
			n, k = k, ""
		}
		var err error
		if count, err = strconv.Atoi(n); err != nil || count < 1 {
			return Shard{}, fmt.Errorf("--shard %s: want K/N (1 ≤ K ≤ N) or N", flag)
		}
		if hasSlash {
			if index, err = strconv.Atoi(k); err != nil || index < 1 || index > count {
				return Shard{}, fmt.Errorf("--shard %s: want K/N with 1 ≤ K ≤ N", flag)
			}
			return Shard{Index: index, Count: count}, nil
		}
	}
	// envInt reads a non-negative integer variable; set is false if empty.
	envInt := func(name string) (n int, set bool, err error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, false, nil
		}
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			return 0, false, fmt.Errorf("%s=%q: want an integer ≥ 0", name, v)
		}
		return n, true, nil
	}
	i, ok, err := envInt("JOB_COMPLETION_INDEX")
	if err != nil {
		return Shard{}, err
	}
	src := "JOB_COMPLETION_INDEX"
	if !ok {
		src = "SLURM_ARRAY_TASK_ID"
		if i, ok, err = envInt("SLURM_ARRAY_TASK_ID"); err != nil {
			return Shard{}, err
		}
		if ok {
			if err := slurmShard(&i, &count, flag != "", envInt); err != nil {
				return Shard{}, err
			}
		}
	}
	switch {
	case !ok && count == 0:
		return Whole, nil
	case !ok:
		return Shard{}, fmt.Errorf("--shard %d gives the shard count but not which shard: use --shard K/%d, or run as a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or a Slurm array (SLURM_ARRAY_TASK_ID)", count, count)
	case count == 0:
		return Shard{}, fmt.Errorf("%s is set but the shard count is not: pass --shard N (the number of completions or array tasks)", src)
	case i >= count:
		return Shard{}, fmt.Errorf("%s gives shard %d (0-based) but there are only %d shards", src, i, count)
	}
	return Shard{Index: i + 1, Count: count}, nil
}

// slurmShard turns SLURM_ARRAY_TASK_ID (in *i) into a 0-based shard index
// and, unless --shard N gave it (countFlag), takes the count from
// SLURM_ARRAY_TASK_COUNT. It refuses an array that is not one task per
// shard, numbered from SLURM_ARRAY_TASK_MIN: a step (--array=0-14:2), gaps
// (--array=0,1,5), or an array of another size than the shard count (such
// as one task resubmitted alone, which Slurm numbers as an array of one).
func slurmShard(i, count *int, countFlag bool, envInt func(string) (int, bool, error)) error {
	id := *i
	minID, hasMin, err := envInt("SLURM_ARRAY_TASK_MIN")
	if err != nil {
		return err
	}
	maxID, hasMax, err := envInt("SLURM_ARRAY_TASK_MAX")
	if err != nil {
		return err
	}
	tasks, hasTasks, err := envInt("SLURM_ARRAY_TASK_COUNT")
	if err != nil {
		return err
	}
	if hasTasks && tasks < 1 {
		return fmt.Errorf("SLURM_ARRAY_TASK_COUNT=%d: want an integer ≥ 1", tasks)
	}
	if !hasMin { // no range known: IDs are taken as 0-based shard indices
		if !countFlag && hasTasks {
			*count = tasks
		}
		return nil
	}
	if id < minID {
		return fmt.Errorf("SLURM_ARRAY_TASK_ID=%d is below SLURM_ARRAY_TASK_MIN=%d", id, minID)
	}
	*i = id - minID
	if !countFlag && hasTasks {
		*count = tasks
	}
	if !hasMax {
		return nil
	}
	if maxID < minID || id > maxID {
		return fmt.Errorf("SLURM_ARRAY_TASK_ID=%d is outside SLURM_ARRAY_TASK_MIN=%d to SLURM_ARRAY_TASK_MAX=%d", id, minID, maxID)
	}
	span := maxID - minID + 1
	if hasTasks && tasks != span {
		return fmt.Errorf("the Slurm array has %d tasks with IDs %d to %d (SLURM_ARRAY_TASK_COUNT, _MIN, _MAX): not one task per ID; a sweep's array is a plain range, one task per shard (--array=0-%d or --array=1-%d, no step or gaps); to run one shard alone pass --shard K/N",
			tasks, minID, maxID, tasks-1, tasks)
	}
	if *count > 0 && span != *count {
		return fmt.Errorf("the Slurm array has IDs %d to %d (%d tasks) but --shard gives %d shards: submit --array=0-%d or --array=1-%d, one task per shard; to run one shard alone pass --shard K/%d",
			minID, maxID, span, *count, *count-1, *count, *count)
	}
	return nil
}

// SweepOptions tune Sweep.Run.
type SweepOptions struct {
	Shard   Shard // zero: Whole
	Workers int   // parallel runs; 0: runtime.NumCPU()
	Version string
	// Progress, if set, is called after each finished run with the number
	// done and the shard's total; calls are serialised.
	Progress func(done, total int)
}

// SweepHeader is the first line of a sweep output file.
type SweepHeader struct {
	Kind         string       `json:"kind"` // SweepKind
	Format       int          `json:"format"`
	Version      string       `json:"version"`
	ScenarioHash string       `json:"scenario_hash"`
	Name         string       `json:"name"`
	Base         string       `json:"base"`
	BaseSeed     uint64       `json:"base_seed"`
	CommonSeeds  bool         `json:"common_seeds,omitempty"`
	Replicates   int          `json:"replicates"`
	Points       int          `json:"points"`
	Runs         int          `json:"runs"`
	Shard        Shard        `json:"shard"`
	Vary         []VaryHeader `json:"vary"`
	Metrics      []string     `json:"metrics"`
}

// VaryHeader is one vary key in a header: Path and Values for one path,
// Paths and Values (each a list) for linked ones.
type VaryHeader struct {
	Path   string            `json:"path,omitempty"`
	Paths  []string          `json:"paths,omitempty"`
	Values []json.RawMessage `json:"values"`
}

// SweepKind and SweepFormat identify sweep output files.
const (
	SweepKind = "maintsim-sweep"
	// SweepFormat 2: a record's events counts trace events, as the summary
	// JSON's does (format 1 wrote the engine's count there), and
	// engine_events is new.
	SweepFormat = 2
)

// SweepRecord is one run's line.
type SweepRecord struct {
	Run       int           `json:"run"`
	Point     int           `json:"point"`
	Replicate int           `json:"replicate"`
	Seed      uint64        `json:"seed"`
	Params    OrderedObject `json:"params"`
	TraceHash string        `json:"trace_hash"`
	// Events counts the run's trace events (lines of its trace), as the
	// summary JSON's events does; EngineEvents the events the engine
	// dispatched, as the summary's engine_events.
	Events       uint64        `json:"events"`
	EngineEvents uint64        `json:"engine_events"`
	Metrics      OrderedObject `json:"metrics"`
}

// SweepOutput is a shard's (or a whole sweep's) results, sorted by run.
type SweepOutput struct {
	Header  SweepHeader
	Records []SweepRecord
}

// Header describes the sweep for shard s.
func (sw *Sweep) Header(version string, s Shard) SweepHeader {
	h := SweepHeader{Kind: SweepKind, Format: SweepFormat, Version: version, ScenarioHash: sw.Hash, Name: sw.Name,
		Base: sw.Base, BaseSeed: sw.BaseSeed, CommonSeeds: sw.CommonSeeds, Replicates: sw.Replicates,
		Points: sw.Points(), Runs: sw.Runs(), Shard: s, Vary: []VaryHeader{}}
	for _, vp := range sw.Vary {
		vh := VaryHeader{}
		if len(vp.Paths) == 1 {
			vh.Path = vp.Paths[0]
		} else {
			vh.Paths = vp.Paths
		}
		for _, v := range vp.Values {
			if len(v.Parts) == 1 {
				vh.Values = append(vh.Values, jsonValue(v.Parts[0]))
				continue
			}
			b := []byte{'['}
			for i, p := range v.Parts {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, jsonValue(p)...)
			}
			vh.Values = append(vh.Values, append(b, ']'))
		}
		h.Vary = append(h.Vary, vh)
	}
	for _, mi := range sw.Metrics {
		h.Metrics = append(h.Metrics, mi.Name)
	}
	return h
}

// RunError is a run whose simulation failed (a model error or a limit):
// not bad input, and never silently dropped from the output.
type RunError struct {
	Run  int
	Seed uint64
	Err  error
}

func (e *RunError) Error() string {
	return fmt.Sprintf("run %d (seed %d): %v", e.Run, e.Seed, e.Err)
}

func (e *RunError) Unwrap() error { return e.Err }

// Run simulates the shard's runs on opt.Workers goroutines (each run on one)
// and returns them sorted by run index. The results do not depend on the
// worker count.
func (sw *Sweep) Run(ctx context.Context, opt SweepOptions) (*SweepOutput, error) {
	shard := opt.Shard
	if shard.Count == 0 {
		shard = Whole
	}
	runs := shard.RunIndices(sw.Runs())
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(min(workers, len(runs)), 1)
	out := &SweepOutput{Header: sw.Header(opt.Version, shard), Records: make([]SweepRecord, len(runs))}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		next     int
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				if next >= len(runs) || firstErr != nil || ctx.Err() != nil {
					mu.Unlock()
					return
				}
				k := next
				next++
				mu.Unlock()
				rec, err := sw.RunOne(runs[k])
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					return
				}
				out.Records[k] = rec
				done++
				if opt.Progress != nil {
					opt.Progress(done, len(runs))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// RunOne simulates run i: its grid point's scenario with the run's seed,
// observed by the metrics and the trace hash only.
func (sw *Sweep) RunOne(i int) (SweepRecord, error) {
	p := i / sw.Replicates
	sc := sw.points[p]
	spec := *sc.Spec
	spec.Seed = sw.RunSeed(i)
	met := &metricsRun{}
	hash := NewTraceHash()
	events, err := Simulate(&spec, sc.Limits, met, hash)
	if err != nil {
		return SweepRecord{}, &RunError{Run: i, Seed: spec.Seed, Err: err}
	}
	m := met.finish()
	rec := SweepRecord{Run: i, Point: p, Replicate: i % sw.Replicates, Seed: spec.Seed, Params: sw.Params(p),
		TraceHash: hash.Sum(), Events: hash.Records(), EngineEvents: events}
	for _, mi := range sw.Metrics {
		rec.Metrics = append(rec.Metrics, NamedValue{Name: mi.Name, Value: metricJSON(mi.Value(&m))})
	}
	return rec, nil
}

// WriteJSONL writes the header line and one line per record.
func (o *SweepOutput) WriteJSONL(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(o.Header); err != nil {
		return err
	}
	for i := range o.Records {
		if err := enc.Encode(&o.Records[i]); err != nil {
			return err
		}
	}
	return nil
}

// --- ordered JSON ------------------------------------------------------------

// NamedValue is one member of an OrderedObject.
type NamedValue struct {
	Name  string
	Value json.RawMessage
}

// OrderedObject is a JSON object whose members keep their order, so sweep
// files and merged results are byte-for-byte reproducible.
type OrderedObject []NamedValue

// MarshalJSON writes the members in order.
func (o OrderedObject) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, nv := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(nv.Name)
		if err != nil {
			return nil, err
		}
		b = append(b, k...)
		b = append(b, ':')
		if len(nv.Value) == 0 {
			b = append(b, "null"...)
		} else {
			b = append(b, nv.Value...)
		}
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads an object keeping its member order.
func (o *OrderedObject) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object")
	}
	*o = (*o)[:0]
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		*o = append(*o, NamedValue{Name: tok.(string), Value: raw})
	}
	_, err = dec.Token()
	return err
}

// Get returns the member named name.
func (o OrderedObject) Get(name string) (json.RawMessage, bool) {
	for _, nv := range o {
		if nv.Name == name {
			return nv.Value, true
		}
	}
	return nil, false
}

// metricJSON renders a metric value: integers exactly, floats in Go's
// shortest round-tripping form.
func metricJSON(v MetricValue) json.RawMessage {
	if v.IsInt {
		return strconv.AppendInt(nil, v.I, 10)
	}
	return floatJSON(v.F)
}

func floatJSON(f float64) json.RawMessage {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return json.RawMessage("null")
	}
	b, _ := json.Marshal(f)
	return b
}

// jsonValue renders a decoded YAML value as JSON, mappings in their order.
func jsonValue(x any) json.RawMessage {
	switch t := x.(type) {
	case yaml.MapSlice:
		var o OrderedObject
		for _, it := range t {
			o = append(o, NamedValue{Name: fmt.Sprint(it.Key), Value: jsonValue(it.Value)})
		}
		b, _ := o.MarshalJSON()
		return b
	case []any:
		b := []byte{'['}
		for i, e := range t {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, jsonValue(e)...)
		}
		return append(b, ']')
	case float64:
		return floatJSON(t)
	}
	b, err := json.Marshal(x)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprint(x))
	}
	return b
}
