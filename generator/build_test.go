package generator

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/digest/digest/generator/publish"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// theme is the built-in theme, read from the repository.
var theme = os.DirFS("../layouts")

// buildTime is after every test article but the future one.
var buildTime = time.Date(2017, 6, 30, 0, 0, 0, 0, time.UTC)

// memOutput keeps a build's files in memory.
type memOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memOutput) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	if _, ok := m.files[name]; ok {
		return fmt.Errorf("%s written twice", name)
	}
	m.files[name] = bytes.Clone(data)
	return nil
}

// readSite turns a txtar archive into a site folder; a file named "want"
// is returned apart, as the expected result.
func readSite(t *testing.T, file string) (fstest.MapFS, string) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	want := ""
	for _, f := range ar.Files {
		if f.Name == "want" {
			want = string(f.Data)
			continue
		}
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return fsys, want
}

func build(t *testing.T, fsys fs.FS) (*memOutput, *Stats, error) {
	t.Helper()
	out := &memOutput{}
	stats, err := Build(Options{Input: Input{Site: fsys, Theme: theme}, Now: buildTime}, out)
	return out, stats, err
}

// TestSites builds each site in testdata/sites and compares every file it
// writes, but the theme's static files, with the golden archive beside it.
func TestSites(t *testing.T) {
	files, _ := filepath.Glob("testdata/sites/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test sites")
	}
	for _, file := range files {
		if strings.HasSuffix(file, ".golden.txtar") {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			fsys, _ := readSite(t, file)
			out, _, err := build(t, fsys)
			if err != nil {
				t.Fatalf("build failed:\n%v", err)
			}
			got := &txtar.Archive{}
			for _, name := range slices.Sorted(maps.Keys(out.files)) {
				if _, err := fs.Stat(theme, "static/"+name); err == nil {
					continue
				}
				got.Files = append(got.Files, txtar.File{Name: name, Data: out.files[name]})
			}
			golden := strings.TrimSuffix(file, ".txtar") + ".golden.txtar"
			if *update {
				if err := os.WriteFile(golden, txtar.Format(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := txtar.ParseFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			compareArchives(t, got, want)
		})
	}
}

func compareArchives(t *testing.T, got, want *txtar.Archive) {
	t.Helper()
	wantFiles := map[string][]byte{}
	for _, f := range want.Files {
		wantFiles[f.Name] = f.Data
	}
	for _, f := range got.Files {
		w, ok := wantFiles[f.Name]
		if !ok {
			t.Errorf("unexpected file %s", f.Name)
			continue
		}
		delete(wantFiles, f.Name)
		// txtar ends every file with a newline.
		data := f.Data
		if len(data) > 0 && data[len(data)-1] != '\n' {
			data = append(bytes.Clone(data), '\n')
		}
		if !bytes.Equal(data, w) {
			t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", f.Name, firstDiff(data, w))
		}
	}
	for name := range wantFiles {
		t.Errorf("missing file %s", name)
	}
}

// firstDiff shows the first line where got and want part.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got: %q\nwant: %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}

// TestDeterministic builds the example digest twice, the second time with
// the bodies in a scratch file, and wants the same bytes, and nothing left
// in the scratch folder.
func TestDeterministic(t *testing.T) {
	fsys := os.DirFS("..")
	a, _, err := build(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	b := &memOutput{}
	if _, err := Build(Options{Input: Input{Site: fsys, Theme: theme}, Now: buildTime, Scratch: scratch}, b); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(scratch); len(left) != 0 {
		t.Errorf("%d files left in the scratch folder", len(left))
	}
	if len(a.files) != len(b.files) {
		t.Fatalf("builds wrote %d and %d files", len(a.files), len(b.files))
	}
	for name, data := range a.files {
		if !bytes.Equal(data, b.files[name]) {
			t.Errorf("%s differs between two builds of the same content", name)
		}
	}
}

// TestRebuildEqualsBuild edits a site at random and builds it again into
// the same output folder after every edit, where the build keeps the files
// whose signature did not change without making them, and checks that the
// folder then holds what a fresh build makes, byte for byte.
func TestRebuildEqualsBuild(t *testing.T) {
	fsys := generateSite(30)
	fsys["content/pages/about.md"] = &fstest.MapFile{Data: []byte("---\ntitle: About\n---\nAbout us.\n")}
	// The site's own tag page reads more than signatures cover: its pages
	// must be made every time.
	fsys["layouts/tag.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}<h1>{{.Tag.Name}}</h1>` +
		`{{range .Tag.Articles}}<p>{{.Title}}</p>{{end}}{{end}}`)}
	now := buildTime.AddDate(10, 0, 0)
	root := t.TempDir()
	out := filepath.Join(root, "public")
	r := rand.New(rand.NewPCG(3, 3))
	edits := siteEdits(r, fsys)
	reused := 0
	for step := range 25 {
		var changed []string
		if step > 0 {
			changed = edits[r.IntN(len(edits))]()
			for _, f := range changed {
				if mf := fsys[f]; mf != nil {
					// The build's fingerprint tells edits apart by time.
					mf.ModTime = now.Add(time.Duration(step) * time.Second)
				}
			}
		}
		o, err := publish.Open(out, root)
		if err != nil {
			t.Fatal(err)
		}
		stats, err := Build(Options{Input: Input{Site: fsys, Theme: theme}, Now: now}, o)
		if err != nil {
			t.Fatalf("step %d (%v): %v", step, changed, err)
		}
		if _, err := o.Commit(); err != nil {
			t.Fatal(err)
		}
		if step == 0 && stats.Reused != 0 {
			t.Errorf("the first build kept %d files it never made", stats.Reused)
		}
		reused += stats.Reused
		full := &memOutput{}
		if _, err := Build(Options{Input: Input{Site: fsys, Theme: theme}, Now: now}, full); err != nil {
			t.Fatalf("step %d: fresh build: %v", step, err)
		}
		var names []string
		err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == publish.Marker {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			name := filepath.ToSlash(rel)
			names = append(names, name)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if !bytes.Equal(data, full.files[name]) {
				t.Errorf("step %d (%v): %s differs from a fresh build:\n%s", step, changed, name, firstDiff(data, full.files[name]))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(names)
		if !slices.Equal(names, sortedKeys(full.files)) {
			t.Fatalf("step %d (%v): the output folder has %d files, a fresh build %d", step, changed, len(names), len(full.files))
		}
	}
	if reused == 0 {
		t.Error("no rebuild kept a file unmade")
	}
}

// TestBadBaseURLBlamesFlag checks that a base URL given in Options, which
// comes from --base-url, is not blamed on site.yaml.
func TestBadBaseURLBlamesFlag(t *testing.T) {
	fsys, _ := readSite(t, "testdata/sites/basic.txtar")
	_, err := Build(Options{Input: Input{Site: fsys, Theme: theme, BaseURL: "news.example.org"}, Now: buildTime}, &memOutput{})
	want := `--base-url: "news.example.org" is not an absolute http(s) URL such as https://news.example.org/`
	if err == nil || err.Error() != want {
		t.Errorf("Build with a bad base URL: %v; want %s", err, want)
	}
}
