package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// TestEmail builds a site with one issue and asks for its email edition:
// in public/ by default, in the -o folder without touching public/, and
// for an issue the site does not have.
func TestEmail(t *testing.T) {
	site := t.TempDir()
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), goodArticle)
	testkit.WriteFile(t, filepath.Join(site, "content", "issues", "1.md"), "---\ndate: 2017-06-04\n---\nThe first issue.\n")
	testkit.WriteFile(t, filepath.Join(site, "site.yaml"), "base_url: https://example.org/\nemail_unsubscribe: \"%unsubscribe_url%\"\n")

	code, stdout, stderr := run(t, "email", "-s", site, "1")
	public := filepath.Join(site, "public", "issues", "1")
	if want := filepath.Join(public, "email.html") + "\n" + filepath.Join(public, "email.txt") + "\n"; code != 0 || stdout != want {
		t.Fatalf("email 1 = %d, %q (%s); want 0, %q", code, stdout, stderr, want)
	}

	out := filepath.Join(t.TempDir(), "mail")
	code, stdout, stderr = run(t, "email", "1", "-s", site, "-o", out)
	if code != 0 || stdout != filepath.Join(out, "email.html")+"\n"+filepath.Join(out, "email.txt")+"\n" {
		t.Fatalf("email 1 -o = %d, %q (%s)", code, stdout, stderr)
	}
	for _, name := range []string{"email.html", "email.txt"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		built, err := os.ReadFile(filepath.Join(public, name))
		if err != nil || string(got) != string(built) {
			t.Errorf("%s written with -o differs from the built one (%v)", name, err)
		}
		if !strings.Contains(string(got), "%unsubscribe_url%") {
			t.Errorf("%s lacks the unsubscribe placeholder", name)
		}
	}

	code, _, stderr = run(t, "email", "-s", site, "-o", out, "2")
	if code != 1 || !strings.Contains(stderr, "the site has no issue 2") {
		t.Errorf("email 2 = %d, %q; want 1 and no issue 2", code, stderr)
	}
	code, _, stderr = run(t, "email", "-s", site, "two")
	if code != 2 || !strings.Contains(stderr, `"two" is no issue number`) {
		t.Errorf("email two = %d, %q; want a usage error", code, stderr)
	}
}
