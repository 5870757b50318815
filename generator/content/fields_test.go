package content

import (
	"hash/fnv"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/generator/spool"
)

// The same article in each front-matter format: every format must give
// the same Article.
var formatTests = []struct {
	name, src string
}{
	{"yaml", `---
title: "Envoy named: a surprise"
date: 2016-11-30T18:00:00-05:00
updated: 2016-12-02
tags: [North Korea, US]
source: INQUIRER.net
source_url: https://example.org/envoy?id=7
author: A. Writer
summary: The envoy was named.
image: /img/envoy.jpg
image_alt: The envoy
image_credit: Photo agency
draft: true
slug: envoy-named
aliases: [/old/envoy/, /2016/12/01/envoy]
region: Asia
priority: 2
extra: [1, two, {three: 3}]
---
Body.
`},
	{"yaml with ---yaml", `---yaml
title: "Envoy named: a surprise"
date: "2016-11-30T18:00:00-05:00"
updated: "2016-12-02"
tags: "North Korea, US"
source: INQUIRER.net
source_url: https://example.org/envoy?id=7
author: A. Writer
summary: >-
  The envoy
  was named.
image: /img/envoy.jpg
image_alt: The envoy
image_credit: Photo agency
draft: true
slug: envoy-named
aliases:
  - /old/envoy/
  - /2016/12/01/envoy
region: Asia
priority: 2
extra:
  - 1
  - two
  - three: 3
---
Body.
`},
	{"toml", `+++
title = "Envoy named: a surprise"
date = 2016-11-30T18:00:00-05:00
updated = 2016-12-02
tags = ["North Korea", "US"]
source = "INQUIRER.net"
source_url = "https://example.org/envoy?id=7"
author = "A. Writer"
summary = "The envoy was named."
image = "/img/envoy.jpg"
image_alt = "The envoy"
image_credit = "Photo agency"
draft = true
slug = "envoy-named"
aliases = ["/old/envoy/", "/2016/12/01/envoy"]
region = "Asia"
priority = 2
extra = [1, "two", {three = 3}]
+++
Body.
`},
	{"json", `{
  "title": "Envoy named: a surprise",
  "date": "2016-11-30T18:00:00-05:00",
  "updated": "2016-12-02",
  "tags": ["North Korea", "US"],
  "source": "INQUIRER.net",
  "source_url": "https://example.org/envoy?id=7",
  "author": "A. Writer",
  "summary": "The envoy was named.",
  "image": "/img/envoy.jpg",
  "image_alt": "The envoy",
  "image_credit": "Photo agency",
  "draft": true,
  "slug": "envoy-named",
  "aliases": ["/old/envoy/", "/2016/12/01/envoy"],
  "region": "Asia",
  "priority": 2,
  "extra": [1, "two", {"three": 3}]
}

Body.
`},
}

func TestFormats(t *testing.T) {
	want := &Article{
		File:        "content/a.md",
		Title:       "Envoy named: a surprise",
		Date:        time.Date(2016, 12, 1, 7, 0, 0, 0, manila),
		Updated:     time.Date(2016, 12, 2, 0, 0, 0, 0, manila),
		Tags:        []string{"North Korea", "US"},
		Source:      "INQUIRER.net",
		SourceURL:   "https://example.org/envoy?id=7",
		Author:      "A. Writer",
		Summary:     "The envoy was named.",
		Image:       "/img/envoy.jpg",
		ImageAlt:    "The envoy",
		ImageCredit: "Photo agency",
		Draft:       true,
		Slug:        "envoy-named",
		Aliases:     []string{"/old/envoy/", "/2016/12/01/envoy/"},
		Params: map[string]any{
			"region":   "Asia",
			"priority": 2,
			"extra":    []any{1, "two", map[string]any{"three": 3}},
		},
		DateHasTime: true,
		Markdown:    spool.Mem("Body.\n"),
	}
	for _, tt := range formatTests {
		a, warnings, err := ParseArticle("content/a.md", []byte(tt.src), manila)
		if err != nil || len(warnings) != 0 {
			t.Errorf("%s: error %v, warnings %v", tt.name, err, warnings)
			continue
		}
		got := *a
		// Where the fields are written differs between the formats.
		got.BodyLine, got.SlugLine, got.AliasesLine, got.ImageLine, got.SourceURLLine = 0, 0, 0, 0, 0
		// The sums are in the build state: they stay FNV-1a of the file.
		h := fnv.New64a()
		h.Write([]byte(tt.src))
		if got.Sum != h.Sum64() {
			t.Errorf("%s: Sum = %x; want the FNV-1a hash of the file, %x", tt.name, got.Sum, h.Sum64())
		}
		got.Sum = 0 // the files differ; the articles do not
		if !reflect.DeepEqual(&got, want) {
			t.Errorf("%s:\ngot  %#v\nwant %#v", tt.name, &got, want)
		}
		if a.Date.Location() != manila {
			t.Errorf("%s: date in %v; want %v", tt.name, a.Date.Location(), manila)
		}
	}
}

