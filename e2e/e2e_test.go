// Package e2e tests the example digest in a real browser.
//
// The tests build the repository's own site (content/ and layouts/, built
// the way digest build does, through the publish package) into a temporary
// folder, serve it on 127.0.0.1 with net/http/httptest, and drive headless
// Chromium through the DevTools protocol with github.com/chromedp/chromedp.
// They check what only a browser can show: that every kind of page loads
// without console errors, failed requests or requests off the site; that
// links lead where they say; that nothing overflows a phone's screen and
// dark mode applies; that axe-core finds no serious or critical
// accessibility violation; that search works; that an issue's email
// edition fits a phone and a 600-pixel mail pane; and that the home page
// stays within its weight budget. Screenshots of every page kind, at phone and
// desktop widths, light and dark, go to $DIGEST_SCREENSHOTS or a temporary
// folder that the tests name.
//
// The tests need Debian's chromium (/usr/bin/chromium, or chromium on
// PATH) and axe-core from npm (npm ci --prefix e2e). Without them they
// skip, so go test ./... passes on a bare machine; with CI set in the
// environment, as .ci/run sets it, a missing browser or axe-core fails
// them instead.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/digest/digest/generator"
	"github.com/digest/digest/generator/publish"
	"github.com/digest/digest/internal/testkit"
)

// buildTime is after every article of the example digest.
var buildTime = time.Date(2017, 7, 1, 0, 0, 0, 0, time.UTC)

// axePath is where npm ci --prefix e2e puts axe-core.
const axePath = "node_modules/axe-core/axe.min.js"

// Widths are the viewport widths the layout is checked at.
const (
	phone   = 375
	desktop = 1280
)

// suite is what every test shares: the built site, its server and the
// browser. It is set up once, by the first test that needs it.
type suite struct {
	dir     string // the built site
	srv     *httptest.Server
	host    string // host:port of srv
	browser context.Context
	shots   string // where screenshots go
	kinds   []kind
}

var (
	setupOnce sync.Once
	shared    *suite
	setupErr  error
	teardown  []func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(teardown) - 1; i >= 0; i-- {
		teardown[i]()
	}
	reportSkips()
	os.Exit(code)
}

// skips counts the tests that missing skipped, by reason.
var skips struct {
	sync.Mutex
	n       int
	reasons []string
}

// missing skips the test, or fails it when the environment says this is CI,
// where the browser tests must run.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatalf("%s (CI is set, so the browser tests must run)", msg)
	}
	skips.Lock()
	skips.n++
	if !slices.Contains(skips.reasons, msg) {
		skips.reasons = append(skips.reasons, msg)
	}
	skips.Unlock()
	t.Skip(msg)
}

// reportSkips prints one line saying which browser tests skipped and how
// to run them. go test ./... discards everything a passing package prints
// unless -v, so without -v the line goes to the terminal, when there is
// one; a skip is then not mistaken for a pass.
func reportSkips() {
	if skips.n == 0 {
		return
	}
	w := os.Stdout
	if !testing.Verbose() {
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			defer tty.Close()
			w = tty
		}
	}
	tests := "tests"
	if skips.n == 1 {
		tests = "test"
	}
	fmt.Fprintf(w, "e2e: skipped %d browser %s: %s\n", skips.n, tests, strings.Join(skips.reasons, "; "))
}

// chromiumPath finds Debian's Chromium.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// setup returns the shared suite, building the site and starting the
// browser the first time.
func setup(t *testing.T) *suite {
	t.Helper()
	browser := chromiumPath()
	if browser == "" {
		missing(t, "no Chromium: /usr/bin/chromium is missing and chromium is not on PATH "+
			"(apt-get install chromium to run the browser tests)")
	}
	setupOnce.Do(func() { shared, setupErr = start(browser) })
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return shared
}

