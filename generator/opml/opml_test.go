package opml

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

func TestReadExport(t *testing.T) {
	f, err := os.Open("testdata/reader-export.opml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Read("reader-export.opml", f)
	if err != nil {
		t.Fatal(err)
	}
	want := &List{Title: "My subscriptions in Reader", Feeds: []Feed{
		{Title: "BBC News - World", URL: "https://feeds.bbci.co.uk/news/world/rss.xml", Site: "https://www.bbc.co.uk/news/world",
			Categories: []string{"News/World"}, Line: 12},
		{Title: "Al Jazeera – English", URL: "https://www.aljazeera.com/xml/rss/all.xml", Categories: []string{"News/World"}, Line: 13},
		{Title: "Reuters", URL: "https://www.reutersagency.com/feed/", Categories: []string{"News", "Wires", "Daily"}, Line: 15},
		{Title: "The Go Blog", URL: "https://go.dev/blog/feed.atom", Site: "https://go.dev/blog", Categories: []string{"Go & tools"}, Line: 18},
		{Title: "Loose feed", URL: "https://example.org/feed.xml", Line: 20},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read(reader-export.opml) =\n%+v\nwant\n%+v", got, want)
	}
}

func TestRead(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Feed
	}{
		{"empty body", `<opml version="2.0"><head/><body/></opml>`, nil},
		{"no body", `<opml version="2.0"></opml>`, nil},
		{"text without title", `<opml><body><outline text="A" xmlUrl="https://a.example/f"/></body></opml>`,
			[]Feed{{Title: "A", URL: "https://a.example/f", Line: 1}}},
		{"title over text", `<opml><body><outline text="a" title="A" xmlUrl="https://a.example/f"/></body></opml>`,
			[]Feed{{Title: "A", URL: "https://a.example/f", Line: 1}}},
		{"upper-case element names", `<OPML><BODY><OUTLINE TEXT="A" XMLURL="https://a.example/f"/></BODY></OPML>`,
			[]Feed{{Title: "A", URL: "https://a.example/f", Line: 1}}},
		{"outlines in head are not feeds", `<opml><head><outline xmlUrl="https://a.example/f"/></head></opml>`, nil},
		{"a folder name with a slash", "<opml><body>\n<outline text='AC/DC, fans'><outline text='A' xmlUrl='https://a.example/f'/></outline></body></opml>",
			[]Feed{{Title: "A", URL: "https://a.example/f", Categories: []string{"AC DC  fans"}, Line: 2}}},
		{"a feed holding an outline", `<opml><body><outline text="A" xmlUrl="https://a.example/f"><outline text="B" xmlUrl="https://b.example/f"/></outline><outline text="C" xmlUrl="https://c.example/f"/></body></opml>`,
			[]Feed{{Title: "A", URL: "https://a.example/f", Line: 1}, {Title: "B", URL: "https://b.example/f", Categories: []string{"A"}, Line: 1},
				{Title: "C", URL: "https://c.example/f", Line: 1}}},
		{"latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml><body><outline text=\"Caf\xe9\" xmlUrl=\"https://a.example/f\"/></body></opml>",
			[]Feed{{Title: "Café", URL: "https://a.example/f", Line: 1}}},
	}
	for _, tt := range tests {
		got, err := Read("f.opml", strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("%s: Read: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got.Feeds, tt.want) {
			t.Errorf("%s: Read(%q) = %+v; want %+v", tt.name, tt.in, got.Feeds, tt.want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "f.opml:1:1: not an OPML file: it has no <opml> element"},
		{"<rss version=\"2.0\"><channel/></rss>", "f.opml:1:20: not an OPML file: its root is <rss>, not <opml>"},
		{"<opml>\n<body>\n<outline text=\"A\" xmlUrl=\"https://a.example/f\">\n</body>\n</opml>",
			"f.opml:4: not well-formed OPML: element <outline> closed by </body>"},
		{"<opml>\n<body>\n<outline text=\"A & B\" xmlUrl=\"https://a.example/f\"/>", "f.opml:3: not well-formed OPML: invalid character entity & (no semicolon)"},
		{"<opml>\n<body>\n", "f.opml:3: not well-formed OPML: unexpected EOF"},
		{"<?xml version=\"1.0\" encoding=\"EBCDIC-nonsense\"?><opml/>", "f.opml:1:49: xml: opening charset \"EBCDIC-nonsense\": unsupported charset: \"EBCDIC-nonsense\""},
	}
	for _, tt := range tests {
		got, err := Read("f.opml", strings.NewReader(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Read(%q) = %+v, %v; want error %q", tt.in, got, err, tt.want)
		}
	}
}

func TestWrite(t *testing.T) {
	l := &List{Title: "Subscriptions of The Weekly Digest", Feeds: []Feed{
		{Title: "BBC News - World", URL: "https://feeds.bbci.co.uk/news/world/rss.xml", Site: "https://www.bbc.co.uk/news/world",
			Categories: []string{"News/World"}},
		{Title: `Tom & Jerry's "Gazette" <weekly>`, URL: "https://example.org/feed?a=1&b=2", Categories: []string{"News", "Daily"}},
		{URL: "https://example.net/atom.xml"},
	}}
	var b bytes.Buffer
	if err := Write(&b, l); err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, "testdata/write.opml", b.Bytes())
	back, err := Read("write.opml", &b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range back.Feeds {
		back.Feeds[i].Line = 0
	}
	if !reflect.DeepEqual(back, l) {
		t.Errorf("Read(Write(l)) = %+v; want %+v", back, l)
	}
}

func TestWriteEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, &List{Title: "Subscriptions"}); err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, "testdata/empty.opml", b.Bytes())
}

// FuzzRead checks that Read never panics, and that what it reads is read
// back the same once written.
func FuzzRead(f *testing.F) {
	seed, err := os.ReadFile("testdata/reader-export.opml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add(`<opml><body><outline text="a/b,c" category="/x,/y/z" xmlUrl="u"/></body></opml>`)
	f.Add(`<opml><body><outline><outline><outline xmlUrl="u"/>`)
	f.Fuzz(func(t *testing.T, in string) {
		l, err := Read("f.opml", strings.NewReader(in))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := Write(&b, l); err != nil {
			return // a title with characters XML cannot hold
		}
		back, err := Read("f.opml", &b)
		if err != nil {
			t.Fatalf("Read(Write(Read(%q))): %v\n%s", in, err, b.Bytes())
		}
		for i := range back.Feeds {
			back.Feeds[i].Line = l.Feeds[i].Line
		}
		if !reflect.DeepEqual(back, l) {
			t.Errorf("Read(%q) = %+v, but once written and read again = %+v", in, l, back)
		}
	})
}
