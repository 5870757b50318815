package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/generator/hosts"
	"github.com/digest/digest/generator/publish"
	"github.com/digest/digest/internal/testkit"
)

// TestHostWarning builds a small site against made-up limits it passes and
// checks the one warning it gets, and that the real limits give none.
func TestHostWarning(t *testing.T) {
	site := t.TempDir()
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), goodArticle)
	testkit.WriteFile(t, filepath.Join(site, "content", "b.md"), strings.Replace(goodArticle, "A story", "Another story", 1))

	code, _, stderr := run(t, "build", "-s", site, "--quiet")
	if code != 0 || stderr != "" {
		t.Fatalf("build within the hosts' limits = %d, stderr %q; want 0 and nothing", code, stderr)
	}

	tiny := env{limits: []hosts.Limit{{Host: "Tiny Pages", Files: 10}}}
	code, _, stderr = runIn(t, tiny, "build", "-s", site, "-o", filepath.Join(site, "other"), "--quiet")
	if code != 0 {
		t.Fatalf("build = %d: %s", code, stderr)
	}
	want := regexp.MustCompile(`^warning: the output passes Tiny Pages' limit of 10 files \(it has \d\d\); ` +
		`the biggest contributors: (\w[\w ]* \d+ files? \d+ kB, ){3}\w[\w ]* \d+ files? \d+ kB; in site\.yaml, .*disable: \[search\] \(search index\).* would shrink it\n$`)
	if !want.MatchString(stderr) {
		t.Errorf("stderr = %q; want one warning matching %s", stderr, want)
	}
}

// TestHostWarningSizes checks that the warning measures the site as it is
// on disk, from the sizes the build state keeps: after the build that
// wrote the files, and after one that kept them all unmade.
func TestHostWarningSizes(t *testing.T) {
	site := t.TempDir()
	article := filepath.Join(site, "content", "a.md")
	testkit.WriteFile(t, article, goodArticle)
	out := filepath.Join(site, "public")
	tiny := env{limits: []hosts.Limit{{Host: "Tiny Pages", SiteSize: 1}}}
	build := func() string {
		t.Helper()
		code, _, stderr := runIn(t, tiny, "build", "-s", site, "--quiet")
		if code != 0 {
			t.Fatalf("build = %d: %s", code, stderr)
		}
		return stderr
	}
	first := build()
	var total int64
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == publish.Marker {
			return err
		}
		info, err := d.Info()
		total += info.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("limit of 0 kB for a site (it has %.0f kB)", float64(total)/1e3); !strings.Contains(first, want) {
		t.Errorf("first build: stderr = %q; want %q", first, want)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(article, later, later); err != nil {
		t.Fatal(err)
	}
	if again := build(); again != first {
		t.Errorf("a build that kept every file: stderr = %q; want %q, as the build that wrote them", again, first)
	}
}
