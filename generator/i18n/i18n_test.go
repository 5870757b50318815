package i18n

import (
	"html/template"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/internal/testkit"
)

// names gives each layer's files a name for errors, as the build does.
func names(layer int, name string) string {
	if layer == 0 {
		return "layouts/" + name + " (built-in theme)"
	}
	return "layouts/" + name
}

func load(t *testing.T, tag string, layers ...fs.FS) *Locale {
	t.Helper()
	l, err := Load(tag, layers, names)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var placeholders = regexp.MustCompile(`\{[A-Za-z0-9_]+\}`)

// TestShippedTables holds every language the theme ships to English's
// keys: each has every key, no other, the same placeholders, and only
// the plural forms its CLDR rules use.
func TestShippedTables(t *testing.T) {
	files, err := fs.Glob(testkit.Theme(), Dir+"/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]Table{}
	for _, f := range files {
		src, _ := fs.ReadFile(testkit.Theme(), f)
		tbl, err := Parse(f, src)
		if err != nil {
			t.Fatal(err)
		}
		tables[strings.TrimSuffix(strings.TrimPrefix(f, Dir+"/"), ".yaml")] = tbl
	}
	for _, lang := range []string{"en", "fil", "fr", "es", "de", "ja", "ar"} {
		if tables[lang] == nil {
			t.Errorf("the theme ships no %s.yaml", lang)
		}
	}
	en := tables[Default]
	for lang, tbl := range tables {
		forms := map[string]bool{"other": true}
		for _, r := range cldrFor(lang).PluralsCardinal() {
			forms[strings.ToLower(r.String())] = true
		}
		for _, key := range slices.Sorted(maps.Keys(en)) {
			msgs, ok := tbl[key]
			if !ok {
				t.Errorf("%s.yaml: no %s", lang, key)
				continue
			}
			want := placeholderSet(en[key]["other"])
			for form, msg := range msgs {
				if !forms[form] {
					t.Errorf("%s.yaml: %s.%s: %s has no such plural form", lang, key, form, lang)
				}
				for p := range placeholderSet(msg) {
					if !want[p] && p != "{count}" {
						t.Errorf("%s.yaml: %s.%s: %s is not among English's placeholders %v", lang, key, form, p, want)
					}
				}
				if form == "other" {
					for p := range want {
						if !strings.Contains(msg, p) && p != "{count}" {
							t.Errorf("%s.yaml: %s: leaves out %s", lang, key, p)
						}
					}
				}
			}
		}
		for key := range tbl {
			if _, ok := en[key]; !ok {
				t.Errorf("%s.yaml: %s is not a key of en.yaml", lang, key)
			}
		}
	}
}

func placeholderSet(msg string) map[string]bool {
	set := map[string]bool{}
	for _, p := range placeholders.FindAllString(msg, -1) {
		set[p] = true
	}
	return set
}

func TestDates(t *testing.T) {
	manila, err := time.LoadLocation("Asia/Manila")
	if err != nil {
		t.Fatal(err)
	}
	evening := time.Date(2017, 5, 30, 22, 4, 0, 0, manila)
	for _, tt := range []struct {
		lang, layout, want string
	}{
		{"en", ":date_full", "Tuesday, May 30, 2017"},
		{"en", ":date_long", "May 30, 2017"},
		{"en", ":time_short", "10:04 pm"},
		{"en", "layout_month_year", "May 2017"},
		{"en", "layout_weekday_day_month", "Tuesday, May 30"},
		{"en-GB", ":date_full", "Tuesday, 30 May 2017"},
		{"en-GB", ":time_short", "22:04"},
		{"en_PH", ":date_long", "30 May 2017"},
		{"fil", ":date_full", "Martes, Mayo 30, 2017"},
		{"fil", "layout_month_year", "Mayo 2017"},
		{"fr", ":date_full", "mardi 30 mai 2017"},
		{"fr", ":time_short", "22:04"},
		{"fr", "layout_weekday_day_month", "mardi 30 mai"},
		{"fr-CA", ":date_short", "2017-05-30"},
		{"es", ":date_full", "martes, 30 de mayo de 2017"},
		{"es", "layout_month_year", "mayo de 2017"},
		{"es", "layout_weekday_day_month", "martes, 30 de mayo"},
		{"de", ":date_full", "Dienstag, 30. Mai 2017"},
		{"de", "layout_weekday_day_month", "Dienstag, 30. Mai"},
		{"de", "layout_weekday_short", "Di."},
		{"ja", ":date_full", "2017年5月30日火曜日"},
		{"ja", ":date_long", "2017年5月30日"},
		{"ja", "layout_month_year", "2017年5月"},
		{"ja", "layout_weekday_day_month", "5月30日(火)"},
		{"ja", ":time_short", "22:04"},
		{"ar", ":date_full", "الثلاثاء، 30 مايو 2017"},
		{"ar", "layout_month_year", "مايو 2017"},
		{"ar", "layout_weekday_day_month", "الثلاثاء، 30 مايو"},
		// A language the theme has no table for: English words, its own
		// CLDR order where digest has it, else English's.
		{"xx", ":date_full", "Tuesday, May 30, 2017"},
		// Go layouts keep working, with the language's names.
		{"fr", "Mon 2 Jan 2006 15:04", "mar. 30 mai 2017 22:04"},
		{"fr", "/2006/01/02/", "/2017/05/30/"},
		{"en", ":zone", "PST"},
	} {
		l := load(t, tt.lang, testkit.Theme())
		layout := tt.layout
		if !strings.HasPrefix(layout, ":") && strings.HasPrefix(layout, "layout_") {
			layout = l.Text(layout)
		}
		if got := l.Date(layout, evening); got != tt.want {
			t.Errorf("%s: Date(%q) = %q; want %q", tt.lang, layout, got, tt.want)
		}
	}
}

func TestZone(t *testing.T) {
	at := func(zone string) time.Time {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		return time.Date(2017, 5, 30, 22, 4, 0, 0, loc)
	}
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{at("Asia/Manila"), "PST"},
		{at("Asia/Tokyo"), "JST"},
		{at("Europe/Paris"), "CEST"},
		{at("UTC"), "UTC"},
		{at("Asia/Riyadh"), "UTC+3"},
		{at("America/Sao_Paulo"), "UTC-3"},
		{at("Asia/Kathmandu"), "UTC+5:45"},
		{time.Date(2017, 5, 30, 0, 0, 0, 0, time.FixedZone("", -(9*3600+30*60))), "UTC-9:30"},
	} {
		if got := Zone(tt.t); got != tt.want {
			t.Errorf("Zone(%v) = %q; want %q", tt.t, got, tt.want)
		}
	}
}

func TestT(t *testing.T) {
	theme := fstest.MapFS{
		"i18n/en.yaml": {Data: []byte("tags: Tags\nsearch: Search\narticles:\n  one: \"{count} article\"\n  other: \"{count} articles\"\n" +
			"by: \"By {name}\"\nlink_html: \"<a href=\\\"{url}\\\">{text}</a>\"\n")},
		"i18n/fr.yaml": {Data: []byte("tags: Mots-clés\narticles:\n  one: \"{count} article\"\n  other: \"{count} articles\"\n")},
		"i18n/ar.yaml": {Data: []byte("articles:\n  zero: لا مقالات\n  one: مقال واحد\n  two: مقالان\n  few: \"{count} مقالات\"\n  many: \"{count} مقالًا\"\n  other: \"{count} مقال\"\n")},
	}
	site := fstest.MapFS{
		"i18n/fr.yaml":    {Data: []byte("tags: Étiquettes\n")},
		"i18n/en.yaml":    {Data: []byte("mine: My own\ncolour: Color\n")},
		"i18n/en-GB.yaml": {Data: []byte("tags: Labels\ncolour: Colour\n")},
	}
	for _, tt := range []struct {
		lang string
		key  string
		args []any
		want any
		err  string
	}{
		{"en", "tags", nil, "Tags", ""},
		{"en", "articles", []any{1}, "1 article", ""},
		{"en", "articles", []any{0}, "0 articles", ""},
		{"en", "articles", []any{int64(12)}, "12 articles", ""},
		{"en", "articles", []any{uint8(1)}, "1 article", ""}, // a count of any integer type
		{"fr", "articles", []any{0}, "0 article", ""},        // French's one holds 0
		{"fr", "articles", []any{2}, "2 articles", ""},
		{"ar", "articles", []any{0}, "لا مقالات", ""},
		{"ar", "articles", []any{2}, "مقالان", ""},
		{"ar", "articles", []any{5}, "5 مقالات", ""},
		{"ar", "articles", []any{11}, "11 مقالًا", ""},
		{"ar", "articles", []any{100}, "100 مقال", ""},
		// The site overrides the theme key by key; English fills gaps.
		{"fr", "tags", nil, "Étiquettes", ""},
		{"fr", "search", nil, "Search", ""},
		{"fr-CA", "tags", nil, "Étiquettes", ""},
		{"en-GB", "tags", nil, "Labels", ""},   // en-GB.yaml, as Hugo spells it
		{"en_GB", "colour", nil, "Colour", ""}, // the same file
		{"en-US", "tags", nil, "Tags", ""},
		{"fr", "mine", nil, "My own", ""},
		{"en", "by", []any{"name", "<b>"}, "By <b>", ""},
		{"en", "link_html", []any{"url", "/a?b&c", "text", "x < y"}, template.HTML(`<a href="/a?b&amp;c">x &lt; y</a>`), ""},
		{"en", "link_html", []any{"url", "/", "text", template.HTML("<i>y</i>")}, template.HTML(`<a href="/"><i>y</i></a>`), ""},
		{"en", "nope", nil, nil, `no translation "nope" in layouts/i18n/en.yaml`},
		{"en", "by", nil, nil, `t "by": no value for {name}`},
		{"en", "by", []any{"name"}, nil, `t "by": want a count, then pairs of name and value; got 1 arguments`},
	} {
		l := load(t, tt.lang, theme, site)
		got, err := l.T(tt.key, tt.args...)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s: T(%q, %v) error = %v; want %s", tt.lang, tt.key, tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: T(%q, %v) = %#v, %v; want %#v", tt.lang, tt.key, tt.args, got, err, tt.want)
		}
	}
}

