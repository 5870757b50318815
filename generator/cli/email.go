package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/digest/digest/generator"
)

// emailCmd is digest email, holding its flags' values.
type emailCmd struct {
	siteFlags
	out, baseURL string
}

func emailFlags(fset *flag.FlagSet) func(*env, []string) int {
	var c emailCmd
	c.siteFlags.declare(fset)
	fset.StringVar(&c.out, "o", "", "write the two files into this `folder` instead of building the site")
	fset.StringVar(&c.baseURL, "base-url", "", "the `URL` the site is published at, overriding site.yaml")
	return c.run
}

// emailParts are the files of issue n's email edition, from the output
// folder.
func emailParts(n int) []string {
	dir := path.Join("issues", strconv.Itoa(n))
	return []string{path.Join(dir, "email.html"), path.Join(dir, "email.txt")}
}

// run builds the site and prints the paths of issue args[0]'s email
// edition: in the output folder, or copied into the folder -o names.
func (c *emailCmd) run(e *env, args []string) int {
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 {
		return e.usageError(fmt.Sprintf("%q is no issue number (want a whole number from 1)", args[0]))
	}
	if c.out == "" {
		// The email is a file of the site: build it as digest build does,
		// and point at it there.
		b := buildCmd{runFlags: runFlags{siteFlags: c.siteFlags}, baseURL: c.baseURL, quiet: true}
		b.out = filepath.Join(c.site, "public")
		if code := b.run(e, nil); code != exitOK {
			return code
		}
		return printParts(e, b.out, n)
	}
	if err := checkSite(c.site); err != nil {
		fmt.Fprintf(e.stderr, "digest email: %v\n", err)
		return exitContent
	}
	keep := &keepFiles{want: emailParts(n), files: map[string][]byte{}}
	stats, err := generator.Build(e.options(c.siteFlags, c.baseURL), keep)
	printWarnings(e, stats)
	if err != nil {
		return e.failed("email", err)
	}
	if len(keep.files) < len(keep.want) {
		return noIssue(e, n)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		fmt.Fprintf(e.stderr, "digest email: %v\n", err)
		return exitContent
	}
	for _, name := range keep.want {
		file := filepath.Join(c.out, path.Base(name))
		if err := os.WriteFile(file, keep.files[name], 0o644); err != nil {
			fmt.Fprintf(e.stderr, "digest email: %v\n", err)
			return exitContent
		}
		fmt.Fprintln(e.stdout, file)
	}
	return exitOK
}

// printParts prints the paths of issue n's email edition in the output
// folder out.
func printParts(e *env, out string, n int) int {
	for _, name := range emailParts(n) {
		file := filepath.Join(out, filepath.FromSlash(name))
		if _, err := os.Stat(file); err != nil {
			return noIssue(e, n)
		}
		fmt.Fprintln(e.stdout, file)
	}
	return exitOK
}

func noIssue(e *env, n int) int {
	fmt.Fprintf(e.stderr, "digest email: the site has no issue %d (content/issues/%d.md, not a draft nor dated in the future; --drafts and --future include those)\n", n, n)
	return exitContent
}

// keepFiles is a build's output that keeps only the files it wants. The
// build writes from several goroutines.
type keepFiles struct {
	want  []string
	mu    sync.Mutex
	files map[string][]byte
}

func (k *keepFiles) WriteFile(name string, data []byte) error {
	if slices.Contains(k.want, name) {
		k.mu.Lock()
		k.files[name] = bytes.Clone(data)
		k.mu.Unlock()
	}
	return nil
}
