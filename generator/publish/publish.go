// Package publish writes a build's files to the output folder: atomically,
// incrementally, and without ever deleting what digest did not write.
//
// The contract:
//
//   - The output folder is only ever the last site or the next one, whole.
//     A build stages the complete new site in a folder beside the output
//     (.public.tmp-N for an output named public): the files it made, hard
//     links to the unchanged files of the last site, and hard links to the
//     files digest did not write (a CNAME, say). Commit then swaps the two
//     folders in one step (renameat2 with RENAME_EXCHANGE on Linux) and
//     keeps the old one beside the output as a spare (.public.spare-N),
//     in which the next build stages its site: it shares all but the
//     changed files with the output already (spare.go says how that stays
//     safe). A failed or killed build leaves the last site
//     as it was; a kill during Commit leaves the old site or the new one.
//     Where the swap in one step is not possible (another system, or a file
//     system that refuses it), Commit moves the old folder aside and the
//     new one in with two renames; a build killed between them leaves no
//     output folder, and the next Open completes the move before anything
//     else.
//   - The next Open removes what earlier builds left beside the output
//     (.public.tmp-N and .public.old-N folders holding a marker, and
//     spares that no state names as whole), and only those.
//   - A file whose bytes did not change keeps its inode, bytes and
//     modification time, so rsync or a CDN upload sends only what changed.
//     A file whose signature (a summary of everything it is made from) is
//     the same as the last build's need not even be made (Reuse), and a
//     build whose inputs did not change at all changes nothing (Unchanged).
//   - A file the last build wrote and this one did not is removed. Files
//     digest never wrote are carried over to the new site. A file this
//     build writes replaces whatever was at its name.
//   - The build state (the list of files digest wrote, their hashes, sizes and
//     signatures, the fingerprint of the inputs, the warnings) is not
//     published: it lives in the site folder, under
//     .digest/build/<hash of the output folder's path>/. The output holds
//     only the Marker, which names the state that describes it by the hash
//     of its bytes. A state is written before the site that names it is
//     swapped in and removed only after a site naming another one is in
//     place, so the state never describes files that are not there.
//   - A missing, corrupt or mismatched state costs a full render, nothing
//     else: every file is made again, and the files of the output that no
//     state describes are kept as they are and listed in Stats.Unknown, for
//     the curator to check once. They may be pages of an earlier build that
//     are gone from the site; digest cannot tell those from the curator's
//     own files, so it never deletes them.
//   - One build at a time writes to an output folder: Open takes a lock
//     in the state folder and fails at once, saying so, when another build
//     holds it.
//   - Open refuses an output folder that is "/", the home folder, the site
//     folder or one that contains it, a non-empty folder without the
//     Marker, and a mount point (which cannot be swapped), before it
//     changes anything.
//
// The guarantees hold against a build killed at any moment (the operating
// system finishes what was asked of it); Commit does not wait for the disk,
// so a power cut may lose more.
package publish

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Marker is the file that marks an output folder as digest's own. It names
// the build state that describes the folder.
const Marker = ".digest-output"

// StateDir is the folder, in the site folder, that holds what digest keeps
// between builds.
const StateDir = ".digest"

// Output is one build's output in the making.
type Output struct {
	dir    string // the output folder, absolute
	stage  string // the next site, complete at Commit
	exists bool   // whether dir existed at Open
	state  string // this output's build-state folder
	lock   *os.File

	last   record // what the last build recorded about itself
	oldID  string // the state the output's marker names
	strays bool   // whether the output may hold files no state describes
	// What the last state's tables hold, which Open decodes in the
	// background from the bytes it checked (most of its time on a big
	// site, and none of what decides the stage): read them only after
	// load. They are old, prev, was and the stamps of last. The decode
	// touches no file, so Abort need not wait for it.
	loading sync.WaitGroup
	old     map[string]file // the files of the last build
	prev    stored          // the last state as read
	was     *tree           // the folders of the last site, with a spare

	// spare is set when the stage is the spare the last build left,
	// which claim readies for change on first use.
	spare     bool
	differed  map[string]bool // the files at which the spare is not the output
	claimOnce sync.Once
	claimErr  error
	claimed   bool // the spare is being changed: it is no longer the old site

	wholeOnce sync.Once
	isWhole   bool // see whole

	mu      sync.Mutex
	made    map[string]bool // folders already created under stage
	touched map[string]bool // folders of the spare this build changed
	read    int             // folders of the output the commit read
	files   map[string]file // this build's files
	changed []string        // files staged
	rec     record
	// What the commit writes of the state is what changed since the
	// last, which the build keeps track of rather than compare the
	// state's tables whole: the files of this build that the last one
	// had, the files kept as they were under another record (their
	// signature), and what the commit changes (see changes).
	fromOld  int
	resigned []string
	ch       changes
}

