package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/site"
)

// The functions here are for the machine-readable parts of a page: social
// metadata and JSON-LD. Funcs lists them with the others.

// absURL makes a link absolute with the site's base_url: a root-relative
// URL, such as the site's URLs, which start with its path, is joined to
// its scheme and host, and a relative path to base_url itself,
// percent-encoding what a URI may not hold (slugs in any script); a URL
// that already names its scheme or host ("https://…", "//…") is returned
// as it is.
func absURL(cfg *config.Config, p string) string {
	if isFull(p) {
		return p
	}
	return cfg.AbsURL(p)
}

// siteURL is the template function url: the URL on the site of a path
// from its root, such as "/tags/" or "/images/logo.svg", which starts
// with the site's path; a URL that names its scheme or host is returned
// as it is.
func siteURL(cfg *config.Config, p string) string {
	if isFull(p) {
		return p
	}
	return cfg.URL(p)
}

// isFull reports whether p names its scheme ("https://…", "mailto:…") or
// its host ("//…"), so that it is no path of the site.
func isFull(p string) bool {
	if strings.HasPrefix(p, "/") {
		// A scheme starts with a letter: a path from the root, such as
		// every URL of the site that a list page's JSON-LD makes
		// absolute, needs no parse.
		return strings.HasPrefix(p, "//")
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme != ""
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

// The JSON-LD the built-in meta partial writes is built here rather than
// with dict in the template, because every page has some: a template would
// make some thirty calls, and prune reflect on every value, for what one
// json.Marshal of these structs does. Fields are in the order of their
// JSON names, which is the order jsonld writes a map's keys in, so the
// output is the same either way; omitempty leaves out what jsonld prunes.

type newsArticleLD struct {
	Context          string          `json:"@context"`
	Type             string          `json:"@type"`
	Author           *nameLD         `json:"author,omitempty"`
	DateModified     string          `json:"dateModified"`
	DatePublished    string          `json:"datePublished"`
	Description      string          `json:"description,omitempty"`
	Headline         string          `json:"headline,omitempty"`
	Image            string          `json:"image,omitempty"`
	InLanguage       string          `json:"inLanguage,omitempty"`
	IsBasedOn        string          `json:"isBasedOn,omitempty"`
	MainEntityOfPage *webPageLD      `json:"mainEntityOfPage,omitempty"`
	Publisher        *organizationLD `json:"publisher,omitempty"`
	URL              string          `json:"url,omitempty"`
}

type nameLD struct {
	Name string `json:"name"`
}

type webPageLD struct {
	ID   string `json:"@id,omitempty"`
	Type string `json:"@type"`
}

type organizationLD struct {
	Type string `json:"@type"`
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

type itemListLD struct {
	Context  string       `json:"@context"`
	Type     string       `json:"@type"`
	Items    []listItemLD `json:"itemListElement"`
	Name     string       `json:"name,omitempty"`
	NumItems int          `json:"numberOfItems"`
	URL      string       `json:"url,omitempty"`
}

type listItemLD struct {
	Type     string `json:"@type"`
	Position int    `json:"position"`
	URL      string `json:"url"`
}

// newsArticle is the JSON-LD NewsArticle of an article page.
func newsArticle(d *Data) (template.JS, error) {
	a := d.Article
	if a == nil {
		return "", errors.New("newsArticle: not an article page")
	}
	modified := a.Date
	if !a.Updated.IsZero() {
		modified = a.Updated
	}
	ld := newsArticleLD{
		Context:          "https://schema.org",
		Type:             "NewsArticle",
		DateModified:     modified.Format(time.RFC3339),
		DatePublished:    a.Date.Format(time.RFC3339),
		Description:      a.Summary,
		Headline:         a.Title,
		InLanguage:       d.Site.Language,
		IsBasedOn:        a.SourceURL,
		MainEntityOfPage: &webPageLD{ID: d.Permalink, Type: "WebPage"},
		Publisher:        &organizationLD{Type: "Organization", Name: d.Site.Title, URL: d.Site.BaseURL},
		URL:              d.Permalink,
	}
	if a.Author != "" {
		ld.Author = &nameLD{a.Author}
	}
	if a.Image != "" {
		ld.Image = absURL(d.Site.Config, a.Image)
	}
	return marshalLD(ld)
}

// itemList is the JSON-LD ItemList of the articles a list page shows, or
// "" on a page that lists none. Only the front page of a paginated list
// has one: it is the list's summary page, which a search engine shows,
// and the numbered pages' lists (each numbered from 1 again) cost a large
// digest some 7 MB that neither readers nor feed readers see.
func itemList(d *Data) (template.JS, error) {
	var items []*site.Article
	switch {
	case d.Pager != nil && !d.Pager.Front():
		return "", nil
	case d.Pager != nil:
		items = d.Pager.Items
	case d.Edition != nil:
		items = d.Edition.Articles
	}
	if len(items) == 0 {
		return "", nil
	}
	ld := itemListLD{Context: "https://schema.org", Type: "ItemList", Name: d.Title, NumItems: len(items), URL: d.Permalink}
	if ld.Name == "" {
		ld.Name = d.Site.Title
	}
	for i, a := range items {
		ld.Items = append(ld.Items, listItemLD{Type: "ListItem", Position: i + 1, URL: absURL(d.Site.Config, a.URL)})
	}
	return marshalLD(ld)
}

// marshalLD encodes JSON-LD as jsonld does: json.Marshal writes <, > and &
// as \u003c, \u003e and \u0026, so no value can close the script element.
func marshalLD(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("jsonld: %w", err)
	}
	return template.JS(b), nil
}
