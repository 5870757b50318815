// Package markdown renders article bodies with goldmark.
//
// Bodies get GitHub-flavoured Markdown (tables, strikethrough, autolinks,
// task lists), footnotes, typographic quotes and dashes, and heading IDs.
// A link or image to a path from the site's root ("/2017/05/31/…") is a
// link within the site, so it gets the site's path when the site is
// published below its host's root; every other destination is kept as
// written.
// Raw HTML in Markdown passes through an allow-list, as on GitHub: comments
// are dropped; formatting and structure (small, br, sup, kbd, abbr, mark,
// details, figure, tables, div and span, images with http(s) or relative
// sources, …) are kept; scripts and styles are dropped with their content;
// iframes, forms, style and event attributes and javascript: or data: URLs
// are removed. goldmark's link filter empties javascript: and similar
// Markdown link and image URLs. unsafe_html passes everything through.
//
// Fenced code with a language is highlighted by chroma, as CSS classes
// (CodeCSS is their stylesheet): no inline styles, no script.
// Whatever the body, the HTML and summary hold only characters package
// chars allows: a character reference to a control character gives
// U+FFFD.
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/digest/digest/generator/chars"
	"github.com/digest/digest/generator/slug"
)

// Renderer turns Markdown into HTML. It is safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
}

// New returns a Renderer; unsafeHTML passes raw HTML through instead of
// escaping it, and sitePath is the site's path (config.Config.Path), which
// links to paths from the site's root are given.
func New(unsafeHTML bool, sitePath string) *Renderer {
	var rendererOpts []renderer.Option
	if unsafeHTML {
		rendererOpts = append(rendererOpts, ghtml.WithUnsafe())
	} else {
		rendererOpts = append(rendererOpts, renderer.WithNodeRenderers(util.Prioritized(renderCleanHTML{}, 100)))
	}
	parserOpts := []parser.Option{parser.WithAutoHeadingID()}
	if !unsafeHTML {
		parserOpts = append(parserOpts, parser.WithASTTransformers(util.Prioritized(sanitizer{newPolicy(sitePath)}, 200)))
	}
	if sitePath != "/" && sitePath != "" {
		parserOpts = append(parserOpts, parser.WithASTTransformers(util.Prioritized(sitePaths(sitePath), 100)))
	}
	md := goldmark.New(
		goldmark.WithExtensions(gfm, extension.Footnote, extension.Typographer, highlight),
		goldmark.WithParserOptions(parserOpts...),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return &Renderer{md: md}
}

// sitePaths is the site's path, given to the destination of every link
// and image that starts at the site's root. "//host/x" names a host (and
// browsers read "/\\host/x" alike), so it is left alone, as are URLs with a
// scheme, relative paths and anchors.
type sitePaths string

func (p sitePaths) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			n.Destination = p.prefix(n.Destination)
		case *ast.Image:
			n.Destination = p.prefix(n.Destination)
		}
		return ast.WalkContinue, nil
	})
}

func (p sitePaths) prefix(dest []byte) []byte {
	if len(dest) == 0 || dest[0] != '/' || (len(dest) > 1 && (dest[1] == '/' || dest[1] == '\\')) {
		return dest
	}
	return append([]byte(p), dest[1:]...)
}

// Result is a rendered body.
type Result struct {
	HTML template.HTML
	// Summary is the first paragraph as plain text, for lists and feeds
	// when the front matter gives none.
	Summary string
}

// Render converts src. goldmark accepts any input, so there is no error.
func (r *Renderer) Render(src []byte) Result {
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/4)
	// Rendering into a bytes.Buffer cannot fail.
	_ = r.md.Renderer().Render(bufWriter{&buf}, src, doc)
	// goldmark turns character references such as &#x1b; into the
	// characters themselves, which no page or feed may hold.
	return Result{
		HTML:    template.HTML(chars.Clean(buf.String())),
		Summary: chars.Clean(firstParagraph(doc, src)),
	}
}

// bufWriter is a bytes.Buffer as goldmark's renderer writes to: given
// one, the renderer writes straight into it rather than through a
// bufio.Writer of its own.
type bufWriter struct{ *bytes.Buffer }

var _ util.BufWriter = bufWriter{}

func (bufWriter) Buffered() int { return 0 }

func (bufWriter) Flush() error { return nil }

// firstParagraph returns the text of the document's first top-level
// paragraph, with markup dropped and entities decoded.
func firstParagraph(doc ast.Node, src []byte) string {
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if n.Kind() != ast.KindParagraph {
			continue
		}
		var b strings.Builder
		_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.CodeSpan:
				// Code is shown as written: no escapes, no entities.
				for c := n.FirstChild(); c != nil; c = c.NextSibling() {
					if t, ok := c.(*ast.Text); ok {
						b.Write(t.Segment.Value(src))
					}
				}
				return ast.WalkSkipChildren, nil
			case *ast.AutoLink:
				// An autolink's text is its URL, which has no Text node.
				b.Write(n.Label(src))
			case *ast.Text:
				// The source as written: resolve backslash escapes and
				// entities as the HTML renderer does.
				if v := util.UnescapePunctuations(n.Segment.Value(src)); bytes.IndexByte(v, '&') >= 0 {
					b.WriteString(html.UnescapeString(string(v)))
				} else {
					b.Write(v) // no entity
				}
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.WriteString(html.UnescapeString(string(n.Value)))
			case *ast.RawHTML:
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		})
		return chars.Words(b.String(), math.MaxInt)
	}
	return ""
}

// headingIDs gives headings IDs by the slug rule of tags and URLs, so a
// heading in any script gets a readable ID ("Société Générale" gets
// "société-générale"; goldmark's own rule keeps ASCII letters only and
// would give "socit-gnrale"). A repeated ID gets -1, -2, … as in goldmark.
type headingIDs struct {
	used map[string]bool
	next map[string]int // base ID → the next suffix to try
}

func newHeadingIDs() *headingIDs {
	return &headingIDs{used: map[string]bool{}, next: map[string]int{}}
}

func (ids *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	// value is the heading's source line: entities are not yet resolved.
	base := slug.Make(html.UnescapeString(string(value)))
	if base == "" {
		base = "heading"
		if kind != ast.KindHeading {
			base = "id"
		}
	}
	id := base
	for ids.used[id] {
		ids.next[base]++
		id = base + "-" + strconv.Itoa(ids.next[base])
	}
	ids.used[id] = true
	return []byte(id)
}

func (ids *headingIDs) Put(value []byte) { ids.used[string(value)] = true }
