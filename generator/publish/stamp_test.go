package publish

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/internal/testkit"
)

// tick waits until the file system's clock has moved on, so that the
// stamps of what changed before are old enough to keep (see stamp.go).
func tick() { time.Sleep(25 * time.Millisecond) }

// stampSite is a site of many folders, whose home page says n.
func stampSite(n int) map[string]string {
	site := map[string]string{"index.html": fmt.Sprint("home ", n)}
	for i := range 20 {
		site[fmt.Sprintf("2024/%02d/index.html", i)] = "page"
		site[fmt.Sprintf("2024/%02d/deep/er/index.html", i)] = "deep"
	}
	return site
}

// TestStampsFindCuratorChanges changes the output as a curator might
// between builds that trust the folders whose stamps did not change, and
// checks that each build still carries the curator's files over, drops
// what the curator removed, and reads only a few folders.
func TestStampsFindCuratorChanges(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("folder stamps are kept on Linux only")
	}
	curate(t, 8)
}

// TestStampsCoarseClock plays a file system whose clock ticks once an
// hour, so that every change the test makes falls in the tick of the
// stamps taken before it and leaves them as they were: no stamp may be
// kept then, and every curator's change must still be found.
func TestStampsCoarseClock(t *testing.T) {
	defer func(g int64) { grain = g }(grain)
	grain = time.Hour.Nanoseconds()
	curate(t, -1)
}

