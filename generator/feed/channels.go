package feed

import "github.com/digest/digest/generator/site"

// The feed formats, named by their MIME types as <link rel="alternate">
// announces them.
const (
	RSS  = "application/rss+xml"
	Atom = "application/atom+xml"
	JSON = "application/feed+json"
)

// Link is one feed file as the pages announce it.
type Link struct {
	Type  string // one of RSS, Atom, JSON
	Title string // for the reader's list of feeds, e.g. "China (RSS)"
	URL   string // root-relative, with the site's path
}

// Of says what a list of feeds is of.
type Of int

// The lists with feeds.
const (
	OfSite Of = iota
	OfTag
	OfSource
	OfIssues
)

// List is a site's, a tag's, a source's or the issues' feeds: one channel, published in
// each format site.yaml asks for. The pages that announce the feeds and
// the build that writes them both read Lists, so the two cannot disagree.
type List struct {
	Of      Of
	Name    string  // the tag's or source's name; the site's title
	Channel Channel // with Path unset: each link's URL is its own
	Links   []Link
}

// Lists are every feed list of s: the site's, the issues' when it has
// any, then each tag's, then each source's, leaving out those site.yaml
// turns off. Each channel holds the newest feed_size articles, or issues.
func Lists(s *site.Site) []List {
	lists := make([]List, 0, 2+len(s.Tags)+len(s.Sources))
	lists = append(lists, List{Of: OfSite, Name: s.Title, Links: SiteLinks(s), Channel: Channel{
		Title: s.Title, Description: s.Description, URL: s.URL("/"), Articles: newest(s, s.Articles),
	}})
	if l, ok := issueList(s); ok {
		lists = append(lists, l)
	}
	for _, t := range s.Tags {
		if links := TagLinks(s, t); links != nil {
			lists = append(lists, List{Of: OfTag, Name: t.Name, Links: links, Channel: Channel{
				Title: t.Name + " — " + s.Title, Description: TagDescription(s, t), URL: t.URL, Articles: newest(s, t.Articles),
			}})
		}
	}
	for _, src := range s.Sources {
		if links := SourceLinks(s, src); links != nil {
			lists = append(lists, List{Of: OfSource, Name: src.Name, Links: links, Channel: Channel{
				Title: src.Name + " — " + s.Title, Description: SourceDescription(s, src), URL: src.URL, Articles: newest(s, src.Articles),
			}})
		}
	}
	return lists
}

func newest(s *site.Site, articles []*site.Article) []*site.Article {
	return articles[:min(len(articles), s.FeedSize)]
}

// SiteLinks are the whole site's feeds, in every format.
func SiteLinks(s *site.Site) []Link {
	return []Link{
		{Type: RSS, Title: s.Title + " (RSS)", URL: s.URL("/feed.xml")},
		{Type: Atom, Title: s.Title + " (Atom)", URL: s.URL("/atom.xml")},
		{Type: JSON, Title: s.Title + " (JSON Feed)", URL: s.URL("/feed.json")},
	}
}

// TagLinks are one tag's feeds, as site.yaml's outputs have them: RSS,
// Atom too, or none.
func TagLinks(s *site.Site, t *site.Tag) []Link {
	return listLinks(t.Name, t.URL, s.Outputs.TagFeeds, s.Outputs.TagAtom)
}

// SourceLinks are one source's feeds, as site.yaml's outputs have them.
func SourceLinks(s *site.Site, src *site.Source) []Link {
	return listLinks(src.Name, src.URL, s.Outputs.SourceFeeds, s.Outputs.SourceAtom)
}

func listLinks(name, url string, rss, atom bool) []Link {
	var links []Link
	if rss {
		links = append(links, Link{Type: RSS, Title: name + " (RSS)", URL: url + "feed.xml"})
	}
	if atom {
		links = append(links, Link{Type: Atom, Title: name + " (Atom)", URL: url + "atom.xml"})
	}
	return links
}

// TagDescription describes a tag's pages and feeds, in the site's
// language.
func TagDescription(s *site.Site, t *site.Tag) string {
	return s.Locale.Text("tag_description", "tag", t.Name, "site", s.Title)
}

// SourceDescription describes a source's pages and feeds, in the site's
// language.
func SourceDescription(s *site.Site, src *site.Source) string {
	return s.Locale.Text("source_description", "source", src.Name, "site", s.Title)
}
