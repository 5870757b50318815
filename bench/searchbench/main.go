// Command searchbench runs the same queries against digest's search page
// and against Pagefind, each in a cold headless Chromium, and prints what
// each query cost: the bytes of index (and script) the browser fetched,
// gzipped as a static host sends them, the requests, the time to results
// and the top five titles. bench/search.sh builds the two sites and runs
// it; see that script for the whole benchmark.
//
// Usage:
//
//	go run ./bench/searchbench -digest DIR -pagefind DIR [-chromium PATH] QUERY...
//
// DIR is a built site: digest's public folder, and a copy of it that
// Pagefind indexed into DIR/pagefind. A QUERY is a search page address's
// query: "q=kenya+drought" or "source=Atlas+News+Service". Both sites are
// served on 127.0.0.1 only. Text files are gzipped on the fly (Pagefind's
// own .pf_ files are gzipped already and are sent as they are).
//
// Each query runs in a new browser with an empty profile, so nothing is
// cached: the numbers are a reader's first search.
package main

import (
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// pagefindPage is the page that queries Pagefind as its own UI does: the
// search, then the data of the first ten results.
const pagefindPage = `<!DOCTYPE html><meta charset="utf-8"><title>pagefind</title><script type="module">
const pf = await import('/pagefind/pagefind.js'), u = new URLSearchParams(location.search);
const filters = {};
for (const k of ['source', 'tag']) if (u.get(k)) filters[k] = u.get(k);
const r = await pf.search(u.get('q'), { filters });
const data = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
window.found = { count: r.results.length, titles: data.slice(0, 5).map(d => d.meta.title), took: performance.now() };
</script>`

func main() {
	digestDir := flag.String("digest", "", "digest's built site")
	pagefindDir := flag.String("pagefind", "", "the site Pagefind indexed")
	browser := flag.String("chromium", "/usr/bin/chromium", "Chromium")
	flag.Parse()
	if *digestDir == "" || *pagefindDir == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	d, err := serve(*digestDir, "/search", "")
	check(err)
	p, err := serve(*pagefindDir, "/pagefind/", pagefindPage)
	check(err)
	fmt.Println("| query | tool | results | bytes gzipped (index only) | requests | time to results | top five |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
	for _, q := range flag.Args() {
		for _, t := range []struct {
			name string
			srv  *server
			page string
			done string // a JavaScript expression: true once results are shown
			read string // a JavaScript expression: {count, titles, took}
		}{
			{"digest", d, "/search/?", `document.getElementById('search-status').textContent != ''`, `({
				count: parseInt(document.getElementById('search-status').textContent.replace(/[^0-9]/g, '')) || 0,
				titles: [...document.querySelectorAll('#search-results h2')].slice(0, 5).map(h => h.textContent),
				took: Math.max(...performance.getEntriesByType('resource').filter(e => e.name.includes('/search')).map(e => e.responseEnd))})`},
			{"pagefind", p, "/pagefind-bench.html?", `!!window.found`, `window.found`},
		} {
			r, err := run(*browser, t.srv, t.srv.url+t.page+q, t.done, t.read)
			if err != nil {
				fmt.Printf("| %s | %s | failed: %v | | | | |\n", q, t.name, err)
				continue
			}
			fmt.Printf("| %s | %s | %d | %.1f KB (%.1f KB) | %d | %.0f ms | %s |\n", q, t.name, r.Count,
				float64(r.bytes)/1000, float64(r.index)/1000, r.requests, r.Took, strings.Join(r.Titles, "; "))
		}
	}
}

type result struct {
	Count                  int
	Titles                 []string
	Took                   float64
	bytes, index, requests int
}

// run opens address in a new browser, waits for done and reads the result.
func run(browser string, srv *server, address, done, read string) (result, error) {
	profile, err := os.MkdirTemp("", "searchbench-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(profile)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(profile))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTime()
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		return result{}, err
	}
	srv.reset()
	if err := chromedp.Do(ctx, chromedp.Navigate(address)); err != nil {
		return result{}, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](done, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		return result{}, err
	}
	time.Sleep(300 * time.Millisecond) // the requests of results that are not shown yet
	r, err := chromedp.Run(ctx, chromedp.Evaluate[result](read))
	r.bytes, r.index, r.requests = srv.counts()
	return r, err
}

// server serves a folder on 127.0.0.1 and counts the gzipped bytes of
// the requests under a prefix.
type server struct {
	url    string
	prefix string
	mu     sync.Mutex
	bytes  int // all of them, script included
	index  int // the index's files only: not .js or .wasm
	reqs   int
}

func (s *server) reset() {
	s.mu.Lock()
	s.bytes, s.index, s.reqs = 0, 0, 0
	s.mu.Unlock()
}

func (s *server) counts() (bytes, index, requests int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes, s.index, s.reqs
}

func serve(dir, prefix, page string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{url: "http://" + ln.Addr().String(), prefix: prefix}
	files := http.FileServer(http.Dir(dir))
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if page != "" && r.URL.Path == "/pagefind-bench.html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, page)
			return
		}
		n := &counter{ResponseWriter: w}
		ext := filepath.Ext(r.URL.Path)
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && !strings.HasPrefix(ext, ".pf_") {
			n.Header().Set("Content-Encoding", "gzip")
			z := gzip.NewWriter(n)
			files.ServeHTTP(&gzipped{n, z}, r)
			z.Close()
		} else {
			files.ServeHTTP(n, r)
		}
		script := ext == ".js" || ext == ".wasm"
		if strings.HasPrefix(r.URL.Path, prefix) && r.URL.Path != "/search/" || r.URL.Path == "/search.js" {
			s.mu.Lock()
			s.reqs++
			s.bytes += n.n
			if !script {
				s.index += n.n
			}
			s.mu.Unlock()
		}
	}))
	return s, nil
}

// counter counts the bytes written.
type counter struct {
	http.ResponseWriter
	n int
}

func (c *counter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += n
	return n, err
}

type gzipped struct {
	http.ResponseWriter
	z *gzip.Writer
}

func (g *gzipped) WriteHeader(code int) {
	g.Header().Del("Content-Length")
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipped) Write(b []byte) (int, error) { return g.z.Write(b) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}
