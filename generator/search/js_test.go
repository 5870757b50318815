package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
	"github.com/digest/digest/internal/testkit"
)

// script runs search.js's pure functions in node over an index on disk,
// as the page does: it prints the terms of each string, and for each
// query the documents found, the first one's snippet and the ranges
// marked in it.
const script = `
const fs = require('fs'), path = require('path');
const input = JSON.parse(fs.readFileSync(0, 'utf8')), s = require(input.js);
const read = n => JSON.parse(fs.readFileSync(path.join(input.dir, n), 'utf8'));
const meta = input.dir && fs.existsSync(path.join(input.dir, 'meta.json')) ? read('meta.json') : { keys: [], pkeys: [] },
  x = s.open(meta, async f => read(f));
(async () => {
  const out = { terms: (input.strings || []).map(s.terms), found: [], snippet: [], marked: [],
    parsed: (input.parses || []).map(q => { const p = s.parse(q); return { words: p.words, pre: [...p.pre], phrases: p.phrases }; }),
    near: (input.nears || []).map(([a, b]) => s.near(a, b)) };
  for (const q of input.queries || []) {
    const f = q.tag || q.source || q.from || q.to ? read('f.json') : null;
    const r = await s.find(x, s.parse(q.q || ''), await s.filter(x, f, q)), found = r.found.map(r => r[0]);
    out.found.push(found);
    let ex = '', marked = [];
    if (found.length) {
      const d = found[0], doc = read('d/' + Math.floor(d / meta.dchunk) + '.json')[d % meta.dchunk];
      const body = read('b/' + Math.floor(d / meta.bchunk) + '.json')[d % meta.bchunk];
      const text = [doc[0], doc[4], doc[5], body].concat(doc[6]).join(' | ');
      const [e, rs] = s.excerpt(text, s.marks(text, r.forms, r.pre), 80);
      ex = e, marked = rs.map(([a, b]) => e.slice(a, b));
    }
    out.snippet.push(ex), out.marked.push(marked);
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
`

// query is a search as the page's form gives it.
type query struct {
	Q      string `json:"q,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Source string `json:"source,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// jsResult is what script prints.
type jsResult struct {
	Terms   [][]string
	Found   [][]int
	Snippet []string
	Marked  [][]string
	Parsed  []parsed
	Near    []bool
}

// parsed is a query as search.js's parse reads it.
type parsed struct {
	Words   []string
	Pre     []string
	Phrases [][]string
}

// runJS writes files to a folder and runs script on them in node, or
// skips the test when node is not installed.
func runJS(t *testing.T, files map[string][]byte, strs []string, queries []query, more ...any) jsResult {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; search.js is not checked")
	}
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	js := filepath.Join(testkit.Root(), "layouts", "static", "search.js")
	args := map[string]any{"js": js, "dir": filepath.Join(dir, Dir), "strings": strs, "queries": queries}
	for i := 0; i+1 < len(more); i += 2 {
		args[more[i].(string)] = more[i+1]
	}
	in, _ := json.Marshal(args)
	cmd := exec.Command(node, "-e", script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outData, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.Bytes())
	}
	var out jsResult
	if err := json.Unmarshal(outData, &out); err != nil {
		t.Fatalf("node printed %s: %v", outData, err)
	}
	return out
}

// TestJSSize keeps search.js small: every page of results loads it.
func TestJSSize(t *testing.T) {
	info, err := os.Stat(filepath.Join(testkit.Root(), "layouts", "static", "search.js"))
	if err != nil {
		t.Fatal(err)
	}
	// 20 KiB (6 gzipped) holds stems, phrases, typos, filters and
	// snippets; Pagefind's script and its WebAssembly are ten times that.
	if info.Size() >= 20<<10 {
		t.Errorf("search.js is %d bytes; keep it under 20 KiB", info.Size())
	}
}

