package search

import (
	"encoding/binary"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"

	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/internal/sum"
)

// Cache keeps, from one build of an output folder to the next, what
// indexing a document found (its terms, the tier each reaches and their
// positions), the main index's shards, and the sums of the shard files
// and of the document and body chunk files, so that a rebuild analyses
// only the documents that changed, and reads, makes and writes only the
// shards whose entries they changed, and the chunks they are in.
//
// The contract:
//
//   - A document is found by a hash of everything its analysis reads
//     (see document.key), within the settings the cache was opened with:
//     the executable and whatever else changes a body's HTML. A cache kept
//     under other settings is not used.
//   - The documents' records are values of a diskcache.Cache (records/),
//     and so are the main index's shards (shards/), each under the hash
//     of what it holds (shardKey); diskcache checks each value's checksum
//     (CRC-32C) as it reads it, and a shard's hash is checked again once
//     it is read. The rest is one file (index), in sections that each end
//     with their CRC-32C, written whole through a temporary file and a
//     rename by the Write it was given to. A missing, truncated, garbled
//     or foreign cache costs the analysis of the documents it no longer
//     answers for, or the making of the entries from the records, never
//     a wrong index.
//   - One build at a time uses a folder: the caller holds a lock (publish
//     does, for the build state the folder is part of).
type Cache struct {
	file     string // "": kept in memory only
	settings uint64
	records  *diskcache.Cache // nil: in memory only
	shards   *diskcache.Cache // nil: in memory only
	// What the last build kept; read-only once open.
	vocabID uint64   // names the vocabulary the records are numbered in
	terms   []string // the vocabulary: a term's number is its index
	files   map[string]chunkSum
	sums    map[diskcache.Key]uint64 // of the shard files, by shardValue
	// What the last build kept of its main index, when it kept it: its
	// documents' keys in order, and by term, its stem and how many
	// documents have it; its shards (see tailFrom), and their entries
	// in order, by kind (see kindTerms), with the filters' sums; and the
	// terms of its that the tail makes stems (see indexer.forced).
	indexed bool
	lang    string // the language of the stems
	order   []uint64
	stems   []int32
	df      []int32
	layout  *layout
	tables  [2][]sized
	filters map[string]uint64
	forced  []int32
	// What this build made, kept by save. The records it made are kept
	// in memory only while it patches (see keepMade): a build that makes
	// the index in full reads none of them again, and at 10,000 articles
	// they weigh 20 MB at the build's peak.
	mu         sync.Mutex
	keepMade   bool
	newDocs    map[uint64][]byte
	newFiles   map[string]chunkSum
	newSums    map[diskcache.Key]uint64
	newTables  [2][]sized
	newFilters map[string]uint64
	damaged    bool // a shard read was not whole
	stats      CacheStats
	// For tests: the last build's shards read, and how the main index
	// was made.
	shardsRead int
	made       made
}

// made is how a build made the main index.
type made int

const (
	madeFull    made = iota
	madeKept         // the last build's, its files and shards kept unread
	madePatched      // the last build's, patched
)

// CacheStats count the documents found in the cache and those analysed.
type CacheStats struct {
	Hits, Misses int
}

// chunkSum is what the cache knows of a chunk file: a hash of what it is
// made from and the sum of its bytes.
type chunkSum struct{ key, sum uint64 }

const (
	indexName   = "index"
	recordsName = "records"
	shardsName  = "shards"
	tmpSuffix   = ".tmp"
	// cacheMagic starts the index; a new layout of the cache changes it.
	cacheMagic = "digest search cache 7\n"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// OpenCache opens the cache in dir, which it makes if need be, for
// documents read under settings. It cannot fail: a cache it cannot read
// starts empty, and one it cannot write is lost, which costs the next
// build time only.
func OpenCache(dir, settings string) *Cache {
	c := newCache(filepath.Join(dir, indexName), sum.String(settings))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		c.file = ""
		return c
	}
	c.records = diskcache.Open(filepath.Join(dir, recordsName), settings)
	c.shards = diskcache.Open(filepath.Join(dir, shardsName), settings)
	if data, err := os.ReadFile(c.file); err == nil {
		c.read(data)
	}
	if c.vocabID == 0 {
		c.vocabID = rand.Uint64() | 1 // a vocabulary no record is numbered in
	}
	return c
}

