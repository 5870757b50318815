// Package cli is digest's command line: flags, usage, dispatch to the
// generator, and exit codes (0 success, 1 bad content or templates, 2 bad
// usage).
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/digest/digest/generator"
	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/hosts"
	"github.com/digest/digest/generator/publish"
)

// Version is digest's release.
const Version = "0.1.0"

// Exit statuses.
const (
	exitOK      = 0
	exitContent = 1
	exitUsage   = 2
)

// env is the world a command runs in: where it prints, what it reads,
// the time. Main's is the process's; tests make their own.
type env struct {
	theme          fs.FS // the built-in layouts
	stdin          input
	stdout, stderr io.Writer
	clock          func() time.Time // what content is dated and judged against
	limits         []hosts.Limit    // what build warns about
	cmd            *command         // the command running
}

// input is standard input: something to read that can say whether it is a
// terminal.
type input interface {
	io.Reader
	Stat() (fs.FileInfo, error)
}

// Main runs digest with args (without the program name), reading the
// process's standard input and clock, and returns the exit status. theme
// is the built-in layouts folder.
func Main(args []string, theme fs.FS, stdout, stderr io.Writer) int {
	e := &env{theme: theme, stdin: os.Stdin, stdout: stdout, stderr: stderr, clock: time.Now, limits: hosts.Limits}
	return e.main(args)
}

// main runs the command args[0] names with the rest of args.
func (e *env) main(args []string) int {
	if len(args) == 0 {
		printUsage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printUsage(e.stdout)
		return exitOK
	}
	var names []string
	for _, c := range commands {
		if c.name == args[0] {
			e.cmd = c
			return c.run(e, args[1:])
		}
		names = append(names, c.name)
	}
	msg := fmt.Sprintf("digest: unknown command %q", args[0])
	if guess := diag.Suggest(args[0], slices.Sorted(slices.Values(names))); guess != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", guess)
	}
	fmt.Fprintf(e.stderr, "%s\nRun \"digest --help\" for the commands.\n", msg)
	return exitUsage
}

// printUsage writes digest's usage: every command's usage line.
func printUsage(w io.Writer) {
	fmt.Fprint(w, "digest builds a static news digest from Markdown articles.\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %s\n", c.line())
	}
	fmt.Fprint(w, "\nRun \"digest COMMAND --help\" for a command's flags.\n")
}

// buildCmd is digest build, holding its flags' values.
type buildCmd struct {
	runFlags
	out, baseURL string
	quiet        bool
}

func buildFlags(fset *flag.FlagSet) func(*env, []string) int {
	var b buildCmd
	b.runFlags.declare(fset)
	fset.StringVar(&b.out, "o", "", "the output `folder` (default <site>/public)")
	fset.StringVar(&b.baseURL, "base-url", "", "the `URL` the site is published at, overriding site.yaml")
	fset.BoolVar(&b.quiet, "quiet", false, "print nothing but problems")
	return b.run
}

func (b *buildCmd) run(e *env, _ []string) int {
	if b.baseURL != "" {
		if err := config.CheckBaseURL(b.baseURL); err != nil {
			fmt.Fprintf(e.stderr, "digest build: --base-url: %v\n", err)
			return exitUsage
		}
	}
	stopProfiles, err := startProfiles(b.cpuProfile, b.memProfile)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest build: %v\n", err)
		return exitUsage
	}
	defer stopProfiles()
	if b.out == "" {
		b.out = filepath.Join(b.site, "public")
	}
	start := time.Now()
	if err := checkSite(b.site); err != nil {
		fmt.Fprintf(e.stderr, "digest build: %v\n", err)
		return exitContent
	}
	opened := time.Now()
	o, err := publish.Open(b.out, b.site)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest build: %v\n", err)
		return exitContent
	}
	// The steps around the build's, for --verbose: reading the build
	// state, the commit, and measuring the output for the host warning.
	var phases []generator.Phase
	phase := func(name string, since time.Time) {
		phases = append(phases, generator.Phase{Name: name, Duration: time.Since(since)})
	}
	phase("open", opened)
	opts := e.options(b.siteFlags, b.baseURL)
	opts.Scratch, opts.Cache = o.Scratch(), o.Cache()
	if !b.quiet {
		opts.Progress = &generator.Progress{}
		defer showProgress(e.stderr, opts.Progress, start)()
	}
	stats, err := generator.Build(opts, o)
	printWarnings(e, stats)
	b.printPhases(e, stats)
	if err != nil {
		o.Abort()
		return e.failed("build", err)
	}
	committed := time.Now()
	written, err := o.Commit()
	if err != nil {
		fmt.Fprintf(e.stderr, "digest build: %v\n", err)
		return exitContent
	}
	phase("commit", committed)
	printUnknown(e, b.out, b.site, written.Unknown)
	measured := time.Now()
	if w := hostWarning(o.Size, stats.Outputs, e.limits); w != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	phase("hosts", measured)
	b.printPhases(e, &generator.Stats{Phases: phases})
	switch {
	case b.quiet:
	case stats.Skipped:
		fmt.Fprintf(e.stdout, "nothing changed since the last build: %s kept in %s (%s)\n",
			plural(written.Unchanged, "file", "files"), b.out, elapsed(start))
	default:
		fmt.Fprintf(e.stdout, "%s into %s in %s: %d written, %d unchanged%s, %d removed%s\n", summary(stats), b.out,
			elapsed(start), written.Written, written.Unchanged, reused(stats), written.Removed, skipped(stats))
	}
	if b.baseURL == "" && !b.quiet {
		if cfg, err := config.Load(os.DirFS(b.site)); err == nil && cfg.NoBaseURL {
			fmt.Fprintf(e.stderr, "note: site.yaml sets no base_url, so feeds, the sitemap and canonical links point at %s;\n"+
				"      set base_url there, or build with --base-url https://your.site/, before you publish\n", config.DefaultBaseURL)
		}
	}
	return exitOK
}