// curate runs builds through the spare, with the curator changing the
// output before each; when maxRead is not -1, a build may read at most
// that many folders of the output.
func curate(t *testing.T, maxRead int) {
	b := newSiteBuilder(t)
	out := func(name string) string { return filepath.Join(b.out, filepath.FromSlash(name)) }
	replace := func(name, data string) { // a new inode, renamed in place, as editors write
		testkit.WriteFile(t, out(name)+".new", data)
		if err := os.Rename(out(name)+".new", out(name)); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name    string
		curator func()
		extra   map[string]string // the curator's files the output holds after the build
		dirs    []string          // and empty folders
	}{
		{"a file added deep in a folder of digest's", func() { testkit.WriteFile(t, out("2024/03/deep/er/notes.txt"), "mine") },
			map[string]string{"2024/03/deep/er/notes.txt": "mine"}, nil},
		{"nothing", nil, map[string]string{"2024/03/deep/er/notes.txt": "mine"}, nil},
		{"replaced", func() { replace("2024/03/deep/er/notes.txt", "mine 2") },
			map[string]string{"2024/03/deep/er/notes.txt": "mine 2"}, nil},
		{"removed", func() { os.Remove(out("2024/03/deep/er/notes.txt")) }, nil, nil},
		{"a folder with a file", func() { testkit.WriteFile(t, out("2024/07/deep/new/a.txt"), "a") },
			map[string]string{"2024/07/deep/new/a.txt": "a"}, nil},
		{"its file removed", func() { os.Remove(out("2024/07/deep/new/a.txt")) }, nil, []string{"2024/07/deep/new"}},
		{"nothing again", nil, nil, []string{"2024/07/deep/new"}},
		{"the empty folder removed", func() { os.Remove(out("2024/07/deep/new")) }, nil, nil},
		{"a page of digest's removed", func() { os.Remove(out("2024/11/deep/er/index.html")) }, nil, nil},
		{"a folder of digest's emptied and filled by the curator", func() {
			os.Remove(out("2024/12/deep/er/index.html"))
			testkit.WriteFile(t, out("2024/12/deep/er/other.html"), "other")
		}, map[string]string{"2024/12/deep/er/other.html": "other"}, nil},
	}
	// Two builds make the spare, two more give both trees their stamps.
	for n := range 4 {
		b.build(stampSite(n))
		tick()
	}
	for i, step := range steps {
		if step.curator != nil {
			step.curator()
		}
		tick()
		site := stampSite(10 + i)
		o := b.open()
		if !o.spare {
			t.Fatalf("%s: the build did not stage in the spare", step.name)
		}
		for name, data := range site {
			if err := o.WriteSigned(name, []byte(data), 1); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := o.Commit(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		// The top, the folders the curator changed, and those the last
		// build changed: never all 62.
		if maxRead != -1 && o.read > maxRead {
			t.Errorf("%s: the commit read %d folders of the output; want at most %d", step.name, o.read, maxRead)
		}
		want := maps.Clone(site)
		maps.Copy(want, step.extra)
		got := testkit.ReadTree(t, b.out)
		delete(got, Marker)
		names := maps.Clone(got)
		maps.Copy(names, want)
		for name := range names {
			g, inGot := got[name]
			w, inWant := want[name]
			if g != w || inGot != inWant {
				t.Errorf("%s: output file %s = %q (there: %v); want %q (there: %v)", step.name, name, g, inGot, w, inWant)
			}
		}
		for _, dir := range step.dirs {
			if info, err := os.Stat(out(dir)); err != nil || !info.IsDir() {
				t.Errorf("%s: the curator's empty folder %s is gone", step.name, dir)
			}
		}
		tick()
	}
}

// TestStampsLost checks that a state whose stamps are gone, unreadable or
// of other folders costs reading the folders, and finds the curator's
// file.
func TestStampsLost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("folder stamps are kept on Linux only")
	}
	tests := []struct {
		name   string
		damage func(map[string]stamp) map[string]stamp
	}{
		{"none", func(map[string]stamp) map[string]stamp { return nil }},
		{"of other folders", func(m map[string]stamp) map[string]stamp {
			for dir, st := range m {
				st.ino++
				m[dir] = st
			}
			return m
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newSiteBuilder(t)
			for n := range 4 {
				b.build(stampSite(n))
				tick()
			}
			testkit.WriteFile(t, filepath.Join(b.out, "2024/05/deep/er/notes.txt"), "mine")
			// The state as the last build wrote it, but for its stamps.
			o := b.open()
			o.load()
			files, rec, prev := o.old, o.last, o.prev
			o.Abort()
			rec.outStamps = tt.damage(maps.Clone(rec.outStamps))
			id, _, err := writeState(o.state, o.dir, files, rec, prev, false, changes{})
			if err != nil {
				t.Fatal(err)
			}
			testkit.WriteFile(t, filepath.Join(b.out, Marker), string(marker(id)))
			testkit.WriteFile(t, filepath.Join(filepath.Dir(b.out), rec.spare, spareToken), id)
			tick()
			o = b.open()
			if !o.spare {
				t.Fatal("the build did not stage in the spare")
			}
			site := stampSite(10)
			for name, data := range site {
				if err := o.WriteSigned(name, []byte(data), 1); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := o.Commit(); err != nil {
				t.Fatal(err)
			}
			if o.read != 62 {
				t.Errorf("the commit read %d folders of the output; want all 62", o.read)
			}
			site["2024/05/deep/er/notes.txt"] = "mine"
			b.wantSite(site)
		})
	}
}

// TestUnchangedFindsCuratorChanges checks that a build whose inputs did
// not change, which looks at the output by its folders' stamps, still
// finds a file of digest's that the curator removed from the output
// (and then makes the site again), and keeps one the curator replaced,
// as it always did.
func TestUnchangedFindsCuratorChanges(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("folder stamps are kept on Linux only")
	}
	tests := []struct {
		name      string
		curator   func(out string)
		unchanged bool
	}{
		{"nothing", func(string) {}, true},
		{"a page removed", func(out string) { os.Remove(filepath.Join(out, "2024/05/deep/er/index.html")) }, false},
		{"a page at the top removed", func(out string) { os.Remove(filepath.Join(out, "index.html")) }, false},
		{"a folder removed", func(out string) { os.RemoveAll(filepath.Join(out, "2024/07")) }, false},
		{"a page replaced", func(out string) {
			p := filepath.Join(out, "2024/05/deep/er/index.html")
			testkit.WriteFile(t, p+".new", "the curator's")
			if err := os.Rename(p+".new", p); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newSiteBuilder(t)
			build := func(n int) {
				o := b.open()
				for name, data := range stampSite(n) {
					if err := o.WriteSigned(name, []byte(data), 1); err != nil {
						t.Fatal(err)
					}
				}
				o.Record("fp", time.Time{}, nil)
				if _, err := o.Commit(); err != nil {
					t.Fatal(err)
				}
				tick()
			}
			for n := range 4 {
				build(n)
			}
			build(3) // the state keeps the output's stamps now
			before := testkit.ReadTree(t, b.out)
			tt.curator(b.out)
			tick()
			o := b.open()
			if got := o.Unchanged("fp", time.Time{}); got != tt.unchanged {
				t.Fatalf("Unchanged = %v; want %v", got, tt.unchanged)
			}
			if !tt.unchanged {
				o.Abort()
				build(3)
				b.wantSite(stampSite(3))
				return
			}
			want := testkit.ReadTree(t, b.out)
			o.ReuseAll()
			if _, err := o.Commit(); err != nil {
				t.Fatal(err)
			}
			if got := testkit.ReadTree(t, b.out); !maps.Equal(got, want) {
				t.Errorf("output = %v; want %v, as it was (before the curator: %v)", got, want, before)
			}
		})
	}
}

