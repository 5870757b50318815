package site

import (
	"fmt"
	"strings"
	"testing"

	"github.com/digest/digest/generator/content"
)

func TestSources(t *testing.T) {
	type item struct{ source, url string }
	tests := []struct {
		name  string
		items []item // oldest first
		want  string // "slug=Name:count ..." A to Z
	}{
		{"slugged like a tag", []item{{"INQUIRER.net", ""}}, "inquirer-net=INQUIRER.net:1"},
		{"most used spelling wins", []item{{"Reuters", ""}, {"REUTERS", ""}, {"REUTERS", ""}}, "reuters=REUTERS:3"},
		{"oldest spelling breaks ties", []item{{"The Times", ""}, {"the times", ""}}, "the-times=The Times:2"},
		{"host when no source", []item{{"", "https://www.apnews.com/article/1"}, {"", "https://apnews.com/2"}}, "apnews-com=apnews.com:2"},
		{"source wins over host", []item{{"AP", "https://apnews.com/1"}}, "ap=AP:1"},
		{"punctuation alone is no source", []item{{"—", "https://Example.ORG/x"}}, "example-org=example.org:1"},
		{"nothing at all", []item{{"", ""}, {"", "not a url"}}, ""},
		{"nothing, then a host", []item{{"", ""}, {"", "https://apnews.com/1"}}, "apnews-com=apnews.com:1"},
		{"one punctuation, two hosts", []item{{"—", "https://a.example/1"}, {"—", "https://b.example/2"}}, "a-example=a.example:1 b-example=b.example:1"},
		{"A to Z", []item{{"b", ""}, {"A", ""}, {"c", ""}}, "a=A:1 b=b:1 c=c:1"},
	}
	for _, tt := range tests {
		var articles []*content.Article
		for i, it := range tt.items {
			a := art(fmt.Sprintf("a%d.md", i), fmt.Sprintf("T%d", i), day(1+i, 0))
			a.Source, a.SourceURL = it.source, it.url
			articles = append(articles, a)
		}
		s, err := newSite(t, "", articles...)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		listed := 0
		for _, src := range s.Sources {
			got = append(got, fmt.Sprintf("%s=%s:%d", src.Slug, src.Name, src.Count()))
			if src.URL != "/sources/"+src.Slug+"/" {
				t.Errorf("%s: URL %q", tt.name, src.URL)
			}
			for i, a := range src.Articles {
				if a.Publisher != src {
					t.Errorf("%s: %s has Publisher %v; want %s", tt.name, a.Title, a.Publisher, src.Name)
				}
				if i > 0 && a.Date.After(src.Articles[i-1].Date) {
					t.Errorf("%s: %s articles not newest first", tt.name, src.Name)
				}
			}
			listed += src.Count()
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s: sources = %q; want %q", tt.name, g, tt.want)
		}
		for _, a := range s.Articles {
			if a.Publisher == nil {
				listed++
			}
		}
		if listed != len(s.Articles) {
			t.Errorf("%s: %d articles listed or without a source; want %d", tt.name, listed, len(s.Articles))
		}
	}
}
