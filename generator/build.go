// Package generator builds a digest: it reads a site folder (site.yaml,
// content/, layouts/) and writes every file of the static site to an
// output. Build is the pipeline, step by step; the stages live in the
// packages below this one:
//
//	config    site.yaml, and which kinds of output the site has
//	content   front matter and bodies → articles and pages
//	chars     the characters text may hold, cleaned where it enters
//	markdown  goldmark: bodies → HTML, summaries
//	slug      names → URL path segments
//	site      the model: order, tags, sources, editions, archives, URLs
//	render    html/template layouts → HTML pages; page signatures
//	feed      RSS, Atom, JSON Feed, sitemap, robots.txt
//	email     the email edition of each issue, fit for mail clients
//	search    the index /search/ queries in the browser
//	hosts     static hosts' limits, and the warning past them
//	publish   the output folder: atomic swap, build state, safety rules
//	spool     a scratch file for the bodies between the steps
//	diag      problems, each naming its file and line
//
// Around it, cli is the command line and serve the dev server, which
// builds through a Session. docs/architecture.md is the map.
//
// A build either writes everything or reports every problem it found, each
// naming its file and line.
package generator

import (
	"errors"
	"io/fs"
	"iter"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/feed"
	"github.com/digest/digest/generator/hosts"
	"github.com/digest/digest/generator/i18n"
	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/markdown"
	"github.com/digest/digest/generator/render"
	"github.com/digest/digest/generator/search"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
)

// Input is what a build is made from: the same for one Build and for
// every build of a Session.
type Input struct {
	Site    fs.FS  // the site folder
	Theme   fs.FS  // the built-in layouts, rooted at the layouts folder
	Drafts  bool   // publish drafts
	Future  bool   // publish articles dated after the build's time
	BaseURL string // overrides site.yaml's base_url when set; errors blame --base-url
	// Origin, when set, replaces the scheme and host of the base URL and
	// keeps its path: the dev server serves the site at its own address,
	// under the path it is published at.
	Origin string
}

// Options are one build's input and how it runs.
type Options struct {
	Input
	// Now is the build's time. It only decides which articles are in the
	// future; nothing written depends on it.
	Now time.Time
	// Progress, when set, follows the build as it goes.
	Progress *Progress
	// Scratch, when set, is a folder for a scratch file that holds the
	// articles' Markdown and HTML between the steps that need them, so
	// that a large site's bodies are not all on the heap at once. It
	// should be on the output's disk: the file grows to about the size of
	// the content and its HTML together.
	Scratch string
	// Cache, when set, is a folder where the build keeps what it rendered
	// for the next build of the same output, and finds what the last one
	// kept: publish.Output's Cache. One build at a time may use it.
	Cache string
}

// Progress tells another goroutine how far a build has come, for a
// progress line.
type Progress struct {
	phase atomic.Value // string
	files atomic.Int64
}

// Phase is the step the build is in.
func (p *Progress) Phase() string {
	s, _ := p.phase.Load().(string)
	return s
}

// Files is the number of files made so far.
func (p *Progress) Files() int64 { return p.files.Load() }

// Writer receives the site's files; publish.Output writes them to disk.
// WriteFile must not keep data after it returns: the build reuses it.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Stats describe a build, for the summary line.
type Stats struct {
	Articles, Tags, Pages, Files int
	Drafts, Future               int // articles left out
	Warnings                     []string
	// Skipped is set when nothing changed since the last build, which the
	// Writer remembered: the output was left as it was.
	Skipped bool
	// Reused counts the files of the last build taken without being made
	// again, since what they are made from did not change.
	Reused int
	// Cached counts the bodies taken from Options.Cache rather than
	// rendered, CachedFiles the content files taken from it rather than
	// parsed, Indexed the search index's documents taken from it rather
	// than analysed, and Parts the parts of pages the templates cache
	// (the articles' cards, mostly) taken from it rather than rendered.
	Cached, CachedFiles, Indexed, Parts int
	Phases                              []Phase // time taken by each step, in order
	// Outputs are the files the build wrote or reused, each with its kind
	// but without its size, which the caller measures where it wrote them.
	Outputs []hosts.File
}

