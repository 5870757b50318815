package render

import (
	"html/template"
	"strconv"
	"strings"
	"text/template/parse"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/i18n"
)

// checkKeys reports every call of t or forms, in the parse trees of templates,
// whose key is written out and is in no translation table: a typo in a
// key would otherwise surface only on a page that runs that branch. A
// key made at run time is checked when the template runs.
func (t *Templates) checkKeys(templates []*template.Template, loc *i18n.Locale) diag.List {
	var errs diag.List
	seen := map[string]bool{}
	for _, tmpl := range templates {
		tree := tmpl.Tree
		if tree == nil || tree.Root == nil {
			continue
		}
		eachNode(tree.Root, func(n parse.Node) {
			cmd, ok := n.(*parse.CommandNode)
			if !ok || len(cmd.Args) < 2 {
				return
			}
			id, ok := cmd.Args[0].(*parse.IdentifierNode)
			if !ok || id.Ident != "t" && id.Ident != "forms" {
				return
			}
			key, ok := cmd.Args[1].(*parse.StringNode)
			if !ok || loc.Has(key.Text) {
				return
			}
			where, _ := tree.ErrorContext(key)
			if seen[where] {
				return // a tree shared by several page kinds' sets
			}
			seen[where] = true
			errs = append(errs, t.at(where, "t: no translation %q in layouts/%s/%s.yaml", key.Text, i18n.Dir, i18n.Default))
		})
	}
	return errs
}

// at is a diagnostic at where, "name:line:col" as parse.Tree.ErrorContext
// gives it, with the template's file as the build names it.
func (t *Templates) at(where, format string, args ...any) *diag.Diagnostic {
	name, rest, _ := strings.Cut(where, ":")
	lineStr, colStr, _ := strings.Cut(rest, ":")
	line, _ := strconv.Atoi(lineStr)
	col, _ := strconv.Atoi(colStr)
	file := t.origin[name]
	if file == "" {
		file = Dir + "/" + name
	}
	return diag.Errorf(file, line, col, format, args...)
}
