// Package feed writes the files a digest offers to machines: RSS 2.0, Atom
// 1.0 and JSON Feed 1.1 feeds for the whole site and for each tag or source,
// the sitemap, and robots.txt.
//
// The contract that feed readers and crawlers rely on:
//
//   - Every URL written is absolute, made from the site's base_url; paths
//     are percent-encoded, so slugs in any script give valid URLs.
//   - An item's id (RSS guid, Atom id, JSON Feed id) is its article's
//     absolute URL, so it stays the same from build to build and a reader
//     never shows one article twice.
//   - An item carries the headline, the article's date as published and its
//     updated time (Updated, else Date), the original byline when there is
//     one, the tag names as categories, the summary as plain text (escaped
//     once more in RSS, whose readers take a description as HTML), and as
//     HTML content the article body followed by a "Source:" link to the
//     original story. The source URL is also given where the format has a
//     place for it: Atom rel="related", JSON Feed external_url.
//   - Every feed is well-formed (and JSON Feed valid JSON) whatever the
//     text it carries: a character XML forbids becomes U+FFFD.
//   - A feed's updated time is the latest of its articles' updated times.
//     Nothing is read from the clock, so the same input gives the same
//     bytes; an empty feed is dated the zero time (0001-01-01T00:00:00Z)
//     where its format requires a date.
//
// The feeds are made with github.com/gorilla/feeds. Where it falls short of
// this contract (more than one category per item, self links, languages,
// RSS bylines, Atom category terms and summary type, an empty JSON Feed's
// items array), the value it builds is embedded in a small wrapper here
// that adds or replaces the missing parts, so gorilla still does the
// formatting of dates, ids and content.
package feed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/feeds"

	"github.com/digest/digest/generator/chars"
	"github.com/digest/digest/generator/site"
)

// Maker makes one build's feeds. An article is in the site's feeds and in
// each of its tags', so it encodes each article's item once per format and
// reuses it. It is safe for concurrent use.
type Maker struct {
	site      *site.Site
	rss, atom itemCache
}

// itemCache keeps the encoded items of one format.
type itemCache struct {
	items sync.Map // *site.Article → []byte: the item's XML
	// left, when set, counts per article the feeds still to be made that
	// hold it; an item is kept only while one is.
	left map[*site.Article]*atomic.Int32
}

// NewMaker returns a Maker for the feeds of s.
func NewMaker(s *site.Site) *Maker { return &Maker{site: s} }

// Expect tells m, for each article, how many of the RSS feeds and of the
// Atom feeds it will make hold the article, so that it keeps an item only
// until the last of them is made, and never the item of an article in
// one feed. Without it, m keeps every item.
func (m *Maker) Expect(rss, atom map[*site.Article]int) {
	for c, feeds := range map[*itemCache]map[*site.Article]int{&m.rss: rss, &m.atom: atom} {
		c.left = make(map[*site.Article]*atomic.Int32, len(feeds))
		for a, n := range feeds {
			c.left[a] = new(atomic.Int32)
			c.left[a].Store(int32(n))
		}
	}
}

// item returns the XML of a's item from cache, encoding it with encode the
// first time. Two feeds made at once may both encode it, and then the item
// can stay past its last feed; the bytes are the same either way.
func (c *itemCache) item(a *site.Article, encode func() ([]byte, error)) ([]byte, error) {
	left := int32(1) // without counts, every item is kept
	if n := c.left[a]; n != nil {
		left = n.Add(-1)
	}
	if data, ok := c.items.Load(a); ok {
		if left <= 0 {
			c.items.Delete(a)
		}
		return data.([]byte), nil
	}
	data, err := encode()
	if err == nil && left > 0 {
		c.items.Store(a, bytes.Clone(data)) // without the encoder's spare capacity
	}
	return data, err
}

// join returns the XML of the items of articles, each on a line of its
// own, in one slice made to measure: a tag's feed of full articles runs to
// a hundred kilobytes.
func (c *itemCache) join(articles []*site.Article, encode func(*site.Article) ([]byte, error)) ([]byte, error) {
	each := make([][]byte, len(articles))
	n := 0
	for i, a := range articles {
		data, err := c.item(a, func() ([]byte, error) { return encode(a) })
		if err != nil {
			return nil, err
		}
		each[i] = data
		n += 1 + len(data)
	}
	out := make([]byte, 0, n)
	for _, data := range each {
		out = append(append(out, '\n'), data...)
	}
	return out, nil
}

// Channel is one feed: the site's or a tag's.
type Channel struct {
	Title       string // e.g. site title, or "North Korea — " + site title
	Description string
	URL         string          // the page the feed is about, e.g. "/" or "/tags/china/", with the site's path
	Path        string          // the URL of this feed file, e.g. "/feed.xml" (self link), with the site's path
	Articles    []*site.Article // newest first, already cut to feed_size by the caller
}