// Phase is one step of a build and how long it took.
type Phase struct {
	Name     string
	Duration time.Duration
}

// builder carries one build's values from step to step. A Build and a
// Session's builds run the same steps; they differ only in what the
// build remembers from the last one (mem) and where its files go (out).
type builder struct {
	mu          sync.Mutex // guards stats while steps run at the same time
	opts        Options
	mem         memory
	out         sink
	stats       *Stats
	siteLayouts fs.FS // the site's own layouts folder
	layouts     fs.FS // the site's layouts over the built-in theme
	inputs      string
	listing     *content.Listing // the fingerprint's walk of content/, or nil
	// inc, when set, is the output folder, which remembers the last
	// build of it.
	inc     Incremental
	cfg     *config.Config
	content *content.Content
	tmpl    *render.Templates
	site    *site.Site
	// spool, when set, holds the bodies (see Options.Scratch).
	spool    *spool.Spool
	signs    *render.Signer // made on first use by signer
	signOnce sync.Once
	// sitemapURLs are the pages the sitemap lists, in order, which the
	// clash check's walk of the pages found.
	sitemapURLs []feed.URL
	// index is the search index's cache, when indexOpened.
	index       *search.Cache
	indexOpened bool
	// walk holds the pages of that walk and their files' paths, for the
	// pages step, which would otherwise walk them again; it forgets them.
	walk []walked
}

// errSkip ends a build early with success: the output is current.
var errSkip = errors.New("nothing changed")

// Build builds the site described by opts into w. The error, when not
// nil, is a diag.List of every problem found; nothing should be published
// then.
func Build(opts Options, w Writer) (stats *Stats, err error) {
	b := newBuilder(opts, w)
	defer b.mem.(*forget).close(b.stats)
	if opts.Scratch != "" {
		b.spool = spool.New(opts.Scratch, bodiesInMemory)
		defer func() {
			if cerr := b.spool.Close(); err == nil {
				err = cerr
			}
		}()
	}
	return b.stats, b.run()
}

// newBuilder returns the builder of one Build into w.
func newBuilder(opts Options, w Writer) *builder {
	b := &builder{opts: opts, mem: &forget{dir: opts.Cache}, stats: &Stats{}}
	b.inc, _ = w.(Incremental)
	out := &writer{w: w, inc: b.inc, progress: opts.Progress, stats: b.stats}
	if id := executable(); id != "" {
		out.exe = sum.String(id)
	}
	b.out = out
	return b
}

// step is one step of a build.
type step struct {
	name string
	run  func() error
}

// run runs the steps of a build, one group after the other, the steps of
// a group at the same time.
func (b *builder) run() error {
	for _, st := range []step{{"fingerprint", b.checkInputs}, {"load", b.load}, {"model", b.model}} {
		if err := b.runGroup(st); err != nil {
			if err == errSkip {
				return nil
			}
			return err
		}
	}
	// The search index needs only the model, and the clash check walks
	// the pages on one core: when the index is the last build's, kept or
	// patched, it is made on the other core meanwhile. An index made in
	// full holds the most a build holds, so it is made last, once the
	// feeds and the pages have let go of what they keep.
	search := step{"search", b.putSearch}
	beside, last := []step{search}, []step(nil)
	if !b.searchKept() {
		beside, last = nil, beside
	}
	groups := [][]step{
		append([]step{{"clashes", b.checkClashes}}, beside...),
		// Feeds come before pages: the items they keep and the cards the
		// pages keep are not in memory at the same time.
		{{"feeds", func() error { return b.put(b.feeds()) }}},
		// The sitemap is made on one core, which the pages leave some of.
		{{"pages", b.putPages}, {"sitemap", func() error { return b.put(b.sitemap()) }}},
		{{"emails", func() error { return b.put(b.emails()) }}},
		last,
		{{"files", func() error { return b.put(b.articleFiles()) }}},
		{{"static", func() error { return b.put(b.static()) }}},
	}
	for _, group := range groups {
		if err := b.runGroup(group...); err != nil {
			return err
		}
	}
	b.mem.remember(b.site)
	return nil
}

