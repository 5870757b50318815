package content

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/spool"
	"github.com/digest/digest/internal/testkit"
)

const cacheSettings = "test exe location=Asia/Manila"

// cacheSite is testdata/cache/site.txtar with files that are easier made
// than written there: a long list of links, line ends and a byte-order
// mark from Windows, characters replaced in the front matter and body.
func cacheSite(t *testing.T) fstest.MapFS {
	t.Helper()
	_, fsys, _ := testkit.ReadSite(t, "testdata/cache/site.txtar")
	var links strings.Builder
	links.WriteString("---\ntitle: Further reading\ndate: 2017-12-01\n---\n")
	for i := range 300 {
		fmt.Fprintf(&links, "- [Link %d to «%s»](https://example.org/%d?q=%d&r=x#s)\n", i, strings.Repeat("é", i%7), i, i*i)
	}
	fsys["content/2017/12/links.md"] = &fstest.MapFile{Data: []byte(links.String())}
	fsys["content/2017/12/windows.md"] = &fstest.MapFile{Data: []byte("\ufeff---\r\ntitle: Saved on Windows\r\ndate: 2017-12-02\r\n---\r\nA body\r\nwith CRLF.\r\n")}
	fsys["content/2017/12/replaced.md"] = &fstest.MapFile{Data: []byte("---\ntitle: A bell\a in the title\ndate: 2017-12-03\n---\nAnd an escape \x1b[31m in the body.\n")}
	return fsys
}

// readCounter is a file system that counts the files read from it.
type readCounter struct {
	fs.FS
	reads atomic.Int64
}

func (c *readCounter) ReadFile(name string) ([]byte, error) {
	c.reads.Add(1)
	return fs.ReadFile(c.FS, name)
}

// cacheLoad is what a load through the disk cache did.
type cacheLoad struct {
	content *Content
	err     error
	hits    int // files not parsed
	reads   int // files read, before any body was asked for
}

// loadCached loads fsys through the caches in dir, opened with settings,
// over a Scan whose clock read since, asks for every body, and tells
// what it loaded and did.
func loadCached(t *testing.T, fsys fs.FS, loc *time.Location, dir, settings string, since time.Time) cacheLoad {
	t.Helper()
	disk := DiskCache{
		Parsed: diskcache.Open(filepath.Join(dir, "content"), settings),
		Stamps: diskcache.Open(filepath.Join(dir, "stamps"), settings),
	}
	counter := &readCounter{FS: fsys}
	var got cacheLoad
	l, err := Scan(counter, since)
	if err != nil {
		t.Fatal(err)
	}
	got.content, got.err = LoadCached(counter, loc, nil, l, disk)
	got.hits, got.reads = disk.Parsed.Stats().Hits, int(counter.reads.Load())
	if got.content != nil {
		readBodies(t, got.content)
	}
	for _, c := range []*diskcache.Cache{disk.Parsed, disk.Stamps} {
		if cerr := c.Close(); cerr != nil {
			t.Fatal(cerr)
		}
	}
	return got
}

// readBodies reads every body of c into memory, as a fresh Load keeps
// them.
func readBodies(t *testing.T, c *Content) {
	t.Helper()
	var texts []*spool.Text
	for _, a := range c.Articles {
		texts = append(texts, &a.Markdown)
	}
	for _, p := range c.Pages {
		texts = append(texts, &p.Markdown)
	}
	for _, is := range c.Issues {
		texts = append(texts, &is.Markdown)
	}
	for _, text := range texts {
		md, err := text.Get()
		if err != nil {
			t.Fatalf("reading a body: %v", err)
		}
		*text = spool.Mem(md)
	}
}

