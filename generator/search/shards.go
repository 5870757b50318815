package search

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/internal/sum"
)

// The kinds of shard: of terms (t/) and of positions (p/); a kind is
// also the index of its table in the cache.
const (
	kindTerms     = 0
	kindPositions = 1
)

// dirs are the kinds' folders under Dir.
var dirs = [2]string{"t", "p"}

// shardValue is where the cache keeps a main index's shard of folder dir
// whose entries hash to key (see shardKey).
func shardValue(dir string, key uint64) diskcache.Key {
	return diskcache.Key{Sum: key, Tag: uint64(dir[0])}
}

// encodeValue is the value the cache keeps of a shard of the entries
// es: their number, then each one's term, value (lengths and bytes) and
// its sum (8 bytes), and its blocks of positions: their number, then
// each one's number, length and bytes, and sum.
func encodeValue(es []entry) []byte {
	n := binary.MaxVarintLen32
	for _, e := range es {
		n += e.size() + 16 + 20*len(e.pos)
	}
	b := make([]byte, 0, n)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	le := binary.LittleEndian
	b = binary.AppendUvarint(b, uint64(len(es)))
	for _, e := range es {
		str(e.term)
		str(e.val)
		b = le.AppendUint64(b, e.sum)
		b = binary.AppendUvarint(b, uint64(len(e.pos)))
		for _, p := range e.pos {
			b = binary.AppendUvarint(b, uint64(p.n))
			str(p.s)
			b = le.AppendUint64(b, p.sum)
		}
	}
	return b
}

// decodeValue reads a value encodeValue wrote; it fails on anything
// else, and when its entries do not hash to key.
func decodeValue(data []byte, key uint64) ([]entry, bool) {
	r := reader{data: data}
	n := r.uvarint()
	es := make([]entry, 0, min(n, len(data)/8))
	for ; n > 0 && r.ok(); n-- {
		e := entry{term: r.str(r.uvarint()), val: r.str(r.uvarint()), sum: r.u64()}
		if m := r.uvarint(); m > 0 {
			e.pos = make([]posBlock, 0, min(m, len(data)/8))
			for ; m > 0 && r.ok(); m-- {
				e.pos = append(e.pos, posBlock{int32(r.num(1 << 30)), r.str(r.uvarint()), r.u64()})
			}
		}
		if len(es) > 0 && es[len(es)-1].term >= e.term {
			return nil, false
		}
		es = append(es, e)
	}
	return es, r.ok() && r.at == len(data) && shardKey(es) == key
}

// putShard keeps the main index's shard of folder dir with the entries
// es, which hash to key, for the next build: the last build's value
// when it has the same entries, unless a value this build read was not
// whole, which makes others suspect.
func (c *Cache) putShard(dir string, key uint64, es []entry) {
	if c.shards != nil && (c.damaged || !c.shards.Keep(shardValue(dir, key))) {
		c.shards.Put(shardValue(dir, key), encodeValue(es))
	}
}

