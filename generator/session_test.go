package generator

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/internal/testkit"
)

// TestSessionEqualsBuild edits a site at random and checks after every
// edit that the session's incremental build equals a fresh build, file by
// file and byte for byte.
func TestSessionEqualsBuild(t *testing.T) {
	fsys := generateSite(40)
	fsys["content/pages/about.md"] = &fstest.MapFile{Data: []byte("---\ntitle: About\n---\nAbout us.\n")}
	addFolder(fsys)
	addIssues(fsys)
	// A tag page of the site's own that lists every article of the tag,
	// which page signatures do not cover: its pages must be made again.
	fsys["layouts/tag.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}<h1>{{.Tag.Name}}</h1>` +
		`{{range .Tag.Articles}}<p>{{.Title}}</p>{{end}}{{end}}`)}
	now := buildTime.AddDate(10, 0, 0)
	session := NewSession(SessionOptions{Input: Input{Site: fsys, Theme: testkit.Theme()}, Clock: func() time.Time { return now }})
	r := rand.New(rand.NewPCG(7, 7))
	var snap *Snapshot
	edit := shuffled(r, siteEdits(r, fsys))
	for step := range 40 {
		var changed []string
		if step > 0 {
			changed = edit()
			session.Changed(changed...)
		}
		next, _, err := session.Build(snap)
		if err != nil {
			t.Fatalf("step %d (%v): %v", step, changed, err)
		}
		snap = next
		full := &memOutput{}
		if _, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: now}, full); err != nil {
			t.Fatalf("step %d: full build: %v", step, err)
		}
		names := snap.Names()
		if !slices.Equal(names, sortedKeys(full.files)) {
			t.Fatalf("step %d (%v): the session has %d files, a full build %d", step, changed, len(names), len(full.files))
		}
		for _, name := range names {
			data, err := snap.Get(name).Bytes()
			if err != nil {
				t.Fatalf("step %d: %s: %v", step, name, err)
			}
			if !bytes.Equal(data, full.files[name]) {
				t.Fatalf("step %d (%v): %s differs from a full build:\n%s", step, changed, name, testkit.FirstDiff(data, full.files[name]))
			}
		}
	}
}

// folder is the article folder addFolder adds to a site.
const folder = "content/folder/story"

// addFolder adds an article folder to fsys: a lead image, a body image and
// a link to a file in a sub-folder, all relative.
func addFolder(fsys fstest.MapFS) {
	fsys[folder+"/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: A story with its files\ndate: 2018-03-01T09:00:00Z\n" +
		"tags: [Tag 1]\nimage: map.svg\n---\n![the map](map.svg) and [the data](data/table.csv).\n")}
	fsys[folder+"/map.svg"] = &fstest.MapFile{Data: []byte("<svg><!-- 000000 --></svg>\n")}
	fsys[folder+"/data/table.csv"] = &fstest.MapFile{Data: []byte("a,b\n1,2\n")}
}

// addIssues adds numbered issues to fsys: one that collects by dates and
// groups by tag, one that lists addFolder's article (which edits move
// from day to day) as its lead, and one with only an introduction.
func addIssues(fsys fstest.MapFS) {
	fsys["content/issues/1.md"] = &fstest.MapFile{Data: []byte("---\ndate: 2018-06-30\nsections: by tag\n---\nThe first issue.\n")}
	fsys["content/issues/2.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Folders\ndate: 2019-12-31T12:00:00+08:00\n" +
		"articles: [folder/story/index.md]\nlead: folder/story/index.md\nsections:\n  - title: Ones\n    tag: Tag 1\n---\nOne story.\n")}
	fsys["content/issues/3.md"] = &fstest.MapFile{Data: []byte("---\ndate: 2020-06-30\nsummary: Third.\n---\nThe third issue.\n")}
}

