package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/tools/txtar"

	"github.com/digest/digest/generator/chars"
	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	digestsum "github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/slug"
	"github.com/digest/digest/generator/spool"
	"github.com/digest/digest/internal/testkit"
)

const nastyTitle = `Envoy: "<script>alert('x')</script>" & <b>not bold</b>`

// testSite is a small digest built by hand, newest first. Its articles are
// made so that each ranking rule decides one query.
func testSite(t *testing.T) *site.Site {
	t.Helper()
	cfg, err := config.Parse([]byte("title: T\ntimezone: Asia/Manila\n"))
	if err != nil {
		t.Fatal(err)
	}
	tag := func(name, slug string) *site.Tag {
		return &site.Tag{Name: name, Slug: slug, URL: "/tags/" + slug + "/"}
	}
	korea, china, envoys, cafe := tag("North Korea", "north-korea"), tag("China", "china"), tag("Envoys", "envoys"), tag("Café", "café")
	art := func(title, date, source, summary string, body template.HTML, tags ...*site.Tag) *site.Article {
		slug := strings.ToLower(strings.Join(strings.Fields(title)[:2], "-"))
		d := testkit.LocalTime(t, cfg.Location, date)
		return &site.Article{
			Article: &content.Article{Title: title, Date: d, Source: source},
			URL:     d.Format("/2006/01/02/") + slug + "/",
			Tags:    tags,
			HTML:    spool.Mem(string(body)),
			Summary: summary,
		}
	}
	s := &site.Site{Config: cfg}
	s.Articles = []*site.Article{
		// 0: newest; "envoys" only in its body.
		art("Moon sends special delegates abroad", "2017-05-20 09:00", "Yonhap",
			"Seoul names four delegates.",
			"<p>President Moon sends <em>special envoys</em> to four capitals.</p>\n<p>They leave on Monday.</p>\n",
			korea),
		// 1: tagged Envoys, older: must rank above 0 for "envoys".
		art("Beijing welcomes the delegation", "2017-05-18 10:00", "Xinhua",
			"The talks open.", "<p>The visitors met officials.</p>\n", china, envoys),
		// 2 and 3: "missile" in both headlines: the newer (2) wins. 3 has
		// "Korea" in its headline, 0 and 2 in a tag.
		art("Missile flies higher than ever", "2017-05-15 08:00", "Reuters",
			"A lofted trajectory.",
			"<p>Analysts think it is the Hwas&#335;ng-12, shown at the <a href=\"/x\">parade</a>; "+
				"it came down near Kwajalein.</p>\n<script>var notIndexed = 1</script>\n",
			korea),
		art("Second missile test of the month for North Korea", "2017-05-14 08:00", "",
			"Another launch.", "<p>Launched from Kusong.</p>\n", korea),
		// 4: non-Latin scripts, and a headline that must stay text.
		art(nastyTitle, "2017-05-10 12:00", "INQUIRER.net",
			"Делегация прибыла в Москву; 北京大学 hosts a forum.",
			"<p>Menu: <strong>café</strong> crème, ΟΔΥΣΣΕΥΣ.</p>\n", cafe),
	}
	s.Articles = append(s.Articles,
		// 5 and 6: "minimum" and "wage" apart in 5, a phrase in 6;
		// "budget" in a body and "budgets" in a headline; a typo.
		art("Unions weigh the wage floor", "2017-05-02 09:00", "Wire", "Ceasefire hopes fade.",
			"<p>Budget talks stall as the missle tests go on; the floor, a minimum for all, stays.</p>\n", tag("Labour", "labour")),
		art("Budgets: minimum wage rises", "2017-05-01 09:00", "Wire", "Pay goes up.",
			"<p>The minimum wage rises in May.</p>\n", tag("Labour", "labour")),
		// 7 and 8: "Kenya" in 7's headline and "drought" in its tag about
		// Yemen; "Kenya drought" in 8's body, which must rank first.
		art("Kenya votes on Tuesday", "2017-04-30 09:00", "Nation", "Polls open early.",
			"<p>Queues formed before dawn.</p>\n", tag("Yemen drought", "yemen-drought")),
		art("Rains fail again", "2017-04-29 09:00", "Nation", "Farmers wait.",
			"<p>The Kenya drought deepens as herders move north.</p>\n"),
	)
	s.Articles[3].Publisher = &site.Source{Name: "apnews.com", Slug: "apnews-com"} // no source, a source URL
	return s
}

