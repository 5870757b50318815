// Package serve is digest's development server.
//
// The contract:
//
//   - The site is built in memory and served from there; the server never
//     writes to the output folder. Only files of the built site are served:
//     a path with "..", however encoded, gets the 404 page, and nothing is
//     ever read from disk by a request.
//   - The site is served at the path of its base URL, as it is published:
//     a site at https://someone.github.io/my-digest/ is served at
//     /my-digest/, and / redirects there.
//   - Clean URLs work with and without their final slash; a miss gets
//     404.html with status 404.
//   - Each rebuild is incremental (see generator.Session) and equals a full
//     build. Every open page reloads itself after a rebuild, through
//     Server-Sent Events and a small script added to HTML responses only
//     here, never in digest build's output. A change to stylesheets only
//     swaps the stylesheets without a reload.
//   - A broken edit keeps the last good site served and shows the errors,
//     with the offending source lines, over the page and on the terminal;
//     the next good rebuild clears them. No change is missed, even one
//     saved during a build (the first included), and a page slow to take
//     its events gets the newest, so a fix never leaves an old error up.
//   - An event stream ends when its request does or the server shuts down.
package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/digest/digest/generator"
	"github.com/digest/digest/generator/diag"
)

// EventsPath is where pages listen for rebuilds.
const EventsPath = "/_digest/events"

// Server serves a site and rebuilds it on demand.
type Server struct {
	session *generator.Session
	site    fs.FS // the site folder, for source lines in error reports
	log     io.Writer

	mu      sync.Mutex
	snap    *generator.Snapshot // the last good build
	failure string              // the last build's errors, source lines as read then; "" when good
	clients map[chan event]bool
	done    chan struct{} // closed by Close: ends every event stream
}

// event is one message to the open pages.
type event struct {
	name string // "reload", "css" or "error"
	data string
}

// New returns a server for the site described by opts. Call Rebuild to
// build it before serving.
func New(opts generator.SessionOptions, log io.Writer) *Server {
	return &Server{
		session: generator.NewSession(opts),
		site:    opts.Site,
		log:     log,
		clients: map[chan event]bool{},
		done:    make(chan struct{}),
	}
}

// Rebuild builds the site again after changes to files (slash paths from
// the site folder; none for the first build), and tells every open page.
// It returns the build's error; the last good site is kept then.
func (s *Server) Rebuild(changed ...string) error {
	start := time.Now()
	s.session.Changed(changed...)
	s.mu.Lock()
	prev := s.snap
	s.mu.Unlock()
	snap, stats, err := s.session.Build(prev)
	report := ""
	if err != nil {
		report = s.report(err)
	}
	s.mu.Lock()
	s.failure = report
	if err == nil {
		s.snap = snap
	}
	s.mu.Unlock()
	if err != nil {
		fmt.Fprintf(s.log, "%s\nserving the last good build until this is fixed\n", report)
		s.broadcast(event{"error", report})
		return err
	}
	for _, w := range stats.Warnings {
		fmt.Fprintf(s.log, "warning: %s\n", w)
	}
	fmt.Fprintf(s.log, "built %d articles, %d files in %s\n", stats.Articles, stats.Files, time.Since(start).Round(time.Millisecond))
	if len(changed) > 0 && allStylesheets(changed) {
		s.broadcast(event{"css", ""})
	} else {
		s.broadcast(event{"reload", ""})
	}
	return nil
}

func allStylesheets(files []string) bool {
	for _, f := range files {
		if path.Ext(f) != ".css" {
			return false
		}
	}
	return true
}

// report formats a build error with the source line of each problem.
func (s *Server) report(err error) string {
	var list diag.List
	var d *diag.Diagnostic
	switch {
	case errors.As(err, &list):
	case errors.As(err, &d):
		list = diag.List{d}
	default:
		return err.Error()
	}
	var b strings.Builder
	for i, d := range list {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
		if line := sourceLine(s.site, d.File, d.Line); line != "" {
			fmt.Fprintf(&b, "\n  %4d | %s", d.Line, line)
			if d.Col > 0 {
				fmt.Fprintf(&b, "\n       | %s^", strings.Repeat(" ", min(d.Col-1, len(line))))
			}
		}
	}
	return b.String()
}

// sourceLine is line n of file in the site folder, or "" when unknown.
func sourceLine(site fs.FS, file string, n int) string {
	if n <= 0 || !fs.ValidPath(file) {
		return ""
	}
	data, err := fs.ReadFile(site, file)
	if err != nil {
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if n > len(lines) {
		return ""
	}
	return strings.TrimRight(strings.ReplaceAll(lines[n-1], "\t", "    "), "\r")
}

// broadcast tells every open page about e. A page needs only the newest
// event, since each says what the site is now: one that has not taken the
// last event yet gets e in its place, never the other way round, or a page
// could miss the reload after a fix and keep showing the old error.
func (s *Server) broadcast(e event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.clients {
		select {
		case c <- e:
		default:
			select {
			case <-c:
			default: // the page took it meanwhile
			}
			c <- e // the only sender holds s.mu: there is room now
		}
	}
}

// subscribe registers a page for events; unsubscribe when it goes away.
func (s *Server) subscribe() (c chan event, failure string) {
	c = make(chan event, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c] = true
	return c, s.failure
}

func (s *Server) unsubscribe(c chan event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, c)
}

// Close ends every event stream, so that http.Server.Shutdown can finish.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.done:
	default:
		close(s.done)
	}
}

