package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/digest/digest/generator/hosts"
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
