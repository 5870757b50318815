package feed

import (
	"bytes"

	"github.com/digest/digest/generator/opml"
	"github.com/digest/digest/generator/site"
)

// OPMLPath is where the list of the site's feeds is published, for
// readers to subscribe to them all in one go.
const OPMLPath = "/feeds.opml"

// OPML lists the feeds of lists, one a list: the site's, then each tag's
// and each source's, each by its first link (RSS where it has one), with
// its page as the outline's htmlUrl. A reader importing it subscribes
// once to each list, not once to each format.
func OPML(s *site.Site, lists []List) ([]byte, error) {
	l := &opml.List{Title: s.Title}
	for _, list := range lists {
		if len(list.Links) == 0 {
			continue
		}
		l.Feeds = append(l.Feeds, opml.Feed{
			Title: list.Channel.Title,
			URL:   absURL(s, list.Links[0].URL),
			Site:  absURL(s, list.Channel.URL),
		})
	}
	var b bytes.Buffer
	if err := opml.Write(&b, l); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
