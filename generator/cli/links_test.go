package cli

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// TestCheckLinks checks a site's links against a server on 127.0.0.1:
// dead ones are reported at their lines, as warnings, or errors with
// --strict, and a second check within the day asks nothing.
func TestCheckLinks(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if strings.HasPrefix(r.URL.Path, "/gone") {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	site := newSite(t, "UTC")
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"),
		"---\ntitle: A\ndate: 2017-05-31\nsource_url: "+srv.URL+"/story\n---\n"+
			"See [the report]("+srv.URL+"/gone/report) and "+srv.URL+"/story.\n")
	testkit.WriteFile(t, filepath.Join(site, "content", "b.md"),
		"---\ntitle: B\ndate: 2017-05-31\n\nsource_url: "+srv.URL+"/gone/b\n---\nNo links.\n")
	testkit.WriteFile(t, filepath.Join(site, "content", "draft.md"),
		"---\ntitle: Draft\ndate: 2017-05-31\ndraft: true\nsource_url: "+srv.URL+"/gone/draft\n---\n")
	testkit.WriteFile(t, filepath.Join(site, "content", "pages", "about.md"),
		"---\ntitle: About\n---\nWrite to us at <"+srv.URL+"/gone/contact>.\n")
	e := newEnv(t, "2017-06-01T00:00:00Z", terminal)
	dead := "content/a.md:6: dead link SERVER/gone/report: the server answered 404 Not Found\n" +
		"content/b.md:5: dead link SERVER/gone/b: the server answered 404 Not Found\n" +
		"content/pages/about.md:4: dead link SERVER/gone/contact: the server answered 404 Not Found\n"
	steps := []struct {
		args           []string
		code           int
		stdout, stderr string
		requests       int32
	}{
		{[]string{"check", "-s", site, "--links"}, 0,
			"ok: 2 articles, 0 tags, 13 pages (30 files); left out 1 draft (--drafts to include)\n" +
				"links: 5 links, 4 checked now, 0 from the last day's checks; 3 dead\n",
			strings.ReplaceAll("warning: "+dead, "\ncontent", "\nwarning: content"), 4},
		{[]string{"check", "-s", site, "--links", "--strict"}, 1,
			"ok: 2 articles, 0 tags, 13 pages (30 files); left out 1 draft (--drafts to include)\n" +
				"links: 5 links, 0 checked now, 4 from the last day's checks; 3 dead\n",
			dead + "digest check: 3 dead links\n", 0},
		{[]string{"check", "-s", site, "--strict"}, 2, "",
			"digest check: --strict is for --links: dead links are warnings unless it is given\n" +
				"usage: digest check [-s DIR] [--drafts] [--future] [--verbose] [--links [--strict]]\nRun \"digest check --help\" for more.\n", 0},
	}
	for _, s := range steps {
		before := requests.Load()
		code, stdout, stderr := runIn(t, e, s.args...)
		stdout, stderr = strings.ReplaceAll(stdout, srv.URL, "SERVER"), strings.ReplaceAll(stderr, srv.URL, "SERVER")
		if code != s.code || stdout != s.stdout || stderr != s.stderr || requests.Load()-before != s.requests {
			t.Errorf("digest %s = %d after %d requests\nstdout %q\nstderr %q\nwant %d after %d\nstdout %q\nstderr %q",
				strings.Join(s.args, " "), code, requests.Load()-before, stdout, stderr, s.code, s.requests, s.stdout, s.stderr)
		}
	}
}
