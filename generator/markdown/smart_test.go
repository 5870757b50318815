package markdown

import "testing"

func TestSmarten(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"No quotes at all", "No quotes at all"},
		{"It's Beijing's call", "It’s Beijing’s call"},
		{`China says "restraint" is needed`, "China says “restraint” is needed"},
		{"'Single' quotes", "‘Single’ quotes"},
		{"The plan -- announced Monday --- is late", "The plan – announced Monday — is late"},
		{"Wait for it...", "Wait for it…"},
		{"1. Not a list, it's a title", "1. Not a list, it’s a title"},
		{"2017) Not a list either...", "2017) Not a list either…"},
		{"- Not a list item's text", "- Not a list item’s text"},
		{"--- it's not a rule", "— it’s not a rule"},
		{"-- it's a dash", "– it’s a dash"},
		{"# Not a heading's text", "# Not a heading’s text"},
		{"> Not a quote's text", "> Not a quote’s text"},
		{"*Not emphasis* it's", "*Not emphasis* it’s"},
		{"`not code` it's", "`not code` it’s"},
		{"<b>not HTML</b> it's", "<b>not HTML</b> it’s"},
		{"[not](a-link) it's", "[not](a-link) it’s"},
		{"AT&T's &amp; entities", "AT&T’s &amp; entities"},
		{`a \ backslash's`, `a \ backslash’s`},
		{"Multiple   spaces\tand\nlines, it's", "Multiple spaces and lines, it’s"},
		{"Kim Jong-un's test", "Kim Jong-un’s test"},
		{"Rock 'n' roll in the '90s", "Rock ’n’ roll in the ’90s"},
		// As in a body: the typographer does not know a URL.
		{"https://example.org/a--b it's", "https://example.org/a–b it’s"},
		{"---", "---"},
		{"-- ", "-- "},
		{"Ünïcödé 'quotes' — kept", "Ünïcödé ‘quotes’ — kept"},
	} {
		if got := Smarten(tt.in); got != tt.want {
			t.Errorf("Smarten(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSmarten(f *testing.F) {
	for _, s := range []string{"It's", `"a" -- b...`, "1. x's", "<a href=x>'y'</a>", "&#0; 'x'", "* 'x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Smarten(s)
		// Only quotes, dashes and dots change, and whitespace is folded:
		// every other character of s is kept, in order.
		if strip(got) != strip(s) {
			t.Errorf("Smarten(%q) = %q: more than punctuation changed", s, got)
		}
	})
}

// strip drops what Smarten may change.
func strip(s string) string {
	var b []rune
	for _, r := range s {
		switch r {
		case '\'', '"', '-', '.', '‘', '’', '“', '”', '–', '—', '…', ' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xA0:
			continue
		}
		b = append(b, r)
	}
	return string(b)
}
