package render

import "github.com/digest/digest/generator/internal/sum"

// Page signatures and the template files' sums are FNV-1a (package sum),
// written through str and num. The values are kept in the build state.

// newHash starts a hash for str and num to write into.
func newHash() *sum.Hash {
	h := sum.New()
	return &h
}

// str writes strings, each ended so that "ab","c" and "a","bc" differ.
func str(h *sum.Hash, ss ...string) {
	for _, s := range ss {
		h.AddString(s)
		h.AddByte(0xff) // never in UTF-8
	}
}

func num(h *sum.Hash, ns ...uint64) {
	for _, n := range ns {
		h.AddUint64(n)
	}
}
