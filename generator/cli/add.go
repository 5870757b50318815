package cli

import (
	"context"
	"flag"
	"fmt"
	"html"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/inbox"
	"github.com/digest/digest/generator/pagemeta"
	"github.com/digest/digest/generator/urlnorm"
	"github.com/digest/digest/generator/web"
)

// addCmd is digest add, holding its flags' values.
type addCmd struct {
	site string
	// noted is set once the note that the story was rejected is printed.
	noted bool
}

func addFlags(fset *flag.FlagSet) func(*env, []string) int {
	var a addCmd
	fset.StringVar(&a.site, "s", ".", "the site `folder`, holding site.yaml and content/")
	return a.run
}

// run fetches the page args[0] names and writes a draft from what it says
// about itself.
func (a *addCmd) run(e *env, args []string) int {
	raw, err := urlnorm.Normalize(args[0])
	if err != nil {
		return e.usageError(err.Error())
	}
	if err := checkSite(a.site); err != nil {
		fmt.Fprintf(e.stderr, "digest add: %v\n", err)
		return exitContent
	}
	cfg, err := config.Load(os.DirFS(a.site))
	if err != nil {
		return e.failed("add", err)
	}
	seen, err := inbox.LoadSeen(os.DirFS(a.site))
	if err != nil {
		fmt.Fprintf(e.stderr, "digest add: %v\n", err)
		return exitContent
	}
	if code, done := a.known(e, seen, raw); done {
		return code
	}
	resp, err := web.New(Version).Do(context.Background(), web.Request{URL: raw, Accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
	if err != nil {
		fmt.Fprintf(e.stderr, "digest add: %v\n", err)
		return exitContent
	}
	if t, _, _ := mime.ParseMediaType(resp.ContentType); t != "text/html" && t != "application/xhtml+xml" {
		fmt.Fprintf(e.stderr, "digest add: %s is %s, not a web page; digest new --url writes an article for it by hand\n", raw, resp.ContentType)
		return exitContent
	}
	page, err := url.Parse(resp.URL)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest add: %v\n", err)
		return exitContent
	}
	m := pagemeta.Extract(page, resp.Body)
	// The page's own name for itself drops what a share link or a
	// redirect added; without one, the address the page came from.
	source := resp.URL
	if m.Canonical != "" {
		source = m.Canonical
	}
	for _, u := range []string{resp.URL, source} {
		if code, done := a.known(e, seen, u); done {
			return code
		}
	}
	d := inbox.Draft{
		Title:     m.Title,
		Date:      m.Published,
		Source:    m.SiteName,
		SourceURL: source,
		Author:    m.Author,
		Tags:      m.Tags,
		Summary:   html.EscapeString(m.Description), // text, which Summarize would read as HTML
		Image:     m.Image,
	}
	if d.Date.IsZero() {
		d.Date = e.clock()
		fmt.Fprintln(e.stderr, "note: the page gives no date: the draft is dated now")
	}
	d.Date = d.Date.In(cfg.Location).Truncate(time.Second)
	if m.Title == "" {
		fmt.Fprintln(e.stderr, "note: the page gives no headline: write one in the draft")
	}
	file, err := inbox.Write(a.site, d, cfg.TagAliases)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest add: %v\n", err)
		return exitContent
	}
	fmt.Fprintln(e.stdout, filepath.Join(a.site, filepath.FromSlash(file)))
	return exitOK
}

// known refuses a story the digest has, naming the file; done is false
// when it has not. A story rejected before is added again, since the
// curator asks for it by name, with a note.
func (a *addCmd) known(e *env, seen *inbox.Seen, raw string) (code int, done bool) {
	if n, err := urlnorm.Normalize(raw); err == nil {
		raw = n
	}
	where, ok := seen.Where(raw)
	switch {
	case !ok:
		return exitOK, false
	case where == inbox.RejectedFile:
		if a.noted {
			return exitOK, false
		}
		a.noted = true
		fmt.Fprintf(e.stderr, "note: %s lists %s as rejected; adding it all the same\n", inbox.RejectedFile, raw)
		return exitOK, false
	}
	fmt.Fprintf(e.stderr, "digest add: %s is in the digest already: %s\n", raw, filepath.Join(a.site, filepath.FromSlash(where)))
	return exitContent, true
}
