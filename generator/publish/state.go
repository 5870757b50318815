package publish

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The marker holds a header and the name of the state that describes the
// folder. A state is an index, one line per fact, and the parts of its
// tables (table.go): the files digest wrote, and the stamps of the
// output's and the spare's folders. The index and the marker share the
// line format of the manifest that digest kept in the output folder
// before it had a state folder, which readState still reads, as it reads
// the states that listed every file in the index before the tables.
const (
	markerHeader = "# this folder is written by digest build, which only ever deletes what it wrote here"
	stateHeader  = "# digest build state of "
	// markerTmp is where the marker is written before it replaces the old one.
	markerTmp = Marker + ".tmp"
	// manifestPrefix starts the name of a state's index; its hash
	// follows.
	manifestPrefix = "manifest-"
)

// The tags in the names of the folders a build makes beside the output.
const (
	tmpTag = "tmp" // the next site, being staged; after a swap, the old site
	oldTag = "old" // the old site, moved aside by a commit that cannot swap
)

// stateFolder is where the build state of the output folder out, of the
// site in site, lives: both paths absolute.
func stateFolder(site, out string) string {
	sum := sha256.Sum256([]byte(out))
	return filepath.Join(site, StateDir, "build", hex.EncodeToString(sum[:8]))
}

// marker is the content of the Marker file for the state id.
func marker(id string) []byte {
	return []byte(markerHeader + "\nindex " + id + "\n")
}

// lastState is what readState found of the last build.
type lastState struct {
	id     string // the state the marker names; "" for none
	rec    record // its record, but for the stamps its tables hold
	strays bool   // whether the output may hold files no state describes
	// tables holds the checked parts of a state with tables, which decode
	// reads; files, the files of a state from before them (nil tables).
	tables []checked
	files  map[string]file
}

// readState reads the state that the marker of the output folder dir
// names, in the state folder: the last build's record, and its files,
// or the parts of its tables, checked whole but not yet decoded. A
// marker or state that is missing, corrupt or does not match makes an
// empty state with strays set: the output may hold files no state
// describes.
func readState(dir, state string) lastState {
	data, err := os.ReadFile(filepath.Join(dir, Marker))
	if err != nil {
		return lastState{strays: !errors.Is(err, fs.ErrNotExist)}
	}
	ix := parseIndex(data)
	if len(ix.files) > 0 {
		// A manifest from before the state folder: its files are in the
		// marker, and no table holds them.
		return lastState{rec: ix.rec, files: ix.files}
	}
	if ix.id == "" {
		return lastState{strays: true}
	}
	id := ix.id
	data, err = os.ReadFile(filepath.Join(state, manifestPrefix+id))
	if err != nil || stateID(data) != id {
		return lastState{strays: true}
	}
	ix = parseIndex(data)
	tables, ok := readParts(state, ix)
	if !ok {
		return lastState{strays: true}
	}
	if len(ix.files) > 0 || len(ix.rec.outStamps) > 0 || len(ix.rec.spareStamps) > 0 {
		// A state from before the tables: its files and stamps are in
		// its index, and no table holds them.
		return lastState{id: id, rec: ix.rec, files: ix.files}
	}
	return lastState{id: id, rec: ix.rec, tables: tables}
}

// decode returns what the last state holds: its tables and their
// records (none for a state from before the tables), and its files.
func (l lastState) decode() (stored, map[string]file) {
	switch {
	case l.tables != nil:
		st := decodeTables(l.tables)
		return st, st.files
	case l.files != nil:
		return stored{}, l.files
	}
	return stored{}, map[string]file{}
}

// partFiles are the files of the parts of the last state's tables.
func (l lastState) partFiles() map[string]bool {
	parts := make(map[string]bool, len(l.tables))
	for _, c := range l.tables {
		parts[c.ref.file] = true
	}
	return parts
}

// partFiles are the files of the parts of st's tables.
func (st stored) partFiles() map[string]bool {
	parts := map[string]bool{}
	for _, t := range []table{st.tabs.files, st.tabs.out, st.tabs.spare} {
		for _, p := range t {
			parts[p.file] = true
		}
	}
	return parts
}

// index is what the lines of a state's index (or a marker) say.
type index struct {
	id    string // the state a marker names
	rec   record
	files map[string]file // listed in the index itself, as states before the tables did
	parts []partRef
}

// partRef is an index's line for one part: which table it belongs to,
// its file, and its size and CRC-32C, which tell a whole part from a
// damaged one.
type partRef struct {
	table, file string
	size        int
	crc         uint32
}

