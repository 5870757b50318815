package site

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
)

func TestRelated(t *testing.T) {
	type item struct {
		title string
		day   int
		tags  []string
	}
	tests := []struct {
		name   string
		items  []item
		window int               // 0: relatedWindow
		want   map[string]string // title → related titles, best first
	}{
		{
			name: "rarer shared tag ranks first",
			items: []item{
				{"A", 10, []string{"Common", "Rare"}},
				{"B", 1, []string{"Rare"}},
				{"C", 9, []string{"Common"}},
				{"D", 8, []string{"Common"}},
				{"E", 7, []string{"Common"}},
			},
			want: map[string]string{"A": "B C D E", "B": "A", "E": "D C A"},
		},
		{
			name: "two shared tags beat one nearer",
			items: []item{
				{"A", 10, []string{"x", "y"}},
				{"B", 1, []string{"x", "y"}},
				{"C", 9, []string{"x"}},
				{"D", 8, []string{"y"}},
			},
			want: map[string]string{"A": "B C D", "C": "A B", "D": "A B"},
		},
		{
			name: "nearer date breaks ties, then URL",
			items: []item{
				{"A", 10, []string{"t"}},
				{"B", 12, []string{"t"}},
				{"C", 8, []string{"t"}},
				{"D", 11, []string{"t"}},
			},
			want: map[string]string{"A": "D C B", "B": "D A C"},
		},
		{
			name: "at most five; nothing without a shared tag",
			items: []item{
				{"A", 10, []string{"t"}},
				{"B", 11, []string{"t"}},
				{"C", 12, []string{"t"}},
				{"D", 13, []string{"t"}},
				{"E", 14, []string{"t"}},
				{"F", 15, []string{"t"}},
				{"G", 16, []string{"t"}},
				{"H", 10, nil},
				{"I", 10, []string{"other"}},
			},
			want: map[string]string{"A": "B C D E F", "D": "C E B F A", "H": "", "I": ""},
		},
		{
			name:   "a big tag is read only near the article",
			window: 1,
			items: []item{
				{"A1", 1, []string{"big"}}, {"A2", 2, []string{"big"}}, {"A3", 3, []string{"big"}},
				{"A4", 4, []string{"big"}}, {"A5", 5, []string{"big", "rare"}}, {"A6", 6, []string{"big"}},
				{"A7", 7, []string{"big"}}, {"A8", 8, []string{"big"}}, {"A9", 9, []string{"big", "rare"}},
			},
			// A9 is outside A5's window of the big tag but shares the rare one.
			want: map[string]string{"A5": "A9 A4 A6", "A9": "A5 A8", "A1": "A2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var articles []*content.Article
			for _, it := range tt.items {
				articles = append(articles, art(strings.ToLower(it.title)+".md", it.title, day(it.day, 0), it.tags...))
			}
			s, err := newSite(t, "", articles...)
			if err != nil {
				t.Fatal(err)
			}
			if tt.window > 0 {
				buildRelated(s.Articles, s.Tags, tt.window)
			}
			for _, a := range s.Articles {
				want, ok := tt.want[a.Title]
				if !ok {
					continue
				}
				var got []string
				for _, r := range a.Related {
					got = append(got, r.Title)
				}
				if g := strings.Join(got, " "); g != want {
					t.Errorf("Related(%s) = %q; want %q", a.Title, g, want)
				}
			}
		})
	}
}

// TestRelatedDeterministic builds the same generated site from articles in
// two different file orders and wants the same related articles.
func TestRelatedDeterministic(t *testing.T) {
	a := generateArticles(2000, 1)
	b := generateArticles(2000, 1)
	rand.New(rand.NewPCG(2, 2)).Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	sa, sb := generatedSite(t, a), generatedSite(t, b)
	for i, x := range sa.Articles {
		y := sb.Articles[i]
		if fmt.Sprint(urls(x.Related)) != fmt.Sprint(urls(y.Related)) {
			t.Fatalf("Related(%s) = %v, then %v", x.URL, urls(x.Related), urls(y.Related))
		}
	}
}

func urls(articles []*Article) []string {
	var u []string
	for _, a := range articles {
		u = append(u, a.URL)
	}
	return u
}

// generateArticles makes n articles shaped like generator's benchmark
// corpus: 2-8 Zipf-distributed tags out of max(20, n/10), five years of
// dates.
func generateArticles(n int, seed uint64) []*content.Article {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	nTags := max(20, n/10)
	zipf := rand.NewZipf(r, 1.1, 1, uint64(nTags-1))
	start := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	articles := make([]*content.Article, n)
	for i := range articles {
		a := &content.Article{
			File:  fmt.Sprintf("content/story-%d.md", i),
			Title: fmt.Sprintf("Story %d", i),
			Slug:  fmt.Sprintf("story-%d", i),
			Date:  start.Add(time.Duration(r.IntN(5*365*24*60)) * time.Minute),
		}
		for range 2 + r.IntN(7) {
			a.Tags = append(a.Tags, fmt.Sprintf("Tag %d", zipf.Uint64()))
		}
		articles[i] = a
	}
	return articles
}

