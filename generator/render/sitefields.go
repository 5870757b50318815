package render

import (
	"html/template"
	"slices"
	"text/template/parse"
)

// siteFieldsOf lists the fields of .Site (or $.Site) that the templates of
// a set name, sorted; "" stands for .Site named alone, which passes the
// whole site on.
func siteFieldsOf(set *template.Template) []string {
	fields := map[string]bool{}
	see := func(ident []string) {
		if len(ident) == 0 || ident[0] != "Site" {
			return
		}
		if len(ident) == 1 {
			fields[""] = true
			return
		}
		fields[ident[1]] = true
	}
	visit := func(n parse.Node) {
		switch n := n.(type) {
		case *parse.FieldNode:
			see(n.Ident)
		case *parse.VariableNode:
			if len(n.Ident) > 1 {
				see(n.Ident[1:])
			}
		case *parse.ChainNode:
			// Whatever the chain starts from, (.).Site.Tags or
			// ($).Site.Tags say, a field named Site is taken for .Site:
			// naming a field too many costs only reuse.
			see(n.Field)
		}
	}
	for _, t := range set.Templates() {
		if t.Tree != nil {
			eachNode(t.Tree.Root, visit)
		}
	}
	out := make([]string, 0, len(fields))
	for f := range fields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}
