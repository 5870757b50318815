// Package links finds the web addresses a digest points at, its
// articles' source_url and the outbound links of their bodies, and checks
// that they still answer (digest check --links).
//
// A link is alive when a HEAD request to it succeeds, or, where the server
// refuses HEAD (405, 501, or any failure of the HEAD itself), a GET does.
// Every request goes through generator/web, which bounds the requests to
// one host, times them out and follows redirects. Results are cached for
// a day in a JSON file in the build-state folder, so that checking again
// soon asks nothing of servers already asked; losing the file costs only
// the requests.
package links

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/digest/digest/generator/web"
)

// A Link is one address at one place in a file.
type Link struct {
	URL  string
	File string // slash path from the site folder
	Line int
}

// Find returns the http(s) links of a Markdown body, whose first line is
// line first of file. Addresses in code, fenced or inline, are not links.
func Find(file string, body string, first int) []Link {
	var links []Link
	fence := ""
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(nil, len(body)+1)
	for n := first; sc.Scan(); n++ {
		line := sc.Text()
		if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			switch {
			case fence == "":
				fence = t[:3]
			case strings.HasPrefix(t, fence):
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue
		}
		for _, m := range linkPattern.FindAllString(codeSpan.ReplaceAllString(line, " "), -1) {
			links = append(links, Link{URL: trimLink(m), File: file, Line: n})
		}
	}
	return links
}

// linkPattern matches an http(s) address in Markdown or HTML: up to a
// space, a quote, an angle bracket or a backtick.
var linkPattern = regexp.MustCompile(`(?i)https?://[^\s<>"'\x60]+`)

// codeSpan is inline code, whose addresses are text.
var codeSpan = regexp.MustCompile("`+[^`]*`+")

// trimLink drops what Markdown or prose put after an address: a closing
// parenthesis or bracket the address did not open, and final punctuation.
func trimLink(s string) string {
	for {
		t := strings.TrimRight(s, ".,;:!?*_")
		if strings.HasSuffix(t, ")") && strings.Count(t, "(") < strings.Count(t, ")") {
			t = t[:len(t)-1]
		}
		if strings.HasSuffix(t, "]") && strings.Count(t, "[") < strings.Count(t, "]") {
			t = t[:len(t)-1]
		}
		if t == s {
			return s
		}
		s = t
	}
}

// A Result is what checking one address found.
type Result struct {
	Checked time.Time `json:"checked"`
	// Dead is "" for a link that answered, else why it did not.
	Dead string `json:"dead,omitempty"`
}

// MaxAge is how long a result is trusted.
const MaxAge = 24 * time.Hour

// Checker checks links, keeping the results in a cache file.
type Checker struct {
	Client  *web.Client
	Workers int              // addresses checked at once, over all hosts
	Now     func() time.Time // what the results are dated and aged by
	// Cache is the cache file, in the build-state folder; "" keeps no
	// cache.
	Cache string
}

// Stats tell how a check went.
type Stats struct {
	Checked, Cached int // addresses asked now, and taken from the cache
}

// Check checks every address of urls, each once, and returns the result
// of each. The cache is read and written again; a cache that cannot be
// read is started afresh, one that cannot be written is an error after
// the results.
func (c *Checker) Check(ctx context.Context, urls []string) (map[string]Result, Stats, error) {
	cache := c.load()
	now := c.Now()
	results := map[string]Result{}
	var todo []string
	var st Stats
	for _, u := range urls {
		if _, ok := results[u]; ok || slices.Contains(todo, u) {
			continue
		}
		if r, ok := cache[u]; ok && now.Sub(r.Checked) < MaxAge && !r.Checked.After(now) {
			results[u] = r
			st.Cached++
			continue
		}
		todo = append(todo, u)
	}
	var mu sync.Mutex
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range max(c.Workers, 1) {
		wg.Go(func() {
			for u := range jobs {
				r := Result{Checked: now, Dead: c.check(ctx, u)}
				mu.Lock()
				results[u] = r
				mu.Unlock()
			}
		})
	}
	for _, u := range todo {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	st.Checked = len(todo)
	for u, r := range results {
		cache[u] = r
	}
	return results, st, c.save(cache, now)
}

// check asks url with HEAD, then GET where HEAD is refused, and returns
// "" when it answered, or why not.
func (c *Checker) check(ctx context.Context, url string) string {
	_, err := c.Client.Do(ctx, web.Request{URL: url, Method: http.MethodHead})
	if err == nil {
		return ""
	}
	var se *web.StatusError
	if errors.As(err, &se) && se.Status != http.StatusMethodNotAllowed && se.Status != http.StatusNotImplemented {
		return reason(err, url)
	}
	_, err = c.Client.Do(ctx, web.Request{URL: url})
	if err == nil || errors.Is(err, web.ErrTooLarge) {
		return "" // a page too large to read whole is there
	}
	return reason(err, url)
}

// reason is err without the address url, which the report names already.
func reason(err error, url string) string {
	return strings.TrimPrefix(err.Error(), url+": ")
}

// load reads the cache; a missing or unreadable one is empty.
func (c *Checker) load() map[string]Result {
	cache := map[string]Result{}
	if c.Cache == "" {
		return cache
	}
	if data, err := os.ReadFile(c.Cache); err == nil {
		if json.Unmarshal(data, &cache) != nil {
			return map[string]Result{}
		}
	}
	return cache
}

// save writes the results younger than MaxAge, whole or not at all.
func (c *Checker) save(cache map[string]Result, now time.Time) error {
	if c.Cache == "" {
		return nil
	}
	for u, r := range cache {
		if now.Sub(r.Checked) >= MaxAge {
			delete(cache, u)
		}
	}
	data, err := json.MarshalIndent(cache, "", "\t")
	if err != nil {
		return err
	}
	dir := filepath.Dir(c.Cache)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".links-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.Cache)
}
