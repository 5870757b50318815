package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"reflect"
	"strings"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/site"
)

// The functions here are for the machine-readable parts of a page: social
// metadata and JSON-LD. Funcs lists them with the others.

// absURL makes a link absolute with the site's base_url: a root-relative
// path ("/images/map.svg") is joined to it, percent-encoding what a URI
// may not hold (slugs in any script), and a URL that already names its
// scheme ("https://…", "//…") is returned as it is.
func absURL(cfg *config.Config, p string) string {
	if strings.HasPrefix(p, "//") {
		return p
	}
	if u, err := url.Parse(p); err == nil && u.Scheme != "" {
		return p
	}
	return cfg.AbsURL(p)
}

// dict makes a map from pairs of keys and values, for jsonld:
// dict "@type" "NewsArticle" "headline" .Title.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, errors.New("dict: want pairs of key and value, got an odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}

// listItems is the schema.org ListItem of each article, in order, for an
// ItemList: its position from 1 and its absolute URL.
func listItems(cfg *config.Config, articles []*site.Article) []any {
	items := make([]any, len(articles))
	for i, a := range articles {
		items[i] = map[string]any{"@type": "ListItem", "position": i + 1, "url": absURL(cfg, a.URL)}
	}
	return items
}

// jsonLD encodes v as JSON for a <script type="application/ld+json">
// element. Map entries whose value is empty (nil, "", an empty list or
// map) are left out, so a template can pass optional fields as they are.
// encoding/json writes <, > and & as \u003c, \u003e and \u0026, so no
// value can close the script element or open a comment in it; the result
// is template.JS so that html/template inserts it unquoted.
func jsonLD(v any) (template.JS, error) {
	b, err := json.Marshal(prune(v))
	if err != nil {
		return "", fmt.Errorf("jsonld: %w", err)
	}
	return template.JS(b), nil
}

// prune drops empty values from maps, recursively.
func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if x = prune(x); !empty(x) {
				out[k] = x
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(v))
		for _, x := range v {
			if x = prune(x); x != nil {
				out = append(out, x)
			}
		}
		return out
	case []string:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = x
		}
		return out
	}
	return v
}

func empty(v any) bool {
	if v == nil {
		return true
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		return r.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return r.IsNil()
	}
	return false
}
