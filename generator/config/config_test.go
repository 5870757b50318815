package config

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	_ "time/tzdata" // Asia/Manila on machines without a zone database

	"github.com/digest/digest/generator/chars"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/slug"
)

func TestDefault(t *testing.T) {
	for _, tt := range []struct {
		name string
		get  func() (*Config, error)
	}{
		{"Default", func() (*Config, error) { return Default(), nil }},
		{"Load without site.yaml", func() (*Config, error) { return Load(fstest.MapFS{}) }},
		{"Parse of nothing", func() (*Config, error) { return Parse(nil) }},
		{"Parse of a comment", func() (*Config, error) { return Parse([]byte("# nothing set yet\n")) }},
		{"Parse of keys left empty", func() (*Config, error) { return Parse([]byte("page_size:\nfeed_size: ~\ntimezone: \"\"\n")) }},
	} {
		c, err := tt.get()
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		checkDefaults(t, tt.name, c)
	}
}

func checkDefaults(t *testing.T, name string, c *Config) {
	t.Helper()
	want := &Config{
		Title:     "My Digest",
		BaseURL:   "http://localhost:1313/",
		Language:  "en",
		Timezone:  "UTC",
		Permalink: "/:year/:month/:day/:slug/",
		PageSize:  20,
		FeedSize:  20,
		Location:  time.UTC,
		NoBaseURL: true,
		Outputs:   Outputs{Sources: true, TagFeeds: true, SourceFeeds: true, Days: true, Search: true},
	}
	if err := want.SetBaseURL(want.BaseURL); err != nil { // Path and the origin
		t.Fatal(err)
	}
	got := *c
	got.at = nil // where the values are written is not the configuration
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("%s:\ngot  %+v\nwant %+v", name, &got, want)
	}
}

const fullSite = `# A complete site.yaml.
title: The Spring 2017 Digest
description: World news from April to June 2017.
base_url: https://digest.example.org
language: en-PH
author: The Digest curator
timezone: Asia/Manila
permalink: /news/:year/:month/:slug/
page_size: 10
feed_size: 50
tag_aliases:
  "N. Korea": North Korea
  US: United States
unsafe_html: true
params:
  twitter: "@digest"
  columns: 2
disable: [days, search]
enable:
  - tag_atom
`

func TestParseFull(t *testing.T) {
	c, err := Parse([]byte(fullSite))
	if err != nil {
		t.Fatal(err)
	}
	manila, err := time.LoadLocation("Asia/Manila")
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Title:       "The Spring 2017 Digest",
		Description: "World news from April to June 2017.",
		BaseURL:     "https://digest.example.org/",
		Language:    "en-PH",
		Author:      "The Digest curator",
		Timezone:    "Asia/Manila",
		Permalink:   "/news/:year/:month/:slug/",
		PageSize:    10,
		FeedSize:    50,
		TagAliases:  map[string]string{"N. Korea": "North Korea", "US": "United States"},
		UnsafeHTML:  true,
		Params:      map[string]any{"twitter": "@digest", "columns": 2},
		Disable:     Kinds{{"days", 18}, {"search", 18}},
		Enable:      Kinds{{"tag_atom", 20}},
		Location:    manila,
		Outputs:     Outputs{Sources: true, TagFeeds: true, SourceFeeds: true, TagAtom: true},
	}
	c.at = nil                                            // where the values are written is not the configuration
	if err := want.SetBaseURL(want.BaseURL); err != nil { // Path and the origin
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Parse(fullSite):\ngot  %+v\nwant %+v", c, want)
	}
}

