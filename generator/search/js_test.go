package search

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// script runs search.js's pure functions in node over an index on disk:
// it prints the terms of each string, and for each query the documents
// found and whether the first one has a highlighted word.
const script = `
const fs = require('fs'), path = require('path');
const input = JSON.parse(fs.readFileSync(0, 'utf8')), s = require(input.js);
const read = n => JSON.parse(fs.readFileSync(path.join(input.dir, n), 'utf8'));
const meta = read('meta.json'), keys = new Map(meta.keys.map((k, i) => [k, i])), shards = [];
const out = { terms: input.strings.map(s.terms), found: [], marked: [] };
for (const q of input.queries) {
  const p = s.parse(q), { need, wide } = s.plan(meta, keys, p, shards, 200);
  for (const i of need) shards[i] = shards[i] || new Map(Object.entries(read('t/' + i + '.json')));
  const found = s.rank(s.gather(p, keys, wide, shards), meta.docs).map(r => r[0]);
  out.found.push(found);
  let marked = false;
  if (found.length) {
    const d = found[0], doc = read('d/' + Math.floor(d / meta.dchunk) + '.json')[d % meta.dchunk];
    const body = read('b/' + Math.floor(d / meta.bchunk) + '.json')[d % meta.bchunk];
    const text = [doc[0], doc[4], doc[5], body].concat(doc[6]).join(' | ');
    const [ex, r] = s.excerpt(text, s.marks(text, p.words, p.pre), 80);
    marked = r.length > 0 && r.every(([a, b]) => a < b && b <= ex.length);
  }
  out.marked.push(marked);
}
process.stdout.write(JSON.stringify(out));
`

// TestJS checks that search.js reads the index as this package writes it:
// the same terms for the same text, the same results for the same query.
// It needs node, and skips without it; node is never needed to build.
func TestJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; search.js is not checked")
	}
	js := filepath.Join(testkit.Root(), "layouts", "static", "search.js")
	if info, err := os.Stat(js); err != nil {
		t.Fatal(err)
	} else if info.Size() >= 10<<10 {
		t.Errorf("search.js is %d bytes; keep it under 10 KiB", info.Size())
	}
	strs := append(sampleStrings(), "Hwasŏng-12", "İSTANBUL", "ΟΔΥΣΣΕΥΣ", "北京大学abc", strings.Repeat("é", 45))
	for _, target := range []int{32 << 10, 60} {
		defer func(old int) { shardTarget = old }(shardTarget)
		shardTarget = target
		files := written(t, testSite(t))
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
		queries := []string{"kwajalein", "Hwasŏng", "envoys", "missile", "the", "miss", "kwaj ", "kwaj",
			"inquirer net", "москву", "Οδυσσευς", "北京", "CAFE", "script alert", "zeppelin", "missile month"}
		in, _ := json.Marshal(map[string]any{"js": js, "dir": filepath.Join(dir, Dir), "strings": strs, "queries": queries})
		cmd := exec.Command(node, "-e", script)
		cmd.Stdin = bytes.NewReader(in)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		outData, err := cmd.Output()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, stderr.Bytes())
		}
		var out struct {
			Terms  [][]string
			Found  [][]int
			Marked []bool
		}
		if err := json.Unmarshal(outData, &out); err != nil {
			t.Fatalf("node printed %s: %v", outData, err)
		}
		for i, s := range strs {
			if want := Terms(s); !slices.Equal(out.Terms[i], want) && (len(want) > 0 || len(out.Terms[i]) > 0) {
				t.Errorf("terms(%q) = %q in search.js; Terms gives %q", s, out.Terms[i], want)
			}
		}
		x := openIndex(t, files)
		for i, q := range queries {
			want := docs(x.search(q))
			if !slices.Equal(out.Found[i], want) && (len(want) > 0 || len(out.Found[i]) > 0) {
				t.Errorf("shards of %d bytes: search.js finds %v for %q; want %v", target, out.Found[i], q, want)
			}
			if len(want) > 0 && !out.Marked[i] {
				t.Errorf("search.js marks no word of the first result for %q", q)
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
