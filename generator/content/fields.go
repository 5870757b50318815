package content

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/digest/digest/generator/chars"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/markdown"
	"github.com/digest/digest/generator/slug"
	"github.com/digest/digest/generator/spool"
)

// knownKeys are the front-matter keys with a meaning; README.md
// ("Writing an article") and docs/templates.md (Article) describe them.
var knownKeys = []string{
	"title", "date", "tags", "source", "source_url", "author", "summary",
	"image", "image_alt", "image_credit", "draft", "updated", "slug", "aliases",
}

// MissingDate is the message of a file without a date, which the inbox's
// drafts may be until they are published.
const MissingDate = "date: missing (want 2006-01-02 or RFC 3339)"

// dayLayout is the form of a date without a time of day.
const dayLayout = "2006-01-02"

// dateLayouts are the accepted forms of a date, RFC 3339 first. Forms
// without a zone are read in the site's timezone.
var dateLayouts = []string{
	time.RFC3339Nano,
	dayLayout,
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
}

// ParseArticle reads one article file. Warnings are returned even when the
// error is not nil.
func ParseArticle(file string, src []byte, loc *time.Location) (*Article, diag.List, error) {
	m, err := split(file, src)
	if err != nil {
		return nil, nil, err
	}
	a := &Article{File: file, Markdown: spool.Mem(string(m.body)), BodyLine: m.bodyLine, Sum: sum.Bytes(src)}
	d := decoder{file: file, loc: loc, warnings: m.warnings}
	var title *field // where the title is written, when it is
	haveDate := false
	for _, f := range m.fields {
		if f.val == nil {
			d.commentedOut(f, src)
		}
		if f.val == nil && f.key != "title" && f.key != "date" && slices.Contains(knownKeys, f.key) {
			continue // an optional key left empty is not given
		}
		switch f.key {
		case "title":
			a.Title, title = d.text(f), &f
		case "date":
			a.Date, a.DateHasTime = d.date(f)
			haveDate = true
		case "updated":
			a.Updated, a.UpdatedHasTime = d.date(f)
		case "tags":
			a.Tags = d.tags(f)
		case "source":
			a.Source = d.text(f)
		case "source_url":
			a.SourceURL, a.SourceURLLine = d.url(f, false), f.line
		case "author":
			a.Author = d.text(f)
		case "summary":
			a.Summary = d.text(f)
		case "image":
			a.Image, a.ImageLine = d.url(f, true), f.line
		case "image_alt":
			a.ImageAlt = d.text(f)
		case "image_credit":
			a.ImageCredit = d.text(f)
		case "draft":
			a.Draft = d.boolean(f)
		case "slug":
			a.Slug, a.SlugLine = d.slug(f), f.line
		case "aliases":
			a.Aliases, a.AliasesLine = d.aliases(f), f.keyLine
		default:
			a.Params = d.param(a.Params, f)
		}
	}
	switch {
	case title == nil:
		d.errorf(1, 0, "title: missing (every article needs a headline)")
	case a.Title == "" && !d.failed("title"):
		d.errorf(title.line, title.col, "title: empty (every article needs a headline)")
	}
	if !haveDate {
		d.errorf(1, 0, MissingDate)
	}
	if a.Slug == "" && a.Title != "" {
		a.Slug, a.SlugLine = slug.Make(a.Title), title.line
		if a.Slug == "" {
			d.errorf(title.line, title.col, "title: %q gives an empty slug; set slug", a.Title)
		}
	}
	// The headline and summary get a body's quotes and dashes; the slug
	// was made from the headline as written.
	a.Title, a.Summary = markdown.Smarten(a.Title), markdown.Smarten(a.Summary)
	return a, d.warnings, d.errs.Err()
}

// ParsePage reads one file of content/pages.
func ParsePage(file string, src []byte) (*Page, diag.List, error) {
	m, err := split(file, src)
	if err != nil {
		return nil, nil, err
	}
	name := strings.TrimSuffix(strings.TrimPrefix(file, PagesDir+"/"), ".md")
	if i, _, _ := chars.Find(name); i >= 0 {
		// The name is the page's URL and folder.
		return nil, nil, diag.Errorf(file, 0, 0, "the file name %q holds a control character or is not UTF-8; rename the file", name)
	}
	p := &Page{File: file, Name: name, Markdown: spool.Mem(string(m.body)), BodyLine: m.bodyLine, Sum: sum.Bytes(src)}
	d := decoder{file: file, loc: time.UTC, warnings: m.warnings}
	for _, f := range m.fields {
		if f.val == nil {
			d.commentedOut(f, src)
		}
		switch f.key {
		case "title":
			p.Title = d.text(f)
		case "summary":
			p.Summary = d.text(f)
		case "updated":
			p.Updated, p.UpdatedHasTime = d.date(f)
		default:
			p.Params = d.param(p.Params, f)
		}
	}
	if p.Title == "" && !d.failed("title") {
		d.errorf(1, 0, "title: missing (every page needs a title)")
	}
	p.Title, p.Summary = markdown.Smarten(p.Title), markdown.Smarten(p.Summary)
	return p, d.warnings, d.errs.Err()
}