// TestExampleSite checks the repository's own site.yaml.
func TestExampleSite(t *testing.T) {
	c, err := Load(os.DirFS("../.."))
	if err != nil {
		t.Fatal(err)
	}
	if c.Timezone != "Asia/Manila" || c.Location.String() != "Asia/Manila" {
		t.Errorf("example site: timezone %q, location %v; want Asia/Manila", c.Timezone, c.Location)
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{File: {Data: []byte("title: From a file\nfeed_size: 5\n")}}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "From a file" || c.FeedSize != 5 || c.PageSize != 20 {
		t.Errorf("Load: title %q, feed_size %d, page_size %d; want \"From a file\", 5, 20", c.Title, c.FeedSize, c.PageSize)
	}

	// site.yaml that is a folder cannot be read.
	fsys = fstest.MapFS{File + "/x": {Data: []byte("x")}}
	if _, err := Load(fsys); err == nil || !strings.HasPrefix(err.Error(), "site.yaml: ") {
		t.Errorf("Load with a site.yaml folder: error %v; want one starting with \"site.yaml: \"", err)
	}
}

// parseErrorTests give site.yaml documents and the exact error each gets.
var parseErrorTests = []struct {
	name, in, want string
}{
	{
		"unknown key",
		"title: x\npage_sise: 10\n",
		`site.yaml:2: unknown key "page_sise"`,
	},
	{
		"unknown key on the first line",
		"baseurl: https://example.org/\n",
		`site.yaml:1: unknown key "baseurl"`,
	},
	{
		"unknown keys, all of them",
		"# comment\ntitle: x\n\ntheme: dark\ndescription: y\npagesize: 5\n",
		`site.yaml:4: unknown key "theme"` + "\n" + `site.yaml:6: unknown key "pagesize"`,
	},
	{
		"wrong type",
		"title: x\npage_size: twenty\n",
		"site.yaml:2:12: page_size: want a whole number, not \"twenty\"",
	},
	{
		"wrong type for tag_aliases",
		"tag_aliases: [a, b]\n",
		"site.yaml:1:14: tag_aliases: want key: value pairs, not a list",
	},
	{
		"not a mapping",
		"- title: x\n",
		"site.yaml:1:1: want key: value pairs such as \"title: My Digest\", not a list",
	},
	{
		"duplicate key",
		"title: x\nlanguage: en\ntitle: y\n",
		`site.yaml:3: mapping key "title" already defined at line 1`,
	},
	{
		"unterminated quote",
		"title: x\ndescription: \"World news\nlanguage: en\n",
		"site.yaml:2: found unexpected end of stream",
	},
	{
		"unterminated quote on the first line",
		"title: \"x\nlanguage: en\n",
		"site.yaml:1: found unexpected end of stream",
	},
	{
		"unclosed list",
		"title: x\n\ndescription: [x\n",
		"site.yaml:3: did not find expected ',' or ']'",
	},
	{
		"colon in a plain value",
		"title: x\ndescription: News: the world\n",
		"site.yaml:2: mapping values are not allowed in this context",
	},
	{
		"unknown timezone",
		"timezone: Mars/Olympus_Mons\n",
		`site.yaml:1:11: timezone: unknown zone "Mars/Olympus_Mons" (want an IANA name such as Asia/Manila)`,
	},
	{
		"timezone offset is not a name",
		"timezone: +08:00\n",
		`site.yaml:1:11: timezone: unknown zone "+08:00" (want an IANA name such as Asia/Manila)`,
	},
	{
		"permalink without :slug",
		"permalink: /:year/:month/:day/\n",
		`site.yaml:1:12: permalink: "/:year/:month/:day/" must contain :slug`,
	},
	{
		"permalink with an unknown placeholder",
		"permalink: /:year/:week/:slug/\n",
		`site.yaml:1:12: permalink: "/:year/:week/:slug/" has an unknown placeholder (want :year, :month, :day, :slug)`,
	},
	{
		"permalink without slashes",
		"permalink: :year/:slug\n",
		`site.yaml:1:12: permalink: ":year/:slug" must start and end with /`,
	},
	{
		"negative page_size",
		"page_size: -1\n",
		"site.yaml:1:12: page_size: -1 is too few (want 1 or more articles)",
	},
	{
		"negative feed_size",
		"feed_size: -10\n",
		"site.yaml:1:12: feed_size: -10 is too few (want 1 or more articles)",
	},
	{
		"base_url not http",
		"base_url: ftp://example.org/\n",
		`site.yaml:1:11: base_url: "ftp://example.org/" is not an absolute http(s) URL such as https://news.example.org/`,
	},
	{
		"base_url without scheme",
		"base_url: example.org\n",
		`site.yaml:1:11: base_url: "example.org" is not an absolute http(s) URL such as https://news.example.org/`,
	},
	{
		"base_url without host",
		"base_url: https:///news/\n",
		`site.yaml:1:11: base_url: "https:///news/" is not an absolute http(s) URL such as https://news.example.org/`,
	},
	{
		"base_url root-relative",
		"base_url: /news/\n",
		`site.yaml:1:11: base_url: "/news/" is not an absolute http(s) URL such as https://news.example.org/`,
	},
	{
		"zero page_size",
		"title: x\npage_size: 0\n",
		"site.yaml:2:12: page_size: 0 is too few (want 1 or more articles)",
	},
	{
		"page_size in words",
		"page_size: ten\n",
		`site.yaml:1:12: page_size: want a whole number, not "ten"`,
	},
	{
		"feed_size with a fraction",
		"feed_size: 2.5\n",
		`site.yaml:1:12: feed_size: want a whole number, not "2.5"`,
	},
	{
		"unsafe_html as a word",
		"unsafe_html: sometimes\n",
		`site.yaml:1:14: unsafe_html: want true or false, not "sometimes"`,
	},
	{
		"title as a list",
		"title: [a, b]\n",
		"site.yaml:1:8: title: want text, not a list",
	},
	{
		"tag alias to a list",
		"tag_aliases:\n  US: [a]\n",
		"site.yaml:2:7: tag_aliases: US: want text, not a list",
	},
	{
		"permalink with ..",
		"permalink: /../:slug/\n",
		`site.yaml:1:12: permalink: "/../:slug/" may not have a segment ".."`,
	},
	{
		"several bad values, all reported",
		"timezone: Nowhere\npage_size: -2\nbase_url: example.org\n",
		`site.yaml:1:11: timezone: unknown zone "Nowhere" (want an IANA name such as Asia/Manila)` + "\n" +
			"site.yaml:2:12: page_size: -2 is too few (want 1 or more articles)\n" +
			`site.yaml:3:11: base_url: "example.org" is not an absolute http(s) URL such as https://news.example.org/`,
	},
	{
		"tag alias from nothing",
		"tag_aliases:\n  \"\": North Korea\n",
		`site.yaml:2:3: tag_aliases: an empty tag stands for "North Korea" (want a tag name before the colon)`,
	},
	{
		"tag alias to nothing",
		"tag_aliases:\n  N. Korea:\n",
		`site.yaml:2:12: tag_aliases: "N. Korea" stands for an empty tag (want a tag name after the colon)`,
	},
	{
		"tag alias to punctuation",
		"tag_aliases:\n  N. Korea: \"!!\"\n",
		`site.yaml:2:13: tag_aliases: "!!" has no letter or digit to make a tag from`,
	},
	{
		"tag aliases in a cycle",
		"tag_aliases:\n  China: US\n  us: china\n",
		"site.yaml:2: tag_aliases: China → us → China go round in a cycle (lines 2, 3); remove one of them",
	},
	{
		"tag aliases in a longer cycle, with a chain into it",
		"tag_aliases:\n  PRC: China\n  US: North Korea\n  China: US\n  North Korea: China\n",
		"site.yaml:3: tag_aliases: US → North Korea → China → US go round in a cycle (lines 3, 5, 4); remove one of them",
	},
}

// TestTagAliasChains checks that a chain of tag aliases leads each synonym
// to the end of the chain, comparing tags by slug.
func TestTagAliasChains(t *testing.T) {
	c, err := Parse([]byte("tag_aliases:\n  N. Korea: North Korea\n  north korea: DPRK\n  DPRK: Korea, North\n  US: United States\n  Korea North: Korea, North\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"N. Korea": "Korea, North", "north korea": "Korea, North", "DPRK": "Korea, North",
		"US": "United States", "Korea North": "Korea, North",
	}
	if !reflect.DeepEqual(c.TagAliases, want) {
		t.Errorf("TagAliases = %v; want %v", c.TagAliases, want)
	}
}

// outputsErrorTests are bad values of disable and enable.
var outputsErrorTests = []struct {
	name, in, want string
}{
	{
		"unknown kind",
		"title: x\ndisable: [days, tag-feeds]\n",
		`site.yaml:2: disable: unknown kind of output "tag-feeds" (want sources, tag_feeds, source_feeds, days, search)`,
	},
	{
		"unknown kinds on their own lines",
		"disable:\n  - sources\n  - day\n  - serch\n",
		`site.yaml:3: disable: unknown kind of output "day" (want sources, tag_feeds, source_feeds, days, search)` + "\n" +
			`site.yaml:4: disable: unknown kind of output "serch" (want sources, tag_feeds, source_feeds, days, search)`,
	},
	{
		"one name, not a list",
		"enable: atom\n",
		`site.yaml:1: enable: unknown kind of output "atom" (want tag_atom, source_atom)`,
	},
	{
		"disable what is off by default",
		"disable: [tag_atom]\n",
		`site.yaml:1: disable: "tag_atom" is off by default (enable turns it on)`,
	},
	{
		"enable what is on by default",
		"title: x\nenable: [tag_atom, days]\n",
		`site.yaml:2: enable: "days" is on by default (disable turns it off)`,
	},
	{
		"atom without the feeds",
		"disable: [tag_feeds]\nenable: [tag_atom]\n",
		`site.yaml:2: enable: "tag_atom" needs "tag_feeds", which disable turns off`,
	},
	{
		"source atom without source pages",
		"disable: [sources]\nenable: [source_atom]\n",
		`site.yaml:2: enable: "source_atom" needs "source_feeds", which disable turns off`,
	},
	{
		"a mapping in the list",
		"disable:\n  - days\n  - {search: true}\n",
		"site.yaml:3: want a name of a kind of output, not key: value pairs",
	},
	{
		"a mapping instead of a list",
		"disable:\n  days: true\n",
		"site.yaml:2: want a name of a kind of output, not key: value pairs",
	},
}

func TestParseErrors(t *testing.T) {
	parseErrorTests := append(parseErrorTests, outputsErrorTests...)
	for _, tt := range parseErrorTests {
		c, err := Parse([]byte(tt.in))
		if err == nil {
			t.Errorf("%s: Parse(%q) = %+v; want error %q", tt.name, tt.in, c, tt.want)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("%s: Parse(%q) error:\n%s\nwant:\n%s", tt.name, tt.in, got, tt.want)
		}
		checkDiag(t, err)
	}
}

// checkDiag checks that err is a diag.List or *diag.Diagnostic about
// site.yaml, so the build can report it with the content's errors.
func checkDiag(t *testing.T, err error) {
	t.Helper()
	var list diag.List
	var d *diag.Diagnostic
	switch {
	case errors.As(err, &list):
		for _, d := range list {
			if d.File != File {
				t.Errorf("diagnostic %q names file %q; want %q", d, d.File, File)
			}
		}
	case errors.As(err, &d):
		if d.File != File {
			t.Errorf("diagnostic %q names file %q; want %q", d, d.File, File)
		}
	default:
		t.Errorf("error %q is a %T; want a diag.List or *diag.Diagnostic", err, err)
	}
}

func TestOutputs(t *testing.T) {
	all := Outputs{Sources: true, TagFeeds: true, SourceFeeds: true, Days: true, Search: true}
	for _, tt := range []struct {
		in   string
		want func(*Outputs)
	}{
		{"disable: []\n", func(*Outputs) {}},
		{"disable: days\n", func(o *Outputs) { o.Days = false }},
		{"disable: [search, days]\n", func(o *Outputs) { o.Search, o.Days = false, false }},
		{"disable: [tag_feeds]\n", func(o *Outputs) { o.TagFeeds = false }},
		// Source feeds are announced on source pages only.
		{"disable: [sources]\n", func(o *Outputs) { o.Sources, o.SourceFeeds = false, false }},
		{"disable: [source_feeds]\n", func(o *Outputs) { o.SourceFeeds = false }},
		{"enable: [tag_atom, source_atom]\n", func(o *Outputs) { o.TagAtom, o.SourceAtom = true, true }},
		{"enable: [source_atom]\ndisable: [tag_feeds]\n", func(o *Outputs) { o.SourceAtom, o.TagFeeds = true, false }},
		{"disable: [days, days]\n", func(o *Outputs) { o.Days = false }},
	} {
		c, err := Parse([]byte(tt.in))
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		want := all
		tt.want(&want)
		if c.Outputs != want {
			t.Errorf("Parse(%q).Outputs = %+v; want %+v", tt.in, c.Outputs, want)
		}
	}
}

func TestBaseURL(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"https://digest.example.org", "https://digest.example.org/"},
		{"https://digest.example.org/", "https://digest.example.org/"},
		{"http://example.org/news", "http://example.org/news/"},
		{"http://localhost:8080", "http://localhost:8080/"},
	} {
		c, err := Parse([]byte("base_url: " + tt.in + "\n"))
		if err != nil {
			t.Errorf("base_url %q: %v", tt.in, err)
			continue
		}
		if c.BaseURL != tt.want {
			t.Errorf("base_url %q: BaseURL = %q; want %q", tt.in, c.BaseURL, tt.want)
		}

		// --base-url on the command line goes through SetBaseURL.
		c = Default()
		if err := c.SetBaseURL(tt.in); err != nil || c.BaseURL != tt.want {
			t.Errorf("SetBaseURL(%q): BaseURL = %q, error %v; want %q", tt.in, c.BaseURL, err, tt.want)
		}
	}

	c := Default()
	if err := c.SetBaseURL("mailto:x@example.org"); err == nil {
		t.Errorf("SetBaseURL(%q) = nil; want error", "mailto:x@example.org")
	}
	if c.BaseURL != "http://localhost:1313/" {
		t.Errorf("after a failed SetBaseURL, BaseURL = %q; want it unchanged", c.BaseURL)
	}
}

