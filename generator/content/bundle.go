package content

import (
	"io/fs"
	"iter"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/internal/work"
)

// BundleIndex is the name of an article folder's Markdown file. A folder
// below content/ (but content/ itself, content/pages/ and content/issues/)
// that holds one
// is an article folder: every other file in it, in sub-folders too, is
// published beside the article's page, so the body's relative links and
// images resolve there. Another Markdown file inside it is an error: it
// could be meant as an article or as a file to publish.
const BundleIndex = "index.md"

// Listing is what a walk of content/ found: the files a build reads or
// publishes, and with Scan, their Stamps.
type Listing struct {
	markdown []string // the Markdown files to parse, sorted
	// at is, with Scan, the place of each of markdown in all.
	at []int
	// files maps an article folder's index.md to the other files of the
	// folder, sorted slash paths from the site folder.
	files map[string][]string
	// errs are Markdown files inside an article folder, which could be
	// meant as articles or as files to publish.
	errs diag.List
	// all are the files listed, sorted; stamps their Stamps, by place,
	// when the walk took them, and stamped says which it took (not a
	// file whose stat failed: a read will tell why); since is the file
	// system's clock before it did.
	all     []string
	stamps  []Stamp
	stamped []bool
	since   time.Time
}

// Scan walks content/ in fsys as Load does, and stats every file it
// lists. since is the file system's clock (the modification time of a
// file made for the purpose), read before the walk; LoadCached trusts
// the Stamp of a file next time only when the file had settled by then,
// and the zero time trusts none.
func Scan(fsys fs.FS, since time.Time) (*Listing, error) {
	return list(fsys, since, true)
}

// Stamps yields every file of the listing, in name order, with its
// Stamp; the zero Stamp when it has none.
func (l *Listing) Stamps() iter.Seq2[string, Stamp] {
	return func(yield func(string, Stamp) bool) {
		for i, name := range l.all {
			st, _ := l.stamp(i)
			if !yield(name, st) {
				return
			}
		}
	}
}

// stamp is the Stamp of all[i], and whether the walk took it.
func (l *Listing) stamp(i int) (Stamp, bool) {
	if l.stamps == nil || !l.stamped[i] {
		return Stamp{}, false
	}
	return l.stamps[i], true
}

// markdownStamp is the Stamp of markdown[i], and whether the walk took
// it.
func (l *Listing) markdownStamp(i int) (Stamp, bool) {
	if l.at == nil {
		return Stamp{}, false
	}
	return l.stamp(l.at[i])
}

// list walks content/ in fsys, skipping hidden files and folders (editors'
// swap files, .git) and those starting with _, and with stat, takes the
// Stamp of every file it lists, following symbolic links as a read does.
func list(fsys fs.FS, since time.Time, stat bool) (*Listing, error) {
	var all []string
	var entries []fs.DirEntry    // of all, with stat
	bundles := map[string]bool{} // folders holding an index.md
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
		if d.IsDir() || !d.Type().IsRegular() && path.Ext(name) != ".md" {
			return nil
		}
		all = append(all, p)
		if stat {
			entries = append(entries, d)
		}
		if name == BundleIndex && !isPage(p) && !isIssue(p) && path.Dir(p) != Dir {
			bundles[path.Dir(p)] = true
		}
		return nil
	})
	if err != nil {
		if _, ok := err.(*diag.Diagnostic); !ok {
			return nil, diag.Errorf(Dir, 0, 0, "%v", err)
		}
		return nil, err
	}
	l := &Listing{files: map[string][]string{}, since: since}
	if stat {
		stamps, stamped := stampAll(fsys, all, entries)
		l.all, l.stamps, l.stamped = sortStamped(all, stamps, stamped)
	} else {
		sort.Strings(all)
		l.all = all
	}
	for i, p := range l.all {
		dir := bundleOf(p, bundles)
		md := path.Ext(p) == ".md"
		switch {
		case dir == "" && md, p == dir+"/"+BundleIndex:
			l.markdown = append(l.markdown, p)
			if stat {
				l.at = append(l.at, i)
			}
		case dir == "":
			// Other files outside article folders are not published.
		case md && path.Base(p) == BundleIndex:
			l.errs = append(l.errs, diag.Errorf(p, 0, 0, "an article folder inside the article folder %s/: its files would belong to both; move the folder out of %s/ to make it an article of its own", dir, dir))
		case md:
			l.errs = append(l.errs, diag.Errorf(p, 0, 0, "a Markdown file inside the article folder %s/ is neither an article nor a file to publish: move it out of the folder to make it an article, or rename it (.txt) to publish it beside %s", dir, BundleIndex))
		default:
			index := dir + "/" + BundleIndex
			l.files[index] = append(l.files[index], p)
		}
	}
	return l, nil
}

