package slug

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var makeTests = []struct {
	in, want string
}{
	// One tag however it is written.
	{"North korea", "north-korea"},
	{"North Korea", "north-korea"},
	{"north-korea", "north-korea"},
	{"NORTH KOREA", "north-korea"},
	{"N. Korea", "n-korea"},
	{"US", "us"},

	// Runs of anything else become one dash, trimmed at both ends.
	{"  Nuclear   crisis! ", "nuclear-crisis"},
	{"snake_case_name", "snake-case-name"},
	{"a -- b", "a-b"},
	{"a/b\\c", "a-b-c"},
	{"What?! Really...", "what-really"},
	{"__init__", "init"},
	{"tab\tand\nnewline", "tab-and-newline"},
	{"C++ & Go", "c-go"},
	{"AT&T", "at-t"},
	{"e-mail", "e-mail"},
	{"---", ""},
	{"!!!", ""},
	{"", ""},
	{"   ", ""},
	{"\u00a0non\u00a0breaking\u00a0", "non-breaking"},
	{"em—dash", "em-dash"},

	// Digits are kept.
	{"G-20 summit", "g-20-summit"},
	{"2017", "2017"},
	{"COVID-19", "covid-19"},
	{"1.5 °C", "1-5-c"},
	{"٢٠١٧", "٢٠١٧"}, // Arabic-Indic digits

	// Letters of any script, lowercased where they have case.
	{"Société Générale", "société-générale"},
	{"Soci\u0065\u0301t\u0065\u0301", "soci\u0065\u0301t\u0065\u0301"}, // decomposed é keeps its accent
	{"Ærø Ø", "ærø-ø"},
	{"Straße", "straße"},
	{"İstanbul", "istanbul"}, // simple case mapping: one rune for one
	{"ǅemal", "ǆemal"},       // title case
	{"ϒ", "ϒ"},               // a capital with no lowercase form stays
	{"Ελλάδα", "ελλάδα"},
	{"Северная Корея", "северная-корея"},
	{"Україна", "україна"},
	{"北朝鮮", "北朝鮮"},
	{"東京 オリンピック", "東京-オリンピック"},
	{"서울", "서울"},
	{"हिन्दी", "हिन्दी"}, // virama and vowel sign are combining marks
	{"नई दिल्ली", "नई-दिल्ली"},
	{"كوريا الشمالية", "كوريا-الشمالية"},
	{"עברית", "עברית"},
	{"ไทย", "ไทย"},

	// Symbols and emoji are not letters.
	{"I ❤ NY", "i-ny"},
	{"🚀 launch", "launch"},
	{"price $5", "price-5"},

	// Invalid UTF-8 is a separator, not a letter.
	{"a\xffb", "a-b"},
}

