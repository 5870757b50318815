package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/digest/digest/internal/testkit"
)

// siteBuilder builds sites of the given files into root/public from
// root/site, failing the test on any error.
type siteBuilder struct {
	t         *testing.T
	site, out string
}

func newSiteBuilder(t *testing.T) *siteBuilder {
	root := t.TempDir()
	return &siteBuilder{t, filepath.Join(root, "site"), filepath.Join(root, "public")}
}

func (b *siteBuilder) open() *Output {
	b.t.Helper()
	o, err := Open(b.out, b.site)
	if err != nil {
		b.t.Fatal(err)
	}
	return o
}

func (b *siteBuilder) build(files map[string]string) Stats {
	b.t.Helper()
	o := b.open()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := o.WriteSigned(name, []byte(files[name]), 1); err != nil {
			b.t.Fatal(err)
		}
	}
	stats, err := o.Commit()
	if err != nil {
		b.t.Fatal(err)
	}
	return stats
}

// states lists the state files of the output.
func (b *siteBuilder) states() []string {
	b.t.Helper()
	m, err := filepath.Glob(filepath.Join(b.site, StateDir, "build", "*", manifestPrefix+"*"))
	if err != nil {
		b.t.Fatal(err)
	}
	return m
}

// part returns the path of the one part of the output's state.
func (b *siteBuilder) part() string {
	b.t.Helper()
	m, err := filepath.Glob(filepath.Join(b.site, StateDir, "build", "*", partPrefix+"*"))
	if err != nil || len(m) != 1 {
		b.t.Fatalf("parts = %v, %v; want one", m, err)
	}
	return m[0]
}

// wantSite checks that the output holds exactly files, the marker and
// extra.
func (b *siteBuilder) wantSite(files map[string]string, extra ...string) {
	b.t.Helper()
	got := testkit.ReadTree(b.t, b.out)
	if !strings.HasPrefix(got[Marker], markerHeader) || strings.Contains(got[Marker], "file ") {
		b.t.Errorf("marker = %q; want a header and a state name only", got[Marker])
	}
	delete(got, Marker)
	for _, name := range extra {
		delete(got, name)
	}
	if !maps.Equal(got, files) {
		b.t.Errorf("output = %v; want %v", got, files)
	}
	siblings, err := os.ReadDir(filepath.Dir(b.out))
	if err != nil {
		b.t.Fatal(err)
	}
	spares := 0
	for _, e := range siblings {
		if strings.HasPrefix(e.Name(), ".public.spare-") {
			spares++
			if _, err := os.Stat(filepath.Join(filepath.Dir(b.out), e.Name(), spareToken)); err != nil || spares > 1 {
				b.t.Errorf("left beside the output: %s, a second spare or one without its token", e.Name())
			}
			continue
		}
		if e.Name() != "public" && e.Name() != "site" {
			b.t.Errorf("left beside the output: %s", e.Name())
		}
	}
}

func TestStateOutsideOutput(t *testing.T) {
	b := newSiteBuilder(t)
	site := map[string]string{"index.html": "home", "tags/a/index.html": "a"}
	b.build(site)
	b.wantSite(site)
	states := b.states()
	if len(states) != 1 {
		t.Fatalf("states = %v; want one", states)
	}
	last := readState(b.out, filepath.Dir(states[0]))
	_, files := last.decode()
	if state := read(t, states[0]); last.strays || files["tags/a/index.html"].size != 1 || !strings.Contains(state, stateHeader+b.out+"\n") {
		t.Errorf("the state does not list the files of %s: %v\n%s", b.out, files, state)
	}
	site["b.html"] = "b"
	b.build(site)
	if len(b.states()) != 1 {
		t.Errorf("the last build's state was not removed: %v", b.states())
	}
}

