package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/internal/testkit"
)

// TestFetch runs a curator's session: subscribe to three feeds, one of
// them gone, fetch twice, list the subscriptions, check the site with
// its drafts. The Gazette, subscribed without --title, is named by its
// own title once fetched.
func TestFetch(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	for path, file := range map[string]string{"/gazette.xml": "rss2.xml", "/atom.xml": "atom.xml"} {
		body, err := os.ReadFile(filepath.Join("..", "fetch", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Last-Modified", "Sat, 28 Nov 2026 10:00:00 GMT")
			if r.Header.Get("If-Modified-Since") != "" {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Write(body)
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	site := newSite(t, "Europe/Berlin")
	clock := env{clock: func() time.Time { return testkit.Time(t, "2026-11-29T12:00:00Z") }}
	steps := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"fetch", "-s", site}, 0, "no subscriptions yet: \"digest subscribe URL\" adds a feed\n", ""},
		{[]string{"subscribe", "-s", site, srv.URL + "/gone.xml", "--title", "Gone"}, 0, "subscribed to SERVER/gone.xml (Gone)\n", ""},
		{[]string{"fetch", "-s", site}, 1,
			"Gone  error: SERVER/gone.xml: the server answered 404 Not Found\n" +
				"0 new drafts in content/inbox/, 0 already seen, from 1 feed; 1 failed\n",
			"digest fetch: every feed failed\n"},
		{[]string{"subscribe", "-s", site, srv.URL + "/gazette.xml"}, 0, "subscribed to SERVER/gazette.xml (127.0.0.1)\n", ""},
		{[]string{"subscribe", "-s", site, srv.URL + "/atom.xml", "--title", "Ada"}, 0, "subscribed to SERVER/atom.xml (Ada)\n", ""},
		{[]string{"fetch", "-s", site}, 0,
			"Gone  error: SERVER/gone.xml: the server answered 404 Not Found\n" +
				"The Harbour Gazette  6 new, 1 already seen, 1 without a link\n" +
				"Ada  2 new, 0 already seen\n" +
				"8 new drafts in content/inbox/, 1 already seen, from 3 feeds; 1 failed\n", ""},
		{[]string{"fetch", "-s", site}, 0,
			"Gone  error: SERVER/gone.xml: the server answered 404 Not Found\n" +
				"The Harbour Gazette  not modified\n" +
				"Ada  not modified\n" +
				"0 new drafts in content/inbox/, 0 already seen, from 3 feeds; 1 failed\n", ""},
		{[]string{"subscriptions", "-s", site}, 0,
			"FEED  URL  CATEGORIES  LAST FETCH\n" +
				"Gone  SERVER/gone.xml  -  2026-11-29 13:00 (failed)\n" +
				"The Harbour Gazette  SERVER/gazette.xml  -  2026-11-29 13:00\n" +
				"Ada  SERVER/atom.xml  -  2026-11-29 13:00\n", ""},
	}
	// The columns' widths depend on the server's port.
	columns := regexp.MustCompile(`   +`)
	for _, s := range steps {
		code, stdout, stderr := runIn(t, clock, s.args...)
		stdout = columns.ReplaceAllString(strings.ReplaceAll(stdout, srv.URL, "SERVER"), "  ")
		stderr = strings.ReplaceAll(stderr, srv.URL, "SERVER")
		if code != s.code || stdout != s.stdout || stderr != s.stderr {
			t.Errorf("digest %s = %d\nstdout %q\nstderr %q\nwant %d\nstdout %q\nstderr %q",
				strings.Join(s.args, " "), code, stdout, stderr, s.code, s.stdout, s.stderr)
		}
	}
	// The drafts are articles the build reads; how many files they make
	// is the theme's business.
	if code, stdout, stderr := runIn(t, clock, "check", "-s", site, "--drafts"); code != 0 || !strings.HasPrefix(stdout, "ok: 8 articles, ") || stderr != "" {
		t.Errorf("digest check --drafts = %d\nstdout %q\nstderr %q; want 0 and 8 articles", code, stdout, stderr)
	}
	drafts, err := filepath.Glob(filepath.Join(site, "content", "inbox", "*.md"))
	if err != nil || len(drafts) != 8 {
		t.Errorf("%d drafts in content/inbox; want 8", len(drafts))
	}
	if _, err := os.Stat(filepath.Join(site, ".digest", "fetch")); err != nil {
		t.Errorf("no fetch state in .digest/fetch: %v", err)
	}
}
