package serve

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digest/digest/generator"
	"github.com/digest/digest/internal/testkit"
)

const article = "---\ntitle: A story\ndate: 2017-05-31\ntags: [China]\n---\nFirst version.\n"

// newSite writes a small site and starts a server for it.
func newSite(t *testing.T) (dir string, s *Server, ts *httptest.Server) {
	t.Helper()
	dir = t.TempDir()
	testkit.WriteFile(t, filepath.Join(dir, "content", "a.md"), article)
	s = New(generator.SessionOptions{Input: generator.Input{Site: os.DirFS(dir), Theme: testkit.Theme(), BaseURL: "http://127.0.0.1/"}}, io.Discard)
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	ts = httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return dir, s, ts
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func TestServePaths(t *testing.T) {
	dir, _, ts := newSite(t)
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "layouts", "static", "passwd")); err != nil {
		if err := os.MkdirAll(filepath.Join(dir, "layouts", "static"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/etc/passwd", filepath.Join(dir, "layouts", "static", "passwd")); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		path     string
		status   int
		typ      string
		contains string
	}{
		{"/", 200, "text/html; charset=utf-8", EventsPath},
		{"/2017/05/31/a-story/", 200, "text/html; charset=utf-8", "First version."},
		{"/tags/china/", 200, "text/html; charset=utf-8", "A story"},
		{"/tags/china", 302, "", ""},
		{"/feed.xml", 200, "application/xml; charset=utf-8", "<rss"},
		{"/feed.json", 200, "application/json", "jsonfeed.org"},
		{"/feeds.opml", 200, "text/x-opml; charset=utf-8", "/tags/china/feed.xml\""},
		{"/style.css", 200, "text/css; charset=utf-8", "{"},
		{"/nope/", 404, "text/html; charset=utf-8", "Page not found"},
		{"/../../etc/passwd", 404, "", "Page not found"},
		{"/%2e%2e/%2e%2e/etc/passwd", 404, "", "Page not found"},
		{"/tags/..%2f..%2f..%2fetc/passwd", 404, "", "Page not found"},
		{"/passwd", 404, "", "Page not found"},
	}
	for _, tt := range tests {
		status, body, h := get(t, ts.URL+tt.path)
		if status != tt.status || !strings.Contains(body, tt.contains) || (tt.typ != "" && h.Get("Content-Type") != tt.typ) {
			t.Errorf("GET %s = %d %q, body has %q: %v; want %d %q", tt.path, status, h.Get("Content-Type"), tt.contains,
				strings.Contains(body, tt.contains), tt.status, tt.typ)
		}
		if strings.Contains(body, "root:") {
			t.Errorf("GET %s leaked /etc/passwd", tt.path)
		}
	}
	if _, _, h := get(t, ts.URL+"/tags/china"); h.Get("Location") != "/tags/china/" {
		t.Errorf("/tags/china redirects to %q", h.Get("Location"))
	}
	if _, _, h := get(t, ts.URL+"/search?q=china+story"); h.Get("Location") != "/search/?q=china+story" {
		t.Errorf("/search?q=china+story redirects to %q", h.Get("Location"))
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
		t.Errorf("serve wrote public/: %v", err)
	}
}

// TestServeUnderPath serves a site whose base_url has a path at that path
// on the server's own address, as digest serve does.
func TestServeUnderPath(t *testing.T) {
	dir := t.TempDir()
	testkit.WriteFile(t, filepath.Join(dir, "site.yaml"), "base_url: https://someone.github.io/my-digest/\n")
	testkit.WriteFile(t, filepath.Join(dir, "content", "a.md"), article+"See [China](/tags/china/).\n")
	s := New(generator.SessionOptions{Input: generator.Input{Site: os.DirFS(dir), Theme: testkit.Theme(), Origin: "http://127.0.0.1:1313"}}, io.Discard)
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	for _, tt := range []struct {
		path     string
		status   int
		location string // for a redirect
		contains string
	}{
		{"/", 302, "/my-digest/", ""},
		{"/?q=x", 302, "/my-digest/?q=x", ""},
		{"/my-digest", 302, "/my-digest/", ""},
		{"/my-digest/", 200, "", `<link rel="stylesheet" href="/my-digest/style.css">`},
		{"/my-digest/2017/05/31/a-story/", 200, "", `<a href="/my-digest/tags/china/">China</a>`},
		{"/my-digest/tags/china/", 200, "", `href="/my-digest/2017/05/31/a-story/"`},
		{"/my-digest/tags/china", 302, "/my-digest/tags/china/", ""},
		{"/my-digest/search?q=china", 302, "/my-digest/search/?q=china", ""},
		{"/my-digest/style.css", 200, "", "{"},
		{"/my-digest/search.js", 200, "", "search/"},
		{"/my-digest/feed.xml", 200, "", "<link>http://127.0.0.1:1313/my-digest/2017/05/31/a-story/</link>"},
		{"/my-digest/robots.txt", 200, "", "Sitemap: http://127.0.0.1:1313/my-digest/sitemap.xml"},
		{"/my-digest/nope/", 404, "", `href="/my-digest/tags/"`},
		{"/tags/china/", 404, "", "Page not found"},
		{"/style.css", 404, "", "Page not found"},
		{"/my-digestive/", 404, "", "Page not found"},
		{"/my-digest/../etc/passwd", 404, "", "Page not found"},
	} {
		status, body, h := get(t, ts.URL+tt.path)
		if status != tt.status || h.Get("Location") != tt.location || !strings.Contains(body, tt.contains) {
			t.Errorf("GET %s = %d, Location %q, body has %q: %v; want %d, Location %q",
				tt.path, status, h.Get("Location"), tt.contains, strings.Contains(body, tt.contains), tt.status, tt.location)
		}
	}
}

// stream opens the event stream and returns its lines.
func stream(t *testing.T, ctx context.Context, url string) <-chan string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+EventsPath, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	if first := <-lines; first != ": digest" {
		t.Fatalf("stream starts with %q", first)
	}
	return lines
}

