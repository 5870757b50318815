// Package config reads site.yaml, the optional site configuration.
//
// Every key is optional; an unknown key is an error that names it and its
// line, so a misspelt setting never silently does nothing.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/i18n"
)

// File is the configuration file's name in the site folder.
const File = "site.yaml"

// Config is the site configuration with defaults filled in.
type Config struct {
	Title       string            `yaml:"title"`
	Description string            `yaml:"description"`
	BaseURL     string            `yaml:"base_url"`
	Language    string            `yaml:"language"`
	Author      string            `yaml:"author"`
	Timezone    string            `yaml:"timezone"`
	Permalink   string            `yaml:"permalink"`
	PageSize    int               `yaml:"page_size"`
	FeedSize    int               `yaml:"feed_size"`
	TagAliases  map[string]string `yaml:"tag_aliases"`
	UnsafeHTML  bool              `yaml:"unsafe_html"`
	Params      map[string]any    `yaml:"params"`
	// HomeIssue makes the home page lead with the latest issue.
	HomeIssue bool `yaml:"home_issue"`
	// EmailUnsubscribe is the mailing service's unsubscribe placeholder,
	// such as {{unsubscribe}} or *|UNSUB|*, which the email edition
	// links as the way out; "" for none.
	EmailUnsubscribe string `yaml:"email_unsubscribe"`
	// Disable and Enable name kinds of output to leave out and to add;
	// Outputs is what they come to.
	Disable Kinds `yaml:"disable"`
	Enable  Kinds `yaml:"enable"`

	// Location is Timezone loaded; dates are shown, grouped and put into
	// URLs in it.
	Location *time.Location `yaml:"-"`
	// NoBaseURL is set when site.yaml gives no base_url, so BaseURL is
	// the local default: fine for serving, wrong for publishing.
	NoBaseURL bool `yaml:"-"`
	// Outputs are the kinds of output the site has.
	Outputs Outputs `yaml:"-"`
	// Locale is Language loaded: the translation table of the layouts
	// and the language's date names. The build sets it once the layouts
	// are known (see i18n.Load); nil before.
	Locale *i18n.Locale `yaml:"-"`

	// at is where each key's value is written in site.yaml, for errors
	// about the value; nil for the defaults.
	at map[string]*yaml.Node `yaml:"-"`
	// Path is the path of BaseURL: "/" for a site at the root of its host,
	// "/my-digest/" for one published below it, as a GitHub Pages project
	// site is. Every URL of the site starts with it; see URL.
	Path string `yaml:"-"`
	// origin is BaseURL without Path, "https://someone.github.io".
	origin string `yaml:"-"`
}

// Default returns the configuration of a site without site.yaml.
func Default() *Config {
	c := &Config{}
	if err := c.fill(); err != nil {
		panic(err) // the defaults are valid by construction
	}
	return c
}

// Load reads site.yaml from fsys. A missing file gives the defaults.
func Load(fsys fs.FS) (*Config, error) {
	data, err := fs.ReadFile(fsys, File)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return nil, diag.Errorf(File, 0, 0, "%v", err)
	}
	return Parse(data)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse decodes a site.yaml document and fills in defaults.
func Parse(data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(data)
	}
	c := &Config{}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, diag.Errorf(File, root.Line, root.Column, "want key: value pairs such as \"title: My Digest\", not %s", describe(root))
		}
		c.at = map[string]*yaml.Node{}
		for i := 0; i+1 < len(root.Content); i += 2 {
			c.at[root.Content[i].Value] = root.Content[i+1]
		}
		if err := checkKinds(c.at); err != nil {
			return nil, err
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && err != io.EOF {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, syntaxError(data)
		}
		return nil, yamlError(err)
	}
	c.cleanText()
	if err := c.fill(); err != nil {
		return nil, err
	}
	return c, nil
}

// checkKinds checks that each known key's value is of the kind its field
// wants, so that a wrong one is reported in the curator's words rather
// than yaml.v3's ("cannot unmarshal !!str into int").
func checkKinds(at map[string]*yaml.Node) error {
	var errs diag.List
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		n := at[key]
		if n == nil || key == "-" || isNull(n) {
			continue
		}
		if err := checkKind(key, f.Type, n); err != nil {
			errs = append(errs, err)
		}
	}
	errs.Sort()
	return errs.Err()
}