// written runs Write without a cache and returns its files.
func written(t testing.TB, s *site.Site) map[string][]byte {
	t.Helper()
	return writtenWith(t, s, nil)
}

// writtenWith runs Write with the cache c and returns its files, each
// made and checked against the sum Write gave.
func writtenWith(t testing.TB, s *site.Site, c *Cache) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := Write(s, c, func(name string, sum uint64, make func() ([]byte, error)) error {
		if _, dup := files[name]; dup {
			t.Errorf("Write wrote %s twice", name)
		}
		data, err := make()
		if err != nil {
			return err
		}
		if got := digestsum.Bytes(data); got != sum {
			t.Errorf("%s: sum %x, but its bytes sum to %x", name, sum, got)
		}
		files[name] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// index reads the written files the way search.js does, written again
// here from the format's description rather than from the encoder.
type index struct {
	t      testing.TB
	files  map[string][]byte
	meta   meta
	keys   []string // of the main index and of the tail (see Write)
	shards map[int]map[string]string
	loaded int             // bytes of the files read
	got    map[string]bool // the files read
}

func openIndex(t testing.TB, files map[string][]byte) *index {
	t.Helper()
	x := &index{t: t, files: files, shards: map[int]map[string]string{}, got: map[string]bool{}}
	x.read("meta.json", &x.meta)
	x.keys = x.meta.Keys
	if x.meta.Tail != nil {
		x.keys = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(x.keys), x.meta.Tail.Keys...))))
	}
	return x
}

func (x *index) read(name string, v any) {
	x.t.Helper()
	data, ok := x.files[Dir+"/"+name]
	if !ok {
		x.t.Fatalf("no file %s/%s", Dir, name)
	}
	if !x.got[name] { // fetched once, as the page does
		x.loaded += len(data)
	}
	x.got[name] = true
	if err := json.Unmarshal(data, v); err != nil {
		x.t.Fatalf("%s: %v", name, err)
	}
}

// shardOf is the shard whose key is t's longest prefix, or -1.
func (x *index) shardOf(term string) int {
	return longest(x.keys, term)
}

// longest is the key of keys that is t's longest prefix, or -1.
func longest(keys []string, t string) int {
	best := -1
	for i, k := range keys {
		if strings.HasPrefix(t, k) && (best < 0 || len(k) > len(keys[best])) {
			best = i
		}
	}
	return best
}

// fileOf is the name of the i-th file of meta.json's list of names
// files, as search.js reads it.
func fileOf(files string, i int) string { return files[16*i : 16*i+16] }

// indexOfFile is the place of the file name (as "<h>.json") in meta.json's
// list of names files, or -1.
func indexOfFile(files, name string) int {
	for i := range len(files) / 16 {
		if fileOf(files, i)+".json" == name {
			return i
		}
	}
	return -1
}

// shardFile is a file of a shard and its size in KiB.
type shardFile struct {
	name string
	kb   int
}

// filesOf are the files of shard i: the main index's of its key's
// longest prefix among its keys, and then the tail's, which may be the
// same file.
func (x *index) filesOf(i int) []shardFile {
	var fs []shardFile
	if j := longest(x.meta.Keys, x.keys[i]); j >= 0 {
		fs = append(fs, shardFile{"t/" + fileOf(x.meta.Files, j) + ".json", x.meta.KB[j]})
	}
	if x.meta.Tail != nil {
		if j := longest(x.meta.Tail.Keys, x.keys[i]); j >= 0 {
			fs = append(fs, shardFile{"t/" + fileOf(x.meta.Tail.Files, j) + ".json", x.meta.Tail.KB[j]})
		}
	}
	return fs
}