// statRun is how many files of one folder a worker of stampAll stats
// at a time.
const statRun = 512

// sortStamped sorts the files a walk found, and their stamps with them:
// the Stamp of each and whether it has one. A walk lists each folder's
// files by name, so the files are nearly sorted already.
func sortStamped(files []string, stamps []Stamp, stamped []bool) ([]string, []Stamp, []bool) {
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return strings.Compare(files[i], files[j]) })
	sorted, sortedStamps, sortedStamped := make([]string, len(files)), make([]Stamp, len(files)), make([]bool, len(files))
	for i, j := range order {
		sorted[i], sortedStamps[i], sortedStamped[i] = files[j], stamps[j], stamped[j]
	}
	return sorted, sortedStamps, sortedStamped
}

// stampAll returns the Stamps of the files, found by a walk in this
// order with these entries, and whether a stat told each. The files of a folder
// on disk are stat'ed by their names in the open folder, rather than by
// paths the system walks again from the site's folder (a third of the
// time, on Linux), in runs of statRun on every core: a site of 100,000
// articles has as many files.
func stampAll(fsys fs.FS, files []string, entries []fs.DirEntry) ([]Stamp, []bool) {
	// Runs of files of one folder, which a walk lists one after the
	// other but for those of its sub-folders.
	var runs [][2]int
	for i := range files {
		n := len(runs)
		if n == 0 || i-runs[n-1][0] == statRun || parent(files[i]) != parent(files[i-1]) {
			runs = append(runs, [2]int{i, i})
			n++
		}
		runs[n-1][1] = i + 1
	}
	// Other file systems than a folder on disk may take long to open a
	// folder (fstest.MapFS looks through all its files): the first
	// folder tells which kind fsys is.
	onDisk := false
	if len(files) > 0 {
		if dir, err := fsys.Open(parent(files[0])); err == nil {
			onDisk = statAt(dir) != nil
			dir.Close()
		}
	}
	stamps := make([]Stamp, len(files))
	known := make([]bool, len(files))
	work.Each(len(runs), func(r int) {
		lo, hi := runs[r][0], runs[r][1]
		var at func(name string) (Stamp, bool)
		if onDisk {
			if dir, err := fsys.Open(parent(files[lo])); err == nil {
				defer dir.Close()
				at = statAt(dir)
			}
		}
		for i := lo; i < hi; i++ {
			if at != nil {
				stamps[i], known[i] = at(entries[i].Name())
				continue
			}
			var info fs.FileInfo
			var err error
			if entries[i].Type()&fs.ModeSymlink != 0 {
				info, err = fs.Stat(fsys, files[i])
			} else {
				info, err = entries[i].Info()
			}
			if err == nil {
				stamps[i], known[i] = StampOf(info), true
			}
		}
	})
	return stamps, known
}

// bundleOf returns the outermost article folder that holds file p, or "".
// The outermost, so that an index.md in a sub-folder of an article folder
// is reported rather than taken for an article of its own.
func bundleOf(p string, bundles map[string]bool) string {
	found := ""
	if len(bundles) == 0 {
		return found
	}
	for dir := parent(p); dir != "." && dir != ""; dir = parent(dir) {
		if bundles[dir] {
			found = dir
		}
	}
	return found
}

// parent is the folder of p, a clean slash path that a walk gave, or "."
// for a name without a folder: path.Dir without the cleaning, which
// costs an allocation for every file of a large site.
func parent(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "."
	}
	return p[:i]
}

// missingImage warns when a's image is a path relative to its page that
// stays inside the page's folder (map.png, img/map.png) but names no file
// of its article folder: it would be a broken image on the page, in
// og:image and in feeds. A path that climbs out (../x.png) is the
// curator's to keep right.
func missingImage(a *Article) *diag.Diagnostic {
	img := a.Image
	if i := strings.IndexAny(img, "?#"); i >= 0 {
		img = img[:i]
	}
	if img == "" || strings.HasPrefix(img, "/") || strings.Contains(img, ":") && !strings.Contains(img[:strings.IndexByte(img, ':')], "/") {
		return nil
	}
	rel := path.Clean(img)
	if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		return nil
	}
	if path.Base(a.File) != BundleIndex || path.Dir(a.File) == Dir {
		return diag.Errorf(a.File, a.ImageLine, 0, "image: %q is relative to the article's page, but the article is no article folder: make it one (%s/%s beside the image) or give a path from the site's root", a.Image, strings.TrimSuffix(a.File, ".md"), BundleIndex)
	}
	dir := path.Dir(a.File)
	if unescaped, err := url.PathUnescape(rel); err == nil {
		rel = unescaped
	}
	if !slices.Contains(a.Files, dir+"/"+rel) {
		return diag.Errorf(a.File, a.ImageLine, 0, "image: %q is no file of the article folder %s/", a.Image, dir)
	}
	return nil
}