// buildExample builds the example digest, read from site (the repository's
// root, or a variant of it), into the output folder dir for baseURL, and
// commits it as digest build does.
func buildExample(site fs.FS, dir, baseURL string) error {
	out, err := publish.Open(dir, testkit.Root())
	if err != nil {
		return err
	}
	opts := generator.Options{Input: generator.Input{Site: site, Theme: testkit.Theme(), BaseURL: baseURL}, Now: buildTime}
	if _, err := generator.Build(opts, out); err != nil {
		out.Abort()
		return err
	}
	_, err = out.Commit()
	return err
}

func start(browser string) (*suite, error) {
	tmp, err := os.MkdirTemp("", "digest-e2e-")
	if err != nil {
		return nil, err
	}
	teardown = append(teardown, func() { os.RemoveAll(tmp) })
	s := &suite{dir: filepath.Join(tmp, "public")}
	s.srv = httptest.NewServer(s.handler())
	teardown = append(teardown, s.srv.Close)
	s.host = strings.TrimPrefix(s.srv.URL, "http://")

	if err := buildExample(os.DirFS(testkit.Root()), s.dir, s.srv.URL+"/"); err != nil {
		return nil, fmt.Errorf("building the example digest: %v", err)
	}
	if s.kinds, err = findKinds(s.dir); err != nil {
		return nil, err
	}

	s.shots = os.Getenv("DIGEST_SCREENSHOTS")
	if s.shots == "" {
		s.shots, err = os.MkdirTemp("", "digest-screenshots-")
	} else {
		err = os.MkdirAll(s.shots, 0o755)
	}
	if err != nil {
		return nil, err
	}

	profile := filepath.Join(tmp, "profile")
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
	ctx, cancelBrowser := chromedp.NewContext(alloc)
	teardown = append(teardown, cancelAlloc, cancelBrowser)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		return nil, fmt.Errorf("starting %s: %v", browser, err)
	}
	s.browser = ctx
	return s, nil
}

