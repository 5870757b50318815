package triage

import (
	"bytes"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/diag"
)

// Undraft returns src, a draft's file, with its draft key set to false
// and, when it has no date or an empty one, dated date (RFC 3339, to the
// second, in date's location). Every other byte is kept: the edit is made
// on the lines of the file, found by parsing its YAML front matter.
func Undraft(file string, src []byte, date time.Time) ([]byte, error) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	first, last := yamlBlock(lines)
	if first < 0 {
		return nil, diag.Errorf(file, 1, 1, "publish edits YAML front matter, between --- lines; set draft to false by hand")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(bytes.Join(lines[first:last], nil), &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, diag.Errorf(file, first+1, 0, "front matter: want key: value pairs")
	}
	root := doc.Content[0]
	var draftKey, draftVal, dateKey, dateVal *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "draft":
			draftKey, draftVal = root.Content[i], root.Content[i+1]
		case "date":
			dateKey, dateVal = root.Content[i], root.Content[i+1]
		}
	}
	if draftKey == nil {
		return nil, diag.Errorf(file, 0, 0, "not a draft (no draft: true)")
	}
	// at is the index in lines of a node's line.
	at := func(n *yaml.Node) int { return first + n.Line - 1 }
	var isDraft bool
	if draftVal.Decode(&isDraft) != nil || !isDraft {
		return nil, diag.Errorf(file, at(draftVal)+1, draftVal.Column, "not a draft (draft: %s)", draftVal.Value)
	}
	if !replaceScalar(lines, at(draftVal), draftVal, "false") {
		return nil, diag.Errorf(file, at(draftVal)+1, draftVal.Column, "draft: cannot edit this form of true; write draft: false by hand")
	}
	stamp := date.Truncate(time.Second).Format(time.RFC3339)
	switch {
	case dateKey == nil:
		// A line of its own, above draft's, which starts a top-level key
		// and so a line.
		i := at(draftKey)
		eol := "\n"
		if bytes.HasSuffix(lines[i], []byte("\r\n")) {
			eol = "\r\n"
		}
		lines = append(lines[:i], append([][]byte{[]byte("date: " + stamp + eol)}, lines[i:]...)...)
	case dateVal.Tag == "!!null":
		if !fillNull(lines, at(dateKey), dateKey, dateVal, stamp) {
			return nil, diag.Errorf(file, at(dateKey)+1, dateKey.Column, "date: cannot fill in this empty date; write it by hand")
		}
	}
	return bytes.Join(lines, nil), nil
}

// yamlBlock returns the indexes in lines of the first line of YAML front
// matter and of its closing ---, or -1 when the file has none.
func yamlBlock(lines [][]byte) (first, last int) {
	i := 0
	for i < len(lines) && len(bytes.TrimSpace(lines[i])) == 0 {
		i++
	}
	if i == len(lines) {
		return -1, -1
	}
	open := string(bytes.TrimSpace(bytes.TrimPrefix(lines[i], []byte("\ufeff"))))
	if open != "---" && open != "---yaml" {
		return -1, -1
	}
	for j := i + 1; j < len(lines); j++ {
		if string(bytes.TrimSpace(lines[j])) == "---" {
			return i + 1, j
		}
	}
	return -1, -1
}

// replaceScalar replaces n, a plain scalar on lines[i], with text.
func replaceScalar(lines [][]byte, i int, n *yaml.Node, text string) bool {
	if n.Kind != yaml.ScalarNode || n.Style != 0 {
		return false
	}
	off := byteOffset(lines[i], n.Column)
	if off < 0 || !bytes.HasPrefix(lines[i][off:], []byte(n.Value)) {
		return false
	}
	line := lines[i]
	lines[i] = bytes.Join([][]byte{line[:off], []byte(text), line[off+len(n.Value):]}, nil)
	return true
}

// fillNull writes text as the value of key, whose value val is null:
// nothing, ~ or null, followed at most by a comment.
func fillNull(lines [][]byte, i int, key, val *yaml.Node, text string) bool {
	if val.Value != "" {
		return replaceScalar(lines, i, val, text)
	}
	off := byteOffset(lines[i], key.Column)
	if off < 0 || !bytes.HasPrefix(lines[i][off:], []byte(key.Value)) {
		return false
	}
	line := lines[i]
	colon := off + len(key.Value)
	rest := bytes.TrimLeft(line[colon:], " \t")
	if len(rest) == 0 || rest[0] != ':' {
		return false
	}
	colon = len(line) - len(rest) + 1
	if after := bytes.TrimSpace(line[colon:]); len(after) > 0 && after[0] != '#' {
		return false
	}
	lines[i] = bytes.Join([][]byte{line[:colon], []byte(" " + text), line[colon:]}, nil)
	return true
}

// byteOffset returns the offset in line of column col, counted in
// characters from 1 as yaml.v3 counts them, or -1.
func byteOffset(line []byte, col int) int {
	off := 0
	for c := 1; c < col; c++ {
		if off >= len(line) {
			return -1
		}
		_, size := utf8.DecodeRune(line[off:])
		off += size
	}
	return off
}