func newCache(file string, settings uint64) *Cache {
	return &Cache{
		file: file, settings: settings,
		files: map[string]chunkSum{}, sums: map[diskcache.Key]uint64{}, filters: map[string]uint64{},
		newDocs: map[uint64][]byte{}, newFiles: map[string]chunkSum{}, newSums: map[diskcache.Key]uint64{},
		newFilters: map[string]uint64{},
	}
}

// Kept reports whether the cache holds the last build's main index, which
// Write keeps or patches rather than makes again, unless most documents
// changed: then a build's index holds little beside the model.
func (c *Cache) Kept() bool { return c != nil && c.indexed }

// Stats count the documents found and missed so far.
func (c *Cache) Stats() CacheStats {
	if c == nil {
		return CacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// The index is, after the magic, the settings' hash and the vocabulary's
// name (8 bytes each, little endian), four sections, each a count
// (uvarint) and its items:
//
//	vocabulary  each term as its length (uvarint) and bytes; then a
//	            CRC-32C of the section from its count on (4 bytes)
//	chunks      each file's name (length and bytes), key and sum (8 bytes
//	            each); then the section's CRC-32C
//	shard sums  each shard file's kind (its folder's letter), what it is
//	            made from (shardKey) and the sum of its bytes, which
//	            names it (8 bytes each); then the section's CRC-32C
//	entries     1 when the last build's main index follows, else 0; then
//	            the language of the stems (length and bytes), the
//	            documents' keys in order (8 bytes each), the stem and the
//	            number of documents of each term (uvarints), the terms the
//	            tail makes stems (a count and their numbers), the keys,
//	            sizes and what they are made from of the shards of terms
//	            and of positions (see appendShards), and the entries of
//	            each of the two in order (see appendTable); then the
//	            section's CRC-32C
//
// A shard of the main index is kept in shards/ under its shardKey, its
// kind's letter the Tag (see shardValue), so that a rebuild reads the
// shards whose entries changed and no other: the index's tables of the
// entries' sizes split them as a fresh index would (see cuts), so the
// shards an edit leaves as they were are found without reading them.
//
// A document's record is its analysis (see analysis.encode), with terms
// as their numbers in the vocabulary, kept under its key and the
// vocabulary's name. The vocabulary keeps its numbers from build to build
// (a new term is added at the end), so the records of unchanged documents
// stay valid; save numbers the terms again, in a vocabulary of a new name,
// once most are no longer used. A vocabulary lost with the index is never
// found again, so no record is read in another's numbers.

// read loads the file's data; whatever is not whole is left out.
func (c *Cache) read(data []byte) {
	r := reader{data: data}
	if string(r.take(len(cacheMagic))) != cacheMagic || r.u64() != c.settings {
		return
	}
	id := r.u64()
	start := r.at
	n := r.uvarint()
	terms := make([]string, 0, min(n, 1<<16)) // n may be garbled
	for ; n > 0 && r.ok(); n-- {
		terms = append(terms, string(r.take(r.uvarint())))
	}
	if !r.check(start) {
		return
	}
	start = r.at
	files := map[string]chunkSum{}
	for n := r.uvarint(); n > 0 && r.ok(); n-- {
		name := string(r.take(r.uvarint()))
		files[name] = chunkSum{r.u64(), r.u64()}
	}
	if !r.check(start) {
		return
	}
	start = r.at
	sums := map[diskcache.Key]uint64{}
	for n := r.uvarint(); n > 0 && r.ok(); n-- {
		k := diskcache.Key{Tag: uint64(r.byte())}
		k.Sum = r.u64()
		sums[k] = r.u64()
	}
	if !r.check(start) {
		return
	}
	start = r.at
	indexed := r.byte() == 1
	var order []uint64
	var stems, df []int32
	var lang string
	var forced []int32
	var l *layout
	var tables [2][]sized
	filters := map[string]uint64{}
	if indexed {
		lang = r.str(r.uvarint())
		order = make([]uint64, 0, min(r.uvarint(), len(data)/8))
		for n := cap(order); n > 0 && r.ok(); n-- {
			order = append(order, r.u64())
		}
		stems, df = make([]int32, len(terms)), make([]int32, len(terms))
		for i := range terms {
			stems[i], df[i] = int32(r.num(len(terms)-1)), int32(r.uvarint())
		}
		for n := r.uvarint(); n > 0 && r.ok(); n-- {
			forced = append(forced, int32(r.num(len(terms)-1)))
		}
		l = &layout{}
		for k := range l {
			l[k] = r.shards()
		}
		for k := range tables {
			tables[k] = r.table(terms, filters)
		}
	}
	if !r.check(start) {
		return
	}
	c.vocabID, c.terms, c.files, c.sums = id, terms, files, sums
	c.indexed, c.lang, c.order, c.stems, c.df = indexed, lang, order, stems, df
	c.forced, c.layout, c.tables, c.filters = forced, l, tables, filters
}

// shards reads the shards appendShards wrote, without their sums.
func (r *reader) shards() shardList {
	var l shardList
	n := r.uvarint()
	l.keys, l.kb, l.made = make([]string, 0, min(n, 1<<16)), make([]int, 0, min(n, 1<<16)), make([]uint64, 0, min(n, 1<<16))
	for ; n > 0 && r.ok(); n-- {
		l.keys = append(l.keys, r.str(r.uvarint()))
		l.kb = append(l.kb, r.uvarint())
		l.made = append(l.made, r.u64())
	}
	return l
}

// appendShards appends the keys of the shards l, their sizes and what
// they are made from; their sums are in the shard sums' section.
func appendShards(b []byte, l *shardList) []byte {
	b = binary.AppendUvarint(b, uint64(len(l.keys)))
	for i, k := range l.keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(l.kb[i]))
		b = binary.LittleEndian.AppendUint64(b, l.made[i])
	}
	return b
}

