package render

import (
	"html/template"
	"strings"
	"text/template/parse"

	"github.com/digest/digest/generator/site"
)

// Most of a page's frame is the same on every page of its kind: the
// masthead and the footer of an article page are those of every article
// page.
// Rendering it once per build rather than once per page saves a good part
// of a page's template actions. The function shared does so for the
// built-in partials listed in sharedBy, whose HTML is known to depend on
// the site, the page's kind and what sharedBy's function takes from the
// page, and on nothing else. A partial the site replaced, or one that
// calls a template the site replaced, may read anything of the page: it
// is rendered on every page, as {{template}} would.

// sharedBy maps each built-in partial that shared renders once for many
// pages to what, besides the site and the page's kind, its HTML depends
// on: the menu's current link, the feeds.
var sharedBy = map[string]func(*Data) any{
	"masthead":    func(d *Data) any { return menuURL(d) },
	"site-footer": func(d *Data) any { return d.Feeds },
}

// menuURL is the page's URL when the built-in menu (partials/nav.html)
// links to it, which makes the link the current page's, and "" on every
// other page: the menu compares the page's URL with its links' and reads
// nothing else of it but its kind.
func menuURL(d *Data) string {
	s := d.Site
	if d.URL == s.URL("/") || d.URL == site.IssuesURL(s.Config) {
		return d.URL
	}
	for _, p := range s.Pages {
		if d.URL == p.URL {
			return d.URL
		}
	}
	return ""
}

// sharedKey is one rendering of a partial shared by many pages.
type sharedKey struct {
	site *site.Site
	name string
	kind Kind
	by   any
}

// shared executes the partial name with the page's data d as dot and
// returns its HTML, rendered once for all the pages that show the same
// (see sharedBy) when the partial and every template it calls are the
// built-in theme's.
func (t *Templates) shared(name string, d *Data) (template.HTML, error) {
	set := t.kinds[d.PageKind]
	by, once := sharedBy[name]
	once = once && t.builtin[d.PageKind][name]
	var key sharedKey
	if once {
		key = sharedKey{d.Site, name, d.PageKind, by(d)}
		if v, ok := t.cache.Load(key); ok {
			return v.(template.HTML), nil
		}
	}
	var b strings.Builder
	if err := set.ExecuteTemplate(&b, name, d); err != nil {
		return "", t.templateError(err)
	}
	html := template.HTML(b.String())
	if once {
		t.cache.Store(key, html)
	}
	return html, nil
}

// builtinCalls reports, for each partial of sharedBy, whether it and every
// template it calls (with {{template}}, cached or shared) are defined in
// files of the built-in theme, in the set of one page kind.
func (t *Templates) builtinCalls(set *template.Template) map[string]bool {
	out := map[string]bool{}
	for name := range sharedBy {
		out[name] = t.allBuiltin(set, name)
	}
	return out
}

// allBuiltin reports whether the template name and every template it
// calls are defined in files of the built-in theme, in set.
func (t *Templates) allBuiltin(set *template.Template, name string) bool {
	files := map[string]string{}
	if !closure(set, name, files) {
		return false
	}
	for _, f := range files {
		if !strings.HasSuffix(t.origin[f], BuiltinSuffix) {
			return false
		}
	}
	return true
}

// closure adds to files the template name of set and every template it
// calls (with {{template}}, cached or shared), each with the file that
// defines it. It is false when one of them is missing or not named by a
// constant, and files then incomplete.
func closure(set *template.Template, name string, files map[string]string) bool {
	if _, seen := files[name]; seen {
		return true
	}
	tmpl := set.Lookup(name)
	if tmpl == nil || tmpl.Tree == nil {
		return false
	}
	files[name] = tmpl.Tree.ParseName
	ok := true
	eachNode(tmpl.Tree.Root, func(n parse.Node) {
		if called, is := calledTemplate(n); is {
			ok = ok && called != "" && closure(set, called, files)
		}
	})
	return ok
}

// calledTemplate reports whether n runs a template, and its name when
// the template gives it as a constant.
func calledTemplate(n parse.Node) (string, bool) {
	switch n := n.(type) {
	case *parse.TemplateNode:
		return n.Name, true
	case *parse.CommandNode:
		id, ok := n.Args[0].(*parse.IdentifierNode)
		if !ok || id.Ident != "cached" && id.Ident != "shared" {
			return "", false
		}
		if len(n.Args) > 1 {
			if s, ok := n.Args[1].(*parse.StringNode); ok {
				return s.Text, true
			}
		}
		return "", true
	}
	return "", false
}
