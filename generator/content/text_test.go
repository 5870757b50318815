package content

import (
	"strconv"
	"strings"
	"testing"

	"github.com/digest/digest/generator/chars"
)

// TestNotText checks that bytes that are not UTF-8, and NUL, are an error
// at their line and column, wherever they are in the file.
func TestNotText(t *testing.T) {
	const head = "---\ntitle: T\ndate: 2017-05-31\n---\n"
	for _, tt := range []struct {
		src, want string
	}{
		{head + "Body \xff.\n", "content/a.md:5:6: invalid UTF-8 (byte 0xff): save the file as UTF-8"},
		{"---\ntitle: Caf\xe9\ndate: 2017-05-31\n---\n", "content/a.md:2:11: invalid UTF-8 (byte 0xe9): save the file as UTF-8"},
		{"---\ntitle: T\ndate: 2017-05-31\ntags: [a\xc3]\n---\n", "content/a.md:4:9: invalid UTF-8 (byte 0xc3): save the file as UTF-8"},
		// A lone surrogate written as UTF-8 (WTF-8, CESU-8), an overlong
		// slash, a code point past U+10FFFF.
		{head + "x\xed\xa0\x80", "content/a.md:5:2: invalid UTF-8 (byte 0xed): save the file as UTF-8"},
		{head + "\xc0\xaf", "content/a.md:5:1: invalid UTF-8 (byte 0xc0): save the file as UTF-8"},
		{head + "\xf4\x90\x80\x80", "content/a.md:5:1: invalid UTF-8 (byte 0xf4): save the file as UTF-8"},
		// Only the first problem is reported: one is enough to say the
		// file is in another encoding.
		{head + "\x1b \xff \xfe", "content/a.md:5:3: invalid UTF-8 (byte 0xff): save the file as UTF-8"},
		{head + "a\x00b", "content/a.md:5:2: NUL byte: the file is not UTF-8 text (UTF-16? binary?); save it as UTF-8"},
		{"\xff\xfe-\x00-\x00-\x00", "content/a.md:1:1: invalid UTF-8 (byte 0xff): save the file as UTF-8"},
		{"---\ntitle: T\x00\n---\n", "content/a.md:2:9: NUL byte: the file is not UTF-8 text (UTF-16? binary?); save it as UTF-8"},
		{"{\"title\": \"\xff\", \"date\": \"2017-05-31\"}\n", "content/a.md:1:12: invalid UTF-8 (byte 0xff): save the file as UTF-8"},
	} {
		_, _, err := ParseArticle("content/a.md", []byte(tt.src), manila)
		if got := errText(err); got != tt.want {
			t.Errorf("ParseArticle(%q) error:\n%s\nwant:\n%s", tt.src, got, tt.want)
		}
		_, _, err = ParsePage("content/a.md", []byte(tt.src))
		if got := errText(err); got != tt.want {
			t.Errorf("ParsePage(%q) error:\n%s\nwant:\n%s", tt.src, got, tt.want)
		}
	}
}

