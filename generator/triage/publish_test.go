package triage

import (
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/internal/testkit"
)

func TestUndraft(t *testing.T) {
	t.Parallel()
	at := testkit.Time(t, "2017-05-31T10:04:05.5+08:00")
	tests := []struct {
		name, src, want string
	}{
		{
			name: "dated: only draft changes, comments and order kept",
			src:  "---\n# from a feed\ntitle: \"A: b\"   # quoted\ndate: 2017-05-30\ndraft:   true # fetched\ntags: [a, b]\n---\n<!-- text -->\nBody, draft: true.\n",
			want: "---\n# from a feed\ntitle: \"A: b\"   # quoted\ndate: 2017-05-30\ndraft:   false # fetched\ntags: [a, b]\n---\n<!-- text -->\nBody, draft: true.\n",
		},
		{
			name: "undated: a date line above draft's",
			src:  "---\ntitle: A\ndraft: true\n---\nBody\n",
			want: "---\ntitle: A\ndate: 2017-05-31T10:04:05+08:00\ndraft: false\n---\nBody\n",
		},
		{
			name: "CRLF",
			src:  "---\r\ntitle: A\r\ndraft: True\r\n---\r\nBody\r\n",
			want: "---\r\ntitle: A\r\ndate: 2017-05-31T10:04:05+08:00\r\ndraft: false\r\n---\r\nBody\r\n",
		},
		{
			name: "empty date filled in, its comment kept",
			src:  "---\ntitle: Ça\ndate:   # when?\ndraft: true\n---\n",
			want: "---\ntitle: Ça\ndate: 2017-05-31T10:04:05+08:00   # when?\ndraft: false\n---\n",
		},
		{
			name: "null date replaced",
			src:  "---\ndate: ~\ntitle: x\ndraft: true\n---\n",
			want: "---\ndate: 2017-05-31T10:04:05+08:00\ntitle: x\ndraft: false\n---\n",
		},
		{
			name: "non-ASCII before the value",
			src:  "---\n\"dräft\": 1\ntitle: 北朝鮮\n{draft}: 2\ndraft: true\ndate: 2017-05-31\n---\n",
			want: "---\n\"dräft\": 1\ntitle: 北朝鮮\n{draft}: 2\ndraft: false\ndate: 2017-05-31\n---\n",
		},
		{
			name: "the value on the next line",
			src:  "---\ndate: 2017-05-31\ndraft:\n  true\n---\n",
			want: "---\ndate: 2017-05-31\ndraft:\n  false\n---\n",
		},
		{
			name: "blank lines and a byte-order mark before the block",
			src:  "\n\ufeff---\ndate: 2017-05-31\ndraft: true\n---\n",
			want: "\n\ufeff---\ndate: 2017-05-31\ndraft: false\n---\n",
		},
	}
	for _, tt := range tests {
		got, err := Undraft("a.md", []byte(tt.src), at)
		if err != nil {
			t.Errorf("%s: Undraft: %v", tt.name, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s: Undraft(%q) =\n%q; want\n%q", tt.name, tt.src, got, tt.want)
		}
	}
}

func TestUndraftRefuses(t *testing.T) {
	t.Parallel()
	at := testkit.Time(t, "2017-05-31T10:04:05Z")
	tests := []struct {
		src, want string
	}{
		{"---\ntitle: A\n---\n", "a.md: not a draft (no draft: true)"},
		{"---\ntitle: A\n\ndraft: false\n---\n", "a.md:4:8: not a draft (draft: false)"},
		{"---\ntitle: A\ndraft: \"true\"\n---\n", "a.md:3:8: not a draft (draft: true)"},
		{"---\ntitle: A\ndraft: !!bool true\n---\n", "a.md:3:8: draft: cannot edit this form of true; write draft: false by hand"},
		{"+++\ntitle = \"A\"\ndraft = true\n+++\n", "a.md:1:1: publish edits YAML front matter, between --- lines; set draft to false by hand"},
		{"---\ntitle: A\ndraft: true\n", "a.md:1:1: publish edits YAML front matter, between --- lines; set draft to false by hand"},
		{"---\n- a\n---\n", "a.md:2: front matter: want key: value pairs"},
	}
	for _, tt := range tests {
		_, err := Undraft("a.md", []byte(tt.src), at)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Undraft(%q) error = %v; want %s", tt.src, err, tt.want)
		}
	}
}

// FuzzUndraft checks that what Undraft returns is the draft published:
// it parses as the build reads it, dated and not a draft, and only the
// draft and date lines differ.
func FuzzUndraft(f *testing.F) {
	f.Add("---\ntitle: A\ndraft: true\n---\nBody\n")
	f.Add("---\ntitle: A\ndate: # x\ndraft: true # y\n---\n")
	f.Add("\ufeff---\r\n'draft': true\r\ntitle: \"x\"\r\ndate: 2017-05-31\r\n---\r\n")
	at := time.Date(2017, 5, 31, 10, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src string) {
		d, err := Parse("a.md", []byte(src), time.UTC)
		if err != nil || !d.Draft {
			return
		}
		out, err := Undraft("a.md", []byte(src), at)
		if err != nil {
			return
		}
		p, err := Parse("a.md", out, time.UTC)
		if err != nil {
			t.Fatalf("Undraft(%q) = %q, which does not parse: %v", src, out, err)
		}
		if p.Draft || !p.Dated {
			t.Fatalf("Undraft(%q) = %q: draft %t, dated %t", src, out, p.Draft, p.Dated)
		}
		if p.Title != d.Title || p.SourceURL != d.SourceURL || (d.Dated && !p.Date.Equal(d.Date)) {
			t.Fatalf("Undraft(%q) = %q changed a field", src, out)
		}
		if extra := strings.Count(string(out), "\n") - strings.Count(src, "\n"); extra != 0 && extra != 1 {
			t.Fatalf("Undraft(%q) = %q: %d lines more", src, out, extra)
		}
	})
}
