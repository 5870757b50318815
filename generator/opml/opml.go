// Package opml reads and writes OPML subscription lists: the file a site
// keeps of the feeds its curator follows, and the exports of feed readers
// it imports.
//
// Read accepts what readers write: outlines nested in folders to any
// depth, attribute names in any case (xmlUrl, xmlurl), HTML entities and
// legacy charsets. It returns the feeds in document order, each with the
// folders it sits in as its categories and the line it was read from;
// folders themselves are not feeds. Errors start with file:line:col:.
// Write writes one flat list that every reader opens, each feed's
// categories in the category attribute as OPML 2.0 spells them.
package opml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/digest/digest/generator/diag"
)

// A Feed is one subscription.
type Feed struct {
	Title      string   // what readers show; may be empty
	URL        string   // the feed's address, xmlUrl
	Site       string   // the site's home page, htmlUrl; may be empty
	Categories []string // folder paths, "News/World", outermost first
	Line       int      // where Read found it; 0 for a feed not read
}

// A List is a subscription list.
type List struct {
	Title string
	Feeds []Feed
}

// Read reads the OPML document r, naming it file in errors.
func Read(file string, r io.Reader) (*List, error) {
	dec := xml.NewDecoder(r)
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = charset.NewReaderLabel
	errorf := func(format string, args ...any) error {
		line, col := dec.InputPos()
		return diag.Errorf(file, line, col, format, args...)
	}

	list := &List{}
	var (
		path    []string // the open elements
		folders []string // the titles of the open outlines
		title   strings.Builder
		root    bool // whether <opml> was read
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var syn *xml.SyntaxError
			if errors.As(err, &syn) {
				return nil, diag.Errorf(file, syn.Line, 0, "not well-formed OPML: %s", syn.Msg)
			}
			return nil, errorf("%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if len(path) == 0 && name != "opml" {
				return nil, errorf("not an OPML file: its root is <%s>, not <opml>", t.Name.Local)
			}
			root = true
			path = append(path, name)
			if name != "outline" || !slices.Contains(path, "body") {
				continue
			}
			at := attrs(t.Attr)
			text := firstOf(at["title"], at["text"])
			if at["xmlurl"] == "" {
				folders = append(folders, text)
				continue
			}
			line, _ := dec.InputPos()
			// A feed's own outline is pushed too, so that its end
			// pops it, though feeds rarely hold outlines.
			folders = append(folders, text)
			list.Feeds = append(list.Feeds, Feed{
				Title:      text,
				URL:        at["xmlurl"],
				Site:       at["htmlurl"],
				Categories: categories(folders[:len(folders)-1], at["category"]),
				Line:       line,
			})
		case xml.EndElement:
			if len(path) == 0 {
				continue
			}
			if path[len(path)-1] == "outline" && slices.Contains(path, "body") {
				folders = folders[:len(folders)-1]
			}
			path = path[:len(path)-1]
		case xml.CharData:
			if slices.Equal(path, []string{"opml", "head", "title"}) {
				title.Write(t)
			}
		}
	}
	if !root {
		return nil, errorf("not an OPML file: it has no <opml> element")
	}
	list.Title = strings.TrimSpace(title.String())
	return list, nil
}

// attrs are the attributes of an element by their names lower-cased, for
// readers spell xmlUrl in every case.
func attrs(list []xml.Attr) map[string]string {
	m := make(map[string]string, len(list))
	for _, a := range list {
		m[strings.ToLower(a.Name.Local)] = strings.TrimSpace(a.Value)
	}
	return m
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// categories are a feed's folder path, when it has one, then those its
// category attribute names: comma-separated, each a slash-separated path.
func categories(folders []string, attr string) []string {
	var cats []string
	add := func(c string) {
		if c != "" && !slices.Contains(cats, c) {
			cats = append(cats, c)
		}
	}
	var names []string
	for _, f := range folders {
		// A folder name is one step of a path in a comma-separated list.
		if f = strings.TrimSpace(strings.NewReplacer("/", " ", ",", " ").Replace(f)); f != "" {
			names = append(names, f)
		}
	}
	add(strings.Join(names, "/"))
	for c := range strings.SplitSeq(attr, ",") {
		add(strings.Trim(strings.TrimSpace(c), "/"))
	}
	return cats
}

// document is the OPML Write writes.
type document struct {
	XMLName xml.Name  `xml:"opml"`
	Version string    `xml:"version,attr"`
	Title   string    `xml:"head>title"`
	Body    []outline `xml:"body>outline"`
}

type outline struct {
	Type     string `xml:"type,attr"`
	Text     string `xml:"text,attr"`
	Title    string `xml:"title,attr,omitempty"`
	XMLURL   string `xml:"xmlUrl,attr"`
	HTMLURL  string `xml:"htmlUrl,attr,omitempty"`
	Category string `xml:"category,attr,omitempty"`
}

// Write writes l as an OPML 2.0 document, one outline a feed.
func Write(w io.Writer, l *List) error {
	doc := document{Version: "2.0", Title: l.Title, Body: []outline{}}
	for _, f := range l.Feeds {
		var cats []string
		for _, c := range f.Categories {
			cats = append(cats, "/"+c)
		}
		doc.Body = append(doc.Body, outline{
			Type: "rss", Text: f.Title, Title: f.Title,
			XMLURL: f.URL, HTMLURL: f.Site, Category: strings.Join(cats, ","),
		})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing OPML: %w", err)
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}
