package feed

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
)

// BenchmarkRSS makes the RSS feed of twenty articles of the bench corpus
// with a new Maker each time, so every item is encoded: a tag's feed made
// on a site where the tag's articles are in no other feed. The body is
// the markdown package's golden rendering of a bench corpus article.
func BenchmarkRSS(b *testing.B) {
	body, err := os.ReadFile("../markdown/testdata/bench.html")
	if err != nil {
		b.Fatal(err)
	}
	s := testSite(b)
	tags := s.Articles[0].Tags
	var articles []*site.Article
	for i := range 20 {
		a := &site.Article{
			Article: &content.Article{
				Title:     fmt.Sprintf("Czech Republic’s arms control deficit after private recovery, part %d", i),
				Date:      s.Articles[0].Date,
				Source:    "Atlas News Service",
				SourceURL: fmt.Sprintf("https://atlasnews.example/2019/09/30/czech-republics-arms-control-deficit-%d", i),
			},
			URL:     s.URL(fmt.Sprintf("/2019/09/30/czech-republics-arms-control-deficit-%d/", i)),
			Tags:    tags,
			HTML:    spool.Mem(string(body)),
			Summary: "According to a think tank, poverty rose by 8.6 per cent over the year.",
		}
		articles = append(articles, a)
	}
	ch := Channel{Title: "China — T", Description: "Articles tagged China", URL: s.URL("/tags/china/"), Path: s.URL("/tags/china/feed.xml"), Articles: articles}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if _, err := NewMaker(s).RSS(ch, &buf); err != nil {
			b.Fatal(err)
		}
	}
}
