package search

import (
	"cmp"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/internal/work"
)

// indexer makes the entries of the terms for one Write: in full, from
// the analysis of every document, or, when few documents changed since
// the cache's build, by patching that build's entries where they did.
type indexer struct {
	c     *Cache
	vocab *vocabulary
	stem  func(string) string // nil: words match exactly
	lang  string              // the language stem stems, or ""
	stems []int32             // by term: its stem's number, for the terms stemmed so far
	df    []int32             // by term: how many documents have it
	// target is, by term, the term whose entry holds its postings, or -1
	// for a term no document has.
	target   []int32
	groups   map[int32]group // by target: its encoded postings and positions
	postings []*posting      // by term, while the index is made in full
}

// group is the entry of a target: its postings as they are written, and
// its positions in blocks of the documents numbered alike, so that a
// changed document rewrites only its block.
type group struct {
	val string
	sum uint64     // of val
	pos []posBlock // by increasing block
}

// posBlock is the written positions of a term in the documents of block
// n, numbers n·blockDocs to (n+1)·blockDocs-1, in order. A term's positions
// as written are its blocks one after the other.
type posBlock struct {
	n   int32
	s   string
	sum uint64 // of s
}

func newBlock(n int32, s string) posBlock { return posBlock{n, s, sum.String(s)} }

func newGroup(val string, pos []posBlock) group { return group{val, sum.String(val), pos} }

// blockDocs is how many document numbers a block of positions covers; a
// variable so that tests can cut a small site into many blocks.
var blockDocs int32 = 512

// newIndexer returns the indexer of a site in language lang, which takes
// the cache's entries when they are of a site in a language of the same
// stems.
func newIndexer(c *Cache, lang string) *indexer {
	x := &indexer{c: c, vocab: &vocabulary{terms: slices.Clip(c.terms)}, groups: map[int32]group{}}
	x.stem, x.lang = stemmer(lang)
	if c.indexed && c.lang != x.lang {
		c.indexed = false
	}
	if c.indexed {
		x.stems, x.df = c.stems, c.df
	}
	return x
}

// changed returns the numbers of the documents that are not the cache's
// documents of that number, and whether so few changed that the cache's
// entries are worth patching.
func (x *indexer) changed(keys []uint64) (dirty []int32, patch bool) {
	if !x.c.indexed {
		return nil, false
	}
	old := x.c.order
	for i := range max(len(old), len(keys)) {
		if i >= len(old) || i >= len(keys) || old[i] != keys[i] {
			dirty = append(dirty, int32(i))
		}
	}
	return dirty, len(dirty) <= max(64, len(keys)/8)
}

// add adds document n's analysis to the postings. It reads only what the
// analysis holds, not the vocabulary, which the next batch's analysers
// may be adding to meanwhile.
func (x *indexer) add(n int32, a *analysis) {
	top := int32(-1)
	for _, id := range a.ids {
		top = max(top, id)
	}
	x.grow(int(top) + 1)
	for k, id := range a.ids {
		p := x.postings[id]
		if p == nil {
			p = new(posting)
			x.postings[id] = p
		}
		t := a.tiers[k] - 1
		p.docs[t] = append(p.docs[t], n)
		p.pos.put(n, a.positions(k))
	}
}

// grow makes the postings at least m terms long.
func (x *indexer) grow(m int) {
	if len(x.postings) < m {
		x.postings = append(x.postings, make([]*posting, m-len(x.postings))...)
	}
}

// addAll adds every document to the postings, from its record in the
// cache or analysed again.
func (x *indexer) addAll(docs []document, keys []uint64, workers []*analyser) error {
	for lo := 0; lo < len(docs); lo += batch {
		found := make([]analysis, min(batch, len(docs)-lo))
		errs := make([]error, len(found))
		known := len(x.vocab.terms) // read before the workers add to it
		work.Spread(len(workers), len(found), func(wk, i int) {
			n := lo + i
			if rec, ok := x.c.lookup(keys[n]); ok {
				if found[i], ok = decodeAnalysis(rec, known); ok {
					return
				}
			}
			body, err := docs[n].body()
			if err != nil {
				errs[i] = err
				return
			}
			found[i] = workers[wk].analyse(&docs[n], bodyText(body))
			x.c.keep(keys[n], found[i].encode())
		})
		if err := errors.Join(errs...); err != nil {
			return err
		}
		for i := range found {
			x.add(int32(lo+i), &found[i])
		}
	}
	return nil
}