// decoder turns fields into typed values, collecting every error.
type decoder struct {
	file     string
	loc      *time.Location
	errs     diag.List
	warnings diag.List
	bad      []string // keys whose value was rejected
}

func (d *decoder) errorf(line, col int, format string, args ...any) {
	d.errs = append(d.errs, diag.Errorf(d.file, line, col, format, args...))
}

func (d *decoder) reject(f field, format string, args ...any) {
	d.bad = append(d.bad, f.key)
	d.errorf(f.line, f.col, f.key+": "+format, args...)
}

func (d *decoder) failed(key string) bool {
	for _, k := range d.bad {
		if k == key {
			return true
		}
	}
	return false
}

func (d *decoder) text(f field) string {
	switch v := f.val.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(v)
	case time.Time:
		if f.text != "" {
			return f.text
		}
		return v.Format(time.RFC3339)
	}
	d.reject(f, "want text, not %s", kind(f.val))
	return ""
}

func (d *decoder) boolean(f field) bool {
	if b, ok := f.val.(bool); ok {
		return b
	}
	d.reject(f, "want true or false, not %s", describe(f))
	return false
}

// date reads a date, and whether it gives a time of day: a day alone
// ("2017-05-30") is shown without one.
func (d *decoder) date(f field) (time.Time, bool) {
	t, hasTime := d.dateValue(f)
	if !d.failed(f.key) && !inRange(t, d.loc) {
		d.reject(f, "%s is outside the years 1 to 9999", describe(f))
		return time.Time{}, false
	}
	return t, hasTime
}

func (d *decoder) dateValue(f field) (time.Time, bool) {
	switch v := f.val.(type) {
	case nil:
		d.reject(f, "empty (want 2006-01-02 or RFC 3339)")
		return time.Time{}, false
	case string:
		if t, hasTime, ok := parseDate(v, d.loc); ok {
			return t.In(d.loc), hasTime
		}
	case time.Time:
		if f.text != "" {
			// A YAML timestamp: read what was written, so a date without a
			// zone is in the site's timezone rather than yaml.v3's UTC.
			if t, hasTime, ok := parseDate(f.text, d.loc); ok {
				return t.In(d.loc), hasTime
			}
		}
		switch v.Location().String() {
		case "time-local": // TOML's time of day, on no day
			d.reject(f, "cannot read a time without a date (want 2006-01-02 or RFC 3339)")
			return time.Time{}, false
		case "date-local":
			y, mo, dd := v.Date()
			return time.Date(y, mo, dd, 0, 0, 0, 0, d.loc), false
		case "datetime-local":
			y, mo, dd := v.Date()
			return time.Date(y, mo, dd, v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), d.loc), true
		}
		return v.In(d.loc), true
	}
	d.reject(f, "cannot read %s (want 2006-01-02 or RFC 3339)", describe(f))
	return time.Time{}, false
}

// ParseDate reads a date in any form front matter accepts; a form without
// a zone is read in loc. The date must fall in the years 1 to 9999 both in
// UTC and in loc, the years feeds (RFC 3339) can write.
func ParseDate(s string, loc *time.Location) (time.Time, bool) {
	t, _, ok := parseDate(s, loc)
	if !ok || !inRange(t, loc) {
		return time.Time{}, false
	}
	return t, true
}

// parseDate is ParseDate without the check of the year, so front matter
// can say what is wrong with a date it reads; hasTime reports whether s
// gives a time of day.
func parseDate(s string, loc *time.Location) (t time.Time, hasTime, ok bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, layout != dayLayout, true
		}
	}
	return time.Time{}, false, false
}

// inRange reports whether t falls in the years 1 to 9999 both in UTC and
// in loc, and is not the zero time, which stands for no date.
func inRange(t time.Time, loc *time.Location) bool {
	in := func(t time.Time) bool { return t.Year() >= 1 && t.Year() <= 9999 }
	return !t.IsZero() && in(t.UTC()) && in(t.In(loc))
}

// tags accepts a list of strings or one comma-separated string.
func (d *decoder) tags(f field) []string {
	var raw []string
	switch v := f.val.(type) {
	case nil:
	case string:
		raw = strings.Split(v, ",")
	case []any:
		for _, e := range v {
			s, ok := scalarText(e)
			if !ok {
				d.reject(f, "want a list of names, found %s in it", kind(e))
				return nil
			}
			raw = append(raw, s)
		}
	default:
		d.reject(f, "want a list of names or one comma-separated string, not %s", kind(f.val))
		return nil
	}
	tags := make([]string, 0, len(raw))
	for _, t := range raw {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			continue
		}
		if slug.Make(t) == "" {
			d.reject(f, "%q has no letter or digit to make a URL from", t)
			continue
		}
		tags = append(tags, t)
	}
	return tags
}

