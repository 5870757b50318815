package publish

import (
	"errors"
	"io/fs"
	"iter"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// A commit that swaps the new site in leaves the old one beside the output
// as a spare (.public.spare-N) instead of removing it, and the next build
// stages its site in the spare: that site shares nearly all its files with
// the output already, as hard links to the same inodes, so the build does
// not link every file of the site into an empty folder and then remove
// every file of the old one, which on a site of 10,000 pages costs seconds
// of system calls for an edit of one page.
//
// What keeps it safe:
//
//   - The state names the spare and lists the files at which the spare
//     differs from the output (differs) and the files digest did not write
//     that the output held (carried). The spare holds a token naming that
//     state; a spare without it, or with another, is debris, removed
//     unused.
//   - The token goes before the first change to the spare (claim), so a
//     build killed while changing it leaves debris, never a spare that is
//     not what the state says.
//   - A file is never written through a hard link: writeStage removes
//     whatever is at a name before it writes there, so the output's files
//     keep their bytes.
//   - The commit looks at the output as fill does, reading the folders
//     whose stamps changed (stamp.go), so files the curator added to it,
//     removed from it or replaced in it since the last build are carried
//     over, gone and replaced in the new site.
//   - The folders a build makes in the spare are real folders: a file or
//     link of the old site at the name of one goes first, so no write
//     follows a link out of the stage.
//   - Only a swap in one step leaves a spare; where the swap takes two
//     renames, the old site is removed as before.
const (
	spareTag = "spare"
	// spareToken, at the top of a spare, holds the id of the state that
	// describes it.
	spareToken = ".digest-spare"
)

// adoptSpare makes the spare that the last build left the stage, when its
// state names one and the spare's token names that state.
func (o *Output) adoptSpare() bool {
	name := o.last.spare
	if name == "" || o.oldID == "" {
		return false
	}
	if _, ok := debrisNumber(name, o.dir, spareTag); !ok {
		return false
	}
	dir := filepath.Join(filepath.Dir(o.dir), name)
	token, err := os.ReadFile(filepath.Join(dir, spareToken))
	if err != nil || string(token) != o.oldID {
		return false
	}
	o.stage, o.spare, o.differed = dir, true, setOf(o.last.differs)
	return true
}

// removeSpares removes the spares beside the output folder dir other than
// keep: those that no state names any more, and those a killed build left
// half-changed.
func removeSpares(dir, keep string) error {
	entries, err := os.ReadDir(filepath.Dir(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(filepath.Dir(dir), e.Name())
		if _, ok := debrisNumber(e.Name(), dir, spareTag); ok && e.IsDir() && p != keep {
			if err := removeDebris(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// spareName is the name the stage, once swapped out, has as a spare.
func (o *Output) spareName() string {
	if o.spare {
		return filepath.Base(o.stage)
	}
	n, _ := debrisNumber(filepath.Base(o.stage), o.dir, tmpTag)
	return debrisPrefix(o.dir, spareTag) + n
}

// claim readies an adopted spare for change, once, before anything in it
// changes: it removes the token. The files at which the spare is not the
// output stay until refill, which removes those this build did not write
// over: a build that adds an article writes most of them again (the home
// pages, shifted by one), and removing them all first kept every writer
// waiting at the first write.
func (o *Output) claim() error {
	if !o.spare {
		return nil
	}
	o.claimOnce.Do(func() {
		if err := os.Remove(filepath.Join(o.stage, spareToken)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			o.claimErr = err
			return
		}
		o.claimed = true
	})
	return o.claimErr
}

// unstage removes the file name, slash-separated, from the stage, with the
// folders above it that it leaves empty. A folder at the name is the new
// site's, and stays.
func (o *Output) unstage(name string) error {
	o.touch(path.Dir(path.Clean(name)))
	p := filepath.Join(o.stage, filepath.FromSlash(name))
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, fs.ErrExist) {
			return nil // gone, or the new site's folder, or under the new site's file
		}
		return err
	}
	for dir := path.Dir(path.Clean(name)); dir != "."; dir = path.Dir(dir) {
		err := os.Remove(filepath.Join(o.stage, filepath.FromSlash(dir)))
		if err != nil {
			break // not empty, or gone: the folders above stay
		}
		o.mu.Lock()
		delete(o.made, dir)
		o.mu.Unlock()
	}
	return nil
}

// writeStage writes a file of the new site into the stage. In a spare,
// a file at its name that is the spare's alone is written over in place;
// whatever else is there (a hard link to the output's file, a folder) is
// removed first, and so is a file where one of its folders goes.
func (o *Output) writeStage(name string, data []byte) error {
	p := filepath.Join(o.stage, filepath.FromSlash(name))
	if !o.spare {
		return os.WriteFile(p, data, 0o644)
	}
	if done, err := rewrite(p, data); done || err != nil {
		return err
	}
	o.touch(path.Dir(name))
	if err := os.RemoveAll(p); err != nil && !errors.Is(err, syscall.ENOTDIR) {
		return err
	}
	err := os.WriteFile(p, data, 0o644)
	if !errors.Is(err, syscall.ENOTDIR) {
		return err
	}
	// A file of the old site where the new one has a folder.
	for dir := name; dir != "."; {
		dir = path.Dir(dir)
		if info, err := os.Lstat(filepath.Join(o.stage, filepath.FromSlash(dir))); err == nil && !info.IsDir() {
			if err := os.Remove(filepath.Join(o.stage, filepath.FromSlash(dir))); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// rewrite writes data over the file p of the spare, in place, when the
// file is the spare's alone (see soleFile): the files the last build
// wrote, which the spare holds as the site before it. It reports whether
// it did. Making a file costs the file system far more than writing one
// it has (a new inode: some tenths of a millisecond on ext4, where the
// write itself takes a few hundredths), and a build that adds an article
// writes most of the files the last one did (the home pages, shifted by
// one). The folder keeps its entries, so its stamp stays good.
func rewrite(p string, data []byte) (bool, error) {
	if !soleFile(p) {
		return false, nil
	}
	f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false, nil // the slow way tells what is wrong
	}
	_, err = f.WriteAt(data, 0)
	if err == nil {
		err = f.Truncate(int64(len(data)))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return true, err
}

// refill completes an adopted spare as fill completes an empty stage. The
// spare holds the output's files already, but for those the last state
// lists as differing (refill removes them, unless written over, and
// links them); refill
// removes the files the new site drops, and carries over the files digest
// did not write as the output holds them now. It reads only the folders
// of the output whose stamps changed since the last build (stamp.go): in
// the others, the files are those the state lists.
//
// gone lists the last build's files that this build dropped, and tracked
// says whether the commit keeps track of what changes in the state's
// tables (see changes).
func (o *Output) refill(stats *Stats, gone []string, tracked bool) error {
	if err := o.claim(); err != nil {
		return err
	}
	staged, differed, carried := setOf(o.changed), o.differed, setOf(o.last.carried)
	// The files at which the spare was not the output, but for those
	// written over, go first (in order: a link goes before the names
	// below it), so that the names the spare holds are the output's.
	for _, name := range o.last.differs {
		if !staged[name] {
			if err := o.unstage(name); err != nil {
				return err
			}
		}
	}
	var (
		mu               sync.Mutex // guards what follows
		seen             = map[string]bool{}
		differs, carries []string
	)
	note := func(list *[]string, name string) {
		mu.Lock()
		*list = append(*list, name)
		mu.Unlock()
	}
	// visit handles a file the output holds.
	visit := func(name string) error {
		_, ours := o.files[name]
		_, before := o.old[name]
		switch {
		case ours && staged[name]:
		case ours:
			if differed[name] {
				return o.place(name)
			}
		case before:
			// The new site drops it: see below.
		default:
			if carried[name] && !differed[name] && sameFile(filepath.Join(o.dir, filepath.FromSlash(name)), filepath.Join(o.stage, filepath.FromSlash(name))) {
				note(&carries, name)
				return nil
			}
			if carried[name] {
				if err := o.unstage(name); err != nil {
					return err
				}
			}
			err := o.place(name)
			if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTDIR) {
				note(&differs, name) // a file of the new site has this name, or its folder's
				return nil
			}
			if err != nil {
				return err
			}
			note(&carries, name)
		}
		return nil
	}
	kept := o.last.outStamps
	if kept == nil {
		kept = map[string]stamp{}
	}
	sight, err := o.look(kept, o.was, func(name string) error {
		mu.Lock()
		seen[name] = true
		mu.Unlock()
		return visit(name)
	}, func(dir string) error {
		note(&carries, dir+"/")
		return o.mkdirStage(dir)
	})
	if err != nil {
		return err
	}
	trusted := sight.trusted
	// In a trusted folder, the output holds the files the state lists:
	// those of the last build and those it carried. Of these, only those
	// the spare lacks and the carried ones need a look.
	present := func(name string) bool {
		if seen[name] {
			return true
		}
		_, before := o.old[name]
		return trusted[parentDir(name)] && (before || carried[name])
	}
	for _, name := range slices.Sorted(maps.Keys(setOf(append(slices.Clone(o.last.differs), o.last.carried...)))) {
		if dir, ok := strings.CutSuffix(name, "/"); ok {
			if trusted[dir] {
				// An empty folder of the curator's, still empty.
				carries = append(carries, name)
				if err := o.mkdirStage(dir); err != nil {
					return err
				}
			}
			continue
		}
		if !seen[name] && present(name) {
			if err := visit(name); err != nil {
				return err
			}
		}
	}
	// What the new site drops, and what the curator removed from the
	// output since the spare was made.
	for _, name := range gone {
		if present(name) {
			stats.Removed++
			differs = append(differs, name)
		}
		if err := o.unstage(name); err != nil {
			return err
		}
	}
	now := setOf(carries)
	for name := range carried {
		switch {
		case now[name] || staged[name]:
		case strings.HasSuffix(name, "/"):
			// An empty folder, unless the curator put files in it since.
			_ = o.unstage(strings.TrimSuffix(name, "/"))
		default:
			if err := o.unstage(name); err != nil {
				return err
			}
		}
	}
	// A file of this build that it did not stage is one of the last
	// build's, in one of the last site's folders: present if that is
	// trusted, which a look in the few that are not settles, cheaper
	// than one in all that are. The last build's names, in the order of
	// its table, take less time to go through than this build's, in a
	// map, whose names lie all over memory.
	untrusted := sight.untrusted(o.was)
	for name := range o.lastFiles() {
		if !untrusted[parentDir(name)] || seen[name] || staged[name] {
			continue
		}
		if _, ours := o.files[name]; !ours {
			continue
		}
		if differed[name] {
			return errRemovedDuringBuild(o.dir, name)
		}
		// Kept from the spare, but gone from the output: the output,
		// once the spare, will not have it.
		differs = append(differs, name)
	}
	for _, name := range carries {
		if dir, ok := strings.CutSuffix(name, "/"); ok {
			// An empty folder of the curator's, which removing what
			// was in it may have taken away.
			if err := mkdir(filepath.Join(o.stage, filepath.FromSlash(dir))); err != nil {
				return err
			}
			o.touch(dir)
		}
	}
	o.noteSpare(differs, carries)
	spare, names := sight.stamps(kept)
	o.ch.spare = changed{names: names, known: tracked}
	return o.noteFolders(spare, tracked)
}

// lastFiles yields the names of the last build's files: in order, from
// its table, where it has one.
func (o *Output) lastFiles() iter.Seq[string] {
	if o.prev.files == nil {
		return maps.Keys(o.old)
	}
	return func(yield func(string) bool) {
		for _, p := range o.prev.tabs.files {
			for _, name := range p.names {
				if !yield(name) {
					return
				}
			}
		}
	}
}

// noteFolders records in the state the stamps of the folders of the new
// site, as the stage holds it, and those of the output, spare, for when it
// is the spare. A folder of the stage that this build did not change
// keeps the stamp it had as the output, so the stamps are those of the
// spare, but for the folders the build touched: those are stamped now,
// and kept only if old enough (see stamp.go). A folder the new site no
// longer has keeps a stamp only while it is there as it was, which tells
// the next build nothing it could miss: a folder whose entries were the
// site's was touched when they went. The last state's stamps of the
// spare, which nothing reads any more, become the new site's.
func (o *Output) noteFolders(spare map[string]stamp, tracked bool) error {
	stage, err := newStamper(o.stage)
	if err != nil {
		return err
	}
	defer stage.close()
	since, err := o.clock()
	if err != nil {
		return err
	}
	out := o.last.spareStamps
	if out == nil {
		out = map[string]stamp{}
	}
	touched := make([]string, 0, len(o.touched))
	for dir := range o.touched {
		touched = append(touched, dir)
		delete(out, dir)
		if now, ok := stage.stamp(dir); ok && now.ctime < since {
			out[dir] = now
		}
	}
	o.rec.outStamps, o.rec.spareStamps = out, spare
	o.ch.out = changed{names: touched, known: tracked}
	return nil
}

// noteSpare records in the state what the stage, swapped out, will be as
// a spare: where it differs from the new site (the files staged, and
// those of differs) and what it carried.
func (o *Output) noteSpare(differs, carried []string) {
	o.rec.spare = o.spareName()
	o.rec.differs = append(slices.Clone(o.changed), differs...)
	slices.Sort(o.rec.differs)
	o.rec.differs = slices.Compact(o.rec.differs)
	o.rec.carried = slices.Sorted(slices.Values(carried))
}

// sameFile reports whether a and b are the same file: hard links to one
// inode.
func sameFile(a, b string) bool {
	ia, err := os.Lstat(a)
	if err != nil {
		return false
	}
	ib, err := os.Lstat(b)
	return err == nil && os.SameFile(ia, ib)
}

func setOf(names []string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}
