// Command floor measures the floor under a digest build: reading every
// Markdown file of a site and rendering its body to HTML, and nothing else.
//
// Usage:
//
//	go run ./bench/floor DIR
//
// It walks DIR/content for *.md files, splits off the YAML front matter
// (the lines between the first two "---" lines, left unparsed), and renders
// each body with goldmark configured as digest configures it (GFM, footnotes,
// typographer, automatic heading IDs), on all cores: one goroutine per core
// pulls file names from a channel, reads the file and renders it into a
// reused buffer. It prints the number of files, the bytes read, the bytes of
// HTML produced and the wall time from the start of the walk to the last
// render.
//
// No template, no site model, no writing: a full build cannot be faster than
// this, so bench/run.sh reports digest's time as a multiple of it. It depends
// on goldmark only, never on digest's own packages, so it measures the same
// thing whatever state the generator is in.
package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor DIR   (DIR holds content/)")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// result is what one worker saw.
type result struct {
	files, in, out int64
	err            error
}

func run(dir string) error {
	root := filepath.Join(dir, "content")
	start := time.Now()

	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)

	workers := runtime.GOMAXPROCS(0)
	paths := make(chan string, 4*workers)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- work(md, paths)
		}()
	}

	walkErr := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
			paths <- path
		}
		return nil
	})
	close(paths)
	wg.Wait()
	close(results)
	elapsed := time.Since(start)

	var total result
	for r := range results {
		total.files += r.files
		total.in += r.in
		total.out += r.out
		if total.err == nil {
			total.err = r.err
		}
	}
	if walkErr != nil {
		return walkErr
	}
	if total.err != nil {
		return total.err
	}
	if total.files == 0 {
		return fmt.Errorf("no .md files under %s", root)
	}
	fmt.Printf("files=%d bytes=%d html_bytes=%d workers=%d elapsed=%.3fs\n",
		total.files, total.in, total.out, workers, elapsed.Seconds())
	return nil
}

// work reads and renders every file it receives until paths is closed. After
// the first error it keeps draining the channel so the walk never blocks.
func work(md goldmark.Markdown, paths <-chan string) result {
	var r result
	var buf bytes.Buffer
	for path := range paths {
		if r.err != nil {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			r.err = err
			continue
		}
		buf.Reset()
		if err := md.Convert(body(src), &buf); err != nil {
			r.err = fmt.Errorf("%s: %w", path, err)
			continue
		}
		r.files++
		r.in += int64(len(src))
		r.out += int64(buf.Len())
	}
	return r
}

// body returns src without its front matter: when the first line is "---",
// everything up to and including the next "---" line. A file without front
// matter, or whose front matter never closes, is rendered whole.
func body(src []byte) []byte {
	line, rest, ok := bytes.Cut(src, []byte("\n"))
	if !ok || string(bytes.TrimRight(line, "\r")) != "---" {
		return src
	}
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if string(bytes.TrimRight(line, "\r")) == "---" {
			return after
		}
		rest = after
	}
	return src
}
