package search

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/i18n"
	digestsum "github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
	"github.com/digest/digest/internal/testkit"
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

// sameEntries reports where the main index the cache got keeps for the
// next build differs from the one want keeps: its entries' sizes, its
// filters' sums, its shards and their entries.
func sameEntries(t *testing.T, what string, got, want *Cache) {
	t.Helper()
	if !reflect.DeepEqual(got.tables, want.tables) {
		t.Errorf("%s: the cache keeps other entries' sizes than a fresh one", what)
	}
	if !maps.Equal(got.filters, want.filters) {
		t.Errorf("%s: the cache keeps the filters' sums %v, a fresh one %v", what, got.filters, want.filters)
	}
	if !reflect.DeepEqual(got.layout, want.layout) {
		t.Errorf("%s: the cache keeps the shards %+v, a fresh one %+v", what, got.layout, want.layout)
		return
	}
	if !maps.Equal(got.sums, want.sums) {
		t.Errorf("%s: the cache keeps the sums of %d shard files, a fresh one of %d, or others", what, len(got.sums), len(want.sums))
	}
	for k := range want.layout {
		for i, key := range want.layout[k].keys {
			g, gok := got.shard(k, i)
			w, wok := want.shard(k, i)
			if !gok || !wok || !reflect.DeepEqual(g, w) {
				t.Errorf("%s: the cache keeps the shard %q of %s otherwise than a fresh one (found %v, %v)", what, key, dirs[k], gok, wok)
			}
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

// locale loads the built-in theme's translations for tag.
func locale(t *testing.T, tag string) *i18n.Locale {
	t.Helper()
	l, err := i18n.Load(tag, []fs.FS{testkit.Theme()}, func(_ int, name string) string { return name })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestCacheEqualsFresh edits sites one way after another and indexes each
// with the cache the last index kept, which must give the bytes of a
// fresh index and analyse only the documents that changed.
func TestCacheEqualsFresh(t *testing.T) {
	big, _ := bigSite(t, batch+150) // more than one batch
	for _, s := range []*site.Site{testSite(t), big} {
		n := len(s.Articles)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if n < 100 {
				// Blocks of positions of two documents: every edit
				// rewrites one among several. A tail of the newest
				// documents after each fourth: edits go to either
				// side, and adding moves the split.
				defer func(n int32, tail int) { blockDocs, tailDocs = n, tail }(blockDocs, tailDocs)
				blockDocs, tailDocs = 2, 4
			}
			dir := t.TempDir()
			const (
				any = iota
				kept
				patched
			)
			steps := []struct {
				name     string
				edit     func()
				analysed int // -1: any number
				// main: how the main index is made: kept, its files
				// the last build's and its entries not read; patched,
				// from the last build's shards that held the entries
				// that changed, at most reads of them (0: any); or any
				// way.
				main, reads int
			}{
				{"first", func() {}, -1, any, 0},
				{"nothing changed", func() {}, 0, kept, 0},
				{"newest added", func() {
					a := edited(s.Articles[0], func(a *site.Article, c *content.Article) {
						c.Title, c.Date = "Zeppelin lands at dawn", c.Date.Add(1)
						a.URL, a.HTML = "/zeppelin/", spool.Mem("<p>A zeppelin lands; budgets fly.</p>\n")
					})
					s.Articles = append([]*site.Article{a}, s.Articles...)
				}, 1, kept, 0},
				// Every term of the copy is in the newest block already:
				// the blocks change, none is added.
				{"a copy of the newest added", func() {
					a := edited(s.Articles[0], func(a *site.Article, c *content.Article) {
						c.Date = c.Date.Add(1)
						a.URL = "/zeppelin-again/"
					})
					s.Articles = append([]*site.Article{a}, s.Articles...)
				}, 0, kept, 0},
				{"body edited", func() {
					s.Articles[n/2] = edited(s.Articles[n/2], func(a *site.Article, _ *content.Article) {
						a.HTML = spool.Mem("<p>Corrected: the talks resume on Friday.</p>\n")
					})
				}, 1, patched, 0},
				// Words the body has, at new positions, and two new
				// ones: a few shards change, and only they, and those
				// of the entries of any shard split anew, are read.
				{"a sentence appended", func() {
					s.Articles[n/2] = edited(s.Articles[n/2], func(a *site.Article, _ *content.Article) {
						a.HTML = spool.Mem("<p>Corrected: the talks resume on Friday.</p>\n<p>The talks resume; zebrafish follow.</p>\n")
					})
				}, 1, patched, 16},
				{"headline edited", func() {
					s.Articles[1] = edited(s.Articles[1], func(_ *site.Article, c *content.Article) { c.Title = "Budgeting anew" })
				}, 1, any, 0},
				// The same terms in another order: only their positions
				// change.
				{"summary's words reversed", func() {
					s.Articles[3] = edited(s.Articles[3], func(a *site.Article, _ *content.Article) {
						words := strings.Fields(a.Summary)
						slices.Reverse(words)
						a.Summary = strings.Join(words, " ")
					})
				}, 1, any, 0},
				{"tag renamed", func() {
					s.Articles[2] = edited(s.Articles[2], func(a *site.Article, _ *content.Article) {
						a.Tags = []*site.Tag{{Name: "Renamed", Slug: "renamed", URL: "/tags/renamed/"}}
					})
				}, 1, any, 0},
				{"one deleted", func() { s.Articles = slices.Delete(s.Articles, n/3, n/3+1) }, 0, any, 0},
				{"older added", func() {
					a := edited(s.Articles[n/4], func(a *site.Article, c *content.Article) {
						c.Title, a.URL = "An older story", "/older/"
					})
					s.Articles = slices.Insert(s.Articles, n/4, a)
				}, 1, any, 0},
				{"newest removed", func() { s.Articles = s.Articles[1:] }, 0, any, 0},
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
				}, 1, any, 0},
				{"a word that stems to it added", func() {
					s.Articles[5] = edited(s.Articles[5], func(a *site.Article, _ *content.Article) { a.Summary = "An early start." })
				}, 1, any, 0},
				{"that word removed", func() {
					s.Articles[5] = edited(s.Articles[5], func(a *site.Article, _ *content.Article) { a.Summary = "A late start." })
				}, 1, any, 0},
				// The stems are the language's.
				{"language changed", func() { s.Language = "fr" }, 0, any, 0},
				{"language changed back", func() { s.Language = "en" }, 0, any, 0},
				// The results' dates are written in the locale's words.
				{"dates in French", func() { s.Locale = locale(t, "fr") }, 0, any, 0},
				{"dates in English", func() { s.Locale = locale(t, "en") }, 0, any, 0},
				// Most of the vocabulary gone: the big site's terms are
				// numbered again, with every record. The edited one's is
				// made while the index is made in full, and not kept in
				// memory: the vocabulary stays as it is for this build,
				// and the next numbers it again, which the one after
				// must read.
				{"all but three deleted, one edited", func() {
					s.Articles = s.Articles[:3]
					s.Articles[1] = edited(s.Articles[1], func(a *site.Article, _ *content.Article) {
						a.HTML = spool.Mem("<p>Nothing is left of the talks.</p>\n")
					})
				}, 1, any, 0},
				{"nothing changed again", func() {}, 0, any, 0},
				{"nothing changed once more", func() {}, 0, any, 0},
			}
			compared := 0
			for _, step := range steps {
				step.edit()
				c := OpenCache(dir, "settings")
				got := writtenWith(t, s, c)
				sameFiles(t, step.name, got, written(t, s))
				if st := c.Stats(); step.analysed >= 0 && st.Misses != step.analysed {
					t.Errorf("%s: %d documents analysed, want %d", step.name, st.Misses, step.analysed)
				}
				switch {
				case step.main == kept && (c.shardsRead > 0 || c.made != madeKept):
					t.Errorf("%s: the main index was made again, %d of its shards read", step.name, c.shardsRead)
				case step.main == patched && c.made != madePatched:
					t.Errorf("%s: the main index was not patched", step.name)
				case step.main == patched && step.reads > 0 && c.shardsRead > step.reads:
					t.Errorf("%s: %d of the main index's shards read, want at most %d", step.name, c.shardsRead, step.reads)
				}
				// The entries the cache keeps for the next build are a
				// fresh cache's, where it keeps them at all.
				fresh := t.TempDir()
				writtenWith(t, s, OpenCache(fresh, "settings"))
				if kept := OpenCache(dir, "settings"); kept.indexed {
					sameEntries(t, step.name, kept, OpenCache(fresh, "settings"))
					compared++
				}
			}
			if compared < len(steps)-2 {
				t.Errorf("the cache kept its entries after %d steps of %d", compared, len(steps))
			}
		})
	}
}

