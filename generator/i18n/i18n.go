// Package i18n is the interface language of a site: the translation table
// the templates' t function reads, and dates written with the language's
// month and day names and customary order.
//
// A translation table is a YAML file per language, i18n/<language>.yaml in
// the layouts folder, as in Hugo. Each key maps to a string, or to a map of
// CLDR plural forms (zero, one, two, few, many, other) for strings that
// hold a count:
//
//	tags: Tags
//	article_count:
//	  one: "{count} article"
//	  other: "{count} articles"
//
// A site's own layouts/i18n/<language>.yaml overrides the built-in theme's
// key by key. A key missing in the language falls back to English; a key
// English does not have either is an error. Month and day names, the
// orders of the named date styles and plural rules come from CLDR through
// github.com/go-playground/locales.
package i18n

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-playground/locales"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/internal/sum"
)

// Dir is the folder of the translation tables, in the layouts folder.
const Dir = "i18n"

// Default is the language whose table every key must be in, and which
// every other language falls back to.
const Default = "en"

// Locale is one interface language, loaded.
type Locale struct {
	// Tag is the language as site.yaml names it, e.g. "ja" or "en-PH".
	Tag  string
	cldr locales.Translator
	// tables are the merged tables to look a key up in, best first: the
	// language's own (its full tag, then its base language), then English.
	tables []Table
	sum    uint64
}

// Load reads the translation tables of the language tag from the layouts
// folders in layers, the built-in theme first: a later layer's key
// overrides an earlier one's. from names a layer's file for errors.
func Load(tag string, layers []fs.FS, from func(layer int, name string) string) (*Locale, error) {
	l := &Locale{Tag: tag, cldr: cldrFor(tag)}
	h := sum.New()
	str(&h, tag)
	var errs diag.List
	for _, lang := range fallbacks(tag) {
		merged := Table{}
		for i, layer := range layers {
			name, src, err := readTable(layer, lang, tag)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				errs.Add(from(i, name), err)
				continue
			}
			t, err := Parse(from(i, name), src)
			errs.Add(from(i, name), err)
			maps.Copy(merged, t)
		}
		str(&h, lang)
		for _, k := range slices.Sorted(maps.Keys(merged)) {
			str(&h, k)
			for _, f := range Forms {
				str(&h, merged[k][f])
			}
		}
		l.tables = append(l.tables, merged)
	}
	l.sum = h.Sum64()
	return l, errs.Err()
}

// readTable reads the table of lang, one of tag's fallbacks: its name in
// lowercase ("en-gb.yaml"), or for tag itself as site.yaml spells it
// ("en-GB.yaml", as Hugo names them).
func readTable(layer fs.FS, lang, tag string) (string, []byte, error) {
	name := Dir + "/" + lang + ".yaml"
	src, err := fs.ReadFile(layer, name)
	if spelled := strings.ReplaceAll(tag, "_", "-"); errors.Is(err, fs.ErrNotExist) && strings.ToLower(spelled) == lang && spelled != lang {
		name = Dir + "/" + spelled + ".yaml"
		src, err = fs.ReadFile(layer, name)
	}
	return name, src, err
}

// fallbacks are the file names to read for tag, best first: "en-ph",
// "en"; English last in every case.
func fallbacks(tag string) []string {
	tag = strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(tag)
	base, _, _ := strings.Cut(tag, "-")
	add(base)
	add(Default)
	return out
}

// Sum summarises the tables, for page signatures: a changed translation
// changes every page that may show it.
func (l *Locale) Sum() uint64 { return l.sum }

// Dir is the direction of the language's script: "rtl" or "ltr".
func (l *Locale) Dir() string {
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(l.Tag, "_", "-")), "-")
	switch base {
	case "ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "ckb", "dv":
		return "rtl"
	}
	return "ltr"
}

// Has reports whether key is in any table, English included.
func (l *Locale) Has(key string) bool {
	for _, t := range l.tables {
		if _, ok := t[key]; ok {
			return true
		}
	}
	return false
}

