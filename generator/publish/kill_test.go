package publish_test

import (
	"bufio"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/digest/digest/generator/publish"
	"github.com/digest/digest/internal/testkit"
)

// The kill test builds a generated site with the real digest binary, kills
// the build with SIGKILL at random moments (many of them inside the
// commit), and checks after each kill that the output is exactly the old
// site or the new one, and that the next build leaves the new site and no
// debris. The names it checks are spelled out rather than taken from the
// package, so that it runs against older versions of digest too.
//
// DIGEST_KILL_RUNS sets the number of kills (default 6) and
// DIGEST_KILL_ARTICLES the size of the site (default 250).
func TestKillDuringBuild(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL on windows")
	}
	runs := envInt(t, "DIGEST_KILL_RUNS", 6)
	articles := envInt(t, "DIGEST_KILL_ARTICLES", 250)
	root := t.TempDir()
	bin := buildDigest(t, root)
	site := filepath.Join(root, "site")
	out := filepath.Join(root, "out", "public")
	writeKillSite(t, site, articles)
	version := map[bool]string{false: "content", true: "content-b"}

	// The two sites, built whole, each into a folder of its own.
	refs := map[bool]map[string]string{}
	var full time.Duration
	for _, b := range []bool{false, true} {
		if b {
			swapContent(t, site)
		}
		ref := filepath.Join(root, "ref", version[b])
		start := time.Now()
		digest(t, bin, site, ref)
		full = max(full, time.Since(start))
		refs[b] = siteFiles(t, ref)
	}
	swapContent(t, site) // back to the first
	// Only the state of the output under test stays.
	if err := os.RemoveAll(filepath.Join(site, ".digest")); err != nil {
		t.Fatal(err)
	}
	if maps.Equal(refs[false], refs[true]) {
		t.Fatal("the two versions of the site build the same")
	}
	digest(t, bin, site, out)
	current := false
	// How long a build from one version to the other takes, and its
	// commit, to aim the kills: half of them anywhere in the build, half
	// in the commit, which starts when the build has printed the time of
	// its last step.
	swapContent(t, site)
	span, commit, _ := killAt(t, bin, site, out, -1, false)
	current = !current
	t.Logf("%d articles: a full build takes %v, a rebuild of the other version %v, of which the commit %v", articles, full, span, commit)

	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	counts := map[string]int{}
	inCommit := 0 // kills timed from the start of the commit that came before its end
	for run := range runs {
		swapContent(t, site)
		next := !current
		atCommit := run%2 == 1
		delay := time.Duration(r.Int64N(int64(span)))
		if atCommit {
			delay = time.Duration(r.Int64N(int64(commit)*3/2 + 1))
		}
		_, _, finished := killAt(t, bin, site, out, delay, atCommit)

		got := siteFiles(t, out)
		var is string
		switch {
		case maps.Equal(got, refs[next]):
			is = "new"
		case maps.Equal(got, refs[current]):
			is = "old"
		default:
			t.Fatalf("run %d, killed after %v: the output is neither site: %s", run, delay, treeDiff(got, refs[current], refs[next]))
		}
		moment := killMoment(t, site, out, finished, is)
		counts[moment]++
		if atCommit && !finished {
			inCommit++
		}

		// The next build repairs everything and leaves no debris.
		digest(t, bin, site, out)
		if got := siteFiles(t, out); !maps.Equal(got, refs[next]) {
			t.Fatalf("run %d (%s): the build after the kill gives the wrong site: %s", run, moment, treeDiff(got, refs[current], refs[next]))
		}
		if debris := leftovers(t, site, out); len(debris) > 0 {
			t.Fatalf("run %d (%s): the build after the kill left %q", run, moment, debris)
		}
		current = next
		t.Logf("run %d: killed %v into the %s (%s): the output was the %s site; the next build repaired it",
			run, delay, map[bool]string{false: "build", true: "commit"}[atCommit], moment, is)
	}
	t.Logf("%d kills, %d of them inside the commit; by what they left: %v; failures: 0", runs, inCommit, counts)
}

// killMoment tells when a killed build stopped, from what it left: before
// it wrote its new state (rendering, or staging the new site), in its
// commit before the swap (the new state written, the old site in place),
// after the swap (the new site in place, the old one or its state not yet
// removed), or after all that.
func killMoment(t *testing.T, site, out string, finished bool, is string) string {
	t.Helper()
	if finished {
		return "finished"
	}
	states, _ := filepath.Glob(filepath.Join(site, ".digest", "build", "*", "manifest-*"))
	debris := len(leftovers(t, site, out)) > 0
	switch {
	case is == "old" && len(states) > 1:
		return "new state written, before the swap"
	case is == "old":
		return "before the new state"
	case debris || len(states) > 1:
		return "after the swap, before the clean-up"
	default:
		return "after the clean-up"
	}
}

// leftovers lists what is beside the output folder and should not be, and
// extra states. One spare, the last site kept for the next build to stage
// in, is allowed when it holds its token.
func leftovers(t *testing.T, site, out string) []string {
	t.Helper()
	var extra []string
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	spares := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(out)+".spare-") {
			spares++
			if _, err := os.Stat(filepath.Join(filepath.Dir(out), e.Name(), ".digest-spare")); err == nil && spares == 1 {
				continue
			}
		}
		if e.Name() != filepath.Base(out) {
			extra = append(extra, e.Name())
		}
	}
	states, _ := filepath.Glob(filepath.Join(site, ".digest", "build", "*", "manifest-*"))
	if len(states) > 1 {
		extra = append(extra, states...)
	}
	return extra
}

