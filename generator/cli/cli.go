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
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/digest/digest/generator"
	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/diag"
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

const usage = `digest builds a static news digest from Markdown articles.

Usage:
  digest build [-s DIR] [-o DIR] [--drafts] [--future] [--base-url URL] [--quiet] [--verbose]
  digest serve [-s DIR] [--bind 127.0.0.1] [--port 1313] [--drafts] [--future] [--open]
  digest new [-s DIR] "Headline" [--tags a,b] [--source NAME] [--url URL] [--date DATE]
  digest init [--github-pages] DIR
  digest check [-s DIR] [--drafts] [--future]
  digest version

Run "digest COMMAND --help" for a command's flags.
`

// help describes a subcommand for its --help.
type help struct {
	summary, example string
}

// env is what commands print to and build with.
type env struct {
	theme          fs.FS
	stdout, stderr io.Writer
}

var helps = map[string]help{
	"build":   {"build the site into the output folder", "digest build -s ~/my-digest --base-url https://news.example.org/"},
	"check":   {"check content and templates, writing nothing", "digest check -s ~/my-digest"},
	"serve":   {"build the site in memory, serve it, and rebuild and reload on every change", "digest serve -s ~/my-digest --open"},
	"new":     {"write a new article, ready to edit", `digest new "China presses North Korea to halt its tests" --tags "China,North Korea" --source INQUIRER.net --url https://globalnation.inquirer.net/`},
	"init":    {"create a new digest site, ready to build", "digest init ~/my-digest"},
	"version": {"print digest's version", "digest version"},
}

var commands = map[string]func(e *env, args []string) int{
	"build":   runBuild,
	"check":   runCheck,
	"serve":   runServe,
	"new":     runNew,
	"init":    runInit,
	"version": runVersion,
}

// Main runs digest with args (without the program name) and returns the
// exit status. theme is the built-in layouts folder.
func Main(args []string, theme fs.FS, stdout, stderr io.Writer) int {
	e := &env{theme: theme, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	run, ok := commands[args[0]]
	if !ok {
		msg := fmt.Sprintf("digest: unknown command %q", args[0])
		if guess := diag.Suggest(args[0], slices.Sorted(maps.Keys(commands))); guess != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", guess)
		}
		fmt.Fprintf(stderr, "%s\nRun \"digest --help\" for the commands.\n", msg)
		return exitUsage
	}
	return run(e, args[1:])
}

// siteFlags are the flags build and check share.
type siteFlags struct {
	site                   string
	drafts, future         bool
	verbose                bool
	cpuProfile, memProfile string
}

func newFlags(e *env, name string, sf *siteFlags) *flag.FlagSet {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.StringVar(&sf.site, "s", ".", "the site `folder`, holding site.yaml, content/ and layouts/")
	fset.BoolVar(&sf.drafts, "drafts", false, "include articles marked draft: true")
	fset.BoolVar(&sf.future, "future", false, "include articles dated in the future")
	fset.BoolVar(&sf.verbose, "verbose", false, "print how long each step of the build took")
	fset.StringVar(&sf.cpuProfile, "cpuprofile", "", "write a CPU profile to `file`, for go tool pprof")
	fset.StringVar(&sf.memProfile, "memprofile", "", "write a heap profile to `file` at the end")
	cmd := helps[name]
	fset.Usage = func() {
		fmt.Fprintf(fset.Output(), "digest %s: %s\n\nFlags:\n", name, cmd.summary)
		fset.PrintDefaults()
		fmt.Fprintf(fset.Output(), "\nExample:\n  %s\n", cmd.example)
	}
	return fset
}

// parse parses args, returning the exit status to stop with, if any.
func parse(e *env, fset *flag.FlagSet, args []string) (int, bool) {
	// The flag package prints the usage itself on -help and on errors;
	// print it once, to the right stream, here instead.
	usage := fset.Usage
	fset.Usage = func() {}
	fset.SetOutput(io.Discard) // and its message too
	err := fset.Parse(args)
	fset.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		fset.SetOutput(e.stdout)
		fset.Usage()
		return exitOK, true
	}
	fset.SetOutput(e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest %s: %s\nRun \"digest %s --help\" for its flags.\n", fset.Name(), flagError(fset, err), fset.Name())
		return exitUsage, true
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(e.stderr, "digest %s: unexpected argument %q\n", fset.Name(), fset.Arg(0))
		return exitUsage, true
	}
	return 0, false
}

// flagError rewords the flag package's message about a bad flag in the
// way the flags are written in the help, with a guess at a mistyped name.
func flagError(fset *flag.FlagSet, err error) string {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: -")
	if !ok {
		return flagName.ReplaceAllStringFunc(msg, func(f string) string { return " " + dashes(f[2:]) })
	}
	var names []string
	fset.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	msg = "unknown flag " + dashes(name)
	if guess := diag.Suggest(name, names); guess != "" {
		msg += " (did you mean " + dashes(guess) + "?)"
	}
	return msg
}

