package render

import (
	"html/template"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
)

// A page's templates call t, url and direction with constant arguments
// dozens of times: {{t "newer"}}, {{url "/style.css"}}. Their values are
// the same for the whole build, and each call costs a reflected call of
// the function and of html/template's escapers. fold writes such values
// into the templates as text once they load, where the escapers would
// leave them unchanged, so the page's bytes are the same.

// foldable are the functions whose value follows from their arguments and
// the build's configuration and translations alone.
var foldable = map[string]bool{"t": true, "url": true, "abs": true, "direction": true}

// Escapers that html/template adds to an action's pipeline, and that
// leave a value without special characters as it is: HTML text and
// attribute values (htmlChars), and the start of a URL (urlChars).
var (
	htmlEscapers = map[string]bool{"_html_template_htmlescaper": true, "_html_template_attrescaper": true, "_html_template_rcdataescaper": true}
	urlEscapers  = map[string]bool{"_html_template_urlfilter": true, "_html_template_urlnormalizer": true}
)

// htmlChars are the characters that the HTML escapers change; urlChars
// are those that the URL ones keep.
const (
	htmlChars = "\x00\"&'+<>"
	urlChars  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._~-"
)

// fold has html/template escape the templates that entries names, as
// it would on the first page, then folds the calls of foldable functions
// with constant arguments in every template of set into text. Escaping
// errors are left for the page to report, where they name the page's
// template; a template that did not escape keeps its calls.
func fold(set *template.Template, funcs template.FuncMap, entries []string) {
	for _, name := range entries {
		if set.Lookup(name) != nil {
			// Executing with no data escapes the template, then stops
			// at its first value.
			_ = set.ExecuteTemplate(io.Discard, name, nil)
		}
	}
	for _, tmpl := range set.Templates() {
		if tmpl.Tree != nil {
			foldList(tmpl.Tree.Root, funcs)
		}
	}
}

// foldList folds the actions of l and of the lists under it.
func foldList(l *parse.ListNode, funcs template.FuncMap) {
	if l == nil {
		return
	}
	nodes := l.Nodes[:0]
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			foldArgs(n.Pipe, funcs)
			dropEscaper(n.Pipe, funcs)
			if text, ok := constant(n.Pipe, funcs); ok {
				if last, ok := lastText(nodes); ok {
					last.Text = append(last.Text, text...)
					continue
				}
				nodes = append(nodes, &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: []byte(text)})
				continue
			}
		case *parse.TextNode:
			if last, ok := lastText(nodes); ok {
				last.Text = append(last.Text, n.Text...)
				continue
			}
		case *parse.IfNode:
			foldBranch(&n.BranchNode, funcs)
		case *parse.RangeNode:
			foldBranch(&n.BranchNode, funcs)
		case *parse.WithNode:
			foldBranch(&n.BranchNode, funcs)
		case *parse.TemplateNode:
			foldArgs(n.Pipe, funcs)
		}
		nodes = append(nodes, n)
	}
	clear(l.Nodes[len(nodes):])
	l.Nodes = nodes
}

func foldBranch(b *parse.BranchNode, funcs template.FuncMap) {
	foldArgs(b.Pipe, funcs)
	foldList(b.List, funcs)
	foldList(b.ElseList, funcs)
}

// foldArgs replaces each argument of the commands of pipe that is a call
// of a foldable function with constant arguments, such as the layout in
// {{date (t "layout_month_year") .Date}}, with its value, when the value
// is a plain string: the function called gets the same string, and no
// escaper sees it.
func foldArgs(pipe *parse.PipeNode, funcs template.FuncMap) {
	if pipe == nil {
		return
	}
	for _, c := range pipe.Cmds {
		for i, a := range c.Args {
			p, ok := a.(*parse.PipeNode)
			if !ok {
				continue
			}
			foldArgs(p, funcs)
			if len(p.Decl) > 0 || len(p.Cmds) != 1 {
				continue
			}
			fn, ok := p.Cmds[0].Args[0].(*parse.IdentifierNode)
			if !ok || !foldable[fn.Ident] || funcs[fn.Ident] == nil {
				continue
			}
			if s, ok := callConstant(reflect.ValueOf(funcs[fn.Ident]), p.Cmds[0].Args[1:]); ok {
				c.Args[i] = &parse.StringNode{NodeType: parse.NodeString, Pos: p.Pos, Quoted: strconv.Quote(s), Text: s}
			}
		}
	}
}

