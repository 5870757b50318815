package markdown

import (
	"html"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// typographer parses a line of plain text for Smarten: goldmark with only
// its typographer, the one bodies get.
var typographer = goldmark.New(goldmark.WithExtensions(extension.Typographer))

// listStart matches a line that would start an ordered list.
var listStart = regexp.MustCompile(`^[0-9]+[.)]`)

// Smarten gives plain text, a headline or a summary from the front matter,
// the quotes, dashes and ellipses a body gets: "it's" becomes "it’s",
// "--" an en dash. Nothing else in s is read as Markdown.
func Smarten(s string) string {
	if !strings.ContainsAny(s, `'"`) && !strings.Contains(s, "--") && !strings.Contains(s, "...") || strings.Trim(s, "- ") == "" {
		return s
	}
	src := []byte(escapeSyntax(s))
	doc := typographer.Parser().Parse(text.NewReader(src))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			// Every piece of markup was escaped, entities too: unescaping
			// gives back the text as written.
			b.Write(util.UnescapePunctuations(n.Segment.Value(src)))
		case *ast.String:
			// The typographer's characters, written as entities.
			b.WriteString(html.UnescapeString(string(n.Value)))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// escapeSyntax backslash-escapes what Markdown would read as markup in s,
// leaving the quotes, dashes and dots the typographer works on. Of those,
// a leading "- " or the dot of a leading number could start a list, so
// those are escaped too.
func escapeSyntax(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	b.Grow(len(s) + 8)
	lead := len(listStart.FindString(s))
	block := strings.HasPrefix(s, "- ")
	for i := range len(s) {
		c := s[i]
		keep := c == '\'' || c == '"' || c == '-' || c == '.'
		if isASCIIPunct(c) && (!keep || (i == 0 && block) || i == lead-1) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}
