package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// TestSubscribe runs a curator's subscribing from an empty site, checking
// each step's output and the list it leaves.
func TestSubscribe(t *testing.T) {
	t.Parallel()
	site := newSite(t, "UTC")
	export, err := filepath.Abs("testdata/export.opml")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"subscriptions", "-s", site}, 0, "no subscriptions yet: \"digest subscribe URL\" adds a feed\n", ""},
		{[]string{"subscribe", "-s", site, "https://www.rappler.com/feed/#top", "--title", "Rappler", "--category", "/News/Philippines/"}, 0,
			"subscribed to https://www.rappler.com/feed/ (Rappler)\n", ""},
		{[]string{"subscribe", "-s", site, "HTTPS://Feeds.Example.ORG:443/rss.xml?fbclid=x", "--category", "Wires, /Daily/,"}, 0,
			"subscribed to https://feeds.example.org/rss.xml (feeds.example.org)\n", ""},
		// The same feeds, spelt otherwise.
		{[]string{"subscribe", "-s", site, "http://rappler.com/feed/?utm_medium=rss"}, 1, "",
			"subscriptions.opml:7: already subscribed to https://www.rappler.com/feed/\ndigest subscribe: nothing was written\n"},
		{[]string{"subscribe", "-s", site, "https://feeds.example.org/rss.xml"}, 1, "",
			"subscriptions.opml:8: already subscribed to https://feeds.example.org/rss.xml\ndigest subscribe: nothing was written\n"},
		{[]string{"subscribe", "-s", site, "https://exa mple.org/"}, 2, "",
			"digest subscribe: \"https://exa mple.org/\" is not a web address: invalid character \" \" in host name\n" +
				"usage: digest subscribe [-s DIR] [--title NAME] [--category FOLDER] URL|FILE.opml\nRun \"digest subscribe --help\" for more.\n"},
		{[]string{"subscribe", "-s", site, export}, 0,
			"imported 2 feeds from " + export + "; 1 already subscribed; 1 skipped\n",
			export + ":11: skipped: \"feed://example.org/rss\" is not a web address: it must start with http:// or https://\n"},
		// Importing again adds nothing and leaves the file alone.
		{[]string{"subscribe", "-s", site, export}, 0,
			"imported 0 feeds from " + export + "; 3 already subscribed; 1 skipped\n",
			export + ":11: skipped: \"feed://example.org/rss\" is not a web address: it must start with http:// or https://\n"},
		{[]string{"subscribe", "-s", site, export, "--title", "X"}, 2, "",
			"digest subscribe: --title and --category are for one feed's URL, not an OPML file\n" +
				"usage: digest subscribe [-s DIR] [--title NAME] [--category FOLDER] URL|FILE.opml\nRun \"digest subscribe --help\" for more.\n"},
		{[]string{"subscriptions", "-s", site}, 0,
			"FEED               URL                                          CATEGORIES        LAST FETCH\n" +
				"Rappler            https://www.rappler.com/feed/                News/Philippines  never\n" +
				"feeds.example.org  https://feeds.example.org/rss.xml            Wires, Daily      never\n" +
				"BBC News - World   https://feeds.bbci.co.uk/news/world/rss.xml  News/World        never\n" +
				"The Go Blog        https://go.dev/blog/feed.atom                -                 never\n", ""},
	}
	for _, s := range steps {
		code, stdout, stderr := run(t, s.args...)
		if code != s.code || stdout != s.stdout || stderr != s.stderr {
			t.Errorf("digest %s = %d\nstdout %q\nstderr %q\nwant %d\nstdout %q\nstderr %q",
				strings.Join(s.args, " "), code, stdout, stderr, s.code, s.stdout, s.stderr)
		}
	}
	got, err := os.ReadFile(filepath.Join(site, "subscriptions.opml"))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, "testdata/subscriptions.opml", got)
	if left, _ := filepath.Glob(filepath.Join(site, ".subscriptions-*")); len(left) > 0 {
		t.Errorf("subscribe left temporary files: %q", left)
	}
}

// TestSubscribeBadFiles checks that a malformed list, the site's or an
// imported one, is reported at its line and changes nothing.
func TestSubscribeBadFiles(t *testing.T) {
	t.Parallel()
	const broken = "<opml>\n<body>\n<outline text=\"A\" xmlUrl=\"https://a.example/f\">\n</body>\n</opml>\n"
	site := newSite(t, "UTC")
	testkit.WriteFile(t, filepath.Join(site, "mine.opml"), broken)
	testkit.WriteFile(t, filepath.Join(site, "rss.xml"), "<rss version=\"2.0\"><channel/></rss>")
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"subscribe", "-s", site, filepath.Join(site, "mine.opml")},
			filepath.Join(site, "mine.opml") + ":4: not well-formed OPML: element <outline> closed by </body>\ndigest subscribe: nothing was written\n"},
		{[]string{"subscribe", "-s", site, filepath.Join(site, "rss.xml")},
			filepath.Join(site, "rss.xml") + ":1:20: not an OPML file: its root is <rss>, not <opml>\ndigest subscribe: nothing was written\n"},
		{[]string{"subscribe", "-s", site, filepath.Join(site, "missing.opml")},
			"digest subscribe: open " + filepath.Join(site, "missing.opml") + ": no such file or directory (a feed's address starts with http:// or https://)\n"},
		{[]string{"subscribe", "-s", t.TempDir(), "https://example.org/feed"}, ""},
	}
	for _, tt := range tests {
		code, stdout, stderr := run(t, tt.args...)
		if tt.stderr == "" {
			if code != 1 || !strings.Contains(stderr, "has no content/ folder") {
				t.Errorf("digest %s = %d, %q; want 1 and no content/ folder", strings.Join(tt.args, " "), code, stderr)
			}
			continue
		}
		if code != 1 || stdout != "" || stderr != tt.stderr {
			t.Errorf("digest %s = %d\nstdout %q\nstderr %q\nwant 1 and stderr %q", strings.Join(tt.args, " "), code, stdout, stderr, tt.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(site, "subscriptions.opml")); err == nil {
		t.Errorf("a failed subscribe wrote subscriptions.opml")
	}

	// A broken subscriptions.opml of the site stops both commands.
	testkit.WriteFile(t, filepath.Join(site, "subscriptions.opml"), broken)
	for _, args := range [][]string{{"subscribe", "-s", site, "https://example.org/feed"}, {"subscriptions", "-s", site}} {
		code, _, stderr := run(t, args...)
		if code != 1 || !strings.HasPrefix(stderr, "subscriptions.opml:4: not well-formed OPML") {
			t.Errorf("digest %s with a broken list = %d, %q; want 1 and subscriptions.opml:4", strings.Join(args, " "), code, stderr)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(site, "subscriptions.opml")); string(b) != broken {
		t.Errorf("subscribe rewrote a broken subscriptions.opml:\n%s", b)
	}
}
