package publish

import (
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// spare returns the path of the one spare beside the output, or "".
func (b *siteBuilder) spare() string {
	b.t.Helper()
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(b.out), ".public.spare-*"))
	if len(m) > 1 {
		b.t.Fatalf("spares %q; want one at most", m)
	}
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// TestSpareFollowsOutput builds a site again and again through the spare,
// with the curator changing the output between builds, and checks each
// time that the output is the site with the curator's files, and that the
// spare is the site before, byte for byte: no file was written through a
// hard link the output shares.
func TestSpareFollowsOutput(t *testing.T) {
	b := newSiteBuilder(t)
	replace := func(name, data string) { // a new inode, as editors write
		p := filepath.Join(b.out, name)
		os.Remove(p)
		testkit.WriteFile(t, p, data)
	}
	steps := []struct {
		name    string
		curator func()
		site    map[string]string
		extra   []string // the curator's files in the output
	}{
		{"first", nil, map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"}, nil},
		{"second, into an empty stage", nil, map[string]string{"index.html": "home 2", "a/index.html": "a", "c/index.html": "c"}, nil},
		{"a page back, one changed, a file added", func() { testkit.WriteFile(t, filepath.Join(b.out, "CNAME"), "news.example.org") },
			map[string]string{"index.html": "home 2", "a/index.html": "a 2", "b/index.html": "b", "c/index.html": "c"}, []string{"CNAME"}},
		{"nothing changed", func() { testkit.WriteFile(t, filepath.Join(b.out, "x/extra.txt"), "extra") },
			map[string]string{"index.html": "home 2", "a/index.html": "a 2", "b/index.html": "b", "c/index.html": "c"}, []string{"CNAME", "x/extra.txt"}},
		{"home changed", nil,
			map[string]string{"index.html": "home 3", "a/index.html": "a 2", "b/index.html": "b", "c/index.html": "c"}, []string{"CNAME", "x/extra.txt"}},
		{"the curator's files removed and replaced", func() {
			os.Remove(filepath.Join(b.out, "CNAME"))
			replace("x/extra.txt", "extra 2")
		}, map[string]string{"index.html": "home 3", "a/index.html": "a 3", "b/index.html": "b", "c/index.html": "c"}, []string{"x/extra.txt"}},
		{"a page of digest's removed from the output", func() { os.Remove(filepath.Join(b.out, "c", "index.html")) },
			map[string]string{"index.html": "home 3", "a/index.html": "a 3", "b/index.html": "b", "c/index.html": "c"}, []string{"x/extra.txt"}},
		{"a file where a folder was, and a folder where a file was", nil,
			map[string]string{"index.html": "home 3", "a": "a as a file", "b/index.html/deep.html": "deep", "c/index.html": "c"}, []string{"x/extra.txt"}},
		{"and back", func() { replace("x/extra.txt", "extra 3") },
			map[string]string{"index.html": "home 4", "a/index.html": "a", "b/index.html": "b", "c/index.html": "c"}, []string{"x/extra.txt"}},
		{"a folder of the curator's emptied", func() { os.Remove(filepath.Join(b.out, "x", "extra.txt")) },
			map[string]string{"index.html": "home 5", "a/index.html": "a", "b/index.html": "b", "c/index.html": "c"}, nil},
		{"and removed", func() { os.Remove(filepath.Join(b.out, "x")) },
			map[string]string{"index.html": "home 6", "a/index.html": "a", "b/index.html": "b", "c/index.html": "c"}, nil},
	}
	adopted := 0
	for i, step := range steps {
		if step.curator != nil {
			step.curator()
		}
		before := map[string]string{}
		if i > 0 {
			before = testkit.ReadTree(t, b.out)
		}
		o := b.open()
		if o.spare {
			adopted++
		}
		for name, data := range step.site {
			if err := o.WriteSigned(name, []byte(data), 1); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		}
		if _, err := o.Commit(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		want := maps.Clone(step.site)
		for _, name := range step.extra {
			want[name] = before[name]
		}
		got := testkit.ReadTree(t, b.out)
		delete(got, Marker)
		if !maps.Equal(got, want) {
			t.Errorf("%s: output = %v; want %v", step.name, got, want)
		}
		if x, err := os.Stat(filepath.Join(b.out, "x")); step.name == "a folder of the curator's emptied" && (err != nil || !x.IsDir()) {
			t.Errorf("%s: the curator's empty folder is gone", step.name)
		} else if step.name == "and removed" && err == nil {
			t.Errorf("%s: the folder the curator removed is back", step.name)
		}
		if i == 0 {
			continue
		}
		spare := b.spare()
		if spare == "" {
			t.Fatalf("%s: no spare", step.name)
		}
		kept := testkit.ReadTree(t, spare)
		delete(kept, Marker)
		delete(kept, spareToken)
		delete(before, Marker)
		if step.name == "nothing changed" {
			continue // the spare is still the site before the last
		}
		if !maps.Equal(kept, before) {
			t.Errorf("%s: spare = %v; want the output before the build, %v", step.name, kept, before)
		}
	}
	if adopted < len(steps)-2 {
		t.Errorf("%d builds staged in the spare; want %d", adopted, len(steps)-2)
	}
}

// TestSpareDamaged checks that a spare whose token is missing or names
// another state, or that a failed build changed, is not staged in, and is
// removed.
func TestSpareDamaged(t *testing.T) {
	tests := []struct {
		name   string
		damage func(b *siteBuilder, spare string)
	}{
		{"token removed", func(_ *siteBuilder, spare string) { os.Remove(filepath.Join(spare, spareToken)) }},
		{"token of another state", func(_ *siteBuilder, spare string) {
			testkit.WriteFile(t, filepath.Join(spare, spareToken), strings.Repeat("0", 32))
		}},
		{"a failed build changed it", func(b *siteBuilder, _ string) {
			o := b.open()
			if !o.spare {
				t.Fatal("the build did not stage in the spare")
			}
			if err := o.WriteFile("index.html", []byte("half a build")); err != nil {
				t.Fatal(err)
			}
			o.Abort()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newSiteBuilder(t)
			b.build(map[string]string{"index.html": "one", "a.html": "a"})
			b.build(map[string]string{"index.html": "two", "a.html": "a"})
			spare := b.spare()
			tt.damage(b, spare)
			o := b.open()
			if o.spare {
				t.Error("the build staged in a damaged spare")
			}
			if _, err := os.Stat(spare); err == nil {
				t.Error("the damaged spare is still there")
			}
			site := map[string]string{"index.html": "three", "a.html": "a"}
			for name, data := range site {
				if err := o.WriteSigned(name, []byte(data), 1); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := o.Commit(); err != nil {
				t.Fatal(err)
			}
			b.wantSite(site)
		})
	}
}

// TestSpareRewrittenInPlace checks that a build writes a file over the
// spare's own copy, in place, when no other name links to it, and makes
// a new file where the spare shares it with the output.
func TestSpareRewrittenInPlace(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux stages in a spare")
	}
	b := newSiteBuilder(t)
	b.build(map[string]string{"index.html": "home 1", "a/index.html": "a"})
	b.build(map[string]string{"index.html": "home 2", "a/index.html": "a"})
	spare := b.spare()
	inode := func(p string) uint64 {
		t.Helper()
		info, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		return info.Sys().(*syscall.Stat_t).Ino
	}
	home, a := inode(filepath.Join(spare, "index.html")), inode(filepath.Join(spare, "a", "index.html"))
	if a != inode(filepath.Join(b.out, "a", "index.html")) {
		t.Fatal("the spare does not share a/index.html with the output")
	}
	site := map[string]string{"index.html": "home 3", "a/index.html": "a 2"}
	b.build(site)
	b.wantSite(site)
	if got := inode(filepath.Join(b.out, "index.html")); got != home {
		t.Errorf("index.html has inode %d; want the spare's own, %d, written over", got, home)
	}
	if got := inode(filepath.Join(b.out, "a", "index.html")); got == a {
		t.Error("a/index.html, which the spare shared with the output, was written over")
	}
}
