package fetch

import (
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/digest/digest/generator/inbox"
	"github.com/digest/digest/generator/opml"
	"github.com/digest/digest/generator/web"
	"github.com/digest/digest/internal/testkit"
)

// now is when the tests fetch.
var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// feedServer serves testdata's feeds, each in a way a real server may:
// with a wrong content type, gzipped, conditionally, redirected, broken,
// too large, too slow, in a loop. It counts the full answers of /rss2.
type feedServer struct {
	*httptest.Server
	mu   sync.Mutex // guards full
	full map[string]int
}

func newFeedServer(t *testing.T) *feedServer {
	t.Helper()
	file := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	fs := &feedServer{full: map[string]int{}}
	mux := http.NewServeMux()
	static := func(path, name, ctype string) {
		body := file(name)
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			const etag = `"fixture-1"`
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fs.mu.Lock()
			fs.full[path]++
			fs.mu.Unlock()
			w.Header().Set("ETag", etag)
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		})
	}
	// The Harbour Gazette is served as text/html, as some servers do.
	static("/rss2.xml", "rss2.xml", "text/html; charset=utf-8")
	static("/gazette-copy.xml", "rss2.xml", "application/rss+xml")
	static("/rss1.rdf", "rss1.rdf", "application/rdf+xml")
	static("/rss091.xml", "rss091.xml", "text/xml")
	static("/feed.json", "feed.json", "application/feed+json")
	static("/malformed.xml", "malformed.xml", "application/rss+xml")
	static("/broken.json", "broken.json", "application/json")
	static("/page.html", "page.html", "text/html")
	rss2 := file("rss2.xml")
	mux.HandleFunc("/truncated.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Write(rss2[:len(rss2)*2/3])
	})
	atom := file("atom.xml")
	mux.HandleFunc("/atom.xml", func(w http.ResponseWriter, r *http.Request) {
		// Without a validator: a fetch again reads it whole, and finds
		// its items seen.
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(atom)
		zw.Close()
	})
	mux.HandleFunc("/moved.rdf", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/rss1.rdf", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) })
	mux.HandleFunc("/loop-b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-a", http.StatusFound) })
	mux.HandleFunc("/gone.xml", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/slow.xml", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/huge.xml", func(w http.ResponseWriter, r *http.Request) {
		// 50 MB of items, made as they are sent.
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>`)
		item := []byte(strings.Repeat(`<item><title>Filler</title><link>https://huge.example/x</link></item>`, 100))
		for sent := 0; sent < 50<<20; sent += len(item) {
			if _, err := w.Write(item); err != nil {
				return
			}
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	fs.Server = httptest.NewServer(mux)
	t.Cleanup(fs.Close)
	return fs
}

// subscriptions are the test's feeds, the Gazette's named by its host,
// as digest subscribe names a feed given no --title.
func (fs *feedServer) subscriptions() []opml.Feed {
	feeds := []opml.Feed{{Title: "127.0.0.1", URL: fs.URL + "/rss2.xml"}}
	for _, f := range []struct{ title, path string }{
		{"Science Weekly", "/moved.rdf"},
		{"Old Town Crier", "/rss091.xml"},
		{"Ada's blog", "/atom.xml"},
		{"", "/feed.json"},
		{"Gazette again", "/gazette-copy.xml"},
		{"Broken", "/malformed.xml"},
		{"Truncated", "/truncated.xml"},
		{"Cut short", "/broken.json"},
		{"A page", "/page.html"},
		{"Gone", "/gone.xml"},
		{"Slow", "/slow.xml"},
		{"Loop", "/loop-a"},
		{"Huge", "/huge.xml"},
	} {
		feeds = append(feeds, opml.Feed{Title: f.title, URL: fs.URL + f.path})
	}
	return feeds
}

func testOptions(site string) Options {
	c := web.New("test")
	c.Timeout, c.HeaderTimeout, c.IdleTimeout = 20*time.Second, time.Second, 5*time.Second
	return Options{
		Site:     site,
		Client:   c,
		Aliases:  map[string]string{"Local politics": "Politics", "Wetter": "Weather"},
		Location: time.UTC,
		Now:      now,
	}
}

// run runs Run on the site's content and returns its outcomes' lines,
// the server's address written as http://feeds.test.
func run(t *testing.T, fs *feedServer, opt Options) string {
	t.Helper()
	seen, err := inbox.LoadSeen(os.DirFS(opt.Site))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, o := range Run(context.Background(), fs.subscriptions(), seen, opt) {
		fmt.Fprintf(&b, "%s: %s\n", o.Feed.URL, o.Line())
	}
	return strings.ReplaceAll(b.String(), fs.URL, "http://feeds.test")
}

// inboxArchive is the drafts in the site's inbox.
func inboxArchive(t *testing.T, fs *feedServer, site string) *txtar.Archive {
	t.Helper()
	ar := &txtar.Archive{}
	for name, data := range testkit.ReadTree(t, filepath.Join(site, "content", "inbox")) {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(strings.ReplaceAll(data, fs.URL, "http://feeds.test"))})
	}
	slices.SortFunc(ar.Files, func(a, b txtar.File) int { return strings.Compare(a.Name, b.Name) })
	return ar
}

