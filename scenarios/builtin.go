package scenarios

import _ "embed"

// builtinExample is what `maintsim run` with no argument simulates: the
// nightly-maintenance example, embedded so the binary needs no files.
//
//go:embed examples/nightly-maintenance.yaml
var builtinExample []byte

// BuiltinSource returns the embedded example's YAML.
func BuiltinSource() []byte { return builtinExample }

// Builtin loads the embedded example.
func Builtin() (*Scenario, error) {
	return Parse(BuiltinExampleName, builtinExample)
}
