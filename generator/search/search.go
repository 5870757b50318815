// Package search writes the index that /search/ queries in the reader's
// browser. There is no server side: layouts/static/search.js fetches the
// few files a query needs and ranks the documents itself.
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
// # Stems
//
// Where the site's language has a Snowball stemmer (see stemmer), a term
// is indexed under its stem: "budget" holds the postings of "budget",
// "budgets" and "budgeting", and each other form is an entry "=budget"
// that leads there. search.js has no stemmer: it looks the reader's word
// up and follows the reference, so the two sides cannot disagree. A term
// that is some word's stem keeps its own postings, so a reference never
// leads to another. Other languages match exact words.
//
// # Files
//
// All paths are under Dir, /search/ on the site. Documents are numbered
// oldest first, so a larger number is a newer document, and adding today's
// article appends a document: the files of the older ones keep their
// bytes, and a rebuild rewrites only the last chunks and the shards of
// the new article's terms.
//
//	meta.json    {"v": version, "docs": N, "dchunk": 16, "bchunk": 6,
//	              "keys": [shard keys, sorted], "kb": [shard sizes in KiB],
//	              "pkeys": [positions shard keys], "pkb": [their sizes]}
//	t/<i>.json   shard i of the inverted index: {"term": "postings", …},
//	             {"form": "=stem", …} and the filters {"#tag-slug":
//	             "documents", "@source-slug": "documents"}
//	p/<i>.json   shard i of the positions: {"term": "positions", …}, read
//	             for queries of several words, while they are small
//	d/<n>.json   documents n·dchunk … as [title, url, RFC 3339 date,
//	             "2 January 2006" date, source, summary cut at 600 bytes,
//	             [tag name, tag url, …], kind ("article" or "issue")]
//	b/<n>.json   documents n·bchunk … body text, plain, cut at 8,000 bytes,
//	             loaded only to make a snippet for a body-only hit
//	f.json       the filters' values, read when the reader filters: see
//	             facetFile
//
// The version v is a hash of every other file; search.js appends it to
// their URLs (?v=…) so a browser never mixes two builds' files. The
// script loads meta.json first, then only the shards of the query's terms
// (and of the stems they lead to), then the document chunks of the
// results it shows.
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
// whose keys start with p: search.js expands every word of a query as a
// prefix without loading the whole index. It matches a word exactly
// instead while the shards of a short prefix would add up to over 200 KiB
// ("ch" on a large site); the reader has only to type on. Positions are
// split the same way, with keys of their own.
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
// # Positions
//
// A term's positions follow its documents in increasing order (all tiers
// together): for each, the number of positions, then each position as
// the distance from the previous one less one, all varints as above. A
// position counts words through headline, tags, summary, source and body,
// with fieldGap between two of them, so words of two fields are never
// next to each other.
//
// # Ranking
//
// search.js's rank holds the rules: every query word must match, as
// itself or its stem, as a prefix, or (five letters or more) one edit
// away; documents with fewer typo-only words come first, then those with
// the words next to each other, or in one field, then by the fields the
// words are in (headline, tag, summary or source, body), exact matches
// before prefixes, and newer first on ties. A phrase in quotes must be
// there word after word, where the positions were read.
package search

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digest/digest/generator/internal/work"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/slug"
)

// Dir is the folder, under the site root, that holds the index files.
const Dir = "search"

