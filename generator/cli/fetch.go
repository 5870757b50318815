package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/fetch"
	"github.com/digest/digest/generator/inbox"
	"github.com/digest/digest/generator/web"
)

// fetchCmd is digest fetch, holding its flags' values.
type fetchCmd struct {
	site string
}

func fetchFlags(fset *flag.FlagSet) func(*env, []string) int {
	var f fetchCmd
	fset.StringVar(&f.site, "s", ".", "the site `folder`, holding site.yaml and content/")
	return f.run
}

// run fetches every subscription and prints a line for each, then the
// total. It fails only when every feed failed.
func (f *fetchCmd) run(e *env, _ []string) int {
	if err := checkSite(f.site); err != nil {
		fmt.Fprintf(e.stderr, "digest fetch: %v\n", err)
		return exitContent
	}
	cfg, err := config.Load(os.DirFS(f.site))
	if err != nil {
		return e.failed("fetch", err)
	}
	list, err := readSubscriptions(f.site)
	if err != nil {
		fmt.Fprintf(e.stderr, "%v\ndigest fetch: nothing was fetched\n", err)
		return exitContent
	}
	if len(list.Feeds) == 0 {
		fmt.Fprintln(e.stdout, "no subscriptions yet: \"digest subscribe URL\" adds a feed")
		return exitOK
	}
	seen, err := inbox.LoadSeen(os.DirFS(f.site))
	if err != nil {
		fmt.Fprintf(e.stderr, "digest fetch: %v\n", err)
		return exitContent
	}
	outcomes := fetch.Run(context.Background(), list.Feeds, seen, fetch.Options{
		Site:     f.site,
		Client:   web.New(Version),
		Aliases:  cfg.TagAliases,
		Location: cfg.Location,
		Now:      e.clock().In(cfg.Location).Truncate(time.Second),
	})

	drafts, known, failed := 0, 0, 0
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, o := range outcomes {
		fmt.Fprintf(w, "%s\t%s\n", oneLine(o.Name), oneLine(o.Line()))
		drafts += len(o.Drafts)
		known += o.Seen
		if o.Err != nil {
			failed++
		}
	}
	w.Flush()
	fmt.Fprintf(e.stdout, "%s in %s/, %d already seen, from %s", plural(drafts, "new draft", "new drafts"), inbox.Dir, known, plural(len(outcomes), "feed", "feeds"))
	if failed > 0 {
		fmt.Fprintf(e.stdout, "; %d failed", failed)
	}
	fmt.Fprintln(e.stdout)
	if failed == len(outcomes) {
		fmt.Fprintln(e.stderr, "digest fetch: every feed failed")
		return exitContent
	}
	return exitOK
}
