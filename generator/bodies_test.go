package generator

import (
	"strings"
	"testing"
)

// TestBodyEncoding checks that a body and its summary kept in the disk
// caches read back as they were, and that a value too short for its
// length misses.
func TestBodyEncoding(t *testing.T) {
	for _, b := range []struct{ html, summary string }{
		{"", ""},
		{"<p>one</p>\n", "one"},
		{"<p>Zürich — 東京</p>\n", ""},
		{"", "only a summary"},
		{strings.Repeat("<p>long</p>", 500), "long"},
	} {
		html, summary, ok := decodeBody(encodeBody(b.html, b.summary))
		if !ok || html != b.html || summary != b.summary {
			t.Errorf("decodeBody(encodeBody(%.30q, %q)) = %.30q, %q, %t", b.html, b.summary, html, summary, ok)
		}
		n, summary, ok := decodeSummary(encodeSummary(len(b.html), b.summary))
		if !ok || n != len(b.html) || summary != b.summary {
			t.Errorf("decodeSummary(encodeSummary(%d, %q)) = %d, %q, %t", len(b.html), b.summary, n, summary, ok)
		}
	}
	for _, data := range [][]byte{nil, {0x80}, {5, 'a', 'b'}} {
		if html, summary, ok := decodeBody(data); ok {
			t.Errorf("decodeBody(%q) = %q, %q; want a miss", data, html, summary)
		}
	}
	for _, data := range [][]byte{nil, {0x80}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		if n, summary, ok := decodeSummary(data); ok {
			t.Errorf("decodeSummary(%q) = %d, %q; want a miss", data, n, summary)
		}
	}
}
