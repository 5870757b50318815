package markdown

import (
	"os"
	"testing"
)

// BenchmarkRender renders the body of an article of the bench corpus:
// paragraphs with links, a quote, a list and emphasis.
func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile("testdata/bench.md")
	if err != nil {
		b.Fatal(err)
	}
	r := New(false, "/")
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		r.Render(src)
	}
}
