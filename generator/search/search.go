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
// bytes.
//
// A shard file is named by the sum of its bytes (see fileID), and
// meta.json lists the names beside the keys: a shard whose terms an edit
// did not touch keeps its file, even when a shard split before it moves
// it in the lists, so a rebuild writes and a host uploads only the
// shards whose bytes changed. A shard's name stands for its bytes, so a
// host or a browser may cache it for ever.
//
// The terms of the newest documents, from the last multiple of tailDocs
// on (see tailFrom), are in a tail index of their own, and the others in
// the main index, so that adding today's article rewrites the last
// chunks and the tail's few shards, and the main index's only once every
// tailDocs articles. The split is a rule on the number of documents, so
// the files are a function of the site, whatever builds came before. The
// two indexes' shards share the folders, and a shard of the tail with
// the bytes of one of the main index's (positions do not say whose
// documents they are) is that file. search.js merges the two: it takes
// the keys of both as one index's, the shard of a key being the terms
// that are that shard's in the main index's file of the key's longest
// prefix among the main index's keys and in the tail's file of its
// longest prefix among the tail's, a term's lists in the tail joined to
// its lists in the main index with "," ("Bc,Ju" are documents of both),
// and its positions in the tail after those in the main index. Both
// sides follow one index's stems: a term is a stem where any document
// makes it one (see indexer.targets).
//
//	meta.json    {"v": version, "docs": N, "dchunk": 16, "bchunk": 6,
//	              "keys": [shard keys, sorted], "kb": [shard sizes in KiB],
//	              "files": "shard files' names", "pkeys": [positions
//	              shard keys], "pkb": [their sizes], "pfiles": "their
//	              files' names", "tail": {"from": the tail's first
//	              document, "keys", "kb", "files", "pkeys", "pkb",
//	              "pfiles": its shards}, when there is one}
//	t/<h>.json   a shard of the inverted index, h its name: 16 lowercase
//	             hex digits, the i-th shard's at 16·i in "files", which
//	             lists them without separators: {"term": "postings", …},
//	             {"form": "=stem", …} and the filters {"#tag-slug":
//	             "documents", "@source-slug": "documents"}; the tail's
//	             alike, their document numbers the site's
//	p/<h>.json   a shard of the positions, h its name in "pfiles" alike:
//	             {"term": "positions", …}, read for queries of several
//	             words, while they are small
//	d/<n>.json   documents n·dchunk … as [title, url, RFC 3339 date,
//	             "2 January 2006" date, source, summary cut at 600 bytes,
//	             [tag name, tag url, …], kind ("article" or "issue")]
//	b/<n>.json   documents n·bchunk … body text, plain, cut at 8,000 bytes,
//	             loaded only to make a snippet for a body-only hit
//	f.json       the filters' values, read when the reader filters: see
//	             facetFile
//
// The version v is a hash of every other file; search.js appends it to
// the URLs of the files not named by their bytes (?v=…), so a browser
// never mixes two builds' files. The script loads meta.json first, then
// only the shards of the query's terms (and of the stems they lead to),
// then the document chunks of the results it shows. Its budgets count
// the KiB of the files not fetched yet, of both indexes.
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
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/digest/digest/generator/internal/sum"
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
	sum               uint64                 // of the file the body is rendered from; 0: unknown
}

// documents are the site's documents, oldest first.
func documents(s *site.Site) []document {
	docs := make([]document, 0, len(s.Articles))
	for _, a := range s.Articles {
		d := document{kind: "article", title: a.Title, url: a.URL, date: a.Date, source: source(a),
			summary: a.Summary, tags: a.Tags, sum: a.Sum, body: func() (string, error) {
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
			summary: is.Summary, sum: is.Sum, body: func() (string, error) { return string(is.Body()), nil }})
	}
	slices.Reverse(docs)
	slices.SortStableFunc(docs, func(a, b document) int { return a.date.Compare(b.date) })
	return docs
}

