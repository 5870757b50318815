// Package testkit holds the helpers that the tests of several packages
// share: golden files and the one -update flag, first-difference reports,
// sites read from txtar archives, files written with their folders, times,
// and the built-in theme. It is for _test.go files only: no other code
// imports it.
//
// Importing it gives the test binary the -update flag. With it, golden
// checks rewrite their files instead of comparing, and tests with expected
// results of their own (sections of a txtar case, say) ask Update and
// rewrite those.
package testkit

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files and expected results in testdata/ instead of comparing")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Golden compares got with the file golden, or writes got to it under
// -update.
func Golden(t testing.TB, golden string, got []byte) {
	t.Helper()
	if want, ok := readGolden(t, golden, got); ok && !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update to accept):\n%s", golden, FirstDiff(got, want))
	}
}

// readGolden returns the golden file's bytes to compare got with, or,
// under -update, writes got to it and returns false.
func readGolden(t testing.TB, golden string, got []byte) ([]byte, bool) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return nil, false
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	return want, true
}

// GoldenArchive is Golden for a txtar archive of files, formatted as
// txtar.Format writes it; a difference is reported file by file.
func GoldenArchive(t testing.TB, golden string, got *txtar.Archive) {
	t.Helper()
	data := txtar.Format(got)
	wantData, ok := readGolden(t, golden, data)
	if !ok || bytes.Equal(data, wantData) {
		return
	}
	// Parsing the formatted archive ends every file with a newline, as the
	// golden file's are.
	have, want := txtar.Parse(data), txtar.Parse(wantData)
	wantFiles := map[string][]byte{}
	for _, f := range want.Files {
		wantFiles[f.Name] = f.Data
	}
	found := false
	for _, f := range have.Files {
		w, ok := wantFiles[f.Name]
		delete(wantFiles, f.Name)
		switch {
		case !ok:
			t.Errorf("%s: unexpected file %s", golden, f.Name)
		case !bytes.Equal(f.Data, w):
			t.Errorf("%s: %s differs (go test -update to accept):\n%s", golden, f.Name, FirstDiff(f.Data, w))
		default:
			continue
		}
		found = true
	}
	for name := range wantFiles {
		t.Errorf("%s: missing file %s", golden, name)
		found = true
	}
	if !found {
		// The files agree; their order or the comment does not.
		t.Errorf("%s differs (go test -update to accept):\n%s", golden, FirstDiff(data, wantData))
	}
}

// FirstDiff shows the first line where got and want part.
func FirstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("line %d:\n got: %q\nwant: %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}

// ReadSite reads a txtar archive of a site folder. The files named in
// apart are not part of the site: they come back by name, as what the
// test expects.
func ReadSite(t testing.TB, file string, apart ...string) (ar *txtar.Archive, site fstest.MapFS, expected map[string]string) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	site, expected = fstest.MapFS{}, map[string]string{}
	for _, f := range ar.Files {
		if slices.Contains(apart, f.Name) {
			expected[f.Name] = string(f.Data)
			continue
		}
		site[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return ar, site, expected
}

// WriteFile writes data to path, making its folders first.
func WriteFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadTree reads every file under dir, by slash-separated name.
func ReadTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Time parses an RFC 3339 time.
func Time(t testing.TB, value string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, value)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// LocalTime parses a time written "2006-01-02 15:04" in loc.
func LocalTime(t testing.TB, loc *time.Location, value string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", value, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Root is the repository's folder: the nearest one above the tests'
// working folder (their package's) that holds go.mod.
func Root() string { return root() }

var root = sync.OnceValue(func() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			panic("testkit: no go.mod above the working folder")
		}
		dir = parent
	}
})

// Theme is the built-in theme, read from the repository's layouts/.
func Theme() fs.FS { return os.DirFS(filepath.Join(Root(), "layouts")) }
