package search

import (
	"encoding/binary"
	"math"
	"strings"
	"sync"

	"github.com/digest/digest/generator/internal/sum"
)

// vocabulary numbers the terms of the index. A Cache keeps the numbers
// from build to build, so that its records stay valid.
type vocabulary struct {
	mu    sync.Mutex
	terms []string         // a term's number is its index
	ids   map[string]int32 // see index
}

// id returns t's number, adding t when it is new.
func (v *vocabulary) id(t string) int32 {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.index()
	id, ok := v.ids[t]
	if !ok {
		t = strings.Clone(t)
		id = int32(len(v.terms))
		v.terms = append(v.terms, t)
		v.ids[t] = id
	}
	return id
}

// index makes ids, on first use: most builds add few terms; v.mu is
// held.
func (v *vocabulary) index() {
	if v.ids == nil {
		v.ids = make(map[string]int32, len(v.terms))
		for i, t := range v.terms {
			v.ids[t] = int32(i)
		}
	}
}

// find returns t's number, if t is in the vocabulary.
func (v *vocabulary) find(t string) (int32, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.index()
	id, ok := v.ids[t]
	return id, ok
}

// analysis is what one document brings to the index: its terms, each
// with the best tier it reaches there and the positions of its words.
type analysis struct {
	ids   []int32 // the terms' numbers in the vocabulary
	tiers []uint8
	ends  []int32 // the end in at of each term's positions
	at    []uint16
}

// positions are the positions of the k-th term, ascending.
func (a *analysis) positions(k int) []uint16 {
	start := int32(0)
	if k > 0 {
		start = a.ends[k-1]
	}
	return a.at[start:a.ends[k]]
}

// analyser reads documents for one worker.
type analyser struct {
	vocab *vocabulary
	local map[string]int32 // the terms this worker has seen, so that it rarely locks vocab
	buf   []string
	slot  []int32 // by term number: the term's index in the document read, plus one
	occ   []occurrence
	fill  []int32
}

// occurrence is a word of the document read: its term's index in the
// analysis and its position.
type occurrence struct {
	k  int32
	at uint16
}

func newAnalyser(v *vocabulary) *analyser {
	return &analyser{vocab: v, local: map[string]int32{}}
}

// analyse reads document d, whose body's text is body.
func (x *analyser) analyse(d *document, body string) analysis {
	var a analysis
	x.occ = x.occ[:0]
	// The fields come best tier first, so the first time a term is seen
	// in a document is in the best tier it reaches there, the only list
	// the document goes in. A word past the 65,535th counts for the
	// document but has no position.
	at := 0
	add := func(text string, tier uint8) {
		x.buf = appendTerms(x.buf[:0], text)
		for _, t := range x.buf {
			id, ok := x.local[t]
			if !ok {
				id = x.vocab.id(t)
				x.local[strings.Clone(t)] = id
			}
			if int(id) >= len(x.slot) {
				x.slot = append(x.slot, make([]int32, int(id)+1024-len(x.slot))...)
			}
			k := x.slot[id]
			if k == 0 {
				a.ids = append(a.ids, id)
				a.tiers = append(a.tiers, tier)
				k = int32(len(a.ids))
				x.slot[id] = k
			}
			if at <= math.MaxUint16 {
				x.occ = append(x.occ, occurrence{k - 1, uint16(at)})
			}
			at++
		}
		at += fieldGap
	}
	add(d.title, tierTitle)
	for _, t := range d.tags {
		add(t.Name, tierTag)
	}
	add(d.summary, tierMiddle)
	add(d.source, tierMiddle)
	add(body, tierBody)
	for _, id := range a.ids {
		x.slot[id] = 0
	}
	// Each term's positions together, in order: a counting sort.
	a.ends = make([]int32, len(a.ids))
	for _, o := range x.occ {
		a.ends[o.k]++
	}
	n := int32(0)
	for k, c := range a.ends {
		n += c
		a.ends[k] = n
	}
	x.fill = append(x.fill[:0], a.ends...)
	a.at = make([]uint16, len(x.occ))
	for i := len(x.occ) - 1; i >= 0; i-- {
		o := x.occ[i]
		x.fill[o.k]--
		a.at[x.fill[o.k]] = o.at
	}
	return a
}

// encode is a's record in the cache: its number of terms and, for each
// term, its number, its tier, its number of positions and each position
// as its distance from the previous one, less one, all uvarints but the
// tier, a byte.
func (a *analysis) encode() []byte {
	b := make([]byte, 0, 3*len(a.ids)+2*len(a.at)+4)
	b = binary.AppendUvarint(b, uint64(len(a.ids)))
	for k, id := range a.ids {
		b = binary.AppendUvarint(b, uint64(id))
		b = append(b, a.tiers[k])
		at := a.positions(k)
		b = binary.AppendUvarint(b, uint64(len(at)))
		prev := -1
		for _, p := range at {
			b = binary.AppendUvarint(b, uint64(int(p)-prev-1))
			prev = int(p)
		}
	}
	return b
}

// decodeAnalysis reads a record of a vocabulary of the given size; it
// fails on anything encode does not write.
func decodeAnalysis(rec []byte, vocab int) (a analysis, ok bool) {
	r := reader{data: rec}
	n := r.num(len(rec))
	a.ids = make([]int32, 0, n)
	a.tiers = make([]uint8, 0, n)
	a.ends = make([]int32, 0, n)
	a.at = make([]uint16, 0, len(rec)-2*n)
	for ; n > 0 && r.ok(); n-- {
		a.ids = append(a.ids, int32(r.num(vocab-1)))
		tier := r.byte()
		if tier < 1 || tier > tiers {
			return a, false
		}
		a.tiers = append(a.tiers, tier)
		prev := -1
		for m := r.num(len(rec)); m > 0 && r.ok(); m-- {
			prev += 1 + r.num(math.MaxUint16-1-prev)
			a.at = append(a.at, uint16(prev))
		}
		a.ends = append(a.ends, int32(len(a.at)))
	}
	return a, r.ok() && r.at == len(rec)
}

// renumber returns the record rec with every term numbered as renum says.
func renumber(rec []byte, renum []int) []byte {
	a, _ := decodeAnalysis(rec, len(renum))
	for k, id := range a.ids {
		a.ids[k] = int32(renum[id])
	}
	return a.encode()
}

// key is a hash of everything the analysis of d reads. A body is known by
// the hash of the file it was rendered from, under the cache's settings,
// as the body cache knows it; a document without that hash (made by hand)
// by its HTML.
func (d *document) key() (uint64, error) {
	h := sum.New()
	str := func(s string) {
		h.AddUint64(uint64(len(s)))
		h.AddString(s)
	}
	h.AddUint64(d.sum)
	str(d.title)
	h.AddUint64(uint64(len(d.tags)))
	for _, t := range d.tags {
		str(t.Name)
		str(t.Slug) // for the filters
	}
	str(d.summary)
	str(d.source)
	str(d.sourceKey)
	if d.sum == 0 {
		body, err := d.body()
		if err != nil {
			return 0, err
		}
		str(body)
	}
	return h.Sum64(), nil
}