// article is a YAML article with the given front-matter lines after title
// (line 2) and date (line 3): the first extra line is file line 4.
func article(lines ...string) string {
	s := "---\ntitle: Envoy named\ndate: 2017-05-31\n"
	for _, l := range lines {
		s += l + "\n"
	}
	return s + "---\nBody.\n"
}

// parse parses src as content/a.md in Asia/Manila and returns the article
// and the error text ("" for none).
func parse(t *testing.T, src string) (*Article, string) {
	t.Helper()
	a, _, err := ParseArticle("content/a.md", []byte(src), manila)
	if err != nil {
		return a, err.Error()
	}
	return a, ""
}

func TestDates(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want time.Time
		err  string
	}{
		// RFC 3339 is converted into the site's timezone.
		{"date: 2016-11-30T18:00:00-05:00", time.Date(2016, 12, 1, 7, 0, 0, 0, manila), ""},
		{"date: 2016-11-30T23:00:00Z", time.Date(2016, 12, 1, 7, 0, 0, 0, manila), ""},
		{"date: 2016-11-30T23:00:00.5+00:00", time.Date(2016, 12, 1, 7, 0, 0, 5e8, manila), ""},
		{"date: '2016-11-30T18:00:00-05:00'", time.Date(2016, 12, 1, 7, 0, 0, 0, manila), ""},
		// Forms without a zone are in the site's timezone.
		{"date: 2017-05-31", time.Date(2017, 5, 31, 0, 0, 0, 0, manila), ""},
		{"date: \"2017-05-31\"", time.Date(2017, 5, 31, 0, 0, 0, 0, manila), ""},
		{"date: 2017-05-31 15:04", time.Date(2017, 5, 31, 15, 4, 0, 0, manila), ""},
		{"date: 2017-05-31 15:04:05", time.Date(2017, 5, 31, 15, 4, 5, 0, manila), ""},
		{"date: 2017-05-31T15:04", time.Date(2017, 5, 31, 15, 4, 0, 0, manila), ""},
		{"date: 2017-05-31T15:04:05", time.Date(2017, 5, 31, 15, 4, 5, 0, manila), ""},
		{"date:   2017-05-31   ", time.Date(2017, 5, 31, 0, 0, 0, 0, manila), ""},
		{"date: !!timestamp 2017-05-31", time.Date(2017, 5, 31, 0, 0, 0, 0, manila), ""},
		{"date: !!timestamp 2016-11-30T18:00:00-05:00", time.Date(2016, 12, 1, 7, 0, 0, 0, manila), ""},

		// The error points at the value.
		{"date: May 31st", time.Time{}, `content/a.md:2:7: date: cannot read "May 31st" (want 2006-01-02 or RFC 3339)`},
		{"date: 2017-13-45", time.Time{}, `content/a.md:2:7: date: cannot read "2017-13-45" (want 2006-01-02 or RFC 3339)`},
		{"date: 31/05/2017", time.Time{}, `content/a.md:2:7: date: cannot read "31/05/2017" (want 2006-01-02 or RFC 3339)`},
		{"date: 2017-02-29", time.Time{}, `content/a.md:2:7: date: cannot read "2017-02-29" (want 2006-01-02 or RFC 3339)`},
		{"date: 2017-05-31 3pm", time.Time{}, `content/a.md:2:7: date: cannot read "2017-05-31 3pm" (want 2006-01-02 or RFC 3339)`},
		{"date:    'tomorrow'", time.Time{}, `content/a.md:2:10: date: cannot read "tomorrow" (want 2006-01-02 or RFC 3339)`},
		{"date: 20170531", time.Time{}, `content/a.md:2:7: date: cannot read "20170531" (want 2006-01-02 or RFC 3339)`},
		{"date: true", time.Time{}, `content/a.md:2:7: date: cannot read "true" (want 2006-01-02 or RFC 3339)`},
		{"date: {y: 2017}", time.Time{}, `content/a.md:2:7: date: cannot read a mapping (want 2006-01-02 or RFC 3339)`},
		{"date: ''", time.Time{}, `content/a.md:2:7: date: cannot read "" (want 2006-01-02 or RFC 3339)`},
		{"date: ~", time.Time{}, `content/a.md:2:7: date: empty (want 2006-01-02 or RFC 3339)`},
	} {
		src := "---\n" + tt.src + "\ntitle: Envoy named\n---\n"
		a, err := parse(t, src)
		if err != tt.err {
			t.Errorf("%s: error:\n%s\nwant:\n%s", tt.src, err, tt.err)
			continue
		}
		if tt.err != "" {
			continue
		}
		if !a.Date.Equal(tt.want) || a.Date.Location() != manila {
			t.Errorf("%s: Date = %v; want %v", tt.src, a.Date, tt.want)
		}
	}
}

