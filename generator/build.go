// Package generator builds a digest: it reads a site folder (site.yaml,
// content/, layouts/) and writes every file of the static site to an
// output. Build is the pipeline, step by step; the stages live in the
// packages below this one:
//
//	config    site.yaml
//	content   front matter and bodies → articles and pages
//	markdown  goldmark: bodies → HTML, summaries
//	site      the model: order, tags, editions, archives, URLs, clashes
//	render    html/template layouts → HTML pages
//	feed      RSS, Atom, JSON Feed, sitemap, robots.txt
//	publish   the output folder: atomic swap, safety rules
//
// A build either writes everything or reports every problem it found, each
// naming its file and line.
package generator

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/feed"
	"github.com/digest/digest/generator/markdown"
	"github.com/digest/digest/generator/render"
	"github.com/digest/digest/generator/search"
	"github.com/digest/digest/generator/site"
)

// Options are the inputs of one build.
type Options struct {
	Site    fs.FS  // the site folder
	Theme   fs.FS  // the built-in layouts, rooted at the layouts folder
	Drafts  bool   // publish drafts
	Future  bool   // publish articles dated after Now
	BaseURL string // overrides site.yaml's base_url when set
	// Now is the build's time. It only decides which articles are in the
	// future; nothing written depends on it.
	Now time.Time
}

// Writer receives the site's files; publish.Output writes them to disk.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Stats describe a build, for the summary line.
type Stats struct {
	Articles, Tags, Pages, Files int
	Drafts, Future               int // articles left out
	Warnings                     []string
	// Skipped is set when nothing changed since the last build, which the
	// Writer remembered: the output was kept as it was.
	Skipped bool
	Phases  []Phase // time taken by each step, in order
}

// Phase is one step of a build and how long it took.
type Phase struct {
	Name     string
	Duration time.Duration
}

// builder carries one build's values from step to step.
type builder struct {
	opts        Options
	w           Writer
	stats       *Stats
	siteLayouts fs.FS // the site's own layouts folder
	layouts     fs.FS // the site's layouts over the built-in theme
	inputs      string
	cfg         *config.Config
	content     *content.Content
	tmpl        *render.Templates
	site        *site.Site
	urls        []feed.URL // pages for the sitemap
}

// errSkip ends a build early with success: the output is current.
var errSkip = errors.New("nothing changed")

// Build builds the site described by opts into w. The error, when not
// nil, is a diag.List of every problem found; nothing should be published
// then.
func Build(opts Options, w Writer) (*Stats, error) {
	b := &builder{opts: opts, w: w, stats: &Stats{}}
	steps := []struct {
		name string
		run  func() error
	}{
		{"fingerprint", b.checkInputs},
		{"load", b.load},
		{"model", b.model},
		{"pages", b.writePages},
		{"feeds", b.writeFeeds},
		{"sitemap", b.writeSitemap},
		{"search", b.writeSearchIndex},
		{"static", b.copyStatic},
	}
	for _, step := range steps {
		start := time.Now()
		err := step.run()
		b.stats.Phases = append(b.stats.Phases, Phase{step.name, time.Since(start)})
		if err == errSkip {
			return b.stats, nil
		}
		if err != nil {
			return b.stats, err
		}
	}
	return b.stats, nil
}

// checkInputs ends the build when w remembers a build of the same inputs
// that is still current.
func (b *builder) checkInputs() error {
	var err error
	if b.siteLayouts, err = fs.Sub(b.opts.Site, render.Dir); err != nil {
		return err
	}
	b.layouts = render.Overlay(b.siteLayouts, b.opts.Theme)
	inc, ok := b.w.(Incremental)
	if !ok {
		return nil
	}
	if b.inputs, err = fingerprint(b.opts, b.layouts); err != nil {
		b.inputs = "" // unknown inputs: build everything
		return nil
	}
	if inc.Unchanged(b.inputs, b.opts.Now) {
		inc.KeepAll()
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
		errs.Add(config.File, cfg.SetBaseURL(b.opts.BaseURL))
	}
	c, err := content.Load(b.opts.Site, cfg.Location)
	errs.Add(content.Dir, err)
	from := func(name string) string {
		if _, err := fs.Stat(b.siteLayouts, name); err == nil {
			return render.Dir + "/" + name
		}
		return render.Dir + "/" + name + " (built-in theme)"
	}
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
	md := markdown.New(b.cfg.UnsafeHTML)
	s, err := site.New(b.cfg, b.content, site.Options{Drafts: b.opts.Drafts, Future: b.opts.Future, Now: b.opts.Now},
		func(src []byte, _ uint64) site.Body {
			r := md.Render(src)
			return site.Body{HTML: r.HTML, Summary: r.Summary}
		})
	if err != nil {
		return err
	}
	// Only the rendered bodies are needed from here on; a large site is
	// lighter without its Markdown.
	for _, a := range b.content.Articles {
		a.Markdown = nil
	}
	b.site, b.content = s, nil
	b.stats.Articles, b.stats.Tags = len(s.Articles), len(s.Tags)
	b.stats.Drafts, b.stats.Future = s.Skipped.Drafts, s.Skipped.Future
	if inc, ok := b.w.(Incremental); ok {
		inc.Record(b.inputs, s.Skipped.NextFuture, b.stats.Warnings)
	}
	return nil
}