// runGroup runs steps at the same time, timing each. The first error in
// the steps' order is the group's, as if they had run one after the
// other.
func (b *builder) runGroup(steps ...step) error {
	if len(steps) == 0 {
		return nil
	}
	if p := b.opts.Progress; p != nil {
		p.phase.Store(steps[0].name)
	}
	phases, errs := make([]Phase, len(steps)), make([]error, len(steps))
	run := func(i int) {
		start := time.Now()
		errs[i] = steps[i].run()
		phases[i] = Phase{steps[i].name, time.Since(start)}
	}
	var wg sync.WaitGroup
	for i := 1; i < len(steps); i++ {
		wg.Go(func() { run(i) })
	}
	run(0)
	wg.Wait()
	b.stats.Phases = append(b.stats.Phases, phases...)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// put hands a group of files to the sink, counting them for the summary
// and the hosts' limits as they go.
// Steps that run at the same time may put at the same time.
func (b *builder) put(files iter.Seq[output]) error {
	var (
		outputs []hosts.File
		pages   int
	)
	err := b.out.put(func(yield func(output) bool) {
		for o := range files {
			if o.page {
				pages++
			}
			outputs = append(outputs, hosts.File{Path: o.path, Kind: o.kind})
			if !yield(o) {
				return
			}
		}
	})
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stats.Files += len(outputs)
	b.stats.Pages += pages
	b.stats.Outputs = append(b.stats.Outputs, outputs...)
	return err
}

// bodiesInMemory is how many bytes of Markdown and HTML a build with a
// scratch folder keeps on the heap before it uses the scratch file: all of
// a site of some 15,000 articles, where the file would only cost time.
const bodiesInMemory = 128 << 20

// cachedInMemory is how many bytes of what the templates cache (the
// articles' cards, mostly) a build with a spool keeps on the heap; the
// rest goes to the spool. All of it fits up to about 100,000 articles.
const cachedInMemory = 256 << 20

// putPages hands the pages to the sink. What the templates cached is
// forgotten once the pages are made, unless the sink makes them later.
func (b *builder) putPages() error {
	if b.spool != nil {
		b.tmpl.SpillCached(b.spool, cachedInMemory)
	}
	b.mem.parts(b.tmpl, b.signer())
	err := b.put(b.pages())
	b.walk = nil
	if err == nil {
		b.tmpl.KeepCached(b.site)
	}
	b.stats.Parts = b.tmpl.FromStore()
	if _, lazy := b.out.(lazySink); !lazy {
		b.tmpl.ForgetCached()
	}
	return err
}

// searchKept reports whether the search index's cache holds the last
// build's index, for a sink that makes the index now.
func (b *builder) searchKept() bool {
	if _, lazy := b.out.(lazySink); lazy || !b.site.Outputs.Search {
		return false
	}
	return b.searchCache().Kept()
}

// searchCache opens the search index's cache, once.
func (b *builder) searchCache() *search.Cache {
	if !b.indexOpened {
		b.index, b.indexOpened = b.mem.index(b.cfg), true
	}
	return b.index
}

// putSearch hands the search index to the sink. A sink that makes files
// later makes the index when one of its files is first asked for.
func (b *builder) putSearch() error {
	if l, ok := b.out.(lazySink); ok {
		l.putLazy(b.searchIndex)
		return nil
	}
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(searchGC))
	}
	return b.put(b.searchIndex())
}

// searchGC is the collector's GOGC while a Build makes the search index,
// unless the environment sets one. The index is the most a build holds at
// once (every term's postings and positions, and its cache's records),
// and at Go's default of 100 the heap may grow to twice that before it is
// collected: at 10,000 articles, a peak of 360 MB where the rest of the
// build stays under 250 MB. At 50 the peak stays near the rest's, for
// some tenths of a second more of collection.
const searchGC = 50

