package inbox

import (
	"errors"
	"io/fs"
	"path"
	"time"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/urlnorm"
)

// RejectedFile lists, in the site folder, the stories the curator turned
// down: one normalised address (urlnorm.Normalize) a line, optionally
// followed by a tab and the headline; blank lines and lines starting
// with # are skipped. It sits beside subscriptions.opml, not in the
// build-state folder, for it is the curator's decision and goes with the
// site to another machine.
const RejectedFile = "rejected.txt"

// Seen is the set of stories the digest has, by the key of their
// addresses (urlnorm.Key), each with where it was found: an article's or
// a draft's file, or RejectedFile.
type Seen struct {
	where map[string]string
}

// LoadSeen reads the source_url of every article and draft under
// content/ in the site fsys, and RejectedFile. A file that cannot be read
// or parsed is passed over: reporting it is the build's job. It fails
// only when content/ cannot be walked at all.
func LoadSeen(fsys fs.FS) (*Seen, error) {
	s := &Seen{where: map[string]string{}}
	if rej, _, err := LoadRejected(fsys); err == nil {
		for _, r := range rej.List {
			s.Add(r.URL, RejectedFile)
		}
	}
	err := fs.WalkDir(fsys, content.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == content.Dir {
				return err
			}
			return nil // an unreadable folder is the build's to report
		}
		if d.IsDir() && p == content.PagesDir {
			return fs.SkipDir
		}
		if d.IsDir() || path.Ext(p) != ".md" {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		// A file with a mistake elsewhere in its front matter still says
		// which story it is about.
		a, _, _ := content.ParseArticle(p, src, time.UTC)
		if a != nil && a.SourceURL != "" {
			s.Add(a.SourceURL, p)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return s, err
}

// Add records the story at url as found in where. An address that is not
// one is passed over.
func (s *Seen) Add(url, where string) {
	if k, err := urlnorm.Key(url); err == nil {
		if _, ok := s.where[k]; !ok {
			s.where[k] = where
		}
	}
}

// Where returns where the story at url was found, and whether it was.
func (s *Seen) Where(url string) (string, bool) {
	k, err := urlnorm.Key(url)
	if err != nil {
		return "", false
	}
	w, ok := s.where[k]
	return w, ok
}
