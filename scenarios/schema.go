package scenarios

import (
	"encoding/json"
	"maps"

	"github.com/invopop/jsonschema"
)

// SchemaID is the $id of the scenario format's JSON Schema.
const SchemaID = "https://github.com/maintsim/maintsim/scenarios/scenario.schema.json"

// Schema returns the JSON Schema of the scenario format, generated from the
// File types so the two cannot drift (scenario.schema.json is its
// committed copy, checked by a test). Editors use it for completion and
// checks as you type; the loader stays the authority on what is valid,
// since some rules (dangling names, times within the run) are beyond a
// schema.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		Anonymous:                  true,
	}
	s := r.Reflect(&File{})
	// Objects describes itself with references to Object and ObjectSet,
	// which no struct field reaches, so reflect them into the definitions.
	for _, t := range []any{&Object{}, &ObjectSet{}} {
		maps.Copy(s.Definitions, r.Reflect(t).Definitions)
	}
	for _, d := range s.Definitions {
		numbersAsText(d)
	}
	s.ID = SchemaID
	s.Title = "maintsim scenario"
	s.Description = "A maintsim scenario file: a Cloud Connect provider, its tenants and jobs, operator actions and expectations. See docs/scenario-format.md."
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// numbersAsText lets a free-text field (a name, a message) be written as a
// YAML number too, as the loader accepts it (`name: 10` is the name "10",
// kept as written: `1.50` stays "1.50"); a file the loader takes must pass
// the schema. Fields with an enum, a pattern or a format stay strings.
func numbersAsText(d *jsonschema.Schema) {
	free := func(p *jsonschema.Schema) bool {
		return p != nil && p.Type == "string" && len(p.Enum) == 0 && p.Pattern == "" && p.Format == ""
	}
	widen := func(p *jsonschema.Schema) *jsonschema.Schema {
		str := *p
		str.Description = ""
		return &jsonschema.Schema{Description: p.Description, AnyOf: []*jsonschema.Schema{&str, {Type: "number"}}}
	}
	if d.Properties == nil {
		return
	}
	for pair := d.Properties.Oldest(); pair != nil; pair = pair.Next() {
		p := pair.Value
		switch {
		case free(p):
			d.Properties.Set(pair.Key, widen(p))
		case p != nil && p.Type == "array" && free(p.Items):
			p.Items = widen(p.Items)
		}
	}
}

func ref(name string) *jsonschema.Schema { return &jsonschema.Schema{Ref: "#/$defs/" + name} }

// JSONSchema describes the two forms of an object list.
func (Objects) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "the job's objects, processed in this order (S6): a list, or {count: N, prefix: P, size: S, duration: D} for objects P1 … PN",
		OneOf: []*jsonschema.Schema{
			{Type: "array", Items: ref("Object"), MinItems: ptrUint64(1)},
			ref("ObjectSet"),
		},
	}
}

// JSONSchema describes an OBJECT: RESULT mapping.
func (TaskResults) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description:          "per-object task results, as in {vm1: Success, vm2: Failed}",
		Type:                 "object",
		AdditionalProperties: &jsonschema.Schema{Type: "string", Enum: []any{"Success", "Failed", "Canceled"}},
	}
}

// JSONSchema describes hold or {violated: ID}.
func (InvariantsExpect) JSONSchema() *jsonschema.Schema {
	props := jsonschema.NewProperties()
	props.Set("violated", &jsonschema.Schema{Type: "string", Pattern: `^INV-[A-Z]?[0-9]+$`})
	return &jsonschema.Schema{
		Description: "hold (every invariant holds) or {violated: INV-NN} (that invariant is expected to be violated)",
		OneOf: []*jsonschema.Schema{
			{Type: "string", Enum: []any{"hold"}},
			{Type: "object", Properties: props, Required: []string{"violated"}, AdditionalProperties: jsonschema.FalseSchema},
		},
	}
}

// JSONSchemaExtend lets version be written as a number (10, 9.5) too.
func (Server) JSONSchemaExtend(s *jsonschema.Schema) {
	if v, ok := s.Properties.Get("version"); ok {
		s.Properties.Set("version", &jsonschema.Schema{
			Description: v.Description,
			OneOf:       []*jsonschema.Schema{{Type: "string"}, {Type: "number"}},
		})
	}
}
