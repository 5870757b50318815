// Package sum is the one non-cryptographic hash of digest: FNV-1a. It
// summarises a file's bytes, a page's inputs, a model's key and a long
// slug, so that a later build can tell what changed without keeping the
// things themselves.
//
// The values are part of what digest writes and keeps: slug suffixes are
// in URLs, and signatures and file sums are in the build state. They must
// never change, so this package writes FNV-1a out by its published
// constants and its tests check it against known vectors and hash/fnv.
//
// Hash is incremental and allocates nothing, so a caller can hash many
// strings and numbers without building a byte slice of them.
package sum

const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
	offset32 = 2166136261
	prime32  = 16777619
)

// Hash is a running 64-bit FNV-1a hash. Start one with New; the zero
// value is not the FNV-1a of nothing.
type Hash uint64

// New returns the hash of no bytes.
func New() Hash { return offset64 }

// AddByte adds one byte.
func (h *Hash) AddByte(b byte) {
	*h = (*h ^ Hash(b)) * prime64
}

// AddBytes adds the bytes of b.
func (h *Hash) AddBytes(b []byte) {
	x := *h
	for _, c := range b {
		x = (x ^ Hash(c)) * prime64
	}
	*h = x
}

// AddString adds the bytes of s, as AddBytes([]byte(s)) would, without
// copying them.
func (h *Hash) AddString(s string) {
	x := *h
	for i := 0; i < len(s); i++ {
		x = (x ^ Hash(s[i])) * prime64
	}
	*h = x
}

// AddUint64 adds n as 8 bytes, least significant first.
func (h *Hash) AddUint64(n uint64) {
	x := *h
	for range 8 {
		x = (x ^ Hash(byte(n))) * prime64
		n >>= 8
	}
	*h = x
}

// Sum64 returns the hash of the bytes added so far.
func (h Hash) Sum64() uint64 { return uint64(h) }

// Bytes returns the 64-bit FNV-1a hash of b.
func Bytes(b []byte) uint64 {
	h := New()
	h.AddBytes(b)
	return h.Sum64()
}

// String returns the 64-bit FNV-1a hash of s.
func String(s string) uint64 {
	h := New()
	h.AddString(s)
	return h.Sum64()
}

// String32 returns the 32-bit FNV-1a hash of s. It is a hash of the same
// family with its own constants, not a fold of the 64-bit one: it makes
// the suffix of a shortened slug, which is in published URLs, so it
// stays what it has been.
func String32(s string) uint32 {
	h := uint32(offset32)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * prime32
	}
	return h
}