// handler serves the built site as a static host does: index.html for a
// folder, and 404.html with status 404 for anything missing.
func (s *suite) handler() http.Handler {
	files := http.FileServer(http.Dir(s.dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(s.dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		fi, err := os.Stat(name)
		if err == nil && fi.IsDir() {
			_, err = os.Stat(filepath.Join(name, "index.html"))
		}
		if err != nil {
			page, _ := os.ReadFile(filepath.Join(s.dir, "404.html"))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			w.Write(page)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// kind is one kind of page and a URL of it on the example digest.
type kind struct {
	name string
	path string
}

// findKinds picks a page of each kind from the built site: the newest
// article, the biggest tag and source (paginated when the site has enough
// articles), the newest edition, and so on.
func findKinds(dir string) ([]kind, error) {
	read := func(p string) (string, error) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		return string(b), err
	}
	home, err := read("index.html")
	if err != nil {
		return nil, err
	}
	first := func(re, html, what string) (string, error) {
		m := regexp.MustCompile(re).FindStringSubmatch(html)
		if m == nil {
			return "", fmt.Errorf("no %s in the built site", what)
		}
		return m[1], nil
	}
	article, err := first(`class="card-title"><a href="([^"]+)"`, home, "article card on the home page")
	if err != nil {
		return nil, err
	}
	edition, err := first(`class="edition-heading"[^>]*><a href="([^"]+)"`, home, "edition heading on the home page")
	if err != nil {
		return nil, err
	}
	biggest := func(index string) (string, error) {
		html, err := read(index + "index.html")
		if err != nil {
			return "", err
		}
		best, bestN := "", -1
		for _, m := range regexp.MustCompile(`<a href="([^"]+)"><span class="name">[^<]*</span> <span class="count">(\d+)`).FindAllStringSubmatch(html, -1) {
			if n, _ := strconv.Atoi(m[2]); n > bestN {
				best, bestN = m[1], n
			}
		}
		if best == "" {
			return "", fmt.Errorf("no entries in %s", index)
		}
		return best, nil
	}
	tag, err := biggest("tags/")
	if err != nil {
		return nil, err
	}
	source, err := biggest("sources/")
	if err != nil {
		return nil, err
	}
	issues, err := read("issues/index.html")
	if err != nil {
		return nil, err
	}
	issue, err := first(`class="card-title"><a href="(/issues/\d+/)"`, issues, "issue on /issues/")
	if err != nil {
		return nil, err
	}
	return []kind{
		{"home", "/"},
		{"home-page-1", "/page/1/"},
		{"article", article},
		{"tag", tag},
		{"tags", "/tags/"},
		{"source", source},
		{"sources", "/sources/"},
		{"edition", edition},
		{"month", edition[:len("/2006/01/")]},
		{"year", edition[:len("/2006/")]},
		{"archive", "/archive/"},
		{"page", "/about/"},
		{"search", "/search/"},
		{"issues", "/issues/"},
		{"issue", issue},
		{"404", "/no-such-page/"},
	}, nil
}

// tab is one browser tab with a record of what its pages did wrong.
type tab struct {
	t   *testing.T
	s   *suite
	ctx context.Context

	mu       sync.Mutex
	problems []string
	inflight map[network.RequestID]bool
	activity time.Time // of the last network event
	allow404 string    // the URL that may answer 404: the 404 page's own
}

// newTab opens a tab that records console errors, exceptions, failed
// requests and requests to any host but the test server.
func (s *suite) newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser)
	t.Cleanup(cancel)
	// A tab of TestLayout or TestAccessibility opens every kind of page
	// four times; on a machine shared with other builds that has taken
	// over five minutes.
	ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(cancelTimeout)
	tb := &tab{t: t, s: s, ctx: ctx, inflight: map[network.RequestID]bool{}}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatal(err)
	}
	return tb
}

// record runs in the tab's event loop: it must be quick and send no
// command.
func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				if a.Value != nil {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			tb.problems = append(tb.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError && ev.Entry.URL != tb.allow404 {
			tb.problems = append(tb.problems, fmt.Sprintf("browser log: %s (%s)", ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		tb.activity = time.Now()
		if u, err := url.Parse(ev.Request.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != tb.s.host {
			tb.problems = append(tb.problems, "request off the site: "+ev.Request.URL)
		}
		tb.inflight[ev.RequestID] = true
	case *network.EventResponseReceived:
		tb.activity = time.Now()
		if ev.Response.Status >= 400 && ev.Response.URL != tb.allow404 {
			tb.problems = append(tb.problems, fmt.Sprintf("HTTP %d for %s", ev.Response.Status, ev.Response.URL))
		}
	case *network.EventLoadingFinished:
		tb.activity = time.Now()
		delete(tb.inflight, ev.RequestID)
	case *network.EventLoadingFailed:
		tb.activity = time.Now()
		delete(tb.inflight, ev.RequestID)
		if !ev.Canceled { // a script may abort a fetch it no longer needs
			tb.problems = append(tb.problems, fmt.Sprintf("request failed: %s (%s)", ev.ErrorText, ev.Type))
		}
	}
}

// url is the absolute URL of a root-relative path on the test server.
func (tb *tab) url(p string) string { return tb.s.srv.URL + p }

// open loads the page at p and waits until the network is quiet.
func (tb *tab) open(p string) {
	tb.t.Helper()
	tb.mu.Lock()
	tb.allow404 = ""
	if p == "/no-such-page/" {
		tb.allow404 = tb.url(p)
	}
	tb.mu.Unlock()
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(tb.url(p))); err != nil {
		tb.t.Fatalf("opening %s: %v", p, err)
	}
	tb.settle()
}

// settle waits until no request has been in flight for a moment, so that
// the checks see what scripts loaded after the load event.
func (tb *tab) settle() {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tb.mu.Lock()
		quiet := len(tb.inflight) == 0 && time.Since(tb.activity) > 250*time.Millisecond
		tb.mu.Unlock()
		if quiet {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// takeProblems returns and forgets what went wrong so far.
func (tb *tab) takeProblems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	return p
}

// checkClean reports every problem recorded since the last check.
func (tb *tab) checkClean(what string) {
	tb.t.Helper()
	for _, p := range tb.takeProblems() {
		tb.t.Errorf("%s: %s", what, p)
	}
}

// eval runs JavaScript and decodes its result into T.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %.80s: %v", js, err)
	}
	return v
}

// viewport sets the tab's width, as a phone (with touch and the mobile
// viewport rules) below desktop width.
func (tb *tab) viewport(width int64) {
	tb.t.Helper()
	a := chromedp.EmulateViewport(width, 900)
	if width < desktop {
		a = chromedp.EmulateViewport(width, 812, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
	}
	if err := chromedp.Do(tb.ctx, a); err != nil {
		tb.t.Fatal(err)
	}
}

// scheme emulates prefers-color-scheme: "light" or "dark".
func (tb *tab) scheme(s string) {
	tb.t.Helper()
	_, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s}},
	})
	if err != nil {
		tb.t.Fatal(err)
	}
}

