// Package render runs the site's html/template layouts over the site model.
//
// The layouts folder holds base.html (the page frame, with blocks), one
// template per page kind (home.html, article.html, ...), partials/*.html
// for the repeated pieces, alias.html for redirect pages, and email.html and
// email.txt for the email edition of each issue. A site's own
// layouts/ replaces the built-in theme file by file, so a curator can
// change one template and keep the rest. Every value reaches the HTML
// through html/template's contextual escaping. docs/templates.md documents
// what each template receives and every function.
package render

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	texttemplate "text/template"
	"text/template/parse"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
)

// Dir is the layouts folder in the site folder and in the built-in theme.
const Dir = "layouts"

// Templates are the parsed layouts, one set per page kind.
type Templates struct {
	kinds map[Kind]*template.Template
	alias *template.Template
	// email and emailText make an issue's email edition, its HTML and
	// its plain-text part; each is read alone, as alias.html is.
	email     *template.Template
	emailText *texttemplate.Template
	// partials runs the templates that "cached" renders; cache holds what
	// it rendered, by template name and value.
	partials *template.Template
	cache    sync.Map // cacheKey → template.HTML, or spool.Text past room
	// spill, when set, keeps what cached renders once room bytes are used
	// up; see SpillCached.
	spill *spool.Spool
	room  atomic.Int64
	// sums holds, per page kind (KindAlias too), a hash of the template
	// files its set is made of, so a page's signature changes when one of
	// its templates does, and only then.
	sums map[Kind]uint64
	// own marks the kinds whose set has a template of the site's own, which
	// may read more than signatures cover.
	own map[Kind]bool
	// siteFields lists, per page kind, the fields of .Site its templates
	// name; "" stands for .Site itself, passed on whole.
	siteFields map[Kind][]string
	// origin maps a template file's name to the file it came from, for
	// errors.
	origin map[string]string
	// builtin tells, per page kind, which partials of sharedBy shared may
	// render once for many pages: those that call nothing of the site's.
	builtin map[Kind]map[string]bool
	// files holds a hash of each template file's bytes, by name.
	files map[string]uint64
	// parts holds, for each template of onDisk that calls nothing of the
	// site's, a hash of its name and of the files it runs; disk, when
	// set, keeps what cached renders with them from build to build.
	parts map[string]uint64
	disk  *disk
}

// Overlay returns a file system where the site's layouts shadow the
// built-in ones file by file; folders list the files of both.
func Overlay(siteLayouts, builtin fs.FS) fs.FS {
	return overlay{site: siteLayouts, builtin: builtin}
}

type overlay struct{ site, builtin fs.FS }

var _ fs.ReadDirFS = overlay{}

func (o overlay) Open(name string) (fs.File, error) {
	if o.site != nil {
		f, err := o.site.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return o.builtin.Open(name)
}

// ReadDir merges the folder's entries in both file systems, so fs.Glob and
// fs.WalkDir see the built-in files a site did not replace.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	site, errSite := fs.ReadDir(o.site, name)
	builtin, errBuiltin := fs.ReadDir(o.builtin, name)
	if errSite != nil && errBuiltin != nil {
		return nil, errSite
	}
	byName := map[string]fs.DirEntry{}
	for _, e := range builtin {
		byName[e.Name()] = e
	}
	for _, e := range site {
		byName[e.Name()] = e
	}
	entries := make([]fs.DirEntry, 0, len(byName))
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		entries = append(entries, byName[name])
	}
	return entries, nil
}

// BuiltinSuffix ends the origin of a template from the built-in theme.
const BuiltinSuffix = " (built-in theme)"

