package markdown

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/digest/digest/generator/chars"
	"github.com/digest/digest/internal/testkit"
)

// unsafeDocs are the testdata documents also rendered with unsafe_html,
// into NAME.unsafe.html.
var unsafeDocs = map[string]bool{"raw-html": true, "real-html": true}

// TestGolden renders every testdata/NAME.md and compares the HTML with
// testdata/NAME.html; go test -update rewrites the golden files.
func TestGolden(t *testing.T) {
	docs, err := filepath.Glob("testdata/*.md")
	if err != nil || len(docs) == 0 {
		t.Fatalf("no documents in testdata (%v)", err)
	}
	for _, doc := range docs {
		name := strings.TrimSuffix(filepath.Base(doc), ".md")
		src, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		testkit.Golden(t, "testdata/"+name+".html", []byte(New(false, "/").Render(src).HTML))
		if unsafeDocs[name] {
			testkit.Golden(t, "testdata/"+name+".unsafe.html", []byte(New(true, "/").Render(src).HTML))
		}
	}
}

// TestFeatures checks, apart from the golden files, that each promised
// feature shows in the output, so a golden file refreshed by mistake does
// not hide a lost one.
func TestFeatures(t *testing.T) {
	src, err := os.ReadFile("testdata/gfm.md")
	if err != nil {
		t.Fatal(err)
	}
	out := string(New(false, "/").Render(src).HTML)
	for _, tt := range []struct{ feature, want string }{
		{"table", `<th style="text-align:right">Tests</th>`},
		{"strikethrough", "<del>and more</del>"},
		{"autolink", `<a href="https://example.org/raw">https://example.org/raw</a>`},
		{"bare URL", `<a href="https://example.org/bare">https://example.org/bare</a>`},
		{"www link", `<a href="http://www.example.org">www.example.org</a>`},
		{"task list", `<li><input checked="" disabled="" type="checkbox"> read the report</li>`},
		{"footnote reference", `<a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a>`},
		{"footnote", `<li id="fn:1">`},
		{"typographic quotes", "The week in &ldquo;review&rdquo;"},
		{"apostrophe", "It&rsquo;s"},
		{"dashes", "the plan &ndash; announced on Monday &mdash; is"},
		{"ellipsis", "&hellip;"},
		{"heading ID", `<h2 id="tables">`},
		{"repeated heading ID", `<h3 id="heading-ids-1">`},
		{"Unicode heading ID", `<h3 id="société-générale-co">`},
		{"safe link kept", `<a href="/2017/05/31/envoy/" title="Envoy">fine</a>`},
		{"code highlighted", `<pre class="chroma"><code><span class="line"><span class="cl"><span class="nx">fmt</span>`},
		{"code escaped", `<span class="s">&#34;&lt;b&gt;code&lt;/b&gt;&#34;</span>`},
	} {
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s: output lacks %q", tt.feature, tt.want)
		}
	}
	for _, bad := range []string{"javascript:", "vbscript:", "data:text/html"} {
		if strings.Contains(out, bad) {
			t.Errorf("output keeps a %s URL", bad)
		}
	}
}