func TestMake(t *testing.T) {
	for _, tt := range makeTests {
		if got := Make(tt.in); got != tt.want {
			t.Errorf("Make(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestMakeStable checks that a slug is its own slug, so a tag written as
// its slug ("north-korea") joins the tag it came from.
func TestMakeStable(t *testing.T) {
	for _, tt := range makeTests {
		if got := Make(tt.want); got != tt.want {
			t.Errorf("Make(%q) = %q; want %q", tt.want, got, tt.want)
		}
	}
}

// TestMakeLong checks that a long name gives a slug that fits in a file
// name, cut on a character boundary, and that names sharing a long
// beginning keep apart.
func TestMakeLong(t *testing.T) {
	japanese := strings.Repeat("北朝鮮の核実験について", 9)[:98*3] // 98 characters, 294 bytes
	tests := []struct {
		in, prefix string
	}{
		{japanese, strings.Repeat("北朝鮮の核実験について", 3)[:30*3] + "-"},
		{strings.Repeat("a", 10000), strings.Repeat("a", 91) + "-"},
		{strings.Repeat("ab ", 100), strings.Repeat("ab-", 30) + "a-"},
		// A cut that would fall on the dash is moved before it.
		{strings.Repeat("a", 90) + " b" + strings.Repeat("c", 20), strings.Repeat("a", 90) + "-"},
		// The accents stay with their letter.
		{strings.Repeat("a", 90) + "e" + strings.Repeat("\u0301", 10), strings.Repeat("a", 90) + "-"},
		{"e" + strings.Repeat("\u0301", 100), "e" + strings.Repeat("\u0301", 45) + "-"},
	}
	for _, tt := range tests {
		got := Make(tt.in)
		if len(got) > MaxBytes || !strings.HasPrefix(got, tt.prefix) || len(got) != len(tt.prefix)+8 {
			t.Errorf("Make(%q) = %q (%d bytes); want %q and eight hex digits, at most %d bytes", tt.in, got, len(got), tt.prefix, MaxBytes)
		}
		checkSlug(t, tt.in, got)
		if again := Make(got); again != got {
			t.Errorf("Make(%q) = %q; want it unchanged", got, again)
		}
	}
	a, b := Make(japanese+"北"), Make(japanese+"南")
	if a == b {
		t.Errorf("two long headlines that differ at the end share the slug %q", a)
	}
	if same := Make(strings.ToUpper(strings.Repeat("north korea ", 20))); same != Make(strings.Repeat("North-Korea-", 20)) {
		t.Errorf("two spellings of one long tag get two slugs")
	}
	if short := strings.Repeat("a", MaxBytes); Make(short) != short {
		t.Errorf("Make(%q) = %q; a slug of MaxBytes is kept whole", short, Make(short))
	}
}

func FuzzMake(f *testing.F) {
	for _, tt := range makeTests {
		f.Add(tt.in)
	}
	f.Add(strings.Repeat("北朝鮮", 40))
	f.Add(strings.Repeat("e\u0301", 60))
	f.Fuzz(func(t *testing.T, in string) {
		got := Make(in)
		checkSlug(t, in, got)
		if again := Make(got); again != got {
			t.Errorf("Make(%q) = %q; want %q (Make(%q) = %q)", got, again, got, in, got)
		}
	})
}

// checkSlug reports whether s has the shape of a slug: letters already
// lowercased, digits and marks, joined by single dashes. (A few capitals,
// such as ϒ, have no lowercase form and are kept as they are.)
func checkSlug(t *testing.T, in, s string) {
	t.Helper()
	if len(s) > MaxBytes {
		t.Errorf("Make(%q) = %q, %d bytes long; want at most %d", in, s, len(s), MaxBytes)
	}
	if !utf8.ValidString(s) {
		t.Errorf("Make(%q) = %q, not valid UTF-8", in, s)
	}
	if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		t.Errorf("Make(%q) = %q, with a dash at an end", in, s)
	}
	if strings.Contains(s, "--") {
		t.Errorf("Make(%q) = %q, with two dashes in a row", in, s)
	}
	for _, r := range s {
		switch {
		case r == '-':
		case unicode.IsLetter(r):
			if unicode.ToLower(r) != r {
				t.Errorf("Make(%q) = %q, with capital %q", in, s, r)
			}
		case unicode.IsDigit(r), unicode.In(r, unicode.Mn, unicode.Mc):
		default:
			t.Errorf("Make(%q) = %q, with %q, not a letter, digit, mark or dash", in, s, r)
		}
	}
}

// TestMakeLongSuffix pins the hash suffixes of cut slugs: they are in
// published URLs, so a change of hash would break every link to them.
func TestMakeLongSuffix(t *testing.T) {
	for _, tt := range []struct{ in, suffix string }{
		{strings.Repeat("a", 10000), "-d352af15"},
		{strings.Repeat("北朝鮮の核実験について", 9), "-8c46d03e"},
		{"e" + strings.Repeat("\u0301", 100), "-5818f010"},
		{strings.Repeat("North Korea ", 20), "-eab8237a"},
	} {
		if got := Make(tt.in); !strings.HasSuffix(got, tt.suffix) {
			t.Errorf("Make(%.20q…) = …%s; want …%s", tt.in, got[len(got)-len(tt.suffix):], tt.suffix)
		}
	}
}