// Write calls write for every index file, with a slash path relative to
// the site root and the sum of its bytes (sum.Bytes), as soon as the file
// is known; make returns its bytes, and may be called at once or later
// from any goroutine, until the build ends. The files depend on nothing
// but s: the same site gives the same bytes.
//
// With a cache (c not nil), the documents found there are not analysed
// again, and a chunk of documents or bodies made from the same documents
// as in the last build is not made unless make is called. Write keeps
// what it found in c for the next build.
func Write(s *site.Site, c *Cache, write func(name string, sum uint64, make func() ([]byte, error)) error) error {
	if c == nil {
		c = newCache("", 0)
	}
	w := &writer{write: write, cache: c, site: s, hash: sha256.New(), named: map[string]bool{}, date: func(t time.Time) string { return t.Format("2 January 2006") }}
	if loc := s.Locale; loc != nil {
		w.date = func(t time.Time) string { return loc.Date(":date_long", t) }
		w.dates = loc.Sum()
	}
	docs := documents(s)
	keys := make([]uint64, len(docs))
	errs := make([]error, len(docs))
	work.Each(len(docs), func(i int) { keys[i], errs[i] = docs[i].key() })
	if err := errors.Join(errs...); err != nil {
		return err
	}
	base := tailFrom(len(docs))
	x := newIndexer(c, s.Language)
	dirty, patch := x.changed(keys[:base])
	c.keepMade = patch
	fresh := map[int32]*analysis{}             // the changed documents', when patching
	newest := make([]analysis, len(docs)-base) // the tail's
	workers := make([]*analyser, work.Workers(len(docs)))
	for i := range workers {
		workers[i] = newAnalyser(x.vocab)
	}
	// A batch is analysed while the one before is added to the postings
	// and its chunks are made: the analysis runs on every worker, the
	// rest on this goroutine alone.
	var last *batchWork
	for lo := 0; lo < len(docs) || last != nil; lo += batch {
		if last != nil {
			<-last.done // the workers are free for the next batch
		}
		var next *batchWork
		if lo < len(docs) {
			next = prepareBatch(c, docs, keys, lo, dirty, patch, base)
			next.analyse(c, workers)
		}
		if last != nil {
			if err := w.addBatch(last, x, fresh, newest, base, patch); err != nil {
				if next != nil {
					<-next.done
				}
				return err
			}
		}
		last = next
	}
	// The stems the tail's terms make, which the main index's terms
	// must know of, as the tail's must know the main index's: the
	// postings of a term go where one index over every document would
	// put them.
	x.stemAll()
	tail := &indexer{vocab: x.vocab, stem: x.stem, lang: x.lang, stems: x.stems, groups: map[int32]group{}}
	byTail := make([]bool, len(x.vocab.terms))
	for i := range newest {
		tail.add(int32(base+i), &newest[i])
		for _, id := range newest[i].ids {
			byTail[x.stems[id]] = true
		}
	}
	clean := false
	var main *patched
	var err error
	if patch {
		if len(dirty) == 0 && slices.Equal(x.forced(x.df, byTail), c.forced) {
			// The main index is the last build's: its files are kept
			// unread, when the cache has them all.
			clean = c.keepShards(c.layout)
			patch = clean
		} else {
			main, patch = w.patchMain(x, dirty, fresh, byTail, docs[:base])
		}
		if !patch {
			if err := x.addAll(docs[:base], keys[:base], workers); err != nil {
				return err
			}
		}
	}
	if !patch {
		x.full(base, byTail)
	}
	tail.full(len(docs), x.stemMarks(x.df, nil))
	m := meta{Docs: len(docs), DocChunk: docChunk, BodyChunk: bodyChunk}
	var l layout
	switch {
	case clean:
		for k := range l {
			if l[k], err = w.keptAll(k, &c.layout[k]); err != nil {
				return err
			}
		}
		c.newTables, c.newFilters, c.made = c.tables, c.filters, madeKept
	case main != nil:
		for k := range l {
			if l[k], err = w.emit(main, k); err != nil {
				return err
			}
		}
		c.newFilters, c.made = main.filters, madePatched
	default:
		fs := filters(docs[:base], 0)
		for _, f := range fs {
			c.newFilters[f.term] = f.sum
		}
		es, pos := sortEntries(append(x.entries(), fs...))
		if l[kindTerms], err = w.shards(kindTerms, es, false); err != nil {
			return err
		}
		if l[kindPositions], err = w.shards(kindPositions, pos, false); err != nil {
			return err
		}
	}
	c.layout = &l
	m.shardsMeta = listShards(&l)
	c.forced = x.forced(x.df, byTail)
	if base < len(docs) {
		es, pos := sortEntries(append(tail.entries(), filters(docs[base:], base)...))
		var t layout
		if t[kindTerms], err = w.shards(kindTerms, es, true); err != nil {
			return err
		}
		if t[kindPositions], err = w.shards(kindPositions, pos, true); err != nil {
			return err
		}
		m.Tail = &tailMeta{From: base, shardsMeta: listShards(&t)}
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
	data = append(data, '\n')
	if err := write(Dir+"/meta.json", sum.Bytes(data), func() ([]byte, error) { return data, nil }); err != nil {
		return err
	}
	c.save(x, tail.df, keys, base)
	return nil
}

// batchWork is one batch of documents on their way into the index.
type batchWork struct {
	lo       int
	part     []document
	keys     []uint64
	made     []bool   // by body chunk: whether to make it now
	bodySums []uint64 // by body chunk
	need     []bool   // whose analysis the index needs
	found    []analysis
	snippets []string
	errs     []error
	done     chan struct{} // closed when the analysis is over
}

// prepareBatch sets up the batch of docs from lo: the body chunks that
// must be made, and the documents whose analyses are needed.
func prepareBatch(c *Cache, docs []document, keys []uint64, lo int, dirty []int32, patch bool, base int) *batchWork {
	hi := min(lo+batch, len(docs))
	b := &batchWork{lo: lo, part: docs[lo:hi], keys: keys[lo:hi], done: make(chan struct{})}
	// Only the bodies of the chunks to make are needed for snippets.
	b.made = make([]bool, (len(b.part)+bodyChunk-1)/bodyChunk)
	b.bodySums = make([]uint64, len(b.made))
	for j := range b.made {
		b.bodySums[j] = bodiesKey(b.keys[j*bodyChunk : min((j+1)*bodyChunk, len(b.part))])
		_, cached := c.chunk(bodyName(lo/bodyChunk+j), b.bodySums[j])
		b.made[j] = !cached
	}
	// Patching needs the analyses of the changed documents only,
	// and the tail's, which is made in full.
	b.need = make([]bool, len(b.part))
	for i := range b.need {
		_, changed := slices.BinarySearch(dirty, int32(lo+i))
		b.need[i] = !patch || changed || lo+i >= base
	}
	b.found = make([]analysis, len(b.part))
	b.snippets = make([]string, len(b.part))
	b.errs = make([]error, len(b.part))
	return b
}

// analyse analyses the batch's documents on workers, in the background,
// and closes b.done when it is over: the analyses that are not in the
// cache, and the snippets of the body chunks to make.
func (b *batchWork) analyse(c *Cache, workers []*analyser) {
	go func() {
		defer close(b.done)
		work.Spread(len(workers), len(b.part), func(wk, i int) {
			var hit bool
			if b.need[i] {
				var rec []byte
				if rec, hit = c.record(b.keys[i]); hit {
					b.found[i], hit = decodeAnalysis(rec, len(c.terms))
				}
			} else {
				hit = c.has(b.keys[i])
			}
			snip := b.made[i/bodyChunk]
			if hit && !snip {
				return
			}
			body, err := b.part[i].body()
			if err != nil {
				b.errs[i] = err
				return
			}
			text := bodyText(body)
			if snip {
				b.snippets[i] = snippet(text, maxBody)
			}
			if !hit {
				b.found[i] = workers[wk].analyse(&b.part[i], text)
				c.keep(b.keys[i], b.found[i].encode())
			}
		})
	}()
}

// addBatch hands each analysis of b, which is over, to where the index
// takes it, and writes the batch's chunks.
func (w *writer) addBatch(b *batchWork, x *indexer, fresh map[int32]*analysis, newest []analysis, base int, patch bool) error {
	if err := errors.Join(b.errs...); err != nil {
		return err
	}
	for i := range b.found {
		switch n := b.lo + i; {
		case n >= base:
			newest[n-base] = b.found[i]
		case !b.need[i]:
		case patch:
			fresh[int32(n)] = &b.found[i]
		default:
			// Documents are added in increasing order, so the lists
			// stay sorted.
			x.add(int32(n), &b.found[i])
			b.found[i] = analysis{} // the postings hold it
		}
	}
	return w.docs(b.lo, b.part, b.keys, b.snippets, b.made, b.bodySums)
}

// tailDocs bounds the tail: the newest documents, indexed apart from the
// others so that adding today's article rewrites the tail's few shards
// and leaves the main index's as they were. A variable so that tests
// can make a small site's tail.
var tailDocs = 128

// tailFrom is the number of the tail's first document in a site of n
// documents: a multiple of tailDocs, so that the split is a function of
// the documents alone, whatever builds came before, and the main index
// is made again once every tailDocs documents added. A site of fewer has
// no tail.
func tailFrom(n int) int {
	if n < tailDocs {
		return n
	}
	return n - n%tailDocs
}

// sortEntries sorts es by term, and returns them without their
// positions, and the entries of the positions apart.
func sortEntries(es []entry) (terms, pos []entry) {
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.term, b.term) })
	for i, e := range es {
		if len(e.pos) > 0 {
			pos = append(pos, entry{term: e.term, pos: e.pos})
			es[i].pos = nil
		}
	}
	return es, pos
}