// TestRawHTML checks what the allow-list keeps and removes, and that
// unsafe_html passes raw HTML as written.
func TestRawHTML(t *testing.T) {
	for _, tt := range []struct {
		name, src    string
		safe, unsafe string   // what the output holds
		gone         []string // what the safe output must not hold
	}{
		{"event handler", `Inline <b onclick="alert(1)">bold</b>.`, `Inline <b>bold</b>.`, `<b onclick="alert(1)">`, []string{"onclick"}},
		{"script block", "<script>\nalert(1)\n</script>\n\nAfter.", "<p>After.</p>", "<script>", []string{"script", "alert"}},
		{"inline script", "A <script>alert(1)</script> b.", "<p>A  b.</p>", "<script>alert(1)</script>", []string{"script", "alert"}},
		{"inline style", "A <style>p{color:red}</style> b.", "<p>A  b.</p>", "<style>", []string{"style", "color"}},
		{"style block", "<style>\np { color: red }\n</style>\n\nAfter.", "<p>After.</p>", "<style>", []string{"style", "color"}},
		{"comment", "A <!-- hidden --> b.\n\n<!--\nblock\n-->\n", "<p>A  b.</p>\n", "<!-- hidden -->", []string{"hidden", "block"}},
		{"javascript link", `<a href="javascript:alert(1)">x</a> and [y](javascript:alert(1))`, `<p>x and <a href="">y</a></p>`, `<a href="javascript:alert(1)">x</a>`, []string{"javascript", "</a> and"}},
		{"data image", `<img src="data:image/png;base64,AAAA" alt="d">`, `<img alt="d">`, `src="data:`, []string{"data:"}},
		{"iframe", `<iframe src="https://example.org/"></iframe>`, "", "<iframe", []string{"iframe"}},
		{"form", `<form action="/x"><input name="q"><button>Go</button></form>`, "", "<form", []string{"form", "input", "Go"}},
		{"style attribute", `<div style="color:red" class="x">A</div>`, "<div>A</div>", `style="color:red"`, []string{"style", "class"}},
		{"kept", `<small>s</small> <kbd>K</kbd> <sup>2</sup> <sub>2</sub> <mark>m</mark> <abbr title="T">A</abbr> <br />`,
			`<small>s</small> <kbd>K</kbd> <sup>2</sup> <sub>2</sub> <mark>m</mark> <abbr title="T">A</abbr> <br/>`, "<br />", nil},
		{"details", "<details open>\n<summary>More</summary>\n\nText.\n\n</details>", "<details open=\"\">\n<summary>More</summary>\n<p>Text.</p>\n</details>", "<details open>", nil},
		{"image", `<img src="https://example.org/a.png" alt="a" width="10" onerror="x()">`, `<img src="https://example.org/a.png" alt="a" width="10">`, "onerror", []string{"onerror"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			safe := string(New(false, "/").Render([]byte(tt.src)).HTML)
			if !strings.Contains(safe, tt.safe) {
				t.Errorf("safe: output lacks %q:\n%s", tt.safe, safe)
			}
			for _, bad := range tt.gone {
				if strings.Contains(safe, bad) {
					t.Errorf("safe: output keeps %q:\n%s", bad, safe)
				}
			}
			if unsafe := string(New(true, "/").Render([]byte(tt.src)).HTML); !strings.Contains(unsafe, tt.unsafe) {
				t.Errorf("unsafe: output lacks %q:\n%s", tt.unsafe, unsafe)
			}
		})
	}
}

// TestRawHTMLSitePath checks that a root-relative image source in raw HTML
// gets the site's path, as a Markdown image does, and other sources not.
func TestRawHTMLSitePath(t *testing.T) {
	src := []byte(`<img src="/images/a.png" alt="a"> <img src="b.png" alt="b"> <img src="https://example.org/c.png" alt="c">` + "\n\n![d](/images/d.png)\n")
	got := string(New(false, "/my-digest/").Render(src).HTML)
	for _, want := range []string{`src="/my-digest/images/a.png"`, `src="b.png"`, `src="https://example.org/c.png"`, `src="/my-digest/images/d.png"`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, tt := range []struct {
		name, src, want string
	}{
		{"empty", "", ""},
		{"blank", "\n\n   \n", ""},
		{"one paragraph", "The envoy was named.", "The envoy was named."},
		{"first paragraph only", "First one.\n\nSecond one.", "First one."},
		{"lines joined", "The envoy\nwas named\non Wednesday.", "The envoy was named on Wednesday."},
		{"hard break", "One  \ntwo\\\nthree", "One two three"},
		{"emphasis stripped", "The *envoy* was **named** ~~today~~ on `Wednesday`.", "The envoy was named today on Wednesday."},
		{"link text kept", "See [the report](https://example.org/ \"title\") now.", "See the report now."},
		{"image alt kept", "A ![map of Korea](map.png) here.", "A map of Korea here."},
		{"autolink", "See <https://example.org/a> and https://example.org/b.", "See https://example.org/a and https://example.org/b."},
		{"entities decoded", "Fish &amp; chips &copy; &#8212; &lt;b&gt; &quot;x&quot;", "Fish & chips © — <b> \"x\""},
		{"escapes resolved", `Not \*emphasis\* and 5 \> 3`, "Not *emphasis* and 5 > 3"},
		{"code as written", "Run `a &amp; b \\*` now.", "Run a &amp; b \\* now."},
		{"typography", `"Quoted" -- it's...`, "“Quoted” – it’s…"},
		{"raw HTML dropped", "Text <b>bold</b> <!-- c --> end.", "Text bold end."},
		{"footnote reference dropped", "Named.[^1]\n\n[^1]: Source.", "Named."},
		{"heading first", "# Headline\n\nThe envoy was named.", "The envoy was named."},
		{"setext heading first", "Headline\n========\n\nThe envoy was named.", "The envoy was named."},
		{"list first", "- one\n- two\n\nAfter the list.", "After the list."},
		{"quote first", "> Quoted.\n\nAfter the quote.", "After the quote."},
		{"code first", "    code\n\nAfter the code.", "After the code."},
		{"HTML block first", "<div>x</div>\n\nAfter the block.", "After the block."},
		{"table first", "| a |\n| - |\n| b |\n\nAfter the table.", "After the table."},
		{"headings only", "# One\n\n## Two", ""},
		{"spaces squeezed", "  Lots   of\t\tspace  ", "Lots of space"},
		{"Unicode", "Société Générale: 北朝鮮。", "Société Générale: 北朝鮮。"},
	} {
		for _, unsafe := range []bool{false, true} {
			if got := New(unsafe, "/").Render([]byte(tt.src)).Summary; got != tt.want {
				t.Errorf("%s: Summary(%q) (unsafe %v) = %q; want %q", tt.name, tt.src, unsafe, got, tt.want)
			}
		}
	}
}

func TestHeadingIDs(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []string
	}{
		{"# Tables", []string{"tables"}},
		{"# North Korea\n# North Korea\n# North Korea", []string{"north-korea", "north-korea-1", "north-korea-2"}},
		{"# A\n# A-1\n# A", []string{"a", "a-1", "a-2"}},
		{"# Société Générale", []string{"société-générale"}},
		{"# 北朝鮮\n# Северная Корея\n# हिन्दी", []string{"北朝鮮", "северная-корея", "हिन्दी"}},
		{"# Fish &amp; chips", []string{"fish-chips"}},
		{"# *Emphasis* and `code`", []string{"emphasis-and-code"}},
		{"# !!!\n# ???", []string{"heading", "heading-1"}},
		{"#\n## \n", []string{"heading", "heading-1"}},
		{"Setext\n======", []string{"setext"}},
	} {
		out := string(New(false, "/").Render([]byte(tt.src)).HTML)
		got := idsOf(out)
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("IDs of %q = %q; want %q\n%s", tt.src, got, tt.want, out)
		}
	}
}

