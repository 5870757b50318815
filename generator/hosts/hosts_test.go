package hosts

import (
	"fmt"
	"testing"
)

var (
	tagFeeds = &Kind{"tag feeds", "disable: [tag_feeds]"}
	articles = &Kind{"article pages", ""}
	tagPages = &Kind{"tag pages", "a larger page_size"}
)

// site makes n files of kind, each of size bytes.
func site(kind *Kind, n int, size int64) []File {
	files := make([]File, n)
	for i := range files {
		files[i] = File{Path: fmt.Sprintf("%s/%d", kind.Name, i), Kind: kind, Size: size}
	}
	return files
}

func TestCheck(t *testing.T) {
	small := []Limit{{Host: "Tiny Pages", Files: 10, FileSize: 2 << 20}, {Host: "Little Hub", SiteSize: 10e6}}
	cat := func(parts ...[]File) []File {
		var all []File
		for _, p := range parts {
			all = append(all, p...)
		}
		return all
	}
	for _, tt := range []struct {
		name  string
		files []File
		want  string
	}{
		{"within every limit", cat(site(articles, 5, 1e6), site(tagFeeds, 5, 1e6)), ""},
		{
			"too many files",
			cat(site(articles, 5, 1e5), site(tagFeeds, 4, 2e6), site(tagPages, 3, 1e5)),
			"the output passes Tiny Pages' limit of 10 files (it has 12); the biggest contributors: article pages 5 files 500 kB, " +
				"tag feeds 4 files 8 MB, tag pages 3 files 300 kB; in site.yaml, disable: [tag_feeds] (tag feeds) or a larger page_size (tag pages) would shrink it",
		},
		{
			"too big a site, by bytes",
			cat(site(articles, 2, 1e6), site(tagFeeds, 6, 2e6)),
			"the output passes Little Hub's limit of 10 MB for a site (it has 14 MB); the biggest contributors: tag feeds 6 files 12 MB, " +
				"article pages 2 files 2 MB; in site.yaml, disable: [tag_feeds] (tag feeds) would shrink it",
		},
		{
			"too big a file",
			cat(site(articles, 2, 1e6), []File{{Path: "tags/us/feed.xml", Kind: tagFeeds, Size: 3 << 20}}),
			"the output passes Tiny Pages' limit of 2 MiB a file (tags/us/feed.xml has 3 MiB); the biggest contributors: article pages 2 files 2 MB, " +
				"tag feeds 1 file 3 MB; in site.yaml, disable: [tag_feeds] (tag feeds) would shrink it",
		},
		{
			"every limit at once, one warning",
			cat(site(tagFeeds, 20, 3e6)),
			"the output passes Tiny Pages' limit of 10 files (it has 20) and Tiny Pages' limit of 2 MiB a file (tag feeds/0 has 2.9 MiB) and " +
				"Little Hub's limit of 10 MB for a site (it has 60 MB); the biggest contributors: tag feeds 20 files 60 MB; in site.yaml, disable: [tag_feeds] (tag feeds) would shrink it",
		},
		{
			"nothing to shrink",
			site(articles, 11, 10),
			"the output passes Tiny Pages' limit of 10 files (it has 11); the biggest contributors: article pages 11 files 0 kB",
		},
	} {
		if got := Check(tt.files, small); got != tt.want {
			t.Errorf("%s: Check =\n%q\nwant\n%q", tt.name, got, tt.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {20000, "20,000"}, {1234567, "1,234,567"}} {
		if got := count(tt.n); got != tt.want {
			t.Errorf("count(%d) = %q; want %q", tt.n, got, tt.want)
		}
	}
}
