package render

import (
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/feed"
	"github.com/digest/digest/generator/i18n"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/internal/testkit"
)

// shapeTypes are the Go types of the values of onDisk's shapes.
var shapeTypes = map[string]reflect.Type{
	"article": reflect.TypeFor[*site.Article](),
	"edition": reflect.TypeFor[*site.Edition](),
	"feeds":   reflect.TypeFor[*Feeds](),
	"year":    reflect.TypeFor[*site.Year](),
	"list":    reflect.TypeFor[*site.Tag](),
}

// TestPartsCoverTemplates walks each built-in template of onDisk with the
// value its shape declares and fails naming every field path it reads
// that Signer.part does not hash: a stale card in a rebuild otherwise. It
// also wants each of them kept, which the built-in theme allows.
func TestPartsCoverTemplates(t *testing.T) {
	tmpl := loadTheme(t, testkit.Theme())
	funcs := Funcs(testConfig(t))
	for _, name := range slices.Sorted(maps.Keys(onDisk)) {
		shape := onDisk[name]
		typ, ok := shapeTypes[shape]
		if !ok {
			t.Errorf("%s: shape %q has no type in shapeTypes", name, shape)
			continue
		}
		if _, ok := tmpl.parts[name]; !ok {
			t.Errorf("%s: not kept with the built-in theme", name)
		}
		w := &walker{set: tmpl.partials, funcs: funcs, visited: map[string]bool{}}
		w.report = func(path, why string) { t.Errorf("%s: %s (%s)", name, path, why) }
		w.call(name, value{typ: typ, path: "(" + shape + ")", shape: shape})
	}
}

// TestPartsKeptOnlyBuiltin checks which templates of onDisk a site's own
// layouts leave kept: none that runs a template of the site's.
func TestPartsKeptOnlyBuiltin(t *testing.T) {
	tests := []struct {
		file string
		gone []string // the templates of onDisk not kept
	}{
		{"partials/nav.html", nil},
		{"partials/card.html", []string{"card"}},
		{"partials/taglist.html", []string{"card"}},
		{"partials/edition-group.html", []string{"edition-heading", "edition-open"}},
		{"partials/feeds.html", []string{"feed-alternates", "feed-list"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := fs.ReadFile(testkit.Theme(), tt.file)
			if err != nil {
				t.Fatal(err)
			}
			own := fstest.MapFS{tt.file: {Data: src}}
			tmpl, err := Load(Overlay(own, testkit.Theme()), testConfig(t), func(name string) string {
				if _, ok := own[name]; ok {
					return name
				}
				return name + BuiltinSuffix
			})
			if err != nil {
				t.Fatal(err)
			}
			var gone []string
			for name := range onDisk {
				if _, ok := tmpl.parts[name]; !ok {
					gone = append(gone, name)
				}
			}
			slices.Sort(gone)
			if !slices.Equal(gone, tt.gone) {
				t.Errorf("with the site's own %s, %q not kept; want %q", tt.file, gone, tt.gone)
			}
		})
	}
}

// TestPartKeys checks that the keys of two templates, or of values that
// show differently, differ, and that a value not of its template's shape
// has none.
func TestPartKeys(t *testing.T) {
	tmpl := loadTheme(t, testkit.Theme())
	tags := map[uint64]string{}
	for name, tag := range tmpl.parts {
		if other, dup := tags[tag]; dup {
			t.Errorf("%s and %s are kept under the same tag", name, other)
		}
		tags[tag] = name
	}
	s, d := fullSite(t)
	tmpl.StoreCached(newMapStore(), NewSigner(s, tmpl))
	key := func(name string, v any) diskcache.Key {
		t.Helper()
		k, ok := tmpl.diskKey(name, v)
		if !ok {
			t.Fatalf("%s of %T: no key", name, v)
		}
		return k
	}
	a, e := d.Article, d.Edition
	if key("card", a) == key("card", d.NewerArticle) {
		t.Error("two articles' cards have one key")
	}
	if key("edition-open", e) == key("edition-heading", e) {
		t.Error("two templates of one file have one key for one day")
	}
	for _, wrong := range []struct {
		name  string
		value any
	}{{"card", e}, {"edition-open", a}, {"card", (*site.Article)(nil)}, {"feed-list", a}, {"card", "text"}, {"taglist", a}} {
		if _, ok := tmpl.diskKey(wrong.name, wrong.value); ok {
			t.Errorf("%s of %T: a key; want none", wrong.name, wrong.value)
		}
	}
	// Each field of a feed's link is in the key.
	link := feed.Link{Type: "RSS", Title: "All (RSS)", URL: "/feed.xml"}
	before := key("feed-list", &Feeds{Links: []feed.Link{link}})
	v := reflect.ValueOf(&link).Elem()
	for i := range v.NumField() {
		old := v.Field(i).String()
		v.Field(i).SetString(old + "x")
		if key("feed-list", &Feeds{Links: []feed.Link{link}}) == before {
			t.Errorf("changing a link's %s leaves the key as it was", v.Type().Field(i).Name)
		}
		v.Field(i).SetString(old)
	}
	// The translations are in every key.
	card := key("card", a)
	cfg := testConfig(t)
	var err error
	if cfg.Locale, err = i18n.Load("fr", []fs.FS{testkit.Theme()}, func(_ int, name string) string { return name }); err != nil {
		t.Fatal(err)
	}
	s.Config = cfg
	tmpl.StoreCached(newMapStore(), NewSigner(s, tmpl))
	if key("card", a) == card {
		t.Error("a site in another language has the same card key")
	}
}

