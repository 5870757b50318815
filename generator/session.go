package generator

import (
	"bytes"
	"iter"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/search"
	"github.com/digest/digest/generator/site"
)

// Session builds one site again and again, as the dev server does. Each
// build reuses what the last one learned: files not marked changed are not
// parsed again, a body already rendered is not rendered again, and an
// output whose signature did not change keeps the bytes it was made with.
// The result equals a fresh Build of the same files, byte for byte.
type Session struct {
	opts Options
	kept kept
	now  func() time.Time // the clock, for future articles
}

// kept is what a Session carries from build to build.
type kept struct {
	mu     sync.Mutex
	loc    *time.Location // the content cache's timezone
	unsafe bool           // the body cache's unsafe_html
	path   string         // and the site path its links were given
	cache  *content.Cache
	site   *site.Site // the last good build's model
	bodyMu sync.RWMutex
	bodies map[uint64]site.Body // by hash of the file
}

// NewSession starts a session. opts.Now is ignored: each build reads the
// clock, so an article whose time has come appears.
func NewSession(opts Options) *Session {
	return &Session{opts: opts, now: time.Now}
}

// Changed marks files (slash paths from the site folder) as changed since
// the last build.
func (s *Session) Changed(files ...string) {
	s.kept.mu.Lock()
	defer s.kept.mu.Unlock()
	if s.kept.cache != nil {
		s.kept.cache.Forget(files...)
	}
}

// content is the content cache for cfg's timezone; a new timezone reads
// every file again, since dates depend on it.
func (k *kept) content(cfg *config.Config) *content.Cache {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cache == nil || k.loc.String() != cfg.Location.String() {
		k.cache, k.loc = &content.Cache{}, cfg.Location
	}
	if k.bodies == nil || k.unsafe != cfg.UnsafeHTML || k.path != cfg.Path {
		k.bodyMu.Lock()
		k.bodies, k.unsafe, k.path = map[uint64]site.Body{}, cfg.UnsafeHTML, cfg.Path
		k.bodyMu.Unlock()
	}
	return k.cache
}

// body wraps render with the body cache.
func (k *kept) body(render func([]byte, uint64) site.Body) func([]byte, uint64) site.Body {
	return func(src []byte, sum uint64) site.Body {
		k.bodyMu.RLock()
		b, ok := k.bodies[sum]
		k.bodyMu.RUnlock()
		if !ok {
			b = render(src, sum)
			k.bodyMu.Lock()
			k.bodies[sum] = b
			k.bodyMu.Unlock()
		}
		return b
	}
}

// prune drops the bodies of files that are gone or changed.
func (k *kept) prune(s *site.Site) {
	keep := make(map[uint64]bool, len(s.Articles)+len(s.Pages))
	for _, a := range s.Articles {
		keep[a.Sum] = true
	}
	for _, p := range s.Pages {
		keep[p.Sum] = true
	}
	k.bodyMu.Lock()
	defer k.bodyMu.Unlock()
	for sum := range k.bodies {
		if !keep[sum] {
			delete(k.bodies, sum)
		}
	}
}

// Build builds the site as it is now. prev, the last good snapshot or nil,
// lends the bytes of outputs whose signature did not change. Nothing is
// made yet: a file is made when the snapshot is asked for it.
func (s *Session) Build(prev *Snapshot) (*Snapshot, *Stats, error) {
	opts := s.opts
	opts.Now = s.now()
	b := &builder{opts: opts, stats: &Stats{}, keep: &s.kept}
	for _, step := range []func() error{b.checkInputs, b.load, b.model, b.checkClashes} {
		if err := step(); err != nil {
			return nil, b.stats, err
		}
	}
	s.kept.prune(b.site)
	s.kept.mu.Lock()
	s.kept.site = b.site
	s.kept.mu.Unlock()
	snap := &Snapshot{files: map[string]*File{}, lazy: b.searchIndex, path: b.cfg.Path}
	var files []*File
	for _, group := range []iter.Seq[output]{b.pages(), b.feeds(), b.sitemap(), b.static()} {
		for o := range group {
			files = append(files, &File{output: o})
		}
	}
	// Signing touches every page, so it runs on every core. Pages made
	// with a site's own templates sign as 0 (see render.Signer) and are
	// made again after every build.
	parallel(len(files), func(i int) {
		if f := files[i]; f.sign != nil {
			f.sig = f.sign()
		}
	})
	for _, f := range files {
		if old := prev.file(f.path); f.sig != 0 && old != nil && old.sig == f.sig && old.made.Load() {
			f.data, f.err = old.data, old.err
			f.once.Do(func() {})
			f.made.Store(true)
		}
		snap.files[f.path] = f
	}
	b.stats.Files = len(snap.files)
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

// parallel calls f(0) … f(n-1) on every core.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		})
	}
	wg.Wait()
}
