package generator

import (
	"bytes"
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
	"github.com/digest/digest/internal/testkit"
)

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

func build(t *testing.T, fsys fs.FS) (*memOutput, *Stats, error) {
	t.Helper()
	out := &memOutput{}
	stats, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: buildTime}, out)
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
			_, fsys, _ := testkit.ReadSite(t, file)
			out, _, err := build(t, fsys)
			if err != nil {
				t.Fatalf("build failed:\n%v", err)
			}
			got := &txtar.Archive{}
			for _, name := range slices.Sorted(maps.Keys(out.files)) {
				if _, err := fs.Stat(testkit.Theme(), "static/"+name); err == nil {
					continue
				}
				got.Files = append(got.Files, txtar.File{Name: name, Data: out.files[name]})
			}
			testkit.GoldenArchive(t, strings.TrimSuffix(file, ".txtar")+".golden.txtar", got)
		})
	}
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
	if _, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: buildTime, Scratch: scratch}, b); err != nil {
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
	// A body whose HTML depends on unsafe_html, which an edit switches.
	fsys["content/pages/raw.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Raw\n---\nSome <mark onclick=\"x()\">raw</mark> HTML.\n")}
	addFolder(fsys)
	addIssues(fsys)
	// The site's own tag page reads more than signatures cover: its pages
	// must be made every time.
	fsys["layouts/tag.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}<h1>{{.Tag.Name}}</h1>` +
		`{{range .Tag.Articles}}<p>{{.Title}}</p>{{end}}{{end}}`)}
	now := buildTime.AddDate(10, 0, 0)
	root := t.TempDir()
	r := rand.New(rand.NewPCG(3, 3))
	edit := shuffled(r, siteEdits(r, fsys))
	reused, cached, cachedFiles, indexed, parts := 0, 0, 0, 0, 0
	// Edited files are given modification times long before the builds,
	// whose stamps the next build trusts, or of the clock now, which are
	// racily clean: the next build reads them again.
	past := time.Now().Add(-time.Hour)
	for step := range 30 {
		var changed []string
		if step > 0 {
			changed = edit()
			for _, f := range changed {
				if mf := fsys[f]; mf != nil {
					// The build's fingerprint tells edits apart by time.
					mf.ModTime = past.Add(time.Duration(step) * time.Second)
					if step%3 == 0 {
						mf.ModTime = time.Now()
					}
				}
			}
		}
		stats := rebuild(t, fsys, root, now, fmt.Sprintf("step %d (%v)", step, changed))
		if step == 0 && stats.Reused != 0 {
			t.Errorf("the first build kept %d files it never made", stats.Reused)
		}
		reused += stats.Reused
		cached += stats.Cached
		cachedFiles += stats.CachedFiles
		indexed += stats.Indexed
		parts += stats.Parts
	}
	if reused == 0 {
		t.Error("no rebuild kept a file unmade")
	}
	if cached == 0 {
		t.Error("no rebuild took a body from the cache")
	}
	if cachedFiles == 0 {
		t.Error("no rebuild took a parsed file from the cache")
	}
	if indexed == 0 {
		t.Error("no rebuild took a search document from the cache")
	}
	if parts == 0 {
		t.Error("no rebuild took a card from the cache")
	}
}

// TestFailedRebuildKeepsOutput fails a rebuild in the clash check while
// the search index, which the last build's cache lets it patch, is made
// beside it: the output stays the last build's, and the next build, the
// clash mended, makes what a fresh build makes.
func TestFailedRebuildKeepsOutput(t *testing.T) {
	fsys := generateSite(30)
	now := buildTime.AddDate(10, 0, 0)
	root := t.TempDir()
	out := filepath.Join(root, "public")
	rebuild(t, fsys, root, now, "the first build")
	before := testkit.ReadTree(t, out)
	name := slices.Sorted(maps.Keys(fsys))[0]
	file := fsys[name]
	good := append(slices.Clip(file.Data), "A sentence about the harbour, for the index to patch.\n"...)
	// An alias onto the tags' index, which the clash check refuses.
	file.Data = append([]byte("---\naliases: [/tags/]\n"), bytes.TrimPrefix(good, []byte("---\n"))...)
	file.ModTime = time.Now().Add(-time.Hour)
	o, err := publish.Open(out, root)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: now, Cache: o.Cache()}, o)
	o.Abort()
	if err == nil || !strings.Contains(err.Error(), name) {
		t.Fatalf("a build with an alias onto /tags/ gave %v; want a clash naming %s", err, name)
	}
	var phases []string
	for _, p := range stats.Phases {
		phases = append(phases, p.Name)
	}
	if i := slices.Index(phases, "search"); i < 1 || phases[i-1] != "clashes" {
		t.Errorf("phases %v: the search index was not made beside the clash check", phases)
	}
	if after := testkit.ReadTree(t, out); !maps.Equal(after, before) {
		t.Error("the failed build changed the output")
	}
	file.Data, file.ModTime = good, time.Now().Add(-time.Hour+time.Second)
	rebuild(t, fsys, root, now, "the build after the failed one")
}