func TestRun(t *testing.T) {
	fs := newFeedServer(t)
	site := t.TempDir()
	opt := testOptions(site)

	testkit.Golden(t, "testdata/first.golden", []byte(run(t, fs, opt)))
	testkit.GoldenArchive(t, "testdata/drafts.txtar", inboxArchive(t, fs, site))

	// The second run adds nothing: the Gazette is not modified, and the
	// Atom feed, sent again, has only items seen.
	before := testkit.ReadTree(t, site)
	testkit.Golden(t, "testdata/second.golden", []byte(run(t, fs, opt)))
	after := testkit.ReadTree(t, site)
	for name := range after {
		if _, ok := before[name]; !ok && strings.HasPrefix(name, "content/") {
			t.Errorf("the second run wrote %s", name)
		}
	}
	fs.mu.Lock()
	sent := fs.full["/rss2.xml"]
	fs.mu.Unlock()
	if sent != 1 {
		t.Errorf("the Gazette was sent whole %d times; want once, then 304", sent)
	}

	// Without its state, fetch downloads everything again, and finds
	// every story in the drafts.
	if err := os.RemoveAll(StateDir(site)); err != nil {
		t.Fatal(err)
	}
	third := run(t, fs, opt)
	if regexp.MustCompile(`: [1-9][0-9]* new`).MatchString(third) || strings.Count(third, ": 0 new,") != 7 {
		t.Errorf("after losing the state, fetch found new stories:\n%s", third)
	}
	if n := len(inboxArchive(t, fs, site).Files); n != 15 {
		t.Errorf("%d drafts after three runs; want the first run's 15", n)
	}
}

// TestRejected checks that a story in rejected.txt, or published, does
// not come back.
func TestRejected(t *testing.T) {
	fs := newFeedServer(t)
	site := t.TempDir()
	testkit.WriteFile(t, filepath.Join(site, inbox.RejectedFile), "# turned down\nhttps://gazette.example.org/2026/11/ferry-terminal\tCouncil approves\n")
	testkit.WriteFile(t, filepath.Join(site, "content/2026/11/bees.md"), "---\ntitle: Bees\ndate: 2026-11-23\nsource_url: http://www.science.example.net/bees?utm_campaign=x\n---\nBees.\n")
	opt := testOptions(site)
	seen, err := inbox.LoadSeen(os.DirFS(site))
	if err != nil {
		t.Fatal(err)
	}
	out := Run(context.Background(), fs.subscriptions()[:2], seen, opt)
	if got := out[0].Line(); got != "5 new, 2 already seen, 1 without a link" {
		t.Errorf("the Gazette with one story rejected: %s; want 5 new, 2 already seen, 1 without a link", got)
	}
	if got := out[1].Line(); got != "1 new, 1 already seen" {
		t.Errorf("Science Weekly with one story published: %s; want 1 new, 1 already seen", got)
	}
}

func TestStateKept(t *testing.T) {
	fs := newFeedServer(t)
	site := t.TempDir()
	opt := testOptions(site)
	run(t, fs, opt)
	st := LoadState(site, fs.URL+"/rss2.xml")
	if st.Title != "The Harbour Gazette" || st.ETag != `"fixture-1"` || !st.Fetched.Equal(now) || st.Failed || st.Result != "6 new, 1 already seen, 1 without a link" {
		t.Errorf("state of the Gazette = %+v", st)
	}
	want := []string{"gazette-48213", "gazette-48207", "https://gazette.example.org/?p=48199", "gazette-48190", "gazette-48188", "https://gazette.example.org/2026/11/lifeboat"}
	if !slices.Equal(st.GUIDs, want) {
		t.Errorf("GUIDs = %q; want %q", st.GUIDs, want)
	}
	// A spelling of the feed's address with www. and a tracking
	// parameter shares its state.
	if other := LoadState(site, strings.Replace(fs.URL, "http://", "https://", 1)+"/rss2.xml?utm_source=x"); other.ETag != st.ETag {
		t.Errorf("another spelling of the feed's address has state %+v", other)
	}
	gone := LoadState(site, fs.URL+"/gone.xml")
	if !gone.Failed || !strings.Contains(gone.Result, "404 Not Found") {
		t.Errorf("state of a 404 = %+v; want failed", gone)
	}
	for _, name := range []string{"public", "content"} {
		if _, err := os.Stat(filepath.Join(site, name, ".digest")); err == nil {
			t.Errorf("state written into %s/", name)
		}
	}
}

