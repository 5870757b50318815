package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/digest/digest/generator/fetch"
	"github.com/digest/digest/generator/opml"
	"github.com/digest/digest/generator/urlnorm"
)

// subscriptionsFile is the list of the feeds the curator follows, in the
// site folder: OPML, so that any feed reader opens it.
const subscriptionsFile = "subscriptions.opml"

// readSubscriptions reads the site's subscriptions; a site without the
// file has none yet.
func readSubscriptions(site string) (*opml.List, error) {
	f, err := os.Open(filepath.Join(site, subscriptionsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &opml.List{Title: "Subscriptions"}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return opml.Read(subscriptionsFile, f)
}

// writeSubscriptions replaces the site's subscriptions with l, whole or
// not at all.
func writeSubscriptions(site string, l *opml.List) error {
	tmp, err := os.CreateTemp(site, ".subscriptions-*.opml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := opml.Write(tmp, l); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(site, subscriptionsFile))
}

// subscribeCmd is digest subscribe, holding its flags' values.
type subscribeCmd struct {
	site, title, category string
}

func subscribeFlags(fset *flag.FlagSet) func(*env, []string) int {
	var s subscribeCmd
	fset.StringVar(&s.site, "s", ".", "the site `folder`, holding site.yaml and content/")
	fset.StringVar(&s.title, "title", "", "the feed's `name` in the list (default its host)")
	fset.StringVar(&s.category, "category", "", "the `folder` to file the feed in, e.g. News/World; commas separate several")
	return s.run
}

// run adds the feed args[0] names, or every feed of the OPML file it names.
func (s *subscribeCmd) run(e *env, args []string) int {
	if err := checkSite(s.site); err != nil {
		fmt.Fprintf(e.stderr, "digest subscribe: %v\n", err)
		return exitContent
	}
	list, err := readSubscriptions(s.site)
	if err != nil {
		fmt.Fprintf(e.stderr, "%v\ndigest subscribe: nothing was written\n", err)
		return exitContent
	}
	keys := make(map[string]opml.Feed, len(list.Feeds))
	for _, f := range list.Feeds {
		if k, err := urlnorm.Key(f.URL); err == nil {
			keys[k] = f
		}
	}
	arg := args[0]
	lower := strings.ToLower(arg)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		return s.add(e, list, keys, arg)
	}
	if s.title != "" || s.category != "" {
		return e.usageError("--title and --category are for one feed's URL, not an OPML file")
	}
	return s.importFile(e, list, keys, arg)
}

// add subscribes to the feed at raw.
func (s *subscribeCmd) add(e *env, list *opml.List, keys map[string]opml.Feed, raw string) int {
	norm, err := urlnorm.Normalize(raw)
	if err != nil {
		return e.usageError(err.Error())
	}
	key, _ := urlnorm.Key(norm)
	if old, ok := keys[key]; ok {
		fmt.Fprintf(e.stderr, "%s:%d: already subscribed to %s\ndigest subscribe: nothing was written\n", subscriptionsFile, old.Line, old.URL)
		return exitContent
	}
	feed := opml.Feed{Title: s.title, URL: norm}
	if feed.Title == "" {
		u, _ := url.Parse(norm)
		feed.Title = u.Hostname()
	}
	// Commas separate categories in OPML, as they do here.
	for c := range strings.SplitSeq(s.category, ",") {
		if c = strings.Trim(strings.TrimSpace(c), "/"); c != "" {
			feed.Categories = append(feed.Categories, c)
		}
	}
	list.Feeds = append(list.Feeds, feed)
	if err := writeSubscriptions(s.site, list); err != nil {
		fmt.Fprintf(e.stderr, "digest subscribe: %v\n", err)
		return exitContent
	}
	fmt.Fprintf(e.stdout, "subscribed to %s (%s)\n", norm, feed.Title)
	return exitOK
}

// importFile subscribes to every feed of the OPML file name that the site
// does not follow yet. A feed whose address is not a web address is
// skipped with a warning; a malformed file adds nothing.
func (s *subscribeCmd) importFile(e *env, list *opml.List, keys map[string]opml.Feed, name string) int {
	f, err := os.Open(name)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest subscribe: %v (a feed's address starts with http:// or https://)\n", err)
		return exitContent
	}
	defer f.Close()
	imported, err := opml.Read(name, f)
	if err != nil {
		fmt.Fprintf(e.stderr, "%v\ndigest subscribe: nothing was written\n", err)
		return exitContent
	}
	added, known, skipped := 0, 0, 0
	for _, feed := range imported.Feeds {
		norm, err := urlnorm.Normalize(feed.URL)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s:%d: skipped: %v\n", name, feed.Line, err)
			skipped++
			continue
		}
		key, _ := urlnorm.Key(norm)
		if _, ok := keys[key]; ok {
			known++
			continue
		}
		feed.URL, feed.Line = norm, 0
		keys[key] = feed
		list.Feeds = append(list.Feeds, feed)
		added++
	}
	if added > 0 {
		if err := writeSubscriptions(s.site, list); err != nil {
			fmt.Fprintf(e.stderr, "digest subscribe: %v\n", err)
			return exitContent
		}
	}
	fmt.Fprintf(e.stdout, "imported %s from %s", plural(added, "feed", "feeds"), name)
	if known > 0 {
		fmt.Fprintf(e.stdout, "; %d already subscribed", known)
	}
	if skipped > 0 {
		fmt.Fprintf(e.stdout, "; %d skipped", skipped)
	}
	fmt.Fprintln(e.stdout)
	return exitOK
}

// subscriptionsCmd is digest subscriptions, holding its flags' values.
type subscriptionsCmd struct {
	site string
}

func subscriptionsFlags(fset *flag.FlagSet) func(*env, []string) int {
	var s subscriptionsCmd
	fset.StringVar(&s.site, "s", ".", "the site `folder`, holding site.yaml and content/")
	return s.run
}

// run lists the site's subscriptions, one a line.
func (s *subscriptionsCmd) run(e *env, _ []string) int {
	if err := checkSite(s.site); err != nil {
		fmt.Fprintf(e.stderr, "digest subscriptions: %v\n", err)
		return exitContent
	}
	list, err := readSubscriptions(s.site)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitContent
	}
	if len(list.Feeds) == 0 {
		fmt.Fprintln(e.stdout, "no subscriptions yet: \"digest subscribe URL\" adds a feed")
		return exitOK
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "FEED\tURL\tCATEGORIES\tLAST FETCH")
	for _, f := range list.Feeds {
		cats := strings.Join(f.Categories, ", ")
		if cats == "" {
			cats = "-"
		}
		st := fetch.LoadState(s.site, f.URL)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", oneLine(fetch.Name(f, st.Title)), f.URL, oneLine(cats), lastFetch(st))
	}
	w.Flush()
	return exitOK
}

// lastFetch is when digest fetch last fetched the feed st is of, in the
// site's timezone as it was then, and whether it failed.
func lastFetch(st *fetch.State) string {
	switch {
	case st.Fetched.IsZero():
		return "never"
	case st.Failed:
		return st.Fetched.Format("2006-01-02 15:04") + " (failed)"
	}
	return st.Fetched.Format("2006-01-02 15:04")
}

// oneLine keeps a name from another file on one line of a table.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