// TestJSTerms checks that search.js cuts text into the terms Terms does.
func TestJSTerms(t *testing.T) {
	strs := append(sampleStrings(), "Hwasŏng-12", "İSTANBUL", "ΟΔΥΣΣΕΥΣ", "北京大学abc", strings.Repeat("é", 45))
	out := runJS(t, written(t, testSite(t)), strs, nil)
	for i, s := range strs {
		if want := Terms(s); !slices.Equal(out.Terms[i], want) && (len(want) > 0 || len(out.Terms[i]) > 0) {
			t.Errorf("terms(%q) = %q in search.js; Terms gives %q", s, out.Terms[i], want)
		}
	}
}

// TestJSParse checks how search.js reads a query: which words may match
// as a prefix or with a typo, which are a phrase; and which words are one
// edit apart.
func TestJSParse(t *testing.T) {
	tests := []struct {
		q    string
		want parsed
	}{
		{"kenya drought", parsed{[]string{"kenya", "drought"}, []string{"kenya", "drought"}, [][]string{}}},
		{`"minimum wage" rises`, parsed{[]string{"minimum", "wage", "rises"}, []string{"rises"}, [][]string{{"minimum", "wage"}}}},
		{`"unclosed phrase`, parsed{[]string{"unclosed", "phrase"}, []string{}, [][]string{{"unclosed", "phrase"}}}},
		{`"one" a b`, parsed{[]string{"one", "a", "b"}, []string{}, [][]string{}}},
		{`wage "wage floor"`, parsed{[]string{"wage", "floor"}, []string{}, [][]string{{"wage", "floor"}}}},
		{`"" ,, "`, parsed{[]string{}, []string{}, [][]string{}}},
		{"Hwasŏng 北京", parsed{[]string{"hwasong", "北", "京"}, []string{"hwasong"}, [][]string{}}},
	}
	nears := [][2]string{{"inflation", "inflaton"}, {"inflation", "inflatoin"}, {"inflation", "inflatio"},
		{"inflation", "xinflation"}, {"inflation", "inflation"}, {"inflation", "inflaiton"}, {"inflation", "inflatn"}, {"kenya", "kenyan"}}
	wantNear := []bool{true, true, true, true, false, true, false, true}
	var qs []string
	for _, tt := range tests {
		qs = append(qs, tt.q)
	}
	out := runJS(t, nil, nil, nil, "parses", qs, "nears", nears)
	for i, tt := range tests {
		if got := out.Parsed[i]; fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("parse(%q) = %+v; want %+v", tt.q, got, tt.want)
		}
	}
	for i, n := range nears {
		if out.Near[i] != wantNear[i] {
			t.Errorf("near(%q, %q) = %v; want %v", n[0], n[1], out.Near[i], wantNear[i])
		}
	}
}