// appendTable appends the sorted entries es: their number, then each
// one's term and size (uvarint). A term is its number in the vocabulary
// ids gives, plus one; a filter, which is not in the vocabulary, is 0,
// its length and bytes, and the sum of its value (8 bytes), from sums.
func appendTable(b []byte, es []sized, ids func(string) (int32, bool), sums map[string]uint64) []byte {
	b = binary.AppendUvarint(b, uint64(len(es)))
	for _, e := range es {
		if id, ok := ids(e.term); ok {
			b = binary.AppendUvarint(b, uint64(id)+1)
		} else {
			b = append(b, 0)
			b = binary.AppendUvarint(b, uint64(len(e.term)))
			b = append(b, e.term...)
			b = binary.LittleEndian.AppendUint64(b, sums[e.term])
		}
		b = binary.AppendUvarint(b, uint64(e.size))
	}
	return b
}

// table reads a table appendTable wrote of the vocabulary terms, and the
// filters' sums into sums.
func (r *reader) table(terms []string, sums map[string]uint64) []sized {
	n := r.uvarint()
	es := make([]sized, 0, min(n, 1<<16))
	for ; n > 0 && r.ok(); n-- {
		var e sized
		if id := r.num(len(terms)); id > 0 {
			e.term = terms[id-1]
		} else {
			e.term = r.str(r.uvarint())
			sums[e.term] = r.u64()
		}
		e.size = r.num(math.MaxInt32) // one entry may outweigh the index
		es = append(es, e)
	}
	return es
}

// reader reads the cache file; past the end or on a bad number it stops
// and reads zeros.
type reader struct {
	data []byte
	at   int
	bad  bool
}

func (r *reader) str(n int) string { return string(r.take(n)) }

func (r *reader) ok() bool { return !r.bad }

func (r *reader) take(n int) []byte {
	if r.bad || n < 0 || n > len(r.data)-r.at {
		r.bad = true
		return nil
	}
	r.at += n
	return r.data[r.at-n : r.at]
}

