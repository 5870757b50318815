package generator

import (
	"bytes"
	"fmt"
	"iter"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/digest/digest/generator/feed"
	"github.com/digest/digest/internal/testkit"
)

// BenchmarkPasses times the passes of a build after the model, as a
// rebuild that reuses every file spends them, on a generated site of
// DIGEST_BENCH_N articles (default 10,000; the 100,000 takes a
// minute to set up) with one-paragraph bodies: the clash check, and the
// signing of the feeds, the pages and the sitemap's files. The sitemap
// has parts past 50,000 URLs, so at 100,000 articles its last part is
// made.
func BenchmarkPasses(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("DIGEST_BENCH_N")); err == nil {
		n = v
	}
	fsys := shortBodies(generateSite(n))
	bl := newBuilder(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: buildTime.AddDate(10, 0, 0)}, discardWriter{})
	for _, step := range []func() error{bl.checkInputs, bl.load, bl.model} {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	// sign signs the files of a step, as a build that reuses them all
	// does, and makes those that made says an added article changes.
	sign := func(files func() iter.Seq[output], made func(path string) bool) func() error {
		return func() error {
			for o := range files() {
				if o.sign != nil {
					o.sign()
				}
				if made(o.path) {
					if _, err := o.make(new(bytes.Buffer)); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	// The sitemap's index and last part.
	sitemap := func(path string) bool {
		return path == "sitemap.xml" || path == fmt.Sprintf("sitemap-%d.xml", (n*142/100)/feed.MaxSitemapURLs+1)
	}
	none := func(string) bool { return false }
	for _, pass := range []struct {
		name string
		run  func() error
	}{
		{"clashes", bl.checkClashes},
		// The feeds come first in a build, and make its Signer.
		{"feeds", func() error { bl.signs = nil; return sign(bl.feeds, none)() }},
		{"pages", sign(bl.pages, none)},
		{"sitemap", sign(bl.sitemap, sitemap)},
	} {
		b.Run(fmt.Sprintf("%s-%d", pass.name, n), func(b *testing.B) {
			for b.Loop() {
				if err := pass.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// shortBodies cuts each article of fsys after its first paragraph, so a
// large site's model is quick to make.
func shortBodies(fsys fstest.MapFS) fstest.MapFS {
	for name, f := range fsys {
		if !strings.HasPrefix(name, "content/") {
			continue
		}
		end := bytes.Index(f.Data, []byte("\n---\n"))
		if p := bytes.Index(f.Data[end+5:], []byte("\n\n")); end >= 0 && p >= 0 {
			f.Data = f.Data[:end+5+p+1]
		}
	}
	return fsys
}
