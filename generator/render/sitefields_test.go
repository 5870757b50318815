package render

import (
	"html/template"
	"slices"
	"testing"
)

// TestSiteFieldsOf checks that the walk finds each field of .Site a set
// of templates names, however it is reached, and nothing else; "" stands
// for .Site passed on whole.
func TestSiteFieldsOf(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"a field", `{{.Site.Title}}`, []string{"Title"}},
		{"below a field", `{{.Site.Tags.Name}}`, []string{"Tags"}},
		{"from the root variable", `{{$.Site.Sources}}`, []string{"Sources"}},
		{"from a variable", `{{$d := .}}{{$d.Site.Months}}`, []string{"Months"}},
		{"a variable holding .Site", `{{$s := .Site}}{{$s.Years}}`, []string{""}},
		{"in an if", `{{if .Site.Pages}}{{.Site.Title}}{{else}}{{.Site.Author}}{{end}}`, []string{"Author", "Pages", "Title"}},
		{"in a range", `{{range .Site.Editions}}{{$.Site.Language}}{{else}}{{.Site.Params}}{{end}}`, []string{"Editions", "Language", "Params"}},
		{"in a with", `{{with .Site.Articles}}{{len .}}{{end}}`, []string{"Articles"}},
		{"in an else with", `{{with .Article}}{{else with .Site.Tags}}{{.}}{{end}}`, []string{"Tags"}},
		{"in a pipeline", `{{.Site.Articles | len | printf "%d"}}`, []string{"Articles"}},
		{"as an argument", `{{printf "%v" .Site.Tags}}`, []string{"Tags"}},
		{"in a parenthesized pipeline", `{{printf "%v" (len .Site.Years)}}`, []string{"Years"}},
		{"a chain from dot", `{{(.).Site.Tags}}`, []string{"Tags"}},
		{"a chain from .Site", `{{(.Site).Tags}}`, []string{""}},
		{"passed on to a template", `{{define "x"}}{{end}}{{template "x" .Site}}`, []string{""}},
		{"in a defined template", `{{define "x"}}{{.Site.Pages}}{{end}}`, []string{"Pages"}},
		{"in a block", `{{block "b" .}}{{.Site.Months}}{{end}}`, []string{"Months"}},
		{"none", `{{.Title}}{{.Tag.Name}}{{range .Pager.Items}}{{.URL}}{{end}}`, []string{}},
		{"a field named Site below another", `{{.Article.Site}}`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := template.Must(template.New("t").Parse(tt.src))
			if got := siteFieldsOf(set); !slices.Equal(got, tt.want) {
				t.Errorf("siteFieldsOf(%s) = %q; want %q", tt.src, got, tt.want)
			}
		})
	}
}