func TestArticlePath(t *testing.T) {
	manila, err := time.LoadLocation("Asia/Manila")
	if err != nil {
		t.Fatal(err)
	}
	date := time.Date(2017, 5, 31, 7, 0, 0, 0, manila)
	for _, tt := range []struct {
		permalink, slug, want string
	}{
		{"", "envoy-named", "/2017/05/31/envoy-named/"},
		{"/:year/:month/:day/:slug/", "envoy", "/2017/05/31/envoy/"},
		{"/news/:year/:slug/", "envoy", "/news/2017/envoy/"},
		{"/:slug/", "société-générale", "/société-générale/"},
		{"/:year/:month/:slug/", "x", "/2017/05/x/"},
	} {
		c, err := Parse([]byte("permalink: \"" + tt.permalink + "\"\n"))
		if err != nil {
			t.Errorf("permalink %q: %v", tt.permalink, err)
			continue
		}
		if got := c.ArticlePath(tt.slug, date); got != tt.want {
			t.Errorf("permalink %q: ArticlePath(%q, %v) = %q; want %q", tt.permalink, tt.slug, date, got, tt.want)
		}
	}

	// The date is used as given: the caller puts it in the site's zone.
	c := Default()
	late := time.Date(2016, 11, 30, 23, 0, 0, 0, time.UTC)
	if got, want := c.ArticlePath("x", late.In(manila)), "/2016/12/01/x/"; got != want {
		t.Errorf("ArticlePath(%q, %v) = %q; want %q", "x", late.In(manila), got, want)
	}
}

