package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/generator/hosts"
	"github.com/digest/digest/internal/testkit"
)

// digestTheme, set in the environment, makes the test binary run as the
// digest command with that theme folder, for tests that run shell commands
// calling digest.
const digestTheme = "DIGEST_TEST_AS_DIGEST_THEME"

func TestMain(m *testing.M) {
	if dir := os.Getenv(digestTheme); dir != "" {
		os.Exit(Main(os.Args[1:], os.DirFS(dir), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// run runs digest with args, as runIn does in an empty env.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runIn(t, env{}, args...)
}

// runIn runs digest with args in e, filling in what e leaves unset: the
// theme in layouts/, standard input a terminal, the real clock and the
// hosts' real limits. It returns the exit status and what digest printed.
func runIn(t *testing.T, e env, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e.stdout, e.stderr = &stdout, &stderr
	if e.theme == nil {
		e.theme = testkit.Theme()
	}
	if e.stdin == nil {
		e.stdin = terminal
	}
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.limits == nil {
		e.limits = hosts.Limits
	}
	code := e.main(args)
	return code, stdout.String(), stderr.String()
}

const goodArticle = "---\ntitle: A story\ndate: 2017-05-31\ntags: [China]\n---\nBody.\n"

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{nil, 2, "", "Usage:"},
		{[]string{"--help"}, 0, "Usage:", ""},
		{[]string{"frobnicate"}, 2, "", "digest: unknown command \"frobnicate\"\nRun \"digest --help\" for the commands.\n"},
		{[]string{"biuld"}, 2, "", `digest: unknown command "biuld" (did you mean build?)`},
		{[]string{"build", "--help"}, 0, "Example:", ""},
		{[]string{"check", "--help"}, 0, "digest check", ""},
		{[]string{"version", "--help"}, 0, "Example:", ""},
		{[]string{"build", "--nope"}, 2, "", "digest build: unknown flag --nope\nusage: digest build [-s DIR] [-o DIR]"},
		{[]string{"build", "--nope"}, 2, "", "]\nRun \"digest build --help\" for more.\n"},
		{[]string{"build", "--quite"}, 2, "", "digest build: unknown flag --quite (did you mean --quiet?)\n"},
		{[]string{"check", "--draft"}, 2, "", "digest check: unknown flag --draft (did you mean --drafts?)\n"},
		{[]string{"serve", "--port", "x"}, 2, "", `digest serve: invalid value "x" for flag --port: parse error`},
		{[]string{"build", "-o"}, 2, "", "digest build: flag needs an argument: -o\n"},
		{[]string{"build", "extra"}, 2, "", `unexpected argument "extra"`},
		{[]string{"version"}, 0, "digest " + Version, ""},
	}
	for _, tt := range tests {
		code, stdout, stderr := run(t, tt.args...)
		if code == 0 && stderr != "" {
			t.Errorf("digest %q wrote to stderr on success: %q", tt.args, stderr)
		}
		if code != tt.code || !strings.Contains(stdout, tt.inStdout) || !strings.Contains(stderr, tt.inStderr) {
			t.Errorf("digest %q = %d, stdout %q, stderr %q; want %d, stdout with %q, stderr with %q",
				tt.args, code, stdout, stderr, tt.code, tt.inStdout, tt.inStderr)
		}
	}
}

func TestBuildThenBrokenBuildKeepsOutput(t *testing.T) {
	site := t.TempDir()
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), goodArticle)
	code, stdout, stderr := run(t, "build", "-s", site)
	if code != 0 {
		t.Fatalf("build = %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "1 article, 1 tag") {
		t.Errorf("summary %q lacks the counts", stdout)
	}
	index := filepath.Join(site, "public", "index.html")
	before, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}

	testkit.WriteFile(t, filepath.Join(site, "content", "b.md"), "---\ntitle: B\ndate: May 31st\n---\n")
	testkit.WriteFile(t, filepath.Join(site, "content", "c.md"), "---\ntitle: C\n")
	code, _, stderr = run(t, "build", "-s", site)
	if code != 1 {
		t.Fatalf("broken build = %d; want 1", code)
	}
	for _, want := range []string{"content/b.md:3:7: date:", "content/c.md:1:1:", "2 errors; nothing was written"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	after, err := os.ReadFile(index)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("a failed build changed public/index.html (err %v)", err)
	}
	entries, _ := os.ReadDir(site)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && e.Name() != ".digest" {
			t.Errorf("failed build left %s in the site folder", e.Name())
		}
	}

	code, stdout, _ = run(t, "check", "-s", site)
	if code != 1 || stdout != "" {
		t.Errorf("check of a broken site = %d, %q; want 1 and no output", code, stdout)
	}
}

