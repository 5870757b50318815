// Package triage is the curator's side of the inbox: the drafts waiting in
// content/inbox/, what publishing one changes in its file, and the list of
// stories the curator rejected.
//
// A draft is an article file with draft: true. Publishing it sets draft to
// false in place, keeping every other byte of the file (comments, key
// order, quoting), and dates it when it has no date. Rejecting it deletes
// it and remembers its source_url in rejected.txt at the site root, so
// that fetching does not bring it back (see inbox.RejectedFile).
package triage

import (
	"cmp"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/inbox"
)

// Draft is one article file of the inbox.
type Draft struct {
	*content.Article
	// Dated is false when the file gives no date: publishing dates it.
	Dated bool
}

// Listing is what the inbox holds.
type Listing struct {
	Drafts []Draft // newest first, undated ones last, ties by file name
	// Published are the files of the inbox without draft: true, which the
	// build publishes where they are.
	Published []string
	// Problems are the files that do not parse; they are not listed.
	Problems diag.List
}

// Inbox reads every Markdown file under inbox.Dir in fsys, a site folder. The
// error is for reading the folder; a file that does not parse is one of
// the listing's problems.
func Inbox(fsys fs.FS, loc *time.Location) (*Listing, error) {
	l := &Listing{}
	err := fs.WalkDir(fsys, inbox.Dir, func(name string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && name == inbox.Dir {
			return fs.SkipDir // no inbox yet: nothing waits
		}
		if err != nil {
			return err
		}
		base := path.Base(name)
		if name != inbox.Dir && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || path.Ext(name) != ".md" {
			return nil
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		a, problem := Parse(name, src, loc)
		switch {
		case problem != nil:
			l.Problems.Add(name, problem)
		case !a.Draft:
			l.Published = append(l.Published, name)
		default:
			l.Drafts = append(l.Drafts, *a)
		}
		return nil
	})
	slices.SortStableFunc(l.Drafts, func(a, b Draft) int {
		if a.Dated != b.Dated {
			if a.Dated {
				return -1
			}
			return 1
		}
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.File, b.File)
	})
	return l, err
}

// Parse reads an article file as the build would, but without requiring a
// date: a draft without one is dated when it is published. The error is
// a diag.List.
func Parse(file string, src []byte, loc *time.Location) (*Draft, error) {
	a, _, err := content.ParseArticle(file, src, loc)
	var list diag.List
	if err != nil && !errors.As(err, &list) {
		return nil, err
	}
	dated := true
	list = slices.DeleteFunc(slices.Clone(list), func(d *diag.Diagnostic) bool {
		if d.Msg == content.MissingDate {
			dated = false
			return true
		}
		return false
	})
	if a == nil || len(list) > 0 {
		return nil, list.Err()
	}
	return &Draft{Article: a, Dated: dated}, nil
}