// TestDatesTOML checks TOML's own date types, which carry no zone when the
// file gives none.
func TestDatesTOML(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want time.Time
	}{
		{"2016-11-30T18:00:00-05:00", time.Date(2016, 12, 1, 7, 0, 0, 0, manila)},
		{"2016-11-30T23:00:00Z", time.Date(2016, 12, 1, 7, 0, 0, 0, manila)},
		{"2017-05-31", time.Date(2017, 5, 31, 0, 0, 0, 0, manila)},
		{"2017-05-31T15:04:05", time.Date(2017, 5, 31, 15, 4, 5, 0, manila)},
		{"2017-05-31 15:04:05", time.Date(2017, 5, 31, 15, 4, 5, 0, manila)},
		{`"2017-05-31 15:04"`, time.Date(2017, 5, 31, 15, 4, 0, 0, manila)},
		{`"2016-11-30T18:00:00-05:00"`, time.Date(2016, 12, 1, 7, 0, 0, 0, manila)},
	} {
		src := "+++\ntitle = \"Envoy named\"\ndate = " + tt.src + "\nupdated = " + tt.src + "\n+++\n"
		a, err := parse(t, src)
		if err != "" {
			t.Errorf("date = %s: %s", tt.src, err)
			continue
		}
		if !a.Date.Equal(tt.want) || a.Date.Location() != manila || !a.Updated.Equal(tt.want) {
			t.Errorf("date = %s: Date = %v, Updated = %v; want %v", tt.src, a.Date, a.Updated, tt.want)
		}
	}

	for _, tt := range []struct{ date, want string }{
		{"0000-12-31", `content/a.md:3:8: date: a date is outside the years 1 to 9999`},
		{`"0000-12-31"`, `content/a.md:3:8: date: "0000-12-31" is outside the years 1 to 9999`},
		{"9999-12-31T23:00:00-05:00", `content/a.md:3:8: date: a date is outside the years 1 to 9999`},
	} {
		_, err := parse(t, "+++\ntitle = \"x\"\ndate = "+tt.date+"\n+++\n")
		if err != tt.want {
			t.Errorf("date = %s: error:\n%s\nwant:\n%s", tt.date, err, tt.want)
		}
	}
	_, err := parse(t, "+++\ntitle = \"x\"\ndate = 15:04:05\n+++\n")
	if want := "content/a.md:3:8: date: cannot read a time without a date (want 2006-01-02 or RFC 3339)"; err != want {
		t.Errorf("date = 15:04:05: error:\n%s\nwant:\n%s", err, want)
	}
}

