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
	"runtime"
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
}

// Build builds the site described by opts into w. The error, when not
// nil, is a diag.List of every problem found; nothing should be published
// then.
func Build(opts Options, w Writer) (*Stats, error) {
	siteLayouts, err := fs.Sub(opts.Site, render.Dir)
	if err != nil {
		return nil, err
	}
	layouts := render.Overlay(siteLayouts, opts.Theme)
	inc, incremental := w.(Incremental)
	inputs := ""
	if incremental {
		inputs, err = fingerprint(opts, layouts)
		if err == nil && inc.Unchanged(inputs, opts.Now) {
			inc.KeepAll()
			return &Stats{Skipped: true, Warnings: inc.Warnings()}, nil
		}
	}
	s, tmpl, stats, err := load(opts, siteLayouts, layouts)
	if err != nil {
		return stats, err
	}
	if incremental {
		inc.Record(inputs, s.Skipped.NextFuture, stats.Warnings)
	}
	urls, err := writePages(s, tmpl, w, stats)
	if err != nil {
		return stats, err
	}
	steps := []func() error{
		func() error { return writeFeeds(s, w, stats) },
		func() error { return writeSitemap(s, urls, w, stats) },
		func() error { return copyStatic(layouts, w, stats) },
		func() error { return writeSearchIndex(s, w, stats) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// load reads the configuration, content and layouts, and builds the model,
// reporting the problems of all of them together.
func load(opts Options, siteLayouts, layouts fs.FS) (*site.Site, *render.Templates, *Stats, error) {
	stats := &Stats{}
	var errs diag.List
	cfg, err := config.Load(opts.Site)
	if err != nil {
		errs.Add(config.File, err)
		cfg = config.Default() // keep going, to report content errors too
	}
	if opts.BaseURL != "" {
		errs.Add(config.File, cfg.SetBaseURL(opts.BaseURL))
	}
	c, err := content.Load(opts.Site, cfg.Location)
	errs.Add(content.Dir, err)
	from := func(name string) string {
		if _, err := fs.Stat(siteLayouts, name); err == nil {
			return render.Dir + "/" + name
		}
		return render.Dir + "/" + name + " (built-in theme)"
	}
	tmpl, err := render.Load(layouts, cfg, from)
	errs.Add(render.Dir, err)
	if c != nil {
		for _, w := range c.Warnings {
			stats.Warnings = append(stats.Warnings, w.Error())
		}
	}
	if len(errs) > 0 {
		return nil, nil, stats, errs.Err()
	}
	md := markdown.New(cfg.UnsafeHTML)
	s, err := site.New(cfg, c, site.Options{Drafts: opts.Drafts, Future: opts.Future, Now: opts.Now},
		func(src []byte) site.Body {
			r := md.Render(src)
			return site.Body{HTML: r.HTML, Summary: r.Summary}
		})
	if err != nil {
		return nil, nil, stats, err
	}
	stats.Articles, stats.Tags = len(s.Articles), len(s.Tags)
	stats.Drafts, stats.Future = s.Skipped.Drafts, s.Skipped.Future
	return s, tmpl, stats, nil
}

// writePages renders every HTML page on all cores and returns the URLs to
// list in the sitemap, in page order.
func writePages(s *site.Site, tmpl *render.Templates, w Writer, stats *Stats) ([]feed.URL, error) {
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
	return urls, errs.Err()
}

// writeFeeds writes the site's feeds and each tag's.
func writeFeeds(s *site.Site, w Writer, stats *Stats) error {
	newest := func(a []*site.Article) []*site.Article { return a[:min(len(a), s.FeedSize)] }
	type file struct {
		path   string
		render func(*site.Site, feed.Channel) ([]byte, error)
		ch     feed.Channel
	}
	home := feed.Channel{Title: s.Title, Description: s.Description, URL: "/", Articles: newest(s.Articles)}
	var files []file
	for _, f := range []struct {
		path   string
		render func(*site.Site, feed.Channel) ([]byte, error)
	}{{"/feed.xml", feed.RSS}, {"/atom.xml", feed.Atom}, {"/feed.json", feed.JSON}} {
		ch := home
		ch.Path = f.path
		files = append(files, file{f.path, f.render, ch})
	}
	for _, t := range s.Tags {
		ch := feed.Channel{
			Title:       t.Name + " — " + s.Title,
			Description: "Articles tagged " + t.Name + " in " + s.Title,
			URL:         t.URL,
			Articles:    newest(t.Articles),
		}
		rss, atom := ch, ch
		rss.Path, atom.Path = t.URL+"feed.xml", t.URL+"atom.xml"
		files = append(files, file{rss.Path, feed.RSS, rss}, file{atom.Path, feed.Atom, atom})
	}
	var errs diag.List
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, f := range files {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			data, err := f.render(s, f.ch)
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

func writeSitemap(s *site.Site, urls []feed.URL, w Writer, stats *Stats) error {
	data, err := feed.Sitemap(s, urls)
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
func writeSearchIndex(s *site.Site, w Writer, stats *Stats) error {
	return search.Write(s, func(name string, data []byte) error {
		stats.Files++
		return w.WriteFile(name, data)
	})
}

// copyStatic copies layouts/static of the built-in theme and of the site,
// the site's file winning where both have one.
func copyStatic(layouts fs.FS, w Writer, stats *Stats) error {
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
