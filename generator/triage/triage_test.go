package triage

import (
	"slices"
	"testing"
	"testing/fstest"
	"time"
)

func TestInbox(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	site := fstest.MapFS{
		"content/inbox/undated-b.md":  file("---\ntitle: B\ndraft: true\n---\n"),
		"content/inbox/undated-a.md":  file("---\ntitle: A\ndraft: true\n---\n"),
		"content/inbox/old.md":        file("---\ntitle: Old\ndate: 2017-05-30\ndraft: true\n---\n"),
		"content/inbox/new.md":        file("---\ntitle: New\ndate: 2017-05-31T10:00:00+08:00\ndraft: true\n---\n"),
		"content/inbox/sub/same.md":   file("---\ntitle: Same\ndate: 2017-05-31T02:00:00Z\ndraft: true\n---\n"),
		"content/inbox/kept.md":       file("---\ntitle: Kept\ndate: 2017-05-31\n---\n"),
		"content/inbox/broken.md":     file("---\ntitle: [\ndraft: true\n---\n"),
		"content/inbox/bad-date.md":   file("---\ntitle: X\ndate: May 31st\ndraft: true\n---\n"),
		"content/inbox/_hidden.md":    file("not even front matter"),
		"content/inbox/.git/x.md":     file("not even front matter"),
		"content/inbox/notes.txt":     file("not Markdown"),
		"content/2017/05/draft.md":    file("---\ntitle: Elsewhere\ndate: 2017-05-31\ndraft: true\n---\n"),
		"content/inbox/map/index.md":  file("---\ntitle: Folder\ndate: 2017-05-29\ndraft: true\n---\n"),
		"content/inbox/map/photo.png": file("png"),
	}
	l, err := Inbox(site, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range l.Drafts {
		got = append(got, d.File)
	}
	want := []string{"content/inbox/new.md", "content/inbox/sub/same.md", "content/inbox/old.md",
		"content/inbox/map/index.md", "content/inbox/undated-a.md", "content/inbox/undated-b.md"}
	if !slices.Equal(got, want) {
		t.Errorf("Inbox drafts = %q; want %q", got, want)
	}
	if want := []string{"content/inbox/kept.md"}; !slices.Equal(l.Published, want) {
		t.Errorf("Inbox published = %q; want %q", l.Published, want)
	}
	wantProblems := "content/inbox/bad-date.md:3:7: date: cannot read \"May 31st\" (want 2006-01-02 or RFC 3339)\n" +
		"content/inbox/broken.md:2: front matter: did not find expected ',' or ']'"
	if got := l.Problems.Error(); got != wantProblems {
		t.Errorf("Inbox problems =\n%s\nwant\n%s", got, wantProblems)
	}

	empty, err := Inbox(fstest.MapFS{"content/a.md": file("x")}, time.UTC)
	if err != nil || len(empty.Drafts)+len(empty.Published)+len(empty.Problems) > 0 {
		t.Errorf("Inbox of a site without content/inbox = %+v, %v; want nothing", empty, err)
	}
}
