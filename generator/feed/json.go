package feed

import (
	"bytes"
	"encoding/json"

	"github.com/gorilla/feeds"
)

// jsonFeed embeds gorilla's JSON Feed so that items is always written:
// JSON Feed requires the array, and gorilla's omitempty drops it when the
// feed is empty. The outer field hides the embedded one, as encoding/json
// lets the shallower field win.
type jsonFeed struct {
	*feeds.JSONFeed
	Items []*feeds.JSONItem `json:"items"`
}

// JSON renders ch as a JSON Feed 1.1 into buf and returns buf's bytes. The
// site has one JSON Feed, so its items are not cached.
func (m *Maker) JSON(ch Channel, buf *bytes.Buffer) ([]byte, error) {
	s := m.site
	f, err := newFeed(s, ch)
	if err != nil {
		return nil, err
	}
	if s.Author != "" {
		f.Author = &feeds.Author{Name: s.Author}
	}
	jf := (&feeds.JSON{Feed: f}).JSONFeed()
	jf.FeedUrl = absURL(s, ch.Path)
	jf.Language = s.Language
	doc := jsonFeed{JSONFeed: jf, Items: jf.Items}
	if doc.Items == nil {
		doc.Items = []*feeds.JSONItem{}
	}
	for i, it := range jf.Items {
		a := ch.Articles[i]
		it.ExternalUrl = a.SourceURL
		it.Tags = tagNames(a)
		// gorilla only takes the image from an enclosure of a known type;
		// JSON Feed needs no type, so any image will do.
		it.Image = imageURL(s, a)
	}
	jf.Items = nil
	enc := json.NewEncoder(buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil { // Encode ends the document with a newline
		return nil, err
	}
	return buf.Bytes(), nil
}
