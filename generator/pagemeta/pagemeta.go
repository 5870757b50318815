// Package pagemeta reads what a web page says about itself: the metadata
// that publishers write for link previews and search engines, from which
// digest add makes a draft.
//
// Each field is taken from the first source that gives it, in this order:
// OpenGraph (<meta property="og:…">, "article:…"), Twitter cards
// (<meta name="twitter:…">), JSON-LD (a NewsArticle, Article or one of
// their kinds, found at the top, in arrays or in an @graph), then the
// page's own <title>, <meta name="description">, <meta name="author"> and
// <link rel="canonical">. Text comes back with entities decoded; the
// image and the canonical address are made absolute against the page's
// address (or its <base href>), and anything but http(s) is dropped.
package pagemeta

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Meta is what a page says about itself. Any field may be empty.
type Meta struct {
	Title       string
	Description string
	Published   time.Time
	Author      string
	SiteName    string
	Image       string // absolute http(s)
	Canonical   string // absolute http(s): the address the page names as its own
	Tags        []string
}

// sources of each field, in the order they are trusted.
const (
	fromOG = iota
	fromTwitter
	fromLD
	fromHTML
	nSources
)

// candidates collects each field's values by source.
type candidates struct {
	title, description, published, author, siteName, image, canonical [nSources]string
	tags                                                              []string
}

// Extract reads the HTML page src, fetched from page.
func Extract(page *url.URL, src []byte) Meta {
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return Meta{} // html.Parse fails only when reading fails
	}
	var c candidates
	base := page
	var titleSeen bool
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Base:
			if href, ok := attr(n, "href"); ok && base == page {
				if u, err := page.Parse(strings.TrimSpace(href)); err == nil {
					base = u
				}
			}
		case atom.Title:
			// The document's title, not an SVG's.
			if !titleSeen && n.Namespace == "" {
				titleSeen = true
				set(&c.title[fromHTML], text(n))
			}
		case atom.Meta:
			c.meta(n)
		case atom.Link:
			rel, _ := attr(n, "rel")
			href, _ := attr(n, "href")
			for r := range strings.FieldsSeq(strings.ToLower(rel)) {
				switch r {
				case "canonical":
					set(&c.canonical[fromHTML], href)
				case "image_src":
					set(&c.image[fromHTML], href)
				}
			}
		case atom.Script:
			if t, _ := attr(n, "type"); strings.EqualFold(strings.TrimSpace(t), "application/ld+json") {
				c.jsonLD(text(n))
			}
		}
	}
	m := Meta{
		Title:       first(c.title),
		Description: first(c.description),
		Author:      first(c.author),
		SiteName:    first(c.siteName),
		Image:       absolute(base, first(c.image)),
		Canonical:   absolute(base, first(c.canonical)),
		Tags:        c.tags,
	}
	for _, p := range c.published {
		if t, ok := parseTime(p); ok {
			m.Published = t
			break
		}
	}
	return m
}

// meta reads one <meta> element.
func (c *candidates) meta(n *html.Node) {
	content, ok := attr(n, "content")
	if !ok {
		return
	}
	// OpenGraph uses property=, but many pages write name=; Twitter the
	// other way round. Both are read from both.
	name, _ := attr(n, "property")
	if name == "" {
		name, _ = attr(n, "name")
	}
	if name == "" {
		name, _ = attr(n, "itemprop")
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "og:title":
		set(&c.title[fromOG], content)
	case "og:description":
		set(&c.description[fromOG], content)
	case "og:site_name":
		set(&c.siteName[fromOG], content)
	case "og:image", "og:image:url", "og:image:secure_url":
		set(&c.image[fromOG], content)
	case "og:url":
		set(&c.canonical[fromOG], content)
	case "article:published_time":
		set(&c.published[fromOG], content)
	case "article:author":
		// Often the address of a profile, which names no one.
		if !looksLikeURL(content) {
			set(&c.author[fromOG], content)
		}
	case "article:tag":
		if t := tidy(content); t != "" && !slices.Contains(c.tags, t) {
			c.tags = append(c.tags, t)
		}
	case "twitter:title":
		set(&c.title[fromTwitter], content)
	case "twitter:description":
		set(&c.description[fromTwitter], content)
	case "twitter:image", "twitter:image:src":
		set(&c.image[fromTwitter], content)
	case "description":
		set(&c.description[fromHTML], content)
	case "author":
		if !looksLikeURL(content) {
			set(&c.author[fromHTML], content)
		}
	case "application-name":
		set(&c.siteName[fromHTML], content)
	case "datepublished", "date", "dc.date", "dcterms.created":
		set(&c.published[fromHTML], content)
	}
}