// screenshot saves the whole page as name.png in the screenshot folder.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(tb.s.shots, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// TestPagesLoad opens a page of every kind and wants no console error, no
// failed request and no request off the site.
func TestPagesLoad(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tb := s.newTab(t)

	// A canary: a console error and a missing file must be caught, or the
	// checks below prove nothing.
	tb.open("/")
	eval[chromedp.Void](tb, `console.error('e2e canary'); fetch('/e2e-canary.css').catch(() => {})`)
	tb.settle()
	if p := strings.Join(tb.takeProblems(), "\n"); !strings.Contains(p, "e2e canary") || !strings.Contains(p, "HTTP 404") {
		t.Fatalf("the tab did not catch a console error and a 404; it saw:\n%s", p)
	}

	for _, k := range s.kinds {
		tb.open(k.path)
		tb.checkClean(k.name + " " + k.path)
		title := eval[string](tb, `document.title`)
		h1 := eval[int](tb, `document.querySelectorAll('h1').length`)
		if title == "" || h1 != 1 {
			t.Errorf("%s %s: title %q and %d <h1>; want a title and one <h1>", k.name, k.path, title, h1)
		}
	}
}

// TestLayout looks at every kind of page on a phone and on a desktop, in
// light and dark mode: nothing may overflow the phone's width, and the
// dark palette must apply. It saves a screenshot of each.
func TestLayout(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tb := s.newTab(t)
	t.Logf("screenshots: %s", s.shots)
	for _, width := range []int64{phone, desktop} {
		tb.viewport(width)
		for _, k := range s.kinds {
			var light string
			for _, scheme := range []string{"light", "dark"} {
				tb.scheme(scheme)
				tb.open(k.path)
				tb.checkClean(fmt.Sprintf("%s %s at %dpx, %s", k.name, k.path, width, scheme))
				if width == phone {
					// The page must not scroll sideways, and no element may
					// reach past the right edge, but for the insides of
					// code blocks and tables, which scroll on their own.
					overflow := eval[[]string](tb, `(() => {
						const w = document.documentElement.clientWidth, out = [];
						if (document.documentElement.scrollWidth > innerWidth) out.push('page: scrollWidth ' + document.documentElement.scrollWidth + ' > ' + innerWidth);
						for (const el of document.body.querySelectorAll('*')) {
							const r = el.getBoundingClientRect();
							if (r.width && r.right > w + 0.5 && !el.closest('.visually-hidden') && !el.parentElement.closest('pre, table')) out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ': right edge ' + Math.round(r.right));
						}
						return out.slice(0, 5);
					})()`)
					for _, o := range overflow {
						t.Errorf("%s %s at %dpx, %s: overflows: %s", k.name, k.path, width, scheme, o)
					}
				}
				bg := eval[string](tb, `getComputedStyle(document.body).backgroundColor`)
				if scheme == "light" {
					light = bg
				} else if bg == light {
					t.Errorf("%s %s at %dpx: body background %s in both light and dark mode", k.name, k.path, width, bg)
				}
				tb.screenshot(fmt.Sprintf("%s-%d-%s", k.name, width, scheme))
			}
		}
	}
}

