package render

import (
	"html/template"
	"strings"
	"testing"
	"text/template/parse"
)

// TestFold folds the constant calls of a template in every context
// html/template knows and wants the page it makes unchanged, with the
// calls folded only where the escapers would have left their value as it
// is.
func TestFold(t *testing.T) {
	tests := []struct {
		name, src string
		folded    bool
	}{
		{"text", `<p>{{t "skip_to_content"}}</p>`, true},
		{"text with a count and a name", `<p>{{t "page_number" "page" 2}}</p>`, true},
		{"non-ASCII text", `<p>{{t "arrow_newer"}}</p>`, true},
		{"quoted attribute", `<a title="{{t "skip_to_content"}}">x</a>`, true},
		{"unquoted attribute", `<a title={{t "skip_to_content"}}>x</a>`, false},
		{"URL", `<a href="{{url "/style.css"}}">x</a>`, true},
		{"URL to encode", `<a href="{{url "/a b/"}}">x</a>`, false},
		{"URL with a scheme", `<a href="{{url "javascript:alert(1)"}}">x</a>`, false},
		{"unsafe URL", `<a href="{{abs "/x/"}}">x</a>`, false},
		{"after the start of a URL", `<a href="/x?q={{url "/y/"}}">x</a>`, false},
		{"script", `<script>var s = {{t "skip_to_content"}};</script>`, false},
		{"style", `<style>p::before{content:"{{direction}}"}</style>`, false},
		{"direction", `<html dir="{{direction}}">`, true},
		{"HTML to escape", `<p>{{t "colophon" "site" "A & B"}}</p>`, false},
		{"not constant", `{{with "x"}}<p>{{t "page_number" "page" .}}</p>{{end}}`, false},
		{"in a branch", `{{if true}}<p>{{t "skip_to_content"}}</p>{{else}}{{url "/"}}{{end}}`, true},
		{"a variable", `{{$s := t "skip_to_content"}}<p>{{$s}}</p>`, false},
		{"an error", `<p>{{t "page_number" "page"}}</p>`, false},
		{"an argument", `<p>{{printf "%s!" (t "skip_to_content")}}</p>`, true},
		{"an argument in a condition", `{{if eq "Skip to content" (t "skip_to_content")}}<p>yes</p>{{end}}`, true},
		{"an argument of an argument", `<p>{{printf "%s" (printf "%s" (url "/x/"))}}</p>`, true},
		{"an HTML argument", `<p>{{printf "%s" (t "nothing_yet_html")}}</p>`, false},
	}
	cfg := testConfig(t)
	parse := func(src string) *template.Template {
		return template.Must(template.New("page").Funcs(Funcs(cfg)).Parse(src))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want strings.Builder
			wantErr := parse(tt.src).Execute(&want, nil)
			tmpl := parse(tt.src)
			fold(tmpl, Funcs(cfg), []string{"page"})
			var got strings.Builder
			err := tmpl.Execute(&got, nil)
			if got.String() != want.String() || (err == nil) != (wantErr == nil) {
				t.Errorf("folded: %q, %v\nwant %q, %v", got.String(), err, want.String(), wantErr)
			}
			if n := calls(tmpl.Tree.Root); (n == 0) != tt.folded {
				t.Errorf("folded %v, want %v: %s", n == 0, tt.folded, tmpl.Tree.Root)
			}
		})
	}
}

// calls counts the calls of the foldable functions in the actions of l.
func calls(l *parse.ListNode) int {
	n := 0
	eachNode(l, func(node parse.Node) {
		if id, ok := node.(*parse.IdentifierNode); ok && foldable[id.Ident] {
			n++
		}
	})
	return n
}

// TestDropEscaper checks that the escaper of an action is dropped only
// where it would have left the value as it is: a function's typed HTML in
// HTML text, its typed JS in a script.
func TestDropEscaper(t *testing.T) {
	funcs := template.FuncMap{
		"markup": func() template.HTML { return "<b>bold</b> & more" },
		"script": func() (template.JS, error) { return `{"a":1}`, nil },
		"plain":  func() string { return "<b>" },
	}
	tests := []struct {
		name, src string
		dropped   bool
	}{
		{"HTML in text", `<p>{{markup}}</p>`, true},
		{"HTML in an attribute", `<a title="{{markup}}">x</a>`, false},
		{"HTML in a title", `<title>{{markup}}</title>`, false},
		{"HTML in a script", `<script>var x = {{markup}};</script>`, false},
		{"JS in a script", `<script>var x = {{script}};</script>`, true},
		{"JS in text", `<p>{{script}}</p>`, false},
		{"a string", `<p>{{plain}}</p>`, false},
		{"piped on", `<p>{{markup | printf "%s"}}</p>`, false},
		{"a variable", `{{$h := markup}}<p>{{$h}}</p>`, false},
		{"in a branch", `{{with 1}}<p>{{markup}}</p>{{end}}`, true},
	}
	newPage := func(src string) *template.Template {
		return template.Must(template.New("page").Funcs(funcs).Parse(src))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want strings.Builder
			if err := newPage(tt.src).Execute(&want, nil); err != nil {
				t.Fatal(err)
			}
			tmpl := newPage(tt.src)
			fold(tmpl, funcs, []string{"page"})
			var got strings.Builder
			if err := tmpl.Execute(&got, nil); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("dropped: %q\nwant %q", got.String(), want.String())
			}
			escapers := 0
			eachNode(tmpl.Tree.Root, func(n parse.Node) {
				if id, ok := n.(*parse.IdentifierNode); ok && strings.HasPrefix(id.Ident, "_html_template_") {
					escapers++
				}
			})
			if (escapers == 0) != tt.dropped {
				t.Errorf("dropped %v, want %v: %s", escapers == 0, tt.dropped, tmpl.Tree.Root)
			}
		})
	}
}
