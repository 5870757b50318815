package feed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digest/digest/generator/site"
)

// URL is one page listed in the sitemap.
type URL struct {
	Loc     string    // root-relative, with the site's path
	LastMod time.Time // zero: omitted
	// Article marks an article's page, which a sitemap of several files
	// lists in parts that stay put as the site grows (see SitemapFiles).
	Article bool
}

// MaxSitemapURLs is how many URLs one sitemap may list, by the protocol.
const MaxSitemapURLs = 50000

// Sitemap renders urls, in the order given, as a sitemaps.org 0.9 urlset
// with absolute locations. It is written by hand, as encoding/xml would
// write it indented, at a tenth of the cost: a site's sitemap lists every
// page, and its last file is made again by every build that adds one.
func Sitemap(s *site.Site, urls []URL) ([]byte, error) {
	b := make([]byte, 0, len(xml.Header)+100+len(urls)*(len(s.Path)+120))
	b = append(b, xml.Header...)
	b = append(b, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`...)
	if len(urls) == 0 {
		return append(b, "</urlset>\n"...), nil
	}
	var esc bytes.Buffer
	for _, u := range urls {
		b = append(b, "\n  <url>\n    <loc>"...)
		loc := absURL(s, u.Loc)
		if strings.ContainsAny(loc, "&<>\"'\t\n\r") || !utf8.ValidString(loc) {
			esc.Reset()
			if err := xml.EscapeText(&esc, []byte(loc)); err != nil {
				return nil, err
			}
			b = append(b, esc.Bytes()...)
		} else {
			b = append(b, loc...)
		}
		b = append(b, "</loc>"...)
		if !u.LastMod.IsZero() {
			b = append(b, "\n    <lastmod>"...)
			b = u.LastMod.AppendFormat(b, time.RFC3339) // a W3C Datetime
			b = append(b, "</lastmod>"...)
		}
		b = append(b, "\n  </url>"...)
	}
	return append(b, "\n</urlset>\n"...), nil
}

// SitemapFile is one file of a site's sitemap.
type SitemapFile struct {
	URL  string // root-relative, with the site's path
	URLs []URL  // the part it lists; nil for the index
}

// SitemapFiles splits urls into the files of s's sitemap: /sitemap.xml
// alone, listing urls in the order given, when it can list them all; else
// /sitemap.xml as a sitemap index over /sitemap-1.xml, /sitemap-2.xml, …
// of at most size each (MaxSitemapURLs, or fewer in tests). urls lists the articles' pages newest
// first, as the site orders them.
//
// The parts stay put as the site grows, as a list's numbered pages do:
// the articles' pages, oldest first, fill the first parts, size to each,
// as long as there are that many left; the other URLs, in the
// order given, then the articles left over, oldest first, fill the last
// parts. A new article goes at the end of the last part and a new page of
// another kind (a day, a tag) somewhere among the other URLs, so while
// those number fewer than size, an added article changes the
// index and at most the last two parts.
func SitemapFiles(s *site.Site, urls []URL, size int) []SitemapFile {
	if len(urls) <= size {
		return []SitemapFile{{URL: s.URL("/sitemap.xml"), URLs: urls}}
	}
	var articles, rest []URL
	for _, u := range urls {
		if u.Article {
			articles = append(articles, u)
		} else {
			rest = append(rest, u)
		}
	}
	slices.Reverse(articles)
	full := len(articles) / size * size
	ordered := slices.Concat(articles[:full], rest, articles[full:])
	files := []SitemapFile{{URL: s.URL("/sitemap.xml")}}
	for part := range slices.Chunk(ordered, size) {
		files = append(files, SitemapFile{URL: s.URL(fmt.Sprintf("/sitemap-%d.xml", len(files))), URLs: part})
	}
	return files
}

type sitemapIndex struct {
	XMLName  xml.Name       `xml:"sitemapindex"`
	Xmlns    string         `xml:"xmlns,attr"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// SitemapIndex renders the index of the sitemap parts in files (all but
// the first, the index itself), each dated by its newest URL.
func SitemapIndex(s *site.Site, files []SitemapFile) ([]byte, error) {
	idx := sitemapIndex{Xmlns: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, f := range files[1:] {
		var newest time.Time
		for _, u := range f.URLs {
			if u.LastMod.After(newest) {
				newest = u.LastMod
			}
		}
		e := sitemapEntry{Loc: absURL(s, f.URL)}
		if !newest.IsZero() {
			e.LastMod = newest.Format(time.RFC3339)
		}
		idx.Sitemaps = append(idx.Sitemaps, e)
	}
	return marshalXML(new(bytes.Buffer), idx, 100*len(idx.Sitemaps))
}

// Robots is robots.txt: everything of the site may be crawled, and the
// sitemap is announced so crawlers find it without being told.
func Robots(s *site.Site) []byte {
	return fmt.Appendf(nil, "User-agent: *\nAllow: %s\nSitemap: %s\n", s.Path, absURL(s, s.URL("/sitemap.xml")))
}