func TestAbsURL(t *testing.T) {
	for _, tt := range []struct {
		base, path, want string
	}{
		{"https://digest.example.org/", "/", "https://digest.example.org/"},
		{"https://digest.example.org/", "/2017/05/31/envoy/", "https://digest.example.org/2017/05/31/envoy/"},
		{"https://digest.example.org", "/feed.xml", "https://digest.example.org/feed.xml"},
		{"https://digest.example.org/", "feed.xml", "https://digest.example.org/feed.xml"},
		// A root-relative URL is from the host's root, as the site's URLs
		// already start with the base path; a relative one is from the
		// base URL.
		{"https://example.org/news", "/news/tags/us/", "https://example.org/news/tags/us/"},
		{"https://example.org/news/", "tags/us/", "https://example.org/news/tags/us/"},
		{"https://example.org/news/", "/", "https://example.org/"},
		{"http://127.0.0.1:8080/a/b/", "/a/b/feed.xml", "http://127.0.0.1:8080/a/b/feed.xml"},
	} {
		c := Default()
		if err := c.SetBaseURL(tt.base); err != nil {
			t.Fatal(err)
		}
		if got := c.AbsURL(tt.path); got != tt.want {
			t.Errorf("base %q: AbsURL(%q) = %q; want %q", tt.base, tt.path, got, tt.want)
		}
	}
}

