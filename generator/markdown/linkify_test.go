package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// FuzzGFM checks that gfm, whose linkify parser is asked only where a
// link may start, renders every document as goldmark's GFM does.
func FuzzGFM(f *testing.F) {
	docs, _ := filepath.Glob("testdata/*.md")
	for _, doc := range docs {
		src, err := os.ReadFile(doc)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		"mail a@b.co or www.x.org, then https://x.org/a_(b) and ftp://x/y.",
		"> * (www.x.org) *http://a.b* _c@d.ef_ ~https://g.h~\n>   in a list: x@y.z.\n",
		"| a | b@c.de |\n| - | - |\n| http://x.y | www.z |\n",
		"[www.x.org](http://y) [a@b.cd] `http://code` <http://auto>\n\n\thttp://indented\n",
		"line http:\nhttps:\nwww.\n@\nx@y\n",
	} {
		f.Add([]byte(s))
	}
	ours := goldmark.New(goldmark.WithExtensions(gfm, extension.Footnote, extension.Typographer))
	theirs := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer))
	f.Fuzz(func(t *testing.T, src []byte) {
		var got, want bytes.Buffer
		if err := ours.Convert(src, &got); err != nil {
			t.Fatal(err)
		}
		if err := theirs.Convert(src, &want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("gfm renders %q as\n%s\nextension.GFM as\n%s", src, got.Bytes(), want.Bytes())
		}
	})
}
