package site

import (
	"cmp"
	"slices"
	"strings"

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
// else the spelling most articles use, else the first spelling seen.
func buildTags(articles []*Article, aliases map[string]string) []*Tag {
	target := make(map[string]string, len(aliases)) // slug of synonym → target name
	named := make(map[string]string, len(aliases))  // slug of target → target name
	for from, to := range aliases {
		target[slug.Make(from)] = to
		named[slug.Make(to)] = to
	}
	type tally struct {
		tag      *Tag
		spelling map[string]int
		order    []string // spellings in the order first seen
	}
	bySlug := map[string]*tally{}
	slugs := map[string]string{} // the same few names recur on many articles
	var order []*tally
	// Articles are newest first; the first spelling seen is the oldest.
	for i := len(articles) - 1; i >= 0; i-- {
		a := articles[i]
		seen := make(map[string]bool, len(a.Article.Tags))
		for _, name := range a.Article.Tags {
			s, ok := slugs[name]
			if !ok {
				s = slug.Make(name)
				slugs[name] = s
			}
			if to, ok := target[s]; ok {
				name, s = to, slug.Make(to)
			}
			if seen[s] {
				continue
			}
			seen[s] = true
			t := bySlug[s]
			if t == nil {
				t = &tally{tag: &Tag{Slug: s, URL: "/tags/" + s + "/"}, spelling: map[string]int{}}
				bySlug[s] = t
				order = append(order, t)
			}
			if t.spelling[name] == 0 {
				t.order = append(t.order, name)
			}
			t.spelling[name]++
			t.tag.Articles = append(t.tag.Articles, a)
			a.Tags = append(a.Tags, t.tag)
		}
	}
	tags := make([]*Tag, 0, len(order))
	for _, t := range order {
		slices.Reverse(t.tag.Articles)
		t.tag.Name = named[t.tag.Slug]
		if t.tag.Name == "" {
			best := 0
			for _, name := range t.order {
				if n := t.spelling[name]; n > best {
					t.tag.Name, best = name, n
				}
			}
		}
		tags = append(tags, t.tag)
	}
	slices.SortFunc(tags, func(a, b *Tag) int {
		if c := cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return cmp.Compare(a.Slug, b.Slug)
	})
	return tags
}