// stemAll stems the terms not stemmed yet, which may add their stems to
// the vocabulary, and makes df as long as the vocabulary.
func (x *indexer) stemAll() {
	for id := len(x.stems); id < len(x.vocab.terms); id++ {
		s := int32(id)
		if x.stem != nil {
			s = x.vocab.id(x.stem(x.vocab.terms[id]))
		}
		x.stems = append(x.stems, s)
	}
	x.df = append(x.df, make([]int32, len(x.vocab.terms)-len(x.df))...)
}

// stemMarks returns, by term, whether it is the stem of a term the
// documents of df have, or extra (nil: none) marks it.
func (x *indexer) stemMarks(df []int32, extra []bool) []bool {
	isStem := make([]bool, len(df))
	copy(isStem, extra)
	for id, n := range df {
		if n > 0 {
			isStem[x.stems[id]] = true
		}
	}
	return isStem
}

// forced returns, in order, the terms the documents of df have that none
// of their terms makes a stem and byTail does: the tail's terms make
// them stems, and their postings their own (see targets).
func (x *indexer) forced(df []int32, byTail []bool) []int32 {
	isStem := x.stemMarks(df, nil)
	var out []int32
	for id, n := range df {
		if n > 0 && !isStem[id] && id < len(byTail) && byTail[id] {
			out = append(out, int32(id))
		}
	}
	return out
}

// targets returns, by term, where the postings of each term documents
// have go: to the term itself when it is some such term's stem, or
// extra marks it (the stems of the other index's terms: see Write), so
// that no reference leads to another; else to its stem; -1 for the
// others.
func (x *indexer) targets(df []int32, extra []bool) []int32 {
	isStem := x.stemMarks(df, extra)
	t := make([]int32, len(df))
	for id, n := range df {
		switch {
		case n == 0:
			t[id] = -1
		case isStem[id]:
			t[id] = int32(id)
		default:
			t[id] = x.stems[id]
		}
	}
	return t
}

// full makes every target's entry from the postings of documents
// numbered below docs, extra marking the other index's stems.
func (x *indexer) full(docs int, extra []bool) {
	x.stemAll()
	x.df = make([]int32, len(x.vocab.terms))
	for id, p := range x.postings {
		if p != nil {
			x.df[id] = int32(len(p.pos.docs))
		}
	}
	x.target = x.targets(x.df, extra)
	x.groups = map[int32]group{}
	forms := map[int32][]*posting{}
	for id, t := range x.target {
		if t >= 0 {
			forms[t] = append(forms[t], x.postings[id])
		}
	}
	x.postings = nil
	targets := make([]int32, 0, len(forms))
	lists := make([][]*posting, 0, len(forms))
	for k, ps := range forms {
		targets, lists = append(targets, k), append(lists, ps)
	}
	forms = nil
	made := make([]group, len(targets))
	best := make([][]uint8, work.Workers(len(targets))) // by worker
	work.Spread(len(best), len(targets), func(wk, i int) {
		if best[wk] == nil {
			best[wk] = make([]uint8, docs)
		}
		p := join(lists[i], best[wk])
		made[i] = newGroup(encodePostings(&p.docs), encodeBlocks(&p.pos))
		lists[i] = nil // encoded, the lists take a third of the space
	})
	for i, k := range targets {
		x.groups[k] = made[i]
	}
}

