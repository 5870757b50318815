// Package publish writes a build's files to the output folder: atomically,
// incrementally, and without ever deleting what digest did not write.
//
// The contract:
//
//   - A failed build changes nothing: files are staged in a temporary
//     folder beside the output folder, and Commit moves them in only once
//     the whole build succeeded.
//   - A file whose bytes did not change is not rewritten, so it keeps its
//     modification time and rsync or a CDN upload sends only what changed.
//     The manifest (the Marker file) records each file digest wrote, a
//     hash of its bytes and, when the build gave one, its signature: a
//     summary of everything the file is made from. A file whose signature
//     is the same as the last build's need not even be made (Keep).
//   - A file the last build wrote and this one did not is removed. Files
//     digest never wrote are left alone.
//   - Open refuses an output folder that is "/", the home folder, the site
//     folder or one that contains it, or a non-empty folder without the
//     Marker file.
package publish

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Marker is the manifest digest keeps in an output folder; its presence
// marks the folder as digest's own.
const Marker = ".digest-output"

const manifestHeader = "# digest output manifest v1: this folder is written by digest build"

// Output is one build's output in the making.
type Output struct {
	dir    string // the output folder, absolute
	stage  string // where changed files wait for Commit
	exists bool   // whether dir existed at Open

	old  map[string]file // manifest of the last build
	last record          // what the last build recorded about itself

	mu      sync.Mutex
	made    map[string]bool // folders already created under stage
	files   map[string]file // this build's files
	changed []string        // files staged, to move in at Commit
	rec     record
}

// file is what the manifest says of one file.
type file struct {
	hash string // of the bytes
	sign uint64 // what the build said the file is made from; 0: nothing
}

// equal reports whether r and q would write the same manifest lines.
func (r record) equal(q record) bool {
	return r.inputs == q.inputs && r.validUntil.Equal(q.validUntil) && slices.Equal(r.warnings, q.warnings)
}

// record is what a build notes about itself in the manifest.
type record struct {
	inputs     string    // fingerprint of everything the build read
	validUntil time.Time // when the output goes stale on its own; zero: never
	warnings   []string  // to repeat when the next build skips its work
}

// Stats count what a commit did.
type Stats struct {
	Written, Unchanged, Removed int
}

// Open checks that dir may be written by a build of the site in siteDir and
// starts a build's output.
func Open(dir, siteDir string) (*Output, error) {
	abs, err := checkOutput(dir, siteDir)
	if err != nil {
		return nil, err
	}
	o := &Output{dir: abs, made: map[string]bool{}, files: map[string]file{}}
	if _, err := os.Stat(abs); err == nil {
		o.exists = true
		if o.old, o.last, err = readManifest(filepath.Join(abs, Marker)); err != nil {
			return nil, err
		}
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if o.stage, err = os.MkdirTemp(parent, "."+filepath.Base(abs)+".tmp-"); err != nil {
		return nil, err
	}
	if err := os.Chmod(o.stage, 0o755); err != nil {
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

// WriteFile stages one file of the site; name is slash-separated and
// relative to the site root. A file with the same bytes as the last
// build's is only recorded. It is safe for concurrent use.
func (o *Output) WriteFile(name string, data []byte) error {
	return o.WriteSigned(name, data, 0)
}

// WriteSigned is WriteFile for a file whose signature is sign (0 for
// none): a summary of everything the file is made from, which the next
// build passes to Keep.
func (o *Output) WriteSigned(name string, data []byte, sign uint64) error {
	clean, err := cleanName(name)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:16])
	o.mu.Lock()
	if _, dup := o.files[clean]; dup {
		o.mu.Unlock()
		return fmt.Errorf("output file %s is written twice", clean)
	}
	o.files[clean] = file{hash, sign}
	same := o.old[clean].hash == hash
	dir := path.Dir(clean)
	need := !o.made[dir]
	o.mu.Unlock()
	if same {
		if _, err := os.Lstat(filepath.Join(o.dir, filepath.FromSlash(clean))); err == nil {
			return nil
		}
	}
	if need {
		if err := mkdir(filepath.Join(o.stage, filepath.FromSlash(dir))); err != nil {
			return err
		}
		o.mu.Lock()
		o.made[dir] = true
		o.mu.Unlock()
	}
	if err := os.WriteFile(filepath.Join(o.stage, filepath.FromSlash(clean)), data, 0o644); err != nil {
		return err
	}
	o.mu.Lock()
	o.changed = append(o.changed, clean)
	o.mu.Unlock()
	return nil
}

// Keep records the file name as this build's, as the last build wrote it,
// when the last build recorded the same signature sign (not 0) for it and
// the file is still there. It reports whether it did; then the file need
// not be made. It is safe for concurrent use.
func (o *Output) Keep(name string, sign uint64) (bool, error) {
	clean, err := cleanName(name)
	if err != nil || sign == 0 {
		return false, err
	}
	old, ok := o.old[clean] // o.old is only read after Open
	if !ok || old.sign != sign {
		return false, nil
	}
	if _, err := os.Lstat(filepath.Join(o.dir, filepath.FromSlash(clean))); err != nil {
		return false, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, dup := o.files[clean]; dup {
		return false, fmt.Errorf("output file %s is written twice", clean)
	}
	o.files[clean] = old
	return true, nil
}

// cleanName checks that name, a file of the site, is inside the output
// folder, and cleans it.
func cleanName(name string) (string, error) {
	clean := path.Clean(name)
	if !fs.ValidPath(clean) || clean == "." || clean == Marker {
		return "", fmt.Errorf("output file %q is outside the output folder", name)
	}
	return clean, nil
}

// Scratch is a folder on the output's disk for the build's scratch files.
// It is the staging folder: a file still in it at Commit is published.
func (o *Output) Scratch() string { return o.stage }

// mkdir makes dir. Its parent is usually there already, as a site's files
// come folder by folder: then it costs one system call, where MkdirAll
// costs three.
func mkdir(dir string) error {
	err := os.Mkdir(dir, 0o755)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return nil // made by another writer at the same time, perhaps
	}
	return os.MkdirAll(dir, 0o755)
}

// Unchanged reports whether inputs, a fingerprint of everything a build
// reads, is the same as the last build's, and that build is still valid at
// now; then the output is already what this build would write, and KeepAll
// finishes it.
func (o *Output) Unchanged(inputs string, now time.Time) bool {
	if inputs == "" || inputs != o.last.inputs {
		return false
	}
	if !o.last.validUntil.IsZero() && !now.Before(o.last.validUntil) {
		return false
	}
	for name := range o.old {
		if _, err := os.Lstat(filepath.Join(o.dir, filepath.FromSlash(name))); err != nil {
			return false
		}
	}
	return true
}

// Record notes this build's input fingerprint, how long its output stays
// valid, and its warnings, in the manifest Commit writes.
func (o *Output) Record(inputs string, validUntil time.Time, warnings []string) {
	o.rec = record{inputs, validUntil, warnings}
}

// Warnings are the warnings the last build recorded.
func (o *Output) Warnings() []string { return o.last.warnings }

// KeepAll records every file of the last build as written by this one.
func (o *Output) KeepAll() {
	o.mu.Lock()
	defer o.mu.Unlock()
	maps.Copy(o.files, o.old)
	o.rec = o.last
}

// Commit moves the staged files into the output folder, removes the files
// of the last build that this one did not write, and records the manifest.
func (o *Output) Commit() (Stats, error) {
	defer o.Abort()
	stats := Stats{Written: len(o.changed), Unchanged: len(o.files) - len(o.changed)}
	if !o.exists {
		// A first build: the staging folder becomes the output whole.
		if err := writeManifest(filepath.Join(o.stage, Marker), o.files, o.rec); err != nil {
			return stats, err
		}
		return stats, os.Rename(o.stage, o.dir)
	}
	slices.Sort(o.changed)
	made := map[string]bool{}
	for _, name := range o.changed {
		dst := filepath.Join(o.dir, filepath.FromSlash(name))
		if dir := filepath.Dir(dst); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return stats, err
			}
			made[dir] = true
		}
		if err := os.Rename(filepath.Join(o.stage, filepath.FromSlash(name)), dst); err != nil {
			return stats, err
		}
	}
	var stale []string
	for name := range o.old {
		if _, ok := o.files[name]; !ok {
			stale = append(stale, name)
		}
	}
	slices.Sort(stale)
	for _, name := range stale {
		p := filepath.Join(o.dir, filepath.FromSlash(name))
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return stats, err
		}
		stats.Removed++
		removeEmptyParents(o.dir, filepath.Dir(p))
	}
	if stats.Written == 0 && stats.Removed == 0 && o.rec.equal(o.last) {
		return stats, nil // the manifest would be the same: leave it be too
	}
	return stats, writeManifest(filepath.Join(o.dir, Marker), o.files, o.rec)
}

