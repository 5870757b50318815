package content

import (
	"bytes"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/markdown"
	"github.com/digest/digest/generator/spool"
)

// IssuesDir holds the numbered issues, one Markdown file each, such as
// content/issues/412.md: the curator's introduction as the body, and
// which articles the issue collects in the front matter.
const IssuesDir = "content/issues"

// ByTag is the value of an issue's sections that groups its articles by
// their first tag.
const ByTag = "by tag"

// Issue is one numbered issue as its file gives it. Which articles it
// holds is worked out by the site model, which knows every article: the
// references here are as written.
type Issue struct {
	File   string
	Number int
	Title  string // "" for the default, "Issue 412" in the site's language
	Date   time.Time
	// DateHasTime reports whether date gives a time of day; a day alone
	// collects the articles of the whole day.
	DateHasTime bool
	Draft       bool
	Summary     string // plain text, for the list of issues and the feeds
	Params      map[string]any

	// Articles are the articles the front matter lists, nil when it lists
	// none: the issue then collects the articles dated after the previous
	// issue, up to its own date.
	Articles []Ref
	Lead     *Ref
	// Sections group the articles under headings; ByTag is set when
	// the front matter says "sections: by tag".
	Sections []Section
	ByTag    bool

	// NumberLine and DateLine are where the number and date are written,
	// for the errors only the whole site can find.
	NumberLine, DateLine int

	Markdown spool.Text
	BodyLine int
	Sum      uint64
}

// Ref names an article, as a curator writes it: its file under content/
// ("2017/05/envoy.md", with or without "content/") or its URL on the site
// ("/2017/05/31/envoy/").
type Ref struct {
	Name string
	Line int
}

// Section is a heading of an issue and the articles under it: those it
// lists, or those of the issue with its tag.
type Section struct {
	Title    string
	Tag      string
	Articles []Ref
	Line     int
}

// issueKeys are the front-matter keys with a meaning in an issue;
// README.md ("Issues") describes them.
var issueKeys = []string{"number", "title", "date", "draft", "summary", "articles", "lead", "sections"}

func isIssue(file string) bool { return strings.HasPrefix(file, IssuesDir+"/") }

// ParseIssue reads one file of content/issues.
func ParseIssue(file string, src []byte, loc *time.Location) (*Issue, diag.List, error) {
	m, err := split(file, src)
	if err != nil {
		return nil, nil, err
	}
	is := &Issue{File: file, Markdown: spool.Mem(string(m.body)), BodyLine: m.bodyLine, Sum: sum.Bytes(src)}
	d := decoder{file: file, loc: loc, warnings: m.warnings}
	haveDate := false
	for _, f := range m.fields {
		if f.val == nil {
			d.commentedOut(f, src)
			if f.key != "date" && f.key != "number" {
				continue
			}
		}
		switch f.key {
		case "number":
			is.Number, is.NumberLine = d.number(f), f.line
		case "title":
			is.Title = d.text(f)
		case "date":
			is.Date, is.DateHasTime = d.date(f)
			is.DateLine, haveDate = f.line, true
		case "draft":
			is.Draft = d.boolean(f)
		case "summary":
			is.Summary = d.text(f)
		case "articles":
			is.Articles = d.refs(f, src, f.val)
			if is.Articles == nil {
				is.Articles = []Ref{} // listed, and empty
			}
		case "lead":
			if name := d.text(f); name != "" {
				is.Lead = &Ref{Name: name, Line: f.line}
			}
		case "sections":
			is.Sections, is.ByTag = d.sections(f, src)
		default:
			if known := diag.Suggest(f.key, issueKeys); known != "" {
				d.warnings = append(d.warnings, diag.Errorf(file, f.keyLine, f.keyCol,
					"unknown key %q: did you mean %q? (kept as a param)", f.key, known))
			}
			if is.Params == nil {
				is.Params = map[string]any{}
			}
			is.Params[f.key] = f.val
		}
	}
	if is.NumberLine == 0 && !d.failed("number") {
		// The file's name gives the number when the front matter does not.
		n, err := strconv.Atoi(strings.TrimSuffix(path.Base(file), ".md"))
		if err != nil || n < 1 {
			d.errorf(1, 0, "number: missing (give number: 412, or name the file 412.md)")
		}
		is.Number, is.NumberLine = n, 1
	}
	if !haveDate {
		d.errorf(1, 0, "date: missing (want 2006-01-02 or RFC 3339)")
	}
	is.Title, is.Summary = markdown.Smarten(is.Title), markdown.Smarten(is.Summary)
	return is, d.warnings, d.errs.Err()
}

