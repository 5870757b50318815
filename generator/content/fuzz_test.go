package content

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/chars"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/slug"
	"github.com/digest/digest/internal/testkit"
)

// seeds adds every Markdown file of the fixtures and the table tests to the
// fuzzer's corpus.
func seeds(f *testing.F) {
	files, err := filepath.Glob("testdata/bad/*.txtar")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		ar, _, _ := testkit.ReadSite(f, file)
		for _, af := range ar.Files {
			if strings.HasSuffix(af.Name, ".md") {
				f.Add(af.Data)
			}
		}
	}
	for _, tt := range formatTests {
		f.Add([]byte(tt.src))
	}
	for _, s := range []string{
		article("tags: [North Korea, US]", "source_url: https://example.org/", "aliases: /old/"),
		article("date: 2016-11-30T18:00:00-05:00", "draft: true"),
		"+++\ntitle = \"x\"\ndate = 15:04:05\n[t]\na = 1\n[[u]]\nb = 2\n+++\n",
		"{\n\"title\": \"x\", \"date\": \"2017-05-31\", \"n\": 1e400}\n\n",
		"---\n<<: &a {title: x}\ndate: *a\n---\n",
		"---\n? [a, b]\n: c\ntitle: x\ndate: 2017-05-31\n---\n",
		"---\ntitle: x\ndate: 2017-05-31\n...\n---\n",
		"\ufeff---\ntitle: x\ndate: 2017-05-31\n---\n",
		"---\r\ntitle: x\r\ndate: 2017-05-31\r\n---\r\n",
		"{\"title\": \"x\u001b\", \"date\": \"2017-05-31\"}\nBody\x1b\n",
		"{\n\"title\": \"x\",\n\"date\": \"2017-05-31\",\n\"p\": {\n\"q\": 1\n}\n}\nBody\n",
		"---\ntitle: \"x\\e\\0\"\ndate: 2017-05-31\nimage: JaVaScRiPt:alert(1)\n---\nBody \x01\u0085\ufffe &#x1b;\n",
		"---\ntitle: x\ndate: 2017-05-31\nimage: \"java\\tscript:x\"\nsource_url: https://example.org/\n---\n\xff\n",
		"+++\ntitle = \"x\\u0000\"\ndate = 0000-01-01\n+++\n",
		"---\ntitle: " + strings.Repeat("北", 120) + "\ndate: 2017-05-31\ntags: [" + strings.Repeat("t", 300) + "]\n---\n",
	} {
		f.Add([]byte(s))
	}
}

// checkWarnings checks that every warning names file and a line.
func checkWarnings(t *testing.T, file string, warnings diag.List) {
	t.Helper()
	for _, w := range warnings {
		if w.File != file || w.Line < 1 {
			t.Errorf("warning %q names %s:%d; want %s and a line", w, w.File, w.Line, file)
		}
	}
}

// checkError checks that err is a diag.List or *diag.Diagnostic whose every
// line names file.
func checkError(t *testing.T, file string, err error) {
	t.Helper()
	var list diag.List
	var d *diag.Diagnostic
	if !errors.As(err, &list) && !errors.As(err, &d) {
		t.Fatalf("error is a %T; want a diag.List or *diag.Diagnostic: %v", err, err)
	}
	if len(list) > 0 && list[0] == nil {
		t.Fatalf("error list holds nil: %v", list)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(line, file+":") {
			t.Errorf("error line %q does not start with %q", line, file+":")
		}
	}
}

func FuzzParseArticle(f *testing.F) {
	seeds(f)
	const file = "content/a.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		a, warnings, err := ParseArticle(file, src, manila)
		checkWarnings(t, file, warnings)
		if err != nil {
			checkError(t, file, err)
			return
		}
		if a == nil {
			t.Fatal("ParseArticle returned neither an article nor an error")
		}
		if a.Title == "" || a.Slug == "" || slug.Make(a.Slug) != a.Slug {
			t.Errorf("article with title %q and slug %q; want both, the slug a slug", a.Title, a.Slug)
		}
		if a.Date.IsZero() || a.Date.Location() != manila {
			t.Errorf("article dated %v; want a date in %v", a.Date, manila)
		}
		// The body is the end of the file, cleaned of the characters no
		// output may hold.
		if body := bodyOf(t, a.Markdown); a.BodyLine < 1 || !bytes.HasSuffix(chars.CleanBytes(src), []byte(body)) {
			t.Errorf("body %q on line %d; want the end of the file", body, a.BodyLine)
		}
		if !utf8.Valid(src) || bytes.IndexByte(src, 0) >= 0 {
			t.Errorf("a file that is not UTF-8 text was read")
		}
		text := []string{a.Title, a.Source, a.SourceURL, a.Author, a.Summary, a.Image, a.ImageAlt, a.ImageCredit, a.Slug}
		text = append(append(text, a.Tags...), a.Aliases...)
		for _, s := range appendStrings(text, a.Params) {
			if i, r, _ := chars.Find(s); i >= 0 {
				t.Errorf("%q holds %U", s, r)
			}
		}
		for _, u := range []string{a.SourceURL, a.Image} {
			if u != "" && urlProblem(u, true) != "" {
				t.Errorf("URL %q accepted: %s", u, urlProblem(u, true))
			}
		}
		for _, tag := range a.Tags {
			if slug.Make(tag) == "" {
				t.Errorf("tag %q has an empty slug", tag)
			}
		}
		for _, alias := range a.Aliases {
			if !strings.HasPrefix(alias, "/") || !strings.HasSuffix(alias, "/") || alias == "/" {
				t.Errorf("alias %q is not a site path", alias)
			}
		}
	})
}

