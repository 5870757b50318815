package generator

import (
	"crypto/sha256"
	"encoding/binary"
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
	// ReuseAll takes every file of the last build as this build's output.
	ReuseAll()
	// Record stores this build's inputs, valid until the given time (zero:
	// for ever), and its warnings, to be replayed when nothing changed.
	Record(inputs string, validUntil time.Time, warnings []string)
	// Warnings are the last build's warnings.
	Warnings() []string
	// WriteSigned is WriteFile for a file made from what its signature sig
	// summarises (0: unknown), and Reuse takes the last build's file of
	// that name as this build's, unmade, when it had the same signature.
	WriteSigned(name string, data []byte, sig uint64) error
	Reuse(name string, sig uint64) (bool, error)
}

// fingerprint summarises everything a build reads: the name, size and
// modification time of every file of the site's layouts and of
// site.yaml, the Stamp of every file of content (a Scan of the site's
// content/), the built-in theme (through the executable that embeds it),
// and the options. Editors and version control always change a file's
// modification time, so the same fingerprint means the same output.
func fingerprint(opts Input, layouts fs.FS, content *content.Listing) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "drafts=%t future=%t base=%q origin=%q\n", opts.Drafts, opts.Future, opts.BaseURL, opts.Origin)
	fmt.Fprintln(h, executable())
	if err := stamp(h, "site", opts.Site, config.File); err != nil {
		return "", err
	}
	// Every file of content, as its name (which holds no NUL) and its
	// Stamp's numbers, written in large pieces without formatting: there
	// may be 100,000 files.
	buf := make([]byte, 0, 64<<10)
	for name, st := range content.Stamps() {
		if len(buf) > 60<<10 {
			h.Write(buf)
			buf = buf[:0]
		}
		buf = append(buf, "content "...)
		buf = append(buf, name...)
		buf = append(buf, 0)
		for _, n := range []uint64{uint64(st.Size), uint64(st.ModTime), st.Inode, uint64(st.Change)} {
			buf = binary.LittleEndian.AppendUint64(buf, n)
		}
	}
	h.Write(buf)
	err := fs.WalkDir(layouts, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		return stamp(h, "layouts", layouts, p)
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fsClock reads the clock of the file system that holds dir: the
// modification time of a file it makes there, and removes. A Scan takes
// it as the time its stats came after (see content.Scan); it is the zero
// time when dir is "" or cannot be written.
func fsClock(dir string) time.Time {
	if dir == "" || os.MkdirAll(dir, 0o755) != nil {
		return time.Time{}
	}
	f, err := os.CreateTemp(dir, "clock-*.tmp")
	if err != nil {
		return time.Time{}
	}
	defer os.Remove(f.Name())
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return time.Time{}
	}
	return info.ModTime()
}

// executable names this build of digest, which the built-in theme and
// every way a file is made come with: its path, size and modification
// time, or "" when the system does not say.
func executable() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	info, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("exe %s %d %d", exe, info.Size(), info.ModTime().UnixNano())
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
