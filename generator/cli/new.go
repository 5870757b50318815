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
	"github.com/digest/digest/generator/internal/newfile"
	"github.com/digest/digest/generator/slug"
)

// placeholder is the body of a new article when none is piped in.
const placeholder = "Your summary of the story, in your own words.\n"

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

// newCmd is digest new, holding its flags' values.
type newCmd struct {
	site, tags, source, url, date string
	issue                         bool
}

func newFlags(fset *flag.FlagSet) func(*env, []string) int {
	var n newCmd
	fset.StringVar(&n.site, "s", ".", "the site `folder`, holding site.yaml and content/")
	fset.StringVar(&n.tags, "tags", "", "comma- or semicolon-separated `tags`, e.g. \"China,North Korea\"")
	fset.StringVar(&n.source, "source", "", "the publisher of the original story, e.g. INQUIRER.net")
	fset.StringVar(&n.url, "url", "", "the original story's http(s) `URL`")
	fset.BoolVar(&n.issue, "issue", false, "write the next numbered issue, content/issues/<number>.md, instead of an article")
	fset.StringVar(&n.date, "date", "", "the article's `date`: RFC 3339, 2006-01-02, \"2006-01-02 15:04\" or \"2006-01-02 15:04:05\"\n(default now; a date without a zone is in the site's timezone)")
	return n.run
}

// run writes the article headlined args[0], or the next issue.
func (n *newCmd) run(e *env, args []string) int {
	switch {
	case n.issue && (len(args) > 0 || n.tags != "" || n.source != "" || n.url != ""):
		return e.usageError("--issue takes no headline, --tags, --source or --url")
	case n.issue:
		return n.runIssue(e)
	case len(args) == 0:
		return e.usageError("missing headline")
	}
	fm, err := newFrontMatter(args[0], n.tags, n.source, n.url)
	if err != nil {
		return e.usageError(err.Error())
	}

	if err := checkSite(n.site); err != nil {
		fmt.Fprintf(e.stderr, "digest new: %v\n", err)
		return exitContent
	}
	cfg, err := config.Load(os.DirFS(n.site))
	if err != nil {
		return e.failed("new", err)
	}
	at := e.clock()
	fm.Date = at.In(cfg.Location)
	if n.date != "" {
		d, ok := content.ParseDate(n.date, cfg.Location)
		if !ok {
			return e.usageError(fmt.Sprintf("--date: cannot read %q (want 2006-01-02, \"2006-01-02 15:04\" or RFC 3339)", n.date))
		}
		fm.Date = d.In(cfg.Location)
	}
	fm.Date = fm.Date.Truncate(time.Second)

	body, err := readBody(e.stdin)
	if err != nil {
		fmt.Fprintf(e.stderr, "digest new: reading the body from standard input: %v\n", err)
		return exitContent
	}
	name := articleFile(fm.Date, slug.Make(fm.Title))
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

	file := filepath.Join(n.site, filepath.FromSlash(name))
	if err := newfile.Write(file, src); err != nil {
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
func readBody(stdin input) ([]byte, error) {
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

// articleFile is where an article dated date (in the site's timezone) and
// slugged s is written: content/YYYY/MM/<slug>.md, a slash path from the
// site folder. digest publish moves drafts to the same place.
func articleFile(date time.Time, s string) string {
	return path.Join(content.Dir, date.Format("2006/01"), fileSlug(s)+".md")
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
