// Package content reads a site's content folder into articles and pages.
//
// An article is a Markdown file anywhere under content/ (but content/pages/)
// with front matter in YAML (between --- lines), TOML (between +++ lines) or
// JSON. Its front matter must give a title and a date; the other known keys
// are typed and checked here, and any other key is kept in Params for the
// templates. A file under content/pages/ is an undated page.
//
// Load reports every problem of every file together, each naming the file,
// line and column; a key that looks like a misspelling of a known one gives
// a warning instead.
package content

import (
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/digest/digest/generator/diag"
)

// Dir is the content folder inside the site folder.
const Dir = "content"

// PagesDir holds the undated pages, one URL each.
const PagesDir = "content/pages"

// Article is one curated item as its file gives it.
type Article struct {
	File string // slash path from the site folder, e.g. content/2017/05/envoy.md

	Title       string
	Date        time.Time // in the site's timezone
	Updated     time.Time // zero when not given
	Tags        []string  // as written, duplicates removed later by slug
	Source      string
	SourceURL   string
	Author      string
	Summary     string // plain text; from the first paragraph when not given
	Image       string
	ImageAlt    string
	ImageCredit string
	Draft       bool
	Slug        string
	Aliases     []string
	Params      map[string]any // every key this package does not know

	Markdown []byte // the body, undecoded
	BodyLine int    // the file line the body starts on
	// Sum is a hash of the file's bytes: the same Sum, the same article.
	Sum uint64
}

// Page is an undated page such as about.md.
type Page struct {
	File    string
	Name    string // the file's path under content/pages without .md: its URL
	Title   string
	Summary string
	Updated time.Time
	Params  map[string]any

	Markdown []byte
	BodyLine int
	Sum      uint64
}

// Content is everything Load found.
type Content struct {
	Articles []*Article // in file order
	Pages    []*Page    // in file order
	Warnings diag.List
}

// Load reads every Markdown file under content/ in fsys. Dates without a
// zone are read in loc. The error, when not nil, is a diag.List of every
// problem found.
func Load(fsys fs.FS, loc *time.Location) (*Content, error) {
	files, err := markdownFiles(fsys)
	if err != nil {
		return nil, err
	}
	type result struct {
		article  *Article
		page     *Page
		warnings diag.List
		err      error
	}
	results := make([]result, len(files))
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				next.Lock()
				n := i
				i++
				next.Unlock()
				if n >= len(files) {
					return
				}
				r := &results[n]
				src, err := fs.ReadFile(fsys, files[n])
				if err != nil {
					r.err = diag.Errorf(files[n], 0, 0, "%v", err)
					continue
				}
				if isPage(files[n]) {
					r.page, r.warnings, r.err = ParsePage(files[n], src)
				} else {
					r.article, r.warnings, r.err = ParseArticle(files[n], src, loc)
				}
			}
		})
	}
	wg.Wait()

	c := &Content{}
	var errs diag.List
	for _, r := range results {
		errs.Add("", r.err)
		c.Warnings = append(c.Warnings, r.warnings...)
		if r.article != nil {
			c.Articles = append(c.Articles, r.article)
		}
		if r.page != nil {
			c.Pages = append(c.Pages, r.page)
		}
	}
	c.Warnings.Sort()
	return c, errs.Err()
}

func isPage(file string) bool { return strings.HasPrefix(file, PagesDir+"/") }

// markdownFiles lists content/**/*.md in a stable order, skipping hidden
// files and folders (editors' swap files, .git) and those starting with _.
func markdownFiles(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return diag.Errorf(p, 0, 0, "%v", fsErr(err))
		}
		name := d.Name()
		if p != Dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && path.Ext(name) == ".md" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		if _, ok := err.(*diag.Diagnostic); !ok {
			return nil, diag.Errorf(Dir, 0, 0, "%v", err)
		}
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

// fsErr drops the path an fs.PathError repeats, since the diagnostic
// already names the file.
func fsErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
