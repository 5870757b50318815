package chars

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words returns the words of s, as strings.Fields finds them, with one
// space between them: strings.Join(strings.Fields(s), " ") without the
// list of words, a body's thousands of them. Once the result is longer
// than max bytes, it stops after the word that made it so, for a caller
// that cuts it there.
func Words(s string, max int) string {
	var b strings.Builder
	b.Grow(min(len(s), max))
	word := -1 // where the current word starts; -1 between words
	for i := 0; i < len(s); {
		space, size := asciiSpace[s[i]], 1
		if s[i] >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		switch {
		case space && word >= 0:
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s[word:i])
			word = -1
			if b.Len() > max {
				return b.String()
			}
		case !space && word < 0:
			word = i
		}
		i += size
	}
	if word >= 0 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[word:])
	}
	return b.String()
}

// asciiSpace tells the ASCII bytes unicode.IsSpace takes for space.
var asciiSpace = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = unicode.IsSpace(rune(c))
	}
	return t
}()