// TestCacheDamaged indexes a site with a cache whose index or records are
// missing, cut short, garbled or kept under other settings: the index must
// be a fresh one, and the cache whole again for the next build.
func TestCacheDamaged(t *testing.T) {
	// Several blocks of positions; and a tail of the newest documents, or
	// none.
	defer func(n int32, tail, target int) { blockDocs, tailDocs, shardTarget = n, tail, target }(blockDocs, tailDocs, shardTarget)
	// Many shards: an edit changes some, and reads the last build's of
	// those only.
	blockDocs, shardTarget = 2, 512
	for _, tail := range []int{1 << 20, 4} {
		tailDocs = tail
		t.Run(fmt.Sprint("tail of ", tail), testCacheDamaged)
	}
}

func testCacheDamaged(t *testing.T) {
	s := testSite(t)
	want := written(t, s)
	docs := len(documents(s))
	good := t.TempDir()
	writtenWith(t, s, OpenCache(good, "settings"))
	index, err := os.ReadFile(filepath.Join(good, indexName))
	if err != nil {
		t.Fatal(err)
	}
	garble := func(data []byte, at int) []byte {
		d := bytes.Clone(data)
		d[at] ^= 0x5a
		return d
	}
	// Half the records, not only the one the site no longer has.
	garbleFrom := func(data []byte, from int) []byte {
		d := bytes.Clone(data)
		for i := from; i < len(d); i++ {
			d[i] ^= 0x5a
		}
		return d
	}
	// A shard file's sum, where the index keeps it.
	sumAt := -1
	for name, data := range want {
		if strings.HasPrefix(name, Dir+"/p/") {
			sumAt = bytes.Index(index, binary.LittleEndian.AppendUint64(nil, digestsum.Bytes(data)))
		}
	}
	if sumAt < 0 {
		t.Fatal("the index keeps no shard file's sum")
	}
	records, _ := filepath.Glob(filepath.Join(good, recordsName, "data-*"))
	if len(records) != 1 {
		t.Fatalf("%d data files of records", len(records))
	}
	data, err := os.ReadFile(records[0])
	if err != nil {
		t.Fatal(err)
	}
	head := len(cacheMagic) + 16
	// shards damages the data file of the shards' values with edit (nil:
	// the shards' index goes).
	shards := func(edit func([]byte) []byte) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if edit == nil {
				if err := os.Remove(filepath.Join(dir, shardsName, "index")); err != nil {
					t.Fatal(err)
				}
				return
			}
			names, _ := filepath.Glob(filepath.Join(dir, shardsName, "data-*"))
			if len(names) != 1 {
				t.Fatalf("%d data files of shards", len(names))
			}
			data, err := os.ReadFile(names[0])
			if err == nil {
				err = os.WriteFile(names[0], edit(data), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// How a case changes the site before it builds.
	const (
		unchanged  = iota
		renumbered // the oldest document gone: every record is read
		bodyEdited // a body edited: the main index is patched
	)
	edit := func(s *site.Site, i int, body string) {
		s.Articles[i] = edited(s.Articles[i], func(a *site.Article, _ *content.Article) { a.HTML = spool.Mem(body) })
	}
	cases := []struct {
		name          string
		index, data   []byte // nil: no file
		settings      string
		edit          int // how the site changes first: see the consts
		analysed, max int // documents analysed, at least and at most
		parts         func(t *testing.T, dir string)
	}{
		{"no index", nil, data, "settings", unchanged, docs, docs, nil},
		{"empty index", []byte{}, data, "settings", unchanged, docs, docs, nil},
		{"index cut in the header", index[:10], data, "settings", unchanged, docs, docs, nil},
		{"index cut in the vocabulary", index[:head+20], data, "settings", unchanged, docs, docs, nil},
		{"index cut in the entries", index[:len(index)-30], data, "settings", unchanged, 0, docs, nil},
		{"garbled settings", garble(index, len(cacheMagic)+1), data, "settings", unchanged, docs, docs, nil},
		{"garbled vocabulary's name", garble(index, len(cacheMagic)+9), data, "settings", unchanged, docs, docs, nil},
		{"garbled vocabulary", garble(index, head+5), data, "settings", unchanged, docs, docs, nil},
		{"garbled entries", garble(index, len(index)-10), data, "settings", unchanged, 0, docs, nil},
		{"garbled shard sum", garble(index, sumAt+3), data, "settings", unchanged, docs, docs, nil},
		{"no records", index, nil, "settings", unchanged, docs, docs, nil},
		{"records cut", index, data[:len(data)/2], "settings", renumbered, 1, docs, nil},
		{"records garbled", index, garbleFrom(data, len(data)/2), "settings", renumbered, 1, docs, nil},
		{"foreign", index, data, "other settings", unchanged, docs, docs, nil},
		{"whole", index, data, "settings", unchanged, 0, 0, nil},
		// A body edited: the shards it changed are read, found wanting,
		// and the entries made again from the records.
		{"the shards' index missing", index, data, "settings", bodyEdited, 1, 1, shards(nil)},
		{"the shards cut", index, data, "settings", bodyEdited, 1, 1, shards(func(d []byte) []byte { return d[:len(d)/2] })},
		{"the shards garbled", index, data, "settings", bodyEdited, 1, 1, shards(func(d []byte) []byte { return garbleFrom(d, 0) })},
		{"half the shards garbled", index, data, "settings", bodyEdited, 1, 1, shards(func(d []byte) []byte { return garbleFrom(d, len(d)/2) })},
		{"no shards", index, data, "settings", bodyEdited, 1, 1, func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, shardsName)); err != nil {
				t.Fatal(err)
			}
		}},
		{"an older cache's part left", index, data, "settings", unchanged, 0, 0, func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "p9-0123456789abcdef"), []byte("left"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				name string
				data []byte
			}{{filepath.Join(dir, indexName), tc.index}, {filepath.Join(dir, recordsName, filepath.Base(records[0])), tc.data}} {
				if err := os.Remove(f.name); err != nil {
					t.Fatal(err)
				}
				if f.data != nil {
					if err := os.WriteFile(f.name, f.data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if tc.parts != nil {
				tc.parts(t, dir)
			}
			s, want := testSite(t), want
			switch tc.edit {
			case renumbered:
				s.Articles = s.Articles[:len(s.Articles)-1]
				want = written(t, s)
			case bodyEdited:
				edit(s, 4, "<p>Corrected: the talks resume on Friday.</p>\n")
				want = written(t, s)
			}
			c := OpenCache(dir, tc.settings)
			sameFiles(t, "damaged", writtenWith(t, s, c), want)
			if st := c.Stats(); st.Misses < tc.analysed || st.Misses > tc.max {
				t.Errorf("%d documents analysed; want %d to %d", st.Misses, tc.analysed, tc.max)
			}
			c = OpenCache(dir, tc.settings)
			if !c.indexed {
				t.Errorf("the next build does not find the entries whole")
			}
			sameFiles(t, "again", writtenWith(t, s, c), want)
			if st := c.Stats(); st.Misses != 0 {
				t.Errorf("the next build analysed %d documents; want 0", st.Misses)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "p9-*")); len(left) > 0 {
				t.Errorf("%s left in the cache", left)
			}
			// The cache is whole again: an edit patches the main index.
			edit(s, 5, "<p>The talks resume on Monday, and the wage rises.</p>\n")
			c = OpenCache(dir, tc.settings)
			sameFiles(t, "edited after", writtenWith(t, s, c), written(t, s))
			if st := c.Stats(); st.Misses != 1 || c.made != madePatched {
				t.Errorf("an edit after: %d documents analysed, the main index made %d ways; want 1, %d", st.Misses, c.made, madePatched)
			}
		})
	}
}