// axeResult is one axe-core violation.
type axeResult struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// TestAccessibility runs axe-core on every kind of page, light and dark,
// and wants no violation of serious or critical impact.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	s := setup(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		missing(t, "no axe-core at e2e/%s (npm ci --prefix e2e installs it): %v", axePath, err)
	}
	tb := s.newTab(t)
	inject := func() {
		t.Helper()
		if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](string(axe))); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
	}
	const run = `axe.run(document, {resultTypes: ['violations']}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`

	// A canary: a button without a name must be found, or the checks
	// below prove nothing.
	tb.open("/")
	inject()
	eval[chromedp.Void](tb, `document.querySelector('main').insertAdjacentHTML('beforeend', '<button id="axe-canary"></button>')`)
	if found := eval[[]axeResult](tb, run); !slices.ContainsFunc(found, func(v axeResult) bool { return v.ID == "button-name" }) {
		t.Fatalf("axe-core did not report a button without a name: %v", found)
	}

	for _, width := range []int64{desktop, phone} {
		tb.viewport(width)
		for _, scheme := range []string{"light", "dark"} {
			tb.scheme(scheme)
			for _, k := range s.kinds {
				tb.open(k.path)
				inject()
				found := eval[[]axeResult](tb, run)
				for _, v := range found {
					if v.Impact == "serious" || v.Impact == "critical" {
						t.Errorf("%s %s at %dpx, %s: axe %s (%s): %s, at %s", k.name, k.path, width, scheme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
					} else {
						t.Logf("%s %s at %dpx, %s: axe %s (%s, allowed): %s", k.name, k.path, width, scheme, v.ID, v.Impact, v.Help)
					}
				}
				tb.checkClean(k.name + " " + k.path + " with axe-core")
			}
		}
	}
}

