package links

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digest/digest/generator/web"
)

func TestFind(t *testing.T) {
	t.Parallel()
	body := "See [the report](https://example.org/report.pdf) and <https://example.org/auto>.\n" +
		"A bare https://example.org/bare, then (https://example.org/in-parens).\n" +
		"Wikipedia: [x](https://en.wikipedia.org/wiki/Foo_(bar)) and *https://example.org/em*\n" +
		"```sh\ncurl https://example.org/in-code\n```\n" +
		`<a href="http://example.org/html">raw</a> and ` + "`https://example.org/code-span`\n" +
		"[ref]: https://example.org/ref \"Title\"\n" +
		"mailto:x@example.org and /local/path and ftp://example.org/\n"
	got := Find("content/a.md", body, 7)
	want := []Link{
		{"https://example.org/report.pdf", "content/a.md", 7},
		{"https://example.org/auto", "content/a.md", 7},
		{"https://example.org/bare", "content/a.md", 8},
		{"https://example.org/in-parens", "content/a.md", 8},
		{"https://en.wikipedia.org/wiki/Foo_(bar)", "content/a.md", 9},
		{"https://example.org/em", "content/a.md", 9},
		{"http://example.org/html", "content/a.md", 13},
		{"https://example.org/ref", "content/a.md", 14},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Find =\n%v\nwant\n%v", got, want)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/no-head", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
	mux.HandleFunc("/no-head-gone", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNotImplemented)
			return
		}
		http.NotFound(w, r)
	})
	mux.HandleFunc("/gone", http.NotFound)
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ok", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		mux.ServeHTTP(w, r)
	}))
	defer srv.Close()
	refused := httptest.NewServer(http.NotFoundHandler())
	refused.Close() // nothing listens there now

	client := web.New("test")
	client.Timeout, client.HeaderTimeout = 500*time.Millisecond, 500*time.Millisecond
	now := time.Date(2017, 5, 31, 10, 0, 0, 0, time.UTC)
	c := &Checker{Client: client, Workers: 4, Now: func() time.Time { return now }, Cache: filepath.Join(t.TempDir(), "links", "cache.json")}
	urls := []string{srv.URL + "/ok", srv.URL + "/no-head", srv.URL + "/no-head-gone", srv.URL + "/gone",
		srv.URL + "/moved", srv.URL + "/loop", srv.URL + "/slow", refused.URL + "/x", srv.URL + "/ok"}
	results, st, err := c.Check(context.Background(), urls)
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{Checked: 8}) {
		t.Errorf("Stats = %+v; want 8 checked", st)
	}
	alive := map[string]bool{"/ok": true, "/no-head": true, "/moved": true}
	for _, u := range urls {
		r := results[u]
		if r.Checked != now {
			t.Errorf("%s checked at %v; want %v", u, r.Checked, now)
		}
		path := u[len(srv.URL):]
		if u == refused.URL+"/x" {
			path = "refused"
		}
		if (r.Dead == "") != alive[path] {
			t.Errorf("%s: dead %q; want alive %t", u, r.Dead, alive[path])
		}
	}
	if want := "the server answered 404 Not Found"; results[srv.URL+"/gone"].Dead != want {
		t.Errorf("/gone: dead %q; want %q", results[srv.URL+"/gone"].Dead, want)
	}

	// Within a day the cache answers; after, the servers are asked again.
	before := requests.Load()
	_, st, err = c.Check(context.Background(), urls)
	if err != nil || st != (Stats{Cached: 8}) || requests.Load() != before {
		t.Errorf("checking again: %+v, %v, %d requests; want all 8 from the cache and none", st, err, requests.Load()-before)
	}
	now = now.Add(MaxAge)
	_, st, err = c.Check(context.Background(), urls[:1])
	if err != nil || st != (Stats{Checked: 1}) || requests.Load() != before+1 {
		t.Errorf("a day later: %+v, %v, %d requests; want 1 checked with 1 HEAD", st, err, requests.Load()-before)
	}
}
