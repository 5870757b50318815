package content

import (
	"os"
	"testing"
)

// BenchmarkParseArticle parses an article of the bench corpus (the front
// matter every article of it has) and one that gives every known key and
// two params.
func BenchmarkParseArticle(b *testing.B) {
	for _, name := range []string{"corpus", "full"} {
		src, err := os.ReadFile("testdata/bench/" + name + ".md")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, _, err := ParseArticle("content/a.md", src, manila); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