// removeEmptyParents removes dir and its parents up to root while they are
// empty, so a removed tag leaves no empty folder behind.
func removeEmptyParents(root, dir string) {
	for dir != root && strings.HasPrefix(dir, root+string(filepath.Separator)) {
		if os.Remove(dir) != nil { // not empty, or not ours to remove
			return
		}
		dir = filepath.Dir(dir)
	}
}

// Abort throws the staged files away, leaving the output as it was.
func (o *Output) Abort() {
	_ = os.RemoveAll(o.stage)
}

// readManifest reads the files and the record a build left. An unreadable
// line is skipped: at worst a file is written again.
func readManifest(manifest string) (map[string]file, record, error) {
	var rec record
	f, err := os.Open(manifest)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]file{}, rec, nil
	}
	if err != nil {
		return nil, rec, err
	}
	defer f.Close()
	files := map[string]file{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), " ")
		switch key {
		case "inputs":
			rec.inputs = value
		case "valid-until":
			rec.validUntil, _ = time.Parse(time.RFC3339Nano, value)
		case "warning":
			rec.warnings = append(rec.warnings, value)
		case "file":
			sums, name, ok := strings.Cut(value, " ")
			if ok && fs.ValidPath(name) {
				hash, sign, _ := strings.Cut(sums, "+")
				n, _ := strconv.ParseUint(sign, 16, 64) // none or unreadable: 0, never kept unmade
				files[name] = file{hash, n}
			}
		}
	}
	return files, rec, sc.Err()
}

// writeManifest writes the manifest through a temporary file, so it is
// never half-written.
func writeManifest(manifest string, files map[string]file, rec record) error {
	var b strings.Builder
	b.WriteString(manifestHeader + "\n")
	if rec.inputs != "" {
		b.WriteString("inputs " + rec.inputs + "\n")
	}
	if !rec.validUntil.IsZero() {
		b.WriteString("valid-until " + rec.validUntil.UTC().Format(time.RFC3339Nano) + "\n")
	}
	for _, w := range rec.warnings {
		b.WriteString("warning " + strings.ReplaceAll(w, "\n", " ") + "\n")
	}
	for _, f := range slices.Sorted(maps.Keys(files)) {
		b.WriteString("file " + files[f].hash)
		if sign := files[f].sign; sign != 0 {
			b.WriteString("+" + strconv.FormatUint(sign, 16))
		}
		b.WriteString(" " + f + "\n")
	}
	tmp := manifest + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, manifest)
}