func (x *index) shard(i int) map[string]string {
	if i < 0 {
		return nil
	}
	if x.shards[i] == nil {
		// The terms of the shard in its files, those of the tail after
		// the main index's, their lists joined.
		m := map[string]string{}
		for _, file := range x.filesOf(i) {
			var f map[string]string
			x.read(file.name, &f)
			for term, v := range f {
				if x.shardOf(term) != i {
					continue
				}
				if old, ok := m[term]; ok && !strings.HasPrefix(old, "=") {
					a, b := strings.Split(old, "."), strings.Split(v, ".")
					for t, l := range b {
						switch {
						case t == len(a):
							a = append(a, l)
						case l != "" && a[t] != "":
							a[t] += "," + l
						case l != "":
							a[t] = l
						}
					}
					v = strings.Join(a, ".")
				}
				m[term] = v
			}
		}
		x.shards[i] = m
	}
	return x.shards[i]
}

// prefixBudget and posBudget are search.js's BUDGET and PBUDGET, in KiB.
const prefixBudget, posBudget = 200, 160

// load reads the shards search.js reads for q: each word's shard, the
// shards of the longer terms it starts while they fit prefixBudget, the
// shards of the stems they lead to, and for two words or more their
// positions while they fit posBudget. It gives the documents that have
// every word or its stem.
func (x *index) load(q string) []int {
	words := slices.Compact(slices.Sorted(slices.Values(Terms(q))))
	var own []string
	var found map[int]bool
	for _, w := range words {
		follow := func(k string) string {
			if v, ok := x.shard(x.shardOf(k))[k]; ok && strings.HasPrefix(v, "=") {
				k = v[1:]
				x.shard(x.shardOf(k))
			}
			return k
		}
		kb, wide, counted := 0, []int{}, map[string]bool{}
		for i, k := range x.keys {
			if len(k) > len(w) && strings.HasPrefix(k, w) {
				for _, f := range x.filesOf(i) {
					if !x.got[f.name] && !counted[f.name] {
						counted[f.name] = true
						kb += f.kb
					}
				}
				wide = append(wide, i)
			}
		}
		if utf8.RuneCountInString(w) > 1 && kb <= prefixBudget {
			for _, i := range wide {
				for k := range x.shard(i) {
					follow(k)
				}
			}
		}
		k := follow(w)
		own = append(own, k)
		docs := map[int]bool{}
		if v, ok := x.shard(x.shardOf(k))[k]; ok {
			for _, list := range strings.Split(v, ".") {
				for _, d := range decodeList(x.t, list) {
					if found == nil || found[d] {
						docs[d] = true
					}
				}
			}
		}
		found = docs
	}
	if len(words) > 1 {
		kb, need := 0, map[string]bool{}
		add := func(name string, n int) {
			if !need[name] {
				need[name] = true
				kb += n
			}
		}
		for _, k := range own {
			if i := x.posShardOf(k); i >= 0 {
				add("p/"+fileOf(x.meta.PosFiles, i)+".json", x.meta.PosKB[i])
			}
			if x.meta.Tail != nil {
				if j := longest(x.meta.Tail.PosKeys, k); j >= 0 {
					add("p/"+fileOf(x.meta.Tail.PosFiles, j)+".json", x.meta.Tail.PosKB[j])
				}
			}
		}
		if kb <= posBudget {
			for name := range need {
				var m map[string]string
				x.read(name, &m)
			}
		}
	}
	return slices.Sorted(maps.Keys(found))
}

// posShardOf is the positions shard whose key is t's longest prefix, or -1.
func (x *index) posShardOf(term string) int {
	best := -1
	for i, k := range x.meta.PosKeys {
		if strings.HasPrefix(term, k) && (best < 0 || len(k) > len(x.meta.PosKeys[best])) {
			best = i
		}
	}
	return best
}

