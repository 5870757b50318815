package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// fence is a fenced code block of Markdown: its language and text.
var fence = regexp.MustCompile("(?ms)^```([a-z]*)\n(.*?)^```$")

// docBlocks returns the code blocks of docs/publishing.md in language lang.
func docBlocks(t *testing.T, lang string) []string {
	t.Helper()
	src, err := os.ReadFile("../../docs/publishing.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, m := range fence.FindAllStringSubmatch(string(src), -1) {
		if m[1] == lang {
			blocks = append(blocks, m[2])
		}
	}
	return blocks
}

// TestPublishingWorkflow checks that docs/publishing.md shows the workflow
// digest init --github-pages writes, as it writes it.
func TestPublishingWorkflow(t *testing.T) {
	for _, b := range docBlocks(t, "yaml") {
		if strings.HasPrefix(b, "# Builds this digest") {
			if b != string(pagesWorkflow) {
				t.Errorf("docs/publishing.md shows a workflow other than pages.yml:\n%s", b)
			}
			return
		}
	}
	t.Error("docs/publishing.md shows no workflow")
}

// TestPublishingVersions checks that the recipes pin this release of
// digest and the Go that go.mod asks for.
func TestPublishingVersions(t *testing.T) {
	src, err := os.ReadFile("../../docs/publishing.md")
	if err != nil {
		t.Fatal(err)
	}
	pins := regexp.MustCompile(modulePath(t)+`@(v[0-9.]+)`).FindAllStringSubmatch(string(src), -1)
	if len(pins) == 0 {
		t.Error("docs/publishing.md pins no release of digest")
	}
	for _, p := range pins {
		if p[1] != "v"+Version {
			t.Errorf("docs/publishing.md installs digest %s; this is %s", p[1], Version)
		}
	}
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go ([0-9.]+)$`).FindSubmatch(mod)
	gos := regexp.MustCompile(`GO_VERSION\W+([0-9.]+)`).FindAllStringSubmatch(string(src), -1)
	if goVersion == nil || len(gos) < 2 {
		t.Fatalf("go.mod's go %q; GO_VERSION in docs/publishing.md %q; want both, twice in the docs", goVersion, gos)
	}
	for _, g := range gos {
		if g[1] != string(goVersion[1]) {
			t.Errorf("docs/publishing.md sets GO_VERSION %s; go.mod asks for %s", g[1], goVersion[1])
		}
	}
}

// netlifyConfig is the part of netlify.toml the recipe sets.
type netlifyConfig struct {
	Build struct {
		Command     string            `toml:"command"`
		Publish     string            `toml:"publish"`
		Environment map[string]string `toml:"environment"`
	} `toml:"build"`
	Context map[string]struct {
		Command string `toml:"command"`
	} `toml:"context"`
}

// TestPublishingNetlify checks the netlify.toml of docs/publishing.md
// decodes, and that each of its build commands builds a new site for the
// address Netlify gives it.
func TestPublishingNetlify(t *testing.T) {
	blocks := docBlocks(t, "toml")
	if len(blocks) != 1 {
		t.Fatalf("docs/publishing.md has %d TOML blocks; want one netlify.toml", len(blocks))
	}
	var c netlifyConfig
	md, err := toml.Decode(blocks[0], &c)
	if err != nil {
		t.Fatalf("netlify.toml: %v", err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Errorf("netlify.toml has keys this test does not know: %v", u)
	}
	if c.Build.Publish != "public" || c.Build.Environment["GO_VERSION"] == "" {
		t.Errorf("netlify.toml publishes %q with GO_VERSION %q; want public, and a Go version",
			c.Build.Publish, c.Build.Environment["GO_VERSION"])
	}

	commands := map[string]string{"production": c.Build.Command}
	for name, ctx := range c.Context {
		commands[name] = ctx.Command
	}
	if len(commands) != 3 {
		t.Errorf("netlify.toml has commands for %v; want production, deploy-preview and branch-deploy", commands)
	}
	// Netlify's addresses end in no slash.
	env := append(digestOnPath(t), "URL=https://my-digest.netlify.app",
		"DEPLOY_PRIME_URL=https://deploy-preview-7--my-digest.netlify.app")
	want := map[string]string{
		"production":     "https://my-digest.netlify.app/",
		"deploy-preview": "https://deploy-preview-7--my-digest.netlify.app/",
		"branch-deploy":  "https://deploy-preview-7--my-digest.netlify.app/",
	}
	install := "go run " + modulePath(t) + "@v" + Version + " "
	for name, command := range commands {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "site")
			if code, _, stderr := run(t, "init", dir); code != 0 {
				t.Fatalf("digest init = %d, %q", code, stderr)
			}
			script, ok := strings.CutPrefix(command, install)
			if !ok {
				t.Fatalf("command %q does not start with %q", command, install)
			}
			runShell(t, dir, "digest "+script, env)
			index, err := os.ReadFile(filepath.Join(dir, c.Build.Publish, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(index), `href="`+want[name]+`"`) {
				t.Errorf("%s: index.html links no %s", command, want[name])
			}
		})
	}
}