type meta struct {
	Version   string `json:"v"`
	Docs      int    `json:"docs"`
	DocChunk  int    `json:"dchunk"`
	BodyChunk int    `json:"bchunk"`
	shardsMeta
	Tail *tailMeta `json:"tail,omitempty"`
}

// tailMeta is the tail's part of meta.json: its first document and its
// shards.
type tailMeta struct {
	From int `json:"from"`
	shardsMeta
}

// shardsMeta lists the shards of the main index or of the tail, in
// meta.json: of the terms and of the positions, their keys, their sizes
// in KiB and their files' names.
type shardsMeta struct {
	Keys     []string `json:"keys"`
	KB       []int    `json:"kb"`
	Files    string   `json:"files"`
	PosKeys  []string `json:"pkeys"`
	PosKB    []int    `json:"pkb"`
	PosFiles string   `json:"pfiles"`
}

// listShards is what meta.json says of the shards of l.
func listShards(l *layout) shardsMeta {
	var m shardsMeta
	m.Keys, m.KB, m.Files = l[kindTerms].published()
	m.PosKeys, m.PosKB, m.PosFiles = l[kindPositions].published()
	return m
}

// shardList is the shards of one kind of one index, in order of their
// keys.
type shardList struct {
	keys []string
	kb   []int    // the files' sizes in KiB
	made []uint64 // what each is made from (see shardKey)
	sums []uint64 // of each file's bytes, which name it (see shardName)
}

