package generator

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/digest/digest/generator/chars"
)

// junk is one of every kind of character no output may hold but which a
// content file may (see package chars): C0 controls but tab, line feed
// and carriage return, DEL, C1 controls and noncharacters.
var junk = strings.Join([]string{
	"\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f",
	"\u0080", "\u0085", "\u009b", "\u009f",
	"\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff",
}, "")

// hostileSite has junk in every string a curator writes: raw in YAML
// front matter and bodies, as escapes in site.yaml and in YAML, JSON and
// TOML front matter, and as character references in Markdown.
func hostileSite() fstest.MapFS {
	j := junk
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"site.yaml": file(`title: "Site \e\x01\x0c\x7f\x85\x9b\uFFFE\uFFFF\0 end"
description: "Description \e\a\b\v\f\0"
author: "Curator \x1f\N\uFDD0"
base_url: https://example.org/
tag_aliases:
  "Alias \e": "Target \x01 tag"
params:
  note: "Note \e"
`),
		"content/2017/05/raw.md": file(`---
title: Title ` + j + ` end
date: 2017-05-31
tags: [Tag ` + j + ` one, "` + j + `Two", Alias ` + "\x1b" + `]
source: Source ` + j + `
source_url: https://example.org/story
author: Author ` + j + `
summary: Summary ` + j + `
image: /images/x.png
image_alt: Alt ` + j + `
image_credit: Credit ` + j + `
slug: slug-` + j + `-x
aliases: [/old/raw/]
custom: Param ` + j + `
nested: {key` + j + `: [` + j + `]}
---
Body ` + j + ` with references &#x1b; &#1; &#x7f; &#x85; &#xfffe; &#xffff; &#xFDD0; &#0; &#xd800;
and ` + "`code " + j + "`" + ` and [a link ` + j + `](/x "title ` + j + `").

# Heading ` + j + `

| cell ` + j + ` |
| --- |
| &#x1b; |
`),
		"content/2017/05/summary.md": file(`---
title: Summary from the body
date: 2017-05-30
---
First paragraph ` + j + ` &#x1b; is the summary.
`),
		"content/2017/05/yaml-escapes.md": file(`---
title: "Escapes \e\a\b\v\f\0\x7f\x85\x9b\uFFFE\uFFFF\U0010FFFF\N end"
date: 2017-05-29
tags: ["Esc \e"]
author: "\x01 Author"
summary: "\e summary"
custom: ["\e"]
---
Body.
`),
		"content/2017/05/json.md": file(`{
  "title": "JSON \u001b\u0000\ud800\udfff\ufffe\u007f\u0085 end",
  "date": "2017-05-28",
  "tags": ["J \u0001 tag"],
  "summary": "\u001f summary",
  "custom": {"key\u001b": ["\u0085", 1]}
}
Body \u001b stays text.
`),
		"content/2017/05/toml.md": file(`+++
title = "TOML \u001B\u0000 \uFFFE \u007F end"
date = 2017-05-27
tags = ["T \u0001 tag"]
author = "\u0085"
[[table]]
key = "\u001b"
+++
Body.
`),
		"content/pages/about.md": file(`---
title: About ` + j + `
summary: "About \e"
---
About ` + j + ` &#x1b;.
`),
	}
}

// TestHostileBytes builds a site with junk everywhere and checks that
// every feed and sitemap is well-formed XML, every JSON file valid JSON,
// and that no file holds a character package chars forbids.
func TestHostileBytes(t *testing.T) {
	out, stats, err := build(t, hostileSite())
	if err != nil {
		t.Fatalf("build failed:\n%v", err)
	}
	if len(stats.Warnings) == 0 {
		t.Error("no warning about the replaced characters")
	}
	kinds := map[string]int{}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for name := range out.files {
			if !yield(name) {
				return
			}
		}
	}) {
		data := out.files[name]
		ext := path.Ext(name)
		kinds[ext]++
		switch ext {
		case ".svg", ".png", ".jpg", ".woff2":
			continue
		case ".xml":
			if err := wellFormed(data); err != nil {
				t.Errorf("%s is not well-formed XML: %v", name, err)
			}
		case ".json":
			if !json.Valid(data) {
				t.Errorf("%s is not valid JSON", name)
			}
		}
		if !utf8.Valid(data) {
			t.Errorf("%s is not UTF-8", name)
		}
		if i, r, _ := chars.FindBytes(data); i >= 0 {
			t.Errorf("%s holds %U at byte %d: %q", name, r, i, data[max(0, i-40):min(len(data), i+40)])
		}
	}
	for _, ext := range []string{".html", ".xml", ".json"} {
		if kinds[ext] == 0 {
			t.Errorf("the build wrote no %s file; files: %v", ext, kinds)
		}
	}
}

// wellFormed parses data with encoding/xml in strict mode.
func wellFormed(data []byte) error {
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestLongNames builds a site whose headlines, tags and source are far
// longer than a file name may be, and checks that every output's path has
// parts a file system accepts (NAME_MAX, 255 bytes), and that long names
// sharing a beginning keep their own pages.
func TestLongNames(t *testing.T) {
	japanese := strings.Repeat("北朝鮮の核実験について", 9)[:98*3] // 98 characters
	long := strings.Repeat("Long tag ", 1200)           // 10 KB
	article := func(title, tag string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: 2017-05-31\ntags: [\"" + tag + "\"]\nsource: " + long + "\n---\nBody.\n")}
	}
	out, stats, err := build(t, fstest.MapFS{
		"content/a.md": article(japanese+"北", long+"one"),
		"content/b.md": article(japanese+"南", long+"two"),
	})
	if err != nil {
		t.Fatalf("build failed:\n%v", err)
	}
	if stats.Articles != 2 || stats.Tags != 2 {
		t.Errorf("built %d articles and %d tags; want 2 and 2", stats.Articles, stats.Tags)
	}
	articles, tags := 0, 0
	for name := range out.files {
		for _, part := range strings.Split(name, "/") {
			if len(part) > 255 {
				t.Errorf("%.120s… has a part of %d bytes", name, len(part))
			}
		}
		if strings.HasPrefix(name, "2017/05/31/北朝鮮") && strings.HasSuffix(name, "/index.html") {
			articles++
		}
		if strings.HasPrefix(name, "tags/long-tag-") && strings.HasSuffix(name, "/index.html") {
			tags++
		}
	}
	if articles != 2 || tags != 2 {
		t.Errorf("%d article pages and %d tag pages; want 2 and 2", articles, tags)
	}
}
