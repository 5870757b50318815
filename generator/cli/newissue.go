package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/internal/newfile"
)

// runIssue writes the next issue: the number after the highest one,
// today's date (or --date), and the articles it would collect, in a
// comment the curator turns into the issue's front matter.
func (n *newCmd) runIssue(e *env) int {
	if err := checkSite(n.site); err != nil {
		fmt.Fprintf(e.stderr, "digest new: %v\n", err)
		return exitContent
	}
	fsys := os.DirFS(n.site)
	cfg, err := config.Load(fsys)
	if err != nil {
		return e.failed("new", err)
	}
	date := e.clock().In(cfg.Location)
	if n.date != "" {
		d, ok := content.ParseDate(n.date, cfg.Location)
		if !ok {
			return e.usageError(fmt.Sprintf("--date: cannot read %q (want 2006-01-02, \"2006-01-02 15:04\" or RFC 3339)", n.date))
		}
		date = d.In(cfg.Location)
	}
	c, err := content.Load(fsys, cfg.Location, nil)
	if err != nil {
		return e.failed("new", err)
	}
	src := issueFile(c, date)
	number := nextNumber(c.Issues)
	name := path.Join(content.IssuesDir, fmt.Sprintf("%d.md", number))
	// The file must read back as an issue: check it as a build would.
	if _, _, err := content.ParseIssue(name, src, cfg.Location); err != nil {
		return e.failed("new", err)
	}
	file := filepath.Join(n.site, filepath.FromSlash(name))
	if err := newfile.Write(file, src); err != nil {
		if errors.Is(err, fs.ErrExist) {
			fmt.Fprintf(e.stderr, "digest new: %s already exists; edit it\n", file)
		} else {
			fmt.Fprintf(e.stderr, "digest new: %v\n", err)
		}
		return exitContent
	}
	fmt.Fprintln(e.stdout, file)
	return exitOK
}

// nextNumber is the number after the highest issue's, drafts included.
func nextNumber(issues []*content.Issue) int {
	n := 0
	for _, is := range issues {
		n = max(n, is.Number)
	}
	return n + 1
}

// issueFile is the next issue, dated date: its number and date, and as a
// checklist in comments the articles it would collect, those dated after
// the last issue up to date that are neither drafts nor in the future,
// with the keys that choose a lead and sections among them.
func issueFile(c *content.Content, date time.Time) []byte {
	var last *content.Issue
	for _, is := range c.Issues {
		if last == nil || is.Number > last.Number {
			last = is
		}
	}
	var since time.Time
	if last != nil {
		since = last.Date
		if !last.DateHasTime {
			y, m, d := since.Date()
			since = time.Date(y, m, d+1, 0, 0, 0, 0, since.Location())
		}
	}
	var picks []*content.Article
	for _, a := range c.Articles {
		if !a.Draft && a.Date.After(since) && !a.Date.After(date) {
			picks = append(picks, a)
		}
	}
	slices.SortFunc(picks, func(a, b *content.Article) int { return a.Date.Compare(b.Date) })

	var b strings.Builder
	fmt.Fprintf(&b, "---\nnumber: %d\ndate: %s\n", nextNumber(c.Issues), date.Format("2006-01-02"))
	b.WriteString("# title: the default is \"Issue <number>\"\n")
	switch {
	case len(picks) == 0:
		b.WriteString("# No article is dated after the last issue yet: this issue collects\n# those dated up to its own date when it is built.\n")
	default:
		if last != nil {
			fmt.Fprintf(&b, "# This issue collects the %d articles dated after issue %d (%s) up to its\n", len(picks), last.Number, last.Date.Format("2006-01-02"))
		} else {
			fmt.Fprintf(&b, "# This issue collects the %d articles dated up to its\n", len(picks))
		}
		b.WriteString("# own date. Pick the lead, or group them; to choose the articles\n" +
			"# yourself, uncomment \"articles:\" and keep the lines you want.\n")
		fmt.Fprintf(&b, "# lead: %s\n# sections: by tag\n# articles:\n", ref(picks[0]))
		for _, a := range picks {
			fmt.Fprintf(&b, "#   - %s  # [ ] %s\n", ref(a), strings.ReplaceAll(a.Title, "\n", " "))
		}
	}
	b.WriteString("---\nYour introduction to this issue, in your own words.\n")
	return []byte(b.String())
}

// ref is how an issue names an article: its file under content/.
func ref(a *content.Article) string { return strings.TrimPrefix(a.File, content.Dir+"/") }