// TestJSSearch runs queries on testSite's index through search.js, with
// the index in one shard and in many, and checks what each finds, in
// order, and that the first result's snippet marks the words.
func TestJSSearch(t *testing.T) {
	tests := []struct {
		why  string
		q    query
		want []int // places in Site.Articles, newest first
		// typo: the typo is in another shard when shards are small,
		// and typos are looked for only in the shards the word loads
		typo bool
	}{
		{"a word only in a body finds its article", query{Q: "kwajalein"}, []int{2}, false},
		{"entities in the body are decoded", query{Q: "Hwasŏng"}, []int{2}, false},
		{"diacritics fold", query{Q: "hwasong"}, []int{2}, false},
		{"a stem finds other forms: a headline, a tag, then a body", query{Q: "envoys"}, []int{4, 1, 0}, false},
		{"a plural finds the singular", query{Q: "budgets"}, []int{6, 5}, false},
		{"a singular finds the plural", query{Q: "budget"}, []int{6, 5}, false},
		{"a typo ranks below the word itself", query{Q: "missile"}, []int{2, 3, 5}, true},
		{"headline before tag", query{Q: "korea"}, []int{3, 0, 2}, false},
		{"headline beats summary", query{Q: "launch"}, []int{3}, false},
		{"the source URL's host stands for a missing source", query{Q: "apnews"}, []int{3}, false},
		{"every word must match", query{Q: "missile month"}, []int{3}, false},
		{"a prefix", query{Q: "miss"}, []int{2, 3, 5}, false},
		{"a finished word is a prefix too", query{Q: "kwaj "}, []int{2}, false},
		{"a prefix on every word", query{Q: "kwaj missile"}, []int{2}, false},
		{"a typo: a letter dropped", query{Q: "kwajlein"}, []int{2}, false},
		{"a typo: two letters swapped", query{Q: "kwajaelin"}, []int{2}, false},
		{"no typo under five letters", query{Q: "kors"}, nil, false},
		{"a phrase", query{Q: `"minimum wage"`}, []int{6}, false},
		{"a phrase in another order", query{Q: `"wage minimum"`}, nil, false},
		{"words together before words apart", query{Q: "wage minimum"}, []int{6, 5}, false},
		{"words together beat a headline and another tag's word", query{Q: "kenya drought"}, []int{8, 7}, false},
		{"a phrase in a body", query{Q: `"special envoys"`}, []int{0}, false},
		{"source", query{Q: "inquirer"}, []int{4}, false},
		{"source domain", query{Q: "inquirer net"}, []int{4}, false},
		{"Cyrillic", query{Q: "москву"}, []int{4}, false},
		{"Greek final sigma", query{Q: "Οδυσσευς"}, []int{4}, false},
		{"Han characters one by one", query{Q: "北京"}, []int{4}, false},
		{"a tag with a diacritic", query{Q: "CAFE"}, []int{4}, false},
		{"a headline's markup is text", query{Q: "script alert"}, []int{4}, false},
		{"script elements of the body are not text", query{Q: "notindexed"}, nil, false},
		{"link text is text", query{Q: "parade"}, []int{2}, false},
		{"no words", query{Q: "  ,, "}, nil, false},
		{"unknown word", query{Q: "zeppelin"}, nil, false},
		{"a tag by name, no query: newest first", query{Tag: "north korea"}, []int{0, 2, 3}, false},
		{"a tag by slug and a word", query{Q: "missile", Tag: "north-korea"}, []int{2, 3}, false},
		{"an unknown tag", query{Q: "missile", Tag: "zeppelins"}, nil, false},
		{"a source", query{Source: "Wire"}, []int{5, 6}, false},
		{"a source as a host", query{Source: "apnews.com"}, []int{3}, false},
		{"a range of days", query{From: "2017-05-14", To: "2017-05-15"}, []int{2, 3}, false},
		{"a range and a word", query{Q: "missile", From: "2017-05-15"}, []int{2}, false},
		{"until a day", query{To: "2017-04-30"}, []int{7, 8}, false},
	}
	var queries []query
	for _, tt := range tests {
		queries = append(queries, tt.q)
	}
	defer func(target, tail int) { shardTarget, tailDocs = target, tail }(shardTarget, tailDocs)
	for _, target := range []int{32 << 10, 60} {
		shardTarget = target
		var whole jsResult
		// No tail, then tails of one, four and two documents: the
		// results are those of one index, but for a typo when the
		// shards are small.
		for _, tail := range []int{1 << 20, 4, 5, 7} {
			tailDocs = tail
			s := testSite(t)
			files := written(t, s)
			var m meta
			if err := json.Unmarshal(files[Dir+"/meta.json"], &m); err != nil {
				t.Fatal(err)
			}
			if (m.Tail != nil) == (tail > len(s.Articles)) {
				t.Fatalf("a tail of %d: meta.json lists a tail: %v", tail, m.Tail != nil)
			}
			out := runJS(t, files, nil, queries)
			if tail > len(s.Articles) {
				whole = out
			}
			for i, tt := range tests {
				var got []int
				for _, d := range out.Found[i] {
					got = append(got, len(s.Articles)-1-d)
				}
				if !slices.Equal(got, tt.want) && !(tt.typo && target < 1000) {
					t.Errorf("shards of %d bytes, tail of %d: %s: %+v finds %v; want %v", target, tail, tt.why, tt.q, got, tt.want)
				}
				if len(got) > 0 && tt.q.Q != "" && len(out.Marked[i]) == 0 {
					t.Errorf("shards of %d bytes, tail of %d: %s: %+v marks nothing in %q", target, tail, tt.why, tt.q, out.Snippet[i])
				}
				// Typos are looked for in the shards loaded, which
				// the split moves.
				if tt.typo && target < 1000 {
					continue
				}
				if !slices.Equal(out.Found[i], whole.Found[i]) || out.Snippet[i] != whole.Snippet[i] || !slices.Equal(out.Marked[i], whole.Marked[i]) {
					t.Errorf("shards of %d bytes, tail of %d: %s: %+v finds %v, %q, %q; without a tail %v, %q, %q", target, tail, tt.why, tt.q,
						out.Found[i], out.Snippet[i], out.Marked[i], whole.Found[i], whole.Snippet[i], whole.Marked[i])
				}
			}
		}
	}
}