const (
	// A chunk is one request for a reader and one file for the host: at
	// 10,000 articles the index is about 2,800 files (d 625, b 1,667, t
	// and p 500), which keeps the bench corpus's whole site under
	// Cloudflare Pages' 20,000 files. A result costs its chunks: about
	// 2 kB gzipped of d/, and for a body-only hit 8 kB of b/, whose bodies
	// are whole so that the snippet can be cut around the words, wherever
	// they are.
	docChunk   = 16   // documents per d/<n>.json
	bodyChunk  = 6    // documents per b/<n>.json
	maxSummary = 600  // bytes of summary kept for results
	maxBody    = 8000 // bytes of body text kept for snippets
	batch      = 960  // documents analysed at once; a multiple of both chunks
	// fieldGap is the positions left out between two fields of a
	// document (and between two tags), so that no phrase spans them and
	// words close together are in one field.
	fieldGap = 8
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

// A document is one thing a reader can find: an article or a numbered
// issue. A page of another kind joins the index by becoming a document in
// documents.
type document struct {
	kind              string // "article" or "issue"
	title, url        string
	date              time.Time
	source, sourceKey string // the publisher's name and slug
	summary           string
	tags              []*site.Tag
	body              func() (string, error) // HTML
}

// documents are the site's documents, oldest first.
func documents(s *site.Site) []document {
	docs := make([]document, 0, len(s.Articles))
	for _, a := range s.Articles {
		d := document{kind: "article", title: a.Title, url: a.URL, date: a.Date, source: source(a),
			summary: a.Summary, tags: a.Tags, body: func() (string, error) {
				b, err := a.Body()
				return string(b), err
			}}
		if a.Publisher != nil {
			d.sourceKey = a.Publisher.Slug
		} else {
			d.sourceKey = slug.Make(d.source)
		}
		docs = append(docs, d)
	}
	// An issue is found by its title, summary and introduction; its
	// articles are documents of their own.
	for _, is := range s.Issues {
		docs = append(docs, document{kind: "issue", title: is.Title, url: is.URL, date: is.Date,
			summary: is.Summary, body: func() (string, error) { return string(is.Body()), nil }})
	}
	slices.Reverse(docs)
	slices.SortStableFunc(docs, func(a, b document) int { return a.date.Compare(b.date) })
	return docs
}

// Write calls write for every index file, with a slash path relative to
// the site root, as soon as the file is made; write may keep data, which
// Write does not touch again. The files depend on nothing but s: the same
// site gives the same bytes.
func Write(s *site.Site, write func(name string, data []byte) error) error {
	w := &writer{write: write, hash: sha256.New(), date: func(t time.Time) string { return t.Format("2 January 2006") }}
	if loc := s.Locale; loc != nil {
		w.date = func(t time.Time) string { return loc.Date(":date_long", t) }
	}
	docs := documents(s)
	workers := make([]*analyser, work.Workers(len(docs)))
	for i := range workers {
		workers[i] = &analyser{postings: map[string]*posting{}}
	}
	for lo := 0; lo < len(docs); lo += batch {
		part := docs[lo:min(lo+batch, len(docs))]
		bodies := make([]string, len(part))
		errs := make([]error, len(part))
		// Each worker takes documents in increasing order, so its
		// postings lists stay sorted.
		work.Spread(len(workers), len(part), func(w, i int) {
			bodies[i], errs[i] = workers[w].add(int32(lo+i), &part[i])
		})
		if err := errors.Join(errs...); err != nil {
			return err
		}
		if err := w.docs(lo, part, bodies); err != nil {
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
				q.pos = q.pos.merge(&p.pos)
			} else {
				postings[t] = p
			}
		}
	}

	entries := words(postings, len(docs), stemmer(s.Language))
	entries = append(entries, filters(docs)...)
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.term, b.term) })
	var pos []entry
	for i, e := range entries {
		if e.pos != "" {
			pos = append(pos, entry{term: e.term, val: e.pos})
			entries[i].pos = ""
		}
	}
	m := meta{Docs: len(docs), DocChunk: docChunk, BodyChunk: bodyChunk}
	var err error
	if m.Keys, m.KB, err = w.shards("t", entries); err != nil {
		return err
	}
	if m.PosKeys, m.PosKB, err = w.shards("p", pos); err != nil {
		return err
	}
	data, err := json.Marshal(facets(docs, s.Location))
	if err != nil {
		return err
	}
	if err := w.file("f.json", append(data, '\n')); err != nil {
		return err
	}
	m.Version = hex.EncodeToString(w.hash.Sum(nil))[:12]
	data, err = json.Marshal(m)
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
	PosKeys   []string `json:"pkeys"`
	PosKB     []int    `json:"pkb"`
}

// shards writes the sorted entries es as shards dir/<i>.json, and returns
// their keys and sizes in KiB.
func (w *writer) shards(dir string, es []entry) (keys []string, kb []int, err error) {
	var shards []shard
	if len(es) > 0 {
		split("", es, &shards)
	}
	slices.SortFunc(shards, func(a, b shard) int { return strings.Compare(a.key, b.key) })
	keys, kb = []string{}, []int{}
	for i, sh := range shards {
		var b bytes.Buffer
		b.WriteByte('{')
		for j, e := range sh.entries {
			if j > 0 {
				b.WriteByte(',')
			}
			// Terms are letters, digits and marks, filter keys a sign and
			// a slug, values base64 and "~.="; none needs escaping in JSON.
			b.WriteString("\n\"" + e.term + "\":\"" + e.val + "\"")
		}
		b.WriteString("\n}\n")
		if err := w.file(fmt.Sprintf("%s/%d.json", dir, i), b.Bytes()); err != nil {
			return nil, nil, err
		}
		keys = append(keys, sh.key)
		kb = append(kb, (b.Len()+1023)/1024)
	}
	return keys, kb, nil
}