func FuzzParsePage(f *testing.F) {
	seeds(f)
	const file = "content/pages/about.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		p, _, err := ParsePage(file, src)
		if err != nil {
			checkError(t, file, err)
			return
		}
		if p.Title == "" || p.Name != "about" {
			t.Errorf("page %+v; want a title and the name about", p)
		}
		for _, s := range appendStrings([]string{p.Title, p.Summary, bodyOf(t, p.Markdown)}, p.Params) {
			if i, r, _ := chars.Find(s); i >= 0 {
				t.Errorf("%q holds %U", s, r)
			}
		}
	})
}

// FuzzParseDate checks that a date read is one instant, whatever the
// form: it reads back the same from RFC 3339, and surrounding space
// changes nothing.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2017-05-31", "2017-05-31 10:04", "2017-05-31 10:04:05", "2017-05-31T10:04",
		"2017-05-31T10:04:05", "2017-05-31T10:04:00+08:00", "2017-05-31T10:04:00.123456789Z",
		" 2017-05-31 ", "0000-01-01", "9999-12-31T23:59:59-23:59", "1899-05-31 00:00",
		"2017-02-29", "2017-05-31T24:00", "May 31st", "2017-05-31 10:04:05 +0800",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s, manila)
		if !ok {
			if !d.IsZero() {
				t.Errorf("ParseDate(%q) failed but returned %v", s, d)
			}
			return
		}
		again, ok := ParseDate(d.UTC().Format(time.RFC3339Nano), manila)
		if !ok || !again.Equal(d) {
			t.Errorf("ParseDate(%q) = %v, which reads back as %v, %v", s, d, again, ok)
		}
		if spaced, ok := ParseDate(" \t"+s+"\n", manila); !ok || !spaced.Equal(d) {
			t.Errorf("ParseDate(%q) = %v; with spaces around it, %v, %v", s, d, spaced, ok)
		}
	})
}

// FuzzParseIssue checks that any issue file gives an issue with a number
// and a date, every reference with its line in the file, or errors that
// name the file.
func FuzzParseIssue(f *testing.F) {
	seeds(f)
	f.Add([]byte("---\ndate: 2017-06-04\nlead: a.md\narticles: [a.md, /2017/x/]\nsections:\n  - title: One\n    tag: x\n  - title: Two\n    articles: [a.md]\n---\nIntro.\n"))
	f.Add([]byte("---\nnumber: 3\ndate: 2017-06-04T10:00:00Z\nsections: by tag\n---\n"))
	const file = "content/issues/12.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		is, warnings, err := ParseIssue(file, src, manila)
		checkWarnings(t, file, warnings)
		if err != nil {
			checkError(t, file, err)
			return
		}
		if is.Number < 1 || is.Date.IsZero() || is.NumberLine < 1 || is.DateLine < 1 {
			t.Errorf("issue %d dated %v (lines %d, %d); want a number, a date and their lines", is.Number, is.Date, is.NumberLine, is.DateLine)
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		refs := slices.Clone(is.Articles)
		if is.Lead != nil {
			refs = append(refs, *is.Lead)
		}
		for _, s := range is.Sections {
			refs = append(refs, s.Articles...)
		}
		for _, r := range refs {
			if r.Name == "" || r.Line < 1 || r.Line > lines {
				t.Errorf("reference %q on line %d of %d; want a name on a line of the file", r.Name, r.Line, lines)
			}
		}
	})
}

// FuzzYAMLText checks that yamlText gives, for every node it takes, what
// yaml.v3's Decode gives.
func FuzzYAMLText(f *testing.F) {
	for _, s := range []string{
		"a: x\nb: 'x'\nc: \"x\"\nd: !!str 12\ne: 12\nf: true\ng: ~\nh: 2017-05-31\ni: |\n  x\n",
		"tags:\n  - a\n  - 'b'\n  - 3\nt2: [a, b]\nt3: []\nt4: !!seq [a]\nt5: !x [a]\nt6: [a, [b]]\n",
		"a: &x y\nb: *x\nc: [*x, z]\nd: !x y\ne: !!binary aGk=\nf: ! 12\ng: !<tag:yaml.org,2002:str> 1\n",
		"<<: {a: b}\nk: <<\nn: null\no: 0x1F\np: .inf\nq: 1e3\nr: ''\ns: -\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil {
			return
		}
		var check func(n *yaml.Node, depth int)
		check = func(n *yaml.Node, depth int) {
			if n == nil || depth > 20 {
				return
			}
			if got, ok := yamlText(n); ok {
				var want any
				if err := n.Decode(&want); err != nil {
					t.Fatalf("yamlText(%q) = %#v, but Decode fails: %v", n.Value, got, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("yamlText of node %q (kind %d, tag %s) = %#v; Decode gives %#v", n.Value, n.Kind, n.Tag, got, want)
				}
			}
			for _, c := range n.Content {
				check(c, depth+1)
			}
		}
		check(&doc, 0)
	})
}
