package sum

import (
	"hash/fnv"
	"testing"
)

// Vectors from the FNV reference test suite (draft-eastlake-fnv).
var vectors = []struct {
	in   string
	want uint64
	w32  uint32
}{
	{"", 0xcbf29ce484222325, 0x811c9dc5},
	{"a", 0xaf63dc4c8601ec8c, 0xe40c292c},
	{"foobar", 0x85944171f73967e8, 0xbf9cf968},
	{"chongo was here!\n", 0x46810940eff5f915, 0xd49930d5},
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		if got := String(v.in); got != v.want {
			t.Errorf("String(%q) = %#x; want %#x", v.in, got, v.want)
		}
		if got := Bytes([]byte(v.in)); got != v.want {
			t.Errorf("Bytes(%q) = %#x; want %#x", v.in, got, v.want)
		}
		if got := String32(v.in); got != v.w32 {
			t.Errorf("String32(%q) = %#x; want %#x", v.in, got, v.w32)
		}
	}
}

// TestIncremental checks that every way of adding the same bytes gives
// the hash hash/fnv gives for them all at once.
func TestIncremental(t *testing.T) {
	n := uint64(0x0807060504030201)
	h := New()
	h.AddString("ab")
	h.AddByte('c')
	h.AddBytes([]byte("de"))
	h.AddBytes(nil)
	h.AddString("")
	h.AddUint64(n)

	ref := fnv.New64a()
	ref.Write([]byte("abcde\x01\x02\x03\x04\x05\x06\x07\x08"))
	if got, want := h.Sum64(), ref.Sum64(); got != want {
		t.Errorf("incremental Sum64() = %#x; want %#x", got, want)
	}
}

// TestAgainstStdlib compares with hash/fnv over inputs of every byte
// value and several lengths.
func TestAgainstStdlib(t *testing.T) {
	var in []byte
	for i := range 600 {
		in = append(in, byte(i*7))
		ref := fnv.New64a()
		ref.Write(in)
		if got, want := Bytes(in), ref.Sum64(); got != want {
			t.Fatalf("Bytes(%d bytes) = %#x; want %#x", len(in), got, want)
		}
		ref32 := fnv.New32a()
		ref32.Write(in)
		if got, want := String32(string(in)), ref32.Sum32(); got != want {
			t.Fatalf("String32(%d bytes) = %#x; want %#x", len(in), got, want)
		}
	}
}

func TestAllocs(t *testing.T) {
	s := "a string of some length"
	allocs := testing.AllocsPerRun(100, func() {
		h := New()
		h.AddString(s)
		h.AddUint64(42)
		_ = h.Sum64()
	})
	if allocs != 0 {
		t.Errorf("hashing a string and a number allocates %v times; want 0", allocs)
	}
}