// add appends a shard: its key, its size in KiB, what it is made from
// and the sum of its bytes.
func (l *shardList) add(key string, kb int, made, sum uint64) {
	l.keys, l.kb = append(l.keys, key), append(l.kb, kb)
	l.made, l.sums = append(l.made, made), append(l.sums, sum)
}

// published is what meta.json lists of the shards: their keys, sizes
// and files' names, one after the other in a string (see fileID).
func (l *shardList) published() (keys []string, kb []int, files string) {
	var b strings.Builder
	b.Grow(idLen * len(l.sums))
	for _, s := range l.sums {
		b.WriteString(fileID(s))
	}
	return append([]string{}, l.keys...), append([]int{}, l.kb...), b.String()
}

// layout is the main index's shards, by kind.
type layout [2]shardList

// fileID is the name, without its folder and extension, of the shard
// file whose bytes sum to s: the name changes with the bytes and only
// with them, so a shard whose terms an edit did not touch keeps its
// file whatever moved before it, and a host may cache it for ever.
// Lowercase hex, for hosts whose file names ignore case, of a fixed
// length, idLen, so that meta.json lists the names without separators.
func fileID(s uint64) string { return fmt.Sprintf("%016x", s) }

// idLen is the length of a fileID.
const idLen = 16

// shardName is the path under Dir of the shard of kind k whose bytes sum
// to s.
func shardName(k int, s uint64) string { return dirs[k] + "/" + fileID(s) + ".json" }

