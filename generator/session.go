package generator

import (
	"bytes"
	"fmt"
	"io/fs"
	"iter"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/render"
	"github.com/digest/digest/generator/search"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
)

// Session builds one site again and again, as the dev server does. Each
// build reuses what the last one learned: files not marked changed are not
// parsed again, a body already rendered is not rendered again, and an
// output whose signature did not change keeps the bytes it was made with.
// The result equals a fresh Build of the same files, byte for byte.
type Session struct {
	opts   SessionOptions
	recall recall
}

// SessionOptions are what a Session builds from.
type SessionOptions struct {
	Input
	// Clock tells each build its time, which decides which articles are in
	// the future, so an article whose time has come appears; nil is
	// time.Now.
	Clock func() time.Time
}

// NewSession starts a session.
func NewSession(opts SessionOptions) *Session {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	return &Session{opts: opts}
}

// memory is what a build learns for the next one. A Session's builds
// share a recall; a single Build has nothing to keep, and forgets.
type memory interface {
	// load reads the content, the files of l when it is not nil.
	load(fsys fs.FS, cfg *config.Config, sp *spool.Spool, l *content.Listing) (*content.Content, error)
	// prepare sets up the model's options and wraps its body renderer.
	prepare(cfg *config.Config, opts *site.Options, render bodyRenderer) bodyRenderer
	// index returns the search index's cache, or nil.
	index(cfg *config.Config) *search.Cache
	// parts gives the templates a store for what cached renders, kept
	// by signatures that g makes, or none.
	parts(t *render.Templates, g *render.Signer)
	// remember is given the model of a build that succeeded.
	remember(s *site.Site)
}

// bodyRenderer renders an article's or page's Markdown, whose file hashes
// to sum.
type bodyRenderer = site.Renderer

// forget is the memory of a single Build. It keeps nothing in memory;
// given a cache folder, it keeps there what the content's files parsed
// to and their stamps, the rendered bodies, what the model worked out
// (site.Store), the search index's cache and the parts of pages the
// templates cache (the articles' cards, mostly), for the next Build of
// the same output.
type forget struct {
	dir    string           // the cache folder, or ""
	parsed *diskcache.Cache // opened by load, closed by close
	stamps *diskcache.Cache // likewise
	bodies *bodyCache       // opened by prepare, closed by close
	search *search.Cache    // opened by index, saved by search.Write
	cards  *diskcache.Cache // opened by parts, closed by close
	model  *diskcache.Cache // opened by prepare, closed by close
}

// load reads the content, through the caches of parsed files and their
// stamps when there are some.
func (f *forget) load(fsys fs.FS, cfg *config.Config, sp *spool.Spool, l *content.Listing) (*content.Content, error) {
	exe := executable()
	if f.dir == "" || exe == "" {
		return content.Load(fsys, cfg.Location, sp)
	}
	if l == nil {
		var err error
		if l, err = content.Scan(fsys, fsClock(f.dir)); err != nil {
			return nil, err
		}
	}
	// Everything a parse depends on, besides the file: the timezone
	// dates are read in, and the code, with the executable. The zone's
	// name stands for its rules, which come with the system or the
	// executable.
	settings := fmt.Sprintf("%s location=%q", exe, cfg.Location.String())
	f.parsed = diskcache.Open(filepath.Join(f.dir, "content"), settings)
	f.stamps = diskcache.Open(filepath.Join(f.dir, "stamps"), settings)
	// Every file asks for its entries, a few hundred bytes each.
	f.parsed.Preload()
	f.stamps.Preload()
	return content.LoadCached(fsys, cfg.Location, sp, l, content.DiskCache{Parsed: f.parsed, Stamps: f.stamps})
}

// prepare lets the model consume the content, since no other build reads
// it, and wraps render with the body cache when there is one.
func (f *forget) prepare(cfg *config.Config, opts *site.Options, render bodyRenderer) bodyRenderer {
	opts.Consume = true
	exe := executable()
	if f.dir == "" || exe == "" {
		return render // an unknown executable might render differently
	}
	f.bodies = openBodyCache(f.dir, bodySettings(exe, cfg))
	// What the model keeps is found by a key of everything it was worked
	// out from in the content; the executable stands for how.
	f.model = diskcache.Open(filepath.Join(f.dir, "model"), exe)
	opts.Store = modelStore{f.model}
	return f.bodies.wrap(render)
}