// checkCmd is digest check, holding its flags' values.
type checkCmd struct {
	runFlags
	links, strict bool
}

func checkFlags(fset *flag.FlagSet) func(*env, []string) int {
	var c checkCmd
	c.runFlags.declare(fset)
	fset.BoolVar(&c.links, "links", false, "also check that every source_url and link in a body still answers (results kept a day in .digest/links/)")
	fset.BoolVar(&c.strict, "strict", false, "with --links, make a dead link an error")
	return c.run
}

func (c *checkCmd) run(e *env, _ []string) int {
	if c.strict && !c.links {
		return e.usageError("--strict is for --links: dead links are warnings unless it is given")
	}
	stopProfiles, err := startProfiles(c.cpuProfile, c.memProfile)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest check: %v\n", err)
		return exitUsage
	}
	defer stopProfiles()
	if err := checkSite(c.site); err != nil {
		fmt.Fprintf(e.stderr, "digest check: %v\n", err)
		return exitContent
	}
	opts := e.options(c.siteFlags, "")
	// A check has no output folder to keep its scratch file in; past the
	// spool's memory budget, the system's temporary folder will do.
	opts.Scratch = os.TempDir()
	stats, err := generator.Build(opts, discard{})
	printWarnings(e, stats)
	c.printPhases(e, stats)
	if err != nil {
		return e.failed("check", err)
	}
	fmt.Fprintf(e.stdout, "ok: %s%s\n", summary(stats), skipped(stats))
	if c.links {
		return c.checkLinks(e)
	}
	return exitOK
}

// versionFlags declares no flags: digest version takes none.
func versionFlags(*flag.FlagSet) func(*env, []string) int { return runVersion }

func runVersion(e *env, _ []string) int {
	fmt.Fprintf(e.stdout, "digest %s %s/%s %s\n", Version, runtime.GOOS, runtime.GOARCH, runtime.Version())
	return exitOK
}

func (e *env) options(sf siteFlags, baseURL string) generator.Options {
	return generator.Options{
		Input: generator.Input{
			Site:    os.DirFS(sf.site),
			Theme:   e.theme,
			Drafts:  sf.drafts,
			Future:  sf.future,
			BaseURL: baseURL,
		},
		Now: e.clock(),
	}
}

// checkSite gives a clear message when the site folder is not one.
func checkSite(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("site folder: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("site folder %s is not a folder", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "content")); err != nil {
		return fmt.Errorf("%s has no content/ folder: is it a digest site? (-s names the site folder)", dir)
	}
	return nil
}

func (e *env) failed(cmd string, err error) int {
	var list diag.List
	if errors.As(err, &list) {
		for _, d := range list {
			fmt.Fprintln(e.stderr, d)
		}
		fmt.Fprintf(e.stderr, "digest %s: %s; nothing was written\n", cmd, plural(len(list), "error", "errors"))
		return exitContent
	}
	fmt.Fprintf(e.stderr, "digest %s: %v; nothing was written\n", cmd, err)
	return exitContent
}

// printPhases prints the time each step took, for --verbose.
func (rf *runFlags) printPhases(e *env, stats *generator.Stats) {
	if !rf.verbose || stats == nil {
		return
	}
	for _, p := range stats.Phases {
		fmt.Fprintf(e.stderr, "%-12s %8s\n", p.Name, p.Duration.Round(100*time.Microsecond))
	}
}

func printWarnings(e *env, stats *generator.Stats) {
	if stats == nil {
		return
	}
	for _, w := range stats.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
}

// printUnknown warns, once, of the files of the output that no build
// state describes and that the build kept.
func printUnknown(e *env, out, site string, names []string) {
	if len(names) == 0 {
		return
	}
	const shown = 10
	list := strings.Join(names[:min(len(names), shown)], ", ")
	if len(names) > shown {
		list += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	fmt.Fprintf(e.stderr, "warning: %s holds %s this build did not write, and digest has no record of them "+
		"(its build state in %s was missing or did not match): they were kept; "+
		"if they are pages of an earlier build, empty %s and build again: %s\n",
		out, plural(len(names), "file", "files"), filepath.Join(site, publish.StateDir), out, list)
}

func summary(s *generator.Stats) string {
	return fmt.Sprintf("%s, %s, %s (%s)", plural(s.Articles, "article", "articles"), plural(s.Tags, "tag", "tags"),
		plural(s.Pages, "page", "pages"), plural(s.Files, "file", "files"))
}

func reused(s *generator.Stats) string {
	if s.Reused == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d not made again)", s.Reused)
}

func skipped(s *generator.Stats) string {
	var parts []string
	if s.Drafts > 0 {
		parts = append(parts, plural(s.Drafts, "draft", "drafts")+" (--drafts to include)")
	}
	if s.Future > 0 {
		parts = append(parts, plural(s.Future, "future article", "future articles")+" (--future to include)")
	}
	if len(parts) == 0 {
		return ""
	}
	return "; left out " + strings.Join(parts, " and ")
}

func elapsed(start time.Time) string {
	return time.Since(start).Round(time.Millisecond).String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// discard is the output of a check: everything is rendered, nothing kept.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