// newFeed is what every format says about a channel. Each format adds what
// gorilla/feeds cannot express after converting it.
func newFeed(s *site.Site, ch Channel) (*feeds.Feed, error) {
	f := &feeds.Feed{
		Title:       ch.Title,
		Link:        &feeds.Link{Href: absURL(s, ch.URL)},
		Description: ch.Description,
		Updated:     updated(ch.Articles),
	}
	for _, a := range ch.Articles {
		it, err := newItem(s, a)
		if err != nil {
			return nil, err
		}
		f.Items = append(f.Items, it)
	}
	return f, nil
}

// newItem is what every format says about an article. The source link is
// left out of Item.Source on purpose: gorilla writes it into RSS as a
// <source> without the url attribute RSS requires, so each format places
// it itself.
func newItem(s *site.Site, a *site.Article) (*feeds.Item, error) {
	link := absURL(s, a.URL)
	content, err := contentHTML(a, link)
	if err != nil {
		return nil, err
	}
	it := &feeds.Item{
		Title:       a.Title,
		Link:        &feeds.Link{Href: link},
		Id:          link,
		IsPermaLink: "true",
		Description: a.Summary,
		Content:     content,
		Created:     a.Date,
		Updated:     a.Updated,
	}
	if a.Author != "" {
		it.Author = &feeds.Author{Name: a.Author}
	}
	if img := imageURL(s, a); img != "" {
		if typ := imageType(img); typ != "" {
			// The RSS best-practice profile asks for length 0 when the
			// size is unknown, and gorilla drops an enclosure without one.
			it.Enclosure = &feeds.Enclosure{Url: img, Type: typ, Length: "0"}
		}
	}
	return it, nil
}

// contentHTML is the article body, its relative links made absolute from
// link, the article's absolute URL, with a link to the original story, so
// that a reader showing only the content still credits the source.
//
// The body reaches RSS in a CDATA section, which encoding/xml writes
// as it is: a character XML forbids would make the feed ill-formed. The
// Markdown renderer gives none, but the feeds' well-formedness must not
// rest on it, so the content is cleaned here once more.
func contentHTML(a *site.Article, link string) (string, error) {
	b, err := a.Body()
	body := chars.Clean(string(b))
	if relativeLinks(body) {
		if base, perr := url.Parse(link); perr == nil {
			body = absoluteLinks(body, base)
		}
	}
	if a.SourceURL == "" || err != nil {
		return body, err
	}
	name := a.Source
	if name == "" {
		name = a.SourceURL
	}
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return body + fmt.Sprintf("<p>Source: <a href=\"%s\">%s</a></p>\n",
		html.EscapeString(chars.Clean(a.SourceURL)), html.EscapeString(chars.Clean(name))), nil
}

// itemUpdated is when an article last changed.
func itemUpdated(a *site.Article) time.Time {
	if !a.Updated.IsZero() {
		return a.Updated
	}
	return a.Date
}

// updated is the latest change among articles. It is not simply the first
// article's: an older article may have been updated since.
func updated(articles []*site.Article) time.Time {
	var t time.Time
	for _, a := range articles {
		if u := itemUpdated(a); u.After(t) {
			t = u
		}
	}
	return t
}

func tagNames(a *site.Article) []string {
	names := make([]string, len(a.Tags))
	for i, t := range a.Tags {
		names[i] = t.Name
	}
	return names
}

// absURL makes a URL of the site absolute. Non-ASCII slugs are
// percent-encoded because sitemaps.org and RSS want URIs, not IRIs, and
// html/template encodes the same links the same way in the pages.
func absURL(s *site.Site, p string) string {
	return s.AbsURL(p)
}

// imageURL is the article's lead image as an absolute URL: a full URL is
// kept, a path starting with "/" is from the site root (which may be below
// the host's root), and any other path is relative to the article's page.
func imageURL(s *site.Site, a *site.Article) string {
	if a.Image == "" {
		return ""
	}
	ref, err := url.Parse(a.Image)
	if err != nil {
		return "" // a feed without the image beats a broken link
	}
	if ref.Scheme == "" && ref.Host == "" && strings.HasPrefix(a.Image, "/") {
		return absURL(s, a.Image)
	}
	base, err := url.Parse(absURL(s, a.URL))
	if err != nil {
		return ""
	}
	return base.ResolveReference(ref).String()
}

// imageTypes maps image extensions to MIME types. mime.TypeByExtension is
// not used because it reads the system's mime.types, which would make the
// output depend on the machine that builds it.
var imageTypes = map[string]string{
	".avif": "image/avif",
	".gif":  "image/gif",
	".jpeg": "image/jpeg",
	".jpg":  "image/jpeg",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".webp": "image/webp",
}

func imageType(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return imageTypes[strings.ToLower(path.Ext(p.Path))]
}

// marshalXML writes v into buf as an indented XML document ending in a
// newline and returns buf's bytes; size is about how many bytes v holds,
// so buf grows once. gorilla's ToXML is not used only because it runs the
// XML declaration and the root element together on one line.
func marshalXML(buf *bytes.Buffer, v any, size int) ([]byte, error) {
	buf.Grow(len(xml.Header) + size + 4096)
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
