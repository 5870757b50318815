package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"syscall"

	"github.com/digest/digest/generator/internal/work"
)

// Commit makes the staged site the output: it completes the stage with
// what the new site keeps of the old one, writes the build state, and
// swaps the stage in. The output is the old site until the swap and the
// new one after it.
func (o *Output) Commit() (Stats, error) {
	defer o.Abort()
	o.load()
	stats := Stats{Written: len(o.changed), Unchanged: len(o.files) - len(o.changed)}
	tracked := o.prev.files != nil // the state read has tables, whose records o.old holds
	if o.exists && len(o.changed) == 0 && o.sameFiles() && o.outputWhole() {
		// The spare, if any, is what it was.
		o.rec.spare, o.rec.differs, o.rec.carried = o.last.spare, o.last.differs, o.last.carried
		o.rec.outStamps, o.rec.spareStamps = o.last.outStamps, o.last.spareStamps
		if o.rec.equal(o.last) {
			return stats, nil // the output is the last build's, and so is its state
		}
		o.ch.files.known, o.ch.out.known, o.ch.spare.known = tracked, tracked, tracked
		return stats, o.remark()
	}
	gone := o.dropped()
	if tracked {
		names := append(append(slices.Clone(o.changed), o.resigned...), gone...)
		o.ch.files = changed{names: names, known: true}
	}
	if o.exists {
		var err error
		if o.spare {
			err = o.refill(&stats, gone, tracked)
		} else {
			err = o.fill(&stats)
		}
		if err != nil {
			return stats, err
		}
	}
	id, now, err := writeState(o.state, o.dir, o.files, o.rec, o.prev, true, o.ch)
	if err != nil {
		return stats, err
	}
	if err := os.WriteFile(filepath.Join(o.stage, Marker), marker(id), 0o644); err != nil {
		return stats, err
	}
	if !o.exists {
		if err := os.Rename(o.stage, o.dir); err != nil {
			return stats, err
		}
		o.stage = ""
		return stats, removeStates(o.state, id, now.partFiles())
	}
	oneStep, err := o.swap()
	if err != nil {
		return stats, err
	}
	if oneStep {
		// The stage holds the old site now: it stays as the spare.
		o.keepSpare(id)
	} // else Abort removes the old site
	return stats, removeStates(o.state, id, now.partFiles())
}

// keepSpare turns the stage, which holds the old site after a swap, into
// the spare the state id names. The new site is in place already: when
// that fails, Abort removes the stage, and the next build stages in an
// empty folder.
func (o *Output) keepSpare(id string) {
	spare := filepath.Join(filepath.Dir(o.dir), o.rec.spare)
	if o.stage != spare {
		if err := os.Rename(o.stage, spare); err != nil {
			return
		}
		o.stage = spare
	}
	if err := os.WriteFile(filepath.Join(spare, spareToken), []byte(id), 0o644); err != nil {
		return
	}
	o.stage = ""
}

// outputWhole reports whether the output holds every file of the last
// build. A build staging in a spare takes the spare's files as kept
// without looking at the output (see has), which may have lost one since.
func (o *Output) outputWhole() bool {
	if !o.spare {
		return true // has looked
	}
	return o.whole()
}

// remark points the output's marker at a new state, for a build that
// wrote the same files as the last one and noted other things about
// itself: renaming the marker is the one step that switches states.
func (o *Output) remark() error {
	id, now, err := writeState(o.state, o.dir, o.files, o.rec, o.prev, false, o.ch)
	if err != nil {
		return err
	}
	tmp := filepath.Join(o.dir, markerTmp)
	if err := os.WriteFile(tmp, marker(id), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(o.dir, Marker)); err != nil {
		return err
	}
	if o.spare && !o.claimed {
		// The spare is as it was; its token names the new state.
		if err := os.WriteFile(filepath.Join(o.stage, spareToken), []byte(id), 0o644); err != nil {
			return err
		}
	}
	return removeStates(o.state, id, now.partFiles())
}

