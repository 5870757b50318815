package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digest/digest/generator/inbox"
	"github.com/digest/digest/internal/testkit"
)

// TestTriage runs a curator's session over an inbox of three drafts:
// inbox, mistakes that move nothing, publish two, reject one, inbox again.
func TestTriage(t *testing.T) {
	t.Parallel()
	site := newSite(t, "Asia/Manila")
	inboxDir := filepath.Join(site, "content", "inbox")
	files := map[string]string{
		"envoy.md": "---\n# fetched from INQUIRER.net\ntitle: \"US envoy: China presses North Korea\"\n" +
			"source: INQUIRER.net\nsource_url: https://globalnation.inquirer.net/1?utm_source=rss\ndraft: true # yours to publish\ntags: [China]\n---\nBody.\n",
		"marawi.md": "---\ntitle: Marawi siege enters its sixth week\ndate: 2017-06-28T09:00:00+08:00\n" +
			"source_url: https://www.rappler.com/marawi\ndraft: true\n---\n" + inbox.Marker + "\n\nThe source's text.\n",
		"gossip.md": "---\ntitle: Celebrity gossip\ndate: 2017-06-29 08:00\nsource: Tabloid\n" +
			"source_url: http://www.tabloid.example/gossip#top\ndraft: true\n---\nBody.\n",
		"plain.md": "---\ntitle: A note without a source\ndate: 2017-06-27\ndraft: true\n---\nBody.\n",
	}
	for name, src := range files {
		testkit.WriteFile(t, filepath.Join(inboxDir, name), src)
	}
	testkit.WriteFile(t, filepath.Join(site, "content", "2017", "06", "taken.md"),
		"---\ntitle: Taken\ndate: 2017-06-28\n---\n")
	testkit.WriteFile(t, filepath.Join(inboxDir, "taken.md"),
		"---\ntitle: Taken\ndate: 2017-06-28 12:00\ndraft: true\n---\n")
	testkit.WriteFile(t, filepath.Join(site, "content", "2017", "06", "published.md"),
		"---\ntitle: Published\ndate: 2017-06-28\n---\n")
	testkit.WriteFile(t, filepath.Join(site, "content", "2017", "06", "broken.md"),
		"---\ntitle: Broken\ndate: 31 June\ndraft: true\n---\n")
	testkit.WriteFile(t, filepath.Join(site, "notes.md"), "---\ntitle: Notes\ndraft: true\n---\n")
	p := func(rel string) string { return filepath.Join(site, filepath.FromSlash(rel)) }
	e := newEnv(t, "2017-06-29T02:03:04.5Z", terminal)
	steps := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"inbox", "-s", site}, 0,
			"2017-06-29 08:00  Celebrity gossip\n" +
				"                  Tabloid · http://www.tabloid.example/gossip#top\n" +
				"                  " + p("content/inbox/gossip.md") + "\n\n" +
				"2017-06-28 12:00  Taken\n                  no source\n                  " + p("content/inbox/taken.md") + "\n\n" +
				"2017-06-28 09:00  Marawi siege enters its sixth week\n" +
				"                  https://www.rappler.com/marawi\n" +
				"                  " + p("content/inbox/marawi.md") + "\n\n" +
				"2017-06-27        A note without a source\n                  no source\n                  " + p("content/inbox/plain.md") + "\n\n" +
				"undated           US envoy: China presses North Korea\n" +
				"                  INQUIRER.net · https://globalnation.inquirer.net/1?utm_source=rss\n" +
				"                  " + p("content/inbox/envoy.md") + "\n\n" +
				"5 drafts: digest publish FILE… publishes, digest reject FILE… rejects\n", ""},
		// Every file is checked, and one mistake moves nothing.
		{[]string{"publish", "-s", site, p("content/inbox/envoy.md"), p("content/inbox/taken.md"), p("content/2017/06/published.md"),
			p("content/2017/06/broken.md"), p("notes.md"), p("content/inbox/missing.md")}, 1, "",
			p("content/2017/06/broken.md") + ":3:7: date: cannot read \"31 June\" (want 2006-01-02 or RFC 3339)\n" +
				p("content/2017/06/published.md") + ": not a draft (no draft: true)\n" +
				p("content/inbox/missing.md") + ": no such file or directory\n" +
				p("content/inbox/taken.md") + ": " + p("content/2017/06/taken.md") + " already exists; set slug: to publish under another name\n" +
				p("notes.md") + ": not in " + p("content") + "\n" +
				"digest publish: 5 errors; nothing was moved\n"},
		{[]string{"publish", "-s", site, p("content/inbox/envoy.md"), p("content/inbox/envoy.md")}, 1, "",
			p("content/inbox/envoy.md") + ": would be published to " + p("content/2017/06/us-envoy-china-presses-north-korea.md") +
				", as " + p("content/inbox/envoy.md") + " would\ndigest publish: 1 error; nothing was moved\n"},
		{[]string{"reject", "-s", site, p("content/inbox/gossip.md"), p("content/2017/06/published.md")}, 1, "",
			p("content/2017/06/published.md") + ": not a draft (no draft: true)\ndigest reject: 1 error; nothing was deleted\n"},
		{[]string{"publish", "-s", site}, 2, "",
			"digest publish: missing draft file\nusage: digest publish [-s DIR] FILE…\nRun \"digest publish --help\" for more.\n"},
		{[]string{"publish", "-s", site, p("content/inbox/envoy.md"), p("content/inbox/marawi.md")}, 0,
			"published " + p("content/inbox/envoy.md") + " as " + p("content/2017/06/us-envoy-china-presses-north-korea.md") + "\n" +
				"published " + p("content/inbox/marawi.md") + " as " + p("content/2017/06/marawi-siege-enters-its-sixth-week.md") + "\n",
			"note: " + p("content/2017/06/marawi-siege-enters-its-sixth-week.md") + " still holds the source's own text, under the line " +
				inbox.Marker + ": rewrite it in your words\n"},
		{[]string{"reject", "-s", site, p("content/inbox/gossip.md"), p("content/inbox/plain.md"), p("content/inbox/taken.md")}, 0,
			"rejected " + p("content/inbox/gossip.md") + "; http://www.tabloid.example/gossip is remembered in " + p("rejected.txt") + "\n" +
				"rejected " + p("content/inbox/plain.md") + "; it had no source_url, so there was nothing to remember\n" +
				"rejected " + p("content/inbox/taken.md") + "; it had no source_url, so there was nothing to remember\n", ""},
		{[]string{"inbox", "-s", site}, 0, "the inbox is empty: digest fetch and digest add URL bring stories in\n", ""},
	}
	for _, s := range steps {
		code, stdout, stderr := runIn(t, e, s.args...)
		if code != s.code || stdout != s.stdout || stderr != s.stderr {
			t.Errorf("digest %s = %d\nstdout %q\nstderr %q\nwant %d\nstdout %q\nstderr %q",
				strings.Join(s.args, " "), code, stdout, stderr, s.code, s.stdout, s.stderr)
		}
	}
	got := testkit.ReadTree(t, filepath.Join(site, "content"))
	want := map[string]string{
		"2017/06/us-envoy-china-presses-north-korea.md": "---\n# fetched from INQUIRER.net\ntitle: \"US envoy: China presses North Korea\"\n" +
			"source: INQUIRER.net\nsource_url: https://globalnation.inquirer.net/1?utm_source=rss\n" +
			"date: 2017-06-29T10:03:04+08:00\ndraft: false # yours to publish\ntags: [China]\n---\nBody.\n",
		"2017/06/marawi-siege-enters-its-sixth-week.md": strings.Replace(files["marawi.md"], "draft: true", "draft: false", 1),
		"2017/06/taken.md":     "---\ntitle: Taken\ndate: 2017-06-28\n---\n",
		"2017/06/published.md": "---\ntitle: Published\ndate: 2017-06-28\n---\n",
		"2017/06/broken.md":    "---\ntitle: Broken\ndate: 31 June\ndraft: true\n---\n",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("content/%s =\n%s\nwant\n%s", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("content holds %d files; want %d: %v", len(got), len(want), got)
	}
	rejected, err := os.ReadFile(p("rejected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://www.tabloid.example/gossip\tCelebrity gossip\n"; !strings.HasSuffix(string(rejected), "\n"+want) {
		t.Errorf("rejected.txt =\n%s\nwant it to end with\n%s", rejected, want)
	}
	// The site builds with what was published.
	if err := os.Remove(p("content/2017/06/broken.md")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runIn(t, e, "check", "-s", site); code != 0 {
		t.Errorf("digest check after the session = %d: %s", code, stderr)
	}
}