func decodeList(t testing.TB, s string) []int {
	t.Helper()
	if main, tail, ok := strings.Cut(s, ","); ok {
		return append(decodeList(t, main), decodeList(t, tail)...)
	}
	var docs []int
	if bitmap, ok := strings.CutPrefix(s, "~"); ok {
		for i := range len(bitmap) {
			c := strings.IndexByte(alphabet, bitmap[i])
			for k := range 6 {
				if c>>k&1 == 1 {
					docs = append(docs, 6*i+k)
				}
			}
		}
		return docs
	}
	v, d := 0, -1
	for i := range len(s) {
		c := strings.IndexByte(alphabet, s[i])
		if c < 0 {
			t.Fatalf("list %q: bad character %q", s, s[i])
		}
		v = v*32 + c&31
		if c < 32 {
			d += v + 1
			docs = append(docs, d)
			v = 0
		}
	}
	if v != 0 {
		t.Fatalf("list %q ends inside a number", s)
	}
	return docs
}

func TestDocuments(t *testing.T) {
	s := testSite(t)
	x := openIndex(t, written(t, s))
	if x.meta.Docs != len(s.Articles) {
		t.Errorf("meta docs = %d; want %d", x.meta.Docs, len(s.Articles))
	}
	var rows [][]json.RawMessage
	x.read("d/0.json", &rows)
	var bodies []string
	x.read("b/0.json", &bodies)
	if len(rows) != len(s.Articles) || len(bodies) != bodyChunk {
		t.Fatalf("d/0.json has %d rows, b/0.json %d; want %d and %d", len(rows), len(bodies), len(s.Articles), bodyChunk)
	}
	for i, a := range s.Articles {
		doc := len(s.Articles) - 1 - i // oldest first
		var title, url string
		json.Unmarshal(rows[doc][0], &title)
		json.Unmarshal(rows[doc][1], &url)
		if title != a.Title || url != a.URL {
			t.Errorf("doc %d = %q %q; want %q %q", doc, title, url, a.Title, a.URL)
		}
	}
	doc := len(s.Articles) - 1 - 2
	x.read(fmt.Sprintf("b/%d.json", doc/bodyChunk), &bodies)
	if want, got := "Analysts think it is the Hwasŏng-12, shown at the parade; it came down near Kwajalein.", bodies[doc%bodyChunk]; got != want {
		t.Errorf("body text = %q; want %q", got, want)
	}
}

func TestGolden(t *testing.T) {
	files := written(t, testSite(t))
	var ar txtar.Archive
	ar.Comment = []byte("The index of search_test.go's testSite. go test -update rewrites it.\n")
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	}) {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: files[name]})
	}
	got := txtar.Format(&ar)
	testkit.GoldenArchive(t, filepath.Join("testdata", "small.txtar"), &ar)
	if again := txtar.Format(&txtar.Archive{Comment: ar.Comment, Files: ar.Files}); !bytes.Equal(again, got) {
		t.Error("txtar round trip differs")
	}
	for range 3 {
		for name, data := range written(t, testSite(t)) {
			if !bytes.Equal(data, files[name]) {
				t.Fatalf("second Write gave a different %s", name)
			}
		}
	}
}

// randomList is a sorted list of documents below a random bound under
// limit, each in it with probability density.
func randomList(r *rand.Rand, limit int, density float64) []int32 {
	var docs []int32
	for d := range int32(r.IntN(limit)) {
		if r.Float64() < density {
			docs = append(docs, d)
		}
	}
	return docs
}