func checkKind(key string, t reflect.Type, n *yaml.Node) *diag.Diagnostic {
	want := ""
	switch t.Kind() {
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			want = "text"
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			want = "a whole number"
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			want = "true or false"
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			want = "key: value pairs"
			break
		}
		if t.Elem().Kind() != reflect.String {
			break
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1]; v.Kind != yaml.ScalarNode {
				return diag.Errorf(File, v.Line, v.Column, "%s: %s: want text, not %s", key, n.Content[i].Value, describe(v))
			}
		}
	}
	if want == "" {
		return nil
	}
	return diag.Errorf(File, n.Line, n.Column, "%s: want %s, not %s", key, want, describe(n))
}

// describe names a YAML value in a message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "key: value pairs"
	}
	return strconv.Quote(n.Value)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// errorf reports a problem with key's value at its place in site.yaml, or
// without a line when the value is a default.
func (c *Config) errorf(key, format string, args ...any) *diag.Diagnostic {
	line, col := 0, 0
	if n := c.at[key]; n != nil {
		line, col = n.Line, n.Column
	}
	return diag.Errorf(File, line, col, "%s: %s", key, fmt.Sprintf(format, args...))
}

// yamlError turns yaml.v3's messages, which carry the line in their text,
// into Diagnostics; an unknown key is reported by name.
func yamlError(err error) error {
	var list diag.List
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: unmarshal errors:\n")
		m = strings.TrimSpace(m)
		line := 0
		if sub := yamlLine.FindStringSubmatch(m); sub != nil {
			fmt.Sscan(sub[1], &line)
			m = sub[2]
		}
		if k, ok := strings.CutPrefix(m, "field "); ok {
			if name, ok := strings.CutSuffix(k, " not found in type config.Config"); ok {
				m = fmt.Sprintf("unknown key %q", name)
			}
		}
		list = append(list, diag.Errorf(File, line, 0, "%s", m))
	}
	return list.Err()
}

// syntaxError reports a document yaml.v3 cannot parse at its line.
func syntaxError(data []byte) error {
	line, msg := diag.YAMLSyntax(data)
	return diag.Errorf(File, line, 0, "%s", msg)
}

func (c *Config) fill() error {
	var errs diag.List
	if c.Title == "" {
		c.Title = "My Digest"
	}
	if c.Language == "" {
		c.Language = "en"
	}
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		errs = append(errs, c.errorf("timezone", "unknown zone %q (want an IANA name such as Asia/Manila)", c.Timezone))
		loc = time.UTC
	}
	c.Location = loc
	if c.Permalink == "" {
		c.Permalink = "/:year/:month/:day/:slug/"
	}
	if err := checkPermalink(c.Permalink); err != nil {
		errs = append(errs, c.errorf("permalink", "%v", err))
	}
	for _, n := range []struct {
		key  string
		size *int
	}{{"page_size", &c.PageSize}, {"feed_size", &c.FeedSize}} {
		switch {
		case c.at[n.key] == nil || isNull(c.at[n.key]):
			*n.size = 20
		case *n.size < 1:
			errs = append(errs, c.errorf(n.key, "%d is too few (want 1 or more articles)", *n.size))
		}
	}
	errs.Add(File, c.outputs())
	if c.BaseURL == "" {
		c.BaseURL, c.NoBaseURL = DefaultBaseURL, true
	}
	if err := c.SetBaseURL(c.BaseURL); err != nil {
		errs = append(errs, c.errorf("base_url", "%v", err))
	}
	errs = append(errs, c.resolveTagAliases()...)
	errs.Sort()
	return errs.Err()
}

// CheckBaseURL says what is wrong with raw as the URL a site is published
// at, if anything.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL such as https://news.example.org/", raw)
	}
	if u.RawQuery != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("%q has a query or fragment; want the address of the site's folder", raw)
	}
	return nil
}

// DefaultBaseURL is the base URL of a site whose site.yaml sets none.
const DefaultBaseURL = "http://localhost:1313/"

// SetBaseURL checks and sets the absolute URL the site is published at; it
// always ends in "/". Its path, when it has one, is the site's Path. The
// error says what is wrong with raw, not where it was given.
func (c *Config) SetBaseURL(raw string) error {
	if err := CheckBaseURL(raw); err != nil {
		return err
	}
	if !strings.HasSuffix(raw, "/") {
		raw += "/"
	}
	// The path is cut from the URL as written, not from u.Path, so that
	// URLs come out spelt as the curator wrote base_url.
	host := strings.Index(raw, "://") + len("://")
	slash := host + strings.IndexByte(raw[host:], '/')
	c.BaseURL, c.origin, c.Path = raw, raw[:slash], raw[slash:]
	return nil
}