// number reads an issue's number: a whole number from 1.
func (d *decoder) number(f field) int {
	n, ok := f.val.(int)
	if !ok || n < 1 {
		d.reject(f, "want a whole number from 1, not %s", describe(f))
		return 0
	}
	return n
}

// refs reads a list of articles: a list of names, or one name.
func (d *decoder) refs(f field, src []byte, val any) []Ref {
	var names []any
	switch v := val.(type) {
	case nil:
		return nil
	case string:
		names = []any{v}
	case []any:
		names = v
	default:
		d.reject(f, "want a list of articles (files under content/, or URLs), not %s", kind(val))
		return nil
	}
	var refs []Ref
	from := f.line
	for _, n := range names {
		s, ok := n.(string)
		if s = strings.TrimSpace(s); !ok || s == "" {
			d.reject(f, "want a list of articles (files under content/, or URLs), found %s in it", kind(n))
			return nil
		}
		from = lineOf(src, from, s)
		refs = append(refs, Ref{Name: s, Line: from})
	}
	return refs
}

// sections reads "by tag", or a list of sections each with a title and
// either articles or a tag.
func (d *decoder) sections(f field, src []byte) ([]Section, bool) {
	if s, ok := f.val.(string); ok && strings.EqualFold(strings.TrimSpace(s), ByTag) {
		return nil, true
	}
	list, ok := f.val.([]any)
	if !ok {
		d.reject(f, "want %q or a list of sections, each with a title and articles or a tag, not %s", ByTag, describe(f))
		return nil, false
	}
	var out []Section
	from := f.line
	for _, e := range list {
		m, ok := e.(map[string]any)
		title, _ := m["title"].(string)
		if !ok || strings.TrimSpace(title) == "" {
			d.reject(f, "want each section to be a title with articles or a tag, found %s", kind(e))
			return nil, false
		}
		from = lineOf(src, from, title)
		sec := Section{Title: markdown.Smarten(strings.TrimSpace(title)), Line: from}
		for k := range m {
			if k != "title" && k != "articles" && k != "tag" {
				d.errorf(from, 0, "sections: section %q: unknown key %q (want title, articles or tag)", title, k)
			}
		}
		tag, hasTag := m["tag"]
		arts, hasArts := m["articles"]
		switch {
		case hasTag && hasArts:
			d.errorf(from, 0, "sections: section %q gives both articles and a tag; give one", title)
		case hasTag:
			sec.Tag, _ = scalarText(tag)
			if strings.TrimSpace(sec.Tag) == "" {
				d.errorf(from, 0, "sections: section %q: tag: want a tag's name", title)
			}
		case hasArts:
			sec.Articles = d.refs(field{key: "sections", line: from, col: f.col}, src, arts)
			if n := len(sec.Articles); n > 0 {
				from = sec.Articles[n-1].Line
			}
		default:
			d.errorf(from, 0, "sections: section %q lists no articles and no tag", title)
		}
		out = append(out, sec)
	}
	return out, false
}

// lineOf is the first line from line from on whose text holds s, or from
// when none does: the decoders give the line of a list, not of each item.
func lineOf(src []byte, from int, s string) int {
	lines := bytes.Split(src, []byte("\n"))
	for i := max(from, 1) - 1; i < len(lines); i++ {
		if bytes.Contains(lines[i], []byte(s)) {
			return i + 1
		}
	}
	return from
}
