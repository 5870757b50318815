package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTerms checks the normaliser's promises on any input: terms are
// non-empty, valid UTF-8, made of word characters, at most maxTermRunes
// long, and already normal, so that a query typed from an indexed word
// finds it.
func FuzzTerms(f *testing.F) {
	for _, s := range []string{
		"North Korea's missile", "Hwasŏng-12", "İstanbul ΟΔΥΣΣΕΥΣ", "北京大学abc",
		"ひらがなカタカナ", "한국어", "हिन्दी", "e\u0301te\u0301", "bad \xff byte",
		strings.Repeat("ä", 60), "ǅemal ﬁnance ⅫⅡ ²", "\u0344\u0301a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms := Terms(s)
		for _, term := range terms {
			if term == "" || !utf8.ValidString(term) {
				t.Fatalf("Terms(%q) has term %q", s, term)
			}
			if n := utf8.RuneCountInString(term); n > maxTermRunes {
				t.Fatalf("Terms(%q) has a term of %d runes", s, n)
			}
			for _, r := range term {
				if !isWordRune(r) {
					t.Fatalf("Terms(%q) has term %q with %U", s, term, r)
				}
			}
			if again := Terms(term); !slices.Equal(again, []string{term}) {
				t.Fatalf("Terms(%q) has term %q, whose terms are %q", s, term, again)
			}
		}
		if again := Terms(strings.Join(terms, " ")); !slices.Equal(again, terms) {
			t.Fatalf("Terms(%q) = %q, but the terms of those are %q", s, terms, again)
		}
	})
}

// FuzzSnippet checks that a snippet is cut from the words strings.Fields
// finds, on any input.
func FuzzSnippet(f *testing.F) {
	for _, s := range []string{"", " ", "a", "  two\twords \n", "no\u00a0break\u2003em space", "bad \xff byte ", "\u0085x\u3000y"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, max uint8) {
		want := clip(strings.Join(strings.Fields(s), " "), int(max))
		if got := snippet(s, int(max)); got != want {
			t.Fatalf("snippet(%q, %d) = %q; want %q", s, max, got, want)
		}
	})
}