func TestEncodeList(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, density := range []float64{0.001, 0.05, 0.2, 0.5, 1} {
		for range 20 {
			docs := randomList(r, 3000, density)
			enc := encodeList(docs)
			got := decodeList(t, enc)
			if len(got) != len(docs) || !slices.EqualFunc(got, docs, func(a int, b int32) bool { return a == int(b) }) {
				t.Fatalf("encodeList(%v) = %q, decoded %v", docs, enc, got)
			}
		}
	}
	if got := encodeList([]int32{0, 1, 2, 40, 1100}); got != "AAAhFhhD" {
		t.Errorf("encodeList = %q; want %q", got, "AAAhFhhD")
	}
	if got := encodeList([]int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}); got != "~__B" {
		t.Errorf("encodeList = %q; want %q", got, "~__B")
	}
}

// TestAppendList appends documents to lists of every density, so that
// the encoding stays a bitmap, stays gaps, or changes either way, and
// checks each against encoding the whole list.
func TestAppendList(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	changed := map[[2]bool]int{} // by bitmap before and after
	for _, density := range []float64{0, 0.001, 0.05, 0.15, 0.2, 0.5, 1} {
		for range 200 {
			docs := randomList(r, 300, density)
			old := encodeList(docs)
			e, ok := endOf(old)
			if want := encodeList(docs); !ok || e.last != lastOf(docs) || e.gaps != gapsLen(docs) {
				t.Fatalf("endOf(%q) = %+v, %t; want last %d, gaps %d", want, e, ok, lastOf(docs), gapsLen(docs))
			}
			var more []int32
			for d := lastOf(docs) + 1 + int32(r.IntN(20)); len(more) < 1+r.IntN(3); d += 1 + int32(r.IntN(400)) {
				more = append(more, d)
			}
			all := append(slices.Clone(docs), more...)
			if got, want := appendList(old, e, more), encodeList(all); got != want {
				t.Fatalf("appendList(%q, %v) = %q; want %q", old, more, got, want)
			}
			changed[[2]bool{strings.HasPrefix(old, "~"), strings.HasPrefix(encodeList(all), "~")}]++
		}
	}
	for _, k := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
		if changed[k] == 0 {
			t.Errorf("no list went from bitmap %t to bitmap %t", k[0], k[1])
		}
	}
}

func lastOf(docs []int32) int32 {
	if len(docs) == 0 {
		return -1
	}
	return docs[len(docs)-1]
}

// gapsLen is the length of docs written as gaps.
func gapsLen(docs []int32) int {
	var b []byte
	prev := int32(-1)
	for _, d := range docs {
		b = appendVarint(b, uint32(d-prev-1))
		prev = d
	}
	return len(b)
}

func TestTerms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"North Korea's missile", "north korea s missile"},
		{"Hwasŏng-12", "hwasong 12"},
		{"HWASŎNG", "hwasong"},
		{"İstanbul ΟΔΥΣΣΕΥΣ Οδυσσεύς", "istanbul οδυσσευσ οδυσσευσ"},
		{"北京大学abc", "北 京 大 学 abc"},
		{"ひらがなカタカナ", "ひ ら が な カ タ カ ナ"},
		{"한국어 서울", "한국어 서울"},
		{"हिन्दी", "हिन्दी"},
		{"e\u0301te\u0301", "ete"},
		{"\u0301 alone", "alone"},
		{"INQUIRER.net, 2,000 km", "inquirer net 2 000 km"},
		{strings.Repeat("x", 50), strings.Repeat("x", maxTermRunes)},
		{"bad \xff byte", "bad byte"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(Terms(tt.in), " "); got != tt.want {
			t.Errorf("Terms(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestBodyText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>One</p><p>two</p>", "One two"},
		{"<p>Hwa<em>song</em> &amp; <code>x&lt;y</code></p>", "Hwasong & x<y"},
		{"<p>a<br>b<sup><a href=\"#fn:1\">1</a></sup></p>", "a b 1"},
		{"<p>x</p><SCRIPT>alert(1)</script ><style>p{}</style><p>y", "x y"},
		{"<p>unclosed <a", "unclosed"},
	}
	for _, tt := range tests {
		if got := chars.Words(bodyText(tt.in), math.MaxInt); got != tt.want {
			t.Errorf("bodyText(%q), collapsed: %q; want %q", tt.in, got, tt.want)
		}
	}
}

