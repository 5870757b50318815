// Package diag carries problems found in a site back to the curator.
//
// A Diagnostic names the file, and the line and column where known, in the
// form editors and terminals understand ("content/a.md:3:7: ..."). A build
// collects every problem it finds into a List, so one run reports them all.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/digest/digest/generator/chars"
)

// Diagnostic is one problem at a place in the site's files.
type Diagnostic struct {
	File string // slash-separated, relative to the site folder
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
	Msg  string
}

// Errorf returns a Diagnostic for file at line and col (0 when unknown).
func Errorf(file string, line, col int, format string, args ...any) *Diagnostic {
	return &Diagnostic{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// Error is the diagnostic as one line of text. A control character in the
// file's name or the message (a file named with an escape sequence, a
// value quoted from the input) is shown as U+FFFD, so that printing an
// error cannot drive the terminal.
func (d *Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(chars.Clean(d.File))
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	b.WriteString(": ")
	b.WriteString(chars.Clean(d.Msg))
	return b.String()
}

// List is every problem of one run, in file order.
type List []*Diagnostic

// Add appends err, flattening a List and wrapping any other error as a
// Diagnostic of file.
func (l *List) Add(file string, err error) {
	if err == nil {
		return
	}
	var list List
	var d *Diagnostic
	switch {
	case errors.As(err, &list):
		*l = append(*l, list...)
	case errors.As(err, &d):
		*l = append(*l, d)
	default:
		*l = append(*l, &Diagnostic{File: file, Msg: err.Error()})
	}
}

// Sort orders the list by file, line and column, so output is stable
// whatever order parallel work finished in.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

func (l List) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}
