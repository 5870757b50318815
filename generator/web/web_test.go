package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testClient is a client with limits small enough for tests to reach.
func testClient() *Client {
	c := New("test")
	c.Timeout = 5 * time.Second
	c.HeaderTimeout = 2 * time.Second
	c.IdleTimeout = 2 * time.Second
	return c
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestGetSendsHeadersAndReadsBody(t *testing.T) {
	var got http.Header
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Sat, 28 Nov 2026 10:00:00 GMT")
		fmt.Fprint(w, "<rss/>")
	})
	resp, err := testClient().Do(context.Background(), Request{URL: srv.URL + "/feed", Accept: "application/rss+xml"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "<rss/>" || resp.Status != 200 || resp.ContentType != "application/rss+xml" {
		t.Errorf("response = %d %q %q; want 200 application/rss+xml <rss/>", resp.Status, resp.ContentType, resp.Body)
	}
	if want := (Validators{ETag: `"v1"`, LastModified: "Sat, 28 Nov 2026 10:00:00 GMT"}); resp.Validators != want {
		t.Errorf("validators = %+v; want %+v", resp.Validators, want)
	}
	if ua := got.Get("User-Agent"); ua != "digest/test (+"+Home+")" {
		t.Errorf("User-Agent = %q; want digest and its home", ua)
	}
	if a := got.Get("Accept"); a != "application/rss+xml" {
		t.Errorf("Accept = %q; want application/rss+xml", a)
	}
	if got.Get("If-None-Match") != "" || got.Get("If-Modified-Since") != "" {
		t.Errorf("an unconditional request sent validators: %v", got)
	}
}

func TestGzip(t *testing.T) {
	const text = "<rss>ünïcödé</rss>"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding = %q; want gzip", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		fmt.Fprint(zw, text)
		zw.Close()
	})
	resp, err := testClient().Get(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != text {
		t.Errorf("body = %q; want %q, gunzipped", resp.Body, text)
	}
}

// TestGzipBomb checks that the limit counts the bytes gunzipped: 20 MB of
// zeros compress to some 20 KB.
func TestGzipBomb(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(make([]byte, 20<<20))
	zw.Close()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(z.Bytes())
	})
	_, err := testClient().Get(context.Background(), srv.URL)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Get of a gzip bomb: %v; want ErrTooLarge", err)
	}
}

// TestTooLarge serves 50 MB, streamed and without a length, then with
// one: both are refused, the first having read little more than the limit
// (the handler's writes fail once the client hangs up).
func TestTooLarge(t *testing.T) {
	const size = 50 << 20
	for _, withLength := range []bool{false, true} {
		t.Run(fmt.Sprint("length=", withLength), func(t *testing.T) {
			var written atomic.Int64
			done := make(chan struct{})
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				defer close(done)
				if withLength {
					w.Header().Set("Content-Length", strconv.Itoa(size))
				}
				chunk := bytes.Repeat([]byte("<item>x</item>\n"), 4096)
				for written.Load() < size {
					n, err := w.Write(chunk)
					written.Add(int64(n))
					if err != nil {
						return
					}
				}
			})
			c := testClient()
			_, err := c.Get(context.Background(), srv.URL)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Get of 50 MB: %v; want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), "limit of 10485760") {
				t.Errorf("error %q does not say the limit", err)
			}
			<-done
			if written.Load() >= size {
				t.Errorf("the server wrote all %d bytes: the client read on past its limit", written.Load())
			}
		})
	}
}

func TestSlow(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"headers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, "no answer within 500ms"},
		{"stalled body", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<rss>")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, "the server sent nothing for 500ms"},
		{"trickle", func(w http.ResponseWriter, r *http.Request) {
			for {
				fmt.Fprint(w, "<item/>")
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}, "no complete answer within 1.5s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			c := New("test")
			c.Timeout, c.HeaderTimeout, c.IdleTimeout = 1500*time.Millisecond, 500*time.Millisecond, 500*time.Millisecond
			start := time.Now()
			_, err := c.Get(context.Background(), srv.URL)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Get = %v; want an error saying %q", err, tt.want)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Get took %v; want it to give up within the timeouts", took)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusMovedPermanently) })
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			fmt.Fprint(w, "end")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.org/", http.StatusFound)
	})
	srv := serve(t, mux.ServeHTTP)

	c := testClient()
	c.MaxRedirects = 3
	resp, err := c.Get(context.Background(), srv.URL+"/chain/3")
	if err != nil {
		t.Fatalf("three redirects with a limit of 3: %v", err)
	}
	if want := srv.URL + "/chain/0"; resp.URL != want || string(resp.Body) != "end" {
		t.Errorf("response from %s %q; want from %s", resp.URL, resp.Body, want)
	}
	for path, want := range map[string]string{
		"/a":       "redirect loop: " + srv.URL + "/b redirects back to " + srv.URL + "/a",
		"/chain/4": "stopped after 3 redirects",
		"/ftp":     "not an http(s) address",
	} {
		_, err := c.Get(context.Background(), srv.URL+path)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), srv.URL+path+": ") {
			t.Errorf("Get(%s) = %v; want an error naming it and saying %q", path, err, want)
		}
	}
}

func TestConditional(t *testing.T) {
	const etag, modified = `"v2"`, "Sat, 28 Nov 2026 10:00:00 GMT"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == modified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		fmt.Fprint(w, "<rss/>")
	})
	c := testClient()
	first, err := c.Get(context.Background(), srv.URL)
	if err != nil || first.NotModified {
		t.Fatalf("first Get = %+v, %v; want the feed", first, err)
	}
	for _, v := range []Validators{first.Validators, {ETag: etag}, {LastModified: modified}} {
		resp, err := c.Do(context.Background(), Request{URL: srv.URL, Validators: v})
		if err != nil {
			t.Fatal(err)
		}
		if !resp.NotModified || resp.Status != http.StatusNotModified || len(resp.Body) != 0 {
			t.Errorf("Get with %+v = %d, NotModified %v; want 304 and NotModified", v, resp.Status, resp.NotModified)
		}
	}
}

func TestStatusAndHead(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		fmt.Fprint(w, "page")
	})
	c := testClient()
	_, err := c.Get(context.Background(), srv.URL+"/gone")
	var se *StatusError
	if !errors.As(err, &se) || se.Status != http.StatusGone {
		t.Fatalf("Get of a 410 = %v; want a StatusError 410", err)
	}
	if want := srv.URL + "/gone: the server answered 410 Gone"; err.Error() != want {
		t.Errorf("error = %q; want %q", err, want)
	}
	resp, err := c.Do(context.Background(), Request{URL: srv.URL, Method: http.MethodHead})
	if err != nil || resp.Status != 200 || len(resp.Body) != 0 {
		t.Errorf("HEAD = %+v, %v; want 200 without a body", resp, err)
	}
	for _, bad := range []string{"ftp://example.org/feed", "feed.xml", "http://"} {
		if _, err := c.Get(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "not an http(s) address") {
			t.Errorf("Get(%q) = %v; want it refused", bad, err)
		}
	}
}

func TestPerHost(t *testing.T) {
	var now, most atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		defer now.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
		fmt.Fprint(w, "ok")
	})
	c := testClient()
	c.PerHost = 2
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), srv.URL); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if most.Load() != 2 {
		t.Errorf("at most %d requests at once; want 2, the limit", most.Load())
	}
}

func TestCancel(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := testClient().Get(ctx, srv.URL)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Get cancelled = %v; want context.Canceled", err)
	}
}
