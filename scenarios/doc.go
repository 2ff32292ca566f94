// Package scenarios turns scenario files into runs and judges them.
//
// It parses and validates the YAML format of CONTRACT.md (every mistake a
// user can make is an [*InputError] with FILE:LINE:COL and a caret), compiles
// a file into a [model.Spec], drives the model with the [sim] engine, and
// streams every record to observers: the trace writer, the trace hash, the
// summary and metrics, and the invariant catalogue (each invariant a value
// that watches the stream with memory proportional to live entities).
package scenarios
