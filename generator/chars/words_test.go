package chars

import (
	"strings"
	"testing"
)

// FuzzWords checks Words against the words strings.Fields finds, on any
// input, whole and cut after max bytes.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"", " ", "a", "  two\twords \n", "no\u00a0break\u2003em space", "bad \xff byte ", "\u0085x\u3000y", "é  ü "} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, max uint8) {
		want := strings.Join(strings.Fields(s), " ")
		if got := Words(s, len(s)); got != want {
			t.Fatalf("Words(%q, %d) = %q; want %q", s, len(s), got, want)
		}
		got := Words(s, int(max))
		if !strings.HasPrefix(want, got) || got != want && (len(got) <= int(max) || want[len(got)] != ' ') {
			t.Fatalf("Words(%q, %d) = %q; want all of %q, or its words up to the first past %d bytes", s, max, got, want, max)
		}
	})
}