func (r *reader) u64() uint64 {
	b := r.take(8)
	if r.bad {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// num reads a uvarint of at most max.
func (r *reader) num(max int) int {
	v, n := binary.Uvarint(r.data[min(r.at, len(r.data)):])
	if r.bad || n <= 0 || max < 0 || v > uint64(max) {
		r.bad = true
		return 0
	}
	r.at += n
	return int(v)
}

// uvarint reads a count or a length, which cannot exceed the data's size.
func (r *reader) uvarint() int { return r.num(len(r.data)) }

func (r *reader) byte() byte {
	b := r.take(1)
	if r.bad {
		return 0
	}
	return b[0]
}

// check reads a CRC-32C and tells whether it is that of the data from
// start on, and all was read well.
func (r *reader) check(start int) bool {
	end := r.at
	b := r.take(4)
	return !r.bad && binary.LittleEndian.Uint32(b) == crc32.Checksum(r.data[start:end], castagnoli)
}

func (c *Cache) recordKey(key uint64) diskcache.Key {
	return diskcache.Key{Sum: key, Tag: c.vocabID}
}

// record returns the last build's record of the document with key, if
// the cache has it whole.
func (c *Cache) record(key uint64) ([]byte, bool) {
	if c.records == nil {
		return nil, false
	}
	return c.records.Get(c.recordKey(key))
}

// has tells whether the cache has a record of the document with key,
// which it keeps for the next build unread.
func (c *Cache) has(key uint64) bool {
	return c.records != nil && c.records.Keep(c.recordKey(key))
}

// lookup returns the record of the document with key that this build
// made while it patched, or else the last build's.
func (c *Cache) lookup(key uint64) ([]byte, bool) {
	c.mu.Lock()
	rec, ok := c.newDocs[key]
	c.mu.Unlock()
	if !ok {
		rec, ok = c.record(key)
	}
	return rec, ok
}

// keep records that this build analysed the document with key as rec.
func (c *Cache) keep(key uint64, rec []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keepMade {
		c.newDocs[key] = rec
	}
	c.stats.Misses++
	if c.records != nil {
		c.records.Put(c.recordKey(key), rec)
	}
}

// chunk returns the sum of the chunk file name when the last build made
// it from what hashes to key.
func (c *Cache) chunk(name string, key uint64) (uint64, bool) {
	f, ok := c.files[name]
	return f.sum, ok && f.key == key
}

// keepShards keeps the main index's shards of layout l for the next
// build, unread, and tells whether the cache has the sum and the bytes
// of every one.
func (c *Cache) keepShards(l *layout) bool {
	if l == nil || c.shards == nil {
		return false
	}
	for k := range l {
		for _, key := range l[k].made {
			if _, ok := c.shardSum(k, key); !ok || !c.shards.Keep(shardValue(dirs[k], key)) {
				return false
			}
		}
	}
	return true
}

// shardSum returns the sum of the bytes of the last build's shard file
// of kind k made from what hashes to key, if it made one.
func (c *Cache) shardSum(k int, key uint64) (uint64, bool) {
	s, ok := c.sums[shardValue(dirs[k], key)]
	return s, ok
}

// keepSum records that this build's shard file of kind k made from what
// hashes to key sums to s.
func (c *Cache) keepSum(k int, key, s uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.newSums[shardValue(dirs[k], key)] = s
}

// keepChunk records that this build's chunk file name is made from what
// hashes to key and sums to s.
func (c *Cache) keepChunk(name string, key, s uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.newFiles[name] = chunkSum{key, s}
}

// save writes what this build used for the next build: the vocabulary,
// the entries of x, the main index, and the records of the documents
// with keys, in order, of which the main index has those before base and
// the tail the others, whose terms' numbers of documents are tailDF. Its
// errors only cost the next build time, so it returns none.
func (c *Cache) save(x *indexer, tailDF []int32, keys []uint64, base int) {
	c.stats.Hits = len(keys) - c.stats.Misses
	if c.file == "" {
		return
	}
	terms, indexed := x.vocab.terms, true
	used := make([]bool, len(terms))
	live := 0
	for id := range used {
		used[id] = id < len(x.df) && x.df[id] > 0 || id < len(tailDF) && tailDF[id] > 0
		if used[id] {
			live++
		}
	}
	// Once most of the vocabulary is terms no document has any more, the
	// terms are numbered again, in a vocabulary of a new name, and the
	// records with them; the entries are left out, to be made in full by
	// the next build. That needs every record; without, the vocabulary is
	// kept as it is.
	if len(terms) > 2*live+1024 {
		if kept, ok := c.renumber(x, used, keys, live); ok {
			terms, indexed = kept, false
		}
	}
	le := binary.LittleEndian
	size := len(cacheMagic) + 8*len(keys) + 64 + 4*(len(c.newTables[0])+len(c.newTables[1]))
	for _, t := range terms {
		size += len(t) + 8
	}
	for name := range c.newFiles {
		size += len(name) + 18
	}
	size += 17 * len(c.newSums)
	b := make([]byte, 0, size)
	b = append(b, cacheMagic...)
	b = le.AppendUint64(b, c.settings)
	b = le.AppendUint64(b, c.vocabID)
	start := len(b)
	b = binary.AppendUvarint(b, uint64(len(terms)))
	for _, t := range terms {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
	}
	b = le.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
	start = len(b)
	b = binary.AppendUvarint(b, uint64(len(c.newFiles)))
	for name, f := range c.newFiles {
		b = binary.AppendUvarint(b, uint64(len(name)))
		b = append(b, name...)
		b = le.AppendUint64(b, f.key)
		b = le.AppendUint64(b, f.sum)
	}
	b = le.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
	start = len(b)
	b = binary.AppendUvarint(b, uint64(len(c.newSums)))
	for k, s := range c.newSums {
		b = append(b, byte(k.Tag))
		b = le.AppendUint64(b, k.Sum)
		b = le.AppendUint64(b, s)
	}
	b = le.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
	start = len(b)
	if indexed {
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(x.lang)))
		b = append(b, x.lang...)
		b = binary.AppendUvarint(b, uint64(base))
		for _, k := range keys[:base] {
			b = le.AppendUint64(b, k)
		}
		for id := range terms {
			b = binary.AppendUvarint(b, uint64(x.stems[id]))
			b = binary.AppendUvarint(b, uint64(x.df[id]))
		}
		b = binary.AppendUvarint(b, uint64(len(c.forced)))
		for _, id := range c.forced {
			b = binary.AppendUvarint(b, uint64(id))
		}
		for k := range c.layout {
			b = appendShards(b, &c.layout[k])
		}
		for _, t := range c.newTables {
			b = appendTable(b, t, x.vocab.find, c.newFilters)
		}
	} else {
		b = append(b, 0)
	}
	b = le.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
	// The index first: records it does not know of are only lost, while
	// an index of an older vocabulary would leave records it cannot read.
	if err := os.WriteFile(c.file+tmpSuffix, b, 0o644); err != nil {
		return
	}
	if err := os.Rename(c.file+tmpSuffix, c.file); err != nil {
		_ = os.Remove(c.file + tmpSuffix) // left for the next build to overwrite
		return
	}
	_ = c.records.Close()
	_ = c.shards.Close()
	c.removeOthers()
}