var headingID = regexp.MustCompile(`<h[1-6] id="([^"]*)"`)

func idsOf(html string) []string {
	var ids []string
	for _, m := range headingID.FindAllStringSubmatch(html, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestConcurrent renders from many goroutines with one Renderer; run with
// -race. Heading IDs must not leak from one document into another.
func TestConcurrent(t *testing.T) {
	r := New(false, "/")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				out := string(r.Render([]byte("# Same\n\nText.")).HTML)
				if !strings.Contains(out, `<h1 id="same">`) {
					t.Errorf("heading ID leaked between documents: %s", out)
					return
				}
			}
		})
	}
	wg.Wait()
}

var dangerousURL = regexp.MustCompile(`(?i)(href|src)="\s*(javascript|vbscript|data):`)

func FuzzRender(f *testing.F) {
	docs, _ := filepath.Glob("testdata/*.md")
	for _, doc := range docs {
		src, err := os.ReadFile(doc)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, false)
		f.Add(src, true)
	}
	for _, s := range references {
		f.Add([]byte(s), false)
	}
	for _, s := range []string{"<style>p{}</style>", "a <b onmouseover=x>b</b>", "<div style=\"x\">", "<svg onload=x>", "<form><input>", "<a href=\"javascript:x\">a</a>", "", "# x\n\nPara *one*.", "| a |\n| - |\n| <script> |", "[^1]\n\n[^1]: x", "<https://x/<script>>", "[a](<javascript:x>)"} {
		f.Add([]byte(s), false)
	}
	safe, unsafe := New(false, "/"), New(true, "/")
	f.Fuzz(func(t *testing.T, src []byte, isUnsafe bool) {
		r := safe
		if isUnsafe {
			r = unsafe
		}
		// Bodies reach the renderer cleaned by package content.
		res := r.Render(chars.CleanBytes(src))
		if strings.ContainsAny(res.Summary, "\n\t") || res.Summary != strings.TrimSpace(res.Summary) {
			t.Errorf("Summary %q is not one trimmed line", res.Summary)
		}
		if i, c, _ := chars.Find(string(res.HTML) + res.Summary); i >= 0 {
			t.Errorf("Render(%q) holds %U:\n%s\n%s", src, c, res.HTML, res.Summary)
		}
		if isUnsafe {
			return
		}
		out := strings.ToLower(string(res.HTML))
		if bad := unsafeMarkup(out); bad != "" {
			t.Errorf("%s passed without unsafe_html:\n%s", bad, res.HTML)
		}
		if dangerousURL.MatchString(out) {
			t.Errorf("dangerous URL kept:\n%s", res.HTML)
		}
	})
}

var alignment = regexp.MustCompile(`^text-align:(left|right|center)$`)

