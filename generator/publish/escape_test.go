package publish

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// TestSpareLinkToFolderOutside carries the curator's link to a folder
// outside the output from build to build, until the site gains pages
// under the link's name: the builds that stage in the spare, which holds
// the link, must write them into a folder of the site's own, never
// through the link.
func TestSpareLinkToFolderOutside(t *testing.T) {
	b := newSiteBuilder(t)
	elsewhere := filepath.Join(t.TempDir(), "elsewhere")
	testkit.WriteFile(t, filepath.Join(elsewhere, "x", "index.html"), "not digest's")
	b.build(map[string]string{"index.html": "1"})
	b.build(map[string]string{"index.html": "2"})
	if err := os.Symlink(elsewhere, filepath.Join(b.out, "a")); err != nil {
		t.Fatal(err)
	}
	b.build(map[string]string{"index.html": "3"})
	b.build(map[string]string{"index.html": "4"})
	for _, site := range []map[string]string{
		{"index.html": "5", "a/x/index.html": "digest's", "a/y/index.html": "digest's"},
		{"index.html": "6", "a/x/index.html": "digest's 2", "a/y/index.html": "digest's"},
		{"index.html": "7"},
	} {
		b.build(site)
		b.wantSite(site)
		if got := testkit.ReadTree(t, elsewhere); len(got) != 1 || got["x/index.html"] != "not digest's" {
			t.Fatalf("build %s: the folder outside the output = %v; want it as it was", site["index.html"], got)
		}
	}
}