func generatedSite(tb testing.TB, articles []*content.Article) *Site {
	tb.Helper()
	cfg, err := config.Parse(nil)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := New(cfg, &content.Content{Articles: articles}, Options{Now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		renderer(func(string) Body { return Body{} }))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// BenchmarkRelated100k finds the related articles of every article of a
// generated 100,000-article site. Its time per article should stay about
// the same as the site grows.
func BenchmarkRelated100k(b *testing.B) {
	if testing.Short() {
		b.Skip("a 100,000-article model: skipped with -short")
	}
	s := generatedSite(b, generateArticles(100_000, 1))
	b.ResetTimer()
	for b.Loop() {
		buildRelated(s.Articles, s.Tags, relatedWindow)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Articles)), "ns/article")
}

// relatedArticles are 30 articles, each with two of 11 tags.
func relatedArticles() []*content.Article {
	var arts []*content.Article
	for i := range 30 {
		arts = append(arts, &content.Article{
			File: fmt.Sprintf("a%02d.md", i), Title: fmt.Sprintf("Story %d", i), Slug: fmt.Sprintf("story-%d", i),
			Date: time.Date(2017, 5, 1+i%28, i, 0, 0, 0, time.UTC),
			Tags: []string{fmt.Sprintf("T%d", i%4), fmt.Sprintf("U%d", i%7)},
		})
	}
	return arts
}

func TestRelatedReusedFromPrevious(t *testing.T) {
	mk := relatedArticles
	cfg, err := config.Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	body := renderer(func(string) Body { return Body{} })
	opts := Options{Now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	first, err := New(cfg, &content.Content{Articles: mk()}, opts, body)
	if err != nil {
		t.Fatal(err)
	}
	opts.Previous = first
	second, err := New(cfg, &content.Content{Articles: mk()}, opts, body)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range second.Articles {
		var got, want []string
		for _, r := range a.Related {
			got = append(got, r.URL)
			if !slices.Contains(second.Articles, r) {
				t.Fatalf("%s: a related article is from the previous site", a.URL)
			}
		}
		for _, r := range first.Articles[i].Related {
			want = append(want, r.URL)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: related %v; want %v", a.URL, got, want)
		}
	}
}

// mapStore is a Store in memory, which counts what it was asked for.
type mapStore struct {
	values     map[uint64][]byte
	gets, hits int
}

func (m *mapStore) Get(key uint64) ([]byte, bool) {
	m.gets++
	v, ok := m.values[key]
	if ok {
		m.hits++
	}
	return v, ok
}

func (m *mapStore) Put(key uint64, value []byte) { m.values[key] = value }

// relatedURLs lists each article's related stories by URL.
func relatedURLs(s *Site) []string {
	var out []string
	for _, a := range s.Articles {
		var urls []string
		for _, r := range a.Related {
			urls = append(urls, r.URL)
		}
		out = append(out, a.URL+": "+strings.Join(urls, " "))
	}
	return out
}

// TestRelatedStore checks that related stories kept in a Store are taken
// from it when the articles, dates and tags are the same, and worked out
// again, as a fresh model has them, when they changed or the stored value
// is not what was kept.
func TestRelatedStore(t *testing.T) {
	cfg, err := config.Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	body := renderer(func(string) Body { return Body{} })
	build := func(store Store, arts []*content.Article) *Site {
		t.Helper()
		s, err := New(cfg, &content.Content{Articles: arts}, Options{Now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Store: store}, body)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	retagged := func() []*content.Article {
		arts := relatedArticles()
		arts[3].Tags = []string{"T1", "U2"}
		return arts
	}
	store := &mapStore{values: map[uint64][]byte{}}
	fresh := build(nil, relatedArticles())
	same := func(s, fresh *Site) bool { return slices.Equal(relatedURLs(s), relatedURLs(fresh)) }
	if s := build(store, relatedArticles()); !same(s, fresh) || store.hits != 0 || len(store.values) != 1 {
		t.Fatalf("first build with a store: %d hits, %d values kept, same related as a fresh build: %t; want 0, 1, true", store.hits, len(store.values), same(s, fresh))
	}
	if s := build(store, relatedArticles()); !same(s, fresh) || store.hits != 1 {
		t.Errorf("same articles: %d hits, same related as a fresh build: %t; want 1, true", store.hits, same(s, fresh))
	}
	if s := build(store, retagged()); !same(s, build(nil, retagged())) || store.hits != 1 {
		t.Errorf("an article retagged: %d hits, same related as a fresh build: %t; want 1, true", store.hits, same(s, build(nil, retagged())))
	}
	// A stored value that is not an encoding of related stories for
	// these articles is worked out again, and replaced.
	key := fresh.relatedKey
	kept := store.values[key]
	for name, data := range map[string][]byte{
		"empty":               {},
		"cut short":           kept[:len(kept)-1],
		"longer":              append(slices.Clip(kept), 0),
		"too many":            append([]byte{MaxRelated + 1}, kept[1:]...),
		"an article's own":    append([]byte{1, 0}, kept[1+int(kept[0]):]...),
		"past the last":       append([]byte{1, 30}, kept[1+int(kept[0]):]...),
		"varint past 64 bits": append(slices.Repeat([]byte{0xff}, 10), 1),
	} {
		store.values[key] = data
		if s := build(store, relatedArticles()); !same(s, fresh) {
			t.Errorf("%s: related differ from a fresh build's", name)
		}
		if !slices.Equal(store.values[key], kept) {
			t.Errorf("%s: the stored value was not replaced", name)
		}
	}
}
