package inbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadRejected(t *testing.T) {
	t.Parallel()
	const file = "# comment\n" +
		"\n" +
		"https://www.Example.org/story?utm_source=x\tA headline\twith a tab\n" +
		"   http://example.org/b   \n" +
		"https://example.org/typed by hand\n" +
		"ftp://example.org/c\tnot the web\n" +
		"  # an indented comment\n"
	rej, problems, err := ReadRejected("rejected.txt", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := []Rejection{
		{URL: "https://www.example.org/story", Headline: "A headline\twith a tab", Line: 3},
		{URL: "http://example.org/b", Line: 4},
		{URL: "https://example.org/typed", Headline: "by hand", Line: 5},
	}
	if !slices.Equal(rej.List, want) {
		t.Errorf("ReadRejected = %+v; want %+v", rej.List, want)
	}
	const wantProblem = `rejected.txt:6:1: "ftp://example.org/c" is not a web address: it must start with http:// or https://`
	if problems.Error() != wantProblem {
		t.Errorf("ReadRejected problems = %v; want %s", problems, wantProblem)
	}
	for _, u := range []string{"http://example.org/story#x", "https://example.org/b", "https://EXAMPLE.org:443/b?fbclid=1"} {
		if !rej.Has(u) {
			t.Errorf("Has(%q) = false; want true", u)
		}
	}
	for _, u := range []string{"https://example.org/", "https://example.org/story?id=2", "not a url"} {
		if rej.Has(u) {
			t.Errorf("Has(%q) = true; want false", u)
		}
	}
}

func TestAppendRejected(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, RejectedFile)
	added, err := AppendRejected(file, []Rejection{
		{URL: "https://www.example.org/a?utm_medium=rss", Headline: " A \n headline "},
		{URL: "http://example.org/b"},
		{URL: "https://example.org/a"}, // the first, compared by key
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 2 {
		t.Errorf("AppendRejected added %+v; want the first two", added)
	}
	// A file edited by hand, without its last newline.
	b, _ := os.ReadFile(file)
	if err := os.WriteFile(file, append(b, "https://example.org/by-hand"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := AppendRejected(file, []Rejection{{URL: "https://example.org/by-hand"}, {URL: "https://example.org/c", Headline: "C"}}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(file)
	want := rejectedHeader +
		"https://www.example.org/a\tA headline\n" +
		"http://example.org/b\n" +
		"https://example.org/by-hand\n" +
		"https://example.org/c\tC\n"
	if string(got) != want {
		t.Errorf("rejected.txt =\n%s\nwant\n%s", got, want)
	}
	rej, problems, err := LoadRejected(fstest.MapFS{RejectedFile: &fstest.MapFile{Data: got}})
	if err != nil || len(problems) > 0 || len(rej.List) != 4 {
		t.Errorf("LoadRejected = %+v, %v, %v; want 4 stories", rej, problems, err)
	}
	if _, err := AppendRejected(file, []Rejection{{URL: "mailto:x@example.org"}}); err == nil {
		t.Error("AppendRejected(mailto:) succeeded; want an error")
	}
	rej, _, err = LoadRejected(fstest.MapFS{})
	if err != nil || len(rej.List) != 0 {
		t.Errorf("LoadRejected of a site without the file = %+v, %v; want nothing", rej, err)
	}
}