// Load parses the layouts in fsys (rooted at the layouts folder); from
// reports where each file came from, for error messages, ending in
// BuiltinSuffix for the built-in theme's.
func Load(fsys fs.FS, cfg *config.Config, from func(name string) string) (*Templates, error) {
	if cfg.Locale == nil {
		return nil, errors.New("render: the configuration's locale is not loaded")
	}
	t := &Templates{kinds: map[Kind]*template.Template{}, origin: map[string]string{}, files: map[string]uint64{}}
	var errs diag.List
	shared := newHash() // base.html and the partials, in every kind's set
	files := shared
	fromSite := false // whether a file read so far, in this set, is the site's
	read := func(name string) string {
		t.origin[name] = from(name)
		if !strings.HasSuffix(t.origin[name], BuiltinSuffix) {
			fromSite = true
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, diag.Errorf(t.origin[name], 0, 0, "%v", fsErr(err)))
		}
		str(files, name, string(b))
		t.files[name] = sum.Bytes(b)
		return string(b)
	}
	base := template.New("base.html").Funcs(Funcs(cfg))
	parse := func(tmpl *template.Template, name string) {
		src := read(name)
		if tmpl.Name() != name {
			// New with the set's own name would start a set without its
			// functions.
			tmpl = tmpl.New(name)
		}
		if _, err := tmpl.Parse(src); err != nil {
			errs = append(errs, t.templateError(err))
			return
		}
		for _, d := range tmpl.Templates() {
			trimTextIndent(d.Tree.Root)
		}
	}
	parse(base, "base.html")
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range partials {
		parse(base, p)
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	t.partials = template.Must(base.Clone())
	cached := template.FuncMap{"cached": t.cached, "shared": t.shared}
	t.partials.Funcs(cached)
	t.parts = t.partSums()
	t.sums, t.own, t.builtin = map[Kind]uint64{}, map[Kind]bool{}, map[Kind]map[string]bool{}
	sharedFromSite := fromSite
	for _, kind := range Kinds() {
		own := *shared
		files, fromSite = &own, sharedFromSite
		tmpl := template.Must(base.Clone())
		parse(tmpl, string(kind)+".html")
		t.kinds[kind] = tmpl.Funcs(cached)
		t.sums[kind], t.own[kind] = files.Sum64(), fromSite
		t.builtin[kind] = t.builtinCalls(tmpl)
	}
	files, fromSite = newHash(), false
	t.alias = template.New("alias.html").Funcs(Funcs(cfg))
	parse(t.alias, "alias.html")
	t.sums[KindAlias], t.own[KindAlias] = files.Sum64(), fromSite
	t.email = template.New("email.html").Funcs(Funcs(cfg))
	parse(t.email, "email.html")
	t.emailText = texttemplate.New("email.txt").Funcs(textFuncs(Funcs(cfg)))
	if _, err := t.emailText.Parse(read("email.txt")); err != nil {
		errs = append(errs, t.templateError(err))
	}
	t.siteFields = map[Kind][]string{}
	for kind, tmpl := range t.kinds {
		t.siteFields[kind] = siteFieldsOf(tmpl)
	}
	t.siteFields[KindAlias] = siteFieldsOf(t.alias)
	var all []*template.Template
	for _, set := range append(slices.Collect(maps.Values(t.kinds)), t.alias, t.email) {
		all = append(all, set.Templates()...)
	}
	errs = append(errs, t.checkKeys(all, cfg.Locale)...)
	if len(errs) > 0 {
		return t, errs.Err()
	}
	// Every template the pages run has been read: write what is constant
	// in them as text, once.
	funcs := Funcs(cfg)
	entries := append([]string{"base"}, slices.Sorted(maps.Keys(sharedBy))...)
	for _, set := range t.kinds {
		fold(set, funcs, entries)
	}
	fold(t.partials, funcs, cachedNames(all))
	return t, nil
}

// cachedNames lists the templates that templates render with cached,
// where they name them.
func cachedNames(templates []*template.Template) []string {
	names := map[string]bool{}
	for _, tmpl := range templates {
		if tmpl.Tree == nil {
			continue
		}
		eachNode(tmpl.Tree.Root, func(n parse.Node) {
			if cmd, ok := n.(*parse.CommandNode); ok {
				if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok && id.Ident == "cached" {
					if name, ok := calledTemplate(n); ok && name != "" {
						names[name] = true
					}
				}
			}
		})
	}
	return slices.Sorted(maps.Keys(names))
}

// SpillCached makes cached keep what it renders in sp once it holds budget
// bytes in memory. A million articles' cards take gigabytes; most of them
// are read a few times each, which costs a read from the spool.
func (t *Templates) SpillCached(sp *spool.Spool, budget int64) {
	t.spill = sp
	t.room.Store(budget)
}

// ForgetCached drops what cached rendered, for a build that has no page
// left to render: on a large site the cards alone weigh tens of megabytes.
func (t *Templates) ForgetCached() { t.cache.Clear() }

