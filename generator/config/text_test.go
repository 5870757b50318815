package config

import (
	"testing"

	"github.com/digest/digest/generator/chars"
)

// TestCleanText checks that escapes in site.yaml cannot put characters
// into the site that no page or feed may hold.
func TestCleanText(t *testing.T) {
	c, err := Parse([]byte(`title: "T \e\0\x85\uFFFE"
description: "D \x01"
author: "A \x7f"
tag_aliases:
  "From \e": "To \e"
params:
  "key \e": ["v \e", {"k \e": "v \uFFFF"}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "T \ufffd\ufffd\ufffd\ufffd" {
		t.Errorf("title %q; want every escape replaced with U+FFFD", c.Title)
	}
	if c.TagAliases["From \ufffd"] != "To \ufffd" {
		t.Errorf("tag_aliases %q; want the escapes replaced", c.TagAliases)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if i, r, _ := chars.Find(v); i >= 0 {
				t.Errorf("%q holds %U", v, r)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				walk(k)
				walk(e)
			}
		}
	}
	walk([]any{c.Description, c.Author, c.Params})
	if len(c.Params) != 1 || c.Params["key \ufffd"] == nil {
		t.Errorf("params %q; want one key, cleaned", c.Params)
	}
}
