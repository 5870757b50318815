package markdown

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// newPolicy is the allow-list raw HTML passes through. It starts from
// bluemonday's policy for user content, which allows in spirit what GitHub
// does: formatting, structure, tables, links and images with safe URLs, and
// no script, style, frame, form or event handler. A root-relative image
// source gets the site's path, as Markdown images do.
func newPolicy(sitePath string) *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowElements("small", "mark", "kbd", "abbr", "figure", "figcaption", "details", "summary")
	p.AllowAttrs("open").Matching(bluemonday.Paragraph).OnElements("details")
	p.AllowAttrs("title").OnElements("abbr")
	// The curator's links are their own: no rel="nofollow" added.
	p.RequireNoFollowOnLinks(false)
	// Drop what these elements hold, not only their tags: CSS or code shown
	// as text is the junk raw HTML leaves on a page.
	p.SkipElementsContent("script", "style", "noscript", "template", "iframe", "object", "title", "form")
	if sitePath != "/" && sitePath != "" {
		p.RewriteSrc(func(u *url.URL) {
			if u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/") {
				u.Path = sitePath + strings.TrimPrefix(u.Path, "/")
			}
		})
	}
	return p
}

// sanitizer passes the raw HTML of a document through the allow-list, in
// document order, replacing each piece with what is left. Pieces are
// cleaned one at a time, so it also keeps the document's tags balanced
// across them: an end tag whose start tag was removed (the </a> of a
// javascript: link) is removed too, and the text between an inline
// <script> or <style> and its end tag goes with them.
type sanitizer struct {
	policy *bluemonday.Policy
}

func (s sanitizer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	if bytes.IndexByte(src, '<') < 0 {
		return // raw HTML starts with "<"
	}
	open := map[string]int{} // element name → how many are open
	var raws []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == ast.KindRawHTML || n.Kind() == ast.KindHTMLBlock) {
			raws = append(raws, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range raws {
		parent := n.Parent()
		if parent == nil {
			continue // removed with a script's text
		}
		var raw bytes.Buffer
		switch n := n.(type) {
		case *ast.RawHTML:
			for i := range n.Segments.Len() {
				seg := n.Segments.At(i)
				raw.Write(seg.Value(src))
			}
			if end := skipsText(raw.String()); end != "" {
				dropUntil(n, end, src)
			}
		case *ast.HTMLBlock:
			for i := range n.Lines().Len() {
				seg := n.Lines().At(i)
				raw.Write(seg.Value(src))
			}
			if n.HasClosure() {
				raw.Write(n.ClosureLine.Value(src))
			}
		}
		clean := balance(s.policy.SanitizeBytes(raw.Bytes()), open)
		parent.ReplaceChild(parent, n, &cleanHTML{html: clean, block: n.Type() == ast.TypeBlock})
	}
}

// skipsText returns the end tag to look for when tag starts an inline
// script or style element, whose text must go too; or "".
func skipsText(tag string) string {
	tag = strings.ToLower(tag)
	for _, name := range []string{"script", "style"} {
		rest, ok := strings.CutPrefix(tag, "<"+name)
		if ok && rest != "" && strings.ContainsRune(" \t\n/>", rune(rest[0])) && !strings.HasSuffix(rest, "/>") {
			return "</" + name
		}
	}
	return ""
}

// dropUntil removes the siblings after n up to the raw tag that starts
// with end, which stays to be cleaned.
func dropUntil(n ast.Node, end string, src []byte) {
	for c := n.NextSibling(); c != nil; {
		if raw, ok := c.(*ast.RawHTML); ok && raw.Segments.Len() > 0 {
			seg := raw.Segments.At(0)
			if strings.HasPrefix(strings.ToLower(string(seg.Value(src))), end) {
				return
			}
		}
		next := c.NextSibling()
		n.Parent().RemoveChild(n.Parent(), c)
		c = next
	}
}

// balance drops the end tags in b that close no element open so far,
// counting the open ones in open across calls.
func balance(b []byte, open map[string]int) []byte {
	if bytes.IndexByte(b, '<') < 0 {
		return b // no tag to count or drop
	}
	z := html.NewTokenizer(bytes.NewReader(b))
	var out bytes.Buffer
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.StartTagToken:
			name, _ := z.TagName()
			open[string(name)]++
		case html.EndTagToken:
			name, _ := z.TagName()
			if open[string(name)] == 0 {
				continue
			}
			open[string(name)]--
		}
		out.Write(z.Raw())
	}
}

// cleanHTML is raw HTML that went through the allow-list.
type cleanHTML struct {
	ast.BaseNode
	html  []byte
	block bool
}

var kindCleanHTML = ast.NewNodeKind("CleanHTML")

func (n *cleanHTML) Kind() ast.NodeKind { return kindCleanHTML }

func (n *cleanHTML) Type() ast.NodeType {
	if n.block {
		return ast.TypeBlock
	}
	return ast.TypeInline
}

func (n *cleanHTML) IsRaw() bool { return true }

func (n *cleanHTML) HasBlankPreviousLines() bool { return false }

func (n *cleanHTML) SetBlankPreviousLines(bool) {}

func (n *cleanHTML) Lines() *text.Segments { return text.NewSegments() }

func (n *cleanHTML) SetLines(*text.Segments) {}

func (n *cleanHTML) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// renderCleanHTML writes the cleaned HTML; a block whose HTML was all
// removed (a comment, a script) leaves nothing, not even a line.
type renderCleanHTML struct{}

func (renderCleanHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCleanHTML, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*cleanHTML)
		if !entering || (n.block && len(bytes.TrimSpace(n.html)) == 0) {
			return ast.WalkContinue, nil
		}
		_, _ = w.Write(n.html)
		if n.block && n.html[len(n.html)-1] != '\n' {
			_ = w.WriteByte('\n')
		}
		return ast.WalkContinue, nil
	})
}
