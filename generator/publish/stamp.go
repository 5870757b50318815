package publish

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/digest/digest/generator/internal/work"
)

// A commit that stages in the spare must carry over what the curator
// added to the output since the last build, and drop what the curator
// removed from it. Reading every folder of the output to find out costs
// a system call per folder and per file: 16,000 folders on a site of
// 10,000 articles, for an edit of one page. Folder stamps spare most of
// that.
//
// A folder's stamp is its inode number and its change time (ctime),
// which the system sets whenever an entry is added to the folder,
// removed from it or renamed in it, and which no program can set back.
// The state keeps, for each folder of the output, the stamp the build
// that made it left it with (out), and for each folder of the spare, the
// stamp it had when the last build saw it as the output (spare). The
// next build stats every folder of the output, from the top down, and
// reads only those whose stamp is not the one kept: a folder whose stamp
// is the same holds what the state says, the files digest wrote there
// and those it carried, and its subfolders are the state's too.
//
// What keeps it safe:
//
//   - A file system stamps a change with the time of a coarse clock (a
//     tick of a few milliseconds on Linux, two seconds on FAT), so a
//     change in the same tick as the stat that took a stamp can leave the
//     stamp as it was. A stamp is therefore kept only when it is older
//     than the file system's own time just before that stat, read from a
//     file the build writes then (clock): a later change gets a later
//     time, so no later change can match a stamp that is kept. The
//     folders a build changes are mostly too new for their stamps to be
//     kept; the next build reads them, a handful for an edit.
//   - The top of the output, which holds the marker, is always read, and
//     a folder is trusted only below a folder that was trusted or read,
//     so a folder replaced by a link to another is read as a file.
//   - A build changes the stage only through the functions that note
//     the folders they change (touch); the others keep the stamp they
//     had when they were the output.
//   - A state without stamps, or where the system has none (outside
//     Linux), reads every folder, as before: it costs time, not files.

// stamp is a folder's inode and change time; the zero stamp is unknown.
type stamp struct {
	ino   uint64
	ctime int64 // nanoseconds since 1970
}

func (s stamp) known() bool { return s != stamp{} }

// grain is the tick, in nanoseconds, to which stamps and the clock are
// cut. It is 1 on a real system; tests make it coarse to play a file
// system whose clock ticks slowly.
var grain int64 = 1

// stamper stats the folders of one tree, by their names relative to its
// top.
type stamper struct {
	top *os.File
}

func newStamper(dir string) (*stamper, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	return &stamper{top: f}, nil
}

// stamp returns the stamp of the folder name, slash-separated; ok is
// false when it is not a folder or the system gives no stamp.
func (s *stamper) stamp(name string) (stamp, bool) {
	st, ok := folderStamp(s.top, filepath.FromSlash(name))
	if !ok {
		return stamp{}, false
	}
	st.ctime -= st.ctime % grain
	return st, true
}

func (s *stamper) close() { s.top.Close() }

// clock writes the stage's marker and returns the file system's time
// then: a stamp older than it cannot be matched by a later change. It
// returns 0, which keeps no stamp, where the system tells no time.
func (o *Output) clock() (int64, error) {
	p := filepath.Join(o.stage, Marker)
	if err := os.WriteFile(p, []byte(markerHeader+"\n"), 0o644); err != nil {
		return 0, err
	}
	t, ok := changeTime(p)
	if !ok {
		return 0, nil
	}
	return t - t%grain, nil
}