// TestDateHasTime checks that a day alone, in any syntax, is told from a
// date with a time of day, which pages show.
func TestDateHasTime(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{"---\ndate: 2017-05-30\n", false},
		{"---\ndate: \"2017-05-30\"\n", false},
		{"---\ndate: !!timestamp 2017-05-30\n", false},
		{"---\ndate: 2017-05-30 00:00\n", true},
		{"---\ndate: 2017-05-30T22:04:00+08:00\n", true},
		{"---\ndate: 2017-05-30T00:00:00Z\n", true},
		{"+++\ndate = 2017-05-30\n", false},
		{"+++\ndate = 2017-05-30T22:04:00\n", true},
		{"+++\ndate = 2017-05-30T22:04:00+08:00\n", true},
	} {
		end := tt.src[:3]
		title := "title: x\n"
		if end == "+++" {
			title = "title = \"x\"\n"
		}
		updated := strings.Replace(tt.src[4:], "date", "updated", 1)
		a, err := parse(t, tt.src+updated+title+end+"\n")
		if err != "" {
			t.Errorf("%q: %s", tt.src, err)
			continue
		}
		if a.DateHasTime != tt.want || a.UpdatedHasTime != tt.want {
			t.Errorf("%q: DateHasTime = %v, UpdatedHasTime = %v; want %v", tt.src, a.DateHasTime, a.UpdatedHasTime, tt.want)
		}
	}
}

func TestTags(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []string
		err  string
	}{
		{"tags: [North Korea, US]", []string{"North Korea", "US"}, ""},
		{"tags:\n  - North Korea\n  - US", []string{"North Korea", "US"}, ""},
		{"tags: North Korea, US", []string{"North Korea", "US"}, ""},
		{"tags: 'North Korea,US,'", []string{"North Korea", "US"}, ""},
		{"tags: China", []string{"China"}, ""},
		{"tags: ' North   Korea , , US ,'", []string{"North Korea", "US"}, ""},
		{"tags: [a, '', ' ', '  b  c ']", []string{"a", "b c"}, ""},
		{"tags: [G20, 2017, 1.5]", []string{"G20", "2017", "1.5"}, ""},
		{"tags: [Société Générale, 北朝鮮]", []string{"Société Générale", "北朝鮮"}, ""},
		{"tags: []", []string{}, ""},
		{"tags: ''", []string{}, ""},
		{"tags:", nil, ""},
		// Duplicates are kept here; the site merges tags by slug.
		{"tags: [North Korea, north-korea]", []string{"North Korea", "north-korea"}, ""},

		{"tags: [china, '!!!', us]", []string{"china", "us"}, `content/a.md:4:7: tags: "!!!" has no letter or digit to make a URL from`},
		{"tags: china, ---", []string{"china"}, `content/a.md:4:7: tags: "---" has no letter or digit to make a URL from`},
		{"tags: [a, [b]]", nil, "content/a.md:4:7: tags: want a list of names, found a list in it"},
		{"tags: [a, ~]", nil, "content/a.md:4:7: tags: want a list of names, found nothing in it"},
		{"tags: {a: 1}", nil, "content/a.md:4:7: tags: want a list of names or one comma-separated string, not a mapping"},
		{"tags: 7", nil, "content/a.md:4:7: tags: want a list of names or one comma-separated string, not a number"},
	} {
		a, err := parse(t, article(tt.src))
		if err != tt.err {
			t.Errorf("%s: error:\n%s\nwant:\n%s", tt.src, err, tt.err)
		}
		if !slices.Equal(a.Tags, tt.want) || (a.Tags == nil) != (tt.want == nil) {
			t.Errorf("%s: Tags = %#v; want %#v", tt.src, a.Tags, tt.want)
		}
	}
}