func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(v), true
	}
	return "", false
}

// url reads a URL field; see urlProblem for what it accepts.
func (d *decoder) url(f field, relative bool) string {
	s := d.text(f)
	if s == "" {
		return ""
	}
	if problem := urlProblem(s, relative); problem != "" {
		d.reject(f, "%q %s", s, problem)
		return ""
	}
	return s
}

func (d *decoder) slug(f field) string {
	s := d.text(f)
	out := slug.Make(s)
	if out == "" && !d.failed(f.key) {
		d.reject(f, "%q has no letter or digit to make a URL from", s)
	}
	return out
}

// maxSegment is the longest file name most file systems allow (NAME_MAX).
const maxSegment = 255

// invisible reports whether r has no place in a path or URL: a control or
// format character, a space other than U+0020, or U+FFFD, which stands
// for a character replaced.
func invisible(r rune) bool { return r != ' ' && !unicode.IsPrint(r) || r == '\ufffd' }

// aliases are old site paths, each of which gets a redirect page.
func (d *decoder) aliases(f field) []string {
	var raw []any
	switch v := f.val.(type) {
	case string:
		raw = []any{v}
	case []any:
		raw = v
	default:
		d.reject(f, "want a list of paths, not %s", kind(f.val))
		return nil
	}
	var out []string
	for _, e := range raw {
		s, ok := e.(string)
		clean := path.Clean("/" + s)
		if !ok || s == "" || strings.Contains(s, "://") || clean == "/" || strings.ContainsAny(s, "?#\\") || strings.ContainsFunc(s, invisible) {
			what := kind(e)
			if ok {
				what = strconv.Quote(s)
			}
			d.reject(f, "%s is not a site path such as /2017/old-name/", what)
			continue
		}
		if long := slices.IndexFunc(strings.Split(clean, "/"), func(seg string) bool { return len(seg) > maxSegment }); long >= 0 {
			// Each part becomes a folder name.
			d.reject(f, "%q has a part longer than %d bytes", s, maxSegment)
			continue
		}
		out = append(out, clean+"/")
	}
	return out
}

// param keeps a key the templates may use, warning when it looks like a
// misspelt known key.
func (d *decoder) param(params map[string]any, f field) map[string]any {
	if known := likelyKey(f.key); known != "" {
		d.warnings = append(d.warnings, diag.Errorf(d.file, f.keyLine, f.keyCol,
			"unknown key %q: did you mean %q? (kept as a param)", f.key, known))
	}
	if params == nil {
		params = map[string]any{}
	}
	params[f.key] = f.val
	return params
}

// commentedOut warns when the value of f, which is empty, is a comment on
// its key's line: "tags: #China #US" looks like two tags to a newcomer and
// is none to YAML.
func (d *decoder) commentedOut(f field, src []byte) {
	lines := bytes.SplitN(src, []byte("\n"), f.keyLine+1)
	if f.keyLine < 1 || f.keyLine > len(lines) {
		return
	}
	line := string(bytes.TrimRight(lines[f.keyLine-1], "\r"))
	_, after, ok := strings.Cut(line, ":")
	if !ok {
		return
	}
	comment := strings.TrimSpace(after)
	// "# note" is a comment as meant; "#China" is a hashtag.
	if len(comment) < 2 || comment[0] != '#' || strings.IndexByte(" \t#", comment[1]) >= 0 {
		return
	}
	col := len(line) - len(strings.TrimLeft(after, " \t")) + 1
	fix := fmt.Sprintf("to mean %q, quote it: %s: %q", comment, f.key, comment)
	if f.key == "tags" {
		var tags []string
		for _, t := range strings.FieldsFunc(comment, func(r rune) bool { return r == ',' || r == '#' }) {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
		fix = fmt.Sprintf("for tags, write tags: [%s]", strings.Join(tags, ", "))
	}
	d.warnings = append(d.warnings, diag.Errorf(d.file, f.keyLine, col, "%s: is empty, since # starts a YAML comment; %s", f.key, fix))
}

// likelyKey returns the known key that key is probably a misspelling of.
func likelyKey(key string) string {
	return diag.Suggest(key, knownKeys)
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	case bool:
		return "true/false"
	case int, int64, uint64, float64:
		return "a number"
	case time.Time:
		return "a date"
	}
	return "text"
}

func describe(f field) string {
	if f.text != "" {
		return fmt.Sprintf("%q", f.text)
	}
	if s, ok := f.val.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return kind(f.val)
}
