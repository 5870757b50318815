package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// gfm is goldmark's extension.GFM with its linkify parser behind
// quickLinkify.
var gfm = goldmark.Extender(gfmExtender{})

type gfmExtender struct{}

func (gfmExtender) Extend(m goldmark.Markdown) {
	// The priority extension.Linkify gives its parser.
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(quickLinkify{extension.NewLinkifyParser()}, 999)))
	extension.Table.Extend(m)
	extension.Strikethrough.Extend(m)
	extension.TaskList.Extend(m)
}

// quickLinkify asks goldmark's linkify parser for a link only where the
// rest of the line could hold one. That parser is tried at every space of
// every line, and finds a link only where the text that follows starts
// with http:, https:, ftp: or www., or holds an @ (an email address); the
// last of those in a line is found once, so the parser is not asked
// after it.
type quickLinkify struct {
	parser.InlineParser
}

// lineKey keeps a *linkLine in a parse's context.
var lineKey = parser.NewContextKey()

// linkLine is the line quickLinkify looked at last: the source from start
// to stop, whose last link marker starts at last (-1 when it has none).
type linkLine struct {
	start, stop, last int
}

// linkMarkers are what a link found by the linkify parser starts with, or
// holds.
var linkMarkers = [][]byte{[]byte("http:"), []byte("https:"), []byte("ftp:"), []byte("www."), []byte("@")}

func (q quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	_, seg := block.PeekLine()
	l, _ := pc.Get(lineKey).(*linkLine)
	if l == nil {
		l = &linkLine{stop: -1}
		pc.Set(lineKey, l)
	}
	if seg.Stop != l.stop || seg.Start < l.start {
		// The line is the source from seg.Start to seg.Stop, after any
		// padding (spaces) and before any newline added.
		*l = linkLine{start: seg.Start, stop: seg.Stop, last: -1}
		if seg.Start < seg.Stop {
			src := block.Source()[seg.Start:seg.Stop]
			for _, m := range linkMarkers {
				// Forward, as bytes.Index is many times faster than
				// bytes.LastIndex, and markers are few.
				for from := 0; ; {
					i := bytes.Index(src[from:], m)
					if i < 0 {
						break
					}
					l.last = max(l.last, seg.Start+from+i)
					from += i + 1
				}
			}
		}
	}
	if l.last < seg.Start {
		return nil
	}
	return q.InlineParser.Parse(parent, block, pc)
}