// safeEscapers maps each escaper that html/template adds to an action and
// that returns a value of one of its types as it is to that type: a
// function that returns template.HTML in HTML text, such as cached, or
// template.JS in a script, such as newsArticle. Half a list page's
// actions are cached cards; each would otherwise cost a reflected call of
// the escaper, which copies the card.
var safeEscapers = map[string]reflect.Type{
	"_html_template_htmlescaper":  reflect.TypeFor[template.HTML](),
	"_html_template_jsvalescaper": reflect.TypeFor[template.JS](),
}

// dropEscaper removes the escaper from the action of pipe when the
// action calls a function whose value the escaper leaves as it is, so
// the page's bytes are the same.
func dropEscaper(pipe *parse.PipeNode, funcs template.FuncMap) {
	if pipe == nil || len(pipe.Decl) > 0 || len(pipe.Cmds) != 2 {
		return
	}
	fn, ok := pipe.Cmds[0].Args[0].(*parse.IdentifierNode)
	if !ok || funcs[fn.Ident] == nil {
		return
	}
	esc, ok := pipe.Cmds[1].Args[0].(*parse.IdentifierNode)
	if !ok || len(pipe.Cmds[1].Args) > 1 || safeEscapers[esc.Ident] == nil {
		return
	}
	if ft := reflect.TypeOf(funcs[fn.Ident]); ft.Kind() == reflect.Func && ft.NumOut() > 0 && ft.Out(0) == safeEscapers[esc.Ident] {
		pipe.Cmds = pipe.Cmds[:1]
	}
}

// lastText is the last of nodes when it is text, to append to. The text
// is copied first: it may be a template's source, shared with a copy of
// the template that another page kind's set holds.
func lastText(nodes []parse.Node) (*parse.TextNode, bool) {
	if len(nodes) == 0 {
		return nil, false
	}
	t, ok := nodes[len(nodes)-1].(*parse.TextNode)
	if ok {
		t.Text = slices.Clip(t.Text)
	}
	return t, ok
}

// constant returns what the action of pipe writes when it is a call of a
// foldable function with constant arguments followed by escapers that
// leave its value as it is.
func constant(pipe *parse.PipeNode, funcs template.FuncMap) (string, bool) {
	if pipe == nil || len(pipe.Decl) > 0 || len(pipe.Cmds) < 2 {
		return "", false // not escaped, or setting a variable
	}
	call := pipe.Cmds[0]
	fn, ok := call.Args[0].(*parse.IdentifierNode)
	if !ok || !foldable[fn.Ident] || funcs[fn.Ident] == nil {
		return "", false
	}
	keep := htmlChars
	for _, c := range pipe.Cmds[1:] {
		esc, ok := c.Args[0].(*parse.IdentifierNode)
		switch {
		case !ok || len(c.Args) > 1:
			return "", false
		case urlEscapers[esc.Ident]:
			keep = ""
		case !htmlEscapers[esc.Ident]:
			return "", false
		}
	}
	s, ok := callConstant(reflect.ValueOf(funcs[fn.Ident]), call.Args[1:])
	switch {
	case !ok:
		return "", false
	case keep == "":
		ok = strings.Trim(s, urlChars) == ""
	default:
		ok = !strings.ContainsAny(s, keep)
	}
	return s, ok
}

// callConstant calls fn with the constant arguments args; ok is false
// when an argument is not a string or an integer, or fn fails or returns
// anything but a plain string (template.HTML is not one).
func callConstant(fn reflect.Value, args []parse.Node) (s string, ok bool) {
	ft := fn.Type()
	if ft.NumOut() == 0 || ft.NumOut() > 2 || !ft.IsVariadic() && ft.NumIn() != len(args) || ft.IsVariadic() && len(args) < ft.NumIn()-1 {
		return "", false
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case *parse.StringNode:
			in[i] = reflect.ValueOf(a.Text)
		case *parse.NumberNode:
			if !a.IsInt {
				return "", false
			}
			in[i] = reflect.ValueOf(int(a.Int64))
		default:
			return "", false
		}
		want := ft.In(min(i, ft.NumIn()-1))
		if ft.IsVariadic() && i >= ft.NumIn()-1 {
			want = want.Elem()
		}
		if !in[i].Type().AssignableTo(want) {
			return "", false
		}
	}
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	out := fn.Call(in)
	if len(out) == 2 && !out[1].IsNil() {
		return "", false
	}
	s, ok = out[0].Interface().(string)
	return s, ok
}