func TestSourceURL(t *testing.T) {
	for _, tt := range []struct {
		src, want, err string
	}{
		{"source_url: https://example.org/a?b=c#d", "https://example.org/a?b=c#d", ""},
		{"source_url: http://example.org", "http://example.org", ""},
		{"source_url: HTTPS://EXAMPLE.ORG/A", "HTTPS://EXAMPLE.ORG/A", ""},
		{"source_url: '  https://example.org/  '", "https://example.org/", ""},
		{"source_url: ''", "", ""},
		{"source_url:", "", ""},
		{"source_url: ftp://x", "", `content/a.md:4:13: source_url: "ftp://x" is not an http(s) URL`},
		{"source_url: javascript:alert(1)", "", `content/a.md:4:13: source_url: "javascript:alert(1)" is not an http(s) URL`},
		{"source_url: not a url", "", `content/a.md:4:13: source_url: "not a url" is not an http(s) URL`},
		{"source_url: example.org/a", "", `content/a.md:4:13: source_url: "example.org/a" is not an http(s) URL`},
		{"source_url: //example.org/a", "", `content/a.md:4:13: source_url: "//example.org/a" is not an http(s) URL`},
		{"source_url: https://", "", `content/a.md:4:13: source_url: "https://" is not an http(s) URL`},
		{"source_url: http://[::1", "", `content/a.md:4:13: source_url: "http://[::1" is not an http(s) URL`},
		{"source_url: [https://example.org/]", "", "content/a.md:4:13: source_url: want text, not a list"},
	} {
		a, err := parse(t, article(tt.src))
		if err != tt.err {
			t.Errorf("%s: error:\n%s\nwant:\n%s", tt.src, err, tt.err)
		}
		if a.SourceURL != tt.want {
			t.Errorf("%s: SourceURL = %q; want %q", tt.src, a.SourceURL, tt.want)
		}
	}
}

func TestAliases(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []string
		err  string
	}{
		{"aliases: [/2017/old-name/, old/two, /three]", []string{"/2017/old-name/", "/old/two/", "/three/"}, ""},
		{"aliases: /2017/old-name/", []string{"/2017/old-name/"}, ""},
		{"aliases: old", []string{"/old/"}, ""},
		{"aliases:\n  - /a/\n  - /b/", []string{"/a/", "/b/"}, ""},
		{"aliases: /a//b/./c/../d", []string{"/a/b/d/"}, ""},
		{"aliases: /société/", []string{"/société/"}, ""},
		{"aliases:", nil, ""},

		{"aliases: [/ok/, http://example.org/old]", []string{"/ok/"}, `content/a.md:4:10: aliases: "http://example.org/old" is not a site path such as /2017/old-name/`},
		{"aliases: /", nil, `content/a.md:4:10: aliases: "/" is not a site path such as /2017/old-name/`},
		{"aliases: ../..", nil, `content/a.md:4:10: aliases: "../.." is not a site path such as /2017/old-name/`},
		{"aliases: ''", nil, `content/a.md:4:10: aliases: "" is not a site path such as /2017/old-name/`},
		{"aliases: /old?id=7", nil, `content/a.md:4:10: aliases: "/old?id=7" is not a site path such as /2017/old-name/`},
		{"aliases: /old#top", nil, `content/a.md:4:10: aliases: "/old#top" is not a site path such as /2017/old-name/`},
		{`aliases: '\old'`, nil, `content/a.md:4:10: aliases: "\\old" is not a site path such as /2017/old-name/`},
		{"aliases: [2017]", nil, "content/a.md:4:10: aliases: a number is not a site path such as /2017/old-name/"},
		{"aliases: \"/old\\e/\"", nil, "content/a.md:4:10: aliases: \"/old\ufffd/\" is not a site path such as /2017/old-name/"},
		{"aliases: \"/old\\u202e/\"", nil, `content/a.md:4:10: aliases: "/old\u202e/" is not a site path such as /2017/old-name/`},
		{"aliases: /old page/", []string{"/old page/"}, ""},
		{"aliases: /" + strings.Repeat("é", 127) + "/", []string{"/" + strings.Repeat("é", 127) + "/"}, ""},
		{"aliases: /a/" + strings.Repeat("é", 128) + "/", nil, `content/a.md:4:10: aliases: "/a/` + strings.Repeat("é", 128) + `/" has a part longer than 255 bytes`},
		{"aliases: {a: /b/}", nil, "content/a.md:4:10: aliases: want a list of paths, not a mapping"},
		{"aliases: 7", nil, "content/a.md:4:10: aliases: want a list of paths, not a number"},
	} {
		a, err := parse(t, article(tt.src))
		if err != tt.err {
			t.Errorf("%s: error:\n%s\nwant:\n%s", tt.src, err, tt.err)
		}
		if !slices.Equal(a.Aliases, tt.want) {
			t.Errorf("%s: Aliases = %q; want %q", tt.src, a.Aliases, tt.want)
		}
	}
}

