package cli

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/links"
	"github.com/digest/digest/generator/publish"
	"github.com/digest/digest/generator/web"
)

// linkWorkers is how many links are checked at once; generator/web keeps
// to its own, smaller, bound per host.
const linkWorkers = 8

// linkTimeout is the longest a link may take to answer: a check asks many
// servers, and one that is this slow is as good as dead to a reader.
const linkTimeout = 20 * time.Second

// checkLinks checks every source_url and body link of the site's articles
// (drafts only with --drafts) and pages, and reports the dead ones at
// their lines: warnings, or errors with --strict.
func (c *checkCmd) checkLinks(e *env) int {
	cfg, err := config.Load(os.DirFS(c.site))
	if err != nil {
		return e.failed("check", err)
	}
	cont, err := content.Load(os.DirFS(c.site), cfg.Location, nil)
	if err != nil {
		return e.failed("check", err)
	}
	var found []links.Link
	for _, a := range cont.Articles {
		if a.Draft && !c.drafts {
			continue
		}
		if a.SourceURL != "" {
			found = append(found, links.Link{URL: a.SourceURL, File: a.File, Line: a.SourceURLLine})
		}
		md, _ := a.Markdown.Get() // in memory: no error
		found = append(found, links.Find(a.File, md, a.BodyLine)...)
	}
	for _, p := range cont.Pages {
		md, _ := p.Markdown.Get()
		found = append(found, links.Find(p.File, md, p.BodyLine)...)
	}
	urls := make([]string, len(found))
	for i, l := range found {
		urls[i] = l.URL
	}
	client := web.New(Version)
	client.Timeout, client.HeaderTimeout, client.IdleTimeout = linkTimeout, linkTimeout, linkTimeout
	checker := &links.Checker{
		Client:  client,
		Workers: linkWorkers,
		Now:     e.clock,
		Cache:   filepath.Join(c.site, publish.StateDir, "links", "cache.json"),
	}
	results, st, err := checker.Check(context.Background(), urls)
	if err != nil {
		// The results stand; only the next check will ask again.
		fmt.Fprintf(e.stderr, "warning: keeping the links' results: %v\n", err)
	}
	slices.SortStableFunc(found, func(a, b links.Link) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	prefix := "warning: "
	if c.strict {
		prefix = ""
	}
	dead := 0
	for _, l := range found {
		if why := results[l.URL].Dead; why != "" {
			dead++
			fmt.Fprintf(e.stderr, "%s%v\n", prefix, diag.Errorf(l.File, l.Line, 0, "dead link %s: %s", l.URL, why))
		}
	}
	fmt.Fprintf(e.stdout, "links: %s, %d checked now, %d from the last day's checks; %s\n",
		plural(len(found), "link", "links"), st.Checked, st.Cached, plural(dead, "dead", "dead"))
	if dead > 0 && c.strict {
		fmt.Fprintf(e.stderr, "digest check: %s\n", plural(dead, "dead link", "dead links"))
		return exitContent
	}
	return exitOK
}
