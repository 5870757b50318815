package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/internal/testkit"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// counts are the numbers of files a commit wrote, left unchanged and
// removed.
func counts(s Stats) [3]int { return [3]int{s.Written, s.Unchanged, s.Removed} }

func TestOpenRefuses(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "site")
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), "x")
	testkit.WriteFile(t, filepath.Join(root, "photos", "cat.jpg"), "meow")
	testkit.WriteFile(t, filepath.Join(root, "file"), "x")
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		out  string
		want string
	}{
		{"/", "root folder"},
		{home, "home folder"},
		{site, "is the site folder"},
		{site + "/.", "is the site folder"},
		{root, "contains the site folder"},
		{filepath.Join(root, "photos"), "not empty and digest did not write it"},
		{filepath.Join(root, "file"), "is a file"},
	}
	for _, tt := range tests {
		_, err := Open(tt.out, site)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %v; want error containing %q", tt.out, err, tt.want)
		}
	}
	if got := read(t, filepath.Join(root, "photos", "cat.jpg")); got != "meow" {
		t.Errorf("a refused folder was changed: cat.jpg = %q", got)
	}
}

func TestOpenRefusesThroughSymlink(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "site")
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), "x")
	link := filepath.Join(root, "out")
	if err := os.Symlink(site, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(link, site); err == nil || !strings.Contains(err.Error(), "site folder") {
		t.Errorf("Open(link to site) = %v; want refusal", err)
	}
}

func TestBuildSwapsAndKeepsOldOnAbort(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "site")
	out := filepath.Join(site, "public")
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), "x")

	o, err := Open(out, site)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"index.html": "one", "a/b/index.html": "b", "stale.html": "s"} {
		if err := o.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("output exists before Commit: %v", err)
	}
	if _, err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(out, "a", "b", "index.html")); got != "b" {
		t.Errorf("a/b/index.html = %q; want %q", got, "b")
	}

	// A failed build leaves the last good output as it was.
	o, err = Open(out, site)
	if err != nil {
		t.Fatalf("Open of digest's own output: %v", err)
	}
	if err := o.WriteFile("index.html", []byte("broken")); err != nil {
		t.Fatal(err)
	}
	o.Abort()
	if got := read(t, filepath.Join(out, "index.html")); got != "one" {
		t.Errorf("after Abort index.html = %q; want %q", got, "one")
	}

	// A good build replaces it: files the last build wrote and this one
	// did not are gone.
	o, err = Open(out, site)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.WriteFile("index.html", []byte("two")); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "two" {
		t.Errorf("index.html = %q; want %q", got, "two")
	}
	if _, err := os.Stat(filepath.Join(out, "stale.html")); !os.IsNotExist(err) {
		t.Errorf("stale.html survived the rebuild: %v", err)
	}
	entries, err := os.ReadDir(site)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "content" && e.Name() != "public" && e.Name() != StateDir && !strings.HasPrefix(e.Name(), ".public.spare-") {
			t.Errorf("left behind in the site folder: %s", e.Name())
		}
	}
}

