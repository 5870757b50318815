package content

import (
	"fmt"

	"github.com/digest/digest/generator/chars"
	"github.com/digest/digest/generator/diag"
)

// cleanText checks that a file is text and cleans it of the characters
// no output may hold (see package chars).
//
// Bytes that are not UTF-8, and NUL, are an error at their place: the
// file is in another encoding (Latin-1, UTF-16) or not text at all, and
// guessing would garble every accented letter. Any other control
// character or noncharacter is invisible junk from copy and paste: it is
// replaced by U+FFFD, so the page shows where it was, with a warning at
// the first.
func cleanText(file string, src []byte) ([]byte, diag.List, error) {
	var first *diag.Diagnostic
	more := 0
	for off := 0; ; {
		i, r, n := chars.FindBytes(src[off:])
		if i < 0 {
			break
		}
		i += off
		off = i + n
		line, col := offsetPosition(src, i, 1)
		switch {
		case r == chars.Replacement:
			return nil, nil, diag.Errorf(file, line, col, "invalid UTF-8 (byte %#x): save the file as UTF-8", src[i])
		case r == 0:
			return nil, nil, diag.Errorf(file, line, col, "NUL byte: the file is not UTF-8 text (UTF-16? binary?); save it as UTF-8")
		case first == nil:
			first = diag.Errorf(file, line, col, "%s replaced with U+FFFD", describeRune(r))
		default:
			more++
		}
	}
	if first == nil {
		return src, nil, nil
	}
	if more > 0 {
		first.Msg += fmt.Sprintf(" (and %d more in the file)", more)
	}
	return chars.CleanBytes(src), diag.List{first}, nil
}

// describeRune names a character chars.Bad rejects.
func describeRune(r rune) string {
	if r < 0x20 || r >= 0x7f && r <= 0x9f {
		return fmt.Sprintf("control character %U", r)
	}
	return fmt.Sprintf("noncharacter %U", r)
}

// cleanFields replaces the characters no output may hold in decoded
// values, which escapes ("\e" in YAML, "\u001b" in JSON) can put there
// although the file itself is clean, with a warning per field.
func (m *matter) cleanFields(file string) {
	for i := range m.fields {
		f := &m.fields[i]
		var found rune = -1
		f.key = cleanString(f.key, &found)
		f.text = cleanString(f.text, &found)
		f.val = cleanValue(f.val, &found)
		if found >= 0 {
			m.warnings = append(m.warnings, diag.Errorf(file, f.line, f.col, "%s: %s replaced with U+FFFD", f.key, describeRune(found)))
		}
	}
}

// cleanString returns chars.Clean(s), setting *found to the first rune it
// replaced when *found is not yet set.
func cleanString(s string, found *rune) string {
	i, r, _ := chars.Find(s)
	if i < 0 {
		return s
	}
	if *found < 0 {
		*found = r
	}
	return chars.Clean(s)
}

// cleanValue cleans every string in a decoded front-matter value.
func cleanValue(v any, found *rune) any {
	switch v := v.(type) {
	case string:
		return cleanString(v, found)
	case []any:
		for i := range v {
			v[i] = cleanValue(v[i], found)
		}
	case []map[string]any:
		for i := range v {
			cleanValue(v[i], found)
		}
	case map[string]any:
		for k, e := range v {
			if c := cleanString(k, found); c != k {
				delete(v, k)
				k = c
			}
			v[k] = cleanValue(e, found)
		}
	}
	return v
}