// follow clicks the first element that matches sel, waits for the page it
// leads to, and returns the link's path and text as the link showed them.
func (tb *tab) follow(sel string) (href, text string) {
	tb.t.Helper()
	link := eval[map[string]string](tb, fmt.Sprintf(`(() => {
		const a = document.querySelector(%q);
		return a ? {href: a.pathname + a.search, text: a.textContent.replace(/\s+/g, ' ').trim()} : null;
	})()`, sel))
	if link == nil {
		tb.t.Fatalf("%s: no link %s", eval[string](tb, `location.pathname`), sel)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		tb.t.Fatalf("clicking %s: %v", sel, err)
	}
	tb.settle()
	if got := eval[string](tb, `location.pathname + location.search`); got != link["href"] {
		tb.t.Fatalf("clicking %s (%s) led to %s", sel, link["href"], got)
	}
	tb.checkClean("after clicking " + sel)
	return link["href"], link["text"]
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? '').replace(/\s+/g, ' ').trim()`, sel))
}

// TestLinks follows the links a reader follows and checks each lands on
// the page it names.
func TestLinks(t *testing.T) {
	t.Parallel()
	s := setup(t)
	var article, source string
	for _, k := range s.kinds {
		switch k.name {
		case "article":
			article = k.path
		case "source":
			source = k.path
		}
	}

	t.Run("edition", func(t *testing.T) {
		tb := s.newTab(t)
		tb.open("/")
		_, text := tb.follow(".edition-heading a")
		if h1 := tb.text("h1"); h1 != text {
			t.Errorf("edition link %q led to a page titled %q", text, h1)
		}
		edition := eval[string](tb, `location.pathname`)
		_, text = tb.follow(`.adjacent .older a`)
		older := eval[string](tb, `location.pathname`)
		if !strings.Contains(text, tb.text("h1")) || older >= edition {
			t.Errorf("older edition link %q led to %s, titled %q", text, older, tb.text("h1"))
		}
	})
	t.Run("tag", func(t *testing.T) {
		tb := s.newTab(t)
		tb.open(article)
		href, text := tb.follow(`.story-footer .tags a`)
		if h1 := tb.text("h1"); h1 != text || !strings.HasPrefix(href, "/tags/") {
			t.Errorf("tag link %q (%s) led to a page titled %q", text, href, h1)
		}
		if n := eval[int](tb, fmt.Sprintf(`document.querySelectorAll('main a[href=%q]').length`, article)); n == 0 {
			t.Errorf("tag page %s does not list %s", href, article)
		}
	})
	t.Run("related", func(t *testing.T) {
		tb := s.newTab(t)
		tb.open(article)
		if n := eval[int](tb, `document.querySelectorAll('.related-list li').length`); n < 1 || n > 5 {
			t.Errorf("%s lists %d related stories; want 1 to 5", article, n)
		}
		_, text := tb.follow(`.related-list a`)
		if h1 := tb.text("h1"); h1 != text {
			t.Errorf("related link %q led to a page titled %q", text, h1)
		}
	})
	t.Run("source", func(t *testing.T) {
		tb := s.newTab(t)
		tb.open(article)
		name := tb.text(".byline .source")
		href, _ := tb.follow(`.byline a.source`)
		if h1 := tb.text("h1"); !strings.HasSuffix(name, h1) || !strings.HasPrefix(href, "/sources/") {
			t.Errorf("source link %q (%s) led to a page titled %q", name, href, h1)
		}
		tb.open("/sources/")
		href, text := tb.follow(`.source-index a`)
		if h1 := tb.text("h1"); !strings.HasPrefix(text, h1) {
			t.Errorf("source index link %q (%s) led to a page titled %q", text, href, h1)
		}
		tb.open(source)
		if n := eval[int](tb, `document.querySelectorAll('link[rel=alternate][href$="feed.xml"], link[rel=alternate][href$="atom.xml"]').length`); n != 3 {
			t.Errorf("source page %s announces %d RSS and Atom feeds; want its own RSS feed and the site's two", source, n)
		}
	})
	t.Run("original story leaves the site", func(t *testing.T) {
		tb := s.newTab(t)
		tb.open("/")
		ext := eval[[]string](tb, `[...document.querySelectorAll('main a[href^="http"]')].filter(a => !a.classList.contains('external')).map(a => a.href)`)
		for _, h := range ext {
			if !strings.HasPrefix(h, s.srv.URL) {
				t.Errorf("link off the site without the external marker: %s", h)
			}
		}
	})
}

// TestStructuredData parses the JSON-LD of an article and a list page in
// the browser.
func TestStructuredData(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tb := s.newTab(t)
	for _, k := range s.kinds {
		tb.open(k.path)
		ld := eval[[]map[string]any](tb, `[...document.querySelectorAll('script[type="application/ld+json"]')].map(s => JSON.parse(s.textContent))`)
		og := eval[string](tb, `document.querySelector('meta[property="og:type"]')?.content ?? ''`)
		switch k.name {
		case "article":
			if len(ld) != 1 || ld[0]["@type"] != "NewsArticle" || ld[0]["headline"] != tb.text("h1") {
				t.Errorf("article %s: JSON-LD %v; want one NewsArticle with the headline %q", k.path, ld, tb.text("h1"))
			}
			if og != "article" {
				t.Errorf("article %s: og:type %q", k.path, og)
			}
		case "home-page-2":
			// Only a list's first page, its summary page, has an ItemList.
			if len(ld) != 0 || og != "website" {
				t.Errorf("%s %s: JSON-LD %v, og:type %q; want none and website", k.name, k.path, ld, og)
			}
		case "home", "tag", "source", "edition":
			// The home page's latest issue repeats its lead story's card
			// above the list: the list is the editions' cards.
			cards := eval[[]string](tb, `[...document.querySelectorAll('.edition .card-title a')].map(a => a.href)`)
			if len(ld) != 1 || ld[0]["@type"] != "ItemList" {
				t.Errorf("%s %s: JSON-LD %v; want one ItemList", k.name, k.path, ld)
				continue
			}
			var urls []string
			items, _ := ld[0]["itemListElement"].([]any)
			for _, it := range items {
				m, _ := it.(map[string]any)
				u, _ := m["url"].(string)
				urls = append(urls, u)
			}
			if !slices.Equal(urls, cards) {
				t.Errorf("%s %s: ItemList %v; want the listed articles %v", k.name, k.path, urls, cards)
			}
			if og != "website" {
				t.Errorf("%s %s: og:type %q", k.name, k.path, og)
			}
		}
	}
}

// TestSearch finds an article by a word that appears only in its body,
// typed into the search page and given in the address.
func TestSearch(t *testing.T) {
	t.Parallel()
	s := setup(t)
	if _, err := os.Stat(filepath.Join(s.dir, "search.js")); err != nil {
		t.Skip("the site has no /search.js yet: the search tests wait for it")
	}
	word, want := bodyOnlyWord(t, s.dir)
	tb := s.newTab(t)
	found := func(how string) {
		t.Helper()
		_, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](fmt.Sprintf(
			`[...document.querySelectorAll('main li a[href]')].some(a => a.pathname === %q)`, want),
			chromedp.WithPollingTimeout(5*time.Second)))
		if err != nil {
			results := eval[[]string](tb, `[...document.querySelectorAll('main li a[href]')].map(a => a.pathname)`)
			t.Errorf("search for %q %s: %s not among the results %v (%v)", word, how, want, results, err)
		}
		tb.checkClean("search for " + word + " " + how)
	}

	tb.open("/search/")
	if err := chromedp.Do(tb.ctx, chromedp.SendKeys(chromedp.CSS(`input[type=search][name=q]`), word)); err != nil {
		t.Fatal(err)
	}
	found("typed")

	tb.open("/search/?q=" + url.QueryEscape(word))
	found("in the address")
	if v := eval[string](tb, `document.querySelector('input[type=search][name=q]').value`); v != word {
		t.Errorf("/search/?q=%s shows %q in the search box", word, v)
	}
}

// TestSearchBox wants a search box, a GET form to the search page, on
// every kind of page, and one on the home page that finds an article by a
// word of its body: the box works from anywhere, before any script.
func TestSearchBox(t *testing.T) {
	t.Parallel()
	s := setup(t)
	if _, err := os.Stat(filepath.Join(s.dir, "search.js")); err != nil {
		t.Skip("the site has no /search.js yet: the search tests wait for it")
	}
	tb := s.newTab(t)
	for _, k := range s.kinds {
		tb.open(k.path)
		n := eval[int](tb, `[...document.querySelectorAll('form[role=search]')].filter(f =>
			f.method == 'get' && new URL(f.action).pathname == '/search/' &&
			f.querySelector('input[type=search][name=q]') && f.querySelector('input').labels.length).length`)
		if n == 0 {
			t.Errorf("%s %s: no labelled search form to /search/", k.name, k.path)
		}
	}

	word, want := bodyOnlyWord(t, s.dir)
	tb.open("/")
	if eval[int](tb, `document.querySelectorAll('.masthead input[name=q]').length`) != 1 {
		t.Fatal("the home page has no search box in its masthead")
	}
	// Enter submits the form; the search page loads in the same tab.
	err := chromedp.Do(tb.ctx, chromedp.SendKeys(chromedp.CSS(`.masthead input[name=q]`), word+"\r"))
	found := false
	for end := time.Now().Add(5 * time.Second); err == nil && !found && time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		tb.settle()
		found, err = chromedp.Run(tb.ctx, chromedp.Evaluate[bool](fmt.Sprintf(
			`[...document.querySelectorAll('main li a[href]')].some(a => a.pathname === %q)`, want)))
		if pageChanged(err) {
			err = nil
		}
	}
	if err == nil && !found {
		err = errors.New(want + " is not among the results")
	}
	if err != nil {
		t.Errorf("searching %q from the home page's masthead: %v (now at %s)", word, err, eval[string](tb, `location.href`))
	}
	tb.checkClean("search from the masthead")
}

// pageChanged reports whether err is an evaluation's that the page's
// navigation cut short: Chromium either cancels its context or says the
// target navigated, depending on when the new page arrives.
func pageChanged(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "context") || strings.Contains(err.Error(), "navigated or closed"))
}

// TestSearchLayoutShift opens the search page with a query in its address
// at phone and desktop widths: the results arrive after the page has been
// drawn, and nothing in view may move when they do. Lighthouse measured a
// cumulative layout shift of 0.27 and 0.54 here; 0.1 is its limit for good.
func TestSearchLayoutShift(t *testing.T) {
	t.Parallel()
	s := setup(t)
	if _, err := os.Stat(filepath.Join(s.dir, "search.js")); err != nil {
		t.Skip("the site has no /search.js yet: the search tests wait for it")
	}
	tb := s.newTab(t)
	for _, width := range []int64{phone, desktop} {
		tb.viewport(width)
		tb.open("/search/?q=korea")
		if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`document.querySelectorAll('#search-results > li').length > 0`,
			chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("at %dpx: no results for korea: %v", width, err)
		}
		cls := eval[float64](tb, `new Promise(done => {
			let sum = 0;
			const add = l => { for (const e of l) if (!e.hadRecentInput) sum += e.value; },
				po = new PerformanceObserver(l => add(l.getEntries()));
			po.observe({type: 'layout-shift', buffered: true});
			setTimeout(() => { add(po.takeRecords()); po.disconnect(); done(sum); }, 500);
		})`)
		t.Logf("search page at %dpx: cumulative layout shift %.3f", width, cls)
		if cls >= 0.1 {
			t.Errorf("search page at %dpx: cumulative layout shift %.3f, want under 0.1", width, cls)
		}
		tb.checkClean(fmt.Sprintf("search page at %dpx", width))
	}
}

// bodyOnlyWord finds a word of the example digest that only one article
// has, in its body and not in its headline, summary, tags or source.
func bodyOnlyWord(t *testing.T, dir string) (word, articlePath string) {
	t.Helper()
	const candidate = "airlifted"
	var pages []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "index.html" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		html := strings.ToLower(string(b))
		if strings.Contains(html, `class="kind-article"`) && strings.Contains(html, candidate) {
			rel, _ := filepath.Rel(dir, filepath.Dir(p))
			pages = append(pages, "/"+filepath.ToSlash(rel)+"/")
			head, _, _ := strings.Cut(html, "<div class=\"prose\">")
			if strings.Contains(head, candidate) {
				t.Fatalf("%q is in the headline, summary or metadata of %s; pick a word only in a body", candidate, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 {
		t.Fatalf("%q is in %d articles (%v); want exactly one", candidate, len(pages), pages)
	}
	return candidate, pages[0]
}

// TestHomePageWeight measures the home page as the browser loads it: HTML,
// CSS and JavaScript together must stay under 80 KB before compression.
// The home page is the front of a list paginated from the oldest, which
// holds page_size to 2×page_size−1 articles: the budget is for the
// example's fullest front, 39 cards and its latest issue (some 60 KB of
// HTML beside the stylesheet).
func TestHomePageWeight(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tb := s.newTab(t)
	tb.open("/")
	type entry struct {
		Name string  `json:"name"`
		Type string  `json:"type"`
		Size float64 `json:"size"`
	}
	entries := eval[[]entry](tb, `[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
		.map(e => ({name: e.name, type: e.initiatorType, size: e.decodedBodySize}))`)
	total := 0.0
	var parts []string
	for _, e := range entries {
		if e.Type == "navigation" || e.Type == "link" || e.Type == "script" || strings.HasSuffix(e.Name, ".css") || strings.HasSuffix(e.Name, ".js") {
			if strings.HasSuffix(e.Name, ".svg") {
				continue // the favicon is no HTML, CSS or JavaScript
			}
			total += e.Size
			parts = append(parts, fmt.Sprintf("%s %.0f B", strings.TrimPrefix(e.Name, s.srv.URL), e.Size))
		}
	}
	t.Logf("home page: %.0f bytes of HTML, CSS and JavaScript (%s)", total, strings.Join(parts, ", "))
	if total == 0 || total > 80*1024 {
		t.Errorf("home page weighs %.0f bytes; the budget is 80 KB", total)
	}
	if n := eval[int](tb, `document.fonts.size`); n != 0 {
		t.Errorf("home page loads %d web fonts; want none", n)
	}
	tb.checkClean("home page")
}
