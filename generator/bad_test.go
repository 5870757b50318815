package generator_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/digest/digest/generator/cli"
	"github.com/digest/digest/internal/testkit"
)

// badCase is one file of testdata/bad: a change to the good site, the
// command that then runs, and what it must say. Its comment reads
//
//	What the case is about, in prose.
//
//	$ digest build --base-url ftp://x
//	the exact lines the command writes to stderr, $SITE and $OUT standing
//	for the site and output folders
//	[exit 1]
//
// and its files are added to the good site, or replace its files.
type badCase struct {
	about  string
	args   []string
	stderr string
	exit   int
	files  []txtar.File
}

var exitLine = regexp.MustCompile(`^\[exit (\d+)\]$`)

func readCase(t *testing.T, file string) *badCase {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	about, rest, ok := strings.Cut(string(ar.Comment), "\n$ digest ")
	if !ok {
		if rest, ok = strings.CutPrefix(about, "$ digest "); !ok {
			t.Fatalf(`%s: no line "$ digest ..." in the comment`, file)
		}
		about = ""
	}
	command, rest, _ := strings.Cut(rest, "\n")
	c := &badCase{about: strings.TrimRight(about, "\n"), files: ar.Files, exit: -1}
	if c.args, err = splitArgs(command); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var stderr strings.Builder
	for line := range strings.Lines(rest) {
		if m := exitLine.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			c.exit, _ = strconv.Atoi(m[1])
			break
		}
		stderr.WriteString(line)
	}
	if c.exit < 0 {
		t.Fatalf("%s: no line [exit N] after the command", file)
	}
	c.stderr = stderr.String()
	return c
}

// splitArgs splits a command line at spaces, but not inside double quotes.
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg, quoted := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inArg = !quoted, true
		case r == ' ' && !quoted:
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
			}
			inArg = false
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unclosed quote in %q", line)
	}
	if inArg {
		args = append(args, cur.String())
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("no command after $ digest")
	}
	return args, nil
}

// format writes the case back with got as its expected stderr and status.
func (c *badCase) format(got string, exit int) []byte {
	var comment strings.Builder
	if c.about != "" {
		comment.WriteString(c.about)
		comment.WriteString("\n\n")
	}
	quoted := make([]string, len(c.args))
	for i, a := range c.args {
		if a == "" || strings.Contains(a, " ") {
			a = `"` + a + `"`
		}
		quoted[i] = a
	}
	fmt.Fprintf(&comment, "$ digest %s\n%s[exit %d]\n", strings.Join(quoted, " "), got, exit)
	return txtar.Format(&txtar.Archive{Comment: []byte(comment.String()), Files: c.files})
}

// TestBadInput is the bad-input corpus: each case in testdata/bad builds
// the good site into a real output folder, changes the site, runs a
// command, and wants its exact stderr and exit status, and the output
// folder exactly as the good build left it, to the byte and to the
// modification time, with nothing left beside it. A case whose status is
// 0 (a warning) checks only the message. Adding a case is adding a file;
// go test -update rewrites the messages, to be reviewed before committing.
func TestBadInput(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.txtar")
	if len(files) == 0 {
		t.Fatal("no cases in testdata/bad")
	}
	good, err := txtar.ParseFile("testdata/good.txtar")
	if err != nil {
		t.Fatal(err)
	}
	// The good site is built once; each case starts from a copy of the
	// site and its output, modification times and all.
	built := t.TempDir()
	writeFiles(t, filepath.Join(built, "site"), good.Files, time.Now())
	if code, _, stderr := runDigest("build", "-s", filepath.Join(built, "site"), "-o", filepath.Join(built, "public"), "--quiet"); code != 0 {
		t.Fatalf("the good site does not build (status %d):\n%s", code, stderr)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			c := readCase(t, file)
			root := t.TempDir()
			site, out := filepath.Join(root, "site"), filepath.Join(root, "public")
			copyTree(t, built, root)
			before := snapshot(t, root, site)
			// A later modification time tells the build the files changed,
			// even when they have the size of the files they replace.
			writeFiles(t, site, c.files, time.Now().Add(time.Minute))

			args := append([]string{c.args[0], "-s", site}, c.args[1:]...)
			if c.args[0] == "build" && !slices.Contains(c.args, "-o") {
				args = append(args[:3], append([]string{"-o", out}, args[3:]...)...)
			}
			code, _, stderr := runDigest(args...)
			stderr = strings.NewReplacer(site, "$SITE", out, "$OUT", root, "$ROOT").Replace(stderr)
			if testkit.Update() {
				if err := os.WriteFile(file, c.format(stderr, code), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if code != c.exit || stderr != c.stderr {
				t.Errorf("digest %s = status %d, stderr:\n%s\nwant status %d, stderr:\n%s",
					strings.Join(c.args, " "), code, stderr, c.exit, c.stderr)
			}
			if code == 0 {
				return
			}
			compareSnapshots(t, before, snapshot(t, root, site))
		})
	}
}

func runDigest(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Main(args, testkit.Theme(), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeFiles(t *testing.T, dir string, files []txtar.File, mtime time.Time) {
	t.Helper()
	for _, f := range files {
		name := filepath.Join(dir, filepath.FromSlash(f.Name))
		testkit.WriteFile(t, name, string(f.Data))
		if err := os.Chtimes(name, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

// copyTree copies the files and folders under from into to, keeping
// their modes and modification times.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, rel)
			return os.MkdirAll(target, info.Mode().Perm())
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, info.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(target, info.ModTime(), info.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
	// A folder's time changes as files are made in it: set it last,
	// deepest first.
	for _, rel := range slices.Backward(dirs) {
		info, err := os.Stat(filepath.Join(from, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(filepath.Join(to, rel), info.ModTime(), info.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
}

// entry is what a snapshot keeps of one file or folder.
type entry struct {
	mode  fs.FileMode
	mtime time.Time
	sum   [sha256.Size]byte
}

// snapshot records every file and folder under root but the site folder
// and root itself.
func snapshot(t *testing.T, root, site string) map[string]entry {
	t.Helper()
	snap := map[string]entry{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch path {
		case site:
			return filepath.SkipDir
		case root:
			// A build may stage beside the output folder, changing the
			// modification time of the folder that holds both.
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e := entry{mode: info.Mode(), mtime: info.ModTime()}
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			e.sum = sha256.Sum256(data)
		}
		rel, _ := filepath.Rel(root, path)
		snap[filepath.ToSlash(rel)] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func compareSnapshots(t *testing.T, before, after map[string]entry) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(after)) {
		b, ok := before[name]
		a := after[name]
		switch {
		case !ok:
			t.Errorf("the failed command left %s", name)
		case b.mode != a.mode:
			t.Errorf("%s changed mode from %v to %v", name, b.mode, a.mode)
		case b.sum != a.sum:
			t.Errorf("%s changed content", name)
		case !b.mtime.Equal(a.mtime):
			t.Errorf("%s changed modification time from %v to %v", name, b.mtime, a.mtime)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(before)) {
		if _, ok := after[name]; !ok {
			t.Errorf("the failed command removed %s", name)
		}
	}
}
