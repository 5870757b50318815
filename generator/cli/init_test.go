package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/opml"
	"github.com/digest/digest/generator/slug"
	"github.com/digest/digest/internal/testkit"
)

func TestInit(t *testing.T) {
	tests := []struct {
		name string
		dir  func(t *testing.T) string
	}{
		{"empty folder", func(t *testing.T) string { return t.TempDir() }},
		{"missing folder", func(t *testing.T) string { return filepath.Join(t.TempDir(), "a", "my digest") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir(t)
			code, stdout, stderr := run(t, "init", dir)
			if code != 0 || stderr != "" {
				t.Fatalf("digest init = %d, %q", code, stderr)
			}
			for _, want := range []string{"Created a new digest site in " + dir, "site.yaml", "layouts/",
				"pages/about.md", ".gitignore", "subscriptions.opml", "cd " + shellQuote(dir) + " && digest serve", "digest build"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("digest init printed no %q:\n%s", want, stdout)
				}
			}
			if b, err := os.ReadFile(filepath.Join(dir, ".gitignore")); err != nil || string(b) != "/public/\n/.public.*/\n/.digest/\n" {
				t.Errorf(".gitignore = %q, %v; want /public/, /.public.*/ and /.digest/", b, err)
			}
			assertSameFiles(t, testkit.Theme(), os.DirFS(filepath.Join(dir, "layouts")))
			if code, stdout, stderr := run(t, "subscriptions", "-s", dir); code != 0 || !strings.HasPrefix(stdout, "no subscriptions yet") || stderr != "" {
				t.Errorf("digest subscriptions in a new site = %d, %q, %q; want none", code, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, ".github")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("init without --github-pages made .github (%v)", err)
			}
			articles, _ := filepath.Glob(filepath.Join(dir, "content", "*", "*", "*.md"))
			if len(articles) != 2 {
				t.Errorf("init wrote %d articles; want 2", len(articles))
			}
			if _, err := os.Stat(filepath.Join(dir, "content", "pages", "about.md")); err != nil {
				t.Error(err)
			}

			// The new site builds at once.
			code, stdout, stderr = run(t, "check", "-s", dir)
			if code != 0 || !strings.Contains(stdout, "2 articles") || stderr != "" {
				t.Errorf("check of the new site = %d, %q, %q; want 0, 2 articles and no warning", code, stdout, stderr)
			}
			code, _, stderr = run(t, "build", "-s", dir)
			// The only word on stderr is the reminder to set base_url,
			// which a new site's site.yaml leaves to the curator.
			if code != 0 || (stderr != "" && !strings.HasPrefix(stderr, "note: site.yaml sets no base_url")) {
				t.Fatalf("build of the new site = %d, %q", code, stderr)
			}
			for _, page := range []string{"index.html", "about/index.html", "tags/example/index.html",
				"2025/03/11/valley-railway-reopens-after-storm-repairs/index.html", "feed.xml"} {
				if _, err := os.Stat(filepath.Join(dir, "public", page)); err != nil {
					t.Errorf("the built site lacks %s", page)
				}
			}
		})
	}
}

// assertSameFiles checks that got holds every file of want, byte for byte,
// and nothing else.
func assertSameFiles(t *testing.T, want, got fs.FS) {
	t.Helper()
	n := 0
	fs.WalkDir(want, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		w, _ := fs.ReadFile(want, p)
		g, err := fs.ReadFile(got, p)
		if err != nil || !bytes.Equal(w, g) {
			t.Errorf("layouts/%s differs from the theme's (%v)", p, err)
		}
		return nil
	})
	m := 0
	fs.WalkDir(got, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			m++
		}
		return err
	})
	if n == 0 || m != n {
		t.Errorf("layouts/ has %d files; the theme %d", m, n)
	}
}

func TestInitThenNew(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, stderr := run(t, "init", dir); code != 0 {
		t.Fatalf("digest init = %d, %q", code, stderr)
	}
	e := newEnv(t, "2025-03-12T07:00:00Z", pipe("A summary.\n"))
	if code, _, stderr := runIn(t, e, "new", "-s", dir, `Port Evenlow: "library" wins a prize`, "--tags", "Libraries,Example",
		"--source", "Example Gazette", "--url", "https://news.example.com/prize"); code != 0 {
		t.Fatalf("digest new = %d, %q", code, stderr)
	}
	code, stdout, stderr := run(t, "check", "-s", dir)
	if code != 0 || !strings.Contains(stdout, "3 articles") {
		t.Errorf("check = %d, %q, %q; want 0 and 3 articles", code, stdout, stderr)
	}
}