func TestBasePath(t *testing.T) {
	for _, tt := range []struct {
		base, path string
		urls       map[string]string // site path → URL
	}{
		{"https://digest.example.org/", "/", map[string]string{
			"/": "/", "/tags/": "/tags/", "tags/": "/tags/", "/feed.xml": "/feed.xml", "": "/",
		}},
		{"https://digest.example.org", "/", map[string]string{"/archive/": "/archive/"}},
		{"https://someone.github.io/my-digest/", "/my-digest/", map[string]string{
			"/": "/my-digest/", "": "/my-digest/", "/tags/": "/my-digest/tags/", "tags/": "/my-digest/tags/",
			"/2017/05/31/envoy/": "/my-digest/2017/05/31/envoy/", "/search.js": "/my-digest/search.js",
		}},
		{"https://someone.github.io/my-digest", "/my-digest/", map[string]string{"/style.css": "/my-digest/style.css"}},
		{"http://127.0.0.1:1313/a/b/", "/a/b/", map[string]string{"/404.html": "/a/b/404.html"}},
		{"https://example.org/caf%C3%A9/", "/caf%C3%A9/", map[string]string{"/x/": "/caf%C3%A9/x/"}},
	} {
		c := Default()
		if err := c.SetBaseURL(tt.base); err != nil {
			t.Fatal(err)
		}
		if c.Path != tt.path {
			t.Errorf("base %q: Path = %q; want %q", tt.base, c.Path, tt.path)
		}
		for in, want := range tt.urls {
			got := c.URL(in)
			if got != want {
				t.Errorf("base %q: URL(%q) = %q; want %q", tt.base, in, got, want)
			}
			if back, want := c.SitePath(got), "/"+strings.TrimPrefix(in, "/"); back != want {
				t.Errorf("base %q: SitePath(%q) = %q; want %q", tt.base, got, back, want)
			}
			if abs, want := c.AbsURL(got), strings.TrimSuffix(c.BaseURL, "/")+strings.TrimPrefix(got, c.Path[:len(c.Path)-1]); abs != want {
				t.Errorf("base %q: AbsURL(%q) = %q; want %q", tt.base, got, abs, want)
			}
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, raw := range []string{
		"digest.example.org", "/my-digest/", "ftp://example.org/", "https:///x/",
		"https://example.org/?page=1", "https://example.org/x/#top",
	} {
		_, err := Parse([]byte("base_url: \"" + raw + "\"\n"))
		if err == nil || !strings.HasPrefix(err.Error(), File+":1:") || !strings.Contains(err.Error(), "base_url") {
			t.Errorf("base_url %q: error %v; want one naming base_url at line 1", raw, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(fullSite))
	for _, tt := range append(parseErrorTests, outputsErrorTests...) {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte("tag_aliases: {a: b, c: d}\nparams: {x: [1, 2, {y: z}]}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("tag_aliases:\n  A: B\n  b: C\n  c: D\n  E: a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), File) {
				t.Errorf("Parse(%q) error %q does not start with %q", data, err, File)
			}
			checkDiag(t, err)
			return
		}
		if c.Location == nil || c.PageSize <= 0 || c.FeedSize <= 0 || !strings.HasSuffix(c.BaseURL, "/") {
			t.Errorf("Parse(%q) = %+v; want a filled-in configuration", data, c)
		}
		if checkPermalink(c.Permalink) != nil {
			t.Errorf("Parse(%q) kept permalink %q", data, c.Permalink)
		}
		for _, s := range []string{c.Title, c.Description, c.Author, c.Language} {
			if i, r, _ := chars.Find(s); i >= 0 {
				t.Errorf("Parse(%q) kept %U in %q", data, r, s)
			}
		}
		// Chains are followed to their end: no tag stands for a synonym.
		synonyms := map[string]bool{}
		for from, to := range c.TagAliases {
			if slug.Make(from) != slug.Make(to) {
				synonyms[slug.Make(from)] = true
			}
		}
		for from, to := range c.TagAliases {
			if slug.Make(to) == "" || synonyms[slug.Make(to)] {
				t.Errorf("Parse(%q): tag alias %q: %q is not the end of its chain", data, from, to)
			}
		}
	})
}

func TestAbsURLEscapes(t *testing.T) {
	c, err := Parse([]byte("base_url: https://example.org/news/"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, want string }{
		{"/news/", "https://example.org/news/"},
		{"/news/tags/north-korea/", "https://example.org/news/tags/north-korea/"},
		{"/news/tags/café/", "https://example.org/news/tags/caf%C3%A9/"},
		{"/news/tags/caf%C3%A9/", "https://example.org/news/tags/caf%C3%A9/"},
		{"/news/a b/<x>/", "https://example.org/news/a%20b/%3Cx%3E/"},
		{"/news/tags/中国/", "https://example.org/news/tags/%E4%B8%AD%E5%9B%BD/"},
		{"tags/中国/", "https://example.org/news/tags/%E4%B8%AD%E5%9B%BD/"},
	} {
		if got := c.AbsURL(tt.in); got != tt.want {
			t.Errorf("AbsURL(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
