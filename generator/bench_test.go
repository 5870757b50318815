package generator

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/generator/publish"
	"github.com/digest/digest/generator/render"
	"github.com/digest/digest/internal/testkit"
)

// generateSite makes a site of n articles shaped like the benchmark corpus
// of ../shared/bench/gencorpus.py: 2-8 Zipf-distributed tags out of
// max(20, n/10), five years of dates, a few hundred words of Markdown.
func generateSite(n int) fstest.MapFS { return generateSiteOf(n, 4, 6) }

// generateSiteOf is generateSite with bodies of paragraphs to
// paragraphs+more-1 paragraphs.
func generateSiteOf(n, paragraphs, more int) fstest.MapFS {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	words := strings.Fields("the minister said talks would resume after the summit while markets " +
		"rallied on hopes of a deal and officials in the capital warned of delays to the port " +
		"project as rain hit the northern provinces and the central bank held rates steady")
	nTags := max(20, n/10)
	zipf := rand.NewZipf(r, 1.1, 1, uint64(nTags-1))
	fsys := fstest.MapFS{
		"site.yaml": {Data: []byte("title: Bench\nbase_url: https://bench.example.org/\ntimezone: Asia/Manila\n")},
	}
	start := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		var b strings.Builder
		date := start.Add(time.Duration(r.IntN(5*365*24*60)) * time.Minute)
		fmt.Fprintf(&b, "---\ntitle: \"Story %d: %s %s %s\"\ndate: %s\ntags:\n", i,
			words[r.IntN(len(words))], words[r.IntN(len(words))], words[r.IntN(len(words))], date.Format(time.RFC3339))
		for range 2 + r.IntN(7) {
			fmt.Fprintf(&b, "  - \"Tag %d\"\n", zipf.Uint64())
		}
		fmt.Fprintf(&b, "source: \"The Ledger\"\nsource_url: \"https://ledger.example/%d\"\n---\n", i)
		for p := range paragraphs + r.IntN(more) {
			if p == 2 {
				b.WriteString("> A quoted line from an official, paraphrased.\n\n- one point\n- another point\n\n")
			}
			for range 60 + r.IntN(40) {
				b.WriteString(words[r.IntN(len(words))])
				b.WriteByte(' ')
			}
			b.WriteString("with a [link](https://example.org/) and **bold** words.\n\n")
		}
		fsys[fmt.Sprintf("content/articles/%d/story-%d.md", date.Year(), i)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

// BenchmarkBuild1000 builds a generated 1,000-article site and writes it to
// disk, as digest build does the first time: each run writes a new folder,
// so none finds a last build to keep.
func BenchmarkBuild1000(b *testing.B) {
	fsys := generateSite(1000)
	root := b.TempDir()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		out, err := publish.Open(filepath.Join(root, fmt.Sprint(i)), root)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: buildTime.AddDate(10, 0, 0)}, out); err != nil {
			b.Fatal(err)
		}
		if _, err := out.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStages times the main steps of a 1,000-article build on their
// own, writing nothing, so each can be profiled alone.
func BenchmarkStages(b *testing.B) {
	fsys := generateSite(1000)
	opts := Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: buildTime.AddDate(10, 0, 0)}
	for _, stage := range []string{"load", "model", "pages", "feeds", "search"} {
		b.Run(stage, func(b *testing.B) {
			bl := newBuilder(opts, discardWriter{})
			steps := map[string]func() error{
				"load": bl.load, "model": bl.model,
				"pages":  func() error { return bl.put(bl.pages()) },
				"feeds":  func() error { return bl.put(bl.feeds()) },
				"search": func() error { return bl.put(bl.searchIndex()) },
			}
			prep := []func() error{bl.checkInputs, bl.load, bl.model}
			switch stage {
			case "pages":
				prep = append(prep, bl.checkClashes)
			case "load":
				prep = prep[:1]
			case "model":
				prep = prep[:2]
			}
			for _, step := range prep {
				if err := step(); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if stage == "model" {
					b.StopTimer()
					if err := bl.load(); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if err := steps[stage](); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// discardWriter is a build output that keeps nothing.
type discardWriter struct{}

func (discardWriter) WriteFile(string, []byte) error { return nil }

// BenchmarkKinds renders the pages of each kind of a 1,000-article site,
// to compare the cost of the templates of each kind; a page's partials
// rendered through cached are rendered once, in the first round. Time
// per page swings with the load of a shared machine; allocations per
// page, nearly all of them html/template's reflected calls and field
// lookups, do not, and follow the templates' CPU closely.
func BenchmarkKinds(b *testing.B) {
	bl := newBuilder(Options{Input: Input{Site: generateSite(1000), Theme: testkit.Theme()}, Now: buildTime.AddDate(10, 0, 0)}, discardWriter{})
	for _, step := range []func() error{bl.checkInputs, bl.load, bl.model} {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	byKind := map[render.Kind][]*render.Data{}
	for d := range render.Pages(bl.site) {
		byKind[d.PageKind] = append(byKind[d.PageKind], d)
	}
	for _, kind := range []render.Kind{render.KindArticle, render.KindHome, render.KindTag, render.KindSource, render.KindEdition} {
		b.Run(string(kind), func(b *testing.B) {
			var buf bytes.Buffer
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				for _, d := range byKind[kind] {
					buf.Reset()
					if err := bl.tmpl.Execute(&buf, d); err != nil {
						b.Fatal(err)
					}
				}
			}
			runtime.ReadMemStats(&after)
			pages := float64(b.N * len(byKind[kind]))
			b.ReportMetric(float64(b.Elapsed().Microseconds())/pages, "µs/page")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/pages, "allocs/page")
		})
	}
}