// TestStampsRandom runs builds through the spare that add, change and
// remove pages and folders at random, with the curator adding, replacing
// and removing files and folders of the output between them. After each
// build the output must be the site with the curator's files, and every
// folder whose stamp the state keeps, and still has, must hold what the
// state says: a stamp kept for a folder that holds anything else would
// let the next build miss it.
func TestStampsRandom(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("folder stamps are kept on Linux only")
	}
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { randomBuilds(t, seed, 30) })
	}
	// A file system whose clock ticks once an hour: no stamp taken in
	// the tick of a change may be kept.
	defer func(g int64) { grain = g }(grain)
	grain = time.Hour.Nanoseconds()
	t.Run("coarse clock", func(t *testing.T) { randomBuilds(t, 4, 30) })
}

func randomBuilds(t *testing.T, seed uint64, steps int) {
	r := rand.New(rand.NewPCG(seed, 18))
	b := newSiteBuilder(t)
	out := func(name string) string { return filepath.Join(b.out, filepath.FromSlash(name)) }
	folders := []string{"a", "a/b", "a/b/c", "d", "d/e", "f/g/h", "tags/x", "tags/y"}
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	site := map[string]string{"index.html": "home"}
	for _, dir := range folders {
		site[dir+"/index.html"] = "page"
	}
	curator := map[string]string{} // the curator's files in the output
	var empty []string             // and folders, empty when made
	n := 0
	for step := range steps {
		// The site: a page changed, added (perhaps in a new folder) or
		// removed (perhaps the last of its folder, which goes too).
		for range 1 + r.IntN(3) {
			n++
			names := slices.Sorted(maps.Keys(site))
			switch r.IntN(4) {
			case 0:
				site[pick(names)] = fmt.Sprint("changed ", n)
			case 1:
				dir := pick(folders)
				if r.IntN(2) == 0 {
					dir = fmt.Sprintf("%s/new-%d", dir, n)
					folders = append(folders, dir)
				}
				site[fmt.Sprintf("%s/p-%d.html", dir, n)] = "new"
			case 2:
				if name := pick(names); name != "index.html" {
					delete(site, name)
				}
			case 3:
				dir := pick(folders)
				for name := range site {
					if strings.HasPrefix(name, dir+"/") {
						delete(site, name)
					}
				}
			}
		}
		buildTracked(t, b, site, uint64(1+step%2)) // the same bytes under another signature
		// The curator: a file added to a folder of the output, one of
		// theirs replaced or removed, an empty folder made or removed,
		// a page or folder of digest's removed.
		for range r.IntN(3) {
			n++
			switch r.IntN(7) {
			case 0:
				dir := pick(folders)
				if _, err := os.Stat(out(dir)); err != nil {
					dir = fmt.Sprintf("c-%d", n)
				}
				name := fmt.Sprintf("%s/cur-%d.txt", dir, n)
				testkit.WriteFile(t, out(name), "mine")
				curator[name] = "mine"
			case 1:
				if len(curator) > 0 {
					name := pick(slices.Sorted(maps.Keys(curator)))
					testkit.WriteFile(t, out(name)+".new", fmt.Sprint("mine ", n))
					if err := os.Rename(out(name)+".new", out(name)); err != nil {
						t.Fatal(err)
					}
					curator[name] = fmt.Sprint("mine ", n)
				}
			case 2:
				if len(curator) > 0 {
					name := pick(slices.Sorted(maps.Keys(curator)))
					os.Remove(out(name))
					delete(curator, name)
				}
			case 3:
				dir := fmt.Sprintf("%s/e-%d", pick(folders), n)
				if os.MkdirAll(out(dir), 0o755) == nil {
					empty = append(empty, dir)
				}
			case 4:
				if len(empty) > 0 {
					dir := pick(empty)
					if os.Remove(out(dir)) == nil {
						empty = slices.DeleteFunc(empty, func(d string) bool { return d == dir })
					}
				}
			case 5:
				os.Remove(out(pick(slices.Sorted(maps.Keys(site)))))
			case 6:
				dir := pick(folders)
				os.RemoveAll(out(dir))
				for name := range curator {
					if strings.HasPrefix(name, dir+"/") {
						delete(curator, name)
					}
				}
				empty = slices.DeleteFunc(empty, func(d string) bool { return strings.HasPrefix(d, dir+"/") })
			}
		}
		tick()
		buildTracked(t, b, site, uint64(1+step%2))
		want := maps.Clone(site)
		maps.Copy(want, curator)
		got := testkit.ReadTree(t, b.out)
		delete(got, Marker)
		if !maps.Equal(got, want) {
			t.Fatalf("step %d: output = %v; want %v", step, got, want)
		}
		for _, dir := range empty {
			if info, err := os.Stat(out(dir)); err != nil || !info.IsDir() {
				t.Fatalf("step %d: the curator's folder %s is gone", step, dir)
			}
		}
		checkStamps(t, b)
		tick()
	}
}