// writePages renders every HTML page on all cores and returns the URLs to
// list in the sitemap, in page order.
func (b *builder) writePages() error {
	s, tmpl, w, stats := b.site, b.tmpl, b.w, b.stats
	type job struct {
		d     *render.Data
		alias bool
	}
	jobs := make(chan job, 64)
	var (
		mu   sync.Mutex
		errs diag.List
		seen = map[string]bool{} // one report per distinct template error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if !seen[err.Error()] {
			seen[err.Error()] = true
			errs.Add(render.Dir, err)
		}
	}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf bytes.Buffer
			for j := range jobs {
				buf.Reset()
				var err error
				if j.alias {
					err = tmpl.ExecuteAlias(&buf, j.d)
				} else {
					err = tmpl.Execute(&buf, j.d)
				}
				if err == nil {
					err = w.WriteFile(render.FilePath(j.d.URL), bytes.Clone(buf.Bytes()))
				}
				if err != nil {
					fail(err)
				}
			}
		})
	}
	var urls []feed.URL
	for d := range render.Pages(s) {
		jobs <- job{d: d}
		stats.Pages++
		if d.Kind == "404" {
			continue
		}
		u := feed.URL{Loc: d.URL}
		switch {
		case d.Article != nil:
			u.LastMod = d.Article.Date
			if !d.Article.Updated.IsZero() {
				u.LastMod = d.Article.Updated
			}
		case d.Page != nil:
			u.LastMod = d.Page.Updated
		}
		urls = append(urls, u)
	}
	for d := range render.Aliases(s) {
		jobs <- job{d: d, alias: true}
		stats.Pages++
	}
	close(jobs)
	wg.Wait()
	stats.Files += stats.Pages
	b.urls = urls
	return errs.Err()
}

// writeFeeds writes the site's feeds and each tag's.
func (b *builder) writeFeeds() error {
	s, w, stats := b.site, b.w, b.stats
	m := feed.NewMaker(s)
	newest := func(a []*site.Article) []*site.Article { return a[:min(len(a), s.FeedSize)] }
	type file struct {
		path   string
		render func(feed.Channel) ([]byte, error)
		ch     feed.Channel
	}
	var files []file
	// add lists the feeds of one channel, one file per format.
	add := func(ch feed.Channel, formats map[string]func(feed.Channel) ([]byte, error)) {
		for _, name := range slices.Sorted(maps.Keys(formats)) {
			c := ch
			c.Path = ch.URL + name
			files = append(files, file{c.Path, formats[name], c})
		}
	}
	add(feed.Channel{Title: s.Title, Description: s.Description, URL: "/", Articles: newest(s.Articles)},
		map[string]func(feed.Channel) ([]byte, error){"feed.xml": m.RSS, "atom.xml": m.Atom, "feed.json": m.JSON})
	for _, t := range s.Tags {
		add(feed.Channel{
			Title:       t.Name + " — " + s.Title,
			Description: "Articles tagged " + t.Name + " in " + s.Title,
			URL:         t.URL,
			Articles:    newest(t.Articles),
		}, map[string]func(feed.Channel) ([]byte, error){"feed.xml": m.RSS, "atom.xml": m.Atom})
	}
	var errs diag.List
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, f := range files {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			data, err := f.render(f.ch)
			if err == nil {
				err = w.WriteFile(render.FilePath(f.path), data)
			}
			if err != nil {
				mu.Lock()
				errs.Add(f.path, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	stats.Files += len(files)
	return errs.Err()
}

func (b *builder) writeSitemap() error {
	s, w, stats := b.site, b.w, b.stats
	data, err := feed.Sitemap(s, b.urls)
	if err != nil {
		return err
	}
	if err := w.WriteFile("sitemap.xml", data); err != nil {
		return err
	}
	stats.Files += 2
	return w.WriteFile("robots.txt", feed.Robots(s))
}

// writeSearchIndex writes the files /search/ loads in the browser.
func (b *builder) writeSearchIndex() error {
	return search.Write(b.site, func(name string, data []byte) error {
		b.stats.Files++
		return b.w.WriteFile(name, data)
	})
}

// copyStatic copies layouts/static of the built-in theme and of the site,
// the site's file winning where both have one.
func (b *builder) copyStatic() error {
	layouts, w, stats := b.layouts, b.w, b.stats
	err := fs.WalkDir(layouts, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := fs.ReadFile(layouts, p)
		if err == nil {
			err = w.WriteFile(strings.TrimPrefix(p, "static/"), data)
		}
		stats.Files++
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
