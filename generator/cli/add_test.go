package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/inbox"
	"github.com/digest/digest/internal/testkit"
)

// TestAdd adds pages served on 127.0.0.1: one with OpenGraph, one with no
// metadata at all, one already in the digest under another spelling, one
// rejected before, and pages that are no pages.
func TestAdd(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(body))
		}
	}
	mux.HandleFunc("/tom-jerry", page(`<html><head>
<meta property="og:title" content="Tom &amp; Jerry&#39;s big day">
<meta property="og:description" content="A &lt;cat&gt; and a mouse, at length.">
<meta property="og:site_name" content="The Daily Example">
<meta property="og:image" content="/img/lead.jpg">
<meta property="article:published_time" content="2017-05-31T02:04:00Z">
<meta property="article:tag" content="N. Korea">
<meta name="author" content="Jane Writer">
<link rel="canonical" href="/story/tom-jerry?utm_source=share">
</head></html>`))
	mux.HandleFunc("/bare", page(`<p>Nothing but a paragraph.`))
	mux.HandleFunc("/share", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/envoy?utm_medium=social", http.StatusFound)
	})
	mux.HandleFunc("/envoy", page(`<title>Envoy</title>`))
	mux.HandleFunc("/report.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4"))
	})
	mux.HandleFunc("/gone", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	site := newSite(t, "Asia/Manila")
	testkit.WriteFile(t, filepath.Join(site, "site.yaml"), "timezone: Asia/Manila\ntag_aliases:\n  N. Korea: North Korea\n")
	testkit.WriteFile(t, filepath.Join(site, "content", "2017", "05", "envoy.md"),
		"---\ntitle: Envoy\ndate: 2017-05-30\nsource_url: "+srv.URL+"/envoy\n---\n")
	testkit.WriteFile(t, filepath.Join(site, inbox.RejectedFile), srv.URL+"/rejected\tOld\n")
	mux.HandleFunc("/rejected", page(`<title>Rejected once</title>`))
	p := func(rel string) string { return filepath.Join(site, filepath.FromSlash(rel)) }
	e := newEnv(t, "2017-06-01T00:00:00Z", terminal)

	steps := []struct {
		url            string
		code           int
		stdout, stderr string
	}{
		{srv.URL + "/tom-jerry?fbclid=x", 0, p("content/inbox/tom-jerry-s-big-day.md") + "\n", ""},
		{srv.URL + "/story/tom-jerry", 1, "",
			"digest add: " + srv.URL + "/story/tom-jerry is in the digest already: " + p("content/inbox/tom-jerry-s-big-day.md") + "\n"},
		{srv.URL + "/bare", 0, p("content/inbox/untitled.md") + "\n",
			"note: the page gives no date: the draft is dated now\nnote: the page gives no headline: write one in the draft\n"},
		// Known only once the redirect is followed.
		{srv.URL + "/share", 1, "", "digest add: " + srv.URL + "/envoy is in the digest already: " + p("content/2017/05/envoy.md") + "\n"},
		{srv.URL + "/rejected#x", 0, p("content/inbox/rejected-once.md") + "\n",
			"note: rejected.txt lists " + srv.URL + "/rejected as rejected; adding it all the same\n" +
				"note: the page gives no date: the draft is dated now\n"},
		{srv.URL + "/report.pdf", 1, "",
			"digest add: " + srv.URL + "/report.pdf is application/pdf, not a web page; digest new --url writes an article for it by hand\n"},
		{srv.URL + "/gone", 1, "", "digest add: " + srv.URL + "/gone: the server answered 404 Not Found\n"},
	}
	for _, s := range steps {
		code, stdout, stderr := runIn(t, e, "add", "-s", site, s.url)
		if code != s.code || stdout != s.stdout || stderr != s.stderr {
			t.Errorf("digest add %s = %d\nstdout %q\nstderr %q\nwant %d\nstdout %q\nstderr %q",
				s.url, code, stdout, stderr, s.code, s.stdout, s.stderr)
		}
	}

	src, err := os.ReadFile(p("content/inbox/tom-jerry-s-big-day.md"))
	if err != nil {
		t.Fatal(err)
	}
	manila, err := time.LoadLocation("Asia/Manila")
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := content.ParseArticle("tom.md", src, manila)
	if err != nil {
		t.Fatal(err)
	}
	want := content.Article{
		Title: "Tom & Jerry’s big day", Source: "The Daily Example", SourceURL: srv.URL + "/story/tom-jerry",
		Author: "Jane Writer", Image: srv.URL + "/img/lead.jpg", Tags: []string{"North Korea"}, Draft: true,
	}
	if a.Title != want.Title || a.Source != want.Source || a.SourceURL != want.SourceURL || a.Author != want.Author ||
		a.Image != want.Image || strings.Join(a.Tags, ",") != strings.Join(want.Tags, ",") || !a.Draft {
		t.Errorf("the draft reads back as %+v; want %+v", a, want)
	}
	if got := a.Date.Format("2006-01-02T15:04:05Z07:00"); got != "2017-05-31T10:04:00+08:00" {
		t.Errorf("the draft is dated %s; want the page's time in the site's timezone", got)
	}
	if !strings.Contains(string(src), inbox.Marker+"\n\nA &lt;cat> and a mouse, at length.\n") {
		t.Errorf("the draft's body lacks the page's description under the marker:\n%s", src)
	}
	if code, _, stderr := runIn(t, e, "check", "-s", site, "--drafts"); code != 0 {
		t.Errorf("digest check --drafts after adding = %d: %s", code, stderr)
	}
}