func TestInitRefuses(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T) []string // the arguments
		code     int
		inStderr string
	}{
		{"non-empty folder", func(t *testing.T) []string {
			dir := t.TempDir()
			testkit.WriteFile(t, filepath.Join(dir, "notes.txt"), "mine")
			return []string{dir}
		}, 1, "is not empty (it holds notes.txt)"},
		{"folder with only a hidden file", func(t *testing.T) []string {
			dir := t.TempDir()
			testkit.WriteFile(t, filepath.Join(dir, ".gitignore"), "mine")
			return []string{dir}
		}, 1, "is not empty"},
		{"a file", func(t *testing.T) []string {
			file := filepath.Join(t.TempDir(), "site")
			testkit.WriteFile(t, file, "mine")
			return []string{file}
		}, 1, "is a file, not a folder"},
		{"no folder", func(t *testing.T) []string { return nil }, 2, "missing folder"},
		{"two folders", func(t *testing.T) []string { return []string{t.TempDir(), t.TempDir()} }, 2, "unexpected argument"},
		{"unknown flag", func(t *testing.T) []string { return []string{"--force", t.TempDir()} }, 2, "digest init: unknown flag --force\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"init"}, tt.setup(t)...)
			before := tree(t, args[1:])
			code, stdout, stderr := run(t, args...)
			if code != tt.code || stdout != "" || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("digest %q = %d, stdout %q, stderr %q; want %d, stderr with %q",
					args, code, stdout, stderr, tt.code, tt.inStderr)
			}
			if after := tree(t, args[1:]); !reflect.DeepEqual(before, after) {
				t.Errorf("digest %q changed the folder: %q, then %q", args, before, after)
			}
		})
	}
}

// tree lists the files and folders under the paths among args.
func tree(t *testing.T, args []string) []string {
	t.Helper()
	var out []string
	for _, a := range args {
		filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err == nil {
				out = append(out, p)
			}
			return nil
		})
	}
	return out
}

// brokenFS cannot open one of its files.
type brokenFS struct {
	fstest.MapFS
	bad string
}

func (b brokenFS) Open(name string) (fs.File, error) {
	if name == b.bad {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return b.MapFS.Open(name)
}

func (b brokenFS) ReadFile(name string) ([]byte, error) {
	if name == b.bad {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return b.MapFS.ReadFile(name)
}

func TestInitFailureLeavesNothing(t *testing.T) {
	broken := brokenFS{fstest.MapFS{
		"base.html":    {Data: []byte("base")},
		"static/z.css": {Data: []byte("z")},
		"zz/late.html": {Data: []byte("late")},
	}, "zz/late.html"}
	empty := t.TempDir()
	missing := filepath.Join(t.TempDir(), "a", "b")
	for _, dir := range []string{empty, missing} {
		var stdout, stderr bytes.Buffer
		code := Main([]string{"init", dir}, broken, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), "zz/late.html") {
			t.Errorf("digest init %s with a broken theme = %d, %q; want 1 and the file named", dir, code, stderr.String())
		}
		if got := tree(t, []string{filepath.Dir(filepath.Dir(missing))}); len(got) != 1 {
			t.Errorf("a failed init left %q", got)
		}
		if got := tree(t, []string{empty}); len(got) != 1 {
			t.Errorf("a failed init left %q", got)
		}
	}
}

func TestInitHelp(t *testing.T) {
	code, stdout, stderr := run(t, "init", "--help")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "Usage:\n  digest init [--github-pages] DIR") ||
		!strings.Contains(stdout, "\n  -github-pages\n") || !strings.Contains(stdout, "Example:\n  digest init ") {
		t.Errorf("digest init --help = %d, %q, %q", code, stdout, stderr)
	}
}

// setting is a commented-out line of the skeleton's site.yaml: "#key: ..."
// with no space after the "#", or "#  ..." (two spaces) under such a key.
// Explanations are "# ..." (one space).
var setting = regexp.MustCompile(`(?m)^#([^ \n]|  )`)

// TestSkeletonSiteYAML checks that site.yaml names every key of
// config.Config, commented out, and that it is valid with all of them
// uncommented.
func TestSkeletonSiteYAML(t *testing.T) {
	src, err := fs.ReadFile(skeleton, "skeleton/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(src)
	if err != nil {
		t.Fatalf("site.yaml as written: %v", err)
	}
	if !reflect.DeepEqual(c, config.Default()) {
		t.Errorf("site.yaml as written sets something: %+v", c)
	}

	on := setting.ReplaceAll(src, []byte("$1"))
	c, err = config.Parse(on)
	if err != nil {
		t.Fatalf("site.yaml uncommented: %v\n%s", err, on)
	}
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "-" {
			continue
		}
		if !bytes.Contains(src, []byte("\n#"+key+":")) {
			t.Errorf("site.yaml lacks a commented-out %s", key)
		}
		if v.Field(i).IsZero() && f.Type.Kind() != reflect.Bool {
			t.Errorf("site.yaml uncommented leaves %s unset", key)
		}
	}
	if c.TagAliases["N. Korea"] != "North Korea" {
		t.Errorf("site.yaml uncommented = %+v", c)
	}
}

