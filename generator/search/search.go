// Package search writes the index that /search/ queries in the reader's
// browser. There is no server side: layouts/static/search.js fetches the
// few files a query needs and ranks the articles itself.
//
// # Terms
//
// Headline, tags, summary, source and body text (the HTML body with its
// tags stripped) are cut into terms by [Terms], which search.js mirrors:
// words of letters, digits and combining marks of any script, lowercased,
// diacritics dropped, each Han, Hiragana or Katakana character a term of
// its own (other scripts written without spaces, such as Thai, are found
// by whole runs, or by their start as a prefix). There are no stop words:
// a very common term costs at most a bitmap of the documents (see
// Postings), so "the" loads kilobytes, not megabytes, and every query
// word must match.
//
// # Files
//
// All paths are under Dir, /search/ on the site. Documents are numbered
// oldest first, so a larger number is a newer article, and adding today's
// article appends a document: the files of the older ones keep their
// bytes, and a rebuild rewrites only the last chunks and the shards of
// the new article's terms.
//
//	meta.json    {"v": version, "docs": N, "dchunk": 32, "bchunk": 16,
//	              "keys": [shard keys, sorted], "kb": [shard sizes in KiB]}
//	t/<i>.json   shard i of the inverted index: {"term": "postings", …}
//	d/<n>.json   documents n·dchunk … as [title, url, RFC 3339 date,
//	             "2 January 2006" date, source, summary cut at 600 bytes,
//	             [tag name, tag url, …]]
//	b/<n>.json   documents n·bchunk … body text, plain, cut at 2,000 bytes,
//	             loaded only to make a snippet for a body-only hit
//
// The version v is a hash of every other file; search.js appends it to
// their URLs (?v=…) so a browser never mixes two builds' files. The
// script loads meta.json first, then only the shards of the query's terms,
// then the document chunks of the results it shows.
//
// # Shards
//
// A shard holds every term that starts with its key and with no longer
// key: the terms live in the shard whose key is the term's longest prefix
// among keys. The keys are found by splitting the sorted vocabulary like a
// trie, one character deeper wherever a shard would exceed 32 KiB and
// merging small siblings back into their parent, so the number of shards
// grows with the corpus and a shard stays near 32 KiB (one term's postings
// alone may be larger). Because the keys are prefixes, every term that
// starts with p lives in the shard of p's longest key prefix or in shards
// whose keys start with p: search.js expands the last word of a query as a
// prefix without loading the whole index. It matches the word exactly
// instead while the shards of a short prefix would add up to over 200 KiB
// ("ch" on a large site); the reader has only to type on.
//
// # Postings
//
// A term's value is up to four lists of document numbers separated by
// ".", one per field tier: body; summary or source; tag; headline. A
// document is in the list of the best tier the term reaches in it, so the
// lists are disjoint. Each list is one of
//
//   - gaps: every document number as its distance from the previous one,
//     less one (the first as itself), written as a base-32 varint in the
//     URL-safe base64 alphabet A–Z a–z 0–9 - _, most significant digit
//     first, digits with value ≥ 32 meaning "more follows";
//   - "~" and a bitmap: the character at i holds documents 6i … 6i+5 in
//     its six bits, lowest bit first, trailing empty characters dropped.
//
// whichever is shorter. Trailing empty lists are left out: "Bc" is body
// only, "..Bc" tag only.
//
// # Ranking
//
// Every query word must match. A word scores 2×tier in a document (plus 1
// when it is the term itself rather than a longer term it is a prefix of),
// a document scores the sum over the words, and higher scores come first,
// newer (larger number) first on ties. So headline and tag hits come
// first, the headline before the tag, then summary and source, then body.
package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digest/digest/generator/internal/work"
	"github.com/digest/digest/generator/site"
)

// Dir is the folder, under the site root, that holds the index files.
const Dir = "search"

const (
	// A chunk is one request for a reader and one file for the host: at
	// 10,000 articles these make about 1,000 files (14 kB and 32 kB each,
	// 5 and 11 kB gzipped) rather than 1,900, which keeps a large digest
	// under Cloudflare Pages' 20,000 files.
	docChunk   = 32   // documents per d/<n>.json
	bodyChunk  = 16   // documents per b/<n>.json
	maxSummary = 600  // bytes of summary kept for results
	maxBody    = 2000 // bytes of body text kept for snippets
	batch      = 1024 // documents analysed at once; a multiple of both chunks
)

// shardTarget is the size in bytes a shard should stay under; a variable
// so that tests can split a small index.
var shardTarget = 32 << 10

// Field tiers, weakest first; a term's postings have one list per tier.
const (
	tierBody   = 1 // body text
	tierMiddle = 2 // summary, source
	tierTag    = 3
	tierTitle  = 4 // headline
	tiers      = 4
)