// checkInputs ends the build when w remembers a build of the same inputs
// that is still current.
func (b *builder) checkInputs() error {
	var err error
	if b.siteLayouts, err = fs.Sub(b.opts.Site, render.Dir); err != nil {
		return err
	}
	b.layouts = render.Overlay(b.siteLayouts, b.opts.Theme)
	inc := b.inc
	if inc == nil {
		return nil
	}
	// The load takes the content's files from this walk, and the stamps
	// of those that did not change.
	if b.listing, err = content.Scan(b.opts.Site, fsClock(b.opts.Cache)); err != nil {
		b.listing = nil // the load walks again, and reports the error
		return nil
	}
	if b.inputs, err = fingerprint(b.opts.Input, b.layouts, b.listing); err != nil {
		b.inputs = "" // unknown inputs: build everything
		return nil
	}
	if inc.Unchanged(b.inputs, b.opts.Now) {
		inc.ReuseAll()
		b.stats.Skipped, b.stats.Warnings = true, inc.Warnings()
		return errSkip
	}
	return nil
}

// load reads the configuration, content and layouts, reporting the
// problems of all of them together.
func (b *builder) load() error {
	var errs diag.List
	cfg, err := config.Load(b.opts.Site)
	if err != nil {
		errs.Add(config.File, err)
		cfg = config.Default() // keep going, to report content errors too
	}
	if b.opts.BaseURL != "" {
		// The value is not site.yaml's: blame the flag it comes from.
		errs.Add("--base-url", cfg.SetBaseURL(b.opts.BaseURL))
	}
	if b.opts.Origin != "" {
		errs.Add(config.File, cfg.SetBaseURL(strings.TrimSuffix(b.opts.Origin, "/")+cfg.Path))
	}
	c, err := b.mem.load(b.opts.Site, cfg, b.spool, b.listing)
	errs.Add(content.Dir, err)
	from := func(name string) string {
		if _, err := fs.Stat(b.siteLayouts, name); err == nil {
			return render.Dir + "/" + name
		}
		return render.Dir + "/" + name + render.BuiltinSuffix
	}
	// The site's translations override the theme's key by key, so the
	// two are read apart rather than through the overlay.
	cfg.Locale, err = i18n.Load(cfg.Language, []fs.FS{b.opts.Theme, b.siteLayouts}, func(layer int, name string) string {
		if layer == 0 {
			return render.Dir + "/" + name + render.BuiltinSuffix
		}
		return render.Dir + "/" + name
	})
	errs.Add(render.Dir, err)
	tmpl, err := render.Load(b.layouts, cfg, from)
	errs.Add(render.Dir, err)
	if c != nil {
		for _, w := range c.Warnings {
			b.stats.Warnings = append(b.stats.Warnings, w.Error())
		}
	}
	b.cfg, b.content, b.tmpl = cfg, c, tmpl
	return errs.Err()
}

// model renders the Markdown bodies and builds the site model.
func (b *builder) model() error {
	md := markdown.New(b.cfg.UnsafeHTML, b.cfg.Path)
	body := func(text spool.Text, _ uint64) (site.Body, error) {
		src, err := text.Get()
		if err != nil {
			return site.Body{}, err
		}
		r := md.Render([]byte(src))
		return site.Body{HTML: spool.Mem(string(r.HTML)), Summary: r.Summary}, nil
	}
	opts := site.Options{Drafts: b.opts.Drafts, Future: b.opts.Future, Now: b.opts.Now, Spool: b.spool}
	body = b.mem.prepare(b.cfg, &opts, body)
	s, err := site.New(b.cfg, b.content, opts, body)
	if err != nil {
		return err
	}
	b.site, b.content = s, nil
	for _, w := range s.Warnings {
		b.stats.Warnings = append(b.stats.Warnings, w.Error())
	}
	b.stats.Articles, b.stats.Tags = len(s.Articles), len(s.Tags)
	b.stats.Drafts, b.stats.Future = s.Skipped.Drafts, s.Skipped.Future
	if inc := b.inc; inc != nil {
		inc.Record(b.inputs, s.Skipped.NextFuture, b.stats.Warnings)
	}
	return nil
}
