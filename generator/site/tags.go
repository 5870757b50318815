package site

import (
	"slices"

	"github.com/digest/digest/generator/slug"
)

// Tag is one tag of the site: every spelling with the same slug.
type Tag struct {
	Name     string // display name
	Slug     string
	URL      string
	Articles []*Article // newest first

	id int // position in Site.Tags
}

// Count is the number of articles with the tag.
func (t *Tag) Count() int { return len(t.Articles) }

// buildTags merges the articles' tags by slug, after mapping synonyms
// through aliases, and picks each tag's display name: the alias target,
// else the spelling most articles use, else the first spelling seen. A
// tag's URL is index, the URL of the tag index, and its slug.
func buildTags(articles []*Article, aliases map[string]string, index string) []*Tag {
	target := make(map[string]string, len(aliases)) // slug of synonym → target name
	named := make(map[string]string, len(aliases))  // slug of target → target name
	for from, to := range aliases {
		target[slug.Make(from)] = to
		named[slug.Make(to)] = to
	}
	// A tag's tally counts its spellings by their place in names, to
	// name it by the one most articles use.
	type tally struct {
		tag    *Tag
		names  []string
		counts []int
		order  []int // places in names, in the order first counted
	}
	// A spelling is a name as articles write it: the tally of its tag and
	// its place there. The same few names recur on many articles, so each
	// is slugged and looked up once.
	type spelling struct {
		t *tally
		i int
	}
	bySlug := map[string]*tally{}
	spelled := map[string]spelling{}
	var order []*tally
	total := 0
	for _, a := range articles {
		total += len(a.Article.Tags)
	}
	// Every article's tags, one after the other: one allocation.
	all := make([]*Tag, 0, total)
	// Articles are newest first; the first spelling seen is the oldest.
	for i := len(articles) - 1; i >= 0; i-- {
		a := articles[i]
		start := len(all)
		for _, name := range a.Article.Tags {
			sp, ok := spelled[name]
			if !ok {
				s, as := slug.Make(name), name
				if to, ok := target[s]; ok {
					as, s = to, slug.Make(to)
				}
				t := bySlug[s]
				if t == nil {
					t = &tally{tag: &Tag{Slug: s, URL: index + s + "/"}}
					bySlug[s] = t
					order = append(order, t)
				}
				sp = spelling{t, slices.Index(t.names, as)}
				if sp.i < 0 {
					sp.i = len(t.names)
					t.names, t.counts = append(t.names, as), append(t.counts, 0)
				}
				spelled[name] = sp
			}
			t := sp.t
			if slices.Contains(all[start:], t.tag) {
				continue // two spellings of one tag on one article
			}
			if t.counts[sp.i] == 0 {
				t.order = append(t.order, sp.i)
			}
			t.counts[sp.i]++
			t.tag.Articles = append(t.tag.Articles, a)
			all = append(all, t.tag)
		}
		a.Tags = all[start:len(all):len(all)]
	}
	tags := make([]*Tag, 0, len(order))
	for _, t := range order {
		slices.Reverse(t.tag.Articles)
		t.tag.Name = named[t.tag.Slug]
		if t.tag.Name == "" {
			most := 0
			for _, i := range t.order {
				if t.counts[i] > most {
					t.tag.Name, most = t.names[i], t.counts[i]
				}
			}
		}
		tags = append(tags, t.tag)
	}
	slices.SortFunc(tags, func(a, b *Tag) int { return byName(a.Name, a.Slug, b.Name, b.Slug) })
	return tags
}