// Write calls write for every index file, with a slash path relative to
// the site root, as soon as the file is made; write may keep data, which
// Write does not touch again. The files depend on nothing but s: the same
// site gives the same bytes.
func Write(s *site.Site, write func(name string, data []byte) error) error {
	w := &writer{write: write, hash: sha256.New(), date: func(t time.Time) string { return t.Format("2 January 2006") }}
	if loc := s.Locale; loc != nil {
		w.date = func(t time.Time) string { return loc.Date(":date_long", t) }
	}
	docs := slices.Clone(s.Articles)
	slices.Reverse(docs)
	workers := make([]*analyser, work.Workers(len(docs)))
	for i := range workers {
		workers[i] = &analyser{postings: map[string]*posting{}}
	}
	for lo := 0; lo < len(docs); lo += batch {
		arts := docs[lo:min(lo+batch, len(docs))]
		bodies := make([]string, len(arts))
		errs := make([]error, len(arts))
		// Each worker takes documents in increasing order, so its
		// postings lists stay sorted.
		work.Spread(len(workers), len(arts), func(w, i int) {
			bodies[i], errs[i] = workers[w].add(int32(lo+i), arts[i])
		})
		if err := errors.Join(errs...); err != nil {
			return err
		}
		if err := w.docs(lo, arts, bodies); err != nil {
			return err
		}
	}
	postings := workers[0].postings
	for _, a := range workers[1:] {
		for t, p := range a.postings {
			if q := postings[t]; q != nil {
				for i := range p.docs {
					q.docs[i] = merge(q.docs[i], p.docs[i])
				}
			} else {
				postings[t] = p
			}
		}
	}

	terms := make([]string, 0, len(postings))
	for t := range postings {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	entries := make([]entry, len(terms))
	for i, t := range terms {
		entries[i] = entry{t, encodePostings(&postings[t].docs)}
		delete(postings, t) // encoded, the lists take a third of the space
	}
	var shards []shard
	if len(entries) > 0 {
		split("", entries, &shards)
	}
	slices.SortFunc(shards, func(a, b shard) int { return strings.Compare(a.key, b.key) })

	m := meta{Docs: len(s.Articles), DocChunk: docChunk, BodyChunk: bodyChunk, Keys: []string{}, KB: []int{}}
	for i, sh := range shards {
		var b bytes.Buffer
		b.WriteByte('{')
		for j, e := range sh.entries {
			if j > 0 {
				b.WriteByte(',')
			}
			// Terms are letters, digits and marks, values base64 and
			// "~."; neither needs escaping in JSON.
			b.WriteString("\n\"" + e.term + "\":\"" + e.val + "\"")
		}
		b.WriteString("\n}\n")
		if err := w.file(fmt.Sprintf("t/%d.json", i), b.Bytes()); err != nil {
			return err
		}
		m.Keys = append(m.Keys, sh.key)
		m.KB = append(m.KB, (b.Len()+1023)/1024)
	}
	m.Version = hex.EncodeToString(w.hash.Sum(nil))[:12]
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return write(Dir+"/meta.json", append(data, '\n'))
}

type meta struct {
	Version   string   `json:"v"`
	Docs      int      `json:"docs"`
	DocChunk  int      `json:"dchunk"`
	BodyChunk int      `json:"bchunk"`
	Keys      []string `json:"keys"`
	KB        []int    `json:"kb"`
}

// writer writes index files and hashes them, in order, for the version.
type writer struct {
	write func(name string, data []byte) error
	hash  hash.Hash
	// date writes a result's date as the site's cards do.
	date func(time.Time) string
}

func (w *writer) file(name string, data []byte) error {
	w.hash.Write([]byte(name))
	w.hash.Write([]byte{0})
	w.hash.Write(data)
	w.hash.Write([]byte{0})
	return w.write(Dir+"/"+name, data)
}

// analyser collects the postings of the documents one worker reads.
type analyser struct {
	postings map[string]*posting
	buf      []string
}

// posting is one term's documents, a list per tier.
type posting struct {
	docs [tiers][]int32
	last int32 // the last document added plus one, so that 0 is none
}

// add adds document n, article a, to the postings, and returns its body
// text clipped for snippets.
func (x *analyser) add(n int32, a *site.Article) (string, error) {
	body, err := a.Body()
	if err != nil {
		return "", err
	}
	// The fields come best tier first, so the first time a term is seen
	// in a document is in the best tier it reaches there, the only list
	// the document goes in.
	add := func(text string, tier uint8) {
		x.buf = appendTerms(x.buf[:0], text)
		for _, t := range x.buf {
			p := x.postings[t]
			if p == nil {
				p = new(posting)
				x.postings[strings.Clone(t)] = p
			}
			if p.last != n+1 {
				p.last = n + 1
				p.docs[tier-1] = append(p.docs[tier-1], n)
			}
		}
	}
	add(a.Title, tierTitle)
	for _, t := range a.Tags {
		add(t.Name, tierTag)
	}
	add(a.Summary, tierMiddle)
	add(source(a), tierMiddle)
	text := bodyText(string(body))
	add(text, tierBody)
	return snippet(text, maxBody), nil
}

// source is the name of the article's publisher: its source, else the
// host of its source URL.
func source(a *site.Article) string {
	if a.Source == "" && a.Publisher != nil {
		return a.Publisher.Name
	}
	return a.Source
}

// merge merges two sorted lists of distinct documents.
func merge(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] < b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// docs writes the document and body chunks of arts, which start at
// document number lo, a multiple of both chunk sizes.
func (w *writer) docs(lo int, arts []*site.Article, bodies []string) error {
	for i := 0; i < len(arts); i += docChunk {
		var rows []any
		for _, a := range arts[i:min(i+docChunk, len(arts))] {
			tags := make([]string, 0, 2*len(a.Tags))
			for _, t := range a.Tags {
				tags = append(tags, t.Name, t.URL)
			}
			rows = append(rows, []any{
				a.Title, a.URL, a.Date.Format(time.RFC3339), w.date(a.Date),
				source(a), clip(a.Summary, maxSummary), tags,
			})
		}
		if err := w.json(fmt.Sprintf("d/%d.json", (lo+i)/docChunk), rows); err != nil {
			return err
		}
	}
	for i := 0; i < len(arts); i += bodyChunk {
		var rows []any
		for _, b := range bodies[i:min(i+bodyChunk, len(arts))] {
			rows = append(rows, b)
		}
		if err := w.json(fmt.Sprintf("b/%d.json", (lo+i)/bodyChunk), rows); err != nil {
			return err
		}
	}
	return nil
}

// json writes rows as a JSON array, one element a line, so that golden
// files and diffs stay readable.
func (w *writer) json(name string, rows []any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the JSON is data for the script, never HTML
	b.WriteByte('[')
	for i, r := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	b.WriteString("]\n")
	return w.file(name, b.Bytes())
}

// entry is one term of the index with its encoded postings.
type entry struct{ term, val string }

// size is the entry's share of its shard file.
func (e entry) size() int { return len(e.term) + len(e.val) + 7 }

type shard struct {
	key     string
	entries []entry // sorted
}

func sizeOf(es []entry) int {
	n := 0
	for _, e := range es {
		n += e.size()
	}
	return n
}

// split cuts es, the sorted terms that start with key, into shards of at
// most shardTarget bytes where it can: the terms are grouped by their next
// character, the smallest groups stay in key's own shard while it has
// room, and the others are split again under their longer keys.
func split(key string, es []entry, out *[]shard) {
	if len(es) == 1 || sizeOf(es) <= shardTarget {
		*out = append(*out, shard{key, es})
		return
	}
	var own []entry
	if es[0].term == key { // sorted: key itself comes first
		own, es = es[:1], es[1:]
	}
	type group struct {
		key     string
		entries []entry
		size    int
	}
	var groups []group
	for len(es) > 0 {
		_, n := utf8.DecodeRuneInString(es[0].term[len(key):])
		k := es[0].term[:len(key)+n]
		j := 1
		for j < len(es) && strings.HasPrefix(es[j].term, k) {
			j++
		}
		groups = append(groups, group{k, es[:j], sizeOf(es[:j])})
		es = es[j:]
	}
	bySize := make([]int, len(groups))
	for i := range bySize {
		bySize[i] = i
	}
	slices.SortStableFunc(bySize, func(a, b int) int { return groups[a].size - groups[b].size })
	size := sizeOf(own)
	keep := make([]bool, len(groups))
	for _, g := range bySize {
		if size+groups[g].size <= shardTarget {
			keep[g] = true
			size += groups[g].size
		}
	}
	mine := slices.Clip(own)
	for i, g := range groups {
		if keep[i] {
			mine = append(mine, g.entries...)
		} else {
			split(g.key, g.entries, out)
		}
	}
	if len(mine) > 0 {
		*out = append(*out, shard{key, mine})
	}
}

// alphabet is URL-safe base64: no character needs escaping in JSON.
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// encodePostings writes a term's lists, trailing empty ones left out.
func encodePostings(p *[tiers][]int32) string {
	lists := make([]string, len(p))
	for i, docs := range p {
		lists[i] = encodeList(docs)
	}
	for len(lists) > 1 && lists[len(lists)-1] == "" {
		lists = lists[:len(lists)-1]
	}
	return strings.Join(lists, ".")
}

// encodeList writes ascending document numbers as gaps or as a bitmap,
// whichever is shorter.
func encodeList(docs []int32) string {
	if len(docs) == 0 {
		return ""
	}
	var b []byte
	prev := int32(-1)
	for _, d := range docs {
		b = appendVarint(b, uint32(d-prev-1))
		prev = d
	}
	if n := int(docs[len(docs)-1])/6 + 1; n+1 < len(b) {
		bm := make([]byte, n)
		for _, d := range docs {
			bm[d/6] |= 1 << (d % 6)
		}
		for i, c := range bm {
			bm[i] = alphabet[c]
		}
		return "~" + string(bm)
	}
	for i, c := range b {
		b[i] = alphabet[c]
	}
	return string(b)
}

// appendVarint appends v in base 32, most significant digit first, every
// digit but the last with 32 added.
func appendVarint(b []byte, v uint32) []byte {
	var tmp [7]byte
	n := len(tmp) - 1
	tmp[n] = byte(v & 31)
	for v >>= 5; v > 0; v >>= 5 {
		n--
		tmp[n] = byte(v&31) | 32
	}
	return append(b, tmp[n:]...)
}
