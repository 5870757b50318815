package diag

import "testing"

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"title", "title", 0},
		{"tittle", "title", 1},
		{"imgae", "image", 1},
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // optimal string alignment, not full Damerau
		{"udpated", "updated", 1},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"quiet", "verbose", "base-url", "drafts", "s", "o"}
	for _, tt := range []struct{ word, want string }{
		{"quite", "quiet"},
		{"verbos", "verbose"},
		{"baseurl", "base-url"},
		{"base_url", "base-url"},
		{"draft", "drafts"},
		{"x", ""},
		{"output", ""},
	} {
		if got := Suggest(tt.word, known); got != tt.want {
			t.Errorf("Suggest(%q) = %q; want %q", tt.word, got, tt.want)
		}
	}
}
