package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
)

// Incremental is a Writer that remembers the last build, so a build whose
// inputs did not change can skip straight to the end. publish.Output is
// one.
type Incremental interface {
	Writer
	// Unchanged reports whether the last build had these inputs and is
	// still valid at now.
	Unchanged(inputs string, now time.Time) bool
	// KeepAll keeps every file of the last build as this build's output.
	KeepAll()
	// Record stores this build's inputs, valid until the given time (zero:
	// for ever), and its warnings, to be replayed when nothing changed.
	Record(inputs string, validUntil time.Time, warnings []string)
	// Warnings are the last build's warnings.
	Warnings() []string
}

// fingerprint summarises everything a build reads: the name, size and
// modification time of every file of the site's content and layouts and of
// site.yaml, the built-in theme (through the executable that embeds it),
// and the options. Editors and version control always change a file's
// modification time, so the same fingerprint means the same output.
func fingerprint(opts Options, layouts fs.FS) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "drafts=%t future=%t base=%q\n", opts.Drafts, opts.Future, opts.BaseURL)
	if exe, err := os.Executable(); err == nil {
		if info, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "exe %s %d %d\n", exe, info.Size(), info.ModTime().UnixNano())
		}
	}
	if err := stamp(h, "site", opts.Site, config.File); err != nil {
		return "", err
	}
	for _, walk := range []struct {
		label string
		fsys  fs.FS
		root  string
	}{{"site", opts.Site, content.Dir}, {"layouts", layouts, "."}} {
		err := fs.WalkDir(walk.fsys, walk.root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			return stamp(h, walk.label, walk.fsys, p)
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// stamp adds one file's name, size and time to h; a missing file counts
// as missing.
func stamp(h hash.Hash, label string, fsys fs.FS, name string) error {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		fmt.Fprintf(h, "%s %q missing\n", label, name)
		return nil
	}
	fmt.Fprintf(h, "%s %q %d %d\n", label, name, info.Size(), info.ModTime().UnixNano())
	return nil
}
