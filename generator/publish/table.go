package publish

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync/atomic"

	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/internal/work"
)

// The state's records (a file digest wrote, a folder's stamp) are many:
// 177,000 files and as many folders on a site of 100,000 articles. A
// build that changes a few of them must not read, sort and write them
// all as text. So each kind of record is a table kept in parts: runs of
// records in the order of their names, each a file of the state folder
// named by the hash of its bytes, which the index lists with its size and
// CRC-32C. A part begins at the table's first name and at every name whose
// hash ends in partBits zero bits, so the parts are a function of the
// names alone: a build writes only the parts whose records changed, and
// the parts of the last state it did not change stay as they are, named
// by the new index too.
//
// What keeps it safe:
//
//   - A part is written (through a temporary file) before the index that
//     names it, and the index before the marker that names the index;
//     parts no index in use names are removed only after the marker names
//     another (removeStates).
//   - A part that is missing, of another size, or whose CRC is not the
//     index's makes the whole state unknown, as a missing state is: the
//     build makes every file, and keeps the output's files it cannot
//     account for (Stats.Unknown). It never trusts half a state.
//   - A part's records are read in full or not at all: a record cut short
//     or a name that is not a clean path within the output is damage.
//   - Open checks every part, its size, CRC and records, before it
//     decides anything on the state's word (where to stage, which files
//     no state describes); only making the maps of the records, which
//     cannot fail then, goes on in the background while the build starts
//     (Output.load waits for it).

const (
	partPrefix = "part-"
	// partBits sets the parts' size: 2^9, 512 records, on average.
	partBits = 9
)

// The tables, by their name in the index.
const (
	tableFiles = "files" // the files digest wrote
	tableOut   = "out"   // the stamps of the output's folders
	tableSpare = "spare" // the stamps of the spare's folders
)

// table is one kind of record of a state, as the parts that hold it, in
// the order of their names.
type table []part

// part is one file of a table.
type part struct {
	file  string // its name in the state folder: partPrefix and a hash of its bytes
	size  int
	crc   uint32
	names []string // of its records, in order
}

// stored is what a state holds: its tables and their records.
type stored struct {
	tabs       struct{ files, out, spare table }
	files      map[string]file
	out, spare map[string]stamp
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checked is a part as read, its bytes the index's and its records whole.
type checked struct {
	ref     partRef
	data    string
	records int
}

// readParts reads the parts ix lists and checks them, or reports that one
// is missing or damaged. Checking costs a read of the bytes and a walk
// over the records; making the maps of them (decodeTables) costs several
// times that, which Open leaves to the background. The parts are many
// (a thousand on a site of 100,000 articles), so it reads them in
// parallel: nothing else of the build is running yet.
func readParts(state string, ix index) ([]checked, bool) {
	parts := make([]checked, len(ix.parts))
	var bad atomic.Bool
	work.Each(len(parts), func(i int) {
		ref := ix.parts[i]
		data, err := os.ReadFile(filepath.Join(state, ref.file))
		if err != nil || len(data) != ref.size || crc32.Checksum(data, castagnoli) != ref.crc {
			bad.Store(true)
			return
		}
		c := checked{ref: ref, data: string(data), records: -1}
		switch ref.table {
		case tableFiles:
			c.records = eachFile(c.data, nil)
		case tableOut, tableSpare:
			c.records = eachStamp(c.data, nil)
		}
		if c.records < 0 {
			bad.Store(true)
		}
		parts[i] = c
	})
	return parts, !bad.Load()
}

// decodeTables makes the tables of the parts readParts checked, and the
// maps of their records.
func decodeTables(parts []checked) stored {
	var size [3]int
	for _, c := range parts {
		switch c.ref.table {
		case tableFiles:
			size[0] += c.records
		case tableOut:
			size[1] += c.records
		case tableSpare:
			size[2] += c.records
		}
	}
	st := stored{files: make(map[string]file, size[0])}
	if size[1] > 0 {
		st.out = make(map[string]stamp, size[1])
	}
	if size[2] > 0 {
		st.spare = make(map[string]stamp, size[2])
	}
	for _, c := range parts {
		p := part{file: c.ref.file, size: c.ref.size, crc: c.ref.crc, names: make([]string, 0, c.records)}
		switch c.ref.table {
		case tableFiles:
			eachFile(c.data, func(name string, f file) {
				st.files[name] = f
				p.names = append(p.names, name)
			})
			st.tabs.files = append(st.tabs.files, p)
		case tableOut:
			st.out = ensure(st.out)
			eachStamp(c.data, func(name string, s stamp) {
				st.out[name] = s
				p.names = append(p.names, name)
			})
			st.tabs.out = append(st.tabs.out, p)
		case tableSpare:
			st.spare = ensure(st.spare)
			eachStamp(c.data, func(name string, s stamp) {
				st.spare[name] = s
				p.names = append(p.names, name)
			})
			st.tabs.spare = append(st.tabs.spare, p)
		}
	}
	return st
}

func ensure(m map[string]stamp) map[string]stamp {
	if m == nil {
		return map[string]stamp{}
	}
	return m
}

// A file's record is its name, the hash of its bytes, its signature and
// its size; a folder's, its name, inode and change time. Numbers are
// varints, a name is its length and its bytes.

func appendFile(b []byte, name string, f file) []byte {
	b = appendName(b, name)
	b = append(b, f.hash[:]...)
	b = binary.AppendUvarint(b, f.sig)
	return binary.AppendUvarint(b, uint64(f.size))
}

func appendStamp(b []byte, name string, s stamp) []byte {
	b = appendName(b, name)
	b = binary.AppendUvarint(b, s.ino)
	return binary.AppendVarint(b, s.ctime)
}

func appendName(b []byte, name string) []byte {
	b = binary.AppendUvarint(b, uint64(len(name)))
	return append(b, name...)
}

// reader reads the records of one part; names are cut from the part's
// string, so a table costs one string per part.
type reader struct {
	s   string
	bad bool
}

func (r *reader) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(r.s) == 0 {
			break
		}
		c := r.s[0]
		r.s = r.s[1:]
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
	r.bad = true
	return 0
}

