package generator

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/digest/digest/internal/testkit"
)

// TestDraftsMarked builds a site with a draft: with --drafts its card and
// its page say it is not published, in the site's language; without, the
// output is byte for byte the site's without the draft.
func TestDraftsMarked(t *testing.T) {
	t.Parallel()
	_, site, _ := testkit.ReadSite(t, "testdata/good.txtar")
	withDraft := maps.Clone(site)
	withDraft["content/inbox/draft.md"] = &fstest.MapFile{Data: []byte(
		"---\ntitle: Waiting in the inbox\ndate: 2017-06-29\ntags: [US]\ndraft: true\n---\nBody.\n")}

	build := func(fsys fstest.MapFS, drafts bool) map[string][]byte {
		t.Helper()
		out := &memOutput{}
		if _, err := Build(Options{Input: Input{Site: fsys, Theme: testkit.Theme(), Drafts: drafts}, Now: buildTime}, out); err != nil {
			t.Fatal(err)
		}
		return out.files
	}
	without, left := build(site, false), build(withDraft, false)
	if !maps.EqualFunc(without, left, bytes.Equal) {
		for _, name := range slices.Sorted(maps.Keys(left)) {
			if !bytes.Equal(without[name], left[name]) {
				t.Errorf("%s differs when a draft is left out", name)
			}
		}
	}

	const mark = "Draft — not published</p>"
	shown := build(withDraft, true)
	for _, name := range []string{"index.html", "2017/06/29/waiting-in-the-inbox/index.html", "tags/us/index.html"} {
		if n := strings.Count(string(shown[name]), mark); n != 1 {
			t.Errorf("%s shows the draft mark %d times; want once:\n%s", name, n, shown[name])
		}
	}
	if !strings.Contains(string(shown["2017/06/29/waiting-in-the-inbox/index.html"]), `<p class="draft-banner" role="note"`) {
		t.Error("the draft's page has no banner")
	}
	for name, data := range shown {
		if strings.HasSuffix(name, ".html") && !strings.Contains(name, "waiting") && name != "index.html" &&
			!strings.HasPrefix(name, "tags/us/") && !strings.HasPrefix(name, "2017/") && bytes.Contains(data, []byte(mark)) {
			t.Errorf("%s shows the draft mark", name)
		}
	}

	french := maps.Clone(withDraft)
	french["site.yaml"] = &fstest.MapFile{Data: append(bytes.Clone(site["site.yaml"].Data), "language: fr\n"...)}
	if page := build(french, true)["index.html"]; !bytes.Contains(page, []byte("Brouillon — non publié</p>")) {
		t.Errorf("a French site's draft is not marked in French:\n%s", page)
	}
}