// TestStateCorrupt checks that a state file that cannot be read is a
// fresh start, not an error.
func TestStateCorrupt(t *testing.T) {
	site := t.TempDir()
	const feed = "https://example.org/feed.xml"
	st := &State{URL: feed, Validators: web.Validators{ETag: `"x"`}, GUIDs: []string{"a"}}
	if err := SaveState(site, st); err != nil {
		t.Fatal(err)
	}
	if got := LoadState(site, feed); got.ETag != `"x"` || !slices.Equal(got.GUIDs, []string{"a"}) {
		t.Fatalf("LoadState after SaveState = %+v", got)
	}
	file := stateFile(site, feed)
	for _, data := range []string{"", "{", "null", `{"url": 3}`, "\x00\xff", `{"url": "https://example.org/other.xml", "etag": "\"x\""}`} {
		if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		got := LoadState(site, feed)
		if got.ETag != "" || len(got.GUIDs) > 0 || got.URL != feed {
			t.Errorf("LoadState of %q = %+v; want a fresh start", data, got)
		}
	}
	entries, _ := os.ReadDir(StateDir(site))
	if len(entries) != 1 {
		t.Errorf("the state folder holds %d files; want 1, no temporary file left", len(entries))
	}
}

func TestRemember(t *testing.T) {
	st := &State{}
	var old []string
	for i := range maxGUIDs {
		old = append(old, fmt.Sprint("old-", i))
	}
	st.remember(old)
	st.remember([]string{"new-1", "old-0", "new-2"})
	if len(st.GUIDs) != maxGUIDs {
		t.Errorf("%d GUIDs remembered; want %d", len(st.GUIDs), maxGUIDs)
	}
	if last := st.GUIDs[len(st.GUIDs)-3:]; !slices.Equal(last, []string{"new-1", "old-0", "new-2"}) {
		t.Errorf("the last GUIDs are %q; want the feed's own, in its order", last)
	}
	if slices.Contains(st.GUIDs, "old-1") || slices.Contains(st.GUIDs, "old-2") || !slices.Contains(st.GUIDs, "old-3") {
		t.Error("remember did not forget the oldest GUIDs first")
	}
}

// FuzzLoadState checks that no state file makes LoadState fail or
// return another feed's state.
func FuzzLoadState(f *testing.F) {
	f.Add([]byte(`{"url":"https://example.org/f","etag":"\"1\"","guids":["a","b"],"fetched":"2026-11-29T12:00:00Z"}`))
	f.Add([]byte(`{"url":"https://example.org/f","fetched":"yesterday"}`))
	f.Add([]byte(`[]`))
	site := f.TempDir()
	const feed = "https://example.org/f"
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.MkdirAll(StateDir(site), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(stateFile(site, feed), data, 0o644); err != nil {
			t.Fatal(err)
		}
		st := LoadState(site, feed)
		if st == nil || st.URL != feed {
			t.Fatalf("LoadState(%q) = %+v", data, st)
		}
	})
}

func TestName(t *testing.T) {
	for _, tt := range []struct{ given, url, title, want string }{
		{"BBC World", "https://feeds.bbci.co.uk/news/world/rss.xml", "BBC News - World", "BBC World"},
		{"feeds.bbci.co.uk", "https://feeds.bbci.co.uk/news/world/rss.xml", "BBC News - World", "BBC News - World"},
		{"", "https://feeds.bbci.co.uk/news/world/rss.xml", "  BBC &amp; World\n", "BBC & World"},
		{"feeds.bbci.co.uk", "https://feeds.bbci.co.uk/news/world/rss.xml", "", "feeds.bbci.co.uk"},
		{"", "not a url", "", "not a url"},
	} {
		if got := Name(opml.Feed{Title: tt.given, URL: tt.url}, tt.title); got != tt.want {
			t.Errorf("Name(%q, %q) = %q; want %q", tt.given, tt.title, got, tt.want)
		}
	}
}