func (r *reader) bytes(n uint64) string {
	if uint64(len(r.s)) < n {
		r.bad = true
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

func (r *reader) name() string {
	name := r.bytes(r.uvarint())
	if !fs.ValidPath(name) || name == "." {
		r.bad = true
	}
	return name
}

// eachFile calls fn, unless nil, with each file record of the part s in
// turn, and returns how many there are, or -1 when they are not whole.
// Open checks a part with fn nil, then decodes it.
func eachFile(s string, fn func(string, file)) int {
	r := reader{s: s}
	n := 0
	for ; len(r.s) > 0; n++ {
		name := r.name()
		var f file
		copy(f.hash[:], r.bytes(uint64(len(f.hash))))
		f.sig = r.uvarint()
		f.size = int64(r.uvarint())
		if r.bad {
			return -1
		}
		if fn != nil {
			fn(name, f)
		}
	}
	return n
}

// eachStamp is eachFile for a part of stamps.
func eachStamp(s string, fn func(string, stamp)) int {
	r := reader{s: s}
	n := 0
	for ; len(r.s) > 0; n++ {
		name := r.name()
		ino := r.uvarint()
		u := r.uvarint()
		ctime := int64(u >> 1) // the zigzag of binary.AppendVarint
		if u&1 != 0 {
			ctime = ^ctime
		}
		if r.bad {
			return -1
		}
		if fn != nil {
			fn(name, stamp{ino, ctime})
		}
	}
	return n
}

// changedNames lists the names whose records differ between before and
// now, or that only one of them has.
func changedNames[V comparable](before, now map[string]V) []string {
	var names []string
	same := 0
	for name, v := range now {
		if w, ok := before[name]; !ok || w != v {
			names = append(names, name)
		} else {
			same++
		}
	}
	if same == len(before) {
		return names // now has every name of before's
	}
	for name := range before {
		if _, ok := now[name]; !ok {
			names = append(names, name)
		}
	}
	return names
}

// starts reports whether a part begins at name.
func starts(name string) bool { return sum.String(name)&(1<<partBits-1) == 0 }

// update returns the table that holds the records of a table t once the
// records of changed are changed, added or removed (has tells which names
// are in the table now, put appends a name's record), and writes its new
// parts into the state folder. The parts that hold none of changed stay as
// they are, but for the one before a part whose first name goes, with
// which it merges.
func (t table) update(state string, changed []string, has func(string) bool, put func([]byte, string) []byte) (table, error) {
	if len(changed) == 0 {
		return t, nil
	}
	// Which part each changed name falls in: the last whose first name
	// is not after it; a name before them all, the first.
	redo := make([]bool, max(len(t), 1))
	added := make([][]string, len(redo))
	for _, name := range changed {
		k := sort.Search(len(t), func(i int) bool { return t[i].names[0] > name }) - 1
		k = max(k, 0)
		redo[k] = true
		if k < len(t) {
			if _, found := slices.BinarySearch(t[k].names, name); found {
				if k > 0 && name == t[k].names[0] && !has(name) {
					redo[k-1] = true
				}
				continue
			}
		}
		if has(name) {
			added[k] = append(added[k], name)
		}
	}
	var out table
	for k := 0; k < len(redo); {
		if !redo[k] {
			out = append(out, t[k])
			k++
			continue
		}
		// A run of parts to make again, from the names they hold now.
		var names []string
		for ; k < len(redo) && redo[k]; k++ {
			if k < len(t) {
				for _, name := range t[k].names {
					if has(name) {
						names = append(names, name)
					}
				}
			}
			names = append(names, added[k]...)
		}
		slices.Sort(names)
		names = slices.Compact(names)
		for len(names) > 0 {
			n := 1
			for n < len(names) && !starts(names[n]) {
				n++
			}
			p, err := writePart(state, names[:n], put)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
			names = names[n:]
		}
	}
	return out, nil
}

// writePart writes the part holding the records of names, unless the
// state folder has it already.
func writePart(state string, names []string, put func([]byte, string) []byte) (part, error) {
	var data []byte
	for _, name := range names {
		data = put(data, name)
	}
	h := sha256.Sum256(data)
	p := part{file: partPrefix + hex.EncodeToString(h[:16]), size: len(data), crc: crc32.Checksum(data, castagnoli), names: names}
	name := filepath.Join(state, p.file)
	if info, err := os.Lstat(name); err == nil && info.Mode().IsRegular() && info.Size() == int64(len(data)) {
		return p, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return part{}, err
	}
	return p, writeNew(name, data)
}
