package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/inbox"
	"github.com/digest/digest/generator/internal/newfile"
	"github.com/digest/digest/generator/triage"
	"github.com/digest/digest/generator/urlnorm"
)

// triageCmd is digest inbox, publish or reject, holding their one flag.
type triageCmd struct {
	site string
}

func (t *triageCmd) declare(fset *flag.FlagSet) {
	fset.StringVar(&t.site, "s", ".", "the site `folder`, holding site.yaml and content/")
}

func inboxFlags(fset *flag.FlagSet) func(*env, []string) int {
	var t triageCmd
	t.declare(fset)
	return t.inbox
}

func publishFlags(fset *flag.FlagSet) func(*env, []string) int {
	var t triageCmd
	t.declare(fset)
	return t.publish
}

func rejectFlags(fset *flag.FlagSet) func(*env, []string) int {
	var t triageCmd
	t.declare(fset)
	return t.reject
}

// location is the site's timezone, after checking the site folder.
func (t *triageCmd) location(e *env) (*time.Location, int) {
	if err := checkSite(t.site); err != nil {
		fmt.Fprintf(e.stderr, "digest %s: %v\n", e.cmd.name, err)
		return nil, exitContent
	}
	cfg, err := config.Load(os.DirFS(t.site))
	if err != nil {
		return nil, e.failed(e.cmd.name, err)
	}
	return cfg.Location, exitOK
}

// inbox lists the drafts waiting in content/inbox/, newest first.
func (t *triageCmd) inbox(e *env, _ []string) int {
	loc, code := t.location(e)
	if loc == nil {
		return code
	}
	l, err := triage.Inbox(os.DirFS(t.site), loc)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest inbox: %v\n", err)
		return exitContent
	}
	for _, p := range l.Problems {
		fmt.Fprintln(e.stderr, p)
	}
	for _, f := range l.Published {
		fmt.Fprintf(e.stderr, "note: %s is not a draft (no draft: true): digest build publishes it where it is\n", t.path(f))
	}
	if len(l.Drafts) == 0 {
		fmt.Fprintln(e.stdout, "the inbox is empty: digest fetch and digest add URL bring stories in")
	}
	for _, d := range l.Drafts {
		date := "undated"
		switch {
		case d.Dated && d.DateHasTime:
			date = d.Date.Format("2006-01-02 15:04")
		case d.Dated:
			date = d.Date.Format("2006-01-02")
		}
		fmt.Fprintf(e.stdout, "%-16s  %s\n", date, oneLine(d.Title))
		fmt.Fprintf(e.stdout, "%16s  %s\n", "", sourceOf(d.Article))
		fmt.Fprintf(e.stdout, "%16s  %s\n\n", "", t.path(d.File))
	}
	if len(l.Drafts) > 0 {
		fmt.Fprintf(e.stdout, "%s: digest publish FILE… publishes, digest reject FILE… rejects\n", plural(len(l.Drafts), "draft", "drafts"))
	}
	if len(l.Problems) > 0 {
		fmt.Fprintf(e.stderr, "digest inbox: %s\n", plural(len(l.Problems), "file does not parse", "files do not parse"))
		return exitContent
	}
	return exitOK
}

// sourceOf names a draft's source for the inbox: the publisher, its
// story's address, or both.
func sourceOf(a *content.Article) string {
	src := oneLine(a.Source)
	switch {
	case src != "" && a.SourceURL != "":
		return src + " · " + a.SourceURL
	case src != "":
		return src
	case a.SourceURL != "":
		return a.SourceURL
	}
	return "no source"
}

// path is a slash path from the site folder as a path to type.
func (t *triageCmd) path(name string) string {
	return filepath.Join(t.site, filepath.FromSlash(name))
}

// draftFile is a draft named on the command line, read and checked.
type draftFile struct {
	arg string // as given
	src []byte
	*triage.Draft
}

// readDrafts reads and checks the drafts args name: each must be a file of
// the site's content folder (but an article folder's index.md) that parses,
// a date aside, and says draft: true.
func (t *triageCmd) readDrafts(args []string, loc *time.Location) ([]draftFile, diag.List) {
	var files []draftFile
	var errs diag.List
	for _, arg := range args {
		if err := t.inContent(arg); err != nil {
			errs = append(errs, diag.Errorf(arg, 0, 0, "%v", err))
			continue
		}
		src, err := os.ReadFile(arg)
		if err != nil {
			errs = append(errs, diag.Errorf(arg, 0, 0, "%v", errors.Unwrap(err)))
			continue
		}
		d, err := triage.Parse(arg, src, loc)
		if err != nil {
			errs.Add(arg, err)
			continue
		}
		if !d.Draft {
			errs = append(errs, diag.Errorf(arg, 0, 0, "not a draft (no draft: true)"))
			continue
		}
		files = append(files, draftFile{arg: arg, src: src, Draft: d})
	}
	return files, errs
}