// words are the entries of the terms: each stem's postings and positions
// under the stem, and each other word a reference to its stem. A term
// that is the stem of some word holds its own postings even when the
// stemmer would stem it further, so no reference leads to another.
func words(postings map[string]*posting, docs int, stem func(string) string) []entry {
	best := make([]uint8, docs)
	target := func(t string) string { return t }
	if stem != nil {
		stems := make(map[string]string, len(postings))
		isStem := map[string]bool{}
		for t := range postings {
			stems[t] = stem(t)
			isStem[stems[t]] = true
		}
		target = func(t string) string {
			if isStem[t] {
				return t
			}
			return stems[t]
		}
	}
	groups := map[string][]string{}
	for t := range postings {
		k := target(t)
		groups[k] = append(groups[k], t)
	}
	entries := make([]entry, 0, len(postings)+len(groups))
	for k, forms := range groups {
		slices.Sort(forms) // the same bytes every build, whatever the map's order
		ps := make([]*posting, len(forms))
		for i, f := range forms {
			ps[i] = postings[f]
		}
		p := join(ps, best)
		entries = append(entries, entry{k, encodePostings(&p.docs), encodePositions(&p.pos)})
		for _, f := range forms {
			if f != k {
				entries = append(entries, entry{term: f, val: "=" + k})
			}
			delete(postings, f) // encoded, the lists take a third of the space
		}
	}
	return entries
}

// filters are the entries that list the documents of each tag ("#slug")
// and each source ("@slug").
func filters(docs []document) []entry {
	lists := map[string][]int32{}
	for i, d := range docs {
		for _, t := range d.tags {
			k := "#" + t.Slug
			if l := lists[k]; len(l) == 0 || l[len(l)-1] != int32(i) {
				lists[k] = append(l, int32(i))
			}
		}
		if d.sourceKey != "" {
			lists["@"+d.sourceKey] = append(lists["@"+d.sourceKey], int32(i))
		}
	}
	entries := make([]entry, 0, len(lists))
	for k, l := range lists {
		entries = append(entries, entry{term: k, val: encodeList(l)})
	}
	return entries
}

// facetFile is f.json, read when the reader filters: the tags and sources
// to offer, most used first, as [name, slug], and the number of documents
// of each day from Day0 on in the site's timezone, as varints, so that a
// range of dates is a range of document numbers.
type facetFile struct {
	Tags    [][2]string `json:"tags"`
	Sources [][2]string `json:"sources"`
	Day0    string      `json:"day0"`
	Days    string      `json:"days"`
}