// URL is the URL of a path from the site's root, such as "/tags/", on the
// site as published: "/my-digest/tags/" when base_url is
// https://someone.github.io/my-digest/. Every URL the site links to is
// made with it; on a site at the root of its host it returns p.
func (c *Config) URL(p string) string {
	if c.Path == "/" && strings.HasPrefix(p, "/") {
		return p
	}
	return c.Path + strings.TrimPrefix(p, "/")
}

// SitePath undoes URL: it is the path from the site's root of one of the
// site's URLs, where its file is in the output folder. A URL outside the
// site's Path is returned as it is.
func (c *Config) SitePath(u string) string {
	if rest, ok := strings.CutPrefix(u, c.Path); ok {
		return "/" + rest
	}
	return u
}

// permalinkTokens are the placeholders a permalink may use.
var permalinkTokens = []string{":year", ":month", ":day", ":slug"}

func checkPermalink(p string) error {
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
		return fmt.Errorf("%q must start and end with /", p)
	}
	if !strings.Contains(p, ":slug") {
		return fmt.Errorf("%q must contain :slug", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%q may not have a segment %q", p, seg)
		}
	}
	rest := p
	for _, t := range permalinkTokens {
		rest = strings.ReplaceAll(rest, t, "")
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		return fmt.Errorf("%q has an unknown placeholder (want %s)", p, strings.Join(permalinkTokens, ", "))
	}
	return nil
}

// ArticlePath expands the permalink pattern for an article's slug and its
// date, which must already be in the site's timezone.
func (c *Config) ArticlePath(slug string, date time.Time) string {
	var b strings.Builder
	b.Grow(len(c.Permalink) + len(slug))
	p := c.Permalink
	for {
		i := strings.IndexByte(p, ':')
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i])
		p = p[i:]
		switch {
		case strings.HasPrefix(p, ":year"):
			b.WriteString(strconv.Itoa(date.Year()))
			p = p[len(":year"):]
		case strings.HasPrefix(p, ":month"):
			twoDigits(&b, int(date.Month()))
			p = p[len(":month"):]
		case strings.HasPrefix(p, ":day"):
			twoDigits(&b, date.Day())
			p = p[len(":day"):]
		case strings.HasPrefix(p, ":slug"):
			b.WriteString(slug)
			p = p[len(":slug"):]
		default: // checkPermalink allows no other placeholder
			b.WriteByte(':')
			p = p[1:]
		}
	}
}

func twoDigits(b *strings.Builder, n int) {
	b.WriteByte(byte('0' + n/10))
	b.WriteByte(byte('0' + n%10))
}

// AbsURL makes a URL absolute: a root-relative one, such as the site's
// URLs (which start with Path), is joined to the scheme and host of the
// base URL, and any other path to the base URL itself, as a browser
// resolves links on the home page. Bytes a URI may not hold, such as the
// letters of a slug in any script, are percent-encoded; existing escapes
// are kept, so an encoded path comes out the same. Feeds, sitemaps and
// metadata want URIs, not IRIs.
func (c *Config) AbsURL(path string) string {
	base := c.BaseURL
	if strings.HasPrefix(path, "/") {
		base = c.origin
	}
	// Most paths need no escape, and every page's permalink is made
	// from one: at 100,000 articles, some 140,000 a build.
	i := 0
	for i < len(path) && uriSafe[path[i]] {
		i++
	}
	if i == len(path) {
		return base + path
	}
	var b strings.Builder
	b.Grow(len(base) + len(path) + 16)
	b.WriteString(base)
	b.WriteString(path[:i])
	for ; i < len(path); i++ {
		ch := path[i]
		if uriSafe[ch] {
			b.WriteByte(ch)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// uriSafe holds the bytes AbsURL writes as they are: printable ASCII but
// for the ones a URI may not hold.
var uriSafe = func() (safe [256]bool) {
	for ch := '!'; ch < 0x7f; ch++ {
		safe[ch] = !strings.ContainsRune("\"<>\\^`{|}", ch)
	}
	return safe
}()