// Execute renders the page kind of d into w.
func (t *Templates) Execute(w io.Writer, d *Data) error {
	tmpl := t.kinds[d.PageKind]
	if tmpl == nil {
		return fmt.Errorf("no template for page kind %q", d.PageKind)
	}
	if err := tmpl.ExecuteTemplate(w, "base", d); err != nil {
		return t.templateError(err)
	}
	return nil
}

// ExecuteAlias renders a redirect page from an old URL to target.
func (t *Templates) ExecuteAlias(w io.Writer, d *Data) error {
	if err := t.alias.Execute(w, d); err != nil {
		return t.templateError(err)
	}
	return nil
}

// templatePos finds the "template: name:line:col:" that html/template puts
// at the start of its errors (or "name:line:" for parse errors).
var templatePos = regexp.MustCompile(`^(?:html/)?template: ?([^:]+?):(\d+):(?:(\d+):)? ?`)

// templateError turns an html/template error into a diagnostic naming the
// layout file, line and column.
func (t *Templates) templateError(err error) *diag.Diagnostic {
	var inner *diag.Diagnostic
	if errors.As(err, &inner) {
		return inner // from a template that "cached" ran: report where it failed
	}
	msg := err.Error()
	sub := templatePos.FindStringSubmatch(msg)
	if sub == nil {
		return diag.Errorf("layouts", 0, 0, "%s", msg)
	}
	line, _ := strconv.Atoi(sub[2])
	col, _ := strconv.Atoi(sub[3])
	file := t.origin[sub[1]]
	if file == "" {
		file = path.Join(Dir, sub[1])
	}
	return diag.Errorf(file, line, col, "%s", strings.TrimSpace(msg[len(sub[0]):]))
}

// Funcs are the functions every template can call; docs/templates.md
// lists them. t, date and direction speak cfg.Locale's language.
func Funcs(cfg *config.Config) template.FuncMap {
	loc := cfg.Locale
	return template.FuncMap{
		"t":         loc.T,
		"date":      loc.Date,
		"direction": loc.Dir,
		"forms":     loc.Forms,
		"iso":       func(t time.Time) string { return t.Format(time.RFC3339) },
		"abs":       func(p string) string { return absURL(cfg, p) },
		"url":       func(p string) string { return siteURL(cfg, p) },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return strconv.Itoa(n) + " " + many
		},
		"add":            func(a, b int) int { return a + b },
		"groupByEdition": site.GroupByEdition,
		"dict":           dict,
		"listItems":      func(a []*site.Article) []any { return listItems(cfg, a) },
		"jsonld":         jsonLD,
		"newsArticle":    newsArticle,
		"itemList":       itemList,
		// Bound to the template set once parsed; see Templates.cached
		// and Templates.shared.
		"cached": func(string, any) (template.HTML, error) {
			return "", errors.New("cached is not available here")
		},
		"shared": func(string, *Data) (template.HTML, error) {
			return "", errors.New("shared is not available here")
		},
	}
}

// cacheKey is one rendering of a template with a value.
type cacheKey struct {
	name  string
	value any
}

// cached executes the template name with value once per build and returns
// the same HTML on every later call. A list page of twenty articles then
// costs twenty lookups rather than twenty card renders, and each article's
// card is on its home page, its edition and every one of its tags' pages.
// It is for templates whose output depends on nothing but value; a value
// that cannot be a map key (a slice, say) is rendered every time. With a
// store (StoreCached), what the last build rendered is taken from there.
func (t *Templates) cached(name string, value any) (template.HTML, error) {
	key := cacheKey{name, value}
	comparable := value == nil || reflect.TypeOf(value).Comparable()
	if comparable {
		if v, ok := t.cache.Load(key); ok {
			if txt, spilled := v.(spool.Text); spilled {
				html, err := txt.Get()
				return template.HTML(html), err
			}
			return v.(template.HTML), nil
		}
	}
	html, err := t.render(name, value)
	if err != nil {
		return "", err
	}
	switch {
	case !comparable:
	case t.spill != nil && t.room.Add(-int64(len(html))) < 0:
		txt, err := t.spill.Add(html)
		if err != nil {
			return "", err
		}
		t.cache.Store(key, txt)
	default:
		t.cache.Store(key, template.HTML(html))
	}
	return template.HTML(html), nil
}

func fsErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