// parseIndex reads the lines of a state's index or a marker. An
// unreadable line is skipped: at worst a file is made again.
func parseIndex(data []byte) index {
	ix := index{files: map[string]file{}}
	rec := &ix.rec
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), " ")
		switch key {
		case "index", "state":
			// A marker names the state by "index" since the states have
			// tables: a digest from before them finds no state it knows,
			// and then keeps the output's files and makes all of its own,
			// rather than read a state without files as an empty site.
			ix.id = value
		case "inputs":
			rec.inputs = value
		case "valid-until":
			rec.validUntil, _ = time.Parse(time.RFC3339Nano, value)
		case "warning":
			rec.warnings = append(rec.warnings, value)
		case "spare":
			rec.spare = value
		case "differs":
			rec.differs = append(rec.differs, value)
		case "carried":
			rec.carried = append(rec.carried, value)
		case "part":
			f := strings.Fields(value)
			if len(f) != 4 {
				continue
			}
			size, err1 := strconv.Atoi(f[2])
			crc, err2 := strconv.ParseUint(f[3], 16, 32)
			if err1 == nil && err2 == nil {
				ix.parts = append(ix.parts, partRef{f[0], f[1], size, uint32(crc)})
			}
		case "folder":
			out, rest, _ := strings.Cut(value, " ")
			spare, name, _ := strings.Cut(rest, " ")
			if fs.ValidPath(name) && name != "." {
				if st := parseStamp(out); st.known() {
					rec.outStamps = setStamp(rec.outStamps, name, st)
				}
				if st := parseStamp(spare); st.known() {
					rec.spareStamps = setStamp(rec.spareStamps, name, st)
				}
			}
		case "file":
			sums, name, ok := strings.Cut(value, " ")
			if ok && fs.ValidPath(name) {
				hash, sig, _ := strings.Cut(sums, "+")
				var f file
				if _, err := hex.Decode(f.hash[:], []byte(hash)); err != nil || len(hash) != 2*len(f.hash) {
					continue // made again
				}
				f.sig, _ = strconv.ParseUint(sig, 16, 64) // none or unreadable: 0, never kept unmade
				ix.files[name] = f
			}
		}
	}
	return ix
}

func setStamp(m map[string]stamp, name string, st stamp) map[string]stamp {
	if m == nil {
		m = map[string]stamp{}
	}
	m[name] = st
	return m
}

// parseStamp reads a folder's stamp as states before the tables wrote
// it, its inode and change time in hexadecimal; anything else is unknown,
// which only costs a folder read.
func parseStamp(s string) stamp {
	ino, ctime, ok := strings.Cut(s, ":")
	if !ok {
		return stamp{}
	}
	i, err1 := strconv.ParseUint(ino, 16, 64)
	c, err2 := strconv.ParseInt(ctime, 16, 64)
	if err1 != nil || err2 != nil {
		return stamp{}
	}
	return stamp{i, c}
}

