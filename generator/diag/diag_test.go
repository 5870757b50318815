package diag

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestError(t *testing.T) {
	for _, tt := range []struct {
		d    *Diagnostic
		want string
	}{
		{Errorf("content/2017/envoy.md", 3, 7, "date: cannot read %q (want 2006-01-02 or RFC 3339)", "May 31st"),
			`content/2017/envoy.md:3:7: date: cannot read "May 31st" (want 2006-01-02 or RFC 3339)`},
		{Errorf("site.yaml", 2, 0, "unknown key %q", "page_sise"), `site.yaml:2: unknown key "page_sise"`},
		{Errorf("content/a.md", 0, 0, "no front matter"), "content/a.md: no front matter"},
		{Errorf("content/a.md", 0, 5, "x"), "content/a.md: x"}, // a column without a line means nothing
		{Errorf("a.md", 1, 1, "100%% sure"), "a.md:1:1: 100% sure"},
		// Printing an error cannot drive the terminal.
		{Errorf("content/\x1b[2J.md", 1, 1, "title \x1b]0;x\x07 %s", "\x9b1m"), "content/\ufffd[2J.md:1:1: title \ufffd]0;x\ufffd \ufffd1m"},
		{Errorf("content/a\xffb.md", 1, 1, "x"), "content/a\ufffdb.md:1:1: x"},
	} {
		if got := tt.d.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
}

func TestListAdd(t *testing.T) {
	var l List
	l.Add("ignored.md", nil)
	if l.Err() != nil {
		t.Fatalf("Add(nil) added %v", l)
	}

	l.Add("ignored.md", Errorf("b.md", 2, 0, "two"))
	l.Add("ignored.md", List{Errorf("a.md", 1, 0, "one"), Errorf("c.md", 0, 0, "three")})
	l.Add("ignored.md", fmt.Errorf("wrapped: %w", Errorf("d.md", 4, 1, "four")))
	l.Add("e.md", fs.ErrNotExist)
	want := "b.md:2: two\na.md:1: one\nc.md: three\nd.md:4:1: four\ne.md: file does not exist"
	if got := l.Error(); got != want {
		t.Errorf("after Add:\n%s\nwant:\n%s", got, want)
	}
}

func TestListSort(t *testing.T) {
	l := List{
		Errorf("content/b.md", 1, 0, "b1"),
		Errorf("content/a.md", 10, 2, "a10:2"),
		Errorf("content/a.md", 2, 0, "a2"),
		Errorf("content/a.md", 10, 1, "a10:1"),
		Errorf("content/a.md", 0, 0, "a"),
		Errorf("content/a.md", 2, 0, "a2 again"),
		Errorf("content/2017/z.md", 3, 0, "z"),
		Errorf("site.yaml", 1, 0, "site"),
	}
	err := l.Err()
	want := "content/2017/z.md:3: z\n" +
		"content/a.md: a\n" +
		"content/a.md:2: a2\n" +
		"content/a.md:2: a2 again\n" + // stable: equal places keep their order
		"content/a.md:10:1: a10:1\n" +
		"content/a.md:10:2: a10:2\n" +
		"content/b.md:1: b1\n" +
		"site.yaml:1: site"
	if err == nil || err.Error() != want {
		t.Errorf("Err():\n%v\nwant:\n%s", err, want)
	}
	var list List
	if !errors.As(err, &list) || len(list) != 8 {
		t.Errorf("Err() is a %T; want the List", err)
	}
}

func TestListErrNil(t *testing.T) {
	var l List
	if err := l.Err(); err != nil {
		t.Errorf("empty List.Err() = %v; want nil", err)
	}
	if err := (List{}).Err(); err != nil {
		t.Errorf("List{}.Err() = %v; want nil", err)
	}
}
