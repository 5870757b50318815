// Package content reads a site's content folder into articles and pages.
//
// An article is a Markdown file anywhere under content/ (but content/pages/)
// with front matter in YAML (between --- lines), TOML (between +++ lines) or
// JSON. Its front matter must give a title and a date; the other known keys
// are typed and checked here, and any other key is kept in Params for the
// templates. A file under content/pages/ is an undated page, and one
// under content/issues/ a numbered issue (see Issue). An article
// may be a folder, its Markdown in index.md and its other files published
// beside its page (see BundleIndex).
//
// Load reports every problem of every file together, each naming the file,
// line and column; a key that looks like a misspelling of a known one gives
// a warning instead.
package content

import (
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/internal/work"
	"github.com/digest/digest/generator/spool"
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

	// DateHasTime and UpdatedHasTime report whether date and updated give
	// a time of day: a day alone ("2017-05-30") is shown without one.
	DateHasTime, UpdatedHasTime bool

	// SlugLine and AliasesLine are the lines of the slug, or of the title
	// it is made from, and of the aliases, for URL clashes found later;
	// ImageLine is the image's, for the check of its file; SourceURLLine
	// the source_url's, for stories picked twice.
	SlugLine, AliasesLine, ImageLine, SourceURLLine int

	Markdown spool.Text // the body, undecoded
	BodyLine int        // the file line the body starts on
	// Sum is a hash of the file's bytes: the same Sum, the same article.
	Sum uint64
	// Files are the other files of an article folder (see BundleIndex),
	// published beside the article's page: sorted slash paths from the
	// site folder, e.g. content/2017/05/envoy/map.png.
	Files []string
}

// Page is an undated page such as about.md.
type Page struct {
	File    string
	Name    string // the file's path under content/pages without .md: its URL
	Title   string
	Summary string
	Updated time.Time
	Params  map[string]any

	UpdatedHasTime bool // as for Article

	Markdown spool.Text
	BodyLine int
	Sum      uint64
}

// Content is everything Load found.
type Content struct {
	Articles []*Article // in file order
	Pages    []*Page    // in file order
	Issues   []*Issue   // in file order
	Warnings diag.List
}

// Load reads every Markdown file under content/ in fsys. Dates without a
// zone are read in loc. The bodies are kept in sp, or in memory when sp is
// nil. The error, when not nil, is a diag.List of every problem found.
func Load(fsys fs.FS, loc *time.Location, sp *spool.Spool) (*Content, error) {
	return load(fsys, loc, nil, sp, nil, nil)
}

// LoadCached is Load for a build that keeps what it learns in disk for
// the next one (see DiskCache), over l, a Scan of fsys. A file whose path
// and Stamp the last load kept is not read: its body is read when asked
// for, and must then still be what it was. Any other file is read and
// hashed, and parsed only when the cache does not have what it parsed to.
// A file with an error is not kept, nor one whose front matter holds a
// value the cache cannot keep as it is; see cache.go.
func LoadCached(fsys fs.FS, loc *time.Location, sp *spool.Spool, l *Listing, disk DiskCache) (*Content, error) {
	return load(fsys, loc, nil, sp, &disk, l)
}

// DiskCache is where LoadCached keeps what it learns. Both caches must be
// opened with settings that name everything a parse depends on besides
// the file: the executable and the timezone.
type DiskCache struct {
	// Parsed keeps what each file parsed to, found by the hash of its
	// bytes and its path.
	Parsed *diskcache.Cache
	// Stamps keeps the hash of each file's bytes, found by its path and
	// Stamp, for the files that had settled before the Scan's clock
	// reading: a file changed in the same tick of the clock as it was
	// read could change again unseen.
	Stamps *diskcache.Cache
}

// Cache keeps what Load made of each file, and the list of files, so that
// the next load reads only the files marked with Forget: changed, added
// or deleted ones, or folders. The dev server keeps one between rebuilds,
// and tells it what its file watcher saw. It is for one file system and
// one location.
type Cache struct {
	mu      sync.Mutex
	results map[string]result
	// files is the last listing of content/; relist is set when a file
	// it may lack, or a folder, was forgotten.
	files  *Listing
	relist bool
}

// result is what one file gave.
type result struct {
	article   *Article
	sourceKey string // the article's; see duplicates
	page      *Page
	issue     *Issue
	warnings  diag.List
	err       error
}

// Forget marks files (slash paths from the site folder) as changed.
func (c *Cache) Forget(files ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range files {
		if _, known := c.results[f]; !known {
			c.relist = true // a new file, or a folder
		}
		delete(c.results, f)
	}
}

// listing returns the files of content/, listing the folder again only
// when something may have been added or removed.
func (c *Cache) listing(fsys fs.FS) (*Listing, error) {
	c.mu.Lock()
	files, relist := c.files, c.relist || c.files == nil
	c.mu.Unlock()
	if !relist {
		// A forgotten file that is gone was deleted: list again.
		missing := false
		c.mu.Lock()
		for _, f := range files.markdown {
			if _, ok := c.results[f]; !ok {
				if _, err := fs.Stat(fsys, f); err != nil {
					missing = true
					break
				}
			}
		}
		c.mu.Unlock()
		if !missing {
			return files, nil
		}
	}
	files, err := list(fsys, time.Time{}, false)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.files, c.relist = files, false
	c.mu.Unlock()
	return files, nil
}

