package feed

import (
	"bytes"
	"encoding/xml"
	"strings"

	"github.com/gorilla/feeds"

	"github.com/digest/digest/generator/site"
)

// The RSS wrappers embed gorilla's channel and item and add what it cannot
// write: the atom:link self link, the dc:creator byline, and one <category>
// per tag. A field here whose XML name equals an embedded one (Items,
// Categories) hides it, because encoding/xml lets the shallower field win.
type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	ContentNS string     `xml:"xmlns:content,attr"`
	AtomNS    string     `xml:"xmlns:atom,attr"`
	DCNS      string     `xml:"xmlns:dc,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	*feeds.RssFeed
	Self rssSelfLink `xml:"atom:link"`
	// Items are encoded beforehand, once per article, and written as they
	// are; gorilla's own Items stay empty.
	Items []byte `xml:",innerxml"`
}

type rssSelfLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	*feeds.RssItem
	// Creator replaces gorilla's <author>, which RSS defines as an email
	// address: a byline there fails validation.
	Creator    string   `xml:"dc:creator,omitempty"`
	Categories []string `xml:"category"`
}

// RSS renders ch as an RSS 2.0 feed into buf and returns buf's bytes.
func (m *Maker) RSS(ch Channel, buf *bytes.Buffer) ([]byte, error) {
	s := m.site
	f, err := newFeed(s, Channel{Title: ch.Title, URL: ch.URL, Description: ch.Description})
	if err != nil {
		return nil, err
	}
	f.Updated = updated(ch.Articles)
	c := (&feeds.Rss{Feed: f}).RssFeed()
	c.Language = s.Language
	if c.Description == "" {
		c.Description = ch.Title // RSS requires a description; an empty one fails validation
	}
	doc := rssDoc{
		Version:   "2.0",
		ContentNS: "http://purl.org/rss/1.0/modules/content/",
		AtomNS:    "http://www.w3.org/2005/Atom",
		DCNS:      "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{
			RssFeed: c,
			Self:    rssSelfLink{Href: absURL(s, ch.Path), Rel: "self", Type: "application/rss+xml"},
		},
	}
	doc.Channel.Items, err = m.rss.join(ch.Articles, func(a *site.Article) ([]byte, error) { return rssItemXML(s, a) })
	if err != nil {
		return nil, err
	}
	return marshalXML(buf, doc, len(doc.Channel.Items))
}

// rssItemXML encodes a's item as it stands inside the channel, indented to
// its depth there.
func rssItemXML(s *site.Site, a *site.Article) ([]byte, error) {
	item, err := newItem(s, a)
	if err != nil {
		return nil, err
	}
	f := &feeds.Feed{Items: []*feeds.Item{item}}
	it := (&feeds.Rss{Feed: f}).RssFeed().Items[0]
	it.Author = ""
	// Readers take an RSS description as HTML, so a plain-text summary is
	// escaped once more to show "x < y" as written.
	it.Description = htmlText.Replace(it.Description)
	return xml.MarshalIndent(&rssItem{RssItem: it, Creator: a.Author, Categories: tagNames(a)}, "    ", "  ")
}

var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
