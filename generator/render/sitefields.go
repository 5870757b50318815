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
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case nil:
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			see(n.Ident)
		case *parse.VariableNode:
			if len(n.Ident) > 1 {
				see(n.Ident[1:])
			}
		case *parse.ChainNode:
			walk(n.Node)
			// Whatever the chain starts from, (.).Site.Tags or
			// ($).Site.Tags say, a field named Site is taken for .Site:
			// naming a field too many costs only reuse.
			see(n.Field)
		}
	}
	for _, t := range set.Templates() {
		if t.Tree != nil {
			walk(t.Tree.Root)
		}
	}
	out := make([]string, 0, len(fields))
	for f := range fields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}
