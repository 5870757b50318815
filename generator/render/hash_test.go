package render

import (
	"hash/fnv"
	"testing"
)

// TestHasherIsFNV1a checks hasher against hash/fnv: signatures are kept
// in the build state, so the hash must stay the one it has been.
func TestHasherIsFNV1a(t *testing.T) {
	for _, s := range []string{"", "a", "digest", "Tag 1\x00ü"} {
		h := newHasher()
		for i := 0; i < len(s); i++ {
			h.byte(s[i])
		}
		want := fnv.New64a()
		want.Write([]byte(s))
		if h.sum() != want.Sum64() {
			t.Errorf("hasher(%q) = %#x; want %#x", s, h.sum(), want.Sum64())
		}
	}
}