// modelStore is the site.Store of a build's cache.
type modelStore struct{ c *diskcache.Cache }

func (m modelStore) Get(key uint64) ([]byte, bool) { return m.c.Get(diskcache.Key{Sum: key}) }
func (m modelStore) Put(key uint64, value []byte)  { m.c.Put(diskcache.Key{Sum: key}, value) }

// bodySettings is everything a body's HTML depends on, besides its
// Markdown: markdown.New's arguments, and the code, with the executable.
func bodySettings(exe string, cfg *config.Config) string {
	return fmt.Sprintf("%s unsafe_html=%t path=%q", exe, cfg.UnsafeHTML, cfg.Path)
}

// index opens the search index's cache beside the bodies. The index's
// documents are found there by the hashes of their bodies' files, so the
// cache has the body cache's settings.
func (f *forget) index(cfg *config.Config) *search.Cache {
	exe := executable()
	if f.dir == "" || exe == "" {
		return nil
	}
	f.search = search.OpenCache(filepath.Join(f.dir, "search"), bodySettings(exe, cfg))
	return f.search
}

// parts opens the cache of what the templates cache beside the bodies.
// Its keys cover the values, the templates and the configuration
// (render.Templates.StoreCached), so its settings are the executable's,
// which the built-in theme and the templates' functions come with.
func (f *forget) parts(t *render.Templates, g *render.Signer) {
	exe := executable()
	if f.dir == "" || exe == "" {
		return
	}
	f.cards = diskcache.Open(filepath.Join(f.dir, "parts"), exe)
	t.StoreCached(f.cards, g)
}

func (*forget) remember(*site.Site) {}

// close keeps the parsed files, the bodies and the parts of pages for the
// next build, and counts in st how many files were not parsed again,
// bodies not rendered again and search documents not analysed again.
// Losing the caches only costs time, so their errors do not fail the
// build.
func (f *forget) close(st *Stats) {
	st.Indexed = f.search.Stats().Hits
	if f.parsed != nil {
		st.CachedFiles = f.parsed.Stats().Hits
		_ = f.parsed.Close()
		_ = f.stamps.Close()
	}
	if f.bodies != nil {
		st.Cached = f.bodies.close()
	}
	if f.cards != nil {
		_ = f.cards.Close()
	}
	if f.model != nil {
		_ = f.model.Close()
	}
}

// recall is what a Session carries from build to build.
type recall struct {
	mu     sync.Mutex
	loc    *time.Location // the content cache's timezone
	unsafe bool           // the body cache's unsafe_html
	path   string         // and the site path its links were given
	cache  *content.Cache
	site   *site.Site // the last good build's model
	bodyMu sync.RWMutex
	bodies map[uint64]site.Body // by hash of the file
}

// Changed marks files (slash paths from the site folder) as changed since
// the last build.
func (s *Session) Changed(files ...string) {
	s.recall.mu.Lock()
	defer s.recall.mu.Unlock()
	if s.recall.cache != nil {
		s.recall.cache.Forget(files...)
	}
}

// load reads the content through the content cache for cfg's timezone; a
// new timezone reads every file again, since dates depend on it. The
// session keeps the bodies in memory, so sp is nil.
func (r *recall) load(fsys fs.FS, cfg *config.Config, _ *spool.Spool, _ *content.Listing) (*content.Content, error) {
	r.mu.Lock()
	if r.cache == nil || r.loc.String() != cfg.Location.String() {
		r.cache, r.loc = &content.Cache{}, cfg.Location
	}
	cache := r.cache
	r.mu.Unlock()
	return cache.Load(fsys, cfg.Location)
}