// reloaded waits for the event that follows a good write, skipping the
// errors of a build that read the file half written: os.WriteFile empties
// the file before it writes, as many editors do, and a loaded machine may
// build in between. It returns the first event that is not an error.
func reloaded(t *testing.T, lines <-chan string) string {
	t.Helper()
	for {
		if name, _ := next(t, lines); name != "error" {
			return name
		}
	}
}

// next returns the next event's name and data.
func next(t *testing.T, lines <-chan string) (string, string) {
	t.Helper()
	var name string
	timeout := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the stream ended")
			}
			if n, ok := strings.CutPrefix(l, "event: "); ok {
				name = n
			}
			if d, ok := strings.CutPrefix(l, "data: "); ok {
				return name, d
			}
		case <-timeout:
			t.Fatal("no event within 5s")
		}
	}
}

func TestReloadAndErrorOverlay(t *testing.T) {
	dir, s, ts := newSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watch(t, ctx, s, dir)
	lines := stream(t, ctx, ts.URL)

	testkit.WriteFile(t, filepath.Join(dir, "content", "a.md"), strings.Replace(article, "First", "Second", 1))
	if name := reloaded(t, lines); name != "reload" {
		t.Fatalf("event after an edit = %q; want reload", name)
	}
	if _, body, _ := get(t, ts.URL+"/2017/05/31/a-story/"); !strings.Contains(body, "Second version.") {
		t.Error("the edit is not served after the reload event")
	}

	// A new folder with a new article is picked up.
	testkit.WriteFile(t, filepath.Join(dir, "content", "2017", "06", "b.md"), "---\ntitle: Another\ndate: 2017-06-01\n---\nB.\n")
	if name := reloaded(t, lines); name != "reload" {
		t.Fatalf("event after a new folder = %q; want reload", name)
	}
	if status, _, _ := get(t, ts.URL+"/2017/06/01/another/"); status != 200 {
		t.Errorf("the new article = %d; want 200", status)
	}

	testkit.WriteFile(t, filepath.Join(dir, "content", "a.md"), "---\ntitle: A story\ndate: May 31st\n---\nBroken.\n")
	name, data := next(t, lines)
	if name != "error" || !strings.Contains(data, `content/a.md:3:7: date: cannot read \"May 31st\"`) || !strings.Contains(data, "3 | date: May 31st") {
		t.Fatalf("event after a broken edit = %q %s; want the error with its source line", name, data)
	}
	_, body, _ := get(t, ts.URL+"/2017/05/31/a-story/")
	if !strings.Contains(body, "Second version.") || !strings.Contains(body, "window.__digestError=") {
		t.Error("a broken edit should keep the last good page and add the overlay")
	}

	testkit.WriteFile(t, filepath.Join(dir, "content", "a.md"), strings.Replace(article, "First", "Third", 1))
	if name, _ := next(t, lines); name != "reload" {
		t.Fatalf("event after the fix = %q; want reload", name)
	}
	if _, body, _ := get(t, ts.URL+"/2017/05/31/a-story/"); !strings.Contains(body, "Third version.") || strings.Contains(body, "window.__digestError=") {
		t.Errorf("the fix should clear the overlay and serve the new text:\n%s", body)
	}
}