// patch makes the entries of the targets whose postings changed where
// the documents numbered dirty did, from the last build's, which old
// returns (the zero group: none); fresh are the analyses of this build's
// documents of those numbers, and byTail the stems of the tail's terms.
// It returns the terms whose entries changed. It fails, and leaves the
// index to be made in full, when a term of an unchanged document changes
// target, or the cache does not have what it needs.
func (x *indexer) patch(dirty []int32, fresh map[int32]*analysis, byTail []bool, old func(int32) group) ([]int32, bool) {
	c := x.c
	stale := map[int32]*analysis{}
	for _, i := range dirty {
		if int(i) >= len(c.order) {
			continue
		}
		rec, ok := c.record(c.order[i])
		if !ok {
			return nil, false
		}
		a, ok := decodeAnalysis(rec, len(c.terms))
		if !ok {
			return nil, false
		}
		stale[i] = &a
	}
	x.stemAll()
	oldDF := slices.Clone(x.df)
	in := map[int32]int32{} // by term: the fresh documents that have it
	for _, a := range stale {
		for _, id := range a.ids {
			x.df[id]--
		}
	}
	for _, a := range fresh {
		for _, id := range a.ids {
			x.df[id]++
			in[id]++
		}
	}
	was := make([]bool, len(oldDF))
	for _, id := range c.forced {
		was[id] = true
	}
	before, after := x.targets(oldDF, was), x.targets(x.df, byTail)
	var changed []int32
	for id := range after {
		if x.df[id] < 0 {
			return nil, false
		}
		if before[id] != after[id] {
			if x.df[id]-in[int32(id)] > 0 {
				return nil, false // its postings in unchanged documents move
			}
			changed = append(changed, int32(id))
		}
	}
	gone, added := rowsOf(stale, dirty, before), rowsOf(fresh, dirty, after)
	targets := slices.Collect(maps.Keys(gone))
	for t := range added {
		if _, ok := gone[t]; !ok {
			targets = append(targets, t)
		}
	}
	slices.Sort(targets)
	var isDirty []bool
	if len(dirty) > 0 {
		isDirty = make([]bool, dirty[len(dirty)-1]+1)
	}
	for _, i := range dirty {
		isDirty[i] = true
	}
	dirtyDoc := func(d int32) bool { return int(d) < len(isDirty) && isDirty[d] }
	first := int32(math.MaxInt32) // the first document changed
	if len(dirty) > 0 {
		first = dirty[0]
	}
	x.groups = map[int32]group{}
	for _, t := range targets {
		a, b := gone[t], added[t]
		if sameRows(a, b, true) {
			continue
		}
		var g group
		var ok bool
		if sameRows(a, b, false) {
			g, ok = splicePositions(old(t), b)
		} else {
			g, ok = splice(old(t), first, dirtyDoc, b)
		}
		if !ok {
			return nil, false
		}
		x.groups[t] = g
		changed = append(changed, t)
	}
	x.target = after
	return changed, true
}

// rowsOf returns, by target, the rows of the documents numbered dirty
// that analyses has, in increasing order, target giving each term's.
func rowsOf(analyses map[int32]*analysis, dirty []int32, target []int32) map[int32][]row {
	rows := map[int32][]row{}
	for _, n := range dirty {
		a := analyses[n]
		if a == nil {
			continue
		}
		at := map[int32]int{} // target → its row's index in rows
		for k, id := range a.ids {
			t := target[id]
			if t < 0 {
				continue
			}
			rs := rows[t]
			if j, ok := at[t]; ok {
				r := &rs[j]
				r.tier = max(r.tier, a.tiers[k])
				r.at = mergePositions(r.at, a.positions(k))
				continue
			}
			at[t] = len(rs)
			rows[t] = append(rs, row{n, a.tiers[k], slices.Clone(a.positions(k))})
		}
	}
	return rows
}

// sameRows tells whether the rows a and b have the same documents in the
// same tiers, and, when positions is true, the same positions.
func sameRows(a, b []row, positions bool) bool {
	return slices.EqualFunc(a, b, func(r, s row) bool {
		return r.doc == s.doc && r.tier == s.tier && (!positions || slices.Equal(r.at, s.at))
	})
}

