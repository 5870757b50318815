// Package publish writes a build's files to the output folder, atomically
// and without ever deleting what digest did not write.
//
// Files go into a fresh temporary folder beside the output folder; Commit
// swaps it in only when the whole build succeeded, so a failed build leaves
// the last good output untouched. Open refuses an output folder that is
// "/", the home folder, the site folder or one that contains it, or a
// non-empty folder without the marker file that digest leaves in every
// folder it writes.
package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// Marker is the file digest leaves in an output folder to recognise it as
// its own on the next build.
const Marker = ".digest-output"

const markerText = "This folder is written by digest build, which replaces it on every build.\n"

// Output is one build's output in the making.
type Output struct {
	dir string // the output folder, absolute
	tmp string // where this build writes

	mu      sync.Mutex
	made    map[string]bool // folders already created under tmp
	written map[string]bool // files written, to catch two writes of one file
}

// Open checks that dir may be written by a build of the site in siteDir and
// starts a build's output beside it.
func Open(dir, siteDir string) (*Output, error) {
	abs, err := checkOutput(dir, siteDir)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(abs)+".tmp-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	o := &Output{dir: abs, tmp: tmp, made: map[string]bool{".": true}, written: map[string]bool{}}
	if err := o.WriteFile(Marker, []byte(markerText)); err != nil {
		o.Abort()
		return nil, err
	}
	return o, nil
}

// checkOutput applies the safety rules and returns dir made absolute, with
// symbolic links resolved.
func checkOutput(dir, siteDir string) (string, error) {
	abs, err := realPath(dir)
	if err != nil {
		return "", err
	}
	site, err := realPath(siteDir)
	if err != nil {
		return "", err
	}
	refuse := func(why string) (string, error) {
		return "", fmt.Errorf("refusing to write the site to %s: %s", dir, why)
	}
	if abs == filepath.Dir(abs) {
		return refuse("it is the root folder")
	}
	if home, err := os.UserHomeDir(); err == nil {
		if h, err := realPath(home); err == nil && h == abs {
			return refuse("it is your home folder")
		}
	}
	if abs == site {
		return refuse("it is the site folder")
	}
	if rel, err := filepath.Rel(abs, site); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return refuse("it contains the site folder")
	}
	info, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return abs, nil
	}
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return refuse("it is a file")
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return "", err
	}
	if len(entries) == 0 {
		return abs, nil
	}
	if _, err := os.Stat(filepath.Join(abs, Marker)); err != nil {
		return refuse(fmt.Sprintf("it is not empty and digest did not write it (no %s file); empty it or choose another folder with -o", Marker))
	}
	return abs, nil
}

// realPath makes p absolute and resolves symbolic links in the part of it
// that exists.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for cur := abs; ; cur = filepath.Dir(cur) {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest), nil
		}
		if cur == filepath.Dir(cur) {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
	}
}

// Dir is the output folder the build will replace.
func (o *Output) Dir() string { return o.dir }

// WriteFile writes one file of the site; name is slash-separated and
// relative to the site root. It is safe for concurrent use.
func (o *Output) WriteFile(name string, data []byte) error {
	clean := path.Clean(name)
	if !fs.ValidPath(clean) || clean == "." {
		return fmt.Errorf("output file %q is outside the output folder", name)
	}
	dir := path.Dir(clean)
	o.mu.Lock()
	if o.written[clean] {
		o.mu.Unlock()
		return fmt.Errorf("output file %s is written twice", clean)
	}
	o.written[clean] = true
	need := !o.made[dir]
	o.mu.Unlock()
	if need {
		if err := os.MkdirAll(filepath.Join(o.tmp, filepath.FromSlash(dir)), 0o755); err != nil {
			return err
		}
		o.mu.Lock()
		o.made[dir] = true
		o.mu.Unlock()
	}
	return os.WriteFile(filepath.Join(o.tmp, filepath.FromSlash(clean)), data, 0o644)
}

// Commit puts the new output in place of the old one.
func (o *Output) Commit() error {
	old := ""
	if _, err := os.Stat(o.dir); err == nil {
		// Move the old output aside under a fresh name, then swap; each
		// step is a rename, so the output folder is never half-written.
		aside, err := os.MkdirTemp(filepath.Dir(o.dir), "."+filepath.Base(o.dir)+".old-")
		if err != nil {
			return err
		}
		if err := os.Remove(aside); err != nil {
			return err
		}
		if err := os.Rename(o.dir, aside); err != nil {
			return err
		}
		old = aside
	}
	if err := os.Rename(o.tmp, o.dir); err != nil {
		if old != "" {
			_ = os.Rename(old, o.dir)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Abort throws the build's files away, leaving the old output as it was.
func (o *Output) Abort() {
	_ = os.RemoveAll(o.tmp)
}
