// Package slug turns names into URL path segments.
//
// The rule is part of the URL contract: a slug is the name lowercased
// (Unicode-aware), with letters, digits and combining marks of any script kept and every
// other run of characters turned into one "-", trimmed at both ends. So
// "North korea", "North Korea" and "north-korea" share the slug
// "north-korea", and tags, sources and articles all follow it.
package slug

import (
	"strings"
	"unicode"
)

// Make returns the slug of name. It is empty when name has no letter or
// digit.
func Make(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	dash := false
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return b.String()
}
