package content

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	_ "time/tzdata" // Asia/Manila on machines without a zone database

	"golang.org/x/tools/txtar"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/spool"
	"github.com/digest/digest/internal/testkit"
)

// manila is the site timezone of the tests: far from UTC, so a date read
// in the wrong zone shows.
var manila = mustLoad("Asia/Manila")

// bodyOf is the body txt holds.
func bodyOf(t *testing.T, txt spool.Text) string {
	t.Helper()
	s, err := txt.Get()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// lines renders an error or a warning list as the golden files hold it:
// one diagnostic a line, or nothing.
func lines(err error) string {
	if err == nil {
		return ""
	}
	return err.Error() + "\n"
}

// TestBad loads each broken site in testdata/bad and compares the errors
// and warnings with the archive's "want" and "warnings" sections. With
// -update it rewrites those sections instead.
func TestBad(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken sites in testdata/bad (%v)", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			// The files named content/... make up the site, "want" holds the
			// errors Load reports, one a line, and "warnings" the warnings.
			ar, fsys, expected := testkit.ReadSite(t, file, "want", "warnings")
			want, wantWarnings := expected["want"], expected["warnings"]
			c, err := Load(fsys, manila, nil)
			checkDiagnostics(t, err)
			got := lines(err)
			gotWarnings := ""
			if c != nil {
				gotWarnings = lines(c.Warnings.Err())
			}
			if testkit.Update() {
				rewrite(t, file, ar, got, gotWarnings)
				return
			}
			if got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			if gotWarnings != wantWarnings {
				t.Errorf("warnings:\n%s\nwant:\n%s", gotWarnings, wantWarnings)
			}
		})
	}
}

