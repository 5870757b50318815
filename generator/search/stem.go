package search

import (
	"strings"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

// stemmers are the Snowball stemmers by language code. A language without
// one (Arabic, German, Filipino, Japanese…) is searched by exact words.
var stemmers = map[string]func(string, bool) string{
	"en": english.Stem, "es": spanish.Stem, "fr": french.Stem, "hu": hungarian.Stem,
	"nb": norwegian.Stem, "nn": norwegian.Stem, "no": norwegian.Stem, "ru": russian.Stem, "sv": swedish.Stem,
}

// stemmer returns the stemmer of a site's language ("en", "en-GB") and
// the language it stems, or nil and "" when there is none.
//
// It stems terms, which are already folded: "élections" is stemmed as
// "elections". The query is never stemmed in the browser (search.js has
// no stemmer): the index maps each word to its stem, so the stemmer's
// rules live in one place and cannot drift between the two sides.
func stemmer(lang string) (func(string) string, string) {
	lang, _, _ = strings.Cut(strings.ToLower(lang), "-")
	stem := stemmers[lang]
	if stem == nil {
		return nil, ""
	}
	return func(t string) string {
		if !isLetters(t) {
			return t // "2017", "北", "g20": stemming would make nonsense of them
		}
		// Stop words keep their form: "was" is not "wa".
		s := stem(t, false)
		if s == "" {
			return t
		}
		return s
	}, lang
}

// isLetters tells whether t is made of letters only and is not written in
// a script of single-character terms.
func isLetters(t string) bool {
	for _, r := range t {
		if '0' <= r && r <= '9' || isCJK(r) {
			return false
		}
	}
	return true
}
