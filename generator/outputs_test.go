package generator

import (
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/digest/digest/internal/testkit"
)

// TestDisable builds the basic test site with each kind of output switched
// off, and checks that no file of that kind is written and that no file
// links to one: every link and sitemap entry in the site leads to a file
// the build wrote.
func TestDisable(t *testing.T) {
	day := regexp.MustCompile(`^\d{4}/\d\d/\d\d/index\.html$`)
	for _, tt := range []struct {
		disable string
		// gone reports whether a file of the full site is of the kind
		// switched off.
		gone func(name string) bool
	}{
		{"sources", func(n string) bool { return strings.HasPrefix(n, "sources/") }},
		{"tag_feeds", func(n string) bool { return strings.HasPrefix(n, "tags/") && strings.HasSuffix(n, ".xml") }},
		{"source_feeds", func(n string) bool { return strings.HasPrefix(n, "sources/") && strings.HasSuffix(n, ".xml") }},
		{"days", day.MatchString},
		{"search", func(n string) bool { return strings.HasPrefix(n, "search/") || n == "search.js" }},
	} {
		t.Run(tt.disable, func(t *testing.T) {
			_, fsys, _ := testkit.ReadSite(t, "testdata/sites/basic.txtar")
			full, _, err := build(t, fsys)
			if err != nil {
				t.Fatal(err)
			}
			var gone []string
			for name := range full.files {
				if tt.gone(name) {
					gone = append(gone, name)
				}
			}
			if len(gone) == 0 {
				t.Fatalf("the full site has no file of the kind %s", tt.disable)
			}

			off := withConfig(fsys, "disable: ["+tt.disable+"]\n")
			out, _, err := build(t, off)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range slices.Sorted(maps.Keys(out.files)) {
				if tt.gone(name) {
					t.Errorf("disable: [%s] writes %s", tt.disable, name)
				}
			}
			checkLinks(t, out, "https://example.org/news/")
			if len(out.files) >= len(full.files) {
				t.Errorf("disable: [%s]: %d files; want fewer than the full site's %d", tt.disable, len(out.files), len(full.files))
			}
		})
	}
}

// TestEnableAtom checks that enable brings the tag and source Atom feeds
// back, announced on their pages.
func TestEnableAtom(t *testing.T) {
	_, fsys, _ := testkit.ReadSite(t, "testdata/sites/basic.txtar")
	out, stats, err := build(t, withConfig(fsys, "enable: [tag_atom, source_atom]\n"))
	if err != nil {
		t.Fatal(err)
	}
	// Every file has a kind, for the warning about hosts' limits.
	if len(stats.Outputs) != len(out.files) {
		t.Errorf("stats list %d outputs; the build wrote %d files", len(stats.Outputs), len(out.files))
	}
	for _, f := range stats.Outputs {
		if f.Kind == nil {
			t.Errorf("%s has no kind", f.Path)
		}
	}
	for _, name := range []string{"tags/china/atom.xml", "sources/reuters/atom.xml"} {
		if _, ok := out.files[name]; !ok {
			t.Errorf("enable: [tag_atom, source_atom] writes no %s", name)
		}
	}
	for page, feed := range map[string]string{"tags/china/index.html": "/news/tags/china/atom.xml", "sources/reuters/index.html": "/news/sources/reuters/atom.xml"} {
		if n := strings.Count(string(out.files[page]), `href="`+feed+`"`); n != 3 {
			t.Errorf("%s links %s %d times; want 3 (the alternate link, Follow in the header and the footer)", page, feed, n)
		}
	}
	checkLinks(t, out, "https://example.org/news/")
}

// withConfig adds lines to a site's site.yaml.
func withConfig(fsys fstest.MapFS, lines string) fstest.MapFS {
	out := fstest.MapFS{}
	for name, f := range fsys {
		out[name] = f
	}
	cfg := string(fsys["site.yaml"].Data)
	out["site.yaml"] = &fstest.MapFile{Data: []byte(cfg + lines)}
	return out
}

var linkRe = regexp.MustCompile(`(?:href|src)="([^"]*)"|<loc>([^<]*)</loc>`)

// checkLinks checks that every link in the site's HTML and XML files that
// stays on the site leads to a file of the site.
func checkLinks(t *testing.T, out *memOutput, base string) {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(out.files)) {
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".xml") {
			continue
		}
		for _, m := range linkRe.FindAllStringSubmatch(string(out.files[name]), -1) {
			link := m[1] + m[2]
			u, err := url.Parse(strings.ReplaceAll(link, "&amp;", "&"))
			if err != nil || (u.Host != "" && u.Host != b.Host) || (u.Scheme != "" && u.Host == "") {
				continue // off the site, or not a page
			}
			if u.Path == "" {
				continue // a link within the page
			}
			// Every link of the site starts with base's path; the file
			// is below the output folder without it.
			file, ok := strings.CutPrefix(u.Path, b.Path)
			if !ok {
				t.Errorf("%s links %s, outside %s", name, link, b.Path)
				continue
			}
			if file == "" || strings.HasSuffix(file, "/") {
				file += "index.html"
			}
			if _, ok := out.files[file]; !ok {
				t.Errorf("%s links %s, which the site does not have", name, link)
			}
		}
	}
}
