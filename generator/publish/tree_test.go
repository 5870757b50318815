package publish

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestFolderTree checks folderTree against the tree made name by name,
// on names that share prefixes in every way the order of names can
// mix up (a-b sorts before a/b, a0 after it), in order and not.
func TestFolderTree(t *testing.T) {
	parts := []string{"a", "a-b", "a0", "b", "a.b", "ab"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		set := map[string]bool{}
		for range rng.IntN(30) + 1 {
			var elems []string
			for range rng.IntN(4) + 1 {
				elems = append(elems, parts[rng.IntN(len(parts))])
			}
			name := strings.Join(elems, "/")
			if rng.IntN(5) == 0 {
				name += "/" // an empty folder
			}
			set[name] = true
		}
		names := slices.Sorted(maps.Keys(set))
		want := map[string][]string{}
		seen := map[string]bool{}
		for _, name := range names {
			dir, ok := strings.CutSuffix(name, "/")
			if !ok {
				dir = parentDir(name)
			}
			for ; dir != "." && !seen[dir]; dir = parentDir(dir) {
				seen[dir] = true
				want[parentDir(dir)] = append(want[parentDir(dir)], dir)
			}
		}
		for _, list := range want {
			slices.Sort(list)
		}
		if round%2 == 1 {
			rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		}
		got := folderTree(names).subs
		for _, list := range got {
			slices.Sort(list)
		}
		if !maps.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("names %q:\ngot  %q\nwant %q", names, got, want)
		}
	}
}
