package render

import (
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"text/template/parse"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/internal/testkit"
)

// TestSignatureCoversTemplates walks each page kind's built-in templates
// and fails naming every field path they read that signed, and so the
// signature, does not cover: a stale page in serve otherwise.
func TestSignatureCoversTemplates(t *testing.T) {
	for _, gap := range uncovered(t, testkit.Theme()) {
		t.Error(gap)
	}
}

// TestSignatureContractFindsGaps checks the walk itself: a template that
// reads what the signature does not cover, directly, through a partial or
// a range, is reported.
func TestSignatureContractFindsGaps(t *testing.T) {
	tests := []struct {
		file, src, want string
	}{
		{"page.html", `{{define "main"}}{{.Page.Title}}{{.NewerArticle.Related}}{{end}}`, "page: .NewerArticle.Related"},
		{"tag.html", `{{define "main"}}{{.Tag.Articles}}{{end}}`, "tag: .Tag.Articles"},
		{"partials/taglist.html", `{{define "taglist"}}{{range .}}{{.Slug}}{{end}}{{end}}`, "article: .Article.Tags.Slug"},
		{"sources.html", `{{define "main"}}{{range $s := .Site.Sources}}{{$s.Articles}}{{end}}{{end}}`, "sources: .Site.Sources.Articles"},
		{"partials/card.html", `{{define "card"}}{{with .Edition}}{{range .Articles}}{{.Title}}{{end}}{{end}}{{end}}`, "edition: .Edition.Articles.Edition.Articles.Title"},
		{"home.html", `{{define "main"}}{{with or .Pager .Pager}}{{.Items}}{{end}}{{index .Site.Params "x"}}{{end}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			theme := fstest.MapFS{tt.file: {Data: []byte(tt.src)}}
			gaps := uncovered(t, Overlay(theme, testkit.Theme()))
			if tt.want == "" {
				if len(gaps) > 0 {
					t.Errorf("gaps %q, want none", gaps)
				}
				return
			}
			if !slices.ContainsFunc(gaps, func(g string) bool { return strings.HasPrefix(g, tt.want+" ") }) {
				t.Errorf("gaps %q, want one for %s", gaps, tt.want)
			}
		})
	}
}

// uncovered loads the templates in fsys and lists, per page kind, the
// field paths they read that signed does not cover, as "kind: .Path (why)".
func uncovered(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	tmpl, err := Load(fsys, testConfig(t), func(name string) string { return name + BuiltinSuffix })
	if err != nil {
		t.Fatal(err)
	}
	funcs := Funcs(testConfig(t))
	seen := map[string]bool{}
	var gaps []string
	sets := map[Kind]*template.Template{KindAlias: tmpl.alias}
	for _, kind := range Kinds() {
		sets[kind] = tmpl.kinds[kind]
	}
	for kind, set := range sets {
		w := &walker{set: set, funcs: funcs, visited: map[string]bool{}}
		w.report = func(path, why string) {
			g := fmt.Sprintf("%s: %s (%s)", kind, path, why)
			if !seen[g] {
				seen[g] = true
				gaps = append(gaps, g)
			}
		}
		root := "base"
		if kind == KindAlias {
			root = "alias.html"
		}
		w.call(root, value{typ: reflect.TypeFor[*Data](), shape: "data"})
	}
	slices.Sort(gaps)
	return gaps
}

// value is what a template expression evaluates to, as far as the walk
// knows: its Go type (nil when unknown), the field path it was read by
// and its shape in signed.
type value struct {
	typ   reflect.Type
	path  string
	shape string
}

type walker struct {
	set     *template.Template
	funcs   template.FuncMap
	visited map[string]bool // template name and argument, walked already
	report  func(path, why string)
}

// call walks the template name run with dot.
func (w *walker) call(name string, dot value) {
	key := fmt.Sprint(name, dot.typ, dot.path, dot.shape)
	if w.visited[key] {
		return
	}
	w.visited[key] = true
	// html/template escapes a template called in another context (the
	// title block, in <title>) as a copy named after the context: it reads
	// what the template reads.
	name, _, _ = strings.Cut(name, "$htmltemplate_")
	tmpl := w.set.Lookup(name)
	if tmpl == nil || tmpl.Tree == nil {
		w.report(dot.path, "no template "+name)
		return
	}
	w.list(tmpl.Tree.Root, dot, map[string]value{"$": dot})
}

func (w *walker) list(l *parse.ListNode, dot value, vars map[string]value) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		w.node(n, dot, vars)
	}
}

func (w *walker) node(n parse.Node, dot value, vars map[string]value) {
	switch n := n.(type) {
	case *parse.ActionNode:
		w.pipe(n.Pipe, dot, vars)
	case *parse.IfNode:
		w.pipe(n.Pipe, dot, vars)
		w.list(n.List, dot, scope(vars))
		w.list(n.ElseList, dot, scope(vars))
	case *parse.WithNode:
		inner := scope(vars)
		v := w.pipe(n.Pipe, dot, inner)
		w.list(n.List, v, inner)
		w.list(n.ElseList, dot, scope(vars))
	case *parse.RangeNode:
		inner := scope(vars)
		v := w.eval(n.Pipe, dot, inner)
		key, elem := w.elem(v)
		switch len(n.Pipe.Decl) {
		case 1:
			inner[n.Pipe.Decl[0].Ident[0]] = elem
		case 2:
			inner[n.Pipe.Decl[0].Ident[0]] = key
			inner[n.Pipe.Decl[1].Ident[0]] = elem
		}
		w.list(n.List, elem, inner)
		w.list(n.ElseList, dot, scope(vars))
	case *parse.TemplateNode:
		arg := value{shape: ""}
		if n.Pipe != nil {
			arg = w.pipe(n.Pipe, dot, vars)
		}
		w.call(n.Name, arg)
	}
}

func scope(vars map[string]value) map[string]value {
	inner := make(map[string]value, len(vars))
	for k, v := range vars {
		inner[k] = v
	}
	return inner
}

// pipe evaluates p and declares its variables.
func (w *walker) pipe(p *parse.PipeNode, dot value, vars map[string]value) value {
	v := w.eval(p, dot, vars)
	for _, d := range p.Decl {
		vars[d.Ident[0]] = v
	}
	return v
}

func (w *walker) eval(p *parse.PipeNode, dot value, vars map[string]value) value {
	var v value
	for i, c := range p.Cmds {
		var final *value
		if i > 0 {
			final = &v
		}
		v = w.command(c, dot, vars, final)
	}
	return v
}

// command evaluates c; final is the previous command's value in a
// pipeline, passed as the last argument.
func (w *walker) command(c *parse.CommandNode, dot value, vars map[string]value, final *value) value {
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok {
		return w.arg(c.Args[0], dot, vars)
	}
	var args []value
	for _, a := range c.Args[1:] {
		args = append(args, w.arg(a, dot, vars))
	}
	if final != nil {
		args = append(args, *final)
	}
	switch id.Ident {
	case "cached", "shared":
		if s, ok := c.Args[1].(*parse.StringNode); ok && len(args) == 2 {
			w.call(s.Text, args[1])
		} else {
			w.report(dot.path, id.Ident+" with a template name the walk cannot read")
		}
	case "and", "or":
		// The value is one of the arguments: known when they agree.
		if len(args) > 0 && !slices.ContainsFunc(args, func(a value) bool { return a.typ != args[0].typ || a.shape != args[0].shape }) {
			return args[0]
		}
	}
	if f, ok := w.funcs[id.Ident]; ok {
		if ft := reflect.TypeOf(f); ft.NumOut() > 0 {
			return value{typ: ft.Out(0), path: id.Ident + "(…)"}
		}
	}
	return value{path: id.Ident + "(…)"}
}

func (w *walker) arg(n parse.Node, dot value, vars map[string]value) value {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return w.fields(dot, n.Ident)
	case *parse.VariableNode:
		return w.fields(vars[n.Ident[0]], n.Ident[1:])
	case *parse.ChainNode:
		return w.fields(w.arg(n.Node, dot, vars), n.Field)
	case *parse.PipeNode:
		return w.eval(n, dot, vars)
	case *parse.StringNode:
		return value{typ: reflect.TypeFor[string]()}
	case *parse.NumberNode:
		return value{typ: reflect.TypeFor[int]()}
	case *parse.BoolNode:
		return value{typ: reflect.TypeFor[bool]()}
	}
	return value{}
}

func (w *walker) fields(v value, idents []string) value {
	for _, name := range idents {
		v = w.field(v, name)
	}
	return v
}

// field reads name of v, reporting it when v's shape does not cover it.
func (w *walker) field(v value, name string) value {
	out := value{path: v.path + "." + name}
	switch v.shape {
	case "*":
		out.shape = "*"
	case "":
		w.report(out.path, "read below a value signed whole")
	default:
		shape, ok := signed[v.shape][name]
		if !ok {
			w.report(out.path, "not in signed["+v.shape+"]")
			shape = "*" // reported once, not again for each read below
		}
		out.shape = shape
	}
	t := v.typ
	if t == nil {
		if out.shape != "*" {
			w.report(out.path, "type unknown to the walk")
		}
		return out
	}
	if m, ok := t.MethodByName(name); ok {
		if m.Type.NumOut() > 0 {
			out.typ = m.Type.Out(0)
		}
		return out
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		f, ok := t.FieldByName(name)
		if !ok {
			w.report(out.path, "no field "+name+" in "+t.String())
			return out
		}
		out.typ = f.Type
	case reflect.Map:
		out.typ = t.Elem()
	}
	if out.typ != nil && out.typ.Kind() == reflect.Interface {
		out.typ = nil
	}
	return out
}

// elem is what ranging over v gives: its key or index, and its element.
func (w *walker) elem(v value) (key, elem value) {
	key = value{typ: reflect.TypeFor[int]()}
	elem = value{path: v.path, shape: v.shape}
	if v.typ == nil {
		return key, elem
	}
	switch v.typ.Kind() {
	case reflect.Slice, reflect.Array:
		elem.typ = v.typ.Elem()
	case reflect.Map:
		key.typ, elem.typ = v.typ.Key(), v.typ.Elem()
	case reflect.Int:
		elem.typ = v.typ
	}
	if elem.typ != nil && elem.typ.Kind() == reflect.Interface {
		elem.typ = nil
	}
	return key, elem
}

// TestSignedIsHashed checks signed against the hashing code: changing
// each value it declares hashed, on a page with every value set, changes
// the signature of some page kind. Values that follow from others (see
// signed) are left out.
func TestSignedIsHashed(t *testing.T) {
	derived := map[string]bool{"PageKind": true, "Description": true, "Permalink": true, "Date": true}
	tmpl, err := Load(testkit.Theme(), testConfig(t), func(name string) string { return name + BuiltinSuffix })
	if err != nil {
		t.Fatal(err)
	}
	s, d := fullSite(t)
	sigs := func() []uint64 {
		g := NewSigner(s, tmpl)
		var out []uint64
		for _, kind := range Kinds() {
			page := *d
			page.PageKind = kind
			out = append(out, g.Sign(&page))
		}
		return out
	}
	before := sigs()
	if slices.Contains(before, 0) {
		t.Fatalf("signatures %v: a kind is not signed", before)
	}
	// A collection of .Site no template names is in no signature.
	named := map[string]bool{}
	for _, fields := range tmpl.siteFields {
		for _, f := range fields {
			named[f] = true
		}
	}
	seen := map[string]bool{}
	var visit func(v reflect.Value, shape, path string)
	visit = func(v reflect.Value, shape, path string) {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() || seen[fmt.Sprint(v.Pointer(), shape)] {
				return
			}
			seen[fmt.Sprint(v.Pointer(), shape)] = true
			v = v.Elem()
		}
		for _, name := range slices.Sorted(maps.Keys(signed[shape])) {
			sub := signed[shape][name]
			f := v.FieldByName(name)
			switch {
			case !f.IsValid() || derived[name] || (shape == "site" && !named[name]):
				// A method, a value that follows from others or an
				// unread collection.
			case sub == "" || (sub == "*" && name == "Sum"):
				old := reflect.ValueOf(f.Interface())
				if !change(f) {
					t.Errorf("%s.%s: the test cannot change a %s; teach change", path, name, f.Type())
					continue
				}
				if slices.Equal(sigs(), before) {
					t.Errorf("changing %s.%s leaves every signature as it was; signed says it is hashed", path, name)
				}
				f.Set(old)
			case sub != "*" && f.Kind() == reflect.Slice:
				for i := range f.Len() {
					visit(f.Index(i), sub, path+"."+name)
				}
			case sub != "*":
				visit(f, sub, path+"."+name)
			}
		}
	}
	visit(reflect.ValueOf(d), "data", "")
}

// change sets v to another value: a slice gets one more element.
func change(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Slice:
		if v.Len() == 0 {
			return false
		}
		v.Set(reflect.Append(v, v.Index(0)))
	default:
		return setOther(v)
	}
	return true
}

// fullSite is a site with every value a page can show set, and a page's
// Data with all of its fields set. No two paths lead to the same article,
// tag, source, edition, month or year, so a value missing from one hash is
// not hidden by another hashing the same value.
func fullSite(t *testing.T) (*site.Site, *Data) {
	sum := uint64(0)
	plain := func() *site.Article {
		sum++
		return &site.Article{Article: &content.Article{Title: "A", Sum: sum}, URL: fmt.Sprintf("/a%d/", sum)}
	}
	tag := func() *site.Tag { return &site.Tag{Name: "t", URL: "/tags/t/", Articles: []*site.Article{plain()}} }
	src := func() *site.Source {
		return &site.Source{Name: "n", URL: "/sources/n/", Articles: []*site.Article{plain()}}
	}
	article := func() *site.Article {
		a := plain()
		a.Summary, a.Tags, a.Publisher = "s", []*site.Tag{tag()}, src()
		a.Edition = &site.Edition{URL: "/2026/01/02/", Articles: []*site.Article{plain()}}
		return a
	}
	articles := func() []*site.Article { return []*site.Article{article(), article()} }
	edition := func() *site.Edition {
		e := &site.Edition{URL: "/2026/01/02/", Articles: articles()}
		e.Day = e
		return e
	}
	month := func() *site.Month {
		return &site.Month{URL: "/2026/01/", Count: 2, Editions: []*site.Edition{edition()}}
	}
	year := func() *site.Year { return &site.Year{URL: "/2026/", Count: 2, Months: []*site.Month{month()}} }
	page := func() *site.Page { return &site.Page{Page: &content.Page{Title: "P", Sum: 3}, URL: "/p/"} }
	s := &site.Site{Config: testConfig(t), Articles: articles(), Tags: []*site.Tag{tag()},
		Sources: []*site.Source{src()}, Editions: []*site.Edition{edition()}, Months: []*site.Month{month()},
		Years: []*site.Year{year()}, Pages: []*site.Page{page()}}
	a := article()
	a.Related = articles()
	pager := &site.Pager{Number: 2, Total: 2, URL: "/", NextURL: "/page/1/", First: "/", Items: articles()}
	d := &Data{Site: s, Title: "T", URL: "/x/", Target: "/y/", Article: a, Page: page(), Tag: tag(), Source: src(),
		Edition: edition(), Month: month(), Year: year(), Pager: pager,
		NewerEdition: edition(), OlderEdition: edition(), NewerArticle: article(), OlderArticle: article()}
	return s, d
}
