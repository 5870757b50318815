// Package chars decides which characters a digest's text may hold.
//
// Every output of a build must be well-formed whatever its input: XML 1.0
// (the feeds and the sitemap) forbids the C0 control characters but tab,
// line feed and carriage return, and the noncharacters U+FFFE and U+FFFF;
// HTML counts those, DEL, the C1 controls and every other noncharacter as
// parse errors; and neither has a meaning for bytes that are not UTF-8.
// Such characters are invisible junk from copy and paste, so the text a
// build reads is cleaned of them once, where it enters (content files,
// site.yaml), and every stage after that may assume clean text.
//
// The contract: Clean's result holds no rune for which Bad is true and is
// valid UTF-8; text that is already clean is returned as it is.
//
// Words folds a text's white space, for what shows it on one line (a
// summary, a search snippet).
package chars

import (
	"strings"
	"unicode/utf8"
)

// Replacement stands in for every character Clean removes, so a reader
// sees that something was there.
const Replacement = '\uFFFD'

// Bad reports whether r may not appear in a digest's text: a control
// character other than tab, line feed and carriage return (C0, DEL, C1),
// a surrogate, or a noncharacter (U+FDD0 to U+FDEF and the last two code
// points of every plane).
func Bad(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r < 0x7f:
		return false
	case r <= 0x9f:
		return true
	case r >= 0xd800 && r <= 0xdfff:
		return true
	case r >= 0xfdd0 && r <= 0xfdef:
		return true
	}
	return r&0xfffe == 0xfffe || r > utf8.MaxRune
}

// Clean returns s with every invalid UTF-8 sequence and every Bad rune
// replaced by U+FFFD.
func Clean(s string) string {
	i := firstBad(s, utf8.DecodeRuneInString)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		// Ranging over a string yields U+FFFD for each invalid byte.
		if Bad(r) {
			r = Replacement
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CleanBytes is Clean for a byte slice; it returns b itself when b is
// clean.
func CleanBytes(b []byte) []byte {
	if firstBad(b, utf8.DecodeRune) < 0 {
		return b
	}
	return []byte(Clean(string(b)))
}

// Find returns the byte offset of the first invalid UTF-8 sequence or Bad
// rune in s, the rune there (utf8.RuneError for invalid UTF-8) and its
// length in bytes, or -1 when s is clean.
func Find(s string) (i int, r rune, size int) {
	return find(s, utf8.DecodeRuneInString)
}

// FindBytes is Find for a byte slice.
func FindBytes(b []byte) (i int, r rune, size int) {
	return find(b, utf8.DecodeRune)
}

func find[T string | []byte](s T, decode func(T) (rune, int)) (int, rune, int) {
	i := firstBad(s, decode)
	if i < 0 {
		return -1, 0, 0
	}
	r, n := decode(s[i:])
	return i, r, n
}

func firstBad[T string | []byte](s T, decode func(T) (rune, int)) int {
	for i := 0; i < len(s); {
		// Most text is printable ASCII: eight bytes at a time.
		for i+8 <= len(s) {
			w := s[i : i+8]
			if !printable(uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56) {
				break
			}
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			// The common case, ASCII, without decoding.
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, n := decode(s[i:])
		if r == utf8.RuneError && n == 1 || Bad(r) {
			return i
		}
		i += n
	}
	return -1
}

// printable reports whether each byte of w is printable ASCII, 0x20 to
// 0x7e: none is below 0x20 (the first term sets a byte's top bit when
// subtracting 0x20 borrows, in a byte below 0x80) and none is above 0x7e
// (the second sets it when adding 1 carries into it, or it is set).
func printable(w uint64) bool {
	const ones, tops = 0x0101010101010101, 0x8080808080808080
	return ((w-0x20*ones)&^w|(w+ones)|w)&tops == 0
}