// splicePositions returns entry g with the positions of the rows, whose
// documents it has in their tiers already: only their blocks change.
func splicePositions(g group, rows []row) (group, bool) {
	pos := slices.Clone(g.pos)
	for len(rows) > 0 {
		b := rows[0].doc / blockDocs
		n := 1
		for n < len(rows) && rows[n].doc/blockDocs == b {
			n++
		}
		in := rows[:n]
		rows = rows[n:]
		k, found := slices.BinarySearchFunc(pos, b, func(p posBlock, b int32) int { return cmp.Compare(p.n, b) })
		docs, ok := docsInBlock(g.val, b)
		if !found || !ok {
			return group{}, false
		}
		mine := func(d int32) bool {
			_, found := slices.BinarySearchFunc(in, d, func(r row, d int32) int { return cmp.Compare(r.doc, d) })
			return found
		}
		s, ok := spliceBlock(pos[k].s, docs, mine, in)
		if !ok {
			return group{}, false
		}
		pos[k] = newBlock(b, s)
	}
	return group{g.val, g.sum, pos}, true
}

// docsInBlock returns the documents of block b that the lists val have,
// in increasing order, reading no more of the lists than it must.
func docsInBlock(val string, b int32) ([]int32, bool) {
	lo, hi := b*blockDocs, (b+1)*blockDocs
	var docs []int32
	for list := range strings.SplitSeq(val, ".") {
		if bm, ok := strings.CutPrefix(list, "~"); ok {
			for i := lo / 6; i < int32(len(bm)) && 6*i < hi; i++ {
				d := digits[bm[i]]
				if d < 0 {
					return nil, false
				}
				for bit := range int32(6) {
					if doc := 6*i + bit; d&(1<<bit) != 0 && doc >= lo && doc < hi {
						docs = append(docs, doc)
					}
				}
			}
			continue
		}
		var v uint32
		prev := int32(-1)
		for i := 0; i < len(list) && prev < hi; i++ {
			d := digits[list[i]]
			if d < 0 || v > 1<<26 {
				return nil, false
			}
			v = v<<5 | uint32(d&31)
			if d < 32 {
				prev += int32(v) + 1
				v = 0
				if prev >= lo && prev < hi {
					docs = append(docs, prev)
				}
			}
		}
	}
	slices.Sort(docs)
	return docs, true
}

// splice returns entry g (zero: none) without the rows of the documents
// dirty tells, the least of which is first, and with the rows added,
// which are in increasing order of documents. Only the blocks of
// positions of those documents are read and written again.
func splice(g group, first int32, dirty func(int32) bool, added []row) (group, bool) {
	if len(added) > 0 {
		if out, ok := spliceAppend(g, first, added); ok {
			return out, true
		}
	}
	var lists [tiers][]int32
	if g.val != "" {
		t := 0
		for list := range strings.SplitSeq(g.val, ".") {
			docs, ok := parseList(list)
			if !ok || t == tiers {
				return group{}, false
			}
			lists[t] = docs
			t++
		}
	}
	// The blocks whose documents change.
	var blocks []int32
	touch := func(d int32) { blocks = append(blocks, d/blockDocs) }
	var out [tiers][]int32
	for t, l := range lists {
		i, _ := slices.BinarySearch(l, first)
		kept := slices.Clip(l[:i])
		for _, d := range l[i:] {
			if dirty(d) {
				touch(d)
			} else {
				kept = append(kept, d)
			}
		}
		out[t] = kept
	}
	for _, r := range added {
		touch(r.doc)
		l := out[r.tier-1]
		i, _ := slices.BinarySearch(l, r.doc)
		out[r.tier-1] = slices.Insert(l, i, r.doc)
	}
	slices.Sort(blocks)
	blocks = slices.Compact(blocks)
	pos := make([]posBlock, 0, len(g.pos)+1)
	old := g.pos
	for _, b := range blocks {
		for len(old) > 0 && old[0].n < b {
			pos, old = append(pos, old[0]), old[1:]
		}
		var s string
		if len(old) > 0 && old[0].n == b {
			s, old = old[0].s, old[1:]
		}
		var rows []row
		for len(added) > 0 && added[0].doc/blockDocs == b {
			rows, added = append(rows, added[0]), added[1:]
		}
		s, ok := spliceBlock(s, inBlock(&lists, b), dirty, rows)
		if !ok {
			return group{}, false
		}
		if s != "" {
			pos = append(pos, newBlock(b, s))
		}
	}
	pos = append(pos, old...)
	if len(pos) == 0 {
		return group{}, true
	}
	return newGroup(encodePostings(&out), pos), true
}

