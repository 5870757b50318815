package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/digest/digest/generator/chars"
	"golang.org/x/text/unicode/norm"
)

// maxTermRunes caps a term's length: longer words (a run of Thai, a pasted
// URL) are cut to their first maxTermRunes runes, on both sides.
const maxTermRunes = 40

// Terms returns the search terms of text, in order, repeats kept. This is
// the normaliser that search.js's terms function mirrors exactly:
//
//   - a word is a run of letters, decimal digits and combining marks (Mn,
//     Mc) of any script, as in slugs; everything else separates words;
//   - a word is lowercased, its diacritics (U+0300–U+036F after NFD) are
//     dropped, it is recomposed (NFC), and final sigma becomes σ, so
//     "Hwasŏng", "HWASONG" and "hwasong" are one term;
//   - each Han, Hiragana or Katakana character is a term of its own, since
//     those scripts do not put spaces between words;
//   - a term is at most maxTermRunes runes long.
func Terms(text string) []string {
	return appendTerms(nil, text)
}

func appendTerms(dst []string, text string) []string {
	start := -1
	for i := 0; i < len(text); {
		// Bodies are mostly ASCII: a table lookup, not a call, per byte.
		word, size := asciiWord[text[i]], 1
		if text[i] >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			word = isWordRune(r)
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			dst = appendWord(dst, text[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		dst = appendWord(dst, text[start:])
	}
	return dst
}

// asciiWord tells the ASCII bytes that are word characters.
var asciiWord = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = isWordRune(rune(c))
	}
	return t
}()

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc)
}

func isCJK(r rune) bool {
	return r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// appendWord folds one word and appends its terms.
func appendWord(dst []string, w string) []string {
	w, ascii := fold(w)
	if ascii {
		return appendTerm(dst, w)
	}
	start := 0
	for i, r := range w {
		if isCJK(r) {
			dst = appendTerm(dst, w[start:i])
			dst = appendTerm(dst, string(r))
			start = i + utf8.RuneLen(r)
		}
	}
	return appendTerm(dst, w[start:])
}

func appendTerm(dst []string, t string) []string {
	if t == "" {
		return dst
	}
	if len(t) > maxTermRunes {
		n := 0
		for i := range t {
			if n == maxTermRunes {
				t = t[:i]
				break
			}
			n++
		}
	}
	return append(dst, t)
}

// fold lowercases w and drops its diacritics; ascii tells whether w was
// ASCII, so that there is nothing more to do.
func fold(w string) (folded string, ascii bool) {
	ascii, upper := true, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if ascii && !upper {
		return w, true // most words: nothing to do
	}
	w = strings.ToLower(w)
	if ascii {
		return w, true
	}
	w = strings.ReplaceAll(w, "ς", "σ")
	d := norm.NFD.String(w)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if r < 0x300 || r > 0x36F {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String()), false
}

// inline are the elements that do not separate words: "<em>Hwa</em>song"
// is one word, "</p><p>" is a break.
var inline = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true,
	"code": true, "data": true, "del": true, "dfn": true, "em": true, "i": true,
	"ins": true, "kbd": true, "mark": true, "q": true, "s": true, "samp": true,
	"small": true, "span": true, "strong": true, "time": true, "u": true, "var": true,
}

// bodyText returns the text of an HTML fragment: tags removed (block tags
// leave a space), entities decoded, script and style contents dropped. It
// leaves white space as it is: terms do not need it collapsed, and a
// snippet collapses only what it keeps.
func bodyText(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	for {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			b.WriteString(h)
			break
		}
		b.WriteString(h[:i])
		h = h[i+1:]
		j := strings.IndexByte(h, '>')
		if j < 0 {
			break
		}
		tag := h[:j]
		h = h[j+1:]
		name := strings.TrimPrefix(tag, "/")
		if k := strings.IndexAny(name, " \t\n\r/"); k >= 0 {
			name = name[:k]
		}
		name = strings.ToLower(name)
		if !inline[name] {
			b.WriteByte(' ')
		}
		if (name == "script" || name == "style") && !strings.HasPrefix(tag, "/") {
			end := strings.Index(strings.ToLower(h), "</"+name)
			if end < 0 {
				break
			}
			h = h[end:]
		}
	}
	text := b.String()
	if strings.IndexByte(text, '&') >= 0 {
		text = html.UnescapeString(text)
	}
	return text
}

// snippet is the start of text with its white space collapsed, cut to at
// most max bytes by clip.
func snippet(text string, max int) string {
	return clip(chars.Words(text, max), max)
}

// clip cuts text to at most max bytes at a space, marking the cut with "…".
func clip(text string, max int) string {
	if len(text) <= max {
		return text
	}
	cut := strings.LastIndexByte(text[:max], ' ')
	if cut < max/2 {
		cut = max
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
	}
	return strings.TrimRight(text[:cut], " ,.;:") + "…"
}
