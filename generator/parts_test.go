package generator

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/internal/testkit"
)

// partsSite is a small site for the tests of the parts cache: a dozen
// articles, each with a source, a link to its story and tags, most of them
// tagged "Tag 0".
func partsSite() fstest.MapFS {
	fsys := generateSite(12)
	fsys["site.yaml"].Data = append(fsys["site.yaml"].Data, "page_size: 4\n"...)
	for name, f := range fsys {
		if strings.HasPrefix(name, "content/") {
			f.Data = bytes.Replace(f.Data, []byte("tags:\n"), []byte("tags:\n  - \"Tag 0\"\n"), 1)
		}
	}
	return fsys
}

// partsEditor edits a site of partsSite's, each edit giving the files it
// changed a time of their own, long before the build, as a curator's
// editor would.
type partsEditor struct {
	fsys fstest.MapFS
	now  time.Time // the builds'
	step int
}

// newPartsEditor edits a new partsSite.
func newPartsEditor() *partsEditor {
	return &partsEditor{fsys: partsSite(), now: buildTime.AddDate(10, 0, 0)}
}

// set writes a file of the site.
func (e *partsEditor) set(name, data string) {
	e.fsys[name] = &fstest.MapFile{Data: []byte(data), ModTime: editedAt.Add(time.Duration(e.step) * time.Second)}
}

// editedAt is when partsEditor's edits are made, step by step: an hour
// before the test, so the build's stamps of the files are trusted.
var editedAt = time.Now().Add(-time.Hour)

// generated are the articles partsSite made, in name order.
func (e *partsEditor) generated() []string {
	var files []string
	for _, name := range sortedKeys(filesUnder(e.fsys, "content/articles/")) {
		if strings.Contains(name, "/story-") {
			files = append(files, name)
		}
	}
	return files
}

// add adds an article tagged "Tag 0" and "Fresh".
func (e *partsEditor) add() {
	e.set(fmt.Sprintf("content/articles/2021/added-%d.md", e.step),
		fmt.Sprintf("---\ntitle: Added story %d\ndate: 2021-12-0%dT09:00:00Z\ntags: [Tag 0, Fresh]\nsource: The Ledger\n"+
			"source_url: https://ledger.example/added/%d\n---\nAdded.\n", e.step, 1+e.step%9, e.step))
}

// replace replaces old with new in file, which must hold it.
func (e *partsEditor) replace(t *testing.T, file, old, new string) {
	t.Helper()
	data := string(e.fsys[file].Data)
	if !strings.Contains(data, old) {
		t.Fatalf("%s has no %q", file, old)
	}
	e.set(file, strings.Replace(data, old, new, 1))
}

func filesUnder(fsys fstest.MapFS, dir string) map[string][]byte {
	out := map[string][]byte{}
	for name, f := range fsys {
		if strings.HasPrefix(name, dir) {
			out[name] = f.Data
		}
	}
	return out
}

