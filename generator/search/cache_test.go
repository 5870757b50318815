package search

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
)

// sameFiles reports every file in which got and want differ.
func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		t.Errorf("%s: %d files, a fresh index %d", what, len(got), len(want))
	}
	for name, data := range want {
		if g, ok := got[name]; ok && !bytes.Equal(g, data) {
			t.Errorf("%s: %s differs from a fresh index", what, name)
		}
	}
}

// edited returns a copy of article a, changed by edit.
func edited(a *site.Article, edit func(*site.Article, *content.Article)) *site.Article {
	b, c := *a, *a.Article
	edit(&b, &c)
	b.Article = &c
	return &b
}

// TestCacheEqualsFresh edits sites one way after another and indexes each
// with the cache the last index kept, which must give the bytes of a
// fresh index and analyse only the documents that changed.
func TestCacheEqualsFresh(t *testing.T) {
	big, _ := bigSite(t, batch+150) // more than one batch
	for _, s := range []*site.Site{testSite(t), big} {
		n := len(s.Articles)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir := t.TempDir()
			steps := []struct {
				name     string
				edit     func()
				analysed int // -1: any number
			}{
				{"first", func() {}, -1},
				{"nothing changed", func() {}, 0},
				{"newest added", func() {
					a := edited(s.Articles[0], func(a *site.Article, c *content.Article) {
						c.Title, c.Date = "Zeppelin lands at dawn", c.Date.Add(1)
						a.URL, a.HTML = "/zeppelin/", spool.Mem("<p>A zeppelin lands; budgets fly.</p>\n")
					})
					s.Articles = append([]*site.Article{a}, s.Articles...)
				}, 1},
				{"body edited", func() {
					s.Articles[n/2] = edited(s.Articles[n/2], func(a *site.Article, _ *content.Article) {
						a.HTML = spool.Mem("<p>Corrected: the talks resume on Friday.</p>\n")
					})
				}, 1},
				{"headline edited", func() {
					s.Articles[1] = edited(s.Articles[1], func(_ *site.Article, c *content.Article) { c.Title = "Budgeting anew" })
				}, 1},
				{"tag renamed", func() {
					s.Articles[2] = edited(s.Articles[2], func(a *site.Article, _ *content.Article) {
						a.Tags = []*site.Tag{{Name: "Renamed", Slug: "renamed", URL: "/tags/renamed/"}}
					})
				}, 1},
				{"one deleted", func() { s.Articles = slices.Delete(s.Articles, n/3, n/3+1) }, 0},
				{"older added", func() {
					a := edited(s.Articles[n/4], func(a *site.Article, c *content.Article) {
						c.Title, a.URL = "An older story", "/older/"
					})
					s.Articles = slices.Insert(s.Articles, n/4, a)
				}, 1},
				{"newest removed", func() { s.Articles = s.Articles[1:] }, 0},
				// "earli" is the stem of "early" and stems to "ear": once
				// "early" is in a document, "earli" of an unchanged one
				// holds its own postings, and the entries of "ear" and
				// "earli" cannot be patched.
				{"a stem added", func() {
					a := edited(s.Articles[0], func(a *site.Article, c *content.Article) {
						c.Title, c.Date = "Earli and others", c.Date.Add(1)
						a.URL, a.HTML = "/earli/", spool.Mem("<p>Earli is a name.</p>\n")
					})
					s.Articles = append([]*site.Article{a}, s.Articles...)
				}, 1},
				{"a word that stems to it added", func() {
					s.Articles[5] = edited(s.Articles[5], func(a *site.Article, _ *content.Article) { a.Summary = "An early start." })
				}, 1},
				{"that word removed", func() {
					s.Articles[5] = edited(s.Articles[5], func(a *site.Article, _ *content.Article) { a.Summary = "A late start." })
				}, 1},
				// The stems are the language's.
				{"language changed", func() { s.Language = "fr" }, 0},
				{"language changed back", func() { s.Language = "en" }, 0},
				// Most of the vocabulary gone: the big site's terms are
				// numbered again, which the next build must read.
				{"all but three deleted", func() { s.Articles = s.Articles[:3] }, 0},
				{"nothing changed again", func() {}, 0},
			}
			for _, step := range steps {
				step.edit()
				c := OpenCache(dir, "settings")
				got := writtenWith(t, s, c)
				sameFiles(t, step.name, got, written(t, s))
				if st := c.Stats(); step.analysed >= 0 && st.Misses != step.analysed {
					t.Errorf("%s: %d documents analysed, want %d", step.name, st.Misses, step.analysed)
				}
			}
		})
	}
}

// TestCacheDamaged indexes a site with a cache that is missing, cut short,
// garbled or kept under other settings: the index must be a fresh one,
// and the cache whole again for the next build.
func TestCacheDamaged(t *testing.T) {
	s := testSite(t)
	want := written(t, s)
	docs := len(documents(s))
	good := t.TempDir()
	writtenWith(t, s, OpenCache(good, "settings"))
	data, err := os.ReadFile(filepath.Join(good, cacheName))
	if err != nil {
		t.Fatal(err)
	}
	garble := func(at int) []byte {
		d := bytes.Clone(data)
		d[at] ^= 0x5a
		return d
	}
	cases := []struct {
		name     string
		data     []byte // nil: no file
		settings string
		analysed int // at least
	}{
		{"missing", nil, "settings", docs},
		{"empty", []byte{}, "settings", docs},
		{"cut in the header", data[:10], "settings", docs},
		{"cut in the vocabulary", data[:len(cacheMagic)+20], "settings", docs},
		{"cut in the documents", data[:len(data)-30], "settings", 1},
		{"garbled settings", garble(len(cacheMagic) + 1), "settings", docs},
		{"garbled vocabulary", garble(len(cacheMagic) + 12), "settings", docs},
		{"garbled last document", garble(len(data) - 10), "settings", 1},
		{"foreign", data, "other settings", docs},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.data != nil {
				if err := os.WriteFile(filepath.Join(dir, cacheName), tc.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			c := OpenCache(dir, tc.settings)
			sameFiles(t, "damaged", writtenWith(t, s, c), want)
			if st := c.Stats(); st.Misses < tc.analysed {
				t.Errorf("%d documents analysed; want at least %d", st.Misses, tc.analysed)
			}
			c = OpenCache(dir, tc.settings)
			sameFiles(t, "again", writtenWith(t, s, c), want)
			if st := c.Stats(); st.Misses != 0 || st.Hits != docs {
				t.Errorf("the next build found %d documents and analysed %d; want %d and 0", st.Hits, st.Misses, docs)
			}
		})
	}
}