// TestTable reads back the table appendTable writes: terms of the
// vocabulary, filters with their sums, and sizes larger than the table,
// as the positions of a common term are.
func TestTable(t *testing.T) {
	terms := []string{"budget", "the", "zeppelin"}
	ids := func(term string) (int32, bool) {
		i := slices.Index(terms, term)
		return int32(i), i >= 0
	}
	want := []sized{{"#china", 12}, {"@wire", 30}, {"budget", 1 << 20}, {"the", 7}, {"zeppelin", 1 << 24}}
	sums := map[string]uint64{"#china": 1, "@wire": 1 << 60}
	data := appendTable(nil, want, ids, sums)
	r := reader{data: data}
	got := map[string]uint64{}
	if es := r.table(terms, got); !r.ok() || r.at != len(data) || !slices.Equal(es, want) {
		t.Errorf("table read back as %v (whole: %v); want %v", es, r.ok() && r.at == len(data), want)
	}
	if !maps.Equal(got, sums) {
		t.Errorf("filters' sums read back as %v; want %v", got, sums)
	}
}

// TestSplitKeepsOtherShards edits an old body so that a shard early in
// the order of keys splits in two, which moves every later shard's place
// in meta.json's lists. The files a host must take anew (a name it did
// not have, or other bytes under a name it had) are to be only the
// shards whose bytes are new, besides meta.json and the edited
// document's chunks; the others keep their files, and the patch reads
// none of them.
func TestSplitKeepsOtherShards(t *testing.T) {
	defer func(n int32, target int) { blockDocs, shardTarget = n, target }(blockDocs, shardTarget)
	blockDocs, shardTarget = 2, 512
	s := testSite(t)
	dir := t.TempDir()
	before := writtenWith(t, s, OpenCache(dir, "settings"))
	old := len(s.Articles) - 1 // the oldest: document 0
	// New words that start as some of the site's do, more than a shard
	// holds: the shard of their prefix splits.
	var words []string
	for i := range 60 {
		words = append(words, fmt.Sprintf("chapter%d", i))
	}
	s.Articles[old] = edited(s.Articles[old], func(a *site.Article, _ *content.Article) {
		body, err := a.Body()
		if err != nil {
			t.Fatal(err)
		}
		a.HTML = spool.Mem(string(body) + "<p>" + strings.Join(words, " ") + "</p>\n")
	})
	c := OpenCache(dir, "settings")
	after := writtenWith(t, s, c)
	sameFiles(t, "split", after, written(t, s))
	if c.made != madePatched {
		t.Errorf("the main index was not patched")
	}

	var mb, ma meta
	for _, m := range []struct {
		files map[string][]byte
		meta  *meta
	}{{before, &mb}, {after, &ma}} {
		if err := json.Unmarshal(m.files[Dir+"/meta.json"], m.meta); err != nil {
			t.Fatal(err)
		}
	}
	// The split moved the later shards: a key of the last build's is at
	// another place now.
	moved := false
	for i, k := range mb.Keys {
		if j := slices.Index(ma.Keys, k); j >= 0 && j != i {
			moved = true
		}
	}
	if !moved || len(ma.Keys) <= len(mb.Keys) {
		t.Fatalf("the edit split no shard before others: keys %q, then %q", mb.Keys, ma.Keys)
	}

	// The bytes of every shard the last build wrote.
	had := map[string]bool{}
	for name, data := range before {
		if strings.HasPrefix(name, Dir+"/t/") || strings.HasPrefix(name, Dir+"/p/") {
			had[string(data)] = true
		}
	}
	taken, shards, fresh := 0, 0, 0
	for name, data := range after {
		isShard := strings.HasPrefix(name, Dir+"/t/") || strings.HasPrefix(name, Dir+"/p/")
		if isShard {
			shards++
			if !had[string(data)] {
				fresh++
			}
		}
		if b, ok := before[name]; ok && bytes.Equal(b, data) {
			continue
		}
		taken++
		if isShard && had[string(data)] {
			t.Errorf("%s is taken anew, though the last build wrote its bytes", name)
		}
	}
	// meta.json, the edited document's body chunk and the new shards.
	if want := 2 + fresh; taken != want {
		t.Errorf("%d files taken anew of %d; want %d (%d new shards of %d)", taken, len(after), want, fresh, shards)
	}
	if fresh == 0 || fresh > shards/2 {
		t.Errorf("%d shards of %d have new bytes", fresh, shards)
	}
	if c.shardsRead > fresh {
		t.Errorf("%d of the last build's shards read to make %d new ones", c.shardsRead, fresh)
	}
	t.Logf("%d files taken anew, %d of %d shards new, %d of the last build's shards read", taken, fresh, shards, c.shardsRead)
}