// jsonLD reads the first article of a JSON-LD block.
func (c *candidates) jsonLD(src string) {
	var v any
	if json.Unmarshal([]byte(strings.TrimSpace(src)), &v) != nil {
		return
	}
	a := findArticle(v, 0)
	if a == nil {
		return
	}
	set(&c.title[fromLD], ldText(a["headline"]))
	set(&c.title[fromLD], ldText(a["name"]))
	set(&c.description[fromLD], ldText(a["description"]))
	set(&c.published[fromLD], ldText(a["datePublished"]))
	set(&c.published[fromLD], ldText(a["dateCreated"]))
	set(&c.author[fromLD], ldNames(a["author"]))
	set(&c.siteName[fromLD], ldNames(a["publisher"]))
	set(&c.image[fromLD], ldURL(a["image"]))
	set(&c.image[fromLD], ldURL(a["thumbnailUrl"]))
	set(&c.canonical[fromLD], ldURL(a["url"]))
	if c.tags == nil {
		c.tags = ldKeywords(a["keywords"])
	}
}

// articleTypes are the schema.org types of a story.
var articleTypes = []string{
	"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
	"OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle",
	"BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle",
}

// maxDepth bounds the search of nested JSON-LD: a hostile page could nest
// arrays deep enough to exhaust the stack.
const maxDepth = 16

// findArticle returns the first object of an article type in v, looking
// into arrays, @graph and mainEntity.
func findArticle(v any, depth int) map[string]any {
	if depth > maxDepth {
		return nil
	}
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if a := findArticle(x, depth+1); a != nil {
				return a
			}
		}
	case map[string]any:
		if isArticle(v["@type"]) {
			return v
		}
		for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage"} {
			if a := findArticle(v[k], depth+1); a != nil {
				return a
			}
		}
	}
	return nil
}

func isArticle(t any) bool {
	switch t := t.(type) {
	case string:
		t = strings.TrimPrefix(strings.TrimPrefix(t, "http://schema.org/"), "https://schema.org/")
		return slices.Contains(articleTypes, t)
	case []any:
		return slices.ContainsFunc(t, isArticle)
	}
	return false
}

// ldText is a JSON-LD value as text: a string, or the first of a list.
func ldText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			return ldText(v[0])
		}
	}
	return ""
}

// ldNames is the names of people or organisations: a string, an object
// with a name, or a list of either, joined with commas.
func ldNames(v any) string {
	var names []string
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > maxDepth {
			return
		}
		switch v := v.(type) {
		case string:
			if !looksLikeURL(v) {
				names = append(names, v)
			}
		case map[string]any:
			walk(v["name"], depth+1)
		case []any:
			for _, x := range v {
				walk(x, depth+1)
			}
		}
	}
	walk(v, 0)
	var out []string
	for _, n := range names {
		if n = tidy(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

// ldURL is an address: a string, an ImageObject's url, or the first of a
// list.
func ldURL(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if u := ldText(v["url"]); u != "" {
			return u
		}
		return ldText(v["@id"])
	case []any:
		if len(v) > 0 {
			return ldURL(v[0])
		}
	}
	return ""
}

// ldKeywords is a list of keywords or a comma-separated string of them.
func ldKeywords(v any) []string {
	var words []string
	switch v := v.(type) {
	case string:
		words = strings.Split(v, ",")
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				words = append(words, s)
			}
		}
	}
	var out []string
	for _, w := range words {
		if w = tidy(w); w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// timeLayouts are the forms of a published time pages write: ISO 8601
// with and without a zone, seconds or a colon in the zone.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
}

// parseTime reads a published time; one without a zone is UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
			return t, true
		}
	}
	return time.Time{}, false
}

// set puts v in *dst unless *dst holds a value already: the first value
// of a source wins.
func set(dst *string, v string) {
	if *dst == "" {
		*dst = tidy(v)
	}
}

func first(vals [nSources]string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// tidy folds whitespace. x/net/html has decoded the entities of text and
// attributes; those written twice (&amp;amp;) are decoded once more.
func tidy(s string) string {
	if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// absolute returns ref resolved against base when it is then an http(s)
// address, or "".
func absolute(base *url.URL, ref string) string {
	if ref == "" {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func looksLikeURL(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "//")
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// text is the text inside n.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}
