package content

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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
