package scenarios

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/sim"
)

// Scenario is a loaded, validated scenario file, compiled for the model.
type Scenario struct {
	Path   string      // as given by the user (used in error positions)
	Source []byte      // the file's bytes (for carets in later messages)
	Spec   *model.Spec // the world to simulate
	Expect []Expectation
	Limits sim.Limits
}

// Pos is a place in a scenario file, 1-based.
type Pos struct {
	Line, Col int
}

// Expectation is one entry of a scenario's expect: block.
type Expectation struct {
	Pos Pos
	// Session expectations: the Nth session of TENANT/JOB.
	Session          string // "acme/nightly#1"; "" for an invariants entry
	Result           string // Success | Warning | Failed; "" = not checked
	Message          *string
	RestorePoints    []string // objects that got a restore point in the session
	HasRestorePoints bool     // restore_points was given (an empty list is an expectation too)
	Tasks            []TaskExpect
	// Invariants expectations.
	Invariants string // "hold" or ""
	Violated   string // an invariant ID such as INV-04, or ""
	// Exchange expectations (profile exchange): an end state, counts or a
	// pitfall (compile_exchange.go).
	Exchange *ExchangeExpect
}

// TaskExpect is one object's expected task result in a session.
type TaskExpect struct {
	Object string
	Result string // Success | Failed | Canceled
}

// InputError is bad input: exit code 2. It carries every problem found in
// one pass, each with its position, and prints as FILE:LINE:COL: message
// followed by the offending line and a caret.
type InputError struct {
	Path     string
	Source   []byte
	Problems []Problem
}

// Problem is one error at one place. Line 0 means "the file as a whole".
type Problem struct {
	Pos Pos
	Msg string
}

// maxShownLine is how much of a source line an error shows (in runes).
const maxShownLine = 160

func (e *InputError) Error() string {
	var b strings.Builder
	lines := strings.Split(string(e.Source), "\n")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.Pos.Line <= 0 {
			fmt.Fprintf(&b, "%s: %s", e.Path, p.Msg)
			continue
		}
		if p.Pos.Line > len(lines) {
			fmt.Fprintf(&b, "%s:%d:%d: %s", e.Path, p.Pos.Line, p.Pos.Col, p.Msg)
			continue
		}
		// A value missing at the end of a line (`servers:`) is placed past
		// it by the YAML reader; COL and the caret both say one past the
		// line's last character.
		line := strings.TrimRight(lines[p.Pos.Line-1], "\r")
		col := min(p.Pos.Col, utf8.RuneCountInString(line)+1)
		fmt.Fprintf(&b, "%s:%d:%d: %s", e.Path, p.Pos.Line, col, p.Msg)
		showLine(&b, line, col)
	}
	return b.String()
}

// showLine writes the offending line and a caret under column col (in
// runes, from 1): the shape of every bad-input message (CONTRACT.md).
func showLine(b *strings.Builder, line string, col int) {
	col = max(col, 1)
	pad := []rune(line)
	// A very long line is shown around the caret only.
	if len(pad) > maxShownLine {
		from := max(0, min(col-1-maxShownLine/2, len(pad)-maxShownLine))
		shown := append([]rune(nil), pad[from:from+maxShownLine]...)
		col -= from
		if from > 0 {
			shown = append([]rune("…"), shown...)
			col++
		}
		if from+maxShownLine < len(pad) {
			shown = append(shown, '…')
		}
		pad, line = shown, string(shown)
	}
	caret := make([]rune, 0, col)
	for j := 0; j < col-1 && j < len(pad); j++ {
		if pad[j] == '\t' {
			caret = append(caret, '\t')
		} else {
			caret = append(caret, ' ')
		}
	}
	fmt.Fprintf(b, "\n    %s\n    %s^", line, string(caret))
}