// shards hands on the sorted entries es as the shards of kind k of the
// main index, or of the tail, and returns them. A shard is made again
// only when the cache does not know the sum of its entries' bytes. The
// main index's shards, and its entries' sizes, are kept in the cache
// for a later build to patch.
func (w *writer) shards(k int, es []entry, tail bool) (shardList, error) {
	table := sizes(es)
	var l shardList
	for _, c := range cuts(table) {
		mine := es[c.spans[0][0]:c.spans[0][1]]
		if len(c.spans) > 1 {
			mine = nil
			for _, s := range c.spans {
				mine = append(mine, es[s[0]:s[1]]...)
			}
		}
		key := shardKey(mine)
		s, err := w.shard(k, key, func() []byte { return encodeShard(mine) })
		if err != nil {
			return l, err
		}
		if !tail {
			w.cache.putShard(dirs[k], key, mine)
		}
		l.add(c.key, c.kb(), key, s)
	}
	if !tail {
		w.cache.newTables[k] = table
	}
	return l, nil
}

// shard hands on the shard of kind k made from what hashes to key and
// returns the sum of its bytes. The last build's sum is taken when the
// cache has one for key, and the file is made only when asked for;
// otherwise it is made now.
func (w *writer) shard(k int, key uint64, make func() []byte) (uint64, error) {
	if s, ok := w.cache.shardSum(k, key); ok {
		w.cache.keepSum(k, key, s)
		return s, w.put(shardName(k, s), s, func() ([]byte, error) { return make(), nil })
	}
	data := make()
	s := sum.Bytes(data)
	w.cache.keepSum(k, key, s)
	return s, w.file(shardName(k, s), data)
}

// keptAll hands on the last build's main index's shards of kind k, l,
// unread; see kept.
func (w *writer) keptAll(k int, l *shardList) (shardList, error) {
	var out shardList
	for i, key := range l.made {
		s, err := w.kept(k, key)
		if err != nil {
			return out, err
		}
		out.add(l.keys[i], l.kb[i], key, s)
	}
	return out, nil
}

// kept hands on the last build's main index's shard of kind k made from
// what hashes to key, and returns its sum. It is made again only when
// asked for, which takes a fresh index.
func (w *writer) kept(k int, key uint64) (uint64, error) {
	s, _ := w.cache.shardSum(k, key)
	w.cache.keepSum(k, key, s)
	name := shardName(k, s)
	return s, w.put(name, s, func() ([]byte, error) { return w.fresh(name) })
}

// fresh returns the bytes of the index file name as a Write without a
// cache makes them, which it runs once, for whatever file asks first.
func (w *writer) fresh(name string) ([]byte, error) {
	w.once.Do(func() {
		w.files = map[string][]byte{}
		w.err = Write(w.site, nil, func(name string, _ uint64, make func() ([]byte, error)) error {
			data, err := make()
			w.files[name] = data
			return err
		})
	})
	if data, ok := w.files[Dir+"/"+name]; ok || w.err != nil {
		return data, w.err
	}
	return nil, fmt.Errorf("search: the index has no file %s", name)
}

// shardKey is a hash of what the shard of the entries es is made from:
// their terms and the sums of their values.
func shardKey(es []entry) uint64 {
	h := sum.New()
	h.AddUint64(uint64(len(es)))
	for _, e := range es {
		h.AddUint64(uint64(len(e.term)))
		h.AddString(e.term)
		h.AddUint64(e.sum)
		h.AddUint64(uint64(len(e.pos)))
		for _, p := range e.pos {
			h.AddUint64(p.sum)
		}
	}
	return h.Sum64()
}

// encodeShard writes the shard of the entries es.
func encodeShard(es []entry) []byte {
	var b bytes.Buffer
	b.Grow(sizeOf(es) + 3)
	b.WriteByte('{')
	for j, e := range es {
		if j > 0 {
			b.WriteByte(',')
		}
		// Terms are letters, digits and marks, filter keys a sign and
		// a slug, values base64 and "~.="; none needs escaping in JSON.
		b.WriteString("\n\"")
		b.WriteString(e.term)
		b.WriteString("\":\"")
		b.WriteString(e.val)
		for _, p := range e.pos {
			b.WriteString(p.s)
		}
		b.WriteByte('"')
	}
	b.WriteString("\n}\n")
	return b.Bytes()
}