func TestStateLost(t *testing.T) {
	damage := map[string]func(b *siteBuilder){
		"removed": func(b *siteBuilder) {
			if err := os.RemoveAll(filepath.Join(b.site, StateDir)); err != nil {
				t.Fatal(err)
			}
		},
		"truncated": func(b *siteBuilder) {
			if err := os.Truncate(b.states()[0], 40); err != nil {
				t.Fatal(err)
			}
		},
		"other build's": func(b *siteBuilder) {
			testkit.WriteFile(t, filepath.Join(b.out, Marker), string(marker(strings.Repeat("0", 32))))
		},
		"marker without state": func(b *siteBuilder) {
			testkit.WriteFile(t, filepath.Join(b.out, Marker), markerHeader+"\n")
		},
		"part removed": func(b *siteBuilder) {
			if err := os.Remove(b.part()); err != nil {
				t.Fatal(err)
			}
		},
		"part truncated": func(b *siteBuilder) {
			if err := os.Truncate(b.part(), 10); err != nil {
				t.Fatal(err)
			}
		},
		"part garbled": func(b *siteBuilder) {
			p := b.part()
			data := []byte(read(t, p))
			data[len(data)/2] ^= 0x55
			testkit.WriteFile(t, p, string(data))
		},
		"part of another site": func(b *siteBuilder) {
			other := newSiteBuilder(t)
			other.build(map[string]string{"index.html": "home", "gone/index.html": "other", "same.html": "other"})
			testkit.WriteFile(t, b.part(), read(t, other.part()))
		},
	}
	for name, damage := range damage {
		t.Run(name, func(t *testing.T) {
			b := newSiteBuilder(t)
			old := map[string]string{"index.html": "home", "gone/index.html": "gone", "same.html": "same"}
			b.build(old)
			testkit.WriteFile(t, filepath.Join(b.out, "CNAME"), "news.example.org")
			damage(b)
			o := b.open()
			if kept, _ := o.Reuse("same.html", 1); kept {
				t.Error("a file was kept on the word of a lost state")
			}
			if o.Unchanged("", time.Time{}) {
				t.Error("a lost state reports unchanged inputs")
			}
			o.Abort()
			site := map[string]string{"index.html": "home 2", "same.html": "same"}
			stats := b.build(site)
			if counts(stats) != [3]int{2, 0, 0} {
				t.Errorf("stats = %+v; want both files written, none removed", stats)
			}
			if want := []string{"CNAME", "gone/index.html"}; !slices.Equal(stats.Unknown, want) {
				t.Errorf("Unknown = %q; want %q", stats.Unknown, want)
			}
			b.wantSite(site, "CNAME", "gone/index.html")
			// The state is whole again: the kept files are the curator's now.
			stats = b.build(site)
			if counts(stats) != [3]int{0, 2, 0} || stats.Unknown != nil {
				t.Errorf("next build: %+v; want 2 unchanged and nothing unknown", stats)
			}
			b.wantSite(site, "CNAME", "gone/index.html")
		})
	}
}

// A site restored from a copy must not be taken for the one the state
// describes, even when its files have the same names.
func TestStateOfAnotherSite(t *testing.T) {
	b := newSiteBuilder(t)
	b.build(map[string]string{"a.html": "one"})
	backup := filepath.Join(t.TempDir(), "backup")
	if err := os.CopyFS(backup, os.DirFS(b.out)); err != nil {
		t.Fatal(err)
	}
	b.build(map[string]string{"a.html": "two"})
	if err := os.RemoveAll(b.out); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(b.out, os.DirFS(backup)); err != nil {
		t.Fatal(err)
	}
	o := b.open()
	defer o.Abort()
	if kept, _ := o.Reuse("a.html", 1); kept {
		t.Error("a.html of the restored copy was kept on the word of the later build's state")
	}
}

