package serve

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// quiet is how long the files must stay still before a rebuild: an
// editor's save is often several events (write, rename, chmod) in a burst.
const quiet = 10 * time.Millisecond

// Watcher rebuilds a site whenever something under its folder that a
// build reads changes: content/, layouts/ or site.yaml.
type Watcher struct {
	s    *Server
	w    *fsnotify.Watcher
	root string
}

// Watch starts watching siteDir, and folders created in it later too.
// Changes made from its return on are never missed, even those made during
// a build: call it before the first Rebuild, then Run.
func (s *Server) Watch(siteDir string) (*Watcher, error) {
	root, err := filepath.Abs(siteDir)
	if err != nil {
		return nil, err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(root); err != nil { // for site.yaml
		w.Close()
		return nil, err
	}
	for _, dir := range []string{"content", "layouts"} {
		addTree(w, filepath.Join(root, dir))
	}
	return &Watcher{s: s, w: w, root: root}, nil
}

// Run rebuilds after each change until ctx is done, then stops watching.
func (wt *Watcher) Run(ctx context.Context) {
	s, w, root := wt.s, wt.w, wt.root
	defer w.Close()
	pending := map[string]bool{}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-w.Errors:
			s.logf("watch: %v\n", err)
		case ev := <-w.Events:
			rel, ok := relevant(root, ev.Name)
			if !ok {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					// Files may land in a new folder before it is watched.
					addTree(w, ev.Name)
					for _, f := range filesUnder(root, ev.Name) {
						pending[f] = true
					}
				}
			}
			pending[rel] = true
			timer.Reset(quiet)
		case <-timer.C:
			changed := make([]string, 0, len(pending))
			for f := range pending {
				changed = append(changed, f)
			}
			slices.Sort(changed)
			clear(pending)
			_ = s.Rebuild(changed...) // the error is reported to the pages and the terminal
		}
	}
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, format, args...)
}

// relevant maps an event's file to its slash path in the site folder, and
// reports whether a build reads it: site.yaml or anything under content/
// or layouts/, but not editors' swap and backup files.
func relevant(root, name string) (string, bool) {
	rel, err := filepath.Rel(root, name)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasPrefix(base, "#") {
		return "", false
	}
	if rel == "site.yaml" || strings.HasPrefix(rel, "content/") || strings.HasPrefix(rel, "layouts/") || rel == "content" || rel == "layouts" {
		return rel, true
	}
	return "", false
}

// addTree watches dir and every folder below it.
func addTree(w *fsnotify.Watcher, dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = w.Add(p)
		}
		return nil
	})
}

// filesUnder lists the files below dir as slash paths from root.
func filesUnder(root, dir string) []string {
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if rel, ok := relevant(root, p); ok {
				files = append(files, rel)
			}
		}
		return nil
	})
	return files
}