// file is what the state says of one file.
type file struct {
	hash [16]byte // of the bytes: the first half of their SHA-256
	sig  uint64   // the file's signature: what the build said it is made from; 0: nothing
	size int64    // in bytes; 0 where a state before sizes gave none
}

// record is what a build notes about itself in its state.
type record struct {
	inputs     string    // fingerprint of everything the build read
	validUntil time.Time // when the output goes stale on its own; zero: never
	warnings   []string  // to repeat when the next build skips its work
	// spare names the folder beside the output that holds the site before
	// this one (see spare.go); differs lists the files at which the two
	// sites differ, and carried the files digest did not write that the
	// output held (a folder's name ends in a slash).
	spare            string
	differs, carried []string
	// outStamps and spareStamps are the stamps of the output's and the
	// spare's folders (see stamp.go); an unknown stamp is left out.
	outStamps, spareStamps map[string]stamp
}

// equal reports whether r and q would write the same state lines.
func (r record) equal(q record) bool {
	return r.inputs == q.inputs && r.validUntil.Equal(q.validUntil) && slices.Equal(r.warnings, q.warnings) &&
		r.spare == q.spare && slices.Equal(r.differs, q.differs) && slices.Equal(r.carried, q.carried) &&
		maps.Equal(r.outStamps, q.outStamps) && maps.Equal(r.spareStamps, q.spareStamps)
}

// Stats count what a commit did.
type Stats struct {
	Written, Unchanged, Removed int
	// Unknown are the files of the output, slash-separated, that this build
	// did not write and that no build state describes: kept as they were.
	// Only a build that found no state for the output has any.
	Unknown []string
}

// Open checks that dir may be written by a build of the site in siteDir and
// starts a build's output. Before anything else it completes or clears
// what an interrupted build left.
func Open(dir, siteDir string) (*Output, error) {
	abs, err := checkOutput(dir, siteDir)
	if err != nil {
		return nil, err
	}
	site, err := realPath(siteDir)
	if err != nil {
		return nil, err
	}
	o := &Output{dir: abs, state: stateFolder(site, abs), made: map[string]bool{}, touched: map[string]bool{}, files: map[string]file{}}
	if err := os.MkdirAll(o.state, 0o755); err != nil {
		return nil, err
	}
	if o.lock, err = lock(o.state, dir); err != nil {
		return nil, err
	}
	if err := o.open(); err != nil {
		o.Abort()
		return nil, err
	}
	return o, nil
}

