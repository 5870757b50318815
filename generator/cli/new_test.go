package cli

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/markdown"
	"github.com/digest/digest/internal/testkit"
)

// modeInfo is a FileInfo that only knows its mode.
type modeInfo struct {
	fs.FileInfo
	mode fs.FileMode
}

func (m modeInfo) Mode() fs.FileMode { return m.mode }

// fakeInput is standard input for tests: a terminal, or a pipe giving r.
type fakeInput struct {
	io.Reader
	mode fs.FileMode
}

func (f fakeInput) Stat() (fs.FileInfo, error) { return modeInfo{mode: f.mode}, nil }

var terminal = fakeInput{strings.NewReader(""), fs.ModeDevice | fs.ModeCharDevice}

func pipe(body string) input { return fakeInput{strings.NewReader(body), fs.ModeNamedPipe} }

// newEnv is an env whose clock says at, an RFC 3339 time, and whose
// standard input is in.
func newEnv(t *testing.T, at string, in input) env {
	t.Helper()
	now := testkit.Time(t, at)
	return env{clock: func() time.Time { return now }, stdin: in}
}

// newSite makes an empty site in timezone zone.
func newSite(t *testing.T, zone string) string {
	t.Helper()
	site := t.TempDir()
	testkit.WriteFile(t, filepath.Join(site, "site.yaml"), "timezone: "+zone+"\n")
	if err := os.Mkdir(filepath.Join(site, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	return site
}

func TestNew(t *testing.T) {
	t.Parallel()
	const clockTime = "2017-05-31T10:04:05.678Z"
	tests := []struct {
		name  string
		zone  string
		clock string // default clockTime
		args  []string
		file  string // under the site folder
		// what the file must read back as
		title, source, url, date string
		tags                     []string
	}{
		{
			name: "every flag, after the headline",
			zone: "UTC",
			args: []string{"US envoy says China is pressing North Korea", "--tags", "China, North Korea,,Nikki Haley",
				"--source", "INQUIRER.net", "--url", "https://globalnation.inquirer.net/"},
			file:   "content/2017/05/us-envoy-says-china-is-pressing-north-korea.md",
			title:  "US envoy says China is pressing North Korea",
			source: "INQUIRER.net", url: "https://globalnation.inquirer.net/",
			date: "2017-05-31T10:04:05Z",
			tags: []string{"China", "North Korea", "Nikki Haley"},
		},
		{
			name:  "flags first, headline only",
			zone:  "UTC",
			args:  []string{"--tags", "Philippines", "Duterte declares martial law in Mindanao"},
			file:  "content/2017/05/duterte-declares-martial-law-in-mindanao.md",
			title: "Duterte declares martial law in Mindanao",
			date:  "2017-05-31T10:04:05Z",
			tags:  []string{"Philippines"},
		},
		{
			name:  "tags split at semicolons too",
			zone:  "UTC",
			args:  []string{"--tags", "China; US;North Korea, Japan", "Envoys meet"},
			file:  "content/2017/05/envoys-meet.md",
			title: "Envoys meet",
			date:  "2017-05-31T10:04:05Z",
			tags:  []string{"China", "US", "North Korea", "Japan"},
		},
		{
			name:  "colon and quotes",
			zone:  "UTC",
			args:  []string{`Duterte: "I'm not joking" about martial law`, "--source", `Rappler: "news"`, "--tags", `"Quotes", yes, #hash`},
			file:  "content/2017/05/duterte-i-m-not-joking-about-martial-law.md",
			title: `Duterte: "I'm not joking" about martial law`, source: `Rappler: "news"`,
			date: "2017-05-31T10:04:05Z",
			tags: []string{`"Quotes"`, "yes", "#hash"},
		},
		{
			name:  "YAML look-alikes",
			zone:  "UTC",
			args:  []string{"--", "- [null]: {yes} # 2017-05-31 & *ref"},
			file:  "content/2017/05/null-yes-2017-05-31-ref.md",
			title: "- [null]: {yes} # 2017-05-31 & *ref",
			date:  "2017-05-31T10:04:05Z",
		},
		{
			name:  "non-ASCII, spaces tidied",
			zone:  "UTC",
			args:  []string{"  Hwasŏng-12:\tJapan's   北朝鮮 response — Ça va ", "--tags", "Hwasŏng-12,Japan"},
			file:  "content/2017/05/hwasŏng-12-japan-s-北朝鮮-response-ça-va.md",
			title: "Hwasŏng-12: Japan's 北朝鮮 response — Ça va",
			date:  "2017-05-31T10:04:05Z",
			tags:  []string{"Hwasŏng-12", "Japan"},
		},
		{
			name:  "now, late evening UTC, Manila site: the next day's folder",
			zone:  "Asia/Manila",
			clock: "2017-06-30T20:00:00Z",
			args:  []string{"Marawi siege enters its sixth week"},
			file:  "content/2017/07/marawi-siege-enters-its-sixth-week.md",
			title: "Marawi siege enters its sixth week",
			date:  "2017-07-01T04:00:00+08:00",
		},
		{
			name:  "--date RFC 3339 in UTC, Manila site",
			zone:  "Asia/Manila",
			args:  []string{"-s", "SITE", "--date", "2016-11-30T18:00:00Z", "Envoy named"},
			file:  "content/2016/12/envoy-named.md",
			title: "Envoy named",
			date:  "2016-12-01T02:00:00+08:00",
		},
		{
			name:  "--date with another zone",
			zone:  "Asia/Manila",
			args:  []string{"Envoy named", "--date", "2016-11-30T18:00:00-05:00"},
			file:  "content/2016/12/envoy-named.md",
			title: "Envoy named",
			date:  "2016-12-01T07:00:00+08:00",
		},
		{
			name:  "--date day only, in the site's zone",
			zone:  "Asia/Manila",
			args:  []string{"Envoy named", "--date", "2017-05-31"},
			file:  "content/2017/05/envoy-named.md",
			title: "Envoy named",
			date:  "2017-05-31T00:00:00+08:00",
		},
		{
			name:  "--date with minutes",
			zone:  "Asia/Manila",
			clock: "2017-06-01T10:00:00Z",
			args:  []string{"Envoy named", "--date", "2017-05-31 23:45"},
			file:  "content/2017/05/envoy-named.md",
			title: "Envoy named",
			date:  "2017-05-31T23:45:00+08:00",
		},
		{
			name:  "--date with seconds",
			zone:  "America/New_York",
			clock: "2017-06-01T10:00:00Z",
			args:  []string{"Envoy named", "--date=2017-05-31 23:45:10"},
			file:  "content/2017/05/envoy-named.md",
			title: "Envoy named",
			date:  "2017-05-31T23:45:10-04:00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site := newSite(t, tt.zone)
			at := clockTime
			if tt.clock != "" {
				at = tt.clock
			}
			args := []string{"new"}
			if !slices.Contains(tt.args, "-s") {
				args = append(args, "-s", site)
			}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "SITE", site))
			}
			code, stdout, stderr := runIn(t, newEnv(t, at, terminal), args...)
			want := filepath.Join(site, filepath.FromSlash(tt.file))
			if code != 0 || stdout != want+"\n" || stderr != "" {
				t.Fatalf("digest %q = %d, stdout %q, stderr %q; want 0 and %q", args, code, stdout, stderr, want)
			}
			src, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			loc, _ := time.LoadLocation(tt.zone)
			a, warnings, err := content.ParseArticle(tt.file, src, loc)
			if err != nil || len(warnings) > 0 {
				t.Fatalf("ParseArticle = %v, warnings %v; file:\n%s", err, warnings, src)
			}
			// The headline reads back as typed, with the quotes and dashes
			// every headline gets.
			if a.Title != markdown.Smarten(tt.title) || a.Source != tt.source || a.SourceURL != tt.url || !slices.Equal(a.Tags, tt.tags) {
				t.Errorf("read back title %q, source %q, url %q, tags %q; want %q, %q, %q, %q\n%s",
					a.Title, a.Source, a.SourceURL, a.Tags, markdown.Smarten(tt.title), tt.source, tt.url, tt.tags, src)
			}
			if got := a.Date.Format(time.RFC3339); got != tt.date {
				t.Errorf("read back date %s; want %s\n%s", got, tt.date, src)
			}
			if !strings.Contains(string(src), "\ndate: "+tt.date+"\n") {
				t.Errorf("date not written as %s in the site's zone:\n%s", tt.date, src)
			}
			if body, _ := a.Markdown.Get(); body != placeholder {
				t.Errorf("body %q; want the placeholder", body)
			}
		})
	}
}

func TestNewFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{
			[]string{"US envoy says China is pressing North Korea", "--tags", "China,North Korea",
				"--source", "INQUIRER.net", "--url", "https://globalnation.inquirer.net/"},
			`---
title: US envoy says China is pressing North Korea
date: 2017-05-31T18:04:05+08:00
tags: [China, North Korea]
source: INQUIRER.net
source_url: https://globalnation.inquirer.net/
---
Your summary of the story, in your own words.
`,
		},
		{
			// Only the keys given are written.
			[]string{"Envoy named", "--tags", " , "},
			`---
title: Envoy named
date: 2017-05-31T18:04:05+08:00
---
Your summary of the story, in your own words.
`,
		},
	}
	for _, tt := range tests {
		site := newSite(t, "Asia/Manila")
		e := newEnv(t, "2017-05-31T10:04:05.9Z", terminal)
		code, stdout, stderr := runIn(t, e, append([]string{"new", "-s", site}, tt.args...)...)
		if code != 0 {
			t.Fatalf("digest new %q = %d, %q", tt.args, code, stderr)
		}
		got, err := os.ReadFile(strings.TrimSpace(stdout))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("digest new %q wrote\n%s\nwant\n%s", tt.args, got, tt.want)
		}
	}
}

func TestNewRefusesOverwrite(t *testing.T) {
	t.Parallel()
	site := newSite(t, "UTC")
	e := newEnv(t, "2017-05-31T10:04:05Z", pipe("First body.\n"))
	code, stdout, stderr := runIn(t, e, "new", "-s", site, "Envoy named")
	if code != 0 {
		t.Fatalf("first digest new = %d, %q", code, stderr)
	}
	file := strings.TrimSpace(stdout)
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	// Another day of the month, the same file name.
	e = newEnv(t, "2017-05-30T10:04:05Z", pipe("Second body.\n"))
	code, stdout, stderr = runIn(t, e, "new", "-s", site, "Envoy  named!", "--tags", "US")
	if code != 1 || stdout != "" || !strings.Contains(stderr, file+" already exists") {
		t.Errorf("second digest new = %d, %q, %q; want 1 and a refusal naming %s", code, stdout, stderr, file)
	}
	after, err := os.ReadFile(file)
	if err != nil || string(after) != string(before) {
		t.Errorf("the file was changed: %q, %v", after, err)
	}
}

func TestNewBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   input
		want string
	}{
		{"terminal", terminal, placeholder},
		{"pipe", pipe("The envoy *said* so.\n\n- one\n- two"), "The envoy *said* so.\n\n- one\n- two\n"},
		{"pipe with a line like a fence", pipe("Above.\n---\nBelow.\n"), "Above.\n---\nBelow.\n"},
		{"empty pipe", pipe(" \n"), placeholder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site := newSite(t, "UTC")
			code, stdout, stderr := runIn(t, newEnv(t, "2017-05-31T10:04:05Z", tt.in), "new", "-s", site, "Envoy named")
			if code != 0 {
				t.Fatalf("digest new = %d, %q", code, stderr)
			}
			src, err := os.ReadFile(strings.TrimSpace(stdout))
			if err != nil {
				t.Fatal(err)
			}
			a, _, err := content.ParseArticle("content/x.md", src, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if body, _ := a.Markdown.Get(); body != tt.want {
				t.Errorf("body %q; want %q", body, tt.want)
			}
		})
	}
}

func TestNewFutureNote(t *testing.T) {
	t.Parallel()
	site := newSite(t, "UTC")
	e := newEnv(t, "2017-05-31T10:04:05Z", terminal)
	code, _, stderr := runIn(t, e, "new", "-s", site, "Summit planned", "--date", "2017-06-02")
	if code != 0 || !strings.Contains(stderr, "dated in the future") {
		t.Errorf("digest new of a future article = %d, %q; want 0 and a note", code, stderr)
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		siteYAML string // "" for none
		noSite   bool   // no content/ folder
		code     int
		inStderr string
	}{
		{"missing headline", nil, "", false, 2, "missing headline"},
		{"missing headline, flags only", []string{"--tags", "China"}, "", false, 2, "missing headline"},
		{"empty headline", []string{"  "}, "", false, 2, "headline is empty"},
		{"headline without letters", []string{"!!!"}, "", false, 2, `headline "!!!" has no letter or digit`},
		{"unquoted headline", []string{"Envoy", "named"}, "", false, 2, `unexpected argument "named" (put quotes`},
		{"unknown flag", []string{"Envoy named", "--tag", "x"}, "", false, 2, "digest new: unknown flag --tag (did you mean --tags?)\n"},
		{"ftp url", []string{"Envoy named", "--url", "ftp://example.com/a"}, "", false, 2, `--url: "ftp://example.com/a" is not an http(s) URL`},
		{"relative url", []string{"Envoy named", "--url", "example.com/a"}, "", false, 2, "is not an http(s) URL"},
		{"url without host", []string{"Envoy named", "--url", "https:///a"}, "", false, 2, "is not an http(s) URL"},
		{"bad date", []string{"Envoy named", "--date", "May 31st"}, "", false, 2, `--date: cannot read "May 31st"`},
		{"tag without letters", []string{"Envoy named", "--tags", "China,??"}, "", false, 2, `--tags: "??" has no letter or digit`},
		{"not a site", []string{"Envoy named"}, "", true, 1, "has no content/ folder"},
		{"bad site.yaml", []string{"Envoy named"}, "timezone: Mars/Olympus\n", false, 1, `site.yaml:1:11: timezone: unknown zone "Mars/Olympus"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site := t.TempDir()
			if !tt.noSite {
				if err := os.Mkdir(filepath.Join(site, "content"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if tt.siteYAML != "" {
				testkit.WriteFile(t, filepath.Join(site, "site.yaml"), tt.siteYAML)
			}
			args := append([]string{"new", "-s", site}, tt.args...)
			code, stdout, stderr := runIn(t, newEnv(t, "2017-05-31T10:04:05Z", terminal), args...)
			if code != tt.code || stdout != "" || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("digest %q = %d, stdout %q, stderr %q; want %d, stderr with %q",
					args, code, stdout, stderr, tt.code, tt.inStderr)
			}
			if tt.code == 2 && !strings.Contains(stderr, "usage: digest new") {
				t.Errorf("usage error %q lacks the usage line", stderr)
			}
			filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && filepath.Base(p) != "site.yaml" {
					t.Errorf("digest %q wrote %s", args, p)
				}
				return nil
			})
		})
	}
}

func TestNewHelp(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := run(t, "new", "Envoy named", "--help")
	for _, want := range []string{"digest new: ", "Usage:\n  digest new [-s DIR]", "-tags", "-date", "Example:\n  digest new "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("digest new --help lacks %q:\n%s", want, stdout)
		}
	}
	if code != 0 || stderr != "" {
		t.Errorf("digest new --help = %d, stderr %q; want 0 and nothing", code, stderr)
	}
}

func TestFileSlug(t *testing.T) {
	long := strings.Repeat("word-", 60)
	cjk := strings.Repeat("北", 100)
	tests := []struct {
		in, want string
	}{
		{"envoy-named", "envoy-named"},
		{long, strings.Repeat("word-", 39) + "word"},
		{cjk, strings.Repeat("北", 66)},
	}
	for _, tt := range tests {
		if got := fileSlug(tt.in); got != tt.want {
			t.Errorf("fileSlug(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestNewIssue writes the next issue after the last one: its number, the
// day's date, and the articles it would collect as a checklist, which the
// curator uncomments into a list the build accepts.
func TestNewIssue(t *testing.T) {
	t.Parallel()
	site := t.TempDir()
	for name, src := range map[string]string{
		"content/2017/05/old.md":      "---\ntitle: Old\ndate: 2017-05-20\n---\nx\n",
		"content/2017/05/envoy.md":    "---\ntitle: Envoy\ndate: 2017-05-29T09:00:00+08:00\n---\nx\n",
		"content/2017/05/draft.md":    "---\ntitle: Draft\ndate: 2017-05-30\ndraft: true\n---\nx\n",
		"content/2017/06/talks.md":    "---\ntitle: Talks resume\ndate: 2017-06-01\n---\nx\n",
		"content/2017/06/tomorrow.md": "---\ntitle: Tomorrow\ndate: 2017-06-05\n---\nx\n",
		"content/issues/3.md":         "---\ndate: 2017-05-28\n---\nThree.\n",
		"site.yaml":                   "timezone: Asia/Manila\n",
	} {
		testkit.WriteFile(t, filepath.Join(site, filepath.FromSlash(name)), src)
	}
	clock := func() time.Time { return time.Date(2017, 6, 4, 12, 0, 0, 0, time.UTC) }
	code, stdout, stderr := runIn(t, env{clock: clock}, "new", "--issue", "-s", site)
	file := filepath.Join(site, "content", "issues", "4.md")
	if code != 0 || stdout != file+"\n" {
		t.Fatalf("new --issue = %d, %q (%s); want 0 and %s", code, stdout, stderr, file)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := `---
number: 4
date: 2017-06-04
# title: the default is "Issue <number>"
# This issue collects the 2 articles dated after issue 3 (2017-05-28) up to its
# own date. Pick the lead, or group them; to choose the articles
# yourself, uncomment "articles:" and keep the lines you want.
# lead: 2017/05/envoy.md
# sections: by tag
# articles:
#   - 2017/05/envoy.md  # [ ] Envoy
#   - 2017/06/talks.md  # [ ] Talks resume
---
Your introduction to this issue, in your own words.
`
	if string(got) != want {
		t.Errorf("content/issues/4.md:\n%s\nwant:\n%s", got, want)
	}
	uncommented := strings.NewReplacer("# lead:", "lead:", "# articles:", "articles:", "#   - ", "  - ").Replace(string(got))
	is, _, err := content.ParseIssue("content/issues/4.md", []byte(uncommented), time.UTC)
	if err != nil || len(is.Articles) != 2 || is.Lead == nil {
		t.Errorf("the checklist, uncommented, reads as %+v, %v; want two articles and a lead", is, err)
	}

	if code, _, stderr := run(t, "new", "--issue", "Headline", "-s", site); code != 2 || !strings.Contains(stderr, "--issue takes no headline") {
		t.Errorf("new --issue Headline = %d, %q; want a usage error", code, stderr)
	}
}
