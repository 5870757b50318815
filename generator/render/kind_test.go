package render

import (
	"html/template"
	"slices"
	"strings"
	"testing"

	"github.com/digest/digest/generator/site"
)

// TestKindIsAStringInTemplates checks that a template reads .Kind as a
// plain string: as a map key, as a string argument, and compared.
func TestKindIsAStringInTemplates(t *testing.T) {
	funcs := template.FuncMap{"upper": strings.ToUpper}
	for _, tt := range []struct{ src, want string }{
		{`{{.Kind}}`, "404"},
		{`{{eq .Kind "404"}}`, "true"},
		{`{{index .Site.Params .Kind}}`, "lost"},
		{`{{printf .Kind}}`, "404"},
		{`{{upper .Kind}}`, "404"},
	} {
		s := &site.Site{Config: testConfig(t)}
		s.Params = map[string]any{"404": "lost"}
		var b strings.Builder
		err := template.Must(template.New("t").Funcs(funcs).Parse(tt.src)).Execute(&b, &Data{Site: s, PageKind: KindNotFound})
		if err != nil || b.String() != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.src, b.String(), err, tt.want)
		}
	}
}

// TestKindsAreFresh checks that a caller of Kinds cannot change the list
// another caller gets, and that the list has every kind with a template.
func TestKindsAreFresh(t *testing.T) {
	kinds := Kinds()
	kinds[0] = "changed"
	if again := Kinds(); again[0] != KindHome {
		t.Errorf("Kinds()[0] = %q after a caller changed its copy; want %q", again[0], KindHome)
	}
	if slices.Contains(Kinds(), KindAlias) {
		t.Errorf("Kinds() has %q, which has no template of base.html's", KindAlias)
	}
	if n := len(Kinds()); n != 15 {
		t.Errorf("len(Kinds()) = %d; want 15", n)
	}
}