// renumber numbers the live terms of x, those documents have (used),
// again in a vocabulary of a new name, and puts the records of the
// documents with keys in it; it returns the new vocabulary. It fails,
// changing nothing, when it cannot read a record.
func (c *Cache) renumber(x *indexer, used []bool, keys []uint64, live int) ([]string, bool) {
	renum := make([]int, len(x.vocab.terms))
	kept := make([]string, 0, live)
	for id, u := range used {
		if u {
			renum[id] = len(kept)
			kept = append(kept, x.vocab.terms[id])
		}
	}
	recs := make([][]byte, len(keys))
	for i, k := range keys {
		rec, ok := c.lookup(k)
		if !ok {
			return nil, false
		}
		recs[i] = renumber(rec, renum)
	}
	c.vocabID = rand.Uint64() | 1
	for i, k := range keys {
		c.records.Put(c.recordKey(k), recs[i])
	}
	return kept, true
}

// removeOthers removes the files of the cache's folder that are not its
// own, such as those of an older layout of the cache.
func (c *Cache) removeOthers() {
	dir := filepath.Dir(c.file)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		switch n := e.Name(); n {
		case indexName, recordsName, shardsName:
		default:
			_ = os.Remove(filepath.Join(dir, n)) // left for the next build to try
		}
	}
}