// T translates key. args are an optional count first (any integer), which
// chooses the plural form and fills {count}, then pairs of a placeholder's
// name and its value. A key ending in "_html" is HTML: its values are
// escaped, unless they are template.HTML, and it is returned as
// template.HTML; any other key gives a plain string, which the template
// escapes where it lands.
func (l *Locale) T(key string, args ...any) (any, error) {
	count, n, hasCount := 0, 0, false
	if len(args) > 0 {
		if c, ok := integer(args[0]); ok {
			count, hasCount, n = c, true, 1
		}
	}
	pairs := args[n:]
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("t %q: want a count, then pairs of name and value; got %d arguments", key, len(args))
	}
	form := "other"
	if hasCount {
		form = strings.ToLower(l.cldr.CardinalPluralRule(float64(count), 0).String())
	}
	msg, ok := l.lookup(key, form)
	if !ok {
		return nil, fmt.Errorf("no translation %q in layouts/%s/%s.yaml", key, Dir, Default)
	}
	isHTML := strings.HasSuffix(key, "_html")
	value := func(name string) (string, bool) {
		if name == "count" && hasCount {
			return strconv.Itoa(count), true
		}
		for i := 0; i < len(pairs); i += 2 {
			if pairs[i] == name {
				if h, ok := pairs[i+1].(template.HTML); ok && isHTML {
					return string(h), true
				}
				s := fmt.Sprint(pairs[i+1])
				if isHTML {
					s = html.EscapeString(s)
				}
				return s, true
			}
		}
		return "", false
	}
	out, err := fill(msg, value)
	if err != nil {
		return nil, fmt.Errorf("t %q: %w", key, err)
	}
	if isHTML {
		return template.HTML(out), nil
	}
	return out, nil
}

// Forms are key's messages by plural form, placeholders unfilled, for a
// script that chooses the form itself (Intl.PluralRules): the forms of
// the best table that has the key.
func (l *Locale) Forms(key string) (map[string]string, error) {
	for _, t := range l.tables {
		if e, ok := t[key]; ok {
			return maps.Clone(e), nil
		}
	}
	return nil, fmt.Errorf("no translation %q in layouts/%s/%s.yaml", key, Dir, Default)
}

// lookup finds key's message in form, in the best table that has the key;
// a table that has the key but not the form gives its "other".
func (l *Locale) lookup(key, form string) (string, bool) {
	for _, t := range l.tables {
		e, ok := t[key]
		if !ok {
			continue
		}
		if m, ok := e[form]; ok {
			return m, true
		}
		if m, ok := e["other"]; ok {
			return m, true
		}
	}
	return "", false
}

// integer is v as an int, when it is an integer of any Go type.
func integer(v any) (int, bool) {
	switch rv := reflect.ValueOf(v); {
	case rv.CanInt():
		return int(rv.Int()), true
	case rv.CanUint():
		return int(rv.Uint()), true
	}
	return 0, false
}

// fill replaces each {name} in msg with its value.
func fill(msg string, value func(string) (string, bool)) (string, error) {
	if !strings.Contains(msg, "{") {
		return msg, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			b.WriteString(msg)
			return b.String(), nil
		}
		name, ok := placeholder(msg[i:])
		if !ok {
			b.WriteString(msg[:i+1])
			msg = msg[i+1:]
			continue
		}
		v, ok := value(name)
		if !ok {
			return "", fmt.Errorf("no value for {%s}", name)
		}
		b.WriteString(msg[:i])
		b.WriteString(v)
		msg = msg[i+len(name)+2:]
	}
}

// placeholder reads the name of a placeholder at the start of s, "{name}":
// ASCII letters, digits and underscores. Any other brace is text.
func placeholder(s string) (string, bool) {
	end := strings.IndexByte(s, '}')
	if end < 2 {
		return "", false
	}
	name := s[1:end]
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", false
		}
	}
	return name, true
}

// Text is key translated as plain text, for titles the code sets rather
// than a template. A message whose placeholders lack a value is returned
// as written, and a key in no table as itself: both show on the page,
// where the curator sees what to fix.
func (l *Locale) Text(key string, args ...any) string {
	v, err := l.T(key, args...)
	if err != nil {
		if m, ok := l.lookup(key, "other"); ok {
			return m
		}
		return key
	}
	return fmt.Sprint(v)
}

// str adds s to h, ended so that "ab","c" and "a","bc" differ.
func str(h *sum.Hash, s string) {
	h.AddString(s)
	h.AddByte(0xff) // never in UTF-8
}