// inContent checks that file is a Markdown file of the site's content
// folder, not an article folder's index.md.
func (t *triageCmd) inContent(file string) error {
	site, err := filepath.Abs(t.site)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(filepath.Join(site, content.Dir), abs)
	if err != nil || rel == "." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || rel == ".." {
		return fmt.Errorf("not in %s", filepath.Join(t.site, content.Dir))
	}
	if filepath.Ext(rel) != ".md" {
		return errors.New("not a Markdown file")
	}
	if filepath.Base(rel) == content.BundleIndex && filepath.Dir(rel) != "." {
		return errors.New("an article folder's index.md: move the folder by hand")
	}
	return nil
}

// publish promotes the drafts args name: draft: false, dated now unless
// dated, and moved to where digest new writes an article. Every file is
// checked before any is moved.
func (t *triageCmd) publish(e *env, args []string) int {
	loc, code := t.location(e)
	if loc == nil {
		return code
	}
	files, errs := t.readDrafts(args, loc)
	type move struct {
		from, to string
		data     []byte
	}
	var moves []move
	dests := map[string]string{} // destination → the draft that goes there
	now := e.clock().In(loc).Truncate(time.Second)
	for _, f := range files {
		date := now
		if f.Dated {
			date = f.Date
		}
		data, err := triage.Undraft(f.arg, f.src, date)
		if err != nil {
			errs.Add(f.arg, err)
			continue
		}
		to := t.path(articleFile(date, f.Slug))
		if other, ok := dests[to]; ok {
			errs = append(errs, diag.Errorf(f.arg, 0, 0, "would be published to %s, as %s would", to, other))
			continue
		}
		if _, err := os.Stat(to); err == nil && !sameFile(to, f.arg) {
			errs = append(errs, diag.Errorf(f.arg, 0, 0, "%s already exists; set slug: to publish under another name", to))
			continue
		}
		dests[to] = f.arg
		moves = append(moves, move{f.arg, to, data})
	}
	if len(errs) > 0 {
		return e.refused(errs, "moved")
	}
	for _, m := range moves {
		if err := moveDraft(m.from, m.to, m.data); err != nil {
			fmt.Fprintf(e.stderr, "digest publish: %v\n", err)
			return exitContent
		}
		fmt.Fprintf(e.stdout, "published %s as %s\n", m.from, m.to)
		if bytes.Contains(m.data, []byte(inbox.Marker)) {
			fmt.Fprintf(e.stderr, "note: %s still holds the source's own text, under the line %s: rewrite it in your words\n", m.to, inbox.Marker)
		}
	}
	return exitOK
}

// refused prints the problems that stopped a command that changes no file
// unless it can change them all.
func (e *env) refused(errs diag.List, verb string) int {
	errs.Sort()
	for _, d := range errs {
		fmt.Fprintln(e.stderr, d)
	}
	fmt.Fprintf(e.stderr, "digest %s: %s; nothing was %s\n", e.cmd.name, plural(len(errs), "error", "errors"), verb)
	return exitContent
}

// sameFile reports whether a and b name one file.
func sameFile(a, b string) bool {
	ai, err := os.Stat(a)
	if err != nil {
		return false
	}
	bi, err := os.Stat(b)
	return err == nil && os.SameFile(ai, bi)
}

// moveDraft writes data to to and removes from; a draft already in its
// place is replaced, whole or not at all.
func moveDraft(from, to string, data []byte) error {
	if sameFile(from, to) {
		tmp := to + ".publish-tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, to)
	}
	if err := newfile.Write(to, data); err != nil {
		return err
	}
	return os.Remove(from)
}

// reject deletes the drafts args name and remembers their source URLs in
// the site's rejected.txt, so that digest fetch does not bring them back.
func (t *triageCmd) reject(e *env, args []string) int {
	loc, code := t.location(e)
	if loc == nil {
		return code
	}
	files, errs := t.readDrafts(args, loc)
	if len(errs) > 0 {
		return e.refused(errs, "deleted")
	}
	var rejs []inbox.Rejection
	for _, f := range files {
		if f.SourceURL != "" {
			rejs = append(rejs, inbox.Rejection{URL: f.SourceURL, Headline: f.Title})
		}
	}
	// The decisions are written before the drafts go, so that a failure
	// between the two leaves a draft to reject again, not a story that
	// comes back.
	list := filepath.Join(t.site, inbox.RejectedFile)
	if _, err := inbox.AppendRejected(list, rejs); err != nil {
		fmt.Fprintf(e.stderr, "digest reject: %v; nothing was deleted\n", err)
		return exitContent
	}
	for _, f := range files {
		if err := os.Remove(f.arg); err != nil {
			fmt.Fprintf(e.stderr, "digest reject: %v\n", err)
			return exitContent
		}
		if f.SourceURL == "" {
			fmt.Fprintf(e.stdout, "rejected %s; it had no source_url, so there was nothing to remember\n", f.arg)
			continue
		}
		u, _ := urlnorm.Normalize(f.SourceURL)
		fmt.Fprintf(e.stdout, "rejected %s; %s is remembered in %s\n", f.arg, u, list)
	}
	return exitOK
}
