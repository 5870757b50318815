package render

// hasher is FNV-1a, for page signatures and the template files' sums,
// written out so that hashing strings allocates nothing: a rebuild signs
// every page of the site. The values are kept in the build state, so the
// hash must not change.
type hasher uint64

func newHasher() *hasher {
	h := hasher(14695981039346656037)
	return &h
}

func (h *hasher) byte(b byte) {
	*h = (*h ^ hasher(b)) * 1099511628211
}

// str writes strings, each ended so that "ab","c" and "a","bc" differ.
func str(h *hasher, ss ...string) {
	for _, s := range ss {
		for i := 0; i < len(s); i++ {
			h.byte(s[i])
		}
		h.byte(0xff) // never in UTF-8
	}
}

func num(h *hasher, ns ...uint64) {
	for _, n := range ns {
		for range 8 {
			h.byte(byte(n))
			n >>= 8
		}
	}
}

func (h *hasher) sum() uint64 { return uint64(*h) }