// touch notes that the folder dir of the stage, slash-separated, changed,
// and the folders above it too, which costs a stat each at the commit and
// keeps the rule simple: a folder not touched is as it was.
func (o *Output) touch(dir string) {
	if !o.spare {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for ; dir != "." && !o.touched[dir]; dir = path.Dir(dir) {
		o.touched[dir] = true
	}
}

// look walks the folders of the output from the top. It reads a folder
// unless its stamp is the one kept[dir] (then it is trusted, and not
// read), and calls file for each file of the folders it reads and empty
// for each empty folder below the top. subs lists the subfolders of each
// folder, as the state describes the output.
func (o *Output) look(kept map[string]stamp, subs *tree, file, empty func(name string) error) (*sight, error) {
	top, err := newStamper(o.dir)
	if err != nil {
		return nil, err
	}
	defer top.close()
	since, err := o.clock()
	if err != nil {
		return nil, err
	}
	var (
		mu    sync.Mutex // guards seen
		walks = work.NewLimit(fsWorkers)
		seen  = &sight{trusted: make(map[string]bool, len(kept)), fresh: map[string]stamp{}}
	)
	var walk func(dir string) error
	walk = func(dir string) error {
		if dir != "." {
			k, had := kept[dir]
			had = had && k.known()
			st, ok := top.stamp(dir)
			same := ok && had && k == st && subs != nil
			mu.Lock()
			if had {
				seen.walked++
				if !same {
					seen.unsure = append(seen.unsure, dir)
				}
			}
			if same {
				seen.trusted[dir] = true
			} else if ok && st.ctime < since {
				seen.fresh[dir] = st
			}
			mu.Unlock()
			if same {
				for _, sub := range subs.subs[dir] {
					if err := walks.Go(func() error { return walk(sub) }); err != nil {
						return err
					}
				}
				return nil
			}
		}
		mu.Lock()
		o.read++
		seen.read = append(seen.read, dir)
		mu.Unlock()
		entries, err := os.ReadDir(filepath.Join(o.dir, filepath.FromSlash(dir)))
		if errors.Is(err, fs.ErrNotExist) && dir != "." {
			return nil // gone since the folder above was read, or since the state
		}
		if err != nil {
			return err
		}
		if len(entries) == 0 && dir != "." {
			return empty(dir)
		}
		for _, e := range entries {
			name := path.Join(dir, e.Name())
			if e.IsDir() {
				if err := walks.Go(func() error { return walk(name) }); err != nil {
					return err
				}
				continue
			}
			if name == Marker || name == markerTmp || name == spareToken {
				continue
			}
			if err := file(name); err != nil {
				return err
			}
		}
		return nil
	}
	err = walk(".")
	if err := errors.Join(walks.Wait(), err); err != nil {
		return nil, err
	}
	return seen, nil
}

// sight is what look saw of the output's folders.
type sight struct {
	trusted map[string]bool  // those whose stamp was the one kept
	fresh   map[string]stamp // the stamps of the others, where old enough to keep
	unsure  []string         // those that had a kept stamp and were read
	walked  int              // those that had a kept stamp
	read    []string         // those read, the top among them
}

// untrusted returns the folders of the tree subs (which look was given)
// that are not trusted: those read, and those below them that look did
// not reach, as the output no longer has them. Trust is given only below
// a folder trusted or read, and look walks every subfolder of a trusted
// one, so these are all the others, and few.
func (s *sight) untrusted(subs *tree) map[string]bool {
	out := setOf(s.read)
	var below func(dir string)
	below = func(dir string) {
		for _, sub := range subs.subs[dir] {
			if !out[sub] && !s.trusted[sub] {
				out[sub] = true
				below(sub)
			}
		}
	}
	for _, dir := range s.read {
		below(dir)
	}
	return out
}

// stamps returns the stamps the state may keep for the output's folders,
// once the output is the spare: those of the trusted folders, as kept,
// and the fresh ones. It makes them of kept, the map look was given,
// which it changes, and lists the folders whose stamp is not the one
// kept: those read and those look did not reach (under a folder that is
// gone), which only a pass over all of kept finds, when there are any.
func (s *sight) stamps(kept map[string]stamp) (map[string]stamp, []string) {
	reached := s.walked == len(kept)
	changed := s.unsure
	for _, dir := range s.unsure {
		delete(kept, dir)
	}
	if !reached {
		for dir := range kept {
			if !s.trusted[dir] {
				delete(kept, dir)
				changed = append(changed, dir)
			}
		}
	}
	for dir, st := range s.fresh {
		kept[dir] = st
		changed = append(changed, dir)
	}
	return kept, changed
}

// whole reports whether the output holds every file of the last build.
// A folder whose stamp is the one the state keeps for it holds the files
// the state lists there; the files of the others are looked for one by
// one. So a build whose inputs did not change costs a stat per folder,
// not per file, and a file the curator removed since is still missed. It
// looks once per build.
func (o *Output) whole() bool {
	o.load()
	o.wholeOnce.Do(func() { o.isWhole = o.lookWhole() })
	return o.isWhole
}

func (o *Output) lookWhole() bool {
	kept := o.last.outStamps
	trusted := make(map[string]bool, len(kept))
	if len(kept) > 0 {
		top, err := newStamper(o.dir)
		if err != nil {
			return false
		}
		defer top.close()
		dirs := make([]string, 0, len(kept))
		for dir := range kept {
			dirs = append(dirs, dir)
		}
		same := make([]bool, len(dirs))
		work.Spread(fsWorkers, len(dirs), func(_, i int) {
			st, ok := top.stamp(dirs[i])
			same[i] = ok && st == kept[dirs[i]]
		})
		for i, dir := range dirs {
			if same[i] {
				trusted[dir] = true
			}
		}
	}
	var check []string
	for name := range o.old {
		if !trusted[parentDir(name)] {
			check = append(check, name)
		}
	}
	var missing atomic.Bool
	work.Spread(fsWorkers, len(check), func(_, i int) {
		if _, err := os.Lstat(filepath.Join(o.dir, filepath.FromSlash(check[i]))); err != nil {
			missing.Store(true)
		}
	})
	return !missing.Load()
}

// tree is the folders of a site below its top, each with its
// subfolders ("." is the top).
type tree struct {
	subs map[string][]string
}

// folderTree makes the tree of the folders that hold names: the files
// of a site and its empty folders (ending in a slash), in the order of
// their names. In that order, the names below a folder come one after
// another, so a folder that does not hold the name before, nor is above
// it, is new: the tree costs a look at each name's neighbour, not a
// look-up per name. Names out of order are sorted first.
func folderTree(names []string) *tree {
	if !slices.IsSorted(names) {
		names = slices.Sorted(slices.Values(names))
	}
	t := &tree{subs: map[string][]string{}}
	last := ""
	for _, name := range names {
		dir := ""
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			dir = name[:i]
		}
		if dir == last {
			continue
		}
		// The folders of dir below the deepest one it shares with last
		// are new.
		start := shared(dir, last)
		last = dir
		for start < len(dir) {
			end := len(dir)
			if i := strings.IndexByte(dir[start:], '/'); i >= 0 {
				end = start + i
			}
			parent := "."
			if start > 0 {
				parent = dir[:start-1]
			}
			t.subs[parent] = append(t.subs[parent], dir[:end])
			start = end + 1
		}
	}
	return t
}

// shared returns where the name of the first folder of a that is not
// also b's or one above b starts: past the deepest folder the two
// folders share, which is "" for the top, itself included.
func shared(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	if n == len(a) && (n == len(b) || b[n] == '/') {
		return n // a is b, or above it
	}
	if n == len(b) && a[n] == '/' {
		return n + 1
	}
	return strings.LastIndexByte(a[:n], '/') + 1
}

// mergeSorted merges two lists of names, each in order.
func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0] < a[0] {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// parentDir is path.Dir for a clean name, without cleaning it again.
func parentDir(name string) string {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "."
	}
	return name[:i]
}
