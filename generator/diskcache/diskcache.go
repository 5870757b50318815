// Package diskcache keeps values from one build of an output folder to
// the next, in the output's build state, so that a rebuild does again only
// the work whose inputs changed: the HTML that Markdown bodies rendered to,
// what the content's files parsed to, the search index's analyses and the
// articles' cards.
//
// The contract:
//
//   - A value is found by a Key the caller makes of what the value is made
//     from (digest uses the hash of a file and its size or path), within
//     the settings the cache was opened with (the executable and whatever
//     else changes the value). A cache kept under other settings is thrown
//     away whole, so a new digest never serves an old one's values.
//   - Get returns what Put was given, or misses. Every value carries a
//     checksum (CRC-32C) that each read checks. A missing, truncated,
//     garbled or foreign cache costs work, never a wrong value.
//   - The folder holds one index and one data file. Loading reads the index
//     (32 bytes a value), never the values; each value is read when it is
//     asked for. Close appends the new values to the data file and rewrites
//     the index through a temporary file and a rename, so a build killed at
//     any moment leaves the last index whole. Bytes no index names (the
//     values no build asked for any more, and what a killed build appended)
//     are dropped when Close rewrites the data file, which it does once
//     they outweigh the values in use.
//   - One build at a time uses a folder: the caller holds a lock (publish
//     does, for the build state the folder is part of).
package diskcache

import (
	"bufio"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/digest/digest/generator/internal/sum"
)