// TestReplacedCharacters checks that control characters and
// noncharacters, written raw or as escapes in any front-matter format,
// become U+FFFD in every field and the body, with a warning at the first.
func TestReplacedCharacters(t *testing.T) {
	raw := "\x01\x1b\x7f\u0085\u009b\ufffe\uffff\ufdd0\U0010ffff"
	for _, tt := range []struct {
		name, src string
		warnings  []string
	}{
		{"raw", "---\ntitle: T" + raw + "\ndate: 2017-05-31\ntags: [a" + raw + "]\nauthor: " + raw + "A\nsummary: S" + raw + "\nimage_alt: \x0c\nimage_credit: \x0c\nsource: \x0c\nextra: {k" + raw + ": [v" + raw + "]}\n---\nBody" + raw + "\n",
			[]string{"content/a.md:2:9: control character U+0001 replaced with U+FFFD (and 65 more in the file)"}},
		{"yaml", "---\ntitle: \"T\\e\\x01\\uFFFE\"\ndate: 2017-05-31\ntags: [\"a\\e\"]\nauthor: \"\\x85A\"\nsummary: \"S\\0\"\nextra: {\"k\\e\": [\"v\\e\"]}\n---\nBody\n",
			[]string{
				"content/a.md:2:8: title: control character U+001B replaced with U+FFFD",
				"content/a.md:4:7: tags: control character U+001B replaced with U+FFFD",
				"content/a.md:5:9: author: control character U+0085 replaced with U+FFFD",
				"content/a.md:6:10: summary: control character U+0000 replaced with U+FFFD",
				"content/a.md:7:8: extra: control character U+001B replaced with U+FFFD",
			}},
		{"json", "{\"title\": \"T\\u001b\", \"date\": \"2017-05-31\", \"tags\": [\"a\\u0000\"],\n\"summary\": \"S\\ufffe\", \"extra\": {\"k\\u001b\": [\"v\\u007f\"]}}\nBody\n",
			[]string{
				"content/a.md:1:11: title: control character U+001B replaced with U+FFFD",
				"content/a.md:1:52: tags: control character U+0000 replaced with U+FFFD",
				"content/a.md:2:12: summary: noncharacter U+FFFE replaced with U+FFFD",
				"content/a.md:2:32: extra: control character U+001B replaced with U+FFFD",
			}},
		{"toml", "+++\ntitle = \"T\\u001b\"\ndate = 2017-05-31\ntags = [\"a\\u0000\"]\n[extra]\nk = \"v\\u007f\"\n+++\nBody\n",
			[]string{
				"content/a.md:2:9: title: control character U+001B replaced with U+FFFD",
				"content/a.md:4:8: tags: control character U+0000 replaced with U+FFFD",
				"content/a.md:5:2: extra: control character U+007F replaced with U+FFFD",
			}},
	} {
		a, warnings, err := ParseArticle("content/a.md", []byte(tt.src), manila)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []string
		for _, w := range warnings {
			got = append(got, w.Error())
		}
		if strings.Join(got, "\n") != strings.Join(tt.warnings, "\n") {
			t.Errorf("%s: warnings:\n%s\nwant:\n%s", tt.name, strings.Join(got, "\n"), strings.Join(tt.warnings, "\n"))
		}
		text := []string{a.Title, a.Author, a.Summary, a.Source, a.ImageAlt, a.ImageCredit, a.Slug, bodyOf(t, a.Markdown)}
		text = append(text, a.Tags...)
		text = appendStrings(text, a.Params)
		if !strings.Contains(a.Title, "\ufffd") {
			t.Errorf("%s: title %q; want U+FFFD in it", tt.name, a.Title)
		}
		for _, s := range text {
			if i, r, _ := chars.Find(s); i >= 0 {
				t.Errorf("%s: %q holds %U", tt.name, s, r)
			}
		}
	}
}

// appendStrings appends every string in a decoded value, keys too.
func appendStrings(to []string, v any) []string {
	switch v := v.(type) {
	case string:
		to = append(to, v)
	case []any:
		for _, e := range v {
			to = appendStrings(to, e)
		}
	case map[string]any:
		for k, e := range v {
			to = appendStrings(append(to, k), e)
		}
	}
	return to
}

// TestPageFileName checks that a page whose file name, its URL, holds a
// character no URL or folder should is an error.
func TestPageFileName(t *testing.T) {
	for _, name := range []string{"a\x1bb", "caf\xe9", "x\u0085"} {
		file := PagesDir + "/" + name + ".md"
		_, _, err := ParsePage(file, []byte("---\ntitle: T\n---\n"))
		// The diagnostic shows the control character as U+FFFD.
		want := chars.Clean(file) + ": the file name " + strconv.Quote(name) + " holds a control character or is not UTF-8; rename the file"
		if got := errText(err); got != want {
			t.Errorf("ParsePage(%q) error:\n%s\nwant:\n%s", file, got, want)
		}
	}
}