// rewrite replaces the archive's want and warnings sections; a warnings
// section is kept only when there are warnings.
func rewrite(t *testing.T, file string, ar *txtar.Archive, want, warnings string) {
	t.Helper()
	files := slices.DeleteFunc(ar.Files, func(f txtar.File) bool {
		return f.Name == "want" || f.Name == "warnings"
	})
	files = append(files, txtar.File{Name: "want", Data: []byte(want)})
	if warnings != "" {
		files = append(files, txtar.File{Name: "warnings", Data: []byte(warnings)})
	}
	ar.Files = files
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkDiagnostics checks the contract of Load's error: nil or a diag.List
// whose entries name a file under content/.
func checkDiagnostics(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var list diag.List
	if !errors.As(err, &list) {
		t.Fatalf("Load error is a %T; want a diag.List:\n%v", err, err)
	}
	for _, d := range list {
		if !strings.HasPrefix(d.File, Dir+"/") {
			t.Errorf("diagnostic %q names file %q, not one under %s/", d, d.File, Dir)
		}
	}
}

func TestLoad(t *testing.T) {
	article := func(title, date string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: " + date + "\n---\nBody of " + title + ".\n")}
	}
	broken := &fstest.MapFile{Data: []byte("no front matter\n")}
	fsys := fstest.MapFS{
		"content/2017/05/envoy.md":         article("Envoy named", "2017-05-31"),
		"content/2017/06/summit.md":        article("Summit", "2017-06-01 09:30"),
		"content/first.md":                 article("First", "2017-04-01T00:00:00Z"),
		"content/_drafts/idea.md":          broken,
		"content/2017/_unfinished/x.md":    broken,
		"content/.hidden.md":               broken,
		"content/2017/.swap.md":            broken,
		"content/.git/HEAD.md":             broken,
		"content/notes.txt":                broken,
		"content/2017/05/image.jpg":        broken,
		"content/pages/about.md":           {Data: []byte("---\ntitle: About\nupdated: 2017-06-30\n---\nWho we are.\n")},
		"content/pages/legal/privacy.md":   {Data: []byte("+++\ntitle = \"Privacy\"\n+++\nNothing kept.\n")},
		"content/pages/.draft.md":          broken,
		"layouts/ignored.md":               broken,
		"content/2017/05/envoy.md.orig.md": article("Envoy named again", "2017-05-31"),
	}
	c, err := Load(fsys, manila, nil)
	if err != nil {
		t.Fatal(err)
	}
	sp := spool.New(t.TempDir(), 0)
	defer sp.Close()
	spooled, err := Load(fsys, manila, sp)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range spooled.Articles {
		if got, want := bodyOf(t, a.Markdown), bodyOf(t, c.Articles[i].Markdown); got != want {
			t.Errorf("%s: spooled body %q; want %q", a.File, got, want)
		}
	}
	for i, p := range spooled.Pages {
		if got, want := bodyOf(t, p.Markdown), bodyOf(t, c.Pages[i].Markdown); got != want {
			t.Errorf("%s: spooled body %q; want %q", p.File, got, want)
		}
	}
	var files []string
	for _, a := range c.Articles {
		files = append(files, a.File)
	}
	want := []string{
		"content/2017/05/envoy.md",
		"content/2017/05/envoy.md.orig.md",
		"content/2017/06/summit.md",
		"content/first.md",
	}
	if !slices.Equal(files, want) {
		t.Errorf("articles:\n%q\nwant:\n%q", files, want)
	}
	if a := c.Articles[2]; a.Title != "Summit" || !a.Date.Equal(time.Date(2017, 6, 1, 9, 30, 0, 0, manila)) || a.Slug != "summit" {
		t.Errorf("summit.md: title %q, date %v, slug %q", a.Title, a.Date, a.Slug)
	}
	if a := c.Articles[0]; bodyOf(t, a.Markdown) != "Body of Envoy named.\n" || a.BodyLine != 5 {
		t.Errorf("envoy.md: body %q on line %d; want %q on line 5", bodyOf(t, a.Markdown), a.BodyLine, "Body of Envoy named.\n")
	}

	if len(c.Pages) != 2 {
		t.Fatalf("pages: got %d; want 2", len(c.Pages))
	}
	about, privacy := c.Pages[0], c.Pages[1]
	if about.File != "content/pages/about.md" || about.Name != "about" || about.Title != "About" ||
		!about.Updated.Equal(time.Date(2017, 6, 30, 0, 0, 0, 0, time.UTC)) || bodyOf(t, about.Markdown) != "Who we are.\n" {
		t.Errorf("about page: %+v", about)
	}
	if privacy.Name != "legal/privacy" || privacy.Title != "Privacy" {
		t.Errorf("privacy page: name %q, title %q; want legal/privacy, Privacy", privacy.Name, privacy.Title)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings:\n%v", c.Warnings)
	}
}

// TestLoadOrder checks that the result does not depend on how the work was
// shared out: many files, loaded many times, always give the same lists.
func TestLoadOrder(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 50 {
		name := "content/" + string(rune('a'+i%26)) + "/" + strings.Repeat("x", i/26+1) + ".md"
		data := "---\ntitle: T\ndate: 2017-05-31\ntag: x\n---\n"
		if i%3 == 0 {
			data = "---\ntitle: T\ndate: May\ntag: x\n---\n"
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	c0, err0 := Load(fsys, manila, nil)
	for range 10 {
		c, err := Load(fsys, manila, nil)
		if lines(err) != lines(err0) || lines(c.Warnings.Err()) != lines(c0.Warnings.Err()) || len(c.Articles) != len(c0.Articles) {
			t.Fatalf("two loads of one site differ:\n%v\n%v", err, err0)
		}
		for i := range c.Articles {
			if c.Articles[i].File != c0.Articles[i].File {
				t.Fatalf("article %d: %s, then %s", i, c0.Articles[i].File, c.Articles[i].File)
			}
		}
	}
	if n := strings.Count(lines(err0), "\n"); n != 17 {
		t.Errorf("got %d errors; want 17:\n%v", n, err0)
	}
}

func TestLoadWithoutContent(t *testing.T) {
	_, err := Load(fstest.MapFS{"site.yaml": {Data: []byte("title: x\n")}}, manila, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "content: ") {
		t.Errorf("Load without content/: error %v; want one starting with %q", err, "content: ")
	}
}

func TestLoadEmpty(t *testing.T) {
	c, err := Load(fstest.MapFS{"content/pages": {Mode: 0o755 | os.ModeDir}}, manila, nil)
	if err != nil || len(c.Articles) != 0 || len(c.Pages) != 0 {
		t.Errorf("Load of an empty content folder: %+v, %v", c, err)
	}
}

func TestParsePage(t *testing.T) {
	for _, tt := range []struct {
		file, src   string
		name, title string
		err         string
		warnings    string
	}{
		{"content/pages/about.md", "---\ntitle: About us\nsummary: Who we are.\nmenu: 1\n---\nBody.\n", "about", "About us", "", ""},
		{"content/pages/a/b.md", "---\ntitle: B\n---\n", "a/b", "B", "", ""},
		{"content/pages/about.md", "---\nsummary: x\n---\n", "about", "", "content/pages/about.md:1: title: missing (every page needs a title)", ""},
		{"content/pages/about.md", "---\ntitle: [a]\ntitel: About\n---\n", "about", "",
			"content/pages/about.md:2:8: title: want text, not a list",
			`content/pages/about.md:3:1: unknown key "titel": did you mean "title"? (kept as a param)`},
		{"content/pages/about.md", "About\n", "", "", "content/pages/about.md:1:1: no front matter (want a --- block with at least title and date)", ""},
	} {
		p, warnings, err := ParsePage(tt.file, []byte(tt.src))
		if got := errText(err); got != tt.err {
			t.Errorf("ParsePage(%q, %q) error:\n%s\nwant:\n%s", tt.file, tt.src, got, tt.err)
		}
		if got := errText(warnings.Err()); got != tt.warnings {
			t.Errorf("ParsePage(%q, %q) warnings:\n%s\nwant:\n%s", tt.file, tt.src, got, tt.warnings)
		}
		if tt.name == "" {
			if p != nil {
				t.Errorf("ParsePage(%q, %q) = %+v; want nil", tt.file, tt.src, p)
			}
			continue
		}
		if p == nil || p.Name != tt.name || p.Title != tt.title || p.File != tt.file {
			t.Errorf("ParsePage(%q, %q) = %+v; want name %q, title %q", tt.file, tt.src, p, tt.name, tt.title)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestBodyLine checks that the body's first line is counted in the file,
// whatever the front matter's format and the blank lines above it.
func TestBodyLine(t *testing.T) {
	for _, tt := range []struct {
		src  string
		line int
		body string
	}{
		{"---\ntitle: T\ndate: 2017-05-31\n---\nBody.\n", 5, "Body.\n"},
		{"\n\n---\ntitle: T\ndate: 2017-05-31\n---\n\nBody.\n", 7, "\nBody.\n"},
		{"+++\ntitle = \"T\"\ndate = 2017-05-31\n+++\nBody.\n", 5, "Body.\n"},
		{"{\n\"title\": \"T\",\n\"date\": \"2017-05-31\"\n}\n\nBody.\n", 6, "Body.\n"},
		// JSON front matter needs no blank line before the body, and ends
		// where the object does, not at a line that closes a nested one.
		{"{\n\"title\": \"T\",\n\"date\": \"2017-05-31\"\n}\nBody.\n", 5, "Body.\n"},
		{"{\"title\": \"T\", \"date\": \"2017-05-31\"}\nBody.\n", 2, "Body.\n"},
		{"{\"title\": \"T\", \"date\": \"2017-05-31\"}  \r\n\r\n\r\nBody.\r\n", 3, "\r\nBody.\r\n"},
		{"\n{\n\"title\": \"T\",\n\"date\": \"2017-05-31\",\n\"x\": {\n\"y\": 1\n}\n}\n}\nBody.\n", 9, "}\nBody.\n"},
		{"{\"title\": \"T\", \"date\": \"2017-05-31\"}", 1, ""},
		{"\ufeff---\ntitle: T\ndate: 2017-05-31\n---\nBody.\n", 5, "Body.\n"},
		{"---\r\ntitle: T\r\ndate: 2017-05-31\r\n---\r\nBody.\r\n", 5, "Body.\r\n"},
	} {
		a, _, err := ParseArticle("content/a.md", []byte(tt.src), manila)
		if err != nil {
			t.Errorf("ParseArticle(%q): %v", tt.src, err)
			continue
		}
		if a.BodyLine != tt.line || bodyOf(t, a.Markdown) != tt.body {
			t.Errorf("ParseArticle(%q): body %q on line %d; want %q on line %d", tt.src, bodyOf(t, a.Markdown), a.BodyLine, tt.body, tt.line)
		}
	}
}

func TestCacheReadsOnlyForgottenFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a.md": {Data: []byte("---\ntitle: A\ndate: 2017-05-31\n---\nA.\n")},
		"content/b.md": {Data: []byte("---\ntitle: B\ndate: 2017-05-30\n---\nB.\n")},
	}
	var cache Cache
	first, err := cache.Load(fsys, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	fsys["content/a.md"] = &fstest.MapFile{Data: []byte("---\ntitle: A2\ndate: 2017-05-31\n---\nA.\n")}
	fsys["content/b.md"] = &fstest.MapFile{Data: []byte("---\ntitle: B2\ndate: 2017-05-30\n---\nB.\n")}
	fsys["content/c.md"] = &fstest.MapFile{Data: []byte("---\ntitle: C\ndate: 2017-05-29\n---\nC.\n")}
	cache.Forget("content/a.md", "content/c.md")
	second, err := cache.Load(fsys, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range second.Articles {
		titles = append(titles, a.Title)
	}
	// b.md was not forgotten, so its old result stands; c.md is new.
	if got := strings.Join(titles, " "); got != "A2 B C" {
		t.Errorf("titles = %q; want %q", got, "A2 B C")
	}
	if second.Articles[1] != first.Articles[1] {
		t.Error("an unchanged file was parsed again")
	}
	delete(fsys, "content/c.md")
	cache.Forget("content/c.md")
	third, err := cache.Load(fsys, time.UTC)
	if err != nil || len(third.Articles) != 2 {
		t.Errorf("after deleting c.md: %d articles, %v; want 2", len(third.Articles), err)
	}
}

// TestArticleFolders checks which files an article folder publishes: the
// non-Markdown files below its index.md, in sub-folders too, but hidden
// ones and those starting with _; none from a folder without index.md,
// from content/ itself or from content/pages/.
func TestArticleFolders(t *testing.T) {
	art := func(title string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: 2017-05-31\n---\nx\n")}
	}
	file := &fstest.MapFile{Data: []byte("x")}
	fsys := fstest.MapFS{
		"content/2017/envoy/index.md":         art("Envoy"),
		"content/2017/envoy/map.png":          file,
		"content/2017/envoy/docs/report.pdf":  file,
		"content/2017/envoy/.map.png.swp":     file,
		"content/2017/envoy/_draft.png":       file,
		"content/2017/envoy/docs/_old/a.png":  file,
		"content/2017/plain.md":               art("Plain"),
		"content/2017/stray.png":              file,
		"content/index.md":                    art("Root"),
		"content/root.png":                    file,
		"content/pages/about/index.md":        {Data: []byte("---\ntitle: About\n---\nx\n")},
		"content/pages/about/photo.png":       file,
		"content/2017/other/index.md":         art("Other"),
		"content/2017/other/deep/er/file.txt": file,
	}
	c, err := Load(fsys, manila, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, a := range c.Articles {
		got[a.File] = a.Files
	}
	want := map[string][]string{
		"content/2017/envoy/index.md": {"content/2017/envoy/docs/report.pdf", "content/2017/envoy/map.png"},
		"content/2017/other/index.md": {"content/2017/other/deep/er/file.txt"},
		"content/2017/plain.md":       nil,
		"content/index.md":            nil,
	}
	if len(got) != len(want) {
		t.Errorf("articles %v; want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	for f, files := range want {
		if !slices.Equal(got[f], files) {
			t.Errorf("%s: files %q; want %q", f, got[f], files)
		}
	}
}

// TestCacheSeesNewFolderFiles checks that the cache lists an article
// folder again when a file is added to it or removed, as the dev server
// reports them.
func TestCacheSeesNewFolderFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a/index.md": {Data: []byte("---\ntitle: A\ndate: 2017-05-31\n---\nA.\n")},
	}
	var cache Cache
	files := func() []string {
		t.Helper()
		c, err := cache.Load(fsys, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		return c.Articles[0].Files
	}
	if f := files(); len(f) != 0 {
		t.Fatalf("files %q; want none", f)
	}
	fsys["content/a/map.png"] = &fstest.MapFile{Data: []byte("png")}
	cache.Forget("content/a/map.png")
	if f := files(); !slices.Equal(f, []string{"content/a/map.png"}) {
		t.Errorf("after adding map.png: files %q", f)
	}
	delete(fsys, "content/a/map.png")
	cache.Forget("content/a/map.png")
	if f := files(); len(f) != 0 {
		t.Errorf("after removing map.png: files %q; want none", f)
	}
}