// siteFiles reads every file of a built site but its marker.
func siteFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := testkit.ReadTree(t, dir)
	delete(files, publish.Marker)
	return files
}

// treeDiff says how got differs from the old and new sites.
func treeDiff(got, old, new map[string]string) string {
	var fromOld, fromNew, neither int
	var example string
	for name, data := range got {
		switch {
		case new[name] == data && old[name] == data:
		case new[name] == data:
			fromNew++
		case old[name] == data:
			fromOld++
		default:
			neither++
			example = name
		}
	}
	missing := 0
	for name := range new {
		if _, ok := got[name]; !ok {
			missing++
		}
	}
	return fmt.Sprintf("%d files, %d only in the old site, %d only in the new, %d in neither (%s), %d of the new missing",
		len(got), fromOld, fromNew, neither, example, missing)
}

// killAt starts a build and kills it with SIGKILL after delay, counted
// from the start or, with atCommit, from the start of the commit; a
// negative delay lets it end. It returns how long the build took and its
// commit, and whether it ended before the kill.
func killAt(t *testing.T, bin, site, out string, delay time.Duration, atCommit bool) (took, commit time.Duration, finished bool) {
	t.Helper()
	cmd := exec.Command(bin, "build", "--quiet", "--verbose", "-s", site, "-o", out)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committing := make(chan time.Time, 1)
	var stderr strings.Builder
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			stderr.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "static ") { // the last step's time
				committing <- time.Now()
			}
		}
		close(committing)
	}()
	commitStart := start
	if atCommit {
		if at, ok := <-committing; ok {
			commitStart = at
		}
	}
	if delay >= 0 {
		time.Sleep(delay - time.Since(commitStart))
		_ = cmd.Process.Signal(syscall.SIGKILL)
	}
	for at := range committing {
		commitStart = at
	}
	err = cmd.Wait()
	took, commit = time.Since(start), time.Since(commitStart)
	if err == nil {
		return took, commit, true
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); delay < 0 || !ok || !ws.Signaled() {
		t.Fatalf("the build failed on its own: %v\n%s", err, stderr.String())
	}
	return took, commit, false
}

// digest runs a build to its end.
func digest(t *testing.T, bin, site, out string) {
	t.Helper()
	if b, err := exec.Command(bin, "build", "--quiet", "-s", site, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("digest build -o %s: %v\n%s", out, err, b)
	}
}

// buildDigest builds the digest binary from this module into dir.
func buildDigest(t *testing.T, dir string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "digest")
	cmd := exec.Command(gobin, "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return bin
}

// swapContent switches the site between its two versions of content/,
// keeping the files' times, so that each version's inputs are the same
// every time.
func swapContent(t *testing.T, site string) {
	t.Helper()
	a, b, tmp := filepath.Join(site, "content"), filepath.Join(site, "content-b"), filepath.Join(site, "content-swap")
	for _, mv := range [][2]string{{a, tmp}, {b, a}, {tmp, b}} {
		if err := os.Rename(mv[0], mv[1]); err != nil {
			t.Fatal(err)
		}
	}
}

// writeKillSite writes a site of n articles in two versions: content/ and
// content-b/, where some articles are edited, some gone and some new.
func writeKillSite(t *testing.T, site string, n int) {
	t.Helper()
	words := strings.Fields("the ministers said talks on trade and the border would resume after a week of strikes " +
		"in the capital while markets fell and the central bank held rates")
	article := func(i int, edit string) string {
		r := rand.New(rand.NewPCG(uint64(i), 7))
		var b strings.Builder
		date := time.Date(2019, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Hour)
		fmt.Fprintf(&b, "---\ntitle: \"Story %d %s\"\ndate: %s\ntags: [\"Tag %d\", \"Tag %d\"]\nsource: \"Wire %d\"\n---\n",
			i, words[i%len(words)], date.Format(time.RFC3339), i%37, i%11, i%5)
		for range 3 {
			for range 30 {
				b.WriteString(words[r.IntN(len(words))] + " ")
			}
			b.WriteString("\n\n")
		}
		b.WriteString(edit + "\n")
		return b.String()
	}
	files := func(dir string, f func(i int) string) {
		for i := range n + n/20 {
			if data := f(i); data != "" {
				p := filepath.Join(site, dir, "articles", strconv.Itoa(i/1000), fmt.Sprintf("story-%d.md", i))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	files("content", func(i int) string {
		if i >= n {
			return ""
		}
		return article(i, "")
	})
	files("content-b", func(i int) string {
		switch {
		case i%29 == 3:
			return "" // gone
		case i%13 == 5:
			return article(i, "An edit.")
		}
		return article(i, "")
	})
	if err := os.WriteFile(filepath.Join(site, "site.yaml"), []byte("title: Kill test\nbase_url: https://kill.example/\ntimezone: UTC\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a whole number", name, v)
	}
	return n
}