// Load is Load, reading only the files the cache does not hold.
func (c *Cache) Load(fsys fs.FS, loc *time.Location) (*Content, error) {
	return load(fsys, loc, c, nil, nil, nil)
}

// load loads the files of l, or of a listing of its own when l is nil,
// through cache or disk when set.
func load(fsys fs.FS, loc *time.Location, cache *Cache, sp *spool.Spool, disk *DiskCache, l *Listing) (*Content, error) {
	var err error
	switch {
	case l != nil:
	case cache != nil:
		l, err = cache.listing(fsys)
	default:
		l, err = list(fsys, time.Time{}, false)
	}
	if err != nil {
		return nil, err
	}
	files := l.markdown
	results := make([]result, len(files))
	var todo []int
	if cache != nil {
		cache.mu.Lock()
		for i, f := range files {
			if r, ok := cache.results[f]; ok {
				results[i] = r
			} else {
				todo = append(todo, i)
			}
		}
		cache.mu.Unlock()
	} else {
		todo = make([]int, len(files))
		for i := range todo {
			todo[i] = i
		}
	}
	work.Each(len(todo), func(k int) {
		n := todo[k]
		loadFile(&results[n], fsys, n, loc, sp, disk, l)
	})
	if cache != nil {
		cache.mu.Lock()
		if cache.results == nil {
			cache.results = map[string]result{}
		}
		clear(cache.results) // files gone since are dropped
		for i, f := range files {
			cache.results[f] = results[i]
		}
		cache.mu.Unlock()
	}

	c := &Content{}
	errs := append(diag.List(nil), l.errs...)
	var keys []string // of the articles
	for _, r := range results {
		errs.Add("", r.err)
		c.Warnings = append(c.Warnings, r.warnings...)
		if r.article != nil {
			r.article.Files = l.files[r.article.File]
			if w := missingImage(r.article); w != nil {
				c.Warnings = append(c.Warnings, w)
			}
			c.Articles = append(c.Articles, r.article)
			keys = append(keys, r.sourceKey)
		}
		if r.page != nil {
			c.Pages = append(c.Pages, r.page)
		}
		if r.issue != nil {
			c.Issues = append(c.Issues, r.issue)
		}
	}
	c.Warnings = append(c.Warnings, duplicates(c.Articles, keys)...)
	c.Warnings.Sort()
	return c, errs.Err()
}

// loadFile loads the i-th Markdown file of the listing l into r: from
// disk without reading it when l's Stamp of it is one disk kept, or else
// by reading it and taking what disk kept of its bytes, or parsing them.
func loadFile(r *result, fsys fs.FS, i int, loc *time.Location, sp *spool.Spool, disk *DiskCache, l *Listing) {
	file := l.markdown[i]
	st, stamped := l.markdownStamp(i)
	stamped = stamped && disk != nil
	var sk diskcache.Key
	found := false // a stamp, which may name bytes the cache lost
	if stamped {
		sk = stampKey(file, st)
		var data []byte
		if data, found = disk.Stamps.Get(sk); found {
			// The key must be one of this file, of this size.
			if key, ok := decodeKey(data); ok && key.Tag == cacheTag(file, st.Size) {
				if data, ok := disk.Parsed.Get(key); ok {
					if *r, ok = decode(data, file, unread(fsys, file, st.Size, key), loc); ok {
						return
					}
				}
			}
		}
	}
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		r.err = diag.Errorf(file, 0, 0, "%v", err)
		return
	}
	var key diskcache.Key
	kept := false
	if disk != nil {
		key = cacheKey(file, src)
		if data, ok := disk.Parsed.Get(key); ok {
			*r, kept = decode(data, file, inMemory(src), loc)
		}
	}
	if !kept {
		parseFile(r, file, src, loc)
		if disk != nil && r.err == nil {
			var data []byte
			if data, kept = encode(r, src, loc); kept {
				disk.Parsed.Put(key, data)
			}
		}
	}
	// The stat came before the read: a file whose size changed in between
	// is read again next time, and so is one changed since the Scan's
	// clock reading, since its Stamp may not have changed with it.
	switch {
	case kept && stamped && st.Size == int64(len(src)) && st.settled(l.since):
		disk.Stamps.Put(sk, encodeKey(key))
	case found:
		disk.Stamps.Drop(sk)
	}
	if sp != nil && r.err == nil {
		r.err = spoolBody(sp, r)
	}
}

// parseFile parses file, whose bytes are src, into r.
func parseFile(r *result, file string, src []byte, loc *time.Location) {
	switch {
	case isPage(file):
		r.page, r.warnings, r.err = ParsePage(file, src)
	case isIssue(file):
		r.issue, r.warnings, r.err = ParseIssue(file, src, loc)
	default:
		r.article, r.warnings, r.err = ParseArticle(file, src, loc)
		if r.article != nil {
			r.sourceKey = sourceKey(r.article)
		}
	}
}

// spoolBody moves the body r parsed into sp.
func spoolBody(sp *spool.Spool, r *result) error {
	var body *spool.Text
	switch {
	case r.article != nil:
		body = &r.article.Markdown
	case r.page != nil:
		body = &r.page.Markdown
	default:
		body = &r.issue.Markdown
	}
	md, _ := body.Get() // in memory: no error
	var err error
	*body, err = sp.Add(md)
	return err
}

func isPage(file string) bool { return strings.HasPrefix(file, PagesDir+"/") }

// fsErr drops the path an fs.PathError repeats, since the diagnostic
// already names the file.
func fsErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
