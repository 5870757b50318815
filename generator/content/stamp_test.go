package content

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/internal/testkit"
)

// noSys is a file system whose stats tell no inode or change time, as on
// systems other than Linux.
type noSys struct{ fs.FS }

func (n noSys) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return noSysFile{f}, nil
}

type noSysFile struct{ fs.File }

func (f noSysFile) Stat() (fs.FileInfo, error) {
	info, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return noSysInfo{info}, nil
}

func (f noSysFile) ReadDir(n int) ([]fs.DirEntry, error) {
	entries, err := f.File.(fs.ReadDirFile).ReadDir(n)
	for i, e := range entries {
		entries[i] = noSysEntry{e}
	}
	return entries, err
}

type noSysEntry struct{ fs.DirEntry }

func (e noSysEntry) Info() (fs.FileInfo, error) {
	info, err := e.DirEntry.Info()
	if err != nil {
		return nil, err
	}
	return noSysInfo{info}, nil
}

type noSysInfo struct{ fs.FileInfo }

func (noSysInfo) Sys() any { return nil }

// TestStamps checks, on files on disk, that a load does not read a file
// whose Stamp the last load kept, and reads one that changed: with the
// same size and modification time too where the system tells change
// times, and on any system when the file was racily clean, changed
// within the tick of the clock reading of the load that read it.
func TestStamps(t *testing.T) {
	const file = "content/2017/06/story.md"
	body := func(word string) string {
		return "---\ntitle: A story\ndate: 2017-06-01\n---\nThe " + word + " body.\n"
	}
	// Whole seconds, as a file system of coarse ticks keeps them; an
	// hour ahead, since the files' change times are now.
	clock := time.Now().Add(time.Hour).Truncate(time.Second)
	settled := clock.Add(-time.Hour)
	tests := []struct {
		name   string
		noSys  bool // stats without change times
		mtime  time.Time
		reread bool // the second load reads the file
		edit   bool // the file is rewritten with the same size and times
	}{
		{"settled, unchanged", false, settled, false, false},
		{"settled, unchanged, no change times", true, settled, false, false},
		{"settled, rewritten", false, settled, true, true},
		{"racy, unchanged", false, clock, true, false},
		{"racy, rewritten", false, clock, true, true},
		{"racy, rewritten, no change times", true, clock, true, true},
		{"nearly racy, rewritten, no change times", true, clock.Add(-racyWindow), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.edit && !tt.noSys && !tt.mtime.Equal(clock) && runtime.GOOS != "linux" {
				t.Skip("change times are read on Linux only")
			}
			site, cache := t.TempDir(), t.TempDir()
			name := filepath.Join(site, filepath.FromSlash(file))
			write := func(word string) {
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name, []byte(body(word)), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(name, tt.mtime, tt.mtime); err != nil {
					t.Fatal(err)
				}
			}
			fsys := os.DirFS(site)
			if tt.noSys {
				fsys = noSys{fsys}
			}
			write("first")
			// The clock read the tick the file was written in.
			got := loadCached(t, fsys, manila, cache, cacheSettings, clock)
			if got.err != nil || got.reads != 1 {
				t.Fatalf("the first load read %d files: %v", got.reads, got.err)
			}
			want := "first"
			if tt.edit {
				write("other")
				want = "other"
			}
			got = loadCached(t, fsys, manila, cache, cacheSettings, clock.Add(time.Minute))
			if got.err != nil {
				t.Fatal(got.err)
			}
			if (got.reads != 0) != tt.reread {
				t.Errorf("the second load read %d files; want %d", got.reads, map[bool]int{true: 1}[tt.reread])
			}
			if md, _ := got.content.Articles[0].Markdown.Get(); !strings.Contains(md, want) {
				t.Errorf("the second load read the body %q; want the %s one", md, want)
			}
		})
	}
}