// shard returns the entries of the last build's main index's shard i of
// kind k, if the cache has them whole.
func (c *Cache) shard(k, i int) ([]entry, bool) {
	if c.shards == nil || c.layout == nil || i >= len(c.layout[k].made) {
		return nil, false
	}
	key := c.layout[k].made[i]
	data, ok := c.shards.Get(shardValue(dirs[k], key))
	var es []entry
	if ok {
		es, ok = decodeValue(data, key)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shardsRead++
	c.damaged = c.damaged || !ok
	return es, ok
}

// patched is the main index after a patch: by kind, its entries' sizes
// in order, its shards, and each shard's entries, or nil for one the
// last build made with the same key and entries, whose file is kept:
// kept gives that one's number in the last build.
type patched struct {
	tables  [2][]sized
	cuts    [2][]cut
	entries [2][][]entry
	kept    [2][]int
	filters map[string]uint64
}

// lastIndex reads the last build's main index where a patch needs it:
// the entry of a term, and the shards of its entries.
type lastIndex struct {
	c      *Cache
	cuts   [2][]cut
	byKey  [2]map[string]int // by kind and key: the shard's number
	cutOf  [2][]int32        // by kind and place in the table: the entry's shard
	loaded [2]map[int][]entry
}

// newLastIndex returns the last build's main index, or false when the
// cache does not have it: its tables must split into the shards that
// build wrote.
func newLastIndex(c *Cache) (*lastIndex, bool) {
	l := &lastIndex{c: c}
	if c.layout == nil {
		return nil, false
	}
	for k := range c.layout {
		keys := c.layout[k].keys
		l.cuts[k] = cuts(c.tables[k])
		if len(l.cuts[k]) != len(keys) {
			return nil, false
		}
		l.cutOf[k] = make([]int32, len(c.tables[k]))
		l.byKey[k] = make(map[string]int, len(keys))
		for i, cu := range l.cuts[k] {
			if cu.key != keys[i] {
				return nil, false
			}
			l.byKey[k][cu.key] = i
			for _, s := range cu.spans {
				for j := s[0]; j < s[1]; j++ {
					l.cutOf[k][j] = int32(i)
				}
			}
		}
		l.loaded[k] = map[int][]entry{}
	}
	return l, true
}

// shard returns the entries of the last build's shard i of kind k.
func (l *lastIndex) shard(k, i int) ([]entry, bool) {
	if es, ok := l.loaded[k][i]; ok {
		return es, true
	}
	es, ok := l.c.shard(k, i)
	if ok {
		l.loaded[k][i] = es
	}
	return es, ok
}

// at returns the entry at place i of the table of kind k.
func (l *lastIndex) at(k, i int) (entry, bool) {
	es, ok := l.shard(k, int(l.cutOf[k][i]))
	if !ok {
		return entry{}, false
	}
	term := l.c.tables[k][i].term
	j, found := slices.BinarySearchFunc(es, term, func(e entry, t string) int { return strings.Compare(e.term, t) })
	if !found {
		return entry{}, false
	}
	return es[j], true
}

// entry returns the last build's entry of term of kind k (none: the
// zero entry), and false when the cache does not have it whole.
func (l *lastIndex) entry(k int, term string) (entry, bool) {
	i, found := slices.BinarySearchFunc(l.c.tables[k], term, func(e sized, t string) int { return strings.Compare(e.term, t) })
	if !found {
		return entry{}, true
	}
	return l.at(k, i)
}

// group returns the last build's entry of target t as a group.
func (l *lastIndex) group(x *indexer, t int32) (group, bool) {
	term := x.vocab.terms[t]
	e, ok := l.entry(kindTerms, term)
	if !ok || e.val == "" || strings.HasPrefix(e.val, "=") {
		return group{}, ok
	}
	p, ok := l.entry(kindPositions, term)
	return group{val: e.val, sum: e.sum, pos: p.pos}, ok
}

// patchMain patches the last build's main index, whose documents are
// docs, where the documents numbered dirty changed (see indexer.patch):
// it finds the entries that changed, splits the entries as a fresh index
// would, and reads the last build's shards that hold entries of the
// shards that changed. It fails, writing nothing, when the patch does or
// the cache does not have what it needs.
func (w *writer) patchMain(x *indexer, dirty []int32, fresh map[int32]*analysis, byTail []bool, docs []document) (*patched, bool) {
	c := w.cache
	last, ok := newLastIndex(c)
	if !ok {
		return nil, false
	}
	var failed bool
	changed, ok := x.patch(dirty, fresh, byTail, func(t int32) group {
		g, ok := last.group(x, t)
		failed = failed || !ok
		return g
	})
	if !ok || failed {
		return nil, false
	}
	// The new entries of the terms whose entries changed; nil: none.
	var changes [2]map[string]*entry
	for k := range changes {
		changes[k] = map[string]*entry{}
	}
	terms := x.vocab.terms
	for _, id := range changed {
		term := terms[id]
		changes[kindTerms][term], changes[kindPositions][term] = nil, nil
		if g, ok := x.groups[id]; ok && g.val != "" {
			changes[kindTerms][term] = &entry{term: term, val: g.val, sum: g.sum}
			changes[kindPositions][term] = &entry{term: term, pos: g.pos}
		} else if t := x.target[id]; t >= 0 && t != id {
			changes[kindTerms][term] = reference(term, terms[t])
		}
	}
	p := &patched{filters: map[string]uint64{}}
	for _, f := range filters(docs, 0) {
		p.filters[f.term] = f.sum
		if s, ok := c.filters[f.term]; !ok || s != f.sum {
			changes[kindTerms][f.term] = &f
		}
	}
	for term := range c.filters {
		if _, ok := p.filters[term]; !ok {
			changes[kindTerms][term] = nil
		}
	}
	for k := range changes {
		table, from := merge(c.tables[k], changes[k])
		p.tables[k], p.cuts[k] = table, cuts(table)
		p.entries[k], p.kept[k] = make([][]entry, len(p.cuts[k])), make([]int, len(p.cuts[k]))
		for i, cu := range p.cuts[k] {
			// The last build's shard of the same key, wherever it was
			// in the list: one split anew before it moves it, not its
			// file.
			if j, ok := last.byKey[k][cu.key]; ok && unchanged(&cu, &last.cuts[k][j], int32(j), from, last.cutOf[k]) {
				// Its file is kept: the cache must have its sum, and its
				// entries for a later patch.
				made := c.layout[k].made[j]
				if _, ok := c.shardSum(k, made); !ok || !c.shards.Keep(shardValue(dirs[k], made)) {
					return nil, false
				}
				p.kept[k][i] = j
				continue
			}
			es := make([]entry, 0, cu.size/16)
			for _, s := range cu.spans {
				for j := s[0]; j < s[1]; j++ {
					if from[j] < 0 {
						es = append(es, *changes[k][table[j].term])
						continue
					}
					e, ok := last.at(k, from[j])
					if !ok {
						return nil, false
					}
					es = append(es, e)
				}
			}
			p.entries[k][i] = es
		}
	}
	return p, true
}

// reference is the entry of a term that leads to its target's.
func reference(term, target string) *entry {
	val := "=" + target
	return &entry{term: term, val: val, sum: sum.String(val)}
}

// unchanged tells whether the new shard cu holds the entries the last
// build's shard old, number i, held, none of them changed: from gives,
// by the place of an entry in the new table, its place in the last
// build's (-1: changed), and cutOf by that place its last build's shard.
func unchanged(cu, old *cut, i int32, from []int, cutOf []int32) bool {
	if cu.key != old.key || cu.size != old.size {
		return false
	}
	n := 0
	for _, s := range cu.spans {
		for j := s[0]; j < s[1]; j++ {
			if from[j] < 0 || cutOf[from[j]] != i {
				return false
			}
			n++
		}
	}
	m := 0
	for _, s := range old.spans {
		m += s[1] - s[0]
	}
	return n == m
}

// merge returns the sorted entries of table with changes made (nil: the
// term has no entry any more), and the place in table of each one left
// as it was, -1 for the others.
func merge(table []sized, changes map[string]*entry) ([]sized, []int) {
	var added []string
	for term, e := range changes {
		if e == nil {
			continue
		}
		if _, found := slices.BinarySearchFunc(table, term, func(e sized, t string) int { return strings.Compare(e.term, t) }); !found {
			added = append(added, term)
		}
	}
	slices.Sort(added)
	out := make([]sized, 0, len(table)+len(added))
	from := make([]int, 0, cap(out))
	for i := 0; i < len(table) || len(added) > 0; {
		if len(added) > 0 && (i == len(table) || added[0] < table[i].term) {
			out = append(out, sized{added[0], changes[added[0]].size()})
			from = append(from, -1)
			added = added[1:]
			continue
		}
		switch e, ok := changes[table[i].term]; {
		case !ok:
			out = append(out, table[i])
			from = append(from, i)
		case e != nil:
			out = append(out, sized{e.term, e.size()})
			from = append(from, -1)
		}
		i++
	}
	return out, from
}

// emit hands on the patched main index's shards of kind k, and returns
// them.
func (w *writer) emit(p *patched, k int) (shardList, error) {
	var l shardList
	for i, cu := range p.cuts[k] {
		var key, s uint64
		var err error
		if es := p.entries[k][i]; es == nil {
			key = w.cache.layout[k].made[p.kept[k][i]]
			s, err = w.kept(k, key)
		} else {
			key = shardKey(es)
			s, err = w.shard(k, key, func() []byte { return encodeShard(es) })
			w.cache.putShard(dirs[k], key, es)
		}
		if err != nil {
			return l, err
		}
		l.add(cu.key, cu.kb(), key, s)
	}
	w.cache.newTables[k] = p.tables[k]
	return l, nil
}
