package inbox

import (
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/digest/digest/generator/chars"
)

// clean drops from s what is not UTF-8 and the characters no digest's
// text may hold (see package chars): junk in a feed, not a story's words.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if chars.Bad(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// Tidy decodes s's HTML entities and folds its whitespace, for a title or
// a name that a feed may give escaped or spread over lines.
func Tidy(s string) string {
	return strings.Join(strings.Fields(clean(html.UnescapeString(s))), " ")
}

// Summarize returns the text of s, HTML or plain, without its markup and
// with its whitespace folded, cut after at most words words with an
// ellipsis. Scripts, styles and the like are not text and are dropped;
// a block element or a line break parts the words either side of it.
func Summarize(s string, words int) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(clean(s)))
	skip := 0 // depth inside elements whose content is not text
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			// The end of s: the tokenizer reads anything as HTML.
			return cut(strings.Fields(clean(b.String())), words)
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hidden[a] && tt != xhtml.SelfClosingTagToken {
				if tt == xhtml.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			}
			if !inline[a] {
				b.WriteByte(' ')
			}
		}
	}
}

// cut joins at most n of words, with an ellipsis when some are left out.
func cut(words []string, n int) string {
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	last := strings.TrimRight(words[n-1], ",;:-–—")
	return strings.Join(append(words[:n-1:n-1], last), " ") + "…"
}

// hidden are the elements whose content is not the story's text.
var hidden = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Svg: true, atom.Math: true,
	atom.Head: true, atom.Title: true, atom.Select: true, atom.Button: true,
}

// inline are the elements that sit inside a word's run of text, so that
// "<b>un</b>believable" stays one word; any other tag parts words.
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Cite: true, atom.Code: true, atom.Data: true, atom.Del: true, atom.Dfn: true,
	atom.Em: true, atom.I: true, atom.Ins: true, atom.Kbd: true, atom.Mark: true,
	atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true, atom.U: true,
	atom.Var: true, atom.Font: true,
}