func TestDir(t *testing.T) {
	for tag, want := range map[string]string{"ar": "rtl", "ar-EG": "rtl", "he": "rtl", "en": "ltr", "ja": "ltr", "fil": "ltr"} {
		if got := (&Locale{Tag: tag}).Dir(); got != want {
			t.Errorf("Dir(%q) = %q; want %q", tag, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"- a\n- b\n", "f.yaml:1:1: want a map from key to translation"},
		{"a: [x]\n", "f.yaml:1:4: a: want a translation, or a map of plural forms"},
		{"ok: yes\nbad key: x\n", `f.yaml:2:1: key "bad key": want letters, digits, _ and .`},
		{"a: x\na: y\n", `f.yaml:2:1: key "a" is given twice`},
		{"n:\n  one: x\n", `f.yaml:2:3: n: want an "other" form`},
		{"n:\n  single: x\n  other: y\n", `f.yaml:2:3: n: "single" is no plural form (want zero, one, two, few, many, other)`},
		{"a: ~\n", "f.yaml:1:4: a: want a translation"},
		{"a: \"x\n", "f.yaml:1: found unexpected end of stream"},
	} {
		_, err := Parse("f.yaml", []byte(tt.src))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v; want %s", tt.src, err, tt.want)
		}
	}
}

// TestLoadErrors checks that a broken table of the site's is named, and
// all of a build's broken tables are reported together.
func TestLoadErrors(t *testing.T) {
	site := fstest.MapFS{"i18n/en.yaml": {Data: []byte("a: [x]\n")}, "i18n/ja.yaml": {Data: []byte("b:\n  one: x\n")}}
	_, err := Load("ja", []fs.FS{testkit.Theme(), site}, names)
	want := "layouts/i18n/en.yaml:1:4: a: want a translation, or a map of plural forms\nlayouts/i18n/ja.yaml:2:3: b: want an \"other\" form"
	if err == nil || err.Error() != want {
		t.Errorf("Load error:\n%v\nwant:\n%s", err, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("a: b\nn:\n  one: \"{count} x\"\n  other: \"{count} xs\"\n"))
	f.Add([]byte("a: {b: c}\n"))
	f.Add([]byte("- x\n"))
	f.Add([]byte("a: \"{x\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tbl, err := Parse("f.yaml", src)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		for key, forms := range tbl {
			if _, ok := forms["other"]; !ok {
				t.Errorf("key %q has no other form", key)
			}
			l := &Locale{Tag: "en", cldr: cldrFor("en"), tables: []Table{tbl}}
			// Every message renders or says what it lacks; none panics.
			_, _ = l.T(key, 3, "name", "x")
		}
	})
}