// buildTracked builds the site, each file signed sig, and checks that
// the state it wrote, of which the commit wrote only what it tracked as
// changed, reads back as the files and stamps the build had.
func buildTracked(t *testing.T, b *siteBuilder, site map[string]string, sig uint64) {
	t.Helper()
	o := b.open()
	for _, name := range slices.Sorted(maps.Keys(site)) {
		if err := o.WriteSigned(name, []byte(site[name]), sig); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	again := b.open()
	defer again.Abort()
	again.load()
	if !maps.Equal(again.old, o.files) {
		t.Errorf("the state holds %d files; the build had %d, not all the same", len(again.old), len(o.files))
	}
	if !maps.Equal(again.last.outStamps, o.rec.outStamps) || !maps.Equal(again.last.spareStamps, o.rec.spareStamps) {
		t.Errorf("the state's stamps are not the build's:\n%v\n%v; want\n%v\n%v",
			again.last.outStamps, again.last.spareStamps, o.rec.outStamps, o.rec.spareStamps)
	}
}

// checkStamps checks that each folder of the output whose stamp is the
// one the state keeps for it holds what the state says: the files
// digest wrote there and those it carried, and the folders of those
// below it.
func checkStamps(t *testing.T, b *siteBuilder) {
	t.Helper()
	o := b.open()
	defer o.Abort()
	o.load()
	held := folderTree(append(slices.Collect(maps.Keys(o.old)), o.last.carried...))
	listed := map[string]bool{}
	for name := range o.old {
		listed[name] = true
	}
	for _, name := range o.last.carried {
		listed[strings.TrimSuffix(name, "/")] = true
	}
	for _, dirs := range held.subs {
		for _, dir := range dirs {
			listed[dir] = true
		}
	}
	top, err := newStamper(b.out)
	if err != nil {
		t.Fatal(err)
	}
	defer top.close()
	for dir, kept := range o.last.outStamps {
		if st, ok := top.stamp(dir); !ok || st != kept {
			continue // read by the next build
		}
		entries, err := os.ReadDir(filepath.Join(b.out, filepath.FromSlash(dir)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, dir+"/"+e.Name())
		}
		for _, name := range names {
			if !listed[name] {
				t.Errorf("folder %s keeps its stamp but holds %s, which the state does not list", dir, name)
			}
		}
		for name := range listed {
			if parentDir(name) == dir && !slices.Contains(names, name) {
				t.Errorf("folder %s keeps its stamp but lacks %s, which the state lists", dir, name)
			}
		}
	}
}

// TestKeptFilesInFolderRemoved checks that a build staging in the spare
// notes the files it keeps whose folder, and the folder above, the
// curator removed from the output: look does not reach them, so they are
// in no folder it trusts, and the next build, staging in that output,
// must make them again.
func TestKeptFilesInFolderRemoved(t *testing.T) {
	b := newSiteBuilder(t)
	site := map[string]string{"index.html": "home 0", "a/y.html": "y", "a/b/x.html": "x", "c/z.html": "z"}
	for n := range 4 {
		site["index.html"] = fmt.Sprint("home ", n)
		b.build(site)
		b.wantSite(site)
		tick()
		if n == 1 {
			if err := os.RemoveAll(filepath.Join(b.out, "a")); err != nil {
				t.Fatal(err)
			}
		}
	}
}
