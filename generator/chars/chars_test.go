package chars

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile holds one of every kind of character Clean must replace.
var hostile = []string{
	"\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f",
	"\u0080", "\u0085", "\u009b", "\u009f",
	"\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff",
	"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
}

func TestClean(t *testing.T) {
	for _, bad := range hostile {
		in := "a" + bad + "b"
		got := Clean(in)
		// An invalid sequence may stand for more than one replacement.
		if !strings.HasPrefix(got, "a\ufffd") || !strings.HasSuffix(got, "\ufffdb") || strings.Trim(got[1:len(got)-1], "\ufffd") != "" {
			t.Errorf("Clean(%q) = %q; want a, U+FFFD, b", in, got)
		}
		if i, _, _ := Find(in); i != 1 {
			t.Errorf("Find(%q) = %d; want 1", in, i)
		}
		if got := string(CleanBytes([]byte(in))); got != Clean(in) {
			t.Errorf("CleanBytes(%q) = %q; want %q", in, got, Clean(in))
		}
	}
	for _, good := range []string{
		"", "plain", "tab\tline\nreturn\r", "~\u00a0é北京\ufffd\ufffc\ufeff\U0001f600\ufdcf\ufdf0\ufffd",
	} {
		if got := Clean(good); got != good {
			t.Errorf("Clean(%q) = %q; want it unchanged", good, got)
		}
		if i, r, _ := Find(good); i != -1 {
			t.Errorf("Find(%q) = %d, %q; want -1", good, i, r)
		}
		if b := []byte(good); len(b) > 0 && &CleanBytes(b)[0] != &b[0] {
			t.Errorf("CleanBytes(%q) copied clean text", good)
		}
	}
}

func TestFindInvalid(t *testing.T) {
	if i, r, n := FindBytes([]byte("ok\xffno")); i != 2 || r != utf8.RuneError || n != 1 {
		t.Errorf("FindBytes = %d, %q, %d; want 2, U+FFFD, 1", i, r, n)
	}
	if i, r, n := Find("ok\ufffe"); i != 2 || r != 0xfffe || n != 3 {
		t.Errorf("Find = %d, %q, %d; want 2, U+FFFE, 3", i, r, n)
	}
}

// FuzzClean checks the contract on any input: the result is valid UTF-8
// without a Bad rune, cleaning it again changes nothing, clean input is
// returned unchanged, and Find agrees with Clean.
func FuzzClean(f *testing.F) {
	for _, s := range hostile {
		f.Add("x" + s + "y")
	}
	f.Add("plain ascii")
	f.Add("北京\ufffd")
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Clean(%q) = %q; not UTF-8", s, got)
		}
		for _, r := range got {
			if Bad(r) {
				t.Fatalf("Clean(%q) = %q; holds %U", s, got, r)
			}
		}
		if again := Clean(got); again != got {
			t.Fatalf("Clean(Clean(%q)) = %q; want %q", s, again, got)
		}
		i, _, _ := Find(s)
		if want := firstBadRune(s); i != want {
			t.Fatalf("Find(%q) = %d; the first bad rune is at %d", s, i, want)
		}
		if (i < 0) != (got == s) {
			t.Fatalf("Find(%q) = %d but Clean gives %q", s, i, got)
		}
		if i >= 0 && got[:i] != s[:i] {
			t.Fatalf("Clean(%q) = %q changes text before %d", s, got, i)
		}
	})
}

// firstBadRune is where Find should stop, found rune by rune.
func firstBadRune(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || Bad(r) {
			return i
		}
		i += n
	}
	return -1
}

// TestPrintable checks printable on words that hold each byte value at
// each place, among printable bytes.
func TestPrintable(t *testing.T) {
	for c := range 256 {
		for place := range 8 {
			b := []byte("abcdefgh")
			b[place] = byte(c)
			w := uint64(0)
			for i := range 8 {
				w |= uint64(b[i]) << (8 * i)
			}
			if want := c >= 0x20 && c <= 0x7e; printable(w) != want {
				t.Errorf("printable(%q) = %v; want %v", b, printable(w), want)
			}
		}
	}
}

// BenchmarkFind looks through a clean page of news text, mostly ASCII
// with typographic quotes, as every body and feed item is looked through.
func BenchmarkFind(b *testing.B) {
	s := strings.Repeat("Ministers in France signed the subsidy quietly. “We extended the review,” Diego told reporters.\n", 40)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if i, _, _ := Find(s); i >= 0 {
			b.Fatal(i)
		}
	}
}
