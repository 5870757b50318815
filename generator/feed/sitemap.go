package feed

import (
	"encoding/xml"
	"fmt"
	"time"

	"github.com/digest/digest/generator/site"
)

// URL is one page listed in the sitemap.
type URL struct {
	Loc     string    // root-relative
	LastMod time.Time // zero: omitted
}

// urlset is a sitemaps.org 0.9 sitemap. gorilla/feeds has no sitemaps, so
// it is written with encoding/xml. A urlset may list at most 50,000 URLs;
// a larger site will need a sitemap index that cuts the list into parts
// and renders each part as a urlset, so nothing here assumes it holds the
// whole site.
type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	Xmlns   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// Sitemap renders urls, in the order given, as a sitemaps.org urlset with
// absolute locations.
func Sitemap(s *site.Site, urls []URL) ([]byte, error) {
	set := urlset{Xmlns: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: make([]sitemapURL, len(urls))}
	for i, u := range urls {
		set.URLs[i] = sitemapURL{Loc: absURL(s, u.Loc)}
		if !u.LastMod.IsZero() {
			set.URLs[i].LastMod = u.LastMod.Format(time.RFC3339) // a W3C Datetime
		}
	}
	return marshalXML(set)
}

// Robots is robots.txt: everything may be crawled, and the sitemap is
// announced so crawlers find it without being told.
func Robots(s *site.Site) []byte {
	return fmt.Appendf(nil, "User-agent: *\nAllow: /\nSitemap: %s\n", absURL(s, "/sitemap.xml"))
}