func TestBuildRefusesForeignFolder(t *testing.T) {
	site := t.TempDir()
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), goodArticle)
	out := filepath.Join(t.TempDir(), "mine")
	testkit.WriteFile(t, filepath.Join(out, "precious.txt"), "keep me")
	code, _, stderr := run(t, "build", "-s", site, "-o", out)
	if code != 1 || !strings.Contains(stderr, "digest did not write it") {
		t.Errorf("build into a foreign folder = %d, %q; want 1 and a refusal", code, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(out, "precious.txt")); err != nil || string(b) != "keep me" {
		t.Errorf("precious.txt was touched: %q, %v", b, err)
	}
}

func TestBuildFlags(t *testing.T) {
	site := t.TempDir()
	testkit.WriteFile(t, filepath.Join(site, "content", "a.md"), goodArticle)
	testkit.WriteFile(t, filepath.Join(site, "content", "d.md"), "---\ntitle: Draft\ndate: 2017-05-30\ndraft: true\n---\n")
	testkit.WriteFile(t, filepath.Join(site, "content", "f.md"), "---\ntitle: Future\ndate: 2999-01-01\n---\n")
	out := filepath.Join(t.TempDir(), "out")

	code, stdout, stderr := run(t, "build", "-s", site, "-o", out)
	if code != 0 || !strings.Contains(stdout, "left out 1 draft (--drafts to include) and 1 future article") {
		t.Errorf("build = %d, %q, %q; want the left-out counts", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "site.yaml sets no base_url") {
		t.Errorf("a build without base_url gave no reminder: %q", stderr)
	}
	code, stdout, stderr = run(t, "build", "-s", site, "-o", out, "--drafts", "--future", "--quiet", "--base-url", "https://news.example.org/")
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("quiet build = %d, %q, %q; want 0 and no output", code, stdout, stderr)
	}
	feed, err := os.ReadFile(filepath.Join(out, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://news.example.org/2017/05/30/draft/", "https://news.example.org/2999/01/01/future/"} {
		if !bytes.Contains(feed, []byte(want)) {
			t.Errorf("feed.xml lacks %s", want)
		}
	}
	if code, _, stderr := run(t, "build", "-s", filepath.Join(site, "nope")); code != 1 || !strings.Contains(stderr, "site folder") {
		t.Errorf("build of a missing folder = %d, %q", code, stderr)
	}
}

func TestRebuildSkipsWhenNothingChanged(t *testing.T) {
	site := t.TempDir()
	article := filepath.Join(site, "content", "a.md")
	testkit.WriteFile(t, article, goodArticle)
	if code, stdout, stderr := run(t, "build", "-s", site); code != 0 || !strings.Contains(stdout, "0 unchanged") {
		t.Fatalf("first build = %d, %q, %q", code, stdout, stderr)
	}
	code, stdout, _ := run(t, "build", "-s", site)
	if code != 0 || !strings.Contains(stdout, "nothing changed since the last build") {
		t.Errorf("second build = %d, %q; want nothing changed", code, stdout)
	}
	testkit.WriteFile(t, article, strings.Replace(goodArticle, "Body.", "New body.", 1))
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(article, later, later); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = run(t, "build", "-s", site)
	if code != 0 || !strings.Contains(stdout, "1 article") || strings.Contains(stdout, " 0 written") {
		t.Errorf("build after an edit = %d, %q; want some files written", code, stdout)
	}
	page, err := os.ReadFile(filepath.Join(site, "public", "2017", "05", "31", "a-story", "index.html"))
	if err != nil || !bytes.Contains(page, []byte("New body.")) {
		t.Errorf("the edit is not in the article page (err %v)", err)
	}
}