// sameLoad fails unless got and err are what want and wantErr, a fresh
// Load, are.
func sameLoad(t *testing.T, what string, got *Content, err error, want *Content, wantErr error) {
	t.Helper()
	if lines(err) != lines(wantErr) {
		t.Errorf("%s: errors\n%s\nwant\n%s", what, lines(err), lines(wantErr))
	}
	if want == nil || got == nil {
		if (want == nil) != (got == nil) {
			t.Errorf("%s: content %v; want %v", what, got, want)
		}
		return
	}
	if lines(got.Warnings.Err()) != lines(want.Warnings.Err()) {
		t.Errorf("%s: warnings\n%s\nwant\n%s", what, lines(got.Warnings.Err()), lines(want.Warnings.Err()))
	}
	for i := range max(len(got.Articles), len(want.Articles)) {
		if i >= len(got.Articles) || i >= len(want.Articles) {
			t.Errorf("%s: %d articles; want %d", what, len(got.Articles), len(want.Articles))
			break
		}
		if !reflect.DeepEqual(got.Articles[i], want.Articles[i]) {
			t.Errorf("%s: article %s\n%#v\nwant\n%#v", what, want.Articles[i].File, got.Articles[i], want.Articles[i])
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: content differs from a fresh load:\n%#v\nwant\n%#v", what, got, want)
	}
}

// markdownFiles counts the files Load reads in fsys, and those of them
// the cache is to keep.
func markdownFiles(fsys fstest.MapFS) (all, cached int) {
	for name := range fsys {
		if strings.HasSuffix(name, ".md") {
			all++
			if !strings.HasSuffix(name, "-uncached.md") {
				cached++
			}
		}
	}
	return all, cached
}

// TestCacheEqualsParse loads real-looking sites, and the broken ones of
// testdata/bad, fresh and then twice through the cache (the first time
// it fills the cache, the second it reads from it), and wants the same
// content, errors and warnings each time.
func TestCacheEqualsParse(t *testing.T) {
	sites := map[string]fstest.MapFS{"cache": cacheSite(t)}
	bad, err := filepath.Glob("testdata/bad/*.txtar")
	if err != nil || len(bad) == 0 {
		t.Fatalf("no broken sites in testdata/bad (%v)", err)
	}
	for _, file := range bad {
		_, fsys, _ := testkit.ReadSite(t, file)
		sites["bad/"+strings.TrimSuffix(filepath.Base(file), ".txtar")] = fsys
	}
	since := time.Now()
	for name, fsys := range sites {
		t.Run(name, func(t *testing.T) {
			want, wantErr := Load(fsys, manila, nil)
			dir := t.TempDir()
			got := loadCached(t, fsys, manila, dir, cacheSettings, since)
			sameLoad(t, "filling the cache", got.content, got.err, want, wantErr)
			if got.hits != 0 {
				t.Errorf("the first load found %d files in an empty cache", got.hits)
			}
			got = loadCached(t, fsys, manila, dir, cacheSettings, since)
			sameLoad(t, "from the cache", got.content, got.err, want, wantErr)
			if name == "cache" {
				all, cached := markdownFiles(fsys)
				if got.hits != cached || cached == all {
					t.Errorf("the second load found %d of %d files in the cache; want %d", got.hits, all, cached)
				}
				if got.reads != all-cached {
					t.Errorf("the second load read %d of %d files; want %d, those the cache does not keep", got.reads, all, all-cached)
				}
			}
		})
	}
}

// TestCacheCoversEveryField checks that the real-looking site gives every
// field of Article, Page and Issue a value in some file, so that
// TestCacheEqualsParse covers each: a field added later fails here until
// cache.go keeps it and the site gives it.
func TestCacheCoversEveryField(t *testing.T) {
	c, err := Load(cacheSite(t), manila, nil)
	if err != nil {
		t.Fatal(err)
	}
	given := func(items any) {
		v := reflect.ValueOf(items)
		typ := v.Type().Elem().Elem()
		for i := range typ.NumField() {
			set := false
			for j := range v.Len() {
				set = set || !v.Index(j).Elem().Field(i).IsZero()
			}
			if !set {
				t.Errorf("no %s of testdata/cache/site.txtar gives %s", typ.Name(), typ.Field(i).Name)
			}
		}
	}
	given(c.Articles)
	given(c.Pages)
	given(c.Issues)
}

// TestCacheDamage checks that a cache of parsed files or of stamps that
// is missing, cut short, garbled, foreign or kept under another timezone
// costs only reads and parses: the content is a fresh load's.
func TestCacheDamage(t *testing.T) {
	fsys := cacheSite(t)
	want, wantErr := Load(fsys, manila, nil)
	all, cached := markdownFiles(fsys)
	since := time.Now()
	data := func(dir string) string {
		names, _ := filepath.Glob(filepath.Join(dir, "data-*"))
		if len(names) != 1 {
			t.Fatalf("data files %q; want one", names)
		}
		return names[0]
	}
	damages := []struct {
		name   string
		damage func(t *testing.T, dir string)
		hits   int // the parsed files the load after it finds, at most
	}{
		{"missing", func(t *testing.T, dir string) { os.RemoveAll(dir) }, 0},
		{"truncated", func(t *testing.T, dir string) {
			info, err := os.Stat(data(dir))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(data(dir), info.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, cached - 1},
		{"garbled", func(t *testing.T, dir string) {
			b, err := os.ReadFile(data(dir))
			if err != nil {
				t.Fatal(err)
			}
			for i := range b {
				b[i] ^= 0x5a
			}
			if err := os.WriteFile(data(dir), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"index garbage", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "index"), []byte(strings.Repeat("garbage\n", 50)), 0o644)
		}, 0},
	}
	type test struct {
		name   string
		damage func(t *testing.T, dir string) // of the folder holding both caches
		// settings are the second load's; loc its timezone.
		settings string
		loc      *time.Location
		hits     int // the second load's, at most
	}
	var tests []test
	for _, d := range damages {
		tests = append(tests, test{"content " + d.name, func(t *testing.T, dir string) { d.damage(t, filepath.Join(dir, "content")) }, cacheSettings, manila, d.hits})
		// Without its stamps, every file is read, but none parsed.
		tests = append(tests, test{"stamps " + d.name, func(t *testing.T, dir string) { d.damage(t, filepath.Join(dir, "stamps")) }, cacheSettings, manila, cached})
	}
	// Another site's caches, whose files have the same names but other
	// bytes.
	other := func(t *testing.T, dir string) {
		os.RemoveAll(dir)
		other := fstest.MapFS{}
		for name, f := range fsys {
			other[name] = &fstest.MapFile{Data: append([]byte(nil), f.Data...)}
			other[name].Data = append(other[name].Data, "\nAnother site's line.\n"...)
		}
		loadCached(t, other, manila, dir, cacheSettings, since)
	}
	tests = append(tests, test{"foreign", func(t *testing.T, dir string) {
		// And an entry kept under the wrong file's name.
		other(t, dir)
		c := diskcache.Open(filepath.Join(dir, "content"), cacheSettings)
		src := fsys["content/2017/06/zürich.md"].Data
		r := result{}
		parseFile(&r, "content/2017/06/zürich.md", src, manila)
		enc, ok := encode(&r, src, manila)
		if !ok {
			t.Fatal("encode: not kept")
		}
		commented := "content/2017/07/commented.md"
		c.Put(cacheKey(commented, fsys[commented].Data), enc)
		c.Put(cacheKey("content/2017/06/zürich.md", src), enc[:len(enc)-1])
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}, cacheSettings, manila, 0}, test{"foreign stamps", func(t *testing.T, dir string) {
		// This site's parsed files, but every file's stamp names
		// another file's bytes.
		loadCached(t, fsys, manila, dir, cacheSettings, since)
		os.RemoveAll(filepath.Join(dir, "stamps"))
		c := diskcache.Open(filepath.Join(dir, "stamps"), cacheSettings)
		l, err := Scan(fsys, since)
		if err != nil {
			t.Fatal(err)
		}
		for i, file := range l.markdown {
			next := l.markdown[(i+1)%len(l.markdown)]
			st, _ := l.markdownStamp(i)
			c.Put(stampKey(file, st), encodeKey(cacheKey(next, fsys[next].Data)))
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}, cacheSettings, manila, cached},
		test{"other timezone", func(*testing.T, string) {}, "test exe location=UTC", time.UTC, 0},
		test{"other executable", func(*testing.T, string) {}, "other exe location=Asia/Manila", manila, 0},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			loadCached(t, fsys, manila, dir, cacheSettings, since)
			tt.damage(t, dir)
			w, wErr := want, wantErr
			if tt.loc != manila {
				w, wErr = Load(fsys, tt.loc, nil)
			}
			got := loadCached(t, fsys, tt.loc, dir, tt.settings, since)
			sameLoad(t, "after the damage", got.content, got.err, w, wErr)
			if got.hits > tt.hits {
				t.Errorf("%d files found in the cache; want at most %d", got.hits, tt.hits)
			}
			// The load kept what it read and parsed: the next one
			// reads only the files the cache does not keep.
			got = loadCached(t, fsys, tt.loc, dir, tt.settings, since)
			sameLoad(t, "the load after", got.content, got.err, w, wErr)
			if got.hits != cached || got.reads != all-cached {
				t.Errorf("the load after the damage found %d of %d files in the cache and read %d; want %d and %d", got.hits, all, got.reads, cached, all-cached)
			}
		})
	}
}

// TestDecodeDamaged checks that decode turns down every entry cut short,
// and does not panic on entries with a byte changed, which the disk
// cache's checksums keep from it in a build.
func TestDecodeDamaged(t *testing.T) {
	fsys := cacheSite(t)
	for name, f := range fsys {
		if !strings.HasSuffix(name, ".md") {
			continue
		}
		var r result
		if parseFile(&r, name, f.Data, manila); r.err != nil {
			continue
		}
		enc, ok := encode(&r, f.Data, manila)
		if !ok {
			continue
		}
		if _, ok := decode(enc, name, inMemory(f.Data), manila); !ok {
			t.Errorf("%s: decode turned down its own encoding", name)
		}
		if _, ok := decode(enc, name+"x", inMemory(f.Data), manila); ok {
			t.Errorf("%s: decode took the entry for another file", name)
		}
		for n := range len(enc) {
			if _, ok := decode(enc[:n], name, inMemory(f.Data), manila); ok {
				t.Errorf("%s: decode took the entry cut to %d of %d bytes", name, n, len(enc))
			}
			b := []byte(string(enc))
			b[n] ^= 0xff
			decode(b, name, inMemory(f.Data), manila)
		}
	}
}

// FuzzDecode checks that no entry makes decode panic or hang.
func FuzzDecode(f *testing.F) {
	_, fsys, _ := testkit.ReadSite(f, "testdata/cache/site.txtar")
	for name, file := range fsys {
		var r result
		if parseFile(&r, name, file.Data, manila); r.err != nil {
			continue
		}
		if enc, ok := encode(&r, file.Data, manila); ok {
			f.Add(enc)
		}
	}
	src := []byte("---\ntitle: x\ndate: 2017-01-01\n---\nBody.\n")
	files := []string{"content/x.md", "content/pages/x.md", "content/issues/1.md"}
	site := fstest.MapFS{}
	for _, file := range files {
		site[file] = &fstest.MapFile{Data: src}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, file := range files {
			decode(data, file, inMemory(src), manila)
			// A file not read: its body, asked for, is its end.
			r, ok := decode(data, file, unread(site, file, int64(len(src)), cacheKey(file, src)), manila)
			if !ok {
				continue
			}
			var body spool.Text
			switch {
			case r.article != nil:
				body = r.article.Markdown
			case r.page != nil:
				body = r.page.Markdown
			default:
				body = r.issue.Markdown
			}
			if md, err := body.Get(); err != nil || !strings.HasSuffix(string(src), md) || len(md) != body.Len() {
				t.Errorf("%s: body %q, %v; want an end of the file, %d bytes", file, md, err, body.Len())
			}
		}
		if k, ok := decodeKey(data); ok && !bytes.Equal(encodeKey(k), data) {
			t.Errorf("decodeKey(%x) = %v, which encodes as %x", data, k, encodeKey(k))
		}
	})
}