func TestWriteFileRejects(t *testing.T) {
	root := t.TempDir()
	o, err := Open(filepath.Join(root, "out"), filepath.Join(root, "site"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	for _, name := range []string{"../escape.html", "/abs.html", "a/../../x", ""} {
		if err := o.WriteFile(name, nil); err == nil {
			t.Errorf("WriteFile(%q) succeeded; want error", name)
		}
	}
	if err := o.WriteFile("x.html", nil); err != nil {
		t.Fatal(err)
	}
	if err := o.WriteFile("x.html", nil); err == nil || !strings.Contains(err.Error(), "written twice") {
		t.Errorf("second WriteFile(x.html) = %v; want written twice", err)
	}
	if _, err := os.Stat(filepath.Join(root, "escape.html")); !os.IsNotExist(err) {
		t.Errorf("a file was written outside the output folder")
	}
}

func TestIncremental(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "site")
	out := filepath.Join(root, "public")
	build := func(files map[string]string) Stats {
		t.Helper()
		o, err := Open(out, site)
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if err := o.WriteFile(name, []byte(data)); err != nil {
				t.Fatal(err)
			}
		}
		stats, err := o.Commit()
		if err != nil {
			t.Fatal(err)
		}
		return stats
	}
	stats := build(map[string]string{"index.html": "home", "tags/a/index.html": "a", "tags/b/index.html": "b"})
	if counts(stats) != [3]int{3, 0, 0} {
		t.Errorf("first build: %+v; want 3 written", stats)
	}
	old := time.Now().Add(-time.Hour)
	for _, f := range []string{"index.html", "tags/a/index.html"} {
		if err := os.Chtimes(filepath.Join(out, f), old, old); err != nil {
			t.Fatal(err)
		}
	}
	testkit.WriteFile(t, filepath.Join(out, "CNAME"), "news.example.org") // the curator's, not digest's

	stats = build(map[string]string{"index.html": "home", "tags/a/index.html": "a changed"})
	if counts(stats) != [3]int{1, 1, 1} || stats.Unknown != nil {
		t.Errorf("second build: %+v; want 1 written, 1 unchanged, 1 removed", stats)
	}
	info, err := os.Stat(filepath.Join(out, "index.html"))
	if err != nil || !info.ModTime().Equal(old) {
		t.Errorf("unchanged index.html was rewritten (mtime %v, err %v)", info.ModTime(), err)
	}
	if got := read(t, filepath.Join(out, "tags", "a", "index.html")); got != "a changed" {
		t.Errorf("tags/a/index.html = %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "tags", "b")); !os.IsNotExist(err) {
		t.Errorf("stale tags/b/ survived: %v", err)
	}
	if got := read(t, filepath.Join(out, "CNAME")); got != "news.example.org" {
		t.Errorf("a file digest did not write was touched: %q", got)
	}

	// A file deleted by hand is back after the next build even though its
	// bytes match: written again, or kept from the spare.
	if err := os.Remove(filepath.Join(out, "index.html")); err != nil {
		t.Fatal(err)
	}
	build(map[string]string{"index.html": "home", "tags/a/index.html": "a changed"})
	if got := read(t, filepath.Join(out, "index.html")); got != "home" {
		t.Errorf("after a manual delete: index.html = %q; want it back", got)
	}
}

func TestUnchangedInputs(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	o, err := Open(out, root+"/site")
	if err != nil {
		t.Fatal(err)
	}
	if o.Unchanged("fp1", time.Time{}) {
		t.Error("first build reports unchanged inputs")
	}
	if err := o.WriteFile("index.html", []byte("x")); err != nil {
		t.Fatal(err)
	}
	o.Record("fp1", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), []string{"a.md:1: warning"})
	if _, err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	o, err = Open(out, root+"/site")
	if err != nil {
		t.Fatal(err)
	}
	if !o.Unchanged("fp1", time.Time{}) {
		t.Fatal("same inputs not recognised")
	}
	if o.Unchanged("fp1", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("inputs reported unchanged past their validity")
	}
	if w := o.Warnings(); len(w) != 1 || w[0] != "a.md:1: warning" {
		t.Errorf("Warnings() = %q", w)
	}
	manifest := filepath.Join(out, Marker)
	before, err := os.Stat(manifest)
	if err != nil {
		t.Fatal(err)
	}
	o.ReuseAll()
	stats, err := o.Commit()
	if err != nil || counts(stats) != [3]int{0, 1, 0} {
		t.Errorf("ReuseAll commit: %+v, %v; want 1 unchanged", stats, err)
	}
	if after, err := os.Stat(manifest); err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("a build that changed nothing rewrote the manifest")
	}
	o, _ = Open(out, root+"/site")
	if o.Unchanged("fp2", time.Time{}) {
		t.Error("different inputs reported unchanged")
	}
	o.Abort()
}

func TestReuseSigned(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	open := func() *Output {
		t.Helper()
		o, err := Open(out, root+"/site")
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	commit := func(o *Output) Stats {
		t.Helper()
		stats, err := o.Commit()
		if err != nil {
			t.Fatal(err)
		}
		return stats
	}
	o := open()
	if kept, err := o.Reuse("a.html", 7); kept || err != nil {
		t.Errorf("first build kept a.html: %v, %v", kept, err)
	}
	for name, sign := range map[string]uint64{"a.html": 7, "b.html": 0, "c/d.html": 0xfedcba9876543210} {
		if err := o.WriteSigned(name, []byte(name), sign); err != nil {
			t.Fatal(err)
		}
	}
	commit(o)
	before, err := os.Stat(filepath.Join(out, "a.html"))
	if err != nil {
		t.Fatal(err)
	}

	o = open()
	for _, tc := range []struct {
		name string
		sign uint64
		kept bool
	}{
		{"a.html", 7, true},
		{"c/d.html", 0xfedcba9876543210, true},
		{"b.html", 0, false}, // written without a signature: made again
		{"c/d.html", 8, false},
		{"new.html", 7, false},
	} {
		kept, err := o.Reuse(tc.name, tc.sign)
		if err != nil || kept != tc.kept {
			t.Errorf("Reuse(%q, %x) = %v, %v; want %v", tc.name, tc.sign, kept, err, tc.kept)
		}
	}
	if _, err := o.Reuse("a.html", 7); err == nil {
		t.Error("keeping a.html twice is not an error")
	}
	if _, err := o.Reuse("../x", 7); err == nil {
		t.Error("Reuse took a name outside the output folder")
	}
	if err := o.WriteFile("b.html", []byte("b.html")); err != nil {
		t.Fatal(err)
	}
	if stats := commit(o); counts(stats) != [3]int{0, 3, 0} {
		t.Errorf("kept build: %+v; want 3 unchanged", stats)
	}
	if after, err := os.Stat(filepath.Join(out, "a.html")); err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("kept a.html was touched: %v", err)
	}

	// The signatures survive a build that kept the files, and a file
	// deleted by hand is made again whatever its signature.
	if err := os.Remove(filepath.Join(out, "a.html")); err != nil {
		t.Fatal(err)
	}
	o = open()
	if kept, _ := o.Reuse("c/d.html", 0xfedcba9876543210); !kept {
		t.Error("c/d.html's signature was lost when it was kept")
	}
	if kept, _ := o.Reuse("a.html", 7); kept {
		t.Error("a file deleted by hand was kept")
	}
	o.Abort()
}