// stateID names a state by the hash of its index's bytes, which also
// tells a whole index from a damaged one; the index names each part by
// the hash of its bytes and gives its CRC.
func stateID(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// writeState writes the state of the output folder dir into the state
// folder: the parts of its tables that changed since prev, the state
// read, and its index. Each goes through a temporary file, so none is
// ever half-written. It returns the index's id and what the state
// holds now. The stamps of the output and of the spare trade places at
// a swap (the output becomes the spare), so each table of stamps starts
// from the one that holds the same tree's. ch lists the records that
// changed, where the commit kept track; the others are found by comparing
// the tables whole.
func writeState(state, dir string, files map[string]file, rec record, prev stored, swapped bool, ch changes) (string, stored, error) {
	now := stored{files: files, out: rec.outStamps, spare: rec.spareStamps}
	baseOut, baseSpare := prev.tabs.out, prev.tabs.spare
	outOf, spareOf := prev.out, prev.spare
	if swapped {
		baseOut, baseSpare, outOf, spareOf = baseSpare, baseOut, spareOf, outOf
	}
	if !ch.files.known {
		ch.files.names = changedNames(prev.files, files)
	}
	if !ch.out.known {
		ch.out.names = changedNames(outOf, rec.outStamps)
	}
	if !ch.spare.known {
		ch.spare.names = changedNames(spareOf, rec.spareStamps)
	}
	var err error
	if now.tabs.files, err = prev.tabs.files.update(state, ch.files.names, func(name string) bool {
		_, ok := files[name]
		return ok
	}, func(b []byte, name string) []byte { return appendFile(b, name, files[name]) }); err != nil {
		return "", stored{}, err
	}
	if now.tabs.out, err = updateStamps(state, baseOut, ch.out.names, rec.outStamps); err != nil {
		return "", stored{}, err
	}
	if now.tabs.spare, err = updateStamps(state, baseSpare, ch.spare.names, rec.spareStamps); err != nil {
		return "", stored{}, err
	}
	var b strings.Builder
	b.WriteString(stateHeader + dir + "\n")
	if rec.inputs != "" {
		b.WriteString("inputs " + rec.inputs + "\n")
	}
	if !rec.validUntil.IsZero() {
		b.WriteString("valid-until " + rec.validUntil.UTC().Format(time.RFC3339Nano) + "\n")
	}
	for _, w := range rec.warnings {
		b.WriteString("warning " + strings.ReplaceAll(w, "\n", " ") + "\n")
	}
	if rec.spare != "" {
		b.WriteString("spare " + rec.spare + "\n")
	}
	for _, name := range rec.differs {
		b.WriteString("differs " + name + "\n")
	}
	for _, name := range rec.carried {
		b.WriteString("carried " + name + "\n")
	}
	for _, t := range []struct {
		name string
		t    table
	}{{tableFiles, now.tabs.files}, {tableOut, now.tabs.out}, {tableSpare, now.tabs.spare}} {
		for _, p := range t.t {
			fmt.Fprintf(&b, "part %s %s %d %x\n", t.name, p.file, p.size, p.crc)
		}
	}
	data := []byte(b.String())
	id := stateID(data)
	if err := writeNew(filepath.Join(state, manifestPrefix+id), data); err != nil {
		return "", stored{}, err
	}
	return id, now, nil
}

// changes are the names whose records a commit changed, table by table,
// relative to the state it read (for the stamps: to the table that held
// the same tree's, see writeState).
type changes struct {
	files, out, spare changed
}

// changed lists the names of one table whose records may have changed;
// when known is false, the commit did not keep track.
type changed struct {
	names []string
	known bool
}

// updateStamps is writeState's update of one table of folder stamps.
func updateStamps(state string, t table, changed []string, now map[string]stamp) (table, error) {
	return t.update(state, changed, func(name string) bool {
		_, ok := now[name]
		return ok
	}, func(b []byte, name string) []byte { return appendStamp(b, name, now[name]) })
}

// writeNew writes data to the file name through a temporary file.
func writeNew(name string, data []byte) error {
	if err := os.WriteFile(name+".tmp", data, 0o644); err != nil {
		return err
	}
	return os.Rename(name+".tmp", name)
}

// removeStates removes the indexes and parts in the state folder other
// than the index keep and the parts it names: those of earlier builds
// and any a killed build left half-written.
func removeStates(state, keep string, parts map[string]bool) error {
	entries, err := os.ReadDir(state)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		stale := strings.HasPrefix(name, manifestPrefix) && name != manifestPrefix+keep ||
			strings.HasPrefix(name, partPrefix) && !parts[name]
		if stale {
			if err := os.Remove(filepath.Join(state, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// debrisPrefix starts the name of a folder a build of the output folder
// dir makes beside it: .public.tmp- for an output named public. A random
// number follows.
func debrisPrefix(dir, tag string) string {
	return "." + filepath.Base(dir) + "." + tag + "-"
}

// debrisNumber returns the number in name when name is that of a folder a
// build of the output folder dir makes beside it, with the tag.
func debrisNumber(name, dir, tag string) (string, bool) {
	n, ok := strings.CutPrefix(name, debrisPrefix(dir, tag))
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return "", false
	}
	return n, true
}

// recoverDebris completes or clears what interrupted builds of the output
// folder dir left: when a commit that could not swap in one step was
// stopped between its two renames, it moves the new site (or, failing
// that, the old one) into place; then it removes the stages and old sites
// beside dir, and a marker left half-written in it.
func recoverDebris(dir string) error {
	parent := filepath.Dir(dir)
	entries, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var tmps, olds []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if n, ok := debrisNumber(e.Name(), dir, tmpTag); ok {
			tmps = append(tmps, n)
		} else if n, ok := debrisNumber(e.Name(), dir, oldTag); ok {
			olds = append(olds, n)
		}
	}
	path := func(tag, n string) string { return filepath.Join(parent, debrisPrefix(dir, tag)+n) }
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) && len(olds) > 0 {
		// The old site was moved aside only once the new one was complete.
		n := olds[0]
		from := path(oldTag, n)
		if i := slices.Index(tmps, n); i >= 0 {
			from = path(tmpTag, n)
			tmps = slices.Delete(tmps, i, i+1)
		} else {
			olds = olds[1:]
		}
		if err := os.Rename(from, dir); err != nil {
			return err
		}
	}
	for _, n := range tmps {
		if err := removeDebris(path(tmpTag, n)); err != nil {
			return err
		}
	}
	for _, n := range olds {
		if err := removeDebris(path(oldTag, n)); err != nil {
			return err
		}
	}
	if err := os.Remove(filepath.Join(dir, markerTmp)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// removeDebris removes the folder p, named like a build's, when it is
// recognisably digest's: it holds a marker, or nothing.
func removeDebris(p string) error {
	if _, err := os.Lstat(filepath.Join(p, Marker)); err != nil {
		if entries, err := os.ReadDir(p); err != nil || len(entries) > 0 {
			return nil // someone else's: leave it be
		}
	}
	return removeTree(p)
}
