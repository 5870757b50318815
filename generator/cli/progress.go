package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/digest/digest/generator"
)

// showProgress keeps a progress line on w, when w is a terminal and the
// build takes more than a second, until the returned stop is called, which
// clears the line.
func showProgress(w io.Writer, p *generator.Progress, start time.Time) (stop func()) {
	f, ok := w.(*os.File)
	if !ok {
		return func() {}
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(w, "\r\033[K")
				}
				return
			case <-tick.C:
				if time.Since(start) < time.Second {
					continue
				}
				shown = true
				fmt.Fprintf(w, "\r\033[Kbuilding: %s, %d files, %s", p.Phase(), p.Files(), time.Since(start).Round(100*time.Millisecond))
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