// fill completes the stage with the files of the output the new site
// keeps: the last build's files that this build kept as they were, and
// the files digest did not write. It counts the last build's files that
// are left out. It reads every folder of the output, in parallel: the
// work is system calls, which wait on the file system more than they use
// a processor. It keeps the folders' stamps for the output, once it is
// the spare.
func (o *Output) fill(stats *Stats) error {
	staged := setOf(o.changed)
	var (
		mu               sync.Mutex // guards the counts, lists and Unknown
		placed           int
		differs, carried []string // for the spare: see noteSpare
	)
	seen, err := o.look(nil, nil, func(name string) error {
		_, ours := o.files[name]
		_, before := o.old[name]
		switch {
		case ours && staged[name]:
			// The new bytes replace the old.
		case ours:
			if err := o.place(name); err != nil {
				return err
			}
			mu.Lock()
			placed++
			mu.Unlock()
		case before:
			mu.Lock()
			stats.Removed++
			differs = append(differs, name)
			mu.Unlock()
		default:
			err := o.place(name)
			mu.Lock()
			defer mu.Unlock()
			if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTDIR) {
				differs = append(differs, name) // a file of the new site has this name, or its folder's
				return nil
			}
			if err != nil {
				return err
			}
			carried = append(carried, name)
			if o.strays {
				stats.Unknown = append(stats.Unknown, name)
			}
		}
		return nil
	}, func(dir string) error {
		// digest leaves no empty folder: this one is the curator's.
		mu.Lock()
		carried = append(carried, dir+"/")
		mu.Unlock()
		return o.mkdirStage(dir)
	})
	if err != nil {
		return err
	}
	slices.Sort(stats.Unknown)
	o.noteSpare(differs, carried)
	o.rec.outStamps, o.rec.spareStamps = nil, seen.fresh
	if placed == stats.Unchanged {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(o.files)) {
		if _, err := os.Lstat(filepath.Join(o.stage, filepath.FromSlash(name))); err != nil {
			return errRemovedDuringBuild(o.dir, name)
		}
	}
	return nil
}

// errRemovedDuringBuild says that the file name of the output folder dir,
// which the new site keeps, went missing while the build ran.
func errRemovedDuringBuild(dir, name string) error {
	return fmt.Errorf("%s was removed from the output during the build; build again", filepath.Join(dir, filepath.FromSlash(name)))
}

// fsWorkers is how many goroutines work on a folder tree at once.
const fsWorkers = 8

// removeTree removes the folder dir and all it holds, the folders two
// levels down in parallel (see fill). Its marker goes last: a build
// killed while removing a tree of its own leaves a folder that is still
// recognisably digest's, which the next build removes (removeDebris)
// rather than leaves alone as someone else's.
func removeTree(dir string) error {
	var subs []string
	top, _ := os.ReadDir(dir)
	for _, e := range top {
		if !e.IsDir() {
			continue
		}
		inner, _ := os.ReadDir(filepath.Join(dir, e.Name()))
		for _, f := range inner {
			subs = append(subs, filepath.Join(dir, e.Name(), f.Name()))
		}
	}
	work.Spread(fsWorkers, len(subs), func(_, i int) {
		_ = os.RemoveAll(subs[i]) // what is left is removed below, or the error told
	})
	for _, e := range top {
		if e.Name() == Marker {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return os.RemoveAll(dir)
}

// place puts the output's file name into the stage as it is: a hard link,
// which keeps its bytes, inode and modification time, or where the file
// system has none, a copy with the same modification time.
func (o *Output) place(name string) error {
	if err := o.mkdirStage(path.Dir(name)); err != nil {
		return err
	}
	o.touch(path.Dir(name))
	src := filepath.Join(o.dir, filepath.FromSlash(name))
	dst := filepath.Join(o.stage, filepath.FromSlash(name))
	err := os.Link(src, dst)
	if err == nil || errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTDIR) {
		return err
	}
	return copyFile(src, dst)
}

// copyFile copies src to dst, which must not exist, with its mode and
// modification time; a symbolic link is copied as a link.
func copyFile(src, dst string) error {
	info, err := os.Lstat(src)
	if err != nil {
		return err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("cannot carry %s over to the new site: not a regular file, and this file system has no hard links", src)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chtimes(dst, info.ModTime(), info.ModTime())
}

// swap exchanges the stage and the output folder. Where the system cannot
// exchange them in one step, the output moves aside to .public.old-N and
// the stage takes its place: recoverDebris finishes that move when a kill
// stops it half-way.
func (o *Output) swap() (oneStep bool, err error) {
	err = exchange(o.stage, o.dir)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, syscall.EXDEV) || errors.Is(err, syscall.EBUSY) {
		return false, errMount(o.dir)
	}
	if !errors.Is(err, errNoExchange) {
		return false, err
	}
	n, ok := debrisNumber(filepath.Base(o.stage), o.dir, tmpTag)
	if !ok {
		n, _ = debrisNumber(filepath.Base(o.stage), o.dir, spareTag)
	}
	aside := filepath.Join(filepath.Dir(o.dir), debrisPrefix(o.dir, oldTag)+n)
	if err := rename(o.dir, aside); err != nil {
		if errors.Is(err, syscall.EXDEV) || errors.Is(err, syscall.EBUSY) {
			return false, errMount(o.dir)
		}
		return false, err
	}
	if err := rename(o.stage, o.dir); err != nil {
		// Put the old site back; the next Open would, too.
		return false, errors.Join(err, rename(aside, o.dir))
	}
	o.stage = aside
	return false, nil
}

// errNoExchange says that the system cannot swap two folders in one step.
var errNoExchange = errors.New("cannot exchange two folders in one step")

// rename is os.Rename; tests replace it, and exchange, to play a system
// or file system that refuses.
var rename = os.Rename
