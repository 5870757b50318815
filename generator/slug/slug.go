// Package slug turns names into URL path segments.
//
// The rule is part of the URL contract: a slug is the name lowercased
// (Unicode-aware), with letters, digits and combining marks of any script kept and every
// other run of characters turned into one "-", trimmed at both ends. So
// "North korea", "North Korea" and "north-korea" share the slug
// "north-korea", and tags, sources and articles all follow it.
//
// A slug is at most MaxBytes long, because it becomes a folder name and
// file systems refuse names over 255 bytes. A longer one is cut on a
// character boundary and ends in a dash and eight hex digits of a hash of
// the whole slug: two long headlines, or two long tags, that begin alike
// still get two slugs (tags are merged by slug, so a plain cut would merge
// two different tags without a word), and a name always gets the same
// slug.
package slug

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/digest/digest/generator/internal/sum"
)

// MaxBytes is the longest slug. File systems allow 255 bytes a name; a
// permalink may put more text beside the slug in one segment, so a slug
// takes well under half: 100 bytes is 100 Latin letters or 33 Chinese or
// Japanese characters, already more than a URL should show.
const MaxBytes = 100

// hashLen is the length of the suffix of a cut slug: a dash and eight hex
// digits.
const hashLen = 9

// Make returns the slug of name. It is empty when name has no letter or
// digit.
func Make(name string) string {
	var b strings.Builder
	b.Grow(min(len(name), 4*MaxBytes))
	dash := false
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || isMark(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) <= MaxBytes {
		return s
	}
	return shorten(s)
}

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Mc) }

// shorten cuts a slug longer than MaxBytes and adds the hash of the
// whole.
func shorten(s string) string {
	h := sum.String32(s)
	end := MaxBytes - hashLen
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	// Keep a letter with its accents: do not cut before a combining mark,
	// unless the whole prefix is one letter and its marks.
	cut := end
	for cut > 0 {
		r, _ := utf8.DecodeRuneInString(s[cut:])
		if !isMark(r) {
			break
		}
		_, n := utf8.DecodeLastRuneInString(s[:cut])
		cut -= n
	}
	if cut == 0 {
		cut = end
	}
	prefix := strings.TrimRight(s[:cut], "-")
	if prefix == "" {
		return fmt.Sprintf("%08x", h)
	}
	return fmt.Sprintf("%s-%08x", prefix, h)
}