// inBlock returns the documents of the lists in block b, in increasing
// order.
func inBlock(lists *[tiers][]int32, b int32) []int32 {
	var docs []int32
	for _, l := range lists {
		i, _ := slices.BinarySearch(l, b*blockDocs)
		j, _ := slices.BinarySearch(l, (b+1)*blockDocs)
		docs = append(docs, l[i:j]...)
	}
	slices.Sort(docs)
	return docs
}

// spliceBlock returns the block of positions s, of the documents docs,
// without those dirty tells and with the rows added.
func spliceBlock(s string, docs []int32, dirty func(int32) bool, added []row) (string, bool) {
	b := make([]byte, 0, len(s)+8*len(added))
	at := 0
	for _, d := range docs {
		for len(added) > 0 && added[0].doc < d {
			b = appendPositions(b, added[0].at)
			added = added[1:]
		}
		end, ok := skipPositions(s, at)
		if !ok {
			return "", false
		}
		if !dirty(d) {
			b = append(b, s[at:end]...)
		}
		at = end
	}
	if at != len(s) {
		return "", false
	}
	for _, r := range added {
		b = appendPositions(b, r.at)
	}
	return string(b), true
}

// skipPositions returns where the document's positions that start at at
// in pos end.
func skipPositions(pos string, at int) (int, bool) {
	// The first varint is the number of positions that follow.
	var count uint32
	for {
		if at == len(pos) {
			return 0, false
		}
		d := digits[pos[at]]
		if d < 0 || count > 1<<26 {
			return 0, false
		}
		count = count<<5 | uint32(d&31)
		at++
		if d < 32 {
			break
		}
	}
	for ; count > 0 && at < len(pos); at++ {
		if d := digits[pos[at]]; d < 0 {
			return 0, false
		} else if d < 32 {
			count--
		}
	}
	return at, count == 0
}

// row is one document's part of a target's postings.
type row struct {
	doc  int32
	tier uint8
	at   []uint16
}

