package feed

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"github.com/digest/digest/generator/spool"
)

// TestAbsoluteLinks checks that every relative URL of a body is made
// absolute from the article's URL, and that the rest is left byte for
// byte.
func TestAbsoluteLinks(t *testing.T) {
	base, _ := url.Parse("https://example.org/news/2017/05/31/envoy/")
	for _, tt := range []struct{ in, want string }{
		{`<p>no links &amp; <em>entities</em></p>`, `<p>no links &amp; <em>entities</em></p>`},
		{`<img src="map.png" alt="a &amp; b">`, `<img src="https://example.org/news/2017/05/31/envoy/map.png" alt="a &amp; b">`},
		{`<a href="docs/report.pdf">pdf</a>`, `<a href="https://example.org/news/2017/05/31/envoy/docs/report.pdf">pdf</a>`},
		{`<a href="./map.png">m</a>`, `<a href="https://example.org/news/2017/05/31/envoy/map.png">m</a>`},
		{`<a href="../../30/plain/">p</a>`, `<a href="https://example.org/news/2017/05/30/plain/">p</a>`},
		{`<a href="/news/tags/">t</a>`, `<a href="https://example.org/news/tags/">t</a>`},
		{`<a href="map.png?v=2#top">m</a>`, `<a href="https://example.org/news/2017/05/31/envoy/map.png?v=2#top">m</a>`},
		{`<a href="#fn-1">1</a>`, `<a href="#fn-1">1</a>`},
		{`<a href="https://other.example/x">x</a>`, `<a href="https://other.example/x">x</a>`},
		{`<a href="//cdn.example/x">x</a>`, `<a href="//cdn.example/x">x</a>`},
		{`<a href="mailto:a@example.org">m</a>`, `<a href="mailto:a@example.org">m</a>`},
		{`<img srcset="a.png 1x, /b.png 2x">`, `<img srcset="https://example.org/news/2017/05/31/envoy/a.png 1x, https://example.org/b.png 2x">`},
		{`<video poster="p.jpg"></video>`, `<video poster="https://example.org/news/2017/05/31/envoy/p.jpg"></video>`},
		{"<pre><code>&lt;a href=&quot;x.png&quot;&gt;\n</code></pre>", "<pre><code>&lt;a href=&quot;x.png&quot;&gt;\n</code></pre>"},
		{`<p>src= in text <a href="x">x</a></p>`, `<p>src= in text <a href="https://example.org/news/2017/05/31/envoy/x">x</a></p>`},
		{`<a HREF = 'x'>x</a> <A href="https://example.org/">`, `<a href="https://example.org/news/2017/05/31/envoy/x">x</a> <A href="https://example.org/">`},
		// A tag the body ends in is no tag yet: kept as it is.
		{`<p>x</p><a href="y`, `<p>x</p><a href="y`},
		{`<a href="y">y</a><img src="z.png" alt="z`, `<a href="https://example.org/news/2017/05/31/envoy/y">y</a><img src="z.png" alt="z`},
	} {
		if got := AbsoluteLinks(tt.in, base); got != tt.want {
			t.Errorf("AbsoluteLinks(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestFeedContentAbsolute reads each format as a feed reader does and
// checks that the body of an article folder's article links to its files
// and to the site with absolute URLs, the article's non-ASCII path
// percent-encoded.
func TestFeedContentAbsolute(t *testing.T) {
	s := testSite(t)
	a := s.Articles[2] // /news/2017/05/10/café-diplomacy/
	a.HTML = spool.Mem(`<p><img src="map.png" alt="map"> <a href="docs/r.pdf">pdf</a> <a href="/news/tags/">tags</a></p>`)
	dir := base + "2017/05/10/caf%C3%A9-diplomacy/"
	want := []string{`src="` + dir + `map.png"`, `href="` + dir + `docs/r.pdf"`, `href="` + base + `tags/"`}
	for _, r := range renderers {
		t.Run(r.file, func(t *testing.T) {
			f, err := gofeed.NewParser().Parse(bytes.NewReader(render(t, s, homeChannel(s, "/"+r.file), r.render)))
			if err != nil {
				t.Fatal(err)
			}
			got := f.Items[2].Content
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("content %q lacks %s", got, w)
				}
			}
		})
	}
}

// FuzzAbsoluteLinks checks, on any HTML, that making links absolute keeps
// the text, and that a second pass changes nothing: every URL it leaves is
// absolute, a fragment, or no URL.
func FuzzAbsoluteLinks(f *testing.F) {
	for _, s := range []string{
		`<p><img src="map.png" alt="x"> <a href="docs/r.pdf">r</a></p>`,
		`<a href="#fn">1</a><a href="//h/x">x</a><img srcset="a.png 1x, b.png 2x">`,
		`<a href=x>unquoted</a><a href="  ../y ">spaces</a><script>var s="<a href='z'>"</script>`,
		"<pre><code>&lt;a href=&quot;x&quot;&gt;</code></pre>",
	} {
		f.Add(s)
	}
	base, _ := url.Parse("https://example.org/news/2017/05/31/envoy/")
	f.Fuzz(func(t *testing.T, body string) {
		once := AbsoluteLinks(body, base)
		if twice := AbsoluteLinks(once, base); twice != once {
			t.Errorf("a second pass changed the body:\n%q\n%q", once, twice)
		}
		if got, want := text(once), text(body); got != want {
			t.Errorf("the text changed: %q, was %q", got, want)
		}
	})
}

// FuzzAbsoluteOnly checks that a body absoluteOnly passes is one that
// tokenizing leaves as it is.
func FuzzAbsoluteOnly(f *testing.F) {
	for _, s := range []string{
		`<p><a href="https://x.org/a?b=c&amp;d">a</a> <img src='http://y/z.png' alt="q=1"></p>`,
		`<a HREF = "https://x">x</a><a xhref="y">`, `<a href="https://x"><a href=y>`, `<img srcset="https://a 1x">`,
		`<a href=" https://x">`, `<a href="https://x`, `<p>x = y, src = "z"</p>`, `<a href="javascript:x">`,
		`<a title="href=" href="x">`, `<a href="https://x" title='src="y'>`,
		`<img src="map.png">`, `<video poster="p.jpg"></video>`, `<a href="../x/">`,
	} {
		f.Add(s)
	}
	base, _ := url.Parse("https://example.org/news/2017/05/31/envoy/")
	f.Fuzz(func(t *testing.T, body string) {
		if absoluteOnly(body) {
			if got := absoluteLinks(body, base); got != body {
				t.Errorf("absoluteOnly(%q), but tokenizing gives %q", body, got)
			}
		}
	})
}

// text is the text of an HTML fragment, as the tokenizer reads it.
func text(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt == html.TextToken {
			b.Write(z.Text())
		}
	}
	return b.String()
}