// TestCachedStore checks that cached takes what an earlier build kept in
// its store rather than rendering it, keeps what it renders there, and
// leaves a template of the site's own out of it.
func TestCachedStore(t *testing.T) {
	s, d := fullSite(t)
	store := newMapStore()
	first := loadTheme(t, testkit.Theme())
	first.StoreCached(store, NewSigner(s, first))
	want, err := first.cached("card", d.Article)
	if err != nil {
		t.Fatal(err)
	}
	if first.FromStore() != 0 || len(store.values) != 1 {
		t.Fatalf("a first render took %d values from the store and left %d there; want 0 and 1", first.FromStore(), len(store.values))
	}
	// The next build's templates take the card from the store: changed
	// there, it shows so.
	next := loadTheme(t, testkit.Theme())
	next.StoreCached(store, NewSigner(s, next))
	k, _ := next.diskKey("card", d.Article)
	if got := string(store.values[k]); got != string(want) {
		t.Fatalf("stored %q; want %q", got, want)
	}
	store.values[k] = []byte("<p>from the store</p>")
	got, err := next.cached("card", d.Article)
	if err != nil {
		t.Fatal(err)
	}
	if got != "<p>from the store</p>" || next.FromStore() != 1 {
		t.Errorf("cached = %q, %d from the store; want the stored card, 1", got, next.FromStore())
	}
	// KeepCached keeps the card of every article and the days' parts.
	next.KeepCached(s)
	for _, a := range s.Articles {
		if k, _ := next.diskKey("card", a); !store.kept[k] {
			t.Errorf("card of %s not kept", a.URL)
		}
	}
	for _, e := range s.Editions {
		if k, _ := next.diskKey("edition-heading", e); !store.kept[k] {
			t.Errorf("heading of %s not kept", e.URL)
		}
	}
	// A site's own card is rendered, never stored.
	own := fstest.MapFS{"partials/card.html": {Data: []byte(`{{define "card"}}<p>{{.Title}} {{len .Related}}</p>{{end}}`)}}
	theirs, err := Load(Overlay(own, testkit.Theme()), testConfig(t), func(name string) string {
		if _, ok := own[name]; ok {
			return name
		}
		return name + BuiltinSuffix
	})
	if err != nil {
		t.Fatal(err)
	}
	store = newMapStore()
	theirs.StoreCached(store, NewSigner(s, theirs))
	if got, err := theirs.cached("card", d.Article); err != nil || got != "<p>A 2</p>" {
		t.Errorf("the site's card = %q, %v; want its own", got, err)
	}
	if len(store.values) != 0 || theirs.FromStore() != 0 {
		t.Errorf("the site's own card: %d values stored, %d taken; want none", len(store.values), theirs.FromStore())
	}
}

// TestFromStoreCountsOnce checks that a card two workers take from the
// store at once, both before cached's memory has it, counts once: the
// count must not depend on how the workers were scheduled.
func TestFromStoreCountsOnce(t *testing.T) {
	s, d := fullSite(t)
	store := newMapStore()
	first := loadTheme(t, testkit.Theme())
	first.StoreCached(store, NewSigner(s, first))
	if _, err := first.cached("card", d.Article); err != nil {
		t.Fatal(err)
	}
	next := loadTheme(t, testkit.Theme())
	both := &meetingStore{mapStore: store}
	both.meet.Add(2)
	next.StoreCached(both, NewSigner(s, next))
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := next.cached("card", d.Article); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := next.FromStore(); got != 1 {
		t.Errorf("one card taken by two workers at once counts %d; want 1", got)
	}
}

// meetingStore is a mapStore whose Get returns only once two callers are
// in it.
type meetingStore struct {
	*mapStore
	meet sync.WaitGroup
}

func (m *meetingStore) Get(k diskcache.Key) ([]byte, bool) {
	m.meet.Done()
	m.meet.Wait()
	return m.mapStore.Get(k)
}

// mapStore is a Store in memory.
type mapStore struct {
	mu     sync.Mutex
	values map[diskcache.Key][]byte
	kept   map[diskcache.Key]bool
}

func newMapStore() *mapStore {
	return &mapStore{values: map[diskcache.Key][]byte{}, kept: map[diskcache.Key]bool{}}
}

func (m *mapStore) Get(k diskcache.Key) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.values[k]
	return slices.Clone(v), ok
}

func (m *mapStore) Put(k diskcache.Key, value []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.values[k] = slices.Clone(value)
}

func (m *mapStore) Keep(k diskcache.Key) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kept[k] = true
	_, ok := m.values[k]
	return ok
}

func loadTheme(t *testing.T, fsys fs.FS) *Templates {
	t.Helper()
	tmpl, err := Load(fsys, testConfig(t), func(name string) string { return name + BuiltinSuffix })
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}