func facets(docs []document, loc *time.Location) facetFile {
	if loc == nil {
		loc = time.UTC
	}
	type facet struct {
		name, slug string
		n          int
	}
	count := func(m map[string]*facet, name, key string) {
		if f := m[key]; f != nil {
			f.n++
		} else {
			m[key] = &facet{name, key, 1}
		}
	}
	tags, sources := map[string]*facet{}, map[string]*facet{}
	f := facetFile{Tags: [][2]string{}, Sources: [][2]string{}}
	var days []byte
	var day0 time.Time
	n, ndays := 0, 0
	for _, d := range docs {
		for _, t := range d.tags {
			count(tags, t.Name, t.Slug)
		}
		if d.sourceKey != "" {
			count(sources, d.source, d.sourceKey)
		}
		y, mo, dd := d.date.In(loc).Date()
		day := time.Date(y, mo, dd, 0, 0, 0, 0, time.UTC)
		if f.Day0 == "" {
			f.Day0, day0 = day.Format(time.DateOnly), day
		}
		for i := int(day.Sub(day0).Hours() / 24); ndays < i; ndays++ {
			days = appendVarint(days, uint32(n))
			n = 0
		}
		n++
	}
	if f.Day0 != "" {
		days = appendVarint(days, uint32(n))
	}
	for i, c := range days {
		days[i] = alphabet[c]
	}
	f.Days = string(days)
	list := func(m map[string]*facet) [][2]string {
		fs := make([]*facet, 0, len(m))
		for _, f := range m {
			fs = append(fs, f)
		}
		slices.SortFunc(fs, func(a, b *facet) int { return cmp.Or(b.n-a.n, strings.Compare(a.slug, b.slug)) })
		out := make([][2]string, len(fs))
		for i, f := range fs {
			out[i] = [2]string{f.name, f.slug}
		}
		return out
	}
	f.Tags, f.Sources = list(tags), list(sources)
	return f
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

// posting is one term's documents, a list per tier, and where the term
// is in each of them.
type posting struct {
	docs [tiers][]int32
	last int32 // the last document added plus one, so that 0 is none
	pos  positions
}

// join is the posting of the forms of one stem: a document in the best
// tier any form reaches there. best is scratch space of a byte per
// document, all zero, left so.
func join(forms []*posting, best []uint8) *posting {
	if len(forms) == 1 {
		return forms[0]
	}
	lo, hi := int32(math.MaxInt32), int32(-1)
	out := &posting{pos: forms[0].pos}
	for i, p := range forms {
		if i > 0 {
			out.pos = out.pos.merge(&p.pos)
		}
		for t, docs := range p.docs {
			for _, d := range docs {
				best[d] = max(best[d], uint8(t+1))
				lo, hi = min(lo, d), max(hi, d)
			}
		}
	}
	for d := lo; d <= hi; d++ {
		if t := best[d]; t > 0 {
			out.docs[t-1] = append(out.docs[t-1], d)
			best[d] = 0
		}
	}
	return out
}

// positions are where a term is in each document that has it: word
// numbers counted through the fields, headline first, with fieldGap
// between fields.
type positions struct {
	docs []int32 // ascending
	ends []int32 // the end in at of each document's positions
	at   []uint16
}

// add records that doc has the term at word n; a word past the 65,535th
// counts for the document but has no position.
func (p *positions) add(doc int32, n int) {
	i := len(p.docs) - 1
	if i < 0 || p.docs[i] != doc {
		p.docs = append(p.docs, doc)
		p.ends = append(p.ends, int32(len(p.at)))
		i++
	}
	if n <= math.MaxUint16 {
		p.at = append(p.at, uint16(n))
		p.ends[i]++
	}
}

// of is the positions of the i-th document.
func (p *positions) of(i int) []uint16 {
	start := int32(0)
	if i > 0 {
		start = p.ends[i-1]
	}
	return p.at[start:p.ends[i]]
}

func (p *positions) put(doc int32, at []uint16) {
	p.docs = append(p.docs, doc)
	p.at = append(p.at, at...)
	p.ends = append(p.ends, int32(len(p.at)))
}

// merge is the positions of p and q together.
func (p *positions) merge(q *positions) positions {
	var out positions
	out.docs = make([]int32, 0, len(p.docs)+len(q.docs))
	out.ends = make([]int32, 0, len(p.docs)+len(q.docs))
	out.at = make([]uint16, 0, len(p.at)+len(q.at))
	i, j := 0, 0
	for i < len(p.docs) || j < len(q.docs) {
		switch {
		case j == len(q.docs) || i < len(p.docs) && p.docs[i] < q.docs[j]:
			out.put(p.docs[i], p.of(i))
			i++
		case i == len(p.docs) || q.docs[j] < p.docs[i]:
			out.put(q.docs[j], q.of(j))
			j++
		default: // two forms of a stem in one document
			a, b := p.of(i), q.of(j)
			for len(a) > 0 && len(b) > 0 {
				if a[0] < b[0] {
					out.at, a = append(out.at, a[0]), a[1:]
				} else {
					out.at, b = append(out.at, b[0]), b[1:]
				}
			}
			out.at = append(out.at, b...)
			out.put(p.docs[i], a)
			i++
			j++
		}
	}
	return out
}

// add adds document n to the postings, and returns its body text clipped
// for snippets.
func (x *analyser) add(n int32, d *document) (string, error) {
	body, err := d.body()
	if err != nil {
		return "", err
	}
	// The fields come best tier first, so the first time a term is seen
	// in a document is in the best tier it reaches there, the only list
	// the document goes in.
	at := 0
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
			p.pos.add(n, at)
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
	text := bodyText(body)
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

// docs writes the document and body chunks of part, which start at
// document number lo, a multiple of both chunk sizes.
func (w *writer) docs(lo int, part []document, bodies []string) error {
	for i := 0; i < len(part); i += docChunk {
		var rows []any
		for _, d := range part[i:min(i+docChunk, len(part))] {
			tags := make([]string, 0, 2*len(d.tags))
			for _, t := range d.tags {
				tags = append(tags, t.Name, t.URL)
			}
			rows = append(rows, []any{
				d.title, d.url, d.date.Format(time.RFC3339), w.date(d.date),
				d.source, clip(d.summary, maxSummary), tags, d.kind,
			})
		}
		if err := w.json(fmt.Sprintf("d/%d.json", (lo+i)/docChunk), rows); err != nil {
			return err
		}
	}
	for i := 0; i < len(part); i += bodyChunk {
		var rows []any
		for _, b := range bodies[i:min(i+bodyChunk, len(part))] {
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

// entry is one key of the index with its encoded postings (or the stem
// it stands for, "=stem") and positions.
type entry struct{ term, val, pos string }

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

// encodePositions writes, for each document of p in turn, the number of
// positions and then each position as its distance from the previous
// one, less one (the first as itself), all as base-32 varints.
func encodePositions(p *positions) string {
	var b []byte
	for i := range p.docs {
		at := p.of(i)
		b = appendVarint(b, uint32(len(at)))
		prev := -1
		for _, n := range at {
			b = appendVarint(b, uint32(int(n)-prev-1))
			prev = int(n)
		}
	}
	for i, c := range b {
		b[i] = alphabet[c]
	}
	return string(b)
}