// unsafeMarkup names the first element or attribute in out, HTML as
// browsers tokenize it, that the allow-list must never let through; or "".
func unsafeMarkup(out string) string {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			switch string(name) {
			case "script", "style", "iframe", "object", "embed", "form", "input", "textarea", "button", "link", "meta", "base", "svg", "math":
				if string(name) != "input" || !strings.Contains(string(z.Raw()), `type="checkbox"`) {
					return "<" + string(name) + ">"
				}
			}
			for more {
				var key, val []byte
				key, val, more = z.TagAttr()
				k := string(key)
				// GFM writes a table column's alignment as a style.
				cell := (string(name) == "th" || string(name) == "td") && alignment.MatchString(string(val))
				if strings.HasPrefix(k, "on") || (k == "style" && !cell) || k == "srcdoc" || k == "formaction" {
					return "attribute " + k
				}
			}
		}
	}
}

// references are character references to characters no page or feed may
// hold, and places they can be written.
var references = []string{
	"a &#x1b; b &#27; c &#0; d &#x85; e &#127; f &#xD800; g &#xfffe; h &#xFFFF; i &#x1FFFE; j &#xFDD0;",
	"[link &#x1b;](/x \"title &#x1b;\") ![alt &#x7f;](/i.png \"&#xfffe;\")",
	"# heading &#x1b;\n\n> quote &#1;",
	"* item &#x0c;\n\n| a &#x1b; |\n| --- |\n| &#x85; |",
	"footnote[^1]\n\n[^1]: note &#x1b;",
	"<span title=\"&#x1b;\">&#x1b;</span>",
}

// TestNoBadCharacters checks that references to control characters and
// noncharacters give U+FFFD in the HTML and the summary.
func TestNoBadCharacters(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		r := New(unsafe, "/")
		for _, src := range references {
			got := r.Render([]byte(src))
			if i, c, _ := chars.Find(string(got.HTML)); i >= 0 {
				t.Errorf("Render(%q) (unsafe %v) = %q; holds %U", src, unsafe, got.HTML, c)
			}
			if i, c, _ := chars.Find(got.Summary); i >= 0 {
				t.Errorf("Render(%q) (unsafe %v) has summary %q; holds %U", src, unsafe, got.Summary, c)
			}
		}
	}
}

// TestSiteLinks renders links and images of every kind on a site published
// at /my-digest/ and at its host's root: only paths from the site's root
// get the site's path.
func TestSiteLinks(t *testing.T) {
	for _, tt := range []struct{ src, root, sub string }{
		{"[a](/2017/05/31/envoy/)", `href="/2017/05/31/envoy/"`, `href="/my-digest/2017/05/31/envoy/"`},
		{"[a](/)", `href="/"`, `href="/my-digest/"`},
		{"[a](/tags/north-korea/#top)", `href="/tags/north-korea/#top"`, `href="/my-digest/tags/north-korea/#top"`},
		{"[a](/search/?q=china)", `href="/search/?q=china"`, `href="/my-digest/search/?q=china"`},
		{"![map](/images/map.svg)", `src="/images/map.svg"`, `src="/my-digest/images/map.svg"`},
		{"[a][ref]\n\n[ref]: /archive/", `href="/archive/"`, `href="/my-digest/archive/"`},
		{"[a](2017/05/)", `href="2017/05/"`, `href="2017/05/"`},
		{"[a](../about/)", `href="../about/"`, `href="../about/"`},
		{"[a](#notes)", `href="#notes"`, `href="#notes"`},
		{"[a](https://example.org/x/)", `href="https://example.org/x/"`, `href="https://example.org/x/"`},
		{"[a](//example.org/x/)", `href="//example.org/x/"`, `href="//example.org/x/"`},
		{`[a](/\example.org/x/)`, `href="/%5Cexample.org/x/"`, `href="/%5Cexample.org/x/"`},
		{"[a](mailto:curator@example.org)", `href="mailto:curator@example.org"`, `href="mailto:curator@example.org"`},
		{"<https://example.org/y/>", `href="https://example.org/y/"`, `href="https://example.org/y/"`},
		{"See /2017/05/ in text.", `See /2017/05/ in text.`, `See /2017/05/ in text.`},
	} {
		for _, c := range []struct{ path, want string }{{"/", tt.root}, {"/my-digest/", tt.sub}} {
			out := string(New(false, c.path).Render([]byte(tt.src)).HTML)
			if !strings.Contains(out, c.want) {
				t.Errorf("site path %s: %q renders as %q; want it to hold %s", c.path, tt.src, out, c.want)
			}
		}
	}
}
