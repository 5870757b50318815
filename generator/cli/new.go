package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/slug"
)

// clock is what digest new dates an article with; tests replace it.
var clock = time.Now

// stdin is where digest new reads an article's body from when it is not a
// terminal; tests replace it.
var stdin input = os.Stdin

// input is standard input: something to read that can say whether it is a
// terminal.
type input interface {
	io.Reader
	Stat() (fs.FileInfo, error)
}

// placeholder is the body of a new article when none is piped in.
const placeholder = "Your summary of the story, in your own words.\n"

var newSynopsis = synopsis{
	line: `digest new [-s DIR] "Headline" [--tags a,b] [--source NAME] [--url URL] [--date DATE]`,
	notes: "The article is written to content/YYYY/MM/<slug>.md, its headline made\n" +
		"into the file name, and its path is printed. When standard input is not\n" +
		"a terminal, it is the article's body:\n" +
		"  pbpaste | digest new \"Headline\"",
}

// maxFileSlug keeps a file name made from a long headline under the 255
// bytes most file systems allow. The article's URL still uses the whole
// headline.
const maxFileSlug = 200

// frontMatter is what digest new writes, in this order. Title and date are
// always written; the rest only when given.
type frontMatter struct {
	Title     string    `yaml:"title"`
	Date      time.Time `yaml:"date"`
	Tags      []string  `yaml:"tags,flow,omitempty"`
	Source    string    `yaml:"source,omitempty"`
	SourceURL string    `yaml:"source_url,omitempty"`
}

func runNew(e *env, args []string) int {
	fset := flag.NewFlagSet("new", flag.ContinueOnError)
	site := fset.String("s", ".", "the site `folder`, holding site.yaml and content/")
	tags := fset.String("tags", "", "comma- or semicolon-separated `tags`, e.g. \"China,North Korea\"")
	source := fset.String("source", "", "the publisher of the original story, e.g. INQUIRER.net")
	srcURL := fset.String("url", "", "the original story's http(s) `URL`")
	date := fset.String("date", "", "the article's `date`: RFC 3339, 2006-01-02, \"2006-01-02 15:04\" or \"2006-01-02 15:04:05\"\n(default now; a date without a zone is in the site's timezone)")
	pos, code, stop := parseArgs(e, fset, newSynopsis, args, 1)
	if stop {
		return code
	}
	if len(pos) == 0 {
		return e.usageError("new", "missing headline", newSynopsis)
	}
	fm, err := newFrontMatter(pos[0], *tags, *source, *srcURL)
	if err != nil {
		return e.usageError("new", err.Error(), newSynopsis)
	}

	if err := checkSite(*site); err != nil {
		fmt.Fprintf(e.stderr, "digest new: %v\n", err)
		return exitContent
	}
	cfg, err := config.Load(os.DirFS(*site))
	if err != nil {
		return e.failed("new", err)
	}
	at := clock()
	fm.Date = at.In(cfg.Location)
	if *date != "" {
		d, ok := content.ParseDate(*date, cfg.Location)
		if !ok {
			return e.usageError("new", fmt.Sprintf("--date: cannot read %q (want 2006-01-02, \"2006-01-02 15:04\" or RFC 3339)", *date), newSynopsis)
		}
		fm.Date = d.In(cfg.Location)
	}
	fm.Date = fm.Date.Truncate(time.Second)

	body, err := readBody()
	if err != nil {
		fmt.Fprintf(e.stderr, "digest new: reading the body from standard input: %v\n", err)
		return exitContent
	}
	name := path.Join(content.Dir, fm.Date.Format("2006/01"), fileSlug(slug.Make(fm.Title))+".md")
	src, err := article(fm, body)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest new: %v\n", err)
		return exitContent
	}
	// The file must read back as what was asked for: check it as a build
	// would before writing it.
	if _, _, err := content.ParseArticle(name, src, cfg.Location); err != nil {
		return e.failed("new", err)
	}

	file := filepath.Join(*site, filepath.FromSlash(name))
	if err := writeNew(file, src); err != nil {
		if errors.Is(err, fs.ErrExist) {
			fmt.Fprintf(e.stderr, "digest new: %s already exists; edit it, or choose another headline\n", file)
		} else {
			fmt.Fprintf(e.stderr, "digest new: %v\n", err)
		}
		return exitContent
	}
	fmt.Fprintln(e.stdout, file)
	if fm.Date.After(at) {
		fmt.Fprintf(e.stderr, "note: %s is dated in the future; digest build leaves it out until then (--future to include it)\n", file)
	}
	return exitOK
}

