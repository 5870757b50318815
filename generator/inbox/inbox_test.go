package inbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/internal/testkit"
)

// story is a draft as a feed gives it: entities, spread-out whitespace,
// HTML in the summary, a tracking parameter in the link, tags in two
// spellings.
var story = Draft{
	Title:     "  Tom &amp; Jerry&#8217;s \n\t &quot;big&quot; day  in Zürich ",
	Date:      time.Date(2026, 11, 28, 9, 30, 15, 999, time.FixedZone("CET", 3600)),
	Source:    "Neue &amp; Zürcher",
	SourceURL: "https://WWW.Example.org:443/news/tom-jerry?utm_source=rss&id=7#top",
	Author:    "Anna Müller",
	Tags:      []string{"N. Korea", "Science", "north korea", "  !!! ", "Science &amp; Tech"},
	Summary: `<p>The <b>cat</b> and the <a href="/m">mouse</a> met in Zürich&nbsp;on Tuesday.</p>
<script>alert("not text")</script><style>p{}</style>
<p>Witnesses said the meeting, which lasted an hour, was &ldquo;cordial&rdquo;. The 3 &lt; 4 rule held.</p>
<ul><li>One</li><li>Two</li></ul>` + strings.Repeat(" word", 80),
	Image: "https://img.example.org/cat.jpg",
}

var aliases = map[string]string{"N. Korea": "North Korea"}

func TestRender(t *testing.T) {
	src, name, err := Render(story, aliases)
	if err != nil {
		t.Fatal(err)
	}
	if name != "tom-jerry-s-big-day-in-zürich" {
		t.Errorf("name = %q; want the title's slug", name)
	}
	testkit.Golden(t, "testdata/draft.md", src)

	// The content package reads it as what was meant.
	a, warnings, err := content.ParseArticle("content/inbox/"+name+".md", src, time.UTC)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("the draft does not read back: %v %v", err, warnings)
	}
	if !a.Draft {
		t.Error("the draft is not draft: true")
	}
	if want := "https://www.example.org/news/tom-jerry?id=7"; a.SourceURL != want {
		t.Errorf("source_url = %q; want %q, normalised", a.SourceURL, want)
	}
	if want := []string{"North Korea", "Science", "Science & Tech"}; !slices.Equal(a.Tags, want) {
		t.Errorf("tags = %q; want %q", a.Tags, want)
	}
	if !a.Date.Equal(story.Date.Truncate(time.Second)) {
		t.Errorf("date = %v; want %v", a.Date, story.Date)
	}
	if a.Author != "Anna Müller" || a.Source != "Neue & Zürcher" || a.Image != story.Image {
		t.Errorf("author, source, image = %q, %q, %q", a.Author, a.Source, a.Image)
	}
	body, _ := a.Markdown.Get()
	if !strings.HasPrefix(body, Marker+"\n") {
		t.Errorf("the body does not start with the marker:\n%s", body)
	}
}