// TestSkeletonArticles checks the examples read as a build reads them, and
// sit where digest new would have put them.
func TestSkeletonArticles(t *testing.T) {
	n := 0
	err := fs.WalkDir(skeleton, "skeleton/content", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "skeleton/content/pages/") {
			return err
		}
		n++
		name := strings.TrimPrefix(p, "skeleton/")
		src, _ := fs.ReadFile(skeleton, p)
		a, warnings, err := content.ParseArticle(name, src, time.UTC)
		if err != nil || len(warnings) > 0 {
			t.Errorf("%s: %v %v", name, err, warnings)
			return nil
		}
		want := path.Join("content", a.Date.Format("2006/01"), slug.Make(a.Title)+".md")
		if name != want {
			t.Errorf("%s should be %s, where digest new puts it", name, want)
		}
		if len(a.Tags) == 0 || a.Source == "" || !regexp.MustCompile(`^https://[a-z.]*example\.(com|org)/`).MatchString(a.SourceURL) {
			t.Errorf("%s: tags %q, source %q, source_url %q; want all, on an example domain", name, a.Tags, a.Source, a.SourceURL)
		}
		return nil
	})
	if err != nil || n != 2 {
		t.Errorf("skeleton has %d articles (%v); want 2", n, err)
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"site", "site"},
		{"/tmp/my-digest_2", "/tmp/my-digest_2"},
		{"my digest", "'my digest'"},
		{"it's", `'it'\''s'`},
	}
	for _, tt := range tests {
		if got := shellQuote(tt.in); got != tt.want {
			t.Errorf("shellQuote(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// workflowFile is the part of a GitHub Actions workflow that digest init
// writes; decoding with known fields only catches a misspelt key.
type workflowFile struct {
	Name        string            `yaml:"name"`
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Concurrency map[string]any    `yaml:"concurrency"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]struct {
		RunsOn      string            `yaml:"runs-on"`
		Needs       string            `yaml:"needs"`
		Permissions map[string]string `yaml:"permissions"`
		Environment map[string]string `yaml:"environment"`
		Steps       []workflowStep    `yaml:"steps"`
	} `yaml:"jobs"`
}

type workflowStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// TestInitGitHubPages checks the workflow init --github-pages writes: its
// jobs and steps, and that the shell commands of its build step build the
// new site for a project site's sub-path.
func TestInitGitHubPages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-digest")
	code, stdout, stderr := run(t, "init", "--github-pages", dir)
	if code != 0 || stderr != "" || !strings.Contains(stdout, workflowPath) || !strings.Contains(stdout, `Source to "GitHub Actions"`) {
		t.Fatalf("digest init --github-pages = %d, %q, %q", code, stdout, stderr)
	}
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(workflowPath)))
	if err != nil {
		t.Fatal(err)
	}
	var w workflowFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("%s: %v", workflowPath, err)
	}

	if _, ok := w.On["push"]; !ok || w.Permissions["contents"] != "read" || w.Env["DIGEST_VERSION"] != "latest" {
		t.Errorf("workflow on %v, permissions %v, env %v; want push, contents: read, DIGEST_VERSION: latest",
			w.On, w.Permissions, w.Env)
	}
	steps := func(job string) []string {
		var got []string
		for _, s := range w.Jobs[job].Steps {
			if s.Uses != "" {
				got = append(got, s.Uses)
			} else {
				got = append(got, "run: "+s.Run)
			}
		}
		return got
	}
	wantBuild := []string{
		"actions/checkout@v7",
		"actions/setup-go@v7",
		"actions/configure-pages@v6",
		`run: go install "` + modulePath(t) + `@$DIGEST_VERSION"`,
		`run: digest build --base-url "$BASE_URL"`,
		"actions/upload-pages-artifact@v5",
	}
	if got := steps("build"); !reflect.DeepEqual(got, wantBuild) {
		t.Errorf("build steps:\n%q\nwant\n%q", got, wantBuild)
	}
	if got, want := steps("deploy"), []string{"actions/deploy-pages@v5"}; !reflect.DeepEqual(got, want) {
		t.Errorf("deploy steps %q; want %q", got, want)
	}
	deploy := w.Jobs["deploy"]
	if len(w.Jobs) != 2 || deploy.Needs != "build" || deploy.Permissions["pages"] != "write" ||
		deploy.Permissions["id-token"] != "write" || deploy.Environment["name"] != "github-pages" {
		t.Errorf("jobs %+v; want build, then deploy to github-pages with pages and id-token write", w.Jobs)
	}
	build := w.Jobs["build"].Steps
	if with := build[1].With; with["cache-dependency-path"] != workflowPath {
		t.Errorf("setup-go with %v; want the cache keyed on %s", with, workflowPath)
	}
	upload := build[len(build)-1].With["path"]
	if upload != "public" {
		t.Errorf("upload-pages-artifact path %q; want public, where digest build writes", upload)
	}

	// Run the build step's commands as Actions would, in the new site with
	// digest on PATH and the base URL configure-pages gives a project site.
	const baseURL = "https://someone.github.io/my-digest"
	exprs := map[string]string{"${{ steps.pages.outputs.base_url }}": baseURL}
	environ := digestOnPath(t)
	for k, v := range w.Env {
		environ = append(environ, k+"="+v)
	}
	for _, s := range build {
		if s.Run == "" || strings.HasPrefix(s.Run, "go install ") { // go install needs the network
			continue
		}
		env := slices.Clone(environ)
		for k, v := range s.Env {
			for expr, val := range exprs {
				v = strings.ReplaceAll(v, expr, val)
			}
			if strings.Contains(v, "${{") {
				t.Fatalf("step %q: env %s=%s: an expression this test does not know", s.Name, k, v)
			}
			env = append(env, k+"="+v)
		}
		runShell(t, dir, s.Run, env)
	}
	index, err := os.ReadFile(filepath.Join(dir, upload, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	// A project site lives below the repository's path: the canonical link
	// is the whole address, and the stylesheet carries the path too.
	for _, want := range []string{`href="` + baseURL + `/"`, `href="/my-digest/style.css"`} {
		if !strings.Contains(string(index), want) {
			t.Errorf("%s/index.html has no %s", upload, want)
		}
	}
}

// digestOnPath returns the environment with a digest command on PATH: this
// test binary, acting as digest.
func digestOnPath(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run shell commands")
	}
	bin := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, filepath.Join(bin, "digest")); err != nil {
		t.Fatal(err)
	}
	layouts := filepath.Join(testkit.Root(), "layouts")
	return append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), digestTheme+"="+layouts)
}

// runShell runs script with sh in dir, failing the test if it fails.
func runShell(t *testing.T, dir, script string, env []string) {
	t.Helper()
	cmd := exec.Command("sh", "-e", "-c", script)
	cmd.Dir = dir
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}

// modulePath is digest's module path, from go.mod.
func modulePath(t *testing.T) string {
	t.Helper()
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(mod), "\n")
	return strings.TrimPrefix(first, "module ")
}

func TestPinnable(t *testing.T) {
	tests := []struct{ version, want string }{
		{"v0.1.0", "v0.1.0"},
		{"v1.12.3", "v1.12.3"},
		{"v0.0.0-20261129070640-c97431b1a2b3", "latest"},
		{"v0.1.1-0.20261129070640-c97431b1a2b3+dirty", "latest"},
		{"v0.2.0-rc.1", "latest"},
		{"(devel)", "latest"},
		{"", "latest"},
	}
	for _, tt := range tests {
		if got := pinnable(tt.version); got != tt.want {
			t.Errorf("pinnable(%q) = %q; want %q", tt.version, got, tt.want)
		}
	}
}

func TestWorkflowVersion(t *testing.T) {
	got := string(workflow("v0.3.1"))
	if !strings.Contains(got, "\n  DIGEST_VERSION: v0.3.1\n") || strings.Contains(got, "DIGEST_VERSION: latest") {
		t.Errorf("workflow(v0.3.1) does not pin v0.3.1:\n%s", got)
	}
}

// TestSkeletonSubscriptions checks that the list init writes is the one
// subscribe would write for no feeds, so the first subscribe changes only
// its body.
func TestSkeletonSubscriptions(t *testing.T) {
	src, err := fs.ReadFile(skeleton, "skeleton/"+subscriptionsFile)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := opml.Write(&want, &opml.List{Title: "Subscriptions"}); err != nil {
		t.Fatal(err)
	}
	if string(src) != want.String() {
		t.Errorf("skeleton/%s =\n%s\nwant\n%s", subscriptionsFile, src, want.String())
	}
}