// newFrontMatter checks and tidies the headline and the flags.
func newFrontMatter(headline, tags, source, srcURL string) (*frontMatter, error) {
	fm := &frontMatter{
		Title:  strings.Join(strings.Fields(headline), " "),
		Source: strings.Join(strings.Fields(source), " "),
	}
	if fm.Title == "" {
		return nil, errors.New("the headline is empty")
	}
	if slug.Make(fm.Title) == "" {
		return nil, fmt.Errorf("headline %q has no letter or digit to make a file name from", fm.Title)
	}
	seen := map[string]bool{}
	// A semicolon separates too: it is the list separator of many
	// spreadsheets, and a tag with one in its name is rare. The tags are
	// written as a list, so the file shows how they were split.
	for _, t := range strings.FieldsFunc(tags, func(r rune) bool { return r == ',' || r == ';' }) {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			continue
		}
		s := slug.Make(t)
		if s == "" {
			return nil, fmt.Errorf("--tags: %q has no letter or digit to make a URL from", t)
		}
		if !seen[s] {
			seen[s] = true
			fm.Tags = append(fm.Tags, t)
		}
	}
	if srcURL = strings.TrimSpace(srcURL); srcURL != "" {
		u, err := url.Parse(srcURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--url: %q is not an http(s) URL", srcURL)
		}
		fm.SourceURL = srcURL
	}
	return fm, nil
}

// readBody returns what is piped into standard input, or the placeholder
// when standard input is a terminal or gives nothing.
func readBody() ([]byte, error) {
	info, err := stdin.Stat()
	if err != nil || info.Mode()&fs.ModeCharDevice != 0 {
		return []byte(placeholder), nil
	}
	b, err := io.ReadAll(stdin)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return []byte(placeholder), nil
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, '\n')
	}
	return b, nil
}

// article returns the file: YAML front matter, then the body.
func article(fm *frontMatter, body []byte) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteString("---\n")
	b.Write(body)
	return b.Bytes(), nil
}

// fileSlug shortens a long slug at a "-" so the file name stays valid.
func fileSlug(s string) string {
	if len(s) <= maxFileSlug {
		return s
	}
	cut := s[:maxFileSlug]
	if i := strings.LastIndexByte(cut, '-'); i > 0 {
		return cut[:i]
	}
	// One very long word: cut at a character boundary.
	for i := maxFileSlug; i > 0; i-- {
		if isRuneStart(s[i]) {
			return s[:i]
		}
	}
	return cut
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// writeNew creates file with data, and its folder, refusing to replace a
// file that is there.
func writeNew(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(file)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(file)
		return err
	}
	return nil
}

// synopsis is how a command taking arguments is written, and notes on
// it, for its --help.
type synopsis struct {
	line, notes string
}

// printHelp writes the command's --help: the summary, the usage line, the
// notes, the flags and the example.
func (syn synopsis) printHelp(w io.Writer, fset *flag.FlagSet) {
	cmd := helps[fset.Name()]
	fmt.Fprintf(w, "digest %s: %s\n\nUsage:\n  %s\n", fset.Name(), cmd.summary, syn.line)
	if syn.notes != "" {
		fmt.Fprintf(w, "\n%s\n", syn.notes)
	}
	hasFlags := false
	fset.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintf(w, "\nFlags:\n")
		fset.SetOutput(w)
		fset.PrintDefaults()
	}
	fmt.Fprintf(w, "\nExample:\n  %s\n", cmd.example)
}

// parseArgs parses flags given before, between and after the command's
// arguments, at most `most` of them (Go's flag package stops at the first
// argument), and returns the arguments; or the exit status to stop with.
// --help goes to standard output; a mistake and the usage line to standard
// error.
func parseArgs(e *env, fset *flag.FlagSet, syn synopsis, args []string, most int) ([]string, int, bool) {
	fset.SetOutput(io.Discard) // its messages are reworded below
	fset.Usage = func() {}     // printed below, to the right place
	var pos []string
	for {
		err := fset.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			syn.printHelp(e.stdout, fset)
			return nil, exitOK, true
		}
		if err != nil {
			return nil, e.usageError(fset.Name(), flagError(fset, err), syn), true
		}
		args = fset.Args()
		if len(args) == 0 {
			return pos, 0, false
		}
		if len(pos) == most {
			msg := fmt.Sprintf("unexpected argument %q", args[0])
			if fset.Name() == "new" {
				msg += " (put quotes around a headline of several words)"
			}
			return nil, e.usageError(fset.Name(), msg, syn), true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// usageError reports a bad command line and how to write it.
func (e *env) usageError(cmd, msg string, syn synopsis) int {
	fmt.Fprintf(e.stderr, "digest %s: %s\n", cmd, msg)
	return e.usageLine(cmd, syn)
}

func (e *env) usageLine(cmd string, syn synopsis) int {
	fmt.Fprintf(e.stderr, "usage: %s\nRun \"digest %s --help\" for more.\n", syn.line, cmd)
	return exitUsage
}