func TestRenderWithoutTitle(t *testing.T) {
	for _, tt := range []struct{ summary, title, name string }{
		{"<p>Just posted: a photo of the harbour at dawn, with the fog rolling in from the sea.</p>", "Just posted: a photo of the harbour at dawn, with…", "just-posted-a-photo-of-the-harbour-at-dawn-with"},
		{"", "Untitled", "untitled"},
		{"!!! ???", "!!! ???", "draft"},
	} {
		src, name, err := Render(Draft{SourceURL: "https://example.org/p/1", Summary: tt.summary, Date: time.Unix(0, 0)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := content.ParseArticle("content/inbox/x.md", src, time.UTC)
		if err != nil {
			t.Fatalf("summary %q: %v", tt.summary, err)
		}
		if a.Title != tt.title || name != tt.name {
			t.Errorf("summary %q: title %q, name %q; want %q, %q", tt.summary, a.Title, name, tt.title, tt.name)
		}
	}
	if _, _, err := Render(Draft{Title: "x", SourceURL: "/relative"}, nil); err == nil {
		t.Error("Render with a relative source_url succeeded; want an error")
	}
}

// TestWrite writes one story three times: three files, none replaced,
// and the content package loads the site.
func TestWrite(t *testing.T) {
	site := t.TempDir()
	var files []string
	for i := range 3 {
		d := story
		d.Author = "Author " + string(rune('A'+i))
		// Three stories under one headline: one story thrice is the
		// duplicate the build warns of.
		d.SourceURL = strings.Replace(d.SourceURL, "?", "/"+string(rune('1'+i))+"?", 1)
		f, err := Write(site, d, aliases)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	want := []string{
		"content/inbox/tom-jerry-s-big-day-in-zürich.md",
		"content/inbox/tom-jerry-s-big-day-in-zürich-2.md",
		"content/inbox/tom-jerry-s-big-day-in-zürich-3.md",
	}
	if !slices.Equal(files, want) {
		t.Errorf("Write wrote %q; want %q", files, want)
	}
	first, _ := os.ReadFile(filepath.Join(site, filepath.FromSlash(want[0])))
	if !strings.Contains(string(first), "author: Author A") {
		t.Errorf("the first draft was replaced:\n%s", first)
	}
	c, err := content.Load(os.DirFS(site), time.UTC, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Articles) != 3 || len(c.Warnings) > 0 {
		t.Errorf("content.Load read %d articles, warnings %v; want the 3 drafts", len(c.Articles), c.Warnings)
	}
}

func TestSummarize(t *testing.T) {
	long := strings.Repeat("word ", 61)
	for _, tt := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"AT&amp;T &lt;b&gt; &#x1F600;", "AT&T <b> 😀"},
		{"<p>one</p><p>two</p>", "one two"},
		{"un<b>believ</b>able<br>next", "unbelievable next"},
		{"<script>var x = '<p>no</p>';</script>yes<style>.a{}</style>", "yes"},
		{"<svg><title>logo</title><path d='M0'/></svg>after", "after"},
		{"<img src=x alt='not text'>caption", "caption"},
		{"<![CDATA[in cdata]]> out", "out"},
		{"a < b and c > d", "a < b and c > d"},
		{"<p>unclosed <b>bold", "unclosed bold"},
		{"  \n\t ", ""},
		{long, strings.TrimSpace(strings.Repeat("word ", 60)) + "…"},
		{strings.Repeat("x ", 59) + "end, of the text", strings.Repeat("x ", 59) + "end…"},
		{"日本語の 文章 です", "日本語の 文章 です"},
	} {
		if got := Summarize(tt.in, 60); got != tt.want {
			t.Errorf("Summarize(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestTags(t *testing.T) {
	al := map[string]string{"N. Korea": "North Korea", "ai": "AI"}
	for _, tt := range []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{"n korea", "North Korea", "AI", "Ai"}, []string{"North Korea", "AI"}},
		{[]string{" Science\n&amp; Tech ", "---", ""}, []string{"Science & Tech"}},
	} {
		if got := Tags(tt.in, al); !slices.Equal(got, tt.want) {
			t.Errorf("Tags(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestLoadSeen(t *testing.T) {
	fsys := fstest.MapFS{
		"content/2026/11/a.md":            {Data: []byte("---\ntitle: A\ndate: 2026-11-01\nsource_url: http://www.example.org/a?utm_source=x\n---\nA\n")},
		"content/2026/11/nodate.md":       {Data: []byte("---\ntitle: No date\nsource_url: https://example.org/nodate\n---\n")},
		"content/2026/11/broken.md":       {Data: []byte("---\ntitle: [unclosed\nsource_url: https://example.org/broken\n")},
		"content/2026/11/toml.md":         {Data: []byte("+++\ntitle = \"T\"\ndate = 2026-11-01\nsource_url = \"https://example.org/toml\"\n+++\n")},
		"content/2026/11/bundle/index.md": {Data: []byte("---\ntitle: B\ndate: 2026-11-01\nsource_url: https://example.org/bundle\n---\n")},
		"content/inbox/draft.md":          {Data: []byte("---\ntitle: D\ndate: 2026-11-01\nsource_url: https://example.org/draft\ndraft: true\n---\n")},
		"content/pages/about.md":          {Data: []byte("---\ntitle: About\nsource_url: https://example.org/about\n---\n")},
		"content/2026/11/notes.txt":       {Data: []byte("source_url: https://example.org/txt\n")},
		RejectedFile:                      {Data: []byte("# turned down\n\nhttps://example.org/rejected\tA headline\n  http://www.example.org/spaced  \nnot a url\n")},
	}
	seen, err := LoadSeen(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for url, want := range map[string]string{
		"https://example.org/a":                   "content/2026/11/a.md",
		"https://example.org/nodate#x":            "content/2026/11/nodate.md",
		"https://example.org/toml":                "content/2026/11/toml.md",
		"https://example.org/bundle":              "content/2026/11/bundle/index.md",
		"https://example.org/draft?fbclid=1":      "content/inbox/draft.md",
		"https://example.org/rejected":            RejectedFile,
		"https://example.org/spaced":              RejectedFile,
		"https://example.org/broken":              "",
		"https://example.org/about":               "",
		"https://example.org/txt":                 "",
		"https://example.org/never-seen-anywhere": "",
	} {
		got, ok := seen.Where(url)
		if got != want || ok != (want != "") {
			t.Errorf("Where(%q) = %q, %v; want %q", url, got, ok, want)
		}
	}
	seen.Add("https://example.org/new", "content/inbox/new.md")
	if w, _ := seen.Where("http://www.example.org/new/"); w != "" {
		t.Errorf("a path with a trailing slash is another story, yet Where = %q", w)
	}
	if w, _ := seen.Where("http://www.example.org/new"); w != "content/inbox/new.md" {
		t.Errorf("Where after Add = %q; want content/inbox/new.md", w)
	}

	empty, err := LoadSeen(fstest.MapFS{})
	if err != nil {
		t.Fatalf("a site without content/: %v", err)
	}
	if _, ok := empty.Where("https://example.org/a"); ok {
		t.Error("an empty site has seen a story")
	}
}

// FuzzRender checks that every draft reads back: whatever a feed's
// title and text, the file is one the build accepts.
func FuzzRender(f *testing.F) {
	f.Add(story.Title, story.Summary, "Science")
	f.Add("", "<p>x", "")
	f.Add("---", "-->", "#")
	f.Add("title: x\n---\n", "\x00\x1b[31m", "a\u2028b")
	f.Fuzz(func(t *testing.T, title, summary, tag string) {
		src, _, err := Render(Draft{Title: title, Summary: summary, Tags: []string{tag}, SourceURL: "https://example.org/", Date: time.Unix(1e9, 0)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := content.ParseArticle("content/inbox/x.md", src, time.UTC); err != nil {
			t.Fatalf("the draft does not read back: %v\n%s", err, src)
		}
	})
}

// FuzzSummarize checks Summarize's promises on any text.
func FuzzSummarize(f *testing.F) {
	for _, s := range []string{story.Summary, "<p>a</p>b", "<script>", "&amp", "<svg><svg></svg>x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Summarize(s, 5)
		words := strings.Fields(got)
		if len(words) > 5 {
			t.Errorf("Summarize(%q) = %q: %d words; want at most 5", s, got, len(words))
		}
		if got != strings.Join(words, " ") {
			t.Errorf("Summarize(%q) = %q: whitespace not folded", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("Summarize(%q) = %q: not UTF-8", s, got)
		}
	})
}
