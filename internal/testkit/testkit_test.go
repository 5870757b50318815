package testkit

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

func TestFirstDiff(t *testing.T) {
	tests := []struct{ got, want, diff string }{
		{"a\nb\n", "a\nb\n", "(same lines)"},
		{"a\nb\nc", "a\nB\nc", "line 2:\n got: \"b\"\nwant: \"B\""},
		{"a\n", "a", "line 2:\n got: \"\"\nwant: \"\""},
		{"a", "a\nb", "line 2:\n got: \"\"\nwant: \"b\""},
	}
	for _, tt := range tests {
		if got := FirstDiff([]byte(tt.got), []byte(tt.want)); got != tt.diff {
			t.Errorf("FirstDiff(%q, %q) = %q; want %q", tt.got, tt.want, got, tt.diff)
		}
	}
}

// recorder keeps the errors a check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestGolden(t *testing.T) {
	golden := filepath.Join(t.TempDir(), "page.html")
	WriteFile(t, golden, "<p>one</p>\n<p>two</p>\n")
	for _, tt := range []struct{ got, want string }{
		{"<p>one</p>\n<p>two</p>\n", ""},
		{"<p>one</p>\n<p>2</p>\n", "page.html differs (go test -update to accept):\nline 2:\n got: \"<p>2</p>\"\nwant: \"<p>two</p>\""},
		{"<p>one</p>\n<p>two</p>", "page.html differs (go test -update to accept):\nline 3:\n got: \"\"\nwant: \"\""},
	} {
		r := &recorder{TB: t}
		Golden(r, golden, []byte(tt.got))
		if got := strings.Join(r.errs, "\n"); !strings.HasSuffix(got, tt.want) || (got == "") != (tt.want == "") {
			t.Errorf("Golden(%q) reports %q; want %q", tt.got, got, tt.want)
		}
	}
}

func TestGoldenArchive(t *testing.T) {
	golden := filepath.Join(t.TempDir(), "site.golden.txtar")
	WriteFile(t, golden, "-- a.html --\na\n-- b.html --\nb\n")
	file := func(name, data string) txtar.File { return txtar.File{Name: name, Data: []byte(data)} }
	for _, tt := range []struct {
		name string
		got  *txtar.Archive
		want []string
	}{
		{"same", &txtar.Archive{Files: []txtar.File{file("a.html", "a"), file("b.html", "b\n")}}, nil},
		{"changed", &txtar.Archive{Files: []txtar.File{file("a.html", "a"), file("b.html", "B")}}, []string{"b.html differs"}},
		{"extra and missing", &txtar.Archive{Files: []txtar.File{file("a.html", "a"), file("c.html", "b")}}, []string{"unexpected file c.html", "missing file b.html"}},
		{"order", &txtar.Archive{Files: []txtar.File{file("b.html", "b"), file("a.html", "a")}}, []string{"site.golden.txtar differs"}},
		{"comment", &txtar.Archive{Comment: []byte("x\n"), Files: []txtar.File{file("a.html", "a"), file("b.html", "b")}}, []string{"site.golden.txtar differs"}},
	} {
		r := &recorder{TB: t}
		GoldenArchive(r, golden, tt.got)
		if len(r.errs) != len(tt.want) {
			t.Errorf("%s: GoldenArchive reports %q; want %d errors", tt.name, r.errs, len(tt.want))
			continue
		}
		for i, want := range tt.want {
			if !strings.Contains(r.errs[i], want) {
				t.Errorf("%s: error %q lacks %q", tt.name, r.errs[i], want)
			}
		}
	}
}

func TestReadSite(t *testing.T) {
	file := filepath.Join(t.TempDir(), "case.txtar")
	WriteFile(t, file, "About the case.\n-- content/a.md --\nhello\n-- want --\nan error\n-- warnings --\n")
	ar, site, expected := ReadSite(t, file, "want", "warnings")
	if string(ar.Comment) != "About the case.\n" || len(ar.Files) != 3 {
		t.Errorf("archive = %q with %d files; want the comment and 3 files", ar.Comment, len(ar.Files))
	}
	if len(site) != 1 || string(site["content/a.md"].Data) != "hello\n" {
		t.Errorf("site = %v; want content/a.md alone", site)
	}
	if len(expected) != 2 || expected["want"] != "an error\n" || expected["warnings"] != "" {
		t.Errorf("expected = %q; want want and an empty warnings", expected)
	}
	_, site, expected = ReadSite(t, file)
	if len(site) != 3 || len(expected) != 0 {
		t.Errorf("with nothing apart: site has %d files, expected %d; want 3 and 0", len(site), len(expected))
	}
}

func TestWriteFileReadTree(t *testing.T) {
	dir := t.TempDir()
	WriteFile(t, filepath.Join(dir, "a", "b", "c.txt"), "c")
	WriteFile(t, filepath.Join(dir, "d.txt"), "d")
	got := ReadTree(t, dir)
	if len(got) != 2 || got["a/b/c.txt"] != "c" || got["d.txt"] != "d" {
		t.Errorf("ReadTree = %q; want a/b/c.txt and d.txt", got)
	}
}

func TestTimes(t *testing.T) {
	if got, want := Time(t, "2017-05-31T10:04:00+08:00"), time.Date(2017, 5, 31, 2, 4, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Time = %v; want %v", got, want)
	}
	manila := time.FixedZone("PHT", 8*3600)
	if got, want := LocalTime(t, manila, "2017-05-31 10:04"), time.Date(2017, 5, 31, 10, 4, 0, 0, manila); !got.Equal(want) {
		t.Errorf("LocalTime = %v; want %v", got, want)
	}
}

func TestTheme(t *testing.T) {
	if _, err := os.Stat(filepath.Join(Root(), "go.mod")); err != nil {
		t.Errorf("Root() = %s, without go.mod: %v", Root(), err)
	}
	for _, name := range []string{"base.html", "static/style.css"} {
		if _, err := fs.Stat(Theme(), name); err != nil {
			t.Errorf("the theme lacks %s: %v", name, err)
		}
	}
}

func TestUpdateWrites(t *testing.T) {
	defer func(was bool) { *update = was }(*update)
	*update = true
	dir := t.TempDir()
	Golden(t, filepath.Join(dir, "page.html"), []byte("<p>new</p>\n"))
	GoldenArchive(t, filepath.Join(dir, "site.golden.txtar"), &txtar.Archive{Files: []txtar.File{{Name: "a.html", Data: []byte("a")}}})
	if got, want := ReadTree(t, dir), map[string]string{"page.html": "<p>new</p>\n", "site.golden.txtar": "-- a.html --\na\n"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("-update wrote %q; want %q", got, want)
	}
}