// TestArticleFolderFiles serves the files of an article folder at the
// article's URL and follows the watcher as one is changed, added and
// removed.
func TestArticleFolderFiles(t *testing.T) {
	dir, s, ts := newSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watch(t, ctx, s, dir)
	folder := filepath.Join(dir, "content", "2017", "envoy")
	const page = "/2017/06/01/envoy/"
	testkit.WriteFile(t, filepath.Join(folder, "map.svg"), "<svg>first</svg>")
	testkit.WriteFile(t, filepath.Join(folder, "index.md"), "---\ntitle: Envoy\ndate: 2017-06-01\nimage: map.svg\n---\n![map](map.svg)\n")
	waitFor(t, ts.URL+page+"map.svg", "<svg>first</svg>")

	testkit.WriteFile(t, filepath.Join(folder, "map.svg"), "<svg>again</svg>")
	testkit.WriteFile(t, filepath.Join(folder, "docs", "report.txt"), "report")
	waitFor(t, ts.URL+page+"map.svg", "<svg>again</svg>")
	waitFor(t, ts.URL+page+"docs/report.txt", "report")

	if err := os.Remove(filepath.Join(folder, "map.svg")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, _, _ := get(t, ts.URL+page+"map.svg")
		if status == 404 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %smap.svg after removing it = %d; want 404", page, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor polls url until it answers 200 with body, for up to ten seconds.
func waitFor(t *testing.T, url, body string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, got, _ := get(t, url)
		if status == 200 && got == body {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s = %d %.60q; want 200 %q", url, status, got, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// watch rebuilds s on every change in dir until ctx is done.
func watch(t *testing.T, ctx context.Context, s *Server, dir string) {
	t.Helper()
	w, err := s.Watch(dir)
	if err != nil {
		t.Fatal(err)
	}
	go w.Run(ctx)
}

// onError is a server log that calls fix the first time a build reports
// an error about file: the fix lands while that build is still running.
type onError struct {
	file string
	fix  func()
	once sync.Once
}

func (o *onError) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(o.file+":")) {
		o.once.Do(o.fix)
	}
	return len(p), nil
}

// TestFixDuringBuild saves a fix while the build that failed on the broken
// file is still running, and wants the fix served, with no error left: in
// the first build, before any page was served, and in a later one.
func TestFixDuringBuild(t *testing.T) {
	broken := "---\ntitle: A story\ndate: May 31st\n---\nBroken.\n"
	for _, first := range []bool{true, false} {
		dir := t.TempDir()
		file := filepath.Join(dir, "content", "a.md")
		if first {
			testkit.WriteFile(t, file, broken)
		} else {
			testkit.WriteFile(t, file, article)
		}
		log := &onError{file: "content/a.md", fix: func() { testkit.WriteFile(t, file, strings.Replace(article, "First", "Fixed", 1)) }}
		s := New(generator.SessionOptions{Input: generator.Input{Site: os.DirFS(dir), Theme: testkit.Theme(), BaseURL: "http://127.0.0.1/"}}, log)
		ts := httptest.NewServer(s)
		ctx, cancel := context.WithCancel(context.Background())
		w, err := s.Watch(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Rebuild(); (err != nil) != first {
			t.Fatalf("first build: %v", err)
		}
		go w.Run(ctx)
		if !first {
			testkit.WriteFile(t, file, broken)
		}
		var body string
		for range 500 {
			_, body, _ = get(t, ts.URL+"/2017/05/31/a-story/")
			if strings.Contains(body, "Fixed version.") && !strings.Contains(body, "window.__digestError=") {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if !strings.Contains(body, "Fixed version.") || strings.Contains(body, "window.__digestError=") {
			t.Errorf("fix during the first build %v: the fix is not served without the error after 5s:\n%s", first, body)
		}
		cancel()
		s.Close()
		ts.Close()
	}
}

// TestPageGetsNewestEvent checks that a page slow to take its events gets
// the newest one, not the oldest: the reload after a fix, not an old
// error.
func TestPageGetsNewestEvent(t *testing.T) {
	s := New(generator.SessionOptions{}, io.Discard)
	c, _ := s.subscribe()
	for i := range 5 {
		s.broadcast(event{"error", fmt.Sprint("error ", i)})
	}
	s.broadcast(event{"reload", ""})
	var got []event
	for len(c) > 0 {
		got = append(got, <-c)
	}
	if len(got) == 0 || got[len(got)-1].name != "reload" {
		t.Errorf("the page got %v; want the reload last", got)
	}
}

func TestStylesheetChangeSwapsStyles(t *testing.T) {
	dir, s, ts := newSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines := stream(t, ctx, ts.URL)
	testkit.WriteFile(t, filepath.Join(dir, "layouts", "static", "style.css"), "body{color:red}")
	if err := s.Rebuild("layouts/static/style.css"); err != nil {
		t.Fatal(err)
	}
	if name, _ := next(t, lines); name != "css" {
		t.Errorf("event after a stylesheet edit = %q; want css", name)
	}
	if _, body, _ := get(t, ts.URL+"/style.css"); body != "body{color:red}" {
		t.Errorf("style.css = %q", body)
	}
}

func TestStreamsEnd(t *testing.T) {
	_, s, ts := newSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	lines := stream(t, ctx, ts.URL)
	cancel()
	waitClients(t, s, 0)
	for range lines {
	}

	lines = stream(t, context.Background(), ts.URL)
	waitClients(t, s, 1)
	s.Close()
	for range lines { // ends when the server closes the stream
	}
	waitClients(t, s, 0)
}

func waitClients(t *testing.T, s *Server, n int) {
	t.Helper()
	for range 100 {
		s.mu.Lock()
		got := len(s.clients)
		s.mu.Unlock()
		if got == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d event streams still open; want %d", len(s.clients), n)
}

func TestRelevant(t *testing.T) {
	tests := []struct {
		name string
		rel  string
		ok   bool
	}{
		{"/site/content/a.md", "content/a.md", true},
		{"/site/site.yaml", "site.yaml", true},
		{"/site/layouts/static/style.css", "layouts/static/style.css", true},
		{"/site/public/index.html", "", false},
		{"/site/content/.a.md.swp", "", false},
		{"/site/content/a.md~", "", false},
		{"/site/README.md", "", false},
	}
	for _, tt := range tests {
		rel, ok := relevant("/site", tt.name)
		if rel != tt.rel || ok != tt.ok {
			t.Errorf("relevant(%q) = %q, %v; want %q, %v", tt.name, rel, ok, tt.rel, tt.ok)
		}
	}
}

// BenchmarkEditToServe measures the time from saving an article to the
// server answering with the new text, watcher included, on a site of
// DIGEST_SERVE_N generated articles (default 1,000), or on the site in
// DIGEST_SERVE_SITE, such as a corpus from ../shared/bench/gencorpus.py.
func BenchmarkEditToServe(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(300)) // as digest serve sets it
	dir := os.Getenv("DIGEST_SERVE_SITE")
	if dir == "" {
		n := 1000
		fmt.Sscan(os.Getenv("DIGEST_SERVE_N"), &n)
		dir = b.TempDir()
		for i := range n {
			testkit.WriteFile(b, filepath.Join(dir, "content", fmt.Sprintf("%d", 2017+i%5), fmt.Sprintf("story-%d.md", i)),
				fmt.Sprintf("---\ntitle: Story %d\ndate: %d-0%d-1%dT10:00:00Z\ntags: [Tag %d, Tag %d]\n---\n%s\n",
					i, 2017+i%5, 1+i%9, i%10, i%50, i%7, strings.Repeat("Words of the story. ", 200)))
		}
	}
	var target string
	_ = filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && target == "" && strings.HasSuffix(p, ".md") && !strings.Contains(p, "/pages/") {
			target = p
		}
		return nil
	})
	s := New(generator.SessionOptions{Input: generator.Input{Site: os.DirFS(dir), Theme: testkit.Theme(), BaseURL: "http://127.0.0.1/"}}, benchLog())
	if err := s.Rebuild(); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := s.Watch(dir)
	if err != nil {
		b.Fatal(err)
	}
	go w.Run(ctx)
	original, err := os.ReadFile(target)
	if err != nil {
		b.Fatal(err)
	}
	defer os.WriteFile(target, original, 0o644)
	src := string(original)
	// Find the article's URL from the first build.
	var url string
	for _, name := range s.snap.Names() {
		if strings.HasSuffix(name, "/index.html") && strings.Count(name, "/") == 4 {
			data, _ := s.snap.Get(name).Bytes()
			if strings.Contains(string(data), strings.TrimSpace(strings.SplitN(strings.SplitN(src, "title:", 2)[1], "\n", 2)[0])) {
				url = ts.URL + "/" + strings.TrimSuffix(name, "index.html")
				break
			}
		}
	}
	if url == "" {
		b.Fatal("cannot find the edited article's page")
	}
	var took []time.Duration
	for i := 0; b.Loop(); i++ {
		marker := fmt.Sprintf("edit-marker-%d", i)
		start := time.Now()
		testkit.WriteFile(b, target, src+"\n"+marker+"\n")
		for {
			resp, err := http.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), marker) {
				break
			}
			time.Sleep(time.Millisecond)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms/edit")
	b.ReportMetric(float64(took[len(took)*9/10].Microseconds())/1000, "p90-ms/edit")
}

// benchLog is where BenchmarkEditToServe logs rebuilds: stderr with
// DIGEST_SERVE_LOG=1, else nowhere.
func benchLog() io.Writer {
	if os.Getenv("DIGEST_SERVE_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