// open does Open's work under the lock.
func (o *Output) open() error {
	if err := recoverDebris(o.dir); err != nil {
		return err
	}
	info, err := os.Stat(o.dir)
	var last lastState
	switch {
	case err == nil:
		o.exists = true
		if err := checkMount(o.dir); err != nil {
			return err
		}
		last = readState(o.dir, o.state)
		o.last, o.oldID, o.strays = last.rec, last.id, last.strays
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := removeStates(o.state, o.oldID, last.partFiles()); err != nil {
		return err
	}
	adopted := o.exists && o.adoptSpare()
	o.loading.Go(func() { o.decode(last) })
	if adopted {
		return removeSpares(o.dir, o.stage)
	}
	if err := removeSpares(o.dir, ""); err != nil {
		return err
	}
	parent := filepath.Dir(o.dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	if o.stage, err = os.MkdirTemp(parent, debrisPrefix(o.dir, tmpTag)); err != nil {
		return err
	}
	mode := fs.FileMode(0o755)
	if o.exists {
		mode = info.Mode().Perm()
	}
	if err := os.Chmod(o.stage, mode); err != nil {
		return err
	}
	// The marker makes the stage recognisably digest's from the start, so
	// that a later build may remove it if this one is killed.
	return os.WriteFile(filepath.Join(o.stage, Marker), []byte(markerHeader+"\n"), 0o644)
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

// errMount is the advice for an output folder digest cannot swap.
func errMount(dir string) error {
	return fmt.Errorf("refusing to write the site to %s: it is a mount point (or on another disk than the folder above it), "+
		"and digest replaces the output folder in one step, which a mount point does not allow; "+
		"build into a folder inside it (-o %s) and publish that, or mount the folder above it instead",
		dir, filepath.Join(dir, "site"))
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

// decode makes the maps of what the last state holds, and for a build
// that stages in the spare, the tree of the last site's folders, which
// refill walks.
func (o *Output) decode(last lastState) {
	decodeStarts()
	o.prev, o.old = last.decode()
	if last.tables != nil {
		o.last.outStamps, o.last.spareStamps = o.prev.out, o.prev.spare
	}
	if o.spare {
		// The table holds the names in order; a state from before the
		// tables, in a map.
		names := make([]string, 0, len(o.old))
		for _, p := range o.prev.tabs.files {
			names = append(names, p.names...)
		}
		if last.tables == nil {
			names = slices.AppendSeq(names, maps.Keys(o.old))
		}
		o.was = folderTree(mergeSorted(names, o.last.carried))
	}
}

// load waits until the last state's tables are decoded (see Output).
func (o *Output) load() { o.loading.Wait() }

// decodeStarts is called as Open's decode of the tables starts; tests hold
// it back, to see that nothing reads them before they are decoded.
var decodeStarts = func() {}

// WriteFile stages one file of the site; name is slash-separated and
// relative to the site root. A file with the same bytes as the last
// build's is only recorded. It is safe for concurrent use.
func (o *Output) WriteFile(name string, data []byte) error {
	return o.WriteSigned(name, data, 0)
}

// WriteSigned is WriteFile for a file whose signature is sig (0 for
// none): a summary of everything the file is made from, which the next
// build passes to Reuse.
func (o *Output) WriteSigned(name string, data []byte, sig uint64) error {
	clean, err := cleanName(name)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	f := file{sig: sig, size: int64(len(data))}
	copy(f.hash[:], sum[:])
	hash := f.hash
	o.load()
	o.mu.Lock()
	if _, dup := o.files[clean]; dup {
		o.mu.Unlock()
		return fmt.Errorf("output file %s is written twice", clean)
	}
	o.files[clean] = f
	before, had := o.old[clean]
	if had {
		o.fromOld++
	}
	o.mu.Unlock()
	if had && before.hash == hash && o.has(clean) {
		if before != f {
			o.mu.Lock()
			o.resigned = append(o.resigned, clean)
			o.mu.Unlock()
		}
		return nil // the last build's file is kept
	}
	if err := o.mkdirStage(path.Dir(clean)); err != nil {
		return err
	}
	if err := o.writeStage(clean, data); err != nil {
		return err
	}
	o.mu.Lock()
	o.changed = append(o.changed, clean)
	o.mu.Unlock()
	return nil
}

// mkdirStage makes the folder dir, slash-separated, in the stage. In a
// spare, the folders above it are made first, and what the old site has
// at one of their names that is not a folder is removed: a file, or a
// link, which a write would follow out of the stage (the curator's link
// to a folder elsewhere, carried over, where the new site has pages).
func (o *Output) mkdirStage(dir string) error {
	o.mu.Lock()
	done := o.made[dir]
	o.mu.Unlock()
	if done {
		return nil
	}
	if err := o.claim(); err != nil {
		return err
	}
	o.touch(dir)
	p := filepath.Join(o.stage, filepath.FromSlash(dir))
	if !o.spare || dir == "." {
		if err := mkdir(p); err != nil {
			return err
		}
	} else {
		if err := o.mkdirStage(parentDir(dir)); err != nil {
			return err
		}
		if err := realFolder(p); err != nil {
			return err
		}
	}
	o.mu.Lock()
	o.made[dir] = true
	o.mu.Unlock()
	return nil
}

// realFolder makes p a folder, in a folder that is one: whatever else is
// at p goes. In a spare the folder is usually there already, which one
// Lstat tells.
func realFolder(p string) error {
	for range 3 { // another writer may be making it at the same time
		info, err := os.Lstat(p)
		switch {
		case err == nil && info.IsDir():
			return nil
		case err == nil:
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		if err := os.Mkdir(p, 0o755); !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return fmt.Errorf("cannot make the folder %s: something else keeps appearing there", p)
}

// Reuse records the file name as this build's, as the last build wrote
// it, when the last build recorded the same signature sig (not 0) for it
// and the file is still there. It reports whether it did; then the file
// need not be made. It is safe for concurrent use.
func (o *Output) Reuse(name string, sig uint64) (bool, error) {
	clean, err := cleanName(name)
	if err != nil || sig == 0 {
		return false, err
	}
	o.load()
	old, ok := o.old[clean] // o.old is read-only once decoded
	if !ok || old.sig != sig {
		return false, nil
	}
	if !o.has(clean) {
		return false, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, dup := o.files[clean]; dup {
		return false, fmt.Errorf("output file %s is written twice", clean)
	}
	o.files[clean] = old
	o.fromOld++
	return true, nil
}

// has reports whether the last build's file name is there for the new
// site to keep: in the spare the build stages in, which holds it unless
// the state lists it as differing, or else in the output, from which
// Commit links it. Asking the spare costs no system call.
func (o *Output) has(name string) bool {
	if o.spare && !o.differed[name] {
		return true
	}
	_, err := os.Lstat(filepath.Join(o.dir, filepath.FromSlash(name)))
	return err == nil
}

// cleanName checks that name, a file of the site, is inside the output
// folder, and cleans it.
func cleanName(name string) (string, error) {
	clean := path.Clean(name)
	if !fs.ValidPath(clean) || clean == "." || clean == Marker || clean == markerTmp {
		return "", fmt.Errorf("output file %q is outside the output folder", name)
	}
	return clean, nil
}

// Cache is a folder in the output's build state for what a build keeps for
// the next build of this output (rendered bodies). It is never published,
// and the lock Open takes covers it.
func (o *Output) Cache() string { return filepath.Join(o.state, "cache") }

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
// now; then the output is already what this build would write, and ReuseAll
// finishes it.
func (o *Output) Unchanged(inputs string, now time.Time) bool {
	if inputs == "" || inputs != o.last.inputs {
		return false
	}
	if !o.last.validUntil.IsZero() && !now.Before(o.last.validUntil) {
		return false
	}
	return o.whole()
}

// Record notes this build's input fingerprint, how long its output stays
// valid, and its warnings, in the state Commit writes.
func (o *Output) Record(inputs string, validUntil time.Time, warnings []string) {
	o.rec = record{inputs: inputs, validUntil: validUntil, warnings: warnings}
}

// Size is the size of the file name (slash-separated, clean) as this
// build wrote or kept it, or 0 when it has no such file. It is safe once
// the build has written its files.
func (o *Output) Size(name string) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.files[name].size
}

// Warnings are the warnings the last build recorded.
func (o *Output) Warnings() []string { return o.last.warnings }

// ReuseAll records every file of the last build as written by this one.
func (o *Output) ReuseAll() {
	o.load()
	o.mu.Lock()
	defer o.mu.Unlock()
	maps.Copy(o.files, o.old)
	o.fromOld = len(o.old)
	o.rec = o.last
}

// sameFiles reports whether this build's files are the last build's,
// with the same records, once it staged none.
func (o *Output) sameFiles() bool {
	return len(o.files) == len(o.old) && o.fromOld == len(o.old) && len(o.resigned) == 0
}

// dropped lists the last build's files that this build has not: none,
// without a look at them, when it has all.
func (o *Output) dropped() []string {
	if o.fromOld == len(o.old) {
		return nil
	}
	var names []string
	for name := range o.old {
		if _, ok := o.files[name]; !ok {
			names = append(names, name)
		}
	}
	return names
}

// Abort throws the staged files away, leaving the output as it was, and
// lets the next build start. Calling it again does nothing.
func (o *Output) Abort() {
	if o.stage != "" {
		if !o.spare || o.claimed {
			_ = removeTree(o.stage)
		} // else the spare is still the old site, whole, for the next build
		o.stage = ""
	}
	if o.lock != nil {
		_ = o.lock.Close() // which releases the lock
		o.lock = nil
	}
}