// filters are the entries that list the documents of each tag ("#slug")
// and each source ("@slug"), docs being numbered from from on.
func filters(docs []document, from int) []entry {
	lists := map[string][]int32{}
	for i, d := range docs {
		for _, t := range d.tags {
			k := "#" + t.Slug
			if l := lists[k]; len(l) == 0 || l[len(l)-1] != int32(from+i) {
				lists[k] = append(l, int32(from+i))
			}
		}
		if d.sourceKey != "" {
			lists["@"+d.sourceKey] = append(lists["@"+d.sourceKey], int32(from+i))
		}
	}
	entries := make([]entry, 0, len(lists))
	for k, l := range lists {
		val := encodeList(l)
		entries = append(entries, entry{term: k, val: val, sum: sum.String(val)})
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

// writer hands the index files on, and hashes their names and sums, in
// order, for the version.
type writer struct {
	write func(name string, sum uint64, make func() ([]byte, error)) error
	cache *Cache
	site  *site.Site
	hash  hash.Hash
	named map[string]bool // the files handed on
	// date writes a result's date as the site's cards do, in the language
	// dates sums up.
	date  func(time.Time) string
	dates uint64
	// The files of a fresh index, made once when a kept file is asked
	// for (see kept).
	once  sync.Once
	files map[string][]byte
	err   error
}

// file hands on a file made now.
func (w *writer) file(name string, data []byte) error {
	return w.put(name, sum.Bytes(data), func() ([]byte, error) { return data, nil })
}

// put hands on the file name, whose bytes sum to s, once: a shard of the
// tail may have the bytes, and so the name, of one of the main index's
// (positions do not say whose they are), and is then the same file.
func (w *writer) put(name string, s uint64, make func() ([]byte, error)) error {
	if w.named[name] {
		return nil
	}
	w.named[name] = true
	w.hash.Write([]byte(name))
	w.hash.Write(binary.LittleEndian.AppendUint64([]byte{0}, s))
	return w.write(Dir+"/"+name, s, make)
}

// posting is one term's documents, a list per tier, and where the term
// is in each of them.
type posting struct {
	docs [tiers][]int32
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

// source is the name of the article's publisher: its source, else the
// host of its source URL.
func source(a *site.Article) string {
	if a.Source == "" && a.Publisher != nil {
		return a.Publisher.Name
	}
	return a.Source
}

// docs hands on the document and body chunks of part, which start at
// document number lo, a multiple of both chunk sizes; keys are the
// documents' (see document.key). A document chunk is made again when its
// rows changed, a body chunk when the cache does not have it (made), from
// the snippets of its documents, and bodyKeys are what the body chunks are
// made from.
func (w *writer) docs(lo int, part []document, keys []uint64, snippets []string, made []bool, bodyKeys []uint64) error {
	for i := 0; i < len(part); i += docChunk {
		end := min(i+docChunk, len(part))
		docs := part[i:end]
		name := fmt.Sprintf("d/%d.json", (lo+i)/docChunk)
		if err := w.chunk(name, w.rowsKey(docs, keys[i:end]), func() ([]byte, error) { return w.rows(docs) }); err != nil {
			return err
		}
	}
	for j, i := 0, 0; i < len(part); j, i = j+1, i+bodyChunk {
		docs := part[i:min(i+bodyChunk, len(part))]
		name := bodyName((lo + i) / bodyChunk)
		if !made[j] {
			if err := w.chunk(name, bodyKeys[j], func() ([]byte, error) { return bodyChunkOf(docs) }); err != nil {
				return err
			}
			continue
		}
		var rows []any
		for _, b := range snippets[i:min(i+bodyChunk, len(part))] {
			rows = append(rows, b)
		}
		if err := w.chunk(name, bodyKeys[j], func() ([]byte, error) { return encodeRows(rows) }); err != nil {
			return err
		}
	}
	return nil
}

// rows is the document chunk of docs.
func (w *writer) rows(docs []document) ([]byte, error) {
	rows := make([]any, len(docs))
	for i, d := range docs {
		tags := make([]string, 0, 2*len(d.tags))
		for _, t := range d.tags {
			tags = append(tags, t.Name, t.URL)
		}
		rows[i] = []any{
			d.title, d.url, d.date.Format(time.RFC3339), w.date(d.date),
			d.source, clip(d.summary, maxSummary), tags, d.kind,
		}
	}
	return encodeRows(rows)
}

// rowsKey is a hash of what the document chunk of docs, whose keys are
// keys, is made from, read without making it: each row's fields, those
// the key does not cover (its title, summary, source and tags' names)
// hashed here, its date as the instant and the offset it is written in,
// and the language the date is written in.
func (w *writer) rowsKey(docs []document, keys []uint64) uint64 {
	h := sum.New()
	str := func(s string) {
		h.AddUint64(uint64(len(s)))
		h.AddString(s)
	}
	h.AddUint64(w.dates)
	for i, d := range docs {
		h.AddUint64(keys[i])
		str(d.kind)
		str(d.url)
		_, offset := d.date.Zone()
		h.AddUint64(uint64(d.date.Unix()))
		h.AddUint64(uint64(d.date.Nanosecond()))
		h.AddUint64(uint64(offset))
		h.AddUint64(uint64(len(d.tags)))
		for _, t := range d.tags {
			str(t.URL)
		}
	}
	return h.Sum64()
}

// chunk hands on the chunk file name made from what hashes to key. The
// last build's sum is taken when the cache has one for key, and the file
// is made only when asked for; otherwise it is made now.
func (w *writer) chunk(name string, key uint64, make func() ([]byte, error)) error {
	if s, ok := w.cache.chunk(name, key); ok {
		w.cache.keepChunk(name, key, s)
		return w.put(name, s, make)
	}
	data, err := make()
	if err != nil {
		return err
	}
	w.cache.keepChunk(name, key, sum.Bytes(data))
	return w.file(name, data)
}

func bodyName(n int) string { return fmt.Sprintf("b/%d.json", n) }

// bodiesKey is what a body chunk is made from: its documents' keys.
func bodiesKey(keys []uint64) uint64 {
	h := sum.New()
	h.AddUint64(uint64(len(keys)))
	for _, k := range keys {
		h.AddUint64(k)
	}
	return h.Sum64()
}

// bodyChunkOf makes the body chunk of docs from their bodies.
func bodyChunkOf(docs []document) ([]byte, error) {
	rows := make([]any, len(docs))
	for i, d := range docs {
		body, err := d.body()
		if err != nil {
			return nil, err
		}
		rows[i] = snippet(bodyText(body), maxBody)
	}
	return encodeRows(rows)
}

// encodeRows writes rows as a JSON array, one element a line, so that
// golden files and diffs stay readable.
func encodeRows(rows []any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the JSON is data for the script, never HTML
	b.WriteByte('[')
	for i, r := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(r); err != nil {
			return nil, err
		}
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}

// entry is one key of the index with its encoded postings (or the stem
// it stands for, "=stem") and positions. A shard of positions writes the
// blocks of pos after val, which is empty there.
type entry struct {
	term, val string
	sum       uint64 // of val
	pos       []posBlock
}

// size is the entry's share of its shard file.
func (e entry) size() int {
	n := len(e.term) + len(e.val) + 7
	for _, p := range e.pos {
		n += len(p.s)
	}
	return n
}

func sizeOf(es []entry) int {
	n := 0
	for _, e := range es {
		n += e.size()
	}
	return n
}

// sized is an entry as split sees it: its term and its share of its
// shard file (see entry.size).
type sized struct {
	term string
	size int
}

// sizes are the terms and sizes of the entries es.
func sizes(es []entry) []sized {
	out := make([]sized, len(es))
	for i, e := range es {
		out[i] = sized{e.term, e.size()}
	}
	return out
}

// cut is one shard of a sorted list of entries: its key, the ranges
// [lo, hi) of the list it holds, in order, and their size.
type cut struct {
	key   string
	spans [][2]int
	size  int
}

// kb is the size of the shard's file in KiB: the entries, the braces and
// the last line's end, less the comma the first entry goes without (see
// encodeShard).
func (c *cut) kb() int { return (c.size + 3 + 1023) / 1024 }

// cuts splits the sorted entries es into shards (see split), in order of
// their keys.
func cuts(es []sized) []cut {
	if len(es) == 0 {
		return nil
	}
	sums := make([]int, len(es)+1)
	for i, e := range es {
		sums[i+1] = sums[i] + e.size
	}
	var out []cut
	split("", es, 0, sums, &out)
	slices.SortFunc(out, func(a, b cut) int { return strings.Compare(a.key, b.key) })
	return out
}

// split cuts es, the sorted terms that start with key, into shards of at
// most shardTarget bytes where it can: the terms are grouped by their next
// character, the smallest groups stay in key's own shard while it has
// room, and the others are split again under their longer keys. The
// entries es start at lo in the list whose sizes sum to sums[i] before
// its i-th.
func split(key string, es []sized, lo int, sums []int, out *[]cut) {
	size := func(i, j int) int { return sums[lo+j] - sums[lo+i] }
	if len(es) == 1 || size(0, len(es)) <= shardTarget {
		*out = append(*out, cut{key, [][2]int{{lo, lo + len(es)}}, size(0, len(es))})
		return
	}
	own := 0
	if es[0].term == key { // sorted: key itself comes first
		own = 1
	}
	type group struct {
		key        string
		i, j, size int
	}
	var groups []group
	for i := own; i < len(es); {
		_, n := utf8.DecodeRuneInString(es[i].term[len(key):])
		k := es[i].term[:len(key)+n]
		j := i + 1
		for j < len(es) && strings.HasPrefix(es[j].term, k) {
			j++
		}
		groups = append(groups, group{k, i, j, size(i, j)})
		i = j
	}
	bySize := make([]int, len(groups))
	for i := range bySize {
		bySize[i] = i
	}
	slices.SortStableFunc(bySize, func(a, b int) int { return groups[a].size - groups[b].size })
	mine := cut{key: key, size: size(0, own)}
	keep := make([]bool, len(groups))
	for _, g := range bySize {
		if mine.size+groups[g].size <= shardTarget {
			keep[g] = true
			mine.size += groups[g].size
		}
	}
	if own > 0 {
		mine.spans = append(mine.spans, [2]int{lo, lo + 1})
	}
	for i, g := range groups {
		switch n := len(mine.spans); {
		case !keep[i]:
			split(g.key, es[g.i:g.j], lo+g.i, sums, out)
		case n > 0 && mine.spans[n-1][1] == lo+g.i:
			mine.spans[n-1][1] = lo + g.j
		default:
			mine.spans = append(mine.spans, [2]int{lo + g.i, lo + g.j})
		}
	}
	if len(mine.spans) > 0 {
		*out = append(*out, mine)
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

// encodeBlocks writes, for each document of p in turn, the number of
// positions and then each position as its distance from the previous
// one, less one (the first as itself), all as base-32 varints, cut into
// the blocks of the documents.
func encodeBlocks(p *positions) []posBlock {
	var out []posBlock
	var b []byte
	for i, d := range p.docs {
		if n := d / blockDocs; len(out) == 0 || out[len(out)-1].n != n {
			if len(out) > 0 {
				out[len(out)-1] = newBlock(out[len(out)-1].n, string(b))
			}
			out, b = append(out, posBlock{n: n}), b[:0]
		}
		b = appendPositions(b, p.of(i))
	}
	if len(out) > 0 {
		out[len(out)-1] = newBlock(out[len(out)-1].n, string(b))
	}
	return out
}

// appendPositions appends one document's part of a term's positions, as
// alphabet's characters: the number of positions, then each position's
// distance from the previous one, less one.
func appendPositions(b []byte, at []uint16) []byte {
	start := len(b)
	b = appendVarint(b, uint32(len(at)))
	prev := -1
	for _, n := range at {
		b = appendVarint(b, uint32(int(n)-prev-1))
		prev = int(n)
	}
	for i, c := range b[start:] {
		b[start+i] = alphabet[c]
	}
	return b
}
