package render

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/site"
)

// A rebuild after one article was added shifts every home page by one
// article and makes each show cards no earlier page of that build
// rendered. So what cached renders with the built-in templates of onDisk
// is kept in a Store between builds, under a key that covers everything
// the HTML depends on:
//
//   - the value, hashed by Signer.part as a page's signature hashes it
//     (an article by articleSum: its file, URL, tags, source and edition),
//     with the configuration and translations every page's signature has;
//   - the template's name and the files of the templates it runs;
//   - the code, which is the Store's to cover (digest keeps one per
//     executable).
//
// The key covers only what the built-in templates read of the value, which
// TestPartsCoverTemplates holds them to; a template of the site's own may
// read anything, so what it renders, or a built-in template that calls
// one of the site's, is rendered in every build, as without a Store.

// onDisk maps each built-in template that cached may keep in a Store to
// the shape, in signed, of the value it takes: what Signer.part hashes.
var onDisk = map[string]string{
	"card":            "article",
	"related-item":    "article",
	"edition-open":    "edition",
	"edition-heading": "edition",
	"feed-alternates": "feeds",
	"feed-list":       "feeds",
	// The archive and the tag index are made again by every build that
	// adds an article; these keep the years and tags it left as they were.
	"archive-year":   "year",
	"tag-index-item": "list",
}

// Store keeps values from one build to the next; a diskcache.Cache is
// one.
type Store interface {
	Get(k diskcache.Key) ([]byte, bool)
	Put(k diskcache.Key, value []byte)
	Keep(k diskcache.Key) bool
}

var _ Store = (*diskcache.Cache)(nil)

// disk is where cached finds what earlier builds rendered.
type disk struct {
	store  Store
	signer *Signer
	// taken holds the keys of the values taken from store. Two workers
	// may render one card at once, each missing cached's memory; a set,
	// not a count, keeps the figure the same however they are scheduled.
	taken sync.Map
	hits  atomic.Int64 // len(taken)
}

// StoreCached makes cached take what it renders with the templates of
// onDisk from store when an earlier build kept it there, and keep there
// what it renders, under keys made with g.
func (t *Templates) StoreCached(store Store, g *Signer) {
	t.disk = &disk{store: store, signer: g}
}

// FromStore counts the values cached took from its store, each once.
func (t *Templates) FromStore() int {
	if t.disk == nil {
		return 0
	}
	return int(t.disk.hits.Load())
}

// KeepCached keeps in the store, for a later build, the values of every
// article, day, year and tag of s that the last build kept, rendered by this build or
// not: a rebuild renders only the pages that changed, and a store drops
// the values no build asked for.
func (t *Templates) KeepCached(s *site.Site) {
	if t.disk == nil {
		return
	}
	for name, shape := range onDisk {
		keep := func(value any) {
			if k, ok := t.diskKey(name, value); ok {
				t.disk.store.Keep(k)
			}
		}
		switch shape {
		case "article":
			for _, a := range s.Articles {
				keep(a)
			}
		case "edition":
			for _, e := range s.Editions {
				keep(e)
			}
		case "year":
			for _, y := range s.Years {
				keep(y)
			}
		case "list":
			for _, tag := range s.Tags {
				keep(tag)
			}
		}
	}
}

// render executes the template name with value, or takes what it renders
// from the store. The HTML has no spare capacity, since cached keeps it:
// a large site's cards are a good part of its memory.
func (t *Templates) render(name string, value any) (string, error) {
	key, stored := t.diskKey(name, value)
	if !stored {
		var b strings.Builder
		if err := t.partials.ExecuteTemplate(&b, name, value); err != nil {
			return "", t.templateError(err)
		}
		return strings.Clone(b.String()), nil
	}
	if data, ok := t.disk.store.Get(key); ok {
		if _, again := t.disk.taken.LoadOrStore(key, struct{}{}); !again {
			t.disk.hits.Add(1)
		}
		return string(data), nil
	}
	var b bytes.Buffer
	if err := t.partials.ExecuteTemplate(&b, name, value); err != nil {
		return "", t.templateError(err)
	}
	t.disk.store.Put(key, b.Bytes())
	return b.String(), nil
}

// diskKey is the key of what the template name renders with value in the
// store, or false when it is not to be kept there.
func (t *Templates) diskKey(name string, value any) (diskcache.Key, bool) {
	if t.disk == nil {
		return diskcache.Key{}, false
	}
	tag, ok := t.parts[name]
	if !ok {
		return diskcache.Key{}, false
	}
	sum, ok := t.disk.signer.part(onDisk[name], value)
	return diskcache.Key{Sum: sum, Tag: tag}, ok
}

// partSums hashes, for each template of onDisk that runs only templates
// of the built-in theme, its name and the files of those templates.
func (t *Templates) partSums() map[string]uint64 {
	out := map[string]uint64{}
	for name := range onDisk {
		files := map[string]string{}
		if !t.allBuiltin(t.partials, name) || !closure(t.partials, name, files) {
			continue
		}
		h := newHash()
		str(h, name)
		for _, called := range slices.Sorted(maps.Keys(files)) {
			str(h, called, files[called])
			num(h, t.files[files[called]])
		}
		out[name] = h.Sum64()
	}
	return out
}
