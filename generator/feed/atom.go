package feed

import (
	"bytes"
	"encoding/xml"
	"time"

	"github.com/gorilla/feeds"

	"github.com/digest/digest/generator/site"
)

// The Atom wrappers embed gorilla's feed and entry and add what it cannot
// write: xml:lang, both the alternate and the self link (gorilla has room
// for one), and categories as <category term="…"/> (gorilla writes the name
// as text, which Atom does not allow). A field here whose XML name equals an
// embedded one hides it, because encoding/xml lets the shallower field win.
type atomFeed struct {
	XMLName xml.Name `xml:"feed"`
	*feeds.AtomFeed
	Lang  string           `xml:"xml:lang,attr,omitempty"`
	Links []feeds.AtomLink // hides AtomFeed.Link
	// Entries are encoded beforehand, once per article, and written as
	// they are; gorilla's own Entries stay empty.
	Entries []byte `xml:",innerxml"`
}

type atomEntry struct {
	XMLName xml.Name `xml:"entry"`
	*feeds.AtomEntry
	Categories []atomCategory `xml:"category"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// Atom renders ch as an Atom 1.0 feed into buf and returns buf's bytes.
func (m *Maker) Atom(ch Channel, buf *bytes.Buffer) ([]byte, error) {
	s := m.site
	f, err := newFeed(s, Channel{Title: ch.Title, URL: ch.URL, Description: ch.Description})
	if err != nil {
		return nil, err
	}
	f.Updated = updated(ch.Articles)
	// Atom requires an author for the feed or for every entry, and a
	// curator's byline is optional: the site itself stands in.
	author := s.Author
	if author == "" {
		author = s.Title
	}
	f.Author = &feeds.Author{Name: author}
	af := (&feeds.Atom{Feed: f}).AtomFeed()
	if af.Updated == "" {
		// gorilla leaves <updated> empty for a feed without dates, and
		// Atom requires one.
		af.Updated = time.Time{}.Format(time.RFC3339)
	}
	doc := atomFeed{
		AtomFeed: af,
		Lang:     s.Language,
		Links: []feeds.AtomLink{
			{Href: f.Link.Href, Rel: "alternate", Type: "text/html"},
			{Href: absURL(s, ch.Path), Rel: "self", Type: "application/atom+xml"},
		},
	}
	doc.Entries, err = m.atom.join(ch.Articles, func(a *site.Article) ([]byte, error) { return atomEntryXML(s, a) })
	if err != nil {
		return nil, err
	}
	af.Link = nil
	return marshalXML(buf, doc, len(doc.Entries))
}

// atomEntryXML encodes a's entry as it stands inside the feed, indented to
// its depth there.
func atomEntryXML(s *site.Site, a *site.Article) ([]byte, error) {
	item, err := newItem(s, a)
	if err != nil {
		return nil, err
	}
	f := &feeds.Feed{Items: []*feeds.Item{item}}
	e := (&feeds.Atom{Feed: f}).AtomFeed().Entries[0]
	e.Published = a.Date.Format(time.RFC3339)
	if e.Summary != nil {
		e.Summary.Type = "text" // gorilla assumes html; a summary is plain text
	}
	for j := range e.Links {
		// gorilla copies the RSS enclosure's placeholder length; in Atom it
		// is optional and 0 would be a false hint.
		e.Links[j].Length = ""
	}
	if a.SourceURL != "" {
		e.Links = append(e.Links, feeds.AtomLink{Href: a.SourceURL, Rel: "related", Type: "text/html"})
	}
	entry := &atomEntry{AtomEntry: e}
	for _, name := range tagNames(a) {
		entry.Categories = append(entry.Categories, atomCategory{Term: name})
	}
	return xml.MarshalIndent(entry, "  ", "  ")
}