func TestDraft(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
		err  string
	}{
		{"draft: true", true, ""},
		{"draft: True", true, ""},
		{"draft: false", false, ""},
		{"draft:", false, ""},
		{"", false, ""},
		{"draft: yes", false, `content/a.md:4:8: draft: want true or false, not "yes"`},
		{"draft: 'true'", false, `content/a.md:4:8: draft: want true or false, not "true"`},
		{"draft: 1", false, `content/a.md:4:8: draft: want true or false, not "1"`},
		{"draft: [true]", false, "content/a.md:4:8: draft: want true or false, not a list"},
	} {
		a, err := parse(t, article(tt.src))
		if err != tt.err {
			t.Errorf("%q: error:\n%s\nwant:\n%s", tt.src, err, tt.err)
		}
		if a.Draft != tt.want {
			t.Errorf("%q: Draft = %v; want %v", tt.src, a.Draft, tt.want)
		}
	}

	a, err := parse(t, "+++\ntitle = \"x\"\ndate = 2017-05-31\ndraft = \"no\"\n+++\n")
	if want := `content/a.md:4:9: draft: want true or false, not "no"`; err != want || a.Draft {
		t.Errorf("TOML draft = \"no\": Draft = %v, error:\n%s\nwant:\n%s", a.Draft, err, want)
	}
}

func TestTextFields(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want Article
		err  string
	}{
		{"source: '  INQUIRER.net '\nauthor: 42", Article{Source: "INQUIRER.net", Author: "42"}, ""},
		{"summary: |\n  Line one.\n  Line two.", Article{Summary: "Line one.\nLine two."}, ""},
		{"image: 3.5\nimage_alt: true\nimage_credit: ''", Article{Image: "3.5", ImageAlt: "true"}, ""},
		{"slug: My Own Slug!", Article{Slug: "my-own-slug"}, ""},
		{"slug: 2017", Article{Slug: "2017"}, ""},
		{"slug:", Article{Slug: "envoy-named"}, ""},
		{"slug: '...'", Article{Slug: "envoy-named"}, `content/a.md:4:7: slug: "..." has no letter or digit to make a URL from`},
		{"author: {name: x}", Article{}, "content/a.md:4:9: author: want text, not a mapping"},
		{`summary: "It's \"here\" -- at last..."`, Article{Summary: "It’s “here” – at last…"}, ""},
	} {
		a, err := parse(t, article(tt.src))
		if err != tt.err {
			t.Errorf("%q: error:\n%s\nwant:\n%s", tt.src, err, tt.err)
		}
		if tt.want.Slug == "" {
			tt.want.Slug = "envoy-named"
		}
		got := Article{Source: a.Source, Author: a.Author, Summary: a.Summary, Image: a.Image,
			ImageAlt: a.ImageAlt, ImageCredit: a.ImageCredit, Slug: a.Slug}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\ngot  %+v\nwant %+v", tt.src, got, tt.want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tt := range []struct {
		src, title, slug, err string
	}{
		{"title: Envoy named", "Envoy named", "envoy-named", ""},
		{"title: '  Envoy   named  '", "Envoy   named", "envoy-named", ""},
		{"title: 1984", "1984", "1984", ""},
		{"title: Société Générale", "Société Générale", "société-générale", ""},
		// A body's quotes and dashes; the slug is made from the title as
		// written.
		{"title: \"Officials said: \\\"no\\\"\"", "Officials said: “no”", "officials-said-no", ""},
		{"title: It's done -- mostly...", "It’s done – mostly…", "it-s-done-mostly", ""},
		{"title: '*Not* markup'", "*Not* markup", "not-markup", ""},
		{"title: ''", "", "", "content/a.md:2:8: title: empty (every article needs a headline)"},
		{"title: '   '", "", "", "content/a.md:2:8: title: empty (every article needs a headline)"},
		{"title: '!!!'", "!!!", "", `content/a.md:2:8: title: "!!!" gives an empty slug; set slug`},
		{"tittle: Envoy named", "", "", "content/a.md:1: title: missing (every article needs a headline)"},
	} {
		a, err := parse(t, "---\n"+tt.src+"\ndate: 2017-05-31\n---\n")
		if err != tt.err {
			t.Errorf("%q: error:\n%s\nwant:\n%s", tt.src, err, tt.err)
		}
		if a.Title != tt.title || a.Slug != tt.slug {
			t.Errorf("%q: Title %q, Slug %q; want %q, %q", tt.src, a.Title, a.Slug, tt.title, tt.slug)
		}
	}
}