// siteEdits are the edits a curator makes to fsys, a site of
// generateSite's with an about page, addFolder's article folder and
// addIssues's issues, each returning the files it changed.
// They include the site's own layouts: overrides of built-in partials
// that every kind's pages, or the list pages' cards, are made with.
func siteEdits(r *rand.Rand, fsys fstest.MapFS) []func() []string {
	// override replaces a built-in layout with the site's own, edited.
	override := func(name, old, new string) []string {
		builtin, err := fs.ReadFile(testkit.Theme(), name)
		if err != nil || !bytes.Contains(builtin, []byte(old)) {
			panic(fmt.Sprintf("%s has no %q to replace: %v", name, old, err))
		}
		f := path.Join("layouts", name)
		fsys[f] = &fstest.MapFile{Data: bytes.Replace(builtin, []byte(old), []byte(new), 1)}
		return []string{f}
	}
	return []func() []string{
		func() []string { // add a file to the article folder
			f := fmt.Sprintf("%s/extra-%d.svg", folder, r.IntN(1e6))
			fsys[f] = &fstest.MapFile{Data: fmt.Appendf(nil, "<svg><!-- %d --></svg>\n", r.IntN(1e6))}
			return []string{f}
		},
		func() []string { // change the folder's image, keeping its size
			f := folder + "/map.svg"
			fsys[f] = &fstest.MapFile{Data: fmt.Appendf(nil, "<svg><!-- %06d --></svg>\n", r.IntN(1e6))}
			return []string{f}
		},
		func() []string { // remove a file of the folder but its index.md and map.svg, which the next edit changes
			f := pick(r, fsys, folder+"/")
			if f == folder+"/index.md" || f == folder+"/map.svg" {
				return nil
			}
			delete(fsys, f)
			return []string{f}
		},
		func() []string { // move the folder's article to another day: its files move with its URL
			f := folder + "/index.md"
			fsys[f] = &fstest.MapFile{Data: replaceLine(fsys[f].Data, "date:", fmt.Sprintf("date: 2019-0%d-1%dT10:00:00+08:00", 1+r.IntN(9), r.IntN(9)))}
			return []string{f}
		},
		func() []string { // retitle an article: its URL moves
			f := pick(r, fsys, "content/articles/")
			fsys[f] = &fstest.MapFile{Data: replaceLine(fsys[f].Data, "title:", fmt.Sprintf("title: \"Retitled %d\"", r.IntN(1000)))}
			return []string{f}
		},
		func() []string { // move an article to another day
			f := pick(r, fsys, "content/articles/")
			fsys[f] = &fstest.MapFile{Data: replaceLine(fsys[f].Data, "date:", fmt.Sprintf("date: 2019-0%d-1%dT10:00:00+08:00", 1+r.IntN(9), r.IntN(9)))}
			return []string{f}
		},
		func() []string { // change only the body, linking within the site
			f := pick(r, fsys, "content/articles/")
			fsys[f] = &fstest.MapFile{Data: append(bytes.Clone(fsys[f].Data), fmt.Sprintf("\nAn added paragraph %d, [tagged](/tags/tag-1/).\n", r.IntN(1000))...)}
			return []string{f}
		},
		func() []string { // retag: a tag's most used spelling may change
			f := pick(r, fsys, "content/articles/")
			fsys[f] = &fstest.MapFile{Data: replaceLine(fsys[f].Data, "  - ", "  - \"TAG 1\"")}
			return []string{f}
		},
		func() []string { // add an article
			f := fmt.Sprintf("content/articles/new-%d.md", r.IntN(1e6))
			fsys[f] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: New story %d\ndate: 2018-02-0%dT09:00:00Z\ntags: [Tag 2, Fresh]\n---\nNew.\n", r.IntN(1e6), 1+r.IntN(9)))}
			return []string{f}
		},
		func() []string { // delete an article
			f := pick(r, fsys, "content/articles/")
			delete(fsys, f)
			return []string{f}
		},
		func() []string { // change the configuration
			fsys["site.yaml"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("title: Bench %d\nbase_url: https://bench.example.org/\ntimezone: Asia/Manila\npage_size: %d\n", r.IntN(100), 5+r.IntN(20)))}
			return []string{"site.yaml"}
		},
		func() []string { // move the site below a path, or back to its host's root, and nothing else
			base := "base_url: https://bench.example.org/"
			if !bytes.Contains(fsys["site.yaml"].Data, []byte("/sub/")) {
				base += "sub/"
			}
			fsys["site.yaml"] = &fstest.MapFile{Data: replaceLine(fsys["site.yaml"].Data, "base_url:", base)}
			return []string{"site.yaml"}
		},
		func() []string { // rewrite an issue's introduction
			f := pick(r, fsys, "content/issues/")
			fsys[f] = &fstest.MapFile{Data: append(bytes.Clone(fsys[f].Data), fmt.Sprintf("\nMore words, %d of them.\n", r.IntN(1000))...)}
			return []string{f}
		},
		func() []string { // move the third issue's date: the articles it collects change
			f := "content/issues/3.md"
			fsys[f] = &fstest.MapFile{Data: replaceLine(fsys[f].Data, "date:", fmt.Sprintf("date: 2020-%02d-1%d", 1+r.IntN(12), r.IntN(9)))}
			return []string{f}
		},
		func() []string { // title the first issue: its pages, the articles' and the feed name it
			f := "content/issues/1.md"
			title := fmt.Sprintf("title: First %d", r.IntN(100))
			if !bytes.Contains(fsys[f].Data, []byte("\ntitle:")) {
				title = "sections: by tag\n" + title
			}
			fsys[f] = &fstest.MapFile{Data: replaceLine(fsys[f].Data, strings.SplitN(title, ":", 2)[0]+":", title)}
			return []string{f}
		},
		func() []string { // add the next issue, or take the last added away
			f := "content/issues/9.md"
			if fsys[f] != nil {
				delete(fsys, f)
			} else {
				fsys[f] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ndate: 2021-0%d-01\n---\nNine, after a gap.\n", 1+r.IntN(9)))}
			}
			return []string{f}
		},
		func() []string { // lead the home page with the latest issue, or stop
			data := fsys["site.yaml"].Data
			if bytes.Contains(data, []byte("home_issue:")) {
				data = replaceLine(data, "home_issue:", "")
			} else {
				data = append(bytes.Clone(data), "home_issue: true\n"...)
			}
			fsys["site.yaml"] = &fstest.MapFile{Data: data}
			return []string{"site.yaml"}
		},
		func() []string { // edit the about page
			fsys["content/pages/about.md"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: About %d\n---\nAbout.\n", r.IntN(100)))}
			return []string{"content/pages/about.md"}
		},
		func() []string { // a card of the site's own, on home, source and day pages, reads what no built-in card does
			return override("partials/card.html", `{{template "taglist" .Tags}}`,
				fmt.Sprintf(`{{template "taglist" .Tags}}<p>%d {{.Author}}{{range .Related}} {{.Title}}{{end}}</p>`, r.IntN(100)))
		},
		func() []string { // change the navigation of every page
			return override("partials/nav.html", `>{{t "nav_home"}}<`, fmt.Sprintf(">Home %d<", r.IntN(100)))
		},
		func() []string { // retranslate one string of every page, key by key
			f := "layouts/i18n/en.yaml"
			fsys[f] = &fstest.MapFile{Data: []byte(fmt.Sprintf("nav_tags: Topics %d\n", r.IntN(100)))}
			return []string{f}
		},
		func() []string { // let the bodies' own HTML through, or stop letting it
			var kept []string
			unsafe := true
			for _, l := range strings.SplitAfter(string(fsys["site.yaml"].Data), "\n") {
				if strings.HasPrefix(l, "unsafe_html:") {
					unsafe = false
				} else {
					kept = append(kept, l)
				}
			}
			if unsafe {
				kept = append(kept, "unsafe_html: true\n")
			}
			fsys["site.yaml"] = &fstest.MapFile{Data: []byte(strings.Join(kept, ""))}
			return []string{"site.yaml"}
		},
		func() []string { // switch the interface language
			var kept []string
			for _, l := range strings.SplitAfter(string(fsys["site.yaml"].Data), "\n") {
				if !strings.HasPrefix(l, "language:") {
					kept = append(kept, l)
				}
			}
			lang := []string{"en", "ja", "ar", "fr"}[r.IntN(4)]
			fsys["site.yaml"] = &fstest.MapFile{Data: []byte(strings.Join(kept, "") + "language: " + lang + "\n")}
			return []string{"site.yaml"}
		},
		func() []string { // go back to the built-in partials
			var gone []string
			for f := range fsys {
				if strings.HasPrefix(f, "layouts/partials/") {
					delete(fsys, f)
					gone = append(gone, f)
				}
			}
			slices.Sort(gone)
			return gone
		},
	}
}

// shuffled runs edits in a random order, each one once before any twice,
// so a few dozen steps try every kind of edit.
func shuffled(r *rand.Rand, edits []func() []string) func() []string {
	var order []int
	return func() []string {
		if len(order) == 0 {
			order = r.Perm(len(edits))
		}
		i := order[0]
		order = order[1:]
		return edits[i]()
	}
}

// pick returns a random file under dir, in a stable order.
func pick(r *rand.Rand, fsys fstest.MapFS, dir string) string {
	var files []string
	for name := range fsys {
		if strings.HasPrefix(name, dir) {
			files = append(files, name)
		}
	}
	slices.Sort(files)
	return files[r.IntN(len(files))]
}

// replaceLine replaces the first line starting with prefix.
func replaceLine(data []byte, prefix, line string) []byte {
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = line
			break
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
