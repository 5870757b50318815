package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digest/digest/generator/publish"
	"github.com/digest/digest/internal/testkit"
)

// A lost build state costs a full build and one warning naming the files
// digest can no longer tell from the curator's.
func TestBuildWithLostState(t *testing.T) {
	site := t.TempDir()
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), goodArticle)
	second := strings.Replace(goodArticle, "A story", "Another story", 1)
	testkit.WriteFile(t, filepath.Join(site, "content", "b.md"), second)
	if code, _, stderr := run(t, "build", "-s", site); code != 0 {
		t.Fatalf("first build = %d, %q", code, stderr)
	}
	if entries, err := os.ReadDir(filepath.Join(site, publish.StateDir, "build")); err != nil || len(entries) != 1 {
		t.Fatalf("no build state in the site folder: %v", err)
	}
	if err := os.RemoveAll(filepath.Join(site, publish.StateDir)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(site, "content", "b.md")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "build", "-s", site)
	if code != 0 || !strings.Contains(stdout, " 0 unchanged") {
		t.Errorf("build without state = %d, %q; want every file written", code, stdout)
	}
	if strings.Count(stderr, "warning:") != 1 || !strings.Contains(stderr, "2017/05/31/another-story/index.html") ||
		!strings.Contains(stderr, "no record of them") {
		t.Errorf("stderr = %q; want one warning naming the other story's page", stderr)
	}
	if _, err := os.Stat(filepath.Join(site, "public", "2017", "05", "31", "another-story", "index.html")); err != nil {
		t.Errorf("a file no state describes was removed: %v", err)
	}
	if code, _, stderr = run(t, "build", "-s", site); code != 0 || strings.Contains(stderr, "warning") {
		t.Errorf("next build = %d, %q; want no warning", code, stderr)
	}
}