// TestPartsRebuild makes each kind of edit that changes cards, day
// headings or feed links, and wants every rebuild to equal a fresh build,
// byte for byte, and those that keep some cards to have taken them from
// the cache.
func TestPartsRebuild(t *testing.T) {
	e := newPartsEditor()
	taglist, err := os.ReadFile(filepath.Join(testkit.Root(), "layouts/partials/taglist.html"))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		what string
		edit func()
		// parts: whether the rebuild must take parts from the cache; the
		// others must equal a fresh build all the same.
		parts bool
		// like is an earlier step whose count of parts taken this one's
		// must reach, when not 0.
		like int
	}{
		{"first build", func() {}, false, 0},
		{"add an article", e.add, true, 0},
		{"edit a headline", func() { e.replace(t, e.generated()[2], "title: \"Story", "title: \"Retold story") }, true, 0},
		// The last build rendered only the pages with the headline; the
		// cards of the others were kept all the same.
		{"add an article after an edit", e.add, true, 1},
		{"edit an article's tags", func() { e.replace(t, e.generated()[3], "  - \"Tag 0\"\n", "  - \"Tag 0\"\n  - \"Later\"\n") }, true, 0},
		{"rename a tag by its most used spelling", func() {
			// Every generated article but the first spells it anew: the
			// first's file is unchanged, its card shows the new name.
			for _, f := range e.generated()[1:] {
				e.replace(t, f, "\"Tag 0\"", "\"TAG 0\"")
			}
		}, true, 0},
		{"translate a card's string", func() { e.set("layouts/i18n/en.yaml", "original_story: Read it at the source\n") }, false, 0},
		{"the site's own tag list, with counts", func() {
			e.set("layouts/partials/taglist.html", strings.Replace(string(taglist), "{{.Name}}", "{{.Name}} ({{.Count}})", 1))
		}, true, 0},
		{"add an article, which counts in the site's tag list", e.add, true, 0},
		{"the site's own navigation only", func() {
			delete(e.fsys, "layouts/partials/taglist.html")
			e.set("layouts/partials/nav.html", "{{define \"nav\"}}<nav>Home</nav>{{end}}")
		}, true, 0},
		{"add an article with the built-in cards", e.add, true, 0},
		{"move the site below a path", func() { e.replace(t, "site.yaml", "https://bench.example.org/", "https://bench.example.org/sub/") }, false, 0},
		{"switch the language", func() { e.set("site.yaml", string(e.fsys["site.yaml"].Data)+"language: fr\n") }, false, 0},
		{"add an article in French", e.add, true, 0},
	}
	root := t.TempDir()
	counts := make([]int, len(steps))
	for step, s := range steps {
		e.step = step
		s.edit()
		stats := rebuild(t, e.fsys, root, e.now, fmt.Sprintf("step %d (%s)", step, s.what))
		counts[step] = stats.Parts
		if s.parts && stats.Parts == 0 {
			t.Errorf("step %d (%s): no part taken from the cache", step, s.what)
		}
		if s.like != 0 && stats.Parts < counts[s.like] {
			t.Errorf("step %d (%s): %d parts taken from the cache; want at least step %d's %d", step, s.what, stats.Parts, s.like, counts[s.like])
		}
		if step == 0 && stats.Parts != 0 {
			t.Errorf("the first build took %d parts from an empty cache", stats.Parts)
		}
	}
}

// TestPartsCacheDamage checks that a parts cache that is missing, cut
// short, garbled or another site's costs only renders: the output is a
// fresh build's, and the next build finds the cards again.
func TestPartsCacheDamage(t *testing.T) {
	data := func(t *testing.T, dir string) string {
		names, _ := filepath.Glob(filepath.Join(dir, "data-*"))
		if len(names) != 1 {
			t.Fatalf("data files %q; want one", names)
		}
		return names[0]
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"missing", func(t *testing.T, dir string) { os.RemoveAll(dir) }},
		{"truncated", func(t *testing.T, dir string) {
			info, err := os.Stat(data(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(data(t, dir), info.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbled", func(t *testing.T, dir string) {
			b, err := os.ReadFile(data(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			for i := range b {
				if b[i] == '<' {
					b[i] = '{'
				}
			}
			if err := os.WriteFile(data(t, dir), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"index garbage", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "index"), []byte(strings.Repeat("garbage\n", 50)), 0o644)
		}},
		{"another site's", func(t *testing.T, dir string) {
			// The same articles in another language: the same files, the
			// same URLs, other cards.
			other := newPartsEditor()
			other.set("site.yaml", string(other.fsys["site.yaml"].Data)+"language: fr\n")
			otherRoot := t.TempDir()
			rebuild(t, other.fsys, otherRoot, other.now, "the other site")
			os.RemoveAll(dir)
			if err := os.Rename(partsDir(t, otherRoot), dir); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newPartsEditor()
			root := t.TempDir()
			rebuild(t, e.fsys, root, e.now, "the first build")
			tt.damage(t, partsDir(t, root))
			e.step = 1
			e.add()
			// rebuild checks the output against a fresh build's.
			if stats := rebuild(t, e.fsys, root, e.now, "the build after the damage"); tt.name == "another site's" && stats.Parts != 0 {
				t.Errorf("%d parts taken from another site's cache; want 0", stats.Parts)
			}
			e.step = 2
			e.add()
			if stats := rebuild(t, e.fsys, root, e.now, "the next build"); stats.Parts == 0 {
				t.Error("the build after the damage left no part in the cache")
			}
		})
	}
}

// partsDir is the parts cache of the output root/public, whose site
// folder is root.
func partsDir(t *testing.T, root string) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(root, ".digest", "build", "*", "cache", "parts"))
	if len(dirs) != 1 {
		t.Fatalf("parts caches %q; want one", dirs)
	}
	return dirs[0]
}