// ServeHTTP serves the last good build.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == EventsPath {
		s.events(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	snap, failure := s.snap, s.failure
	s.mu.Unlock()
	if snap == nil {
		http.Error(w, "the site has not built yet:\n"+failure, http.StatusServiceUnavailable)
		return
	}
	name, redirect, ok := "", "", false
	if rest, in := underPath(r.URL.Path, snap.Path()); in {
		name, redirect, ok = lookup(snap, rest)
		if redirect != "" {
			redirect = snap.Path() + strings.TrimPrefix(redirect, "/")
		}
	} else if r.URL.Path == "/" || r.URL.Path+"/" == snap.Path() {
		redirect = snap.Path()
	}
	status := http.StatusOK
	switch {
	case redirect != "":
		if r.URL.RawQuery != "" {
			redirect += "?" + r.URL.RawQuery // /search?q=words keeps its words
		}
		http.Redirect(w, r, redirect, http.StatusFound) // not 301: browsers keep those, and a dev site changes
		return
	case !ok:
		name, status = "404.html", http.StatusNotFound
	}
	f := snap.Get(name)
	if f == nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	data, err := f.Bytes()
	if err != nil {
		http.Error(w, s.report(err), http.StatusInternalServerError)
		return
	}
	typ := contentType(name)
	if strings.HasPrefix(typ, "text/html") {
		data = inject(data, failure)
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// underPath is the path of a request from the site's root, when the
// request is for a page of the site, which is served at sitePath.
func underPath(urlPath, sitePath string) (string, bool) {
	if p, err := url.PathUnescape(sitePath); err == nil {
		sitePath = p // as the request's path is
	}
	rest, ok := strings.CutPrefix(urlPath, sitePath)
	return "/" + rest, ok
}

// lookup finds the file for a request path: the file itself, or the
// folder's index.html; a folder asked for without its final slash is
// redirected to it. Paths that climb out of the site never match.
func lookup(snap *generator.Snapshot, urlPath string) (name, redirect string, ok bool) {
	if !strings.HasPrefix(urlPath, "/") || strings.Contains(urlPath, "\x00") {
		return "", "", false
	}
	for _, seg := range strings.Split(urlPath, "/") {
		if seg == ".." || seg == "." {
			return "", "", false
		}
	}
	clean := strings.TrimPrefix(path.Clean(urlPath), "/")
	if clean == "" || clean == "." {
		return "index.html", "", snap.Get("index.html") != nil
	}
	if strings.HasSuffix(urlPath, "/") {
		name = clean + "/index.html"
		return name, "", snap.Get(name) != nil
	}
	if snap.Get(clean) != nil {
		return clean, "", true
	}
	if snap.Get(clean+"/index.html") != nil {
		return "", "/" + clean + "/", false
	}
	return "", "", false
}

// types fixes the Content-Type of the files a digest has, whatever the
// machine's MIME database says.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".xml":  "application/xml; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".opml": "text/x-opml; charset=utf-8",
	".svg":  "image/svg+xml",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// events streams rebuild events to one page until it goes away.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c, failure := s.subscribe()
	defer s.unsubscribe(c)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, ": digest\n\n")
	if failure != "" {
		writeEvent(w, event{"error", failure})
	}
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case e := <-c:
			writeEvent(w, e)
			flusher.Flush()
		}
	}
}

func writeEvent(w io.Writer, e event) {
	data, _ := json.Marshal(e.data)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, data)
}

// inject adds the live-reload script, and the error overlay while the last
// build failed, before </body>.
func inject(page []byte, failure string) []byte {
	var extra bytes.Buffer
	if failure != "" {
		report, _ := json.Marshal(failure)
		fmt.Fprintf(&extra, "<script>window.__digestError=%s</script>", scriptSafe(report))
	}
	extra.WriteString(liveScript)
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page, extra.Bytes()...)
	}
	out := make([]byte, 0, len(page)+extra.Len())
	out = append(out, page[:i]...)
	out = append(out, extra.Bytes()...)
	return append(out, page[i:]...)
}

// scriptSafe keeps JSON from closing its script element.
func scriptSafe(js []byte) []byte {
	js = bytes.ReplaceAll(js, []byte("<"), []byte(`\u003c`))
	return bytes.ReplaceAll(js, []byte(">"), []byte(`\u003e`))
}

// liveScript reloads the page after a rebuild, swaps stylesheets after a
// stylesheet-only change, and shows build errors over the page. It builds
// the overlay with textContent, so an error message never becomes markup.
const liveScript = `<script>(function(){
var box;
function show(msg){
 if(!box){box=document.createElement("div");box.id="digest-error";box.setAttribute("role","alert");
  box.style.cssText="position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1em 1.2em;background:#2b0b0b;color:#ffe9e9;font:14px/1.45 ui-monospace,monospace;white-space:pre-wrap;border-top:4px solid #e5484d";
  document.body.appendChild(box);}
 box.textContent="digest: the last edit did not build; showing the last good site.\n\n"+msg;
}
if(window.__digestError)show(window.__digestError);
var es=new EventSource("` + EventsPath + `");
es.addEventListener("reload",function(){location.reload();});
es.addEventListener("error",function(e){show(JSON.parse(e.data));});
es.addEventListener("css",function(){
 if(box){location.reload();return;}
 document.querySelectorAll('link[rel="stylesheet"]').forEach(function(l){var u=new URL(l.href);u.searchParams.set("digest",Date.now());l.href=u.href;});
});
})();</script>
`
