package feed

import (
	"bytes"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/digest/digest/generator/opml"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/internal/testkit"
)

// TestOPML checks the list of the site's feeds against its golden file,
// and reads it back as a feed reader importing it would.
func TestOPML(t *testing.T) {
	s := testSite(t)
	korea, china, cafe := s.Articles[0].Tags[0], s.Articles[0].Tags[1], s.Articles[2].Tags[0]
	korea.Articles, china.Articles, cafe.Articles = s.Articles[:1], s.Articles[:2], s.Articles[2:]
	s.Tags = []*site.Tag{cafe, china, korea}
	s.Sources = []*site.Source{{Name: "Yonhap & Co", URL: s.URL("/sources/yonhap-co/"), Articles: s.Articles[:1]}}
	tests := []struct {
		name                string
		tagFeeds, tagAtom   bool
		sourceFeeds, source bool
		feeds               int
	}{
		{"every list", true, true, true, true, 5},
		{"atom only for tags", false, true, false, false, 4},
		{"the site alone", false, false, false, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Outputs.TagFeeds, s.Outputs.TagAtom, s.Outputs.SourceFeeds = tt.tagFeeds, tt.tagAtom, tt.sourceFeeds
			data, err := OPML(s, Lists(s))
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "every list" {
				testkit.Golden(t, filepath.Join("testdata", "feeds.opml"), data)
			}
			l, err := opml.Read("feeds.opml", bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if l.Title != s.Title || len(l.Feeds) != tt.feeds {
				t.Errorf("feeds.opml has title %q and %d feeds; want %q and %d:\n%s", l.Title, len(l.Feeds), s.Title, tt.feeds, data)
			}
			for _, f := range l.Feeds {
				for _, u := range []string{f.URL, f.Site} {
					if p, err := url.Parse(u); err != nil || !p.IsAbs() || p.Host != "example.org" {
						t.Errorf("feeds.opml links to %q, not an absolute URL of the site", u)
					}
				}
			}
		})
	}
}