// mergePositions merges two ascending lists of positions with none in
// common: two forms of a stem are never one word.
func mergePositions(a, b []uint16) []uint16 {
	out := make([]uint16, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] < b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// entries are the index's entries of terms: each target's postings and
// positions, and each other term a reference to its target.
func (x *indexer) entries() []entry {
	terms := x.vocab.terms
	es := make([]entry, 0, len(x.groups)+len(x.target))
	for k, g := range x.groups {
		es = append(es, entry{term: terms[k], val: g.val, sum: g.sum, pos: g.pos})
	}
	for id, t := range x.target {
		if t >= 0 && t != int32(id) {
			val := "=" + terms[t]
			es = append(es, entry{term: terms[id], val: val, sum: sum.String(val)})
		}
	}
	return es
}

// digits maps the characters of alphabet to their values, and others to
// -1.
var digits = func() (d [256]int8) {
	for i := range d {
		d[i] = -1
	}
	for i := range len(alphabet) {
		d[alphabet[i]] = int8(i)
	}
	return d
}()

// parseVarints reads the base-32 varints appendVarint wrote, as
// alphabet's characters.
func parseVarints(s string) ([]uint32, bool) {
	var out []uint32
	var v uint32
	for i := 0; i < len(s); i++ {
		d := digits[s[i]]
		if d < 0 || v > 1<<26 {
			return nil, false
		}
		v = v<<5 | uint32(d&31)
		if d < 32 {
			out = append(out, v)
			v = 0
		}
	}
	return out, v == 0
}

// parseList reads a list encodeList wrote.
func parseList(s string) ([]int32, bool) {
	var docs []int32
	if bm, ok := strings.CutPrefix(s, "~"); ok {
		for i := 0; i < len(bm); i++ {
			d := digits[bm[i]]
			if d < 0 {
				return nil, false
			}
			for b := range 6 {
				if d&(1<<b) != 0 {
					docs = append(docs, int32(6*i+b))
				}
			}
		}
		return docs, true
	}
	gaps, ok := parseVarints(s)
	prev := int32(-1)
	for _, g := range gaps {
		prev += int32(g) + 1
		docs = append(docs, prev)
	}
	return docs, ok
}

// spliceAppend is splice for the common case of documents added after
// every one entry g has, as today's article is: it appends their rows
// to the encoded lists and to the last blocks without decoding either,
// and fails, for splice to do the rest, when g has a document from first
// on.
func spliceAppend(g group, first int32, added []row) (group, bool) {
	var lists [tiers]string
	t := 0
	for list := range strings.SplitSeq(g.val, ".") {
		if t == tiers {
			return group{}, false
		}
		lists[t] = list
		t++
	}
	var ends [tiers]listEnd
	for t, l := range lists {
		e, ok := endOf(l)
		if !ok || e.last >= first {
			return group{}, false
		}
		ends[t] = e
	}
	var docs [tiers][]int32
	for _, r := range added {
		docs[r.tier-1] = append(docs[r.tier-1], r.doc)
	}
	for t, d := range docs {
		if len(d) > 0 {
			lists[t] = appendList(lists[t], ends[t], d)
		}
	}
	n := tiers
	for n > 1 && lists[n-1] == "" {
		n--
	}
	// A new slice: g's blocks are the last build's shard's.
	pos := append(make([]posBlock, 0, len(g.pos)+1), g.pos...)
	for len(added) > 0 {
		b := added[0].doc / blockDocs
		var s []byte
		if k := len(pos) - 1; k >= 0 && pos[k].n == b {
			s, pos = []byte(pos[k].s), pos[:k]
		}
		for len(added) > 0 && added[0].doc/blockDocs == b {
			s = appendPositions(s, added[0].at)
			added = added[1:]
		}
		pos = append(pos, newBlock(b, string(s)))
	}
	return newGroup(strings.Join(lists[:n], "."), pos), true
}

// listEnd is what appending to an encoded list needs of it: its last
// document (-1: none) and the length of its gaps encoding.
type listEnd struct {
	last int32
	gaps int
}

// endOf reads the end of the list s that encodeList wrote, without
// decoding it into numbers.
func endOf(s string) (listEnd, bool) {
	e := listEnd{last: -1}
	if bm, ok := strings.CutPrefix(s, "~"); ok {
		for i := 0; i < len(bm); i++ {
			d := digits[bm[i]]
			if d < 0 {
				return e, false
			}
			for b := range 6 {
				if d&(1<<b) != 0 {
					doc := int32(6*i + b)
					e.gaps += varintLen(uint32(doc - e.last - 1))
					e.last = doc
				}
			}
		}
		return e, true
	}
	var v uint32
	for i := 0; i < len(s); i++ {
		d := digits[s[i]]
		if d < 0 || v > 1<<26 {
			return e, false
		}
		v = v<<5 | uint32(d&31)
		if d < 32 {
			e.last += int32(v) + 1
			v = 0
		}
	}
	e.gaps = len(s)
	return e, v == 0
}

// varintLen is how many digits appendVarint writes for v.
func varintLen(v uint32) int {
	n := 1
	for v >>= 5; v > 0; v >>= 5 {
		n++
	}
	return n
}

// appendList returns the list s, which ends as e says, with docs, which
// follow its last, appended: what encodeList writes for them all, as
// gaps or a bitmap, whichever is shorter.
func appendList(s string, e listEnd, docs []int32) string {
	var tail []byte
	prev := e.last
	for _, d := range docs {
		tail = appendVarint(tail, uint32(d-prev-1))
		prev = d
	}
	gaps, bitmap := e.gaps+len(tail), int(prev)/6+1
	bm, isBitmap := strings.CutPrefix(s, "~")
	switch {
	case bitmap+1 < gaps && isBitmap:
		b := make([]byte, bitmap)
		for i := range len(bm) {
			b[i] = byte(digits[bm[i]])
		}
		for _, d := range docs {
			b[d/6] |= 1 << (d % 6)
		}
		for i, c := range b {
			b[i] = alphabet[c]
		}
		return "~" + string(b)
	case bitmap+1 >= gaps && !isBitmap:
		for i, c := range tail {
			tail[i] = alphabet[c]
		}
		return s + string(tail)
	}
	// The list changes its encoding.
	old, _ := parseList(s)
	return encodeList(append(old, docs...))
}
