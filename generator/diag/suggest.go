package diag

import "strings"

// Suggest returns the word of known that word is probably a misspelling
// of, for a "did you mean" hint, or "": the same letters without
// separators or case, or at most one edit away (two for words of six
// letters or more, and never all of a word's letters).
func Suggest(word string, known []string) string {
	norm := func(s string) string { return separators.Replace(strings.ToLower(s)) }
	w := norm(word)
	for _, k := range known {
		if norm(k) == w {
			return k
		}
	}
	best, bestDist := "", 3
	for _, k := range known {
		limit := 1
		if len(k) >= 6 {
			limit = 2
		}
		// A word all of whose letters must change is not a misspelling.
		if dist := editDistance(strings.ToLower(word), k); dist <= limit && dist < bestDist && dist < len(k) {
			best, bestDist = k, dist
		}
	}
	return best
}

// separators are what Suggest ignores in a key, besides case.
var separators = strings.NewReplacer("_", "", "-", "", " ", "")

// editDistance is the number of single-byte insertions, deletions,
// substitutions and swaps of neighbours that turn a into b (the optimal
// string alignment distance), so "imgae" is one edit from "image".
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