func TestParams(t *testing.T) {
	a, err := parse(t, article("region: Asia", "priority: 2", "score: 0.5", "breaking: true", "via: ~", "links: [a, b]", "meta: {a: 1}"))
	if err != "" {
		t.Fatal(err)
	}
	want := map[string]any{
		"region": "Asia", "priority": 2, "score": 0.5, "breaking": true, "via": nil,
		"links": []any{"a", "b"}, "meta": map[string]any{"a": 1},
	}
	if !reflect.DeepEqual(a.Params, want) {
		t.Errorf("Params = %#v; want %#v", a.Params, want)
	}

	a, _ = parse(t, article())
	if a.Params != nil {
		t.Errorf("Params of an article without extra keys = %#v; want nil", a.Params)
	}
}

// TestMisspelledKeys checks which unknown keys give a warning, and that the
// warning names the key's own line even when the value starts below it.
func TestMisspelledKeys(t *testing.T) {
	for _, tt := range []struct {
		src, warning string
	}{
		{"tittle: x", `content/a.md:4:1: unknown key "tittle": did you mean "title"? (kept as a param)`},
		{"Title: x", `content/a.md:4:1: unknown key "Title": did you mean "title"? (kept as a param)`},
		{"tag: x", `content/a.md:4:1: unknown key "tag": did you mean "tags"? (kept as a param)`},
		{"tag:\n  - x\n  - y", `content/a.md:4:1: unknown key "tag": did you mean "tags"? (kept as a param)`},
		{"sourceurl: x", `content/a.md:4:1: unknown key "sourceurl": did you mean "source_url"? (kept as a param)`},
		{"Source_URL: x", `content/a.md:4:1: unknown key "Source_URL": did you mean "source_url"? (kept as a param)`},
		{"source-url: x", `content/a.md:4:1: unknown key "source-url": did you mean "source_url"? (kept as a param)`},
		{"sourceUrl: x", `content/a.md:4:1: unknown key "sourceUrl": did you mean "source_url"? (kept as a param)`},
		{"imgae: x", `content/a.md:4:1: unknown key "imgae": did you mean "image"? (kept as a param)`},
		{"imagealt: x", `content/a.md:4:1: unknown key "imagealt": did you mean "image_alt"? (kept as a param)`},
		{"athor: x", `content/a.md:4:1: unknown key "athor": did you mean "author"? (kept as a param)`},
		{"sumary: x", `content/a.md:4:1: unknown key "sumary": did you mean "summary"? (kept as a param)`},
		{"alias: /x/", `content/a.md:4:1: unknown key "alias": did you mean "aliases"? (kept as a param)`},
		{"darft: true", `content/a.md:4:1: unknown key "darft": did you mean "draft"? (kept as a param)`},
		{"udpated: 2017-06-01", `content/a.md:4:1: unknown key "udpated": did you mean "updated"? (kept as a param)`},
		{"region: Asia", ""},
		{"priority: 2", ""},
		{"category: x", ""},
		{"lang: en", ""},
		{"location: Manila", ""},
		{"weight: 3", ""},
		{"featured: true", ""},
		{"notes: x", ""},
		{"url: x", ""},
	} {
		a, warnings, err := ParseArticle("content/a.md", []byte(article(tt.src)), manila)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		if got := errText(warnings.Err()); got != tt.warning {
			t.Errorf("%q: warnings:\n%s\nwant:\n%s", tt.src, got, tt.warning)
		}
		if len(a.Params) != 1 {
			t.Errorf("%q: Params = %v; want the key kept", tt.src, a.Params)
		}
	}
}