// sampleStrings are random strings from the scripts and punctuation a
// digest may hold, with a fixed seed.
func sampleStrings() []string {
	blocks := [][2]rune{
		{'A', 'Z'}, {'a', 'z'}, {'0', '9'}, {' ', '/'}, {0xC0, 0x17F}, {0x300, 0x36F},
		{0x391, 0x3C9}, {0x400, 0x44F}, {0x5D0, 0x5EA}, {0x621, 0x64A}, {0x905, 0x94D},
		{0xE01, 0xE3A}, {0x1E00, 0x1EFF}, {0x2010, 0x2027}, {0x3041, 0x3096}, {0x30A1, 0x30FA},
		{0x4E00, 0x4FFF}, {0xAC00, 0xAD00}, {0xFF01, 0xFF5E}, {0x1F600, 0x1F64F},
	}
	r := rand.New(rand.NewPCG(7, 7))
	var strs []string
	for range 500 {
		var b strings.Builder
		for range 1 + r.IntN(24) {
			bl := blocks[r.IntN(len(blocks))]
			b.WriteRune(bl[0] + rune(r.IntN(int(bl[1]-bl[0]+1))))
		}
		strs = append(strs, b.String())
	}
	return strs
}

// TestJSTailStems checks that the main index and its tail agree on which
// terms are stems: "earli", a name, stems to "ear", but "early" makes it
// a stem that holds its own postings, on either side of the split.
func TestJSTailStems(t *testing.T) {
	defer func(tail int) { tailDocs = tail }(tailDocs)
	queries := []query{{Q: "earli"}, {Q: "early"}, {Q: "ear"}, {Q: "earl"}, {Q: `"an early"`}, {Q: `"earli a"`}}
	name, word := "<p>Earli, a herder, and his ears.</p>\n", "An early start."
	for _, newest := range []string{"early", "Earli"} {
		var results []jsResult
		for _, tail := range []int{1 << 20, 4} {
			tailDocs = tail
			s := testSite(t)
			s.Articles[7] = edited(s.Articles[7], func(a *site.Article, _ *content.Article) { a.Summary = "Polls open." })
			old, last := 8, 0 // in the main index and in the tail
			if newest == "Earli" {
				old, last = last, old
			}
			s.Articles[old] = edited(s.Articles[old], func(a *site.Article, _ *content.Article) { a.HTML = spool.Mem(name) })
			s.Articles[last] = edited(s.Articles[last], func(a *site.Article, _ *content.Article) { a.Summary = word })
			results = append(results, runJS(t, written(t, s), nil, queries))
		}
		for i, q := range queries {
			if len(results[0].Found[i]) == 0 {
				t.Errorf("%s in the tail: %+v finds nothing", newest, q)
			}
			if !slices.Equal(results[1].Found[i], results[0].Found[i]) {
				t.Errorf("%s in the tail: %+v finds %v with a tail; %v without", newest, q, results[1].Found[i], results[0].Found[i])
			}
		}
	}
}