// An output written before the state folder existed keeps its manifest in
// the marker: its files are still digest's, to remove when they go.
func TestManifestInOutput(t *testing.T) {
	b := newSiteBuilder(t)
	testkit.WriteFile(t, filepath.Join(b.out, "a.html"), "a")
	testkit.WriteFile(t, filepath.Join(b.out, "old.html"), "old")
	testkit.WriteFile(t, filepath.Join(b.out, "CNAME"), "news.example.org")
	testkit.WriteFile(t, filepath.Join(b.out, Marker), "# digest output manifest v1: this folder is written by digest build\n"+
		"file "+hashOf("a")+"+1 a.html\nfile "+hashOf("old")+" old.html\n")
	stats := b.build(map[string]string{"a.html": "a"})
	if counts(stats) != [3]int{0, 1, 1} || stats.Unknown != nil {
		t.Errorf("stats = %+v; want a.html unchanged, old.html removed", stats)
	}
	b.wantSite(map[string]string{"a.html": "a"}, "CNAME")
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func TestCommitCarriesAndReplaces(t *testing.T) {
	b := newSiteBuilder(t)
	b.build(map[string]string{"index.html": "home", "robots.txt": "digest's"})
	testkit.WriteFile(t, filepath.Join(b.out, "CNAME"), "news.example.org")
	testkit.WriteFile(t, filepath.Join(b.out, "feed.xml"), "the curator's")
	testkit.WriteFile(t, filepath.Join(b.out, "assets", "logo.png"), "png")
	if err := os.Mkdir(filepath.Join(b.out, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("index.html", filepath.Join(b.out, "home.html")); err != nil {
		t.Fatal(err)
	}
	site := map[string]string{"index.html": "home", "feed.xml": "digest's feed"}
	stats := b.build(site)
	if counts(stats) != [3]int{1, 1, 1} || stats.Unknown != nil {
		t.Errorf("stats = %+v; want 1 written, 1 unchanged, 1 removed", stats)
	}
	b.wantSite(site, "CNAME", "assets/logo.png", "home.html")
	if target, err := os.Readlink(filepath.Join(b.out, "home.html")); err != nil || target != "index.html" {
		t.Errorf("the curator's link: %q, %v", target, err)
	}
	if info, err := os.Stat(filepath.Join(b.out, "empty")); err != nil || !info.IsDir() {
		t.Errorf("the curator's empty folder is gone: %v", err)
	}
}

func TestCommitFindsFileGone(t *testing.T) {
	b := newSiteBuilder(t)
	b.build(map[string]string{"a.html": "a", "b.html": "b"})
	o := b.open()
	if err := o.WriteFile("a.html", []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(b.out, "a.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Commit(); err == nil || !strings.Contains(err.Error(), "a.html was removed from the output during the build") {
		t.Errorf("Commit = %v; want a.html named as removed", err)
	}
	if got := testkit.ReadTree(t, b.out); got["b.html"] != "b" {
		t.Errorf("a failed commit changed the output: %v", got)
	}
}

func TestRecordOnlyRewritesMarker(t *testing.T) {
	b := newSiteBuilder(t)
	b.build(map[string]string{"a.html": "a"})
	before, err := os.Stat(filepath.Join(b.out, "a.html"))
	if err != nil {
		t.Fatal(err)
	}
	states := b.states()
	o := b.open()
	if err := o.WriteSigned("a.html", []byte("a"), 1); err != nil {
		t.Fatal(err)
	}
	o.Record("fp", time.Time{}, []string{"a warning"})
	if _, err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if after, err := os.Stat(filepath.Join(b.out, "a.html")); err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("a.html was touched: %v", err)
	}
	if now := b.states(); len(now) != 1 || now[0] == states[0] {
		t.Errorf("states = %v, before %v; want one new one", now, states)
	}
	o = b.open()
	if !o.Unchanged("fp", time.Time{}) || !slices.Equal(o.Warnings(), []string{"a warning"}) {
		t.Errorf("the new record was not kept: %q", o.Warnings())
	}
	o.Abort()
	b.wantSite(map[string]string{"a.html": "a"})
}

func TestDebrisRemoved(t *testing.T) {
	b := newSiteBuilder(t)
	b.build(map[string]string{"a.html": "a"})
	parent := filepath.Dir(b.out)
	mine := []string{".public.tmp-123", ".public.tmp-4", ".public.old-77"}
	for _, d := range mine {
		testkit.WriteFile(t, filepath.Join(parent, d, Marker), markerHeader+"\n")
		testkit.WriteFile(t, filepath.Join(parent, d, "big.html"), "x")
	}
	if err := os.Mkdir(filepath.Join(parent, ".public.tmp-5"), 0o755); err != nil {
		t.Fatal(err)
	}
	mine = append(mine, ".public.tmp-5")
	theirs := []string{".public.tmp-9", ".public.tmp-x1", ".public.tmp-1.tmp-2", ".other.tmp-1", "public.tmp-1"}
	for i, d := range theirs {
		if i > 0 {
			testkit.WriteFile(t, filepath.Join(parent, d, Marker), markerHeader+"\n")
		}
		testkit.WriteFile(t, filepath.Join(parent, d, "keep.txt"), "x")
	}
	testkit.WriteFile(t, filepath.Join(b.out, markerTmp), "half")
	o := b.open()
	o.Abort()
	for _, d := range mine {
		if _, err := os.Stat(filepath.Join(parent, d)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s was left: %v", d, err)
		}
	}
	for _, d := range theirs {
		if got := read(t, filepath.Join(parent, d, "keep.txt")); got != "x" {
			t.Errorf("%s was touched", d)
		}
	}
	if _, err := os.Stat(filepath.Join(b.out, markerTmp)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a half-written marker was left: %v", err)
	}
}

// fake replaces exchange and rename for one test.
func fake(t *testing.T, ex func(a, b string) error, ren func(a, b string) error) {
	oldEx, oldRen := exchange, rename
	t.Cleanup(func() { exchange, rename = oldEx, oldRen })
	if ex != nil {
		exchange = ex
	}
	if ren != nil {
		rename = ren
	}
}

func TestCommitWithoutExchange(t *testing.T) {
	b := newSiteBuilder(t)
	fake(t, func(a, b string) error { return errNoExchange }, nil)
	b.build(map[string]string{"a.html": "a", "b.html": "b"})
	testkit.WriteFile(t, filepath.Join(b.out, "CNAME"), "c")
	site := map[string]string{"a.html": "a2", "c.html": "c"}
	if stats := b.build(site); counts(stats) != [3]int{2, 0, 1} {
		t.Errorf("stats = %+v", stats)
	}
	b.wantSite(site, "CNAME")

	// A second rename that fails puts the old site back.
	fake(t, nil, func(from, to string) error {
		if strings.Contains(from, ".tmp-") {
			return syscall.EIO
		}
		return os.Rename(from, to)
	})
	o := b.open()
	if err := o.WriteFile("a.html", []byte("a3")); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Commit(); !errors.Is(err, syscall.EIO) {
		t.Errorf("Commit = %v; want EIO", err)
	}
	b.wantSite(site, "CNAME")
}

// A commit without exchange killed between its two renames leaves the
// output moved aside; the next Open puts the right site in place.
func TestRecoverHalfSwap(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stage bool // whether the complete stage is there too
		want  string
	}{
		{"new site staged", true, "new"},
		{"no stage", false, "old"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newSiteBuilder(t)
			b.build(map[string]string{"a.html": "old"})
			parent := filepath.Dir(b.out)
			if err := os.Rename(b.out, filepath.Join(parent, ".public.old-42")); err != nil {
				t.Fatal(err)
			}
			if tc.stage {
				testkit.WriteFile(t, filepath.Join(parent, ".public.tmp-42", "a.html"), "new")
				testkit.WriteFile(t, filepath.Join(parent, ".public.tmp-42", Marker), markerHeader+"\n")
			}
			o := b.open()
			o.Abort()
			b.wantSite(map[string]string{"a.html": tc.want})
		})
	}
}

func TestCommitRefusesMount(t *testing.T) {
	for _, errno := range []error{syscall.EXDEV, syscall.EBUSY} {
		b := newSiteBuilder(t)
		b.build(map[string]string{"a.html": "a"})
		fake(t, func(a, b string) error { return &os.LinkError{Op: "exchange", Old: a, New: b, Err: errno} }, nil)
		o := b.open()
		if err := o.WriteFile("a.html", []byte("b")); err != nil {
			t.Fatal(err)
		}
		if _, err := o.Commit(); err == nil || !strings.Contains(err.Error(), "mount point") || !strings.Contains(err.Error(), "-o ") {
			t.Errorf("%v: Commit = %v; want advice about a mount point", errno, err)
		}
		b.wantSite(map[string]string{"a.html": "a"})
	}
}

func TestLock(t *testing.T) {
	b := newSiteBuilder(t)
	first := b.open() // the output does not exist yet
	if _, err := Open(b.out, b.site); err == nil || !strings.Contains(err.Error(), "another digest build (process ") {
		t.Errorf("second Open = %v; want another build named", err)
	}
	if err := first.WriteFile("a.html", []byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	o := b.open() // the lock is free again
	o.Abort()
	b.wantSite(map[string]string{"a.html": "a"})
}

// A state written before the tables lists its files in its index, which
// the marker names by "state": it is read as it was, and the next state
// has tables.
func TestStateBeforeTables(t *testing.T) {
	b := newSiteBuilder(t)
	b.build(map[string]string{"a.html": "a"})
	o := b.open()
	state := o.state
	o.Abort()
	index := stateHeader + b.out + "\nfile " + hashOf("a") + "+7 a.html\nfile " + hashOf("old") + " old.html\n"
	id := stateID([]byte(index))
	testkit.WriteFile(t, filepath.Join(state, manifestPrefix+id), index)
	testkit.WriteFile(t, filepath.Join(b.out, Marker), markerHeader+"\nstate "+id+"\n")
	testkit.WriteFile(t, filepath.Join(b.out, "old.html"), "old")
	for range 2 {
		o = b.open()
		if kept, err := o.Reuse("a.html", 7); !kept || err != nil {
			t.Errorf("Reuse(a.html) = %v, %v; want it kept on the word of the state", kept, err)
		}
		stats, err := o.Commit()
		if err != nil || counts(stats) != [3]int{0, 1, 1} && counts(stats) != [3]int{0, 1, 0} || stats.Unknown != nil {
			t.Errorf("Commit = %+v, %v; want a.html unchanged, old.html removed once, nothing unknown", stats, err)
		}
		b.wantSite(map[string]string{"a.html": "a"})
	}
	if len(b.states()) != 1 || len(read(t, b.part())) == 0 {
		t.Errorf("states %v; want one, with a part", b.states())
	}
}
