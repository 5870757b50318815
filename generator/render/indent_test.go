package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestTrimIndent(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"<p>x</p>", "<p>x</p>"},
		{"<ul>\n  <li>a</li>\n\t<li>b</li>\n</ul>\n", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"a\n   \n  b", "a\n\nb"},
		{"  lead", "  lead"}, // only after a line break
		{"<p>one  two</p>", "<p>one  two</p>"},
		{"<pre>\n  code\n    more</pre>\n  <p>x</p>", "<pre>\n  code\n    more</pre>\n<p>x</p>"},
		{"<PRE class=x>\n  code\n</Pre>\n  y", "<PRE class=x>\n  code\n</Pre>\ny"},
		{"<div>\n  <pre><code>\n  if x {\n    y\n  }\n</code></pre>\n  </div>", "<div>\n<pre><code>\n  if x {\n    y\n  }\n</code></pre>\n</div>"},
		{"<textarea>\n  keep\n</textarea>", "<textarea>\n  keep\n</textarea>"},
		{"<script>\n  var a = `\n  b`;\n</script>\n  <p>", "<script>\n  var a = `\n  b`;\n</script>\n<p>"},
		{"<style>\n  p {}\n</style>", "<style>\n  p {}\n</style>"},
		{"<preface>\n  x", "<preface>\nx"}, // not pre
		{"<pre>\n  unclosed", "<pre>\n  unclosed"},
		{"<script>\n  if (a </b) {}\n  x</script>\n  y", "<script>\n  if (a </b) {}\n  x</script>\ny"},
		{"<", "<"},
		{"<pre", "<pre"},
	} {
		got := string(trimIndent([]byte(tt.in)))
		if got != tt.want {
			t.Errorf("trimIndent(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

var spaceRun = regexp.MustCompile(`[ \t\n]+`)

// FuzzTrimIndent checks that a page keeps its text and tags: with every
// run of white space made one space, outside the raw elements, it reads the
// same before and after, and trimming twice changes nothing more.
func FuzzTrimIndent(f *testing.F) {
	f.Add([]byte("<ul>\n  <li>a</li>\n</ul>"))
	f.Add([]byte("<pre>\n  x\n</pre>\n  <p>y</p>"))
	f.Add([]byte("<script>\n </script>\n \t<style>\n </STYLE>"))
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		got := trimIndent(in)
		if len(got) > len(orig) {
			t.Fatalf("trimIndent(%q) = %q is longer", orig, got)
		}
		if strings.Contains(strings.ToLower(string(orig)), "<pre") || strings.Contains(strings.ToLower(string(orig)), "<textarea") ||
			strings.Contains(strings.ToLower(string(orig)), "<script") || strings.Contains(strings.ToLower(string(orig)), "<style") {
			if !bytes.Equal(trimIndent(bytes.Clone(got)), got) {
				t.Errorf("trimIndent is not idempotent on %q", orig)
			}
			return
		}
		if a, b := spaceRun.ReplaceAllString(string(orig), " "), spaceRun.ReplaceAllString(string(got), " "); a != b {
			t.Errorf("trimIndent(%q) = %q: the text differs beyond white space", orig, got)
		}
		if !bytes.Equal(trimIndent(bytes.Clone(got)), got) {
			t.Errorf("trimIndent is not idempotent on %q", orig)
		}
	})
}
