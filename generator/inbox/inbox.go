// Package inbox writes the drafts that digest fetch and digest add make
// from what they read, and knows which stories the digest has seen.
//
// A draft is content/inbox/<slug>.md: YAML front matter the content
// package reads (title, date, source, source_url, author, tags, image,
// draft: true), then Marker, then the source's own summary as plain text
// for the curator to rewrite. Write tidies what a feed or page gives: the
// title and the summary stripped of HTML, their entities decoded and
// their whitespace folded, the summary cut at a word after at most
// SummaryWords words, the tags passed through the site's tag_aliases. It never replaces a file: a slug
// already taken gets a suffix, -2, -3 and so on.
//
// A story is seen (Seen) when the normalised address of its source
// (urlnorm.Key) is the source_url of an article or draft under content/,
// or a line of rejected.txt, the curator's list of stories turned down,
// which ReadRejected reads and AppendRejected (digest reject) extends.
package inbox

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/internal/newfile"
	"github.com/digest/digest/generator/slug"
	"github.com/digest/digest/generator/urlnorm"
)

// Dir is the folder of the drafts, from the site folder.
const Dir = content.Dir + "/inbox"

// Marker starts the body of every draft: what follows it is the source's
// text, which the curator rewrites before publishing. It is an HTML
// comment, so a draft built with --drafts does not show it.
const Marker = "<!-- digest: the text below is the source's own; rewrite it in your words, then delete this line -->"

// SummaryWords is the most words of the source's text a draft keeps.
const SummaryWords = 60

// maxTitleWords only bounds a title that is a whole article by mistake.
const maxTitleWords = 100

// A Draft is what a draft's file says of a story.
type Draft struct {
	Title     string // may hold HTML, as Atom's and many RSS feeds' do; it is stripped
	Date      time.Time
	Source    string   // the publisher's name
	SourceURL string   // the story's address; it is normalised
	Author    string   // may be empty
	Tags      []string // as the source names them; tag_aliases apply
	Summary   string   // the source's text, HTML or plain; it is stripped and cut
	Image     string   // an absolute address, or empty
}

// frontMatter is a draft's front matter, in this order.
type frontMatter struct {
	Title     string    `yaml:"title"`
	Date      time.Time `yaml:"date"`
	Tags      []string  `yaml:"tags,flow,omitempty"`
	Source    string    `yaml:"source,omitempty"`
	SourceURL string    `yaml:"source_url"`
	Author    string    `yaml:"author,omitempty"`
	Image     string    `yaml:"image,omitempty"`
	Slug      string    `yaml:"slug,omitempty"`
	Draft     bool      `yaml:"draft"`
}

// Write writes d as a new draft in the site folder site, its tags passed
// through aliases (site.yaml's tag_aliases, resolved), and returns the
// draft's slash path from the site folder.
func Write(site string, d Draft, aliases map[string]string) (string, error) {
	src, name, err := Render(d, aliases)
	if err != nil {
		return "", err
	}
	for n := 1; ; n++ {
		file := path.Join(Dir, name+".md")
		if n > 1 {
			file = path.Join(Dir, name+"-"+strconv.Itoa(n)+".md")
		}
		err := newfile.Write(filepath.Join(site, filepath.FromSlash(file)), src)
		if !errors.Is(err, fs.ErrExist) {
			return file, err
		}
	}
}

// Render returns the file d makes and its name without .md.
func Render(d Draft, aliases map[string]string) (src []byte, name string, err error) {
	norm, err := urlnorm.Normalize(d.SourceURL)
	if err != nil {
		return nil, "", err
	}
	summary := Summarize(d.Summary, SummaryWords)
	fm := frontMatter{
		Title:     Summarize(d.Title, maxTitleWords),
		Date:      d.Date.Truncate(time.Second),
		Tags:      Tags(d.Tags, aliases),
		Source:    Tidy(d.Source),
		SourceURL: norm,
		Author:    Tidy(d.Author),
		Draft:     true,
	}
	if fm.Title == "" {
		// A story without a headline, as microblogs' feeds give: its
		// first words stand for it until the curator writes one.
		fm.Title = Summarize(summary, 10)
	}
	if fm.Title == "" {
		fm.Title = "Untitled"
	}
	if img, err := urlnorm.Normalize(d.Image); err == nil {
		fm.Image = img
	}
	name = slug.Make(fm.Title)
	if name == "" {
		// The build needs a slug, and a title without a letter or a
		// digit gives none.
		name = "draft"
		fm.Slug = name
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, "", err
	}
	if err := enc.Close(); err != nil {
		return nil, "", err
	}
	b.WriteString("---\n")
	b.WriteString(Marker + "\n")
	if summary != "" {
		// The text is Markdown now: a "<" it spelled out must not open
		// a tag in the page a --drafts build makes.
		b.WriteString("\n" + strings.ReplaceAll(summary, "<", "&lt;") + "\n")
	}
	return b.Bytes(), name, nil
}

// Tags returns names tidied, each passed through aliases (compared by
// slug, as the build does), without those that make no slug and without
// a second spelling of one tag.
func Tags(names []string, aliases map[string]string) []string {
	to := make(map[string]string, len(aliases))
	for from, t := range aliases {
		to[slug.Make(from)] = t
	}
	var tags []string
	seen := map[string]bool{}
	for _, n := range names {
		n = Tidy(n)
		s := slug.Make(n)
		if t, ok := to[s]; ok {
			n, s = t, slug.Make(t)
		}
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		tags = append(tags, n)
	}
	return tags
}
