package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/digest/digest/generator"
	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/serve"
)

// serveCmd is digest serve, holding its flags' values. It has none of
// build's --verbose and profiles: it builds again and again, for as long
// as it runs.
type serveCmd struct {
	siteFlags
	bind string
	port int
	open bool
}

func serveFlags(fset *flag.FlagSet) func(*env, []string) int {
	var s serveCmd
	s.siteFlags.declare(fset)
	fset.StringVar(&s.bind, "bind", "127.0.0.1", "the `address` to listen on; 0.0.0.0 shares the site with your network")
	fset.IntVar(&s.port, "port", 1313, "the `port` to listen on; the next free one if it is taken")
	fset.BoolVar(&s.open, "open", false, "open the site in your browser")
	return s.run
}

func (s *serveCmd) run(e *env, _ []string) int {
	if err := checkSite(s.site); err != nil {
		fmt.Fprintf(e.stderr, "digest serve: %v\n", err)
		return exitContent
	}
	ln, err := listen(e, s.bind, s.port)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest serve: %v\n", err)
		return exitUsage
	}
	origin := "http://" + ln.Addr().String()
	// The site is served at the path it is published at; the server
	// follows site.yaml if it changes, the URL printed here does not.
	url := origin + "/"
	if cfg, err := config.Load(os.DirFS(s.site)); err == nil {
		url = origin + cfg.Path
	}
	if os.Getenv("GOGC") == "" {
		// The server holds the site and rebuilds it on every save; with Go's
		// default the collector runs several times per rebuild. Trading
		// memory for it (a 10,000-article site stays well under Hugo's
		// 1.3 GB) takes a fifth off the time from save to served.
		debug.SetGCPercent(300)
	}
	in := e.options(s.siteFlags, "").Input
	in.Origin = origin
	srv := serve.New(generator.SessionOptions{Input: in}, e.stderr)
	// Watching starts before the first build, so that a fix saved while
	// it runs is not missed.
	watcher, err := srv.Watch(s.site)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest serve: %v\n", err)
		return exitContent
	}
	// A first build that fails still serves: the browser shows the errors
	// and the next good edit brings the site.
	_ = srv.Rebuild()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	httpSrv := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	httpSrv.RegisterOnShutdown(srv.Close)
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	fmt.Fprintf(e.stdout, "serving %s at %s (Ctrl-C to stop)\n", s.site, url)
	if s.open {
		openBrowser(url)
	}
	watched := make(chan struct{})
	go func() {
		watcher.Run(ctx)
		close(watched)
	}()
	select {
	case err = <-served:
	case <-ctx.Done():
	}
	stop()
	<-watched
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = httpSrv.Shutdown(shutdown)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "digest serve: %v\n", err)
		return exitContent
	}
	fmt.Fprintln(e.stdout, "stopped")
	return exitOK
}

// listen listens on bind:port, or on the next free port when it is taken,
// saying so.
func listen(e *env, bind string, port int) (net.Listener, error) {
	var first error
	for p := port; p < port+20 && p < 65536; p++ {
		ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(p)))
		if err == nil {
			if p != port {
				fmt.Fprintf(e.stderr, "port %d is taken; using %d\n", port, p)
			}
			return ln, nil
		}
		if first == nil {
			first = err
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	return nil, first
}

// openBrowser asks the desktop to open url; without a desktop it does
// nothing, and the printed URL is there to click.
func openBrowser(url string) {
	cmd := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		cmd = "open"
	case "windows":
		cmd = "explorer"
	}
	if path, err := exec.LookPath(cmd); err == nil {
		_ = exec.Command(path, url).Start()
	}
}