// flagName is a flag named in the flag package's messages.
var flagName = regexp.MustCompile(` -[A-Za-z][\w-]*`)

// dashes writes a flag as the help does: -s, --quiet.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func runBuild(e *env, args []string) int {
	var sf siteFlags
	fset := newFlags(e, "build", &sf)
	out := fset.String("o", "", "the output `folder` (default <site>/public)")
	baseURL := fset.String("base-url", "", "the `URL` the site is published at, overriding site.yaml")
	quiet := fset.Bool("quiet", false, "print nothing but problems")
	if code, stop := parse(e, fset, args); stop {
		return code
	}
	if *baseURL != "" {
		if err := config.CheckBaseURL(*baseURL); err != nil {
			fmt.Fprintf(e.stderr, "digest build: --base-url: %v\n", err)
			return exitUsage
		}
	}
	stopProfiles, err := startProfiles(sf.cpuProfile, sf.memProfile)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest build: %v\n", err)
		return exitUsage
	}
	defer stopProfiles()
	if *out == "" {
		*out = filepath.Join(sf.site, "public")
	}
	start := time.Now()
	if err := checkSite(sf.site); err != nil {
		fmt.Fprintf(e.stderr, "digest build: %v\n", err)
		return exitContent
	}
	o, err := publish.Open(*out, sf.site)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest build: %v\n", err)
		return exitContent
	}
	opts := e.options(sf, *baseURL)
	opts.Scratch = o.Scratch()
	if !*quiet {
		opts.Progress = &generator.Progress{}
		defer showProgress(e.stderr, opts.Progress, start)()
	}
	stats, err := generator.Build(opts, o)
	printWarnings(e, stats)
	printPhases(e, sf, stats)
	if err != nil {
		o.Abort()
		return e.failed("build", err)
	}
	written, err := o.Commit()
	if err != nil {
		fmt.Fprintf(e.stderr, "digest build: %v\n", err)
		return exitContent
	}
	printUnknown(e, *out, sf.site, written.Unknown)
	if w := hostWarning(*out, stats.Outputs, hostLimits); w != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	switch {
	case *quiet:
	case stats.Skipped:
		fmt.Fprintf(e.stdout, "nothing changed since the last build: %s kept in %s (%s)\n",
			plural(written.Unchanged, "file", "files"), *out, elapsed(start))
	default:
		fmt.Fprintf(e.stdout, "%s into %s in %s: %d written, %d unchanged%s, %d removed%s\n", summary(stats), *out,
			elapsed(start), written.Written, written.Unchanged, reused(stats), written.Removed, skipped(stats))
	}
	if *baseURL == "" && !*quiet {
		if cfg, err := config.Load(os.DirFS(sf.site)); err == nil && cfg.NoBaseURL {
			fmt.Fprintf(e.stderr, "note: site.yaml sets no base_url, so feeds, the sitemap and canonical links point at %s;\n"+
				"      set base_url there, or build with --base-url https://your.site/, before you publish\n", config.DefaultBaseURL)
		}
	}
	return exitOK
}

func runCheck(e *env, args []string) int {
	var sf siteFlags
	fset := newFlags(e, "check", &sf)
	if code, stop := parse(e, fset, args); stop {
		return code
	}
	stopProfiles, err := startProfiles(sf.cpuProfile, sf.memProfile)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest check: %v\n", err)
		return exitUsage
	}
	defer stopProfiles()
	if err := checkSite(sf.site); err != nil {
		fmt.Fprintf(e.stderr, "digest check: %v\n", err)
		return exitContent
	}
	opts := e.options(sf, "")
	// A check has no output folder to keep its scratch file in; past the
	// spool's memory budget, the system's temporary folder will do.
	opts.Scratch = os.TempDir()
	stats, err := generator.Build(opts, discard{})
	printWarnings(e, stats)
	printPhases(e, sf, stats)
	if err != nil {
		return e.failed("check", err)
	}
	fmt.Fprintf(e.stdout, "ok: %s%s\n", summary(stats), skipped(stats))
	return exitOK
}

func runVersion(e *env, args []string) int {
	fset := flag.NewFlagSet("version", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Usage = func() {
		fmt.Fprintf(fset.Output(), "digest version: %s\n\nExample:\n  digest version\n", helps["version"].summary)
	}
	if code, stop := parse(e, fset, args); stop {
		return code
	}
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
		Now: time.Now(),
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
func printPhases(e *env, sf siteFlags, stats *generator.Stats) {
	if !sf.verbose || stats == nil {
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