const (
	indexName  = "index"
	dataPrefix = "data-" // the generation number follows
	tmpSuffix  = ".tmp"
	// magic starts the index; a new layout of the files changes it.
	magic = "digest disk cache 1\n"
	// headerSize is the magic, the settings' hash, the generation and the
	// number of entries; entrySize is one entry; a checksum of all ends it.
	headerSize = len(magic) + 3*8
	entrySize  = 32
	// flushAt is how many bytes of new values are gathered before they are
	// written, so the data file grows in large pieces.
	flushAt = 1 << 20
	// minDead is how many bytes no index names a data file may hold
	// before Close rewrites it, whatever the values in use weigh.
	minDead = 1 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Key names a value by what it is made from: Sum is a hash of that, and
// Tag tells apart values of the same Sum (a size, the hash of a path).
type Key struct{ Sum, Tag uint64 }

// entry is where a value is in the data file.
type entry struct {
	off uint64
	n   uint32
	crc uint32
}

func (e entry) len() int64 { return int64(e.n) }

// Cache is one build's view of the cache in a folder. Get and Put are safe
// for concurrent use.
type Cache struct {
	dir      string
	settings uint64
	gen      uint64   // names the data file
	f        *os.File // the data file; nil when the cache is off
	loaded   []byte   // the bytes Preload read, or nil: Get reads f
	// What the last build kept: its keys in order, each one's entry (which
	// only Close changes), and each key's place in them.
	oldKeys []Key
	oldEnts []entry
	old     map[Key]int32
	mu      sync.Mutex // guards what follows
	// What this build asked for or put, for the next build: kept marks
	// the last build's values by place, put holds the new ones. A large
	// site's build asks for most values, so they are marked rather than
	// copied into a map of their own, and Close writes their keys in the
	// order the last index gave them, rather than sorting them again.
	kept    []bool
	nKept   int
	put     map[Key]entry
	pending []byte // put, not written yet; it starts at end
	end     int64  // the data file's size
	start   int64  // and its size at Open: where this build's values begin
	used    bool   // whether this build asked for any value
	err     error  // the first write error: Close keeps nothing
	stats   Stats  // for the build's summary
}

// Stats count a build's use of the cache.
type Stats struct {
	Hits, Misses int
}

// Open opens the cache in dir, which it makes if need be, for values
// made with settings. It cannot fail: a cache it cannot read is
// started again empty, and one it cannot write is not used.
func Open(dir, settings string) *Cache {
	c := &Cache{dir: dir, settings: sum.String(settings), old: map[Key]int32{}, put: map[Key]entry{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return c
	}
	gen, keys, ents, ok := c.readIndex()
	if ok {
		f, err := os.OpenFile(c.dataPath(gen), os.O_RDWR, 0)
		if err == nil {
			info, err := f.Stat()
			if err == nil {
				c.f, c.gen, c.end, c.start = f, gen, info.Size(), info.Size()
				n := 0
				for i, e := range ents {
					if int64(e.off)+e.len() <= c.end {
						keys[n], ents[n] = keys[i], e
						n++
					}
				}
				c.oldKeys, c.oldEnts, c.kept = keys[:n], ents[:n], make([]bool, n)
				c.old = make(map[Key]int32, n)
				for i, k := range c.oldKeys {
					c.old[k] = int32(i)
				}
			} else {
				f.Close()
			}
		}
	}
	if c.f == nil {
		c.gen = c.lastGen() + 1
		f, err := os.OpenFile(c.dataPath(c.gen), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return c
		}
		c.f = f
	}
	c.removeOthers()
	return c
}

func (c *Cache) dataPath(gen uint64) string {
	return filepath.Join(c.dir, dataPrefix+strconv.FormatUint(gen, 10))
}

// readIndex reads the index, which must be whole, of the same settings,
// and in the order of its keys, each once.
func (c *Cache) readIndex() (gen uint64, keys []Key, ents []entry, ok bool) {
	data, err := os.ReadFile(filepath.Join(c.dir, indexName))
	if err != nil || len(data) < headerSize+4 || !strings.HasPrefix(string(data), magic) {
		return 0, nil, nil, false
	}
	body, check := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != check {
		return 0, nil, nil, false
	}
	le := binary.LittleEndian
	h := body[len(magic):]
	settings, gen, n := le.Uint64(h), le.Uint64(h[8:]), le.Uint64(h[16:])
	rest := body[headerSize:]
	if settings != c.settings || n != uint64(len(rest))/entrySize || len(rest)%entrySize != 0 {
		return 0, nil, nil, false
	}
	keys, ents = make([]Key, 0, n), make([]entry, 0, n)
	for ; len(rest) > 0; rest = rest[entrySize:] {
		k := Key{le.Uint64(rest), le.Uint64(rest[8:])}
		if len(keys) > 0 && cmpKey(keys[len(keys)-1], k) >= 0 {
			return 0, nil, nil, false
		}
		keys = append(keys, k)
		ents = append(ents, entry{off: le.Uint64(rest[16:]), n: le.Uint32(rest[24:]), crc: le.Uint32(rest[28:])})
	}
	return gen, keys, ents, true
}

// lastGen is the highest generation of the data files in the folder.
func (c *Cache) lastGen() uint64 {
	var last uint64
	names, _ := filepath.Glob(filepath.Join(c.dir, dataPrefix+"*"))
	for _, name := range names {
		if g, err := strconv.ParseUint(strings.TrimPrefix(filepath.Base(name), dataPrefix), 10, 64); err == nil {
			last = max(last, g)
		}
	}
	return last
}

// removeOthers removes the data files other than this build's and the
// temporary files a killed build left.
func (c *Cache) removeOthers() {
	entries, _ := os.ReadDir(c.dir)
	keep := filepath.Base(c.dataPath(c.gen))
	for _, e := range entries {
		if n := e.Name(); n != keep && (strings.HasPrefix(n, dataPrefix) || strings.HasSuffix(n, tmpSuffix)) {
			_ = os.Remove(filepath.Join(c.dir, n)) // left for the next build to try
		}
	}
}

// Preload reads what the last build kept into memory at once, for a
// build that will ask for most of it: one read rather than one a value.
// It is for small values (the parsed files, not the bodies), since it
// holds them all, and the bytes no index names, until Close.
func (c *Cache) Preload() {
	if c.f == nil || c.start == 0 {
		return
	}
	data := make([]byte, c.start)
	if _, err := c.f.ReadAt(data, 0); err == nil {
		c.loaded = data
	}
}

// Get returns the value kept under k by the last build, when the cache
// has it. The caller owns the bytes, unless the cache was preloaded: then
// they are the preloaded bytes, which the caller must not change.
func (c *Cache) Get(k Key) ([]byte, bool) {
	i, found := c.old[k]
	if found && c.f != nil {
		e := c.oldEnts[i]
		var buf []byte
		var err error
		if c.loaded != nil {
			// Open kept only entries within the file Preload read.
			buf = c.loaded[e.off : e.off+uint64(e.n) : e.off+uint64(e.n)]
		} else {
			buf = make([]byte, e.len())
			_, err = c.f.ReadAt(buf, int64(e.off))
		}
		if err == nil && crc32.Checksum(buf, castagnoli) == e.crc {
			c.mu.Lock()
			c.used = true
			c.keep(i)
			// A value found replaces one put before (Put's converse).
			delete(c.put, k)
			c.stats.Hits++
			c.mu.Unlock()
			return buf, true
		}
	}
	c.mu.Lock()
	c.used = true
	c.stats.Misses++
	c.mu.Unlock()
	return nil, false
}

// Keep keeps the value the last build kept under k for the next build, as
// Get does, without reading it, and tells whether there is one: a caller
// that does not need the value this time keeps it for a later build. It
// counts as a hit, which a Put under k then makes a miss.
func (c *Cache) Keep(k Key) bool {
	i, found := c.old[k]
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used = true
	if !found || c.f == nil {
		return false
	}
	if _, put := c.put[k]; !put && !c.kept[i] {
		c.keep(i)
		c.stats.Hits++
	}
	return true
}

// keep marks the last build's value at place i as kept; c.mu is held.
func (c *Cache) keep(i int32) {
	if !c.kept[i] {
		c.kept[i] = true
		c.nKept++
	}
}

// Put keeps value under k for the next build; it copies value. The first
// value put under k in a build is the one kept. A value Get found under k
// is replaced, since the caller could not use it (it was of another
// layout, say), and that Get counts as a miss.
func (c *Cache) Put(k Key, value []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used = true
	c.unfind(k)
	if _, dup := c.put[k]; dup || c.f == nil || c.err != nil || len(value) > math.MaxUint32 {
		return
	}
	start := len(c.pending)
	c.pending = append(c.pending, value...)
	c.put[k] = entry{
		off: uint64(c.end) + uint64(start),
		n:   uint32(len(value)),
		crc: crc32.Checksum(value, castagnoli),
	}
	if len(c.pending) >= flushAt {
		c.flush()
	}
}

// Drop keeps nothing under k for the next build, unless this build put a
// value there: a value Get found that the caller could not use, and will
// not replace, counts as a miss.
func (c *Cache) Drop(k Key) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unfind(k)
}

// unfind forgets the value Get found under k, if it did, and counts the
// Get as a miss; c.mu is held.
func (c *Cache) unfind(k Key) {
	if i, found := c.old[k]; found && c.kept[i] {
		c.kept[i] = false
		c.nKept--
		c.stats.Hits--
		c.stats.Misses++
	}
}

// flush writes the pending values at the data file's end.
func (c *Cache) flush() {
	if len(c.pending) == 0 || c.err != nil {
		return
	}
	n, err := c.f.WriteAt(c.pending, c.end)
	c.end += int64(n)
	c.pending = c.pending[:0]
	if err != nil {
		c.err = err
	}
}

// Stats count the values found and missed so far.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Close keeps the values this build asked for or put, for the next build,
// and drops the rest; a build that asked for none (it stopped before it
// needed any) changes nothing. An error means the cache is lost, which
// costs the next build work, nothing else.
func (c *Cache) Close() error {
	if c.f == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.f.Close()
	if !c.used {
		return nil
	}
	c.flush()
	if c.err != nil {
		return c.err
	}
	var live int64
	for i, e := range c.oldEnts {
		if c.kept[i] {
			live += e.len()
		}
	}
	for _, e := range c.put {
		live += e.len()
	}
	if dead := c.end - live; dead > live && dead > minDead {
		if err := c.compact(); err != nil {
			return err
		}
	}
	return c.writeIndex()
}

// compact copies the live values into a data file of the next generation,
// in the order they were in, which the index written next names.
func (c *Cache) compact() error {
	// Each live value's entry, the last build's by place and this
	// build's by key; sorted by where it is.
	type value struct {
		e   *entry
		put Key
	}
	values := make([]value, 0, c.nKept+len(c.put))
	for i := range c.oldEnts {
		if c.kept[i] {
			values = append(values, value{e: &c.oldEnts[i]})
		}
	}
	put := make(map[Key]*entry, len(c.put))
	for k, e := range c.put {
		put[k] = &e
		values = append(values, value{e: put[k], put: k})
	}
	slices.SortFunc(values, func(a, b value) int { return cmpUint(a.e.off, b.e.off) })
	gen := c.gen + 1
	f, err := os.OpenFile(c.dataPath(gen), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, flushAt)
	var off uint64
	var buf []byte
	for _, v := range values {
		e := v.e
		buf = slices.Grow(buf[:0], int(e.len()))[:e.len()]
		if _, err := c.f.ReadAt(buf, int64(e.off)); err != nil {
			f.Close()
			return err
		}
		if _, err := w.Write(buf); err != nil {
			f.Close()
			return err
		}
		off += uint64(e.len())
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return err
	}
	// Only now that the new file is whole do the entries name it.
	off = 0
	for _, v := range values {
		v.e.off = off
		off += uint64(v.e.len())
	}
	for k, e := range put {
		c.put[k] = *e
	}
	c.gen = gen
	return nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpKey(a, b Key) int {
	if a.Sum != b.Sum {
		return cmpUint(a.Sum, b.Sum)
	}
	return cmpUint(a.Tag, b.Tag)
}

// writeIndex writes the live entries, in the order of their keys, as the
// index naming the data file, and then removes any other data file. The
// last build's kept values are in that order already; this build's are
// sorted and merged in.
func (c *Cache) writeIndex() error {
	put := make([]Key, 0, len(c.put))
	for k := range c.put {
		put = append(put, k)
	}
	slices.SortFunc(put, cmpKey)
	le := binary.LittleEndian
	n := c.nKept + len(put)
	data := make([]byte, 0, headerSize+entrySize*n+4)
	data = append(data, magic...)
	data = le.AppendUint64(data, c.settings)
	data = le.AppendUint64(data, c.gen)
	data = le.AppendUint64(data, uint64(n))
	add := func(k Key, e entry) {
		data = le.AppendUint64(data, k.Sum)
		data = le.AppendUint64(data, k.Tag)
		data = le.AppendUint64(data, e.off)
		data = le.AppendUint32(data, e.n)
		data = le.AppendUint32(data, e.crc)
	}
	for i, k := range c.oldKeys {
		if !c.kept[i] {
			continue
		}
		for len(put) > 0 && cmpKey(put[0], k) < 0 {
			add(put[0], c.put[put[0]])
			put = put[1:]
		}
		add(k, c.oldEnts[i])
	}
	for _, k := range put {
		add(k, c.put[k])
	}
	data = le.AppendUint32(data, crc32.Checksum(data, castagnoli))
	name := filepath.Join(c.dir, indexName)
	if err := os.WriteFile(name+tmpSuffix, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(name+tmpSuffix, name); err != nil {
		return err
	}
	c.removeOthers()
	return nil
}