// TestChangedWhileBuilt checks that a body left in its file, which
// changed after the load took its Stamp, is an error rather than the
// body of other front matter.
func TestChangedWhileBuilt(t *testing.T) {
	const file = "content/2017/06/story.md"
	site, cache := t.TempDir(), t.TempDir()
	name := filepath.Join(site, filepath.FromSlash(file))
	testkit.WriteFile(t, name, "---\ntitle: A story\ndate: 2017-06-01\n---\nThe body.\n")
	fsys := os.DirFS(site)
	// An hour ahead, since the file's change time is now.
	clock := time.Now().Add(time.Hour)
	loadCached(t, fsys, manila, cache, cacheSettings, clock)
	disk := DiskCache{
		Parsed: diskcache.Open(filepath.Join(cache, "content"), cacheSettings),
		Stamps: diskcache.Open(filepath.Join(cache, "stamps"), cacheSettings),
	}
	defer disk.Parsed.Close()
	defer disk.Stamps.Close()
	l, err := Scan(fsys, clock)
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadCached(fsys, manila, nil, l, disk)
	if err != nil {
		t.Fatal(err)
	}
	testkit.WriteFile(t, name, "---\ntitle: A story\ndate: 2017-06-01\n---\nThe new body.\n")
	md, err := c.Articles[0].Markdown.Get()
	if err == nil || !strings.HasPrefix(err.Error(), file+": ") {
		t.Errorf("the body changed since the load: %q, %v; want an error naming %s", md, err, file)
	}
}

// notOS is a file system on disk whose files are not *os.File, so that
// a Scan stats them one by one by path.
type notOS struct{ fs.FS }

func (n notOS) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return notOSFile{f}, nil
}

type notOSFile struct{ fs.File }

func (f notOSFile) ReadDir(n int) ([]fs.DirEntry, error) {
	return f.File.(fs.ReadDirFile).ReadDir(n)
}

// TestScanStatsInFolders checks that a Scan of a folder on disk, which
// stats each file by its name in its open folder, gives every file the
// Stamp a stat of its path gives, in folders of more files than one
// worker stats at a time, through symbolic links too; and none to a
// link that leads nowhere.
func TestScanStatsInFolders(t *testing.T) {
	site := t.TempDir()
	var want []string
	for i := range statRun + 3 {
		want = append(want, fmt.Sprintf("content/2017/%04d.md", i))
	}
	want = append(want, "content/2017/06/story.md", "content/2017/06/story/index.md", "content/2017/06/story/map.png", "content/about.md")
	for i, f := range want {
		testkit.WriteFile(t, filepath.Join(site, filepath.FromSlash(f)), strings.Repeat("x", i))
	}
	testkit.WriteFile(t, filepath.Join(site, "content", ".swap.md"), "hidden")
	if err := os.Symlink(filepath.Join(site, "content", "about.md"), filepath.Join(site, "content", "linked.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(site, "nowhere.md"), filepath.Join(site, "content", "lost.md")); err != nil {
		t.Fatal(err)
	}
	want = append(want, "content/linked.md", "content/lost.md")
	slices.Sort(want)
	fast, err := Scan(os.DirFS(site), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	slow, err := Scan(notOS{os.DirFS(site)}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fast.all, want) {
		t.Fatalf("listed %q; want %q", fast.all, want)
	}
	for _, f := range want {
		got, ok := fast.stamp(slices.Index(fast.all, f))
		byPath, okByPath := slow.stamp(slices.Index(slow.all, f))
		if info, err := fs.Stat(os.DirFS(site), f); (err == nil) != ok || err == nil && StampOf(info) != got {
			t.Errorf("%s: Stamp %+v (%t); a stat of it gives %v, %v", f, got, ok, info, err)
		}
		if ok != okByPath || got != byPath {
			t.Errorf("%s: Stamp %+v (%t); a stat of its path gives %+v (%t)", f, got, ok, byPath, okByPath)
		}
		if wantOK := f != "content/lost.md"; ok != wantOK || ok && got.Inode == 0 && runtime.GOOS == "linux" {
			t.Errorf("%s: Stamp %+v (%t); want one with an inode: %t", f, got, ok, wantOK)
		}
	}
	linked, _ := fast.stamp(slices.Index(fast.all, "content/linked.md"))
	if about, _ := fast.stamp(slices.Index(fast.all, "content/about.md")); linked != about {
		t.Errorf("a link's Stamp is not that of the file it leads to")
	}
}
