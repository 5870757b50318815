package content

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/digest/digest/generator/diag"
)

// BundleIndex is the name of an article folder's Markdown file. A folder
// below content/ (but content/ itself and content/pages/) that holds one
// is an article folder:
// every other file in it, in sub-folders too, is published beside the
// article's page, so the body's relative links and images resolve there.
const BundleIndex = "index.md"

// listing is what a walk of content/ found.
type listing struct {
	markdown []string // the Markdown files to parse, sorted
	// files maps an article folder's index.md to the other files of the
	// folder, sorted slash paths from the site folder.
	files map[string][]string
	// errs are Markdown files inside an article folder, which could be
	// meant as articles or as files to publish.
	errs diag.List
}

// list walks content/ in fsys, skipping hidden files and folders (editors'
// swap files, .git) and those starting with _.
func list(fsys fs.FS) (*listing, error) {
	var all []string
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
		if name == BundleIndex && !isPage(p) && path.Dir(p) != Dir {
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
	sort.Strings(all)
	l := &listing{files: map[string][]string{}}
	for _, p := range all {
		dir := bundleOf(p, bundles)
		md := path.Ext(p) == ".md"
		switch {
		case dir == "" && md:
			l.markdown = append(l.markdown, p)
		case dir == "":
			// Other files outside article folders are not published.
		case p == dir+"/"+BundleIndex:
			l.markdown = append(l.markdown, p)
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

// bundleOf returns the outermost article folder that holds file p, or "".
// A file's own folder counts for the files beside index.md; the
// outermost, so that an index.md in a sub-folder of an article folder is
// reported rather than taken for an article of its own.
func bundleOf(p string, bundles map[string]bool) string {
	found := ""
	for dir := path.Dir(p); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if bundles[dir] {
			found = dir
		}
	}
	return found
}