// bigSite makes n articles from a fixed-seed vocabulary with a Zipf
// distribution, like the words of news text.
func bigSite(t testing.TB, n int) (*site.Site, []string) {
	return zipfSite(t, n, 40000, 150)
}

// zipfSite makes n articles from a fixed-seed vocabulary of words, with
// bodies of about body words.
func zipfSite(t testing.TB, n, words, body int) (*site.Site, []string) {
	cfg, err := config.Parse([]byte("title: Big\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(42, 1))
	syll := []string{"ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "do", "chi", "an", "ber", "gor", "ish", "ul", "tra", "den", "vo", "zel"}
	seen := map[string]bool{}
	var vocab []string
	for len(vocab) < words {
		var w strings.Builder
		for range 1 + r.IntN(4) {
			w.WriteString(syll[r.IntN(len(syll))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			vocab = append(vocab, w.String())
		}
	}
	word := rand.NewZipf(r, 1.07, 2, uint64(len(vocab)-1))
	text := func(words int) string {
		var b strings.Builder
		for i := range words {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[word.Uint64()])
		}
		return b.String()
	}
	tags := make([]*site.Tag, 3000)
	for i := range tags {
		name := vocab[r.IntN(min(5000, words))] + " " + vocab[r.IntN(words)]
		tags[i] = &site.Tag{Name: name, Slug: strings.ReplaceAll(name, " ", "-"), URL: "/tags/" + strings.ReplaceAll(name, " ", "-") + "/"}
	}
	tag := rand.NewZipf(r, 1.2, 4, uint64(len(tags)-1))
	s := &site.Site{Config: cfg, Articles: make([]*site.Article, n)}
	day := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range s.Articles {
		a := &site.Article{Article: &content.Article{
			Title:  text(9),
			Date:   day.Add(-time.Duration(i) * time.Hour),
			Source: "Source " + vocab[r.IntN(300)],
		}, Summary: text(35)}
		a.URL = a.Date.Format("/2006/01/02/") + fmt.Sprint(i) + "/"
		for range 1 + r.IntN(4) {
			a.Tags = append(a.Tags, tags[tag.Uint64()])
		}
		a.HTML = spool.Mem("<p>" + text(body*8/15) + "</p>\n<p>" + text(body*7/15) + "</p>\n")
		s.Articles[i] = a
	}
	return s, vocab
}

// TestSizeAt100k checks the budget: a two-word query on a 100,000-article
// site reads under 300 KB of index (meta.json and the shards it needs,
// the last word expanded as a prefix), and the top ten results' documents
// add little to that.
func TestSizeAt100k(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 100,000-article index")
	}
	s, vocab := bigSite(t, 100_000)
	start := time.Now()
	files := written(t, s)
	took := time.Since(start)
	var total, shards, biggest int
	for name, data := range files {
		total += len(data)
		if strings.HasPrefix(name, Dir+"/t/") {
			shards++
			biggest = max(biggest, len(data))
		}
	}
	t.Logf("100k articles: %d files, %.1f MB, %d shards (largest %d KB), meta.json %d KB, written in %v",
		len(files), float64(total)/1e6, shards, biggest/1024, len(files[Dir+"/meta.json"])/1024, took.Round(time.Millisecond))
	const budget = 300 << 10
	queries := []string{
		vocab[0] + " " + vocab[1], // the two commonest words
		vocab[0] + " " + vocab[5000],
		vocab[20] + " " + vocab[300],
		vocab[3000] + " " + vocab[30000],
		vocab[7] + " " + vocab[40][:3], // still typing
		s.Articles[500].Tags[0].Name,
	}
	for _, q := range queries {
		x := openIndex(t, files)
		hits := x.load(q)
		index := x.loaded
		chunks := map[string]bool{}
		docBytes := 0
		for _, d := range hits[max(0, len(hits)-10):] {
			name := fmt.Sprintf("%s/d/%d.json", Dir, d/docChunk)
			if _, ok := x.files[name]; !ok {
				t.Fatalf("no chunk for doc %d", d)
			}
			if !chunks[name] {
				chunks[name] = true
				docBytes += len(files[name])
			}
		}
		t.Logf("%-24q %6d results, index %3d KB, top ten's documents %3d KB", q, len(hits), index/1024, docBytes/1024)
		if index > budget {
			t.Errorf("query %q reads %d KB of index; want under %d KB", q, index/1024, budget/1024)
		}
	}
}

// TestAddKeepsOlderFiles adds today's article to a site and checks that
// only the files it belongs in change, so a rebuild uploads little: with
// no tail, the shards of its terms; with a tail, the tail's shards only.
func TestAddKeepsOlderFiles(t *testing.T) {
	defer func(n int) { tailDocs = n }(tailDocs)
	for _, tail := range []int{1 << 20, 16} {
		tailDocs = tail
		t.Run(fmt.Sprint("tail of ", tail), func(t *testing.T) { testAddKeepsOlderFiles(t, tail < 1<<20) })
	}
}

func testAddKeepsOlderFiles(t *testing.T, tail bool) {
	s := testSite(t)
	oldest := s.Articles[len(s.Articles)-1]
	for i := range 100 {
		a := *oldest
		a.Article = &content.Article{Title: fmt.Sprintf("Older story %d", i), Date: oldest.Date.AddDate(0, 0, -1-i), Source: "Wire"}
		a.URL = fmt.Sprintf("/older/%d/", i)
		a.HTML = spool.Mem(fmt.Sprintf("<p>Background number %d on the talks.</p>\n", i))
		s.Articles = append(s.Articles, &a)
	}
	before := written(t, s)
	newest := *s.Articles[0]
	newest.Article = &content.Article{Title: "Zeppelin lands", Date: newest.Date.AddDate(0, 0, 1), Source: "Wire"}
	newest.URL = "/newest/"
	newest.HTML = spool.Mem("<p>A zeppelin lands.</p>\n")
	s.Articles = append([]*site.Article{&newest}, s.Articles...)
	after := written(t, s)

	x := openIndex(t, after)
	lastDocs := fmt.Sprintf("d/%d.json", (len(s.Articles)-1)/docChunk)
	lastBodies := fmt.Sprintf("b/%d.json", (len(s.Articles)-1)/bodyChunk)
	text := []string{newest.Title, newest.Source, newest.Summary, bodyText("<p>A zeppelin lands.</p>\n")}
	for _, tag := range newest.Tags {
		text = append(text, tag.Name)
	}
	terms := Terms(strings.Join(text, " "))
	terms = append(terms, "@"+slug.Make(newest.Source)) // the filters it is in
	for _, tag := range newest.Tags {
		terms = append(terms, "#"+tag.Slug)
	}
	changed := 0
	for name, data := range after {
		if bytes.Equal(before[name], data) {
			continue
		}
		changed++
		shard, pos := -1, -1
		if id, ok := strings.CutPrefix(name, Dir+"/t/"); ok {
			shard = indexOfFile(x.meta.Files, id)
		}
		if id, ok := strings.CutPrefix(name, Dir+"/p/"); ok {
			pos = indexOfFile(x.meta.PosFiles, id)
		}
		// f.json counts the new day's documents.
		ok := name == Dir+"/meta.json" || name == Dir+"/f.json" || name == Dir+"/"+lastDocs || name == Dir+"/"+lastBodies
		if tail {
			tid, inT := strings.CutPrefix(name, Dir+"/t/")
			pid, inP := strings.CutPrefix(name, Dir+"/p/")
			ok = ok || x.meta.Tail != nil && (inT && indexOfFile(x.meta.Tail.Files, tid) >= 0 || inP && indexOfFile(x.meta.Tail.PosFiles, pid) >= 0)
		} else {
			ok = ok || shard >= 0 && slices.ContainsFunc(terms, func(term string) bool { return x.shardOf(term) == shard }) ||
				pos >= 0 && slices.ContainsFunc(terms, func(term string) bool { return x.posShardOf(term) == pos })
		}
		if !ok {
			t.Errorf("adding the newest article changed %s", name)
		}
	}
	if changed == 0 || changed > 4+2*len(terms) {
		t.Errorf("adding the newest article changed %d files of %d", changed, len(after))
	}
	if tail && x.meta.Tail == nil {
		t.Errorf("no tail")
	}
}

// TestEqualShards indexes two documents alike in the main index and two
// more in the tail, the main index's other document without a word: the
// two indexes' shards of positions, which do not say whose documents
// they are, have the same bytes, and so one name. The file is handed on
// once, with or without a cache, and read for both indexes: a phrase
// finds all four.
func TestEqualShards(t *testing.T) {
	defer func(n int) { tailDocs = n }(tailDocs)
	tailDocs = 3
	s := testSite(t)
	first := s.Articles[0]
	s.Articles = nil
	for i := range 5 {
		a := *first
		a.Article = &content.Article{Title: first.Title, Date: first.Date.Add(-time.Duration(i) * time.Hour), Source: first.Source}
		a.URL = fmt.Sprintf("/alike/%d/", i)
		if i == 4 { // the oldest
			a.Article.Title, a.Article.Source, a.Tags, a.Summary, a.HTML = "", "", nil, "", spool.Mem("")
		}
		s.Articles = append(s.Articles, &a)
	}
	files := written(t, s) // fails on a file handed on twice
	var m meta
	if err := json.Unmarshal(files[Dir+"/meta.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.Tail == nil {
		t.Fatal("no tail")
	}
	if m.PosFiles != m.Tail.PosFiles || m.Files == m.Tail.Files {
		t.Fatalf("meta.json lists the positions %v and %v, the terms %v and %v; want the positions alike, the terms not",
			m.PosFiles, m.Tail.PosFiles, m.Files, m.Tail.Files)
	}
	dir := t.TempDir()
	for _, step := range []string{"first", "kept"} {
		sameFiles(t, step, writtenWith(t, s, OpenCache(dir, "settings")), files)
	}
	phrase := `"` + strings.Join(Terms(first.Title)[:3], " ") + `"`
	if got := openIndex(t, files).load(phrase); !slices.Equal(got, []int{1, 2, 3, 4}) {
		t.Errorf("the index read as search.js does finds %v for %s; want all four", got, phrase)
	}
	if got := runJS(t, files, nil, []query{{Q: phrase}}).Found[0]; len(got) != 4 {
		t.Errorf("search.js finds %v for %s; want all four", got, phrase)
	}
}

// TestBodyErrorStopsWrite fails the oldest document's body, in the first
// batch, while the next batch is being analysed: Write returns that error,
// and only once the next batch's analysis is over, so nothing reads a body
// after Write has returned (a build closes the spool that holds them).
func TestBodyErrorStopsWrite(t *testing.T) {
	s, _ := zipfSite(t, 3*batch, 1000, 20)
	var reads atomic.Int64
	for i, a := range s.Articles {
		a.Sum = uint64(i + 1) // a known source: keys do not read bodies
		html, _ := a.HTML.Get()
		a.HTML = spool.Lazy(len(html), func() (string, error) {
			time.Sleep(100 * time.Microsecond)
			reads.Add(1)
			return html, nil
		})
	}
	broken := errors.New("the scratch file is gone")
	s.Articles[len(s.Articles)-1].HTML = spool.Lazy(1, func() (string, error) { return "", broken })
	err := Write(s, nil, func(string, uint64, func() ([]byte, error)) error { return nil })
	if !errors.Is(err, broken) {
		t.Fatalf("Write: %v, want %v", err, broken)
	}
	before := reads.Load()
	time.Sleep(200 * time.Millisecond)
	if after := reads.Load(); after != before {
		t.Errorf("%d bodies read after Write returned", after-before)
	}
}