// prepare passes the last model on, and wraps render with the body cache,
// which starts again when the Markdown settings change.
func (r *recall) prepare(cfg *config.Config, opts *site.Options, render bodyRenderer) bodyRenderer {
	r.mu.Lock()
	opts.Previous = r.site
	r.mu.Unlock()
	r.bodyMu.Lock()
	if r.bodies == nil || r.unsafe != cfg.UnsafeHTML || r.path != cfg.Path {
		r.bodies, r.unsafe, r.path = map[uint64]site.Body{}, cfg.UnsafeHTML, cfg.Path
	}
	r.bodyMu.Unlock()
	return func(md spool.Text, sum uint64) (site.Body, error) {
		r.bodyMu.RLock()
		b, ok := r.bodies[sum]
		r.bodyMu.RUnlock()
		if !ok {
			var err error
			if b, err = render(md, sum); err != nil {
				return b, err
			}
			r.bodyMu.Lock()
			r.bodies[sum] = b
			r.bodyMu.Unlock()
		}
		return b, nil
	}
}

// index is nil: a Session keeps its builds in memory, and makes the
// search index only when one of its files is asked for.
func (*recall) index(*config.Config) *search.Cache { return nil }

// parts gives the templates no store: a Session keeps them, and what
// they cached, for as long as its snapshot makes pages.
func (*recall) parts(*render.Templates, *render.Signer) {}

// remember keeps s for the next build and drops the bodies of files that
// are gone or changed.
func (r *recall) remember(s *site.Site) {
	r.mu.Lock()
	r.site = s
	r.mu.Unlock()
	live := make(map[uint64]bool, len(s.Articles)+len(s.Pages))
	for _, a := range s.Articles {
		live[a.Sum] = true
	}
	for _, p := range s.Pages {
		live[p.Sum] = true
	}
	r.bodyMu.Lock()
	defer r.bodyMu.Unlock()
	for sum := range r.bodies {
		if !live[sum] {
			delete(r.bodies, sum)
		}
	}
}

// Build builds the site as it is now. prev, the last good snapshot or nil,
// lends the bytes of outputs whose signature did not change. Nothing is
// made yet: a file is made when the snapshot is asked for it.
func (s *Session) Build(prev *Snapshot) (*Snapshot, *Stats, error) {
	snap := &Snapshot{files: map[string]*File{}}
	b := &builder{opts: Options{Input: s.opts.Input, Now: s.opts.Clock()}, mem: &s.recall, out: &snapshot{snap: snap, prev: prev}, stats: &Stats{}}
	if err := b.run(); err != nil {
		return nil, b.stats, err
	}
	snap.path = b.cfg.Path
	return snap, b.stats, nil
}

// Snapshot is one build of a session: every file of the site, each made
// when first asked for.
type Snapshot struct {
	mu    sync.Mutex
	path  string // the site's path; see Path
	files map[string]*File
	// lazy lists the search index, made as a whole on first use, since
	// its file names depend on its content.
	lazy func() iter.Seq[output]
}

// File is one file of a snapshot.
type File struct {
	output
	sig  uint64 // the output's signature; 0 when not trusted
	once sync.Once
	made atomic.Bool // data and err are set
	data []byte
	err  error
}

func makeOutput(o output) ([]byte, error) {
	var buf bytes.Buffer
	data, err := o.make(&buf)
	return bytes.Clone(data), err
}

// Bytes makes the file once and returns its bytes.
func (f *File) Bytes() ([]byte, error) {
	f.once.Do(func() {
		f.data, f.err = makeOutput(f.output)
		f.made.Store(true)
	})
	return f.data, f.err
}

func (s *Snapshot) file(name string) *File {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.files[name]
}

// Path is the path the site is served at, the path of its base URL: "/",
// or "/my-digest/" for a site published below its host's root. The names
// of its files are paths from there.
func (s *Snapshot) Path() string { return s.path }

// Get returns the file at name, a slash path from the site root, or nil.
func (s *Snapshot) Get(name string) *File {
	if f := s.file(name); f != nil || !strings.HasPrefix(name, search.Dir+"/") {
		return f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lazy != nil {
		for o := range s.lazy() {
			s.files[o.path] = &File{output: o}
		}
		s.lazy = nil
	}
	return s.files[name]
}

// Names lists every file of the snapshot, making the search index if it
// was not made yet.
func (s *Snapshot) Names() []string {
	s.Get(search.Dir + "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.files))
}