// rebuild builds fsys into root/public, with the build state and caches
// the last rebuild left, and checks that the folder then holds what a
// fresh build makes, byte for byte, and that the build warned as a fresh
// one does. what names the build in errors.
func rebuild(t *testing.T, fsys fstest.MapFS, root string, now time.Time, what string) *Stats {
	t.Helper()
	out := filepath.Join(root, "public")
	o, err := publish.Open(out, root)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: now, Cache: o.Cache()}, o)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if _, err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	full := &memOutput{}
	fresh, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: now}, full)
	if err != nil {
		t.Fatalf("%s: fresh build: %v", what, err)
	}
	if !slices.Equal(stats.Warnings, fresh.Warnings) {
		t.Errorf("%s: warnings\n%s\nwant those of a fresh build\n%s", what, strings.Join(stats.Warnings, "\n"), strings.Join(fresh.Warnings, "\n"))
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
			t.Errorf("%s: %s differs from a fresh build:\n%s", what, name, testkit.FirstDiff(data, full.files[name]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	if !slices.Equal(names, sortedKeys(full.files)) {
		t.Fatalf("%s: the output folder has %d files, a fresh build %d", what, len(names), len(full.files))
	}
	return stats
}

// TestContentCacheSettings checks that the parsed files a build keeps are
// taken by the next build only under the same timezone, in which dates
// without a zone were read, and that a rebuild parses only the file that
// changed.
func TestContentCacheSettings(t *testing.T) {
	now := buildTime.AddDate(10, 0, 0)
	fsys := fstest.MapFS{}
	setZone := func(zone string, step int) {
		fsys["site.yaml"] = &fstest.MapFile{
			Data:    []byte("title: Zones\nbase_url: https://zones.example.org/\ntimezone: " + zone + "\n"),
			ModTime: now.Add(time.Duration(step) * time.Second),
		}
	}
	setZone("UTC", 0)
	for i := range 5 {
		// Late in the evening: twelve hours east, the next day.
		fsys[fmt.Sprintf("content/2017/05/story-%d.md", i)] = &fstest.MapFile{
			Data: []byte(fmt.Sprintf("---\ntitle: Story %d\ndate: 2017-05-%02d 22:30\ntags: [Zones]\nrgion: a misspelt key\n---\nBody %d.\n", i, 10+i, i)),
		}
	}
	root := t.TempDir()
	steps := []struct {
		edit   func(step int)
		cached int // files the build takes from the cache
	}{
		{func(int) {}, 0},
		{func(step int) { setZone("Pacific/Auckland", step) }, 0},
		{func(step int) {
			f := fsys["content/2017/05/story-0.md"]
			f.Data, f.ModTime = append(f.Data, "More.\n"...), now.Add(time.Duration(step)*time.Second)
		}, 4},
		{func(step int) { setZone("UTC", step) }, 0},
	}
	for step, s := range steps {
		s.edit(step)
		what := fmt.Sprintf("step %d", step)
		if stats := rebuild(t, fsys, root, now, what); stats.CachedFiles != s.cached {
			t.Errorf("%s: %d files taken from the cache; want %d", what, stats.CachedFiles, s.cached)
		}
	}
}

// TestBadBaseURLBlamesFlag checks that a base URL given in Options, which
// comes from --base-url, is not blamed on site.yaml.
func TestBadBaseURLBlamesFlag(t *testing.T) {
	_, fsys, _ := testkit.ReadSite(t, "testdata/sites/basic.txtar")
	_, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme(), BaseURL: "news.example.org"}, Now: buildTime}, &memOutput{})
	want := `--base-url: "news.example.org" is not an absolute http(s) URL such as https://news.example.org/`
	if err == nil || err.Error() != want {
		t.Errorf("Build with a bad base URL: %v; want %s", err, want)
	}
}

// TestBuildCacheDamage damages each cache of the build state in each way
// a disk or a killed build can, edits an article, and builds again: the
// output must be a fresh build's, whichever cache was lost.
func TestBuildCacheDamage(t *testing.T) {
	now := buildTime.AddDate(10, 0, 0)
	settled := time.Now().Add(-time.Hour)
	// The index is left whole but by "index garbage", so that it names
	// values that are not there, or not as they were.
	damages := map[string]func(name string, data []byte) []byte{
		"missing": nil,
		"truncated": func(name string, data []byte) []byte {
			if filepath.Base(name) == "index" {
				return data
			}
			return data[:len(data)/2]
		},
		"garbled": func(name string, data []byte) []byte {
			if filepath.Base(name) == "index" {
				return data
			}
			for i := range data {
				data[i] ^= 0x5a
			}
			return data
		},
		"index garbage": func(name string, data []byte) []byte {
			if filepath.Base(name) == "index" {
				return []byte(strings.Repeat("garbage\n", 50))
			}
			return data
		},
	}
	for _, cache := range []string{"content", "stamps", "bodies", "summaries", "model", "search"} {
		for how, damage := range damages {
			t.Run(cache+" "+how, func(t *testing.T) {
				fsys := generateSite(12)
				fsys["content/pages/about.md"] = &fstest.MapFile{Data: []byte("---\ntitle: About\n---\nAbout us.\n")}
				addFolder(fsys)
				addIssues(fsys)
				root := t.TempDir()
				rebuild(t, fsys, root, now, "the first build")
				dirs, _ := filepath.Glob(filepath.Join(root, publish.StateDir, "*", "*", "cache", cache))
				if len(dirs) != 1 {
					t.Fatalf("cache folders %q; want one", dirs)
				}
				err := filepath.WalkDir(dirs[0], func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() || damage == nil {
						return err
					}
					data, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					return os.WriteFile(p, damage(p, data), 0o644)
				})
				if damage == nil {
					err = os.RemoveAll(dirs[0])
				}
				if err != nil {
					t.Fatal(err)
				}
				f := fsys[slices.Sorted(maps.Keys(fsys))[0]]
				f.Data, f.ModTime = append(f.Data, "An edit.\n"...), settled
				rebuild(t, fsys, root, now, "after the damage")
			})
		}
	}
}
