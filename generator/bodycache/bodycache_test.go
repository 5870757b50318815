package bodycache

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// body is one cached body and the key it is kept under.
type body struct {
	sum           uint64
	size          int
	html, summary string
}

var bodies = []body{
	{1, 10, "<p>one</p>\n", "one"},
	{2, 20, "<p>two</p>\n", ""},
	{3, 0, "", ""},
	{1, 11, "<p>same hash, other size</p>\n", "other"},
	{4, 40, "<p>" + strings.Repeat("long ", 1000) + "</p>\n", "long"},
}

const settings = "exe digest 1 2 unsafe_html=false path=\"/\""

// fill opens the cache in dir, puts bodies and closes it.
func fill(t *testing.T, dir, settings string, bodies []body) {
	t.Helper()
	c := Open(dir, settings)
	for _, b := range bodies {
		c.Put(b.sum, b.size, b.html, b.summary)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// check opens the cache in dir, as a build does, asks it for each body,
// which it must have unless missing lists it, and closes it.
func check(t *testing.T, dir, settings string, bodies, missing []body) {
	t.Helper()
	c := Open(dir, settings)
	defer c.Close()
	for _, b := range bodies {
		html, summary, ok := c.Get(b.sum, b.size)
		switch want := !containsBody(missing, b); {
		case ok != want:
			t.Errorf("Get(%d, %d) found %t; want %t", b.sum, b.size, ok, want)
		case ok && (html != b.html || summary != b.summary):
			t.Errorf("Get(%d, %d) = %.20q, %q; want %.20q, %q", b.sum, b.size, html, summary, b.html, b.summary)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bodies")
	fill(t, dir, settings, bodies)
	check(t, dir, settings, bodies, nil)
	// The second build asked for every body: the third finds them too.
	check(t, dir, settings, bodies, nil)
	other := []body{{5, 10, "", ""}, {1, 12, "", ""}}
	check(t, dir, settings, other, other)
}

func TestPutThenGetInOneBuild(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, settings)
	c.Put(1, 10, "<p>x</p>", "x")
	// A body is found only from the last build's cache: this build has
	// the body it rendered already.
	if _, _, ok := c.Get(1, 10); ok {
		t.Error("Get found a body put by the same build")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, []body{{1, 10, "<p>x</p>", "x"}}, nil)
}

// TestDamage checks that a cache that is missing, cut short, garbled or
// kept under other settings misses rather than returns wrong HTML, and
// works again after the next build.
func TestDamage(t *testing.T) {
	data := func(dir string) string {
		names, _ := filepath.Glob(filepath.Join(dir, dataPrefix+"*"))
		if len(names) != 1 {
			t.Fatalf("data files %q; want one", names)
		}
		return names[0]
	}
	truncate := func(name string, by int64) {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(name, info.Size()-by); err != nil {
			t.Fatal(err)
		}
	}
	garble := func(name string, at int64) {
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if at < 0 {
			info, _ := f.Stat()
			at += info.Size()
		}
		b := []byte{0}
		if _, err := f.ReadAt(b, at); err != nil {
			t.Fatal(err)
		}
		b[0] ^= 0x55
		if _, err := f.WriteAt(b, at); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		damage   func(dir string)
		settings string
		lost     []body // the bodies the damage loses: all when nil
	}{
		{"folder removed", func(dir string) { os.RemoveAll(dir) }, settings, nil},
		{"index removed", func(dir string) { os.Remove(filepath.Join(dir, indexName)) }, settings, nil},
		{"data removed", func(dir string) { os.Remove(data(dir)) }, settings, nil},
		{"index cut short", func(dir string) { truncate(filepath.Join(dir, indexName), 10) }, settings, nil},
		{"index garbled", func(dir string) { garble(filepath.Join(dir, indexName), int64(headerSize+5)) }, settings, nil},
		{"index is garbage", func(dir string) {
			os.WriteFile(filepath.Join(dir, indexName), []byte(strings.Repeat("garbage\n", 100)), 0o644)
		}, settings, nil},
		{"index of an older layout", func(dir string) { garble(filepath.Join(dir, indexName), int64(len(magic)-2)) }, settings, nil},
		{"other executable", func(string) {}, strings.Replace(settings, "digest 1 2", "digest 1 3", 1), nil},
		{"other settings", func(string) {}, strings.Replace(settings, "unsafe_html=false", "unsafe_html=true", 1), nil},
		{"data cut short", func(dir string) { truncate(data(dir), 3) }, settings, bodies[4:]},
		{"data garbled", func(dir string) { garble(data(dir), -10) }, settings, bodies[4:]},
		{"data emptied", func(dir string) { os.Truncate(data(dir), 0) }, settings, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bodies")
			fill(t, dir, settings, bodies)
			tt.damage(dir)
			lost := tt.lost
			if lost == nil {
				lost = bodies
			}
			c := Open(dir, tt.settings)
			for _, b := range bodies {
				html, summary, ok := c.Get(b.sum, b.size)
				switch want := !containsBody(lost, b); {
				case ok != want:
					t.Errorf("Get(%d, %d) found %t; want %t", b.sum, b.size, ok, want)
				case ok && (html != b.html || summary != b.summary):
					t.Errorf("Get(%d, %d) = %.20q, %q; want %.20q, %q", b.sum, b.size, html, summary, b.html, b.summary)
				case !ok:
					// The build renders the body and puts it.
					c.Put(b.sum, b.size, b.html, b.summary)
				}
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			check(t, dir, tt.settings, bodies, nil)
		})
	}
}

func containsBody(bs []body, b body) bool {
	for _, x := range bs {
		if x.sum == b.sum && x.size == b.size {
			return true
		}
	}
	return false
}

// TestKeepsWhatBuildUsed checks that a build keeps the bodies it asked for
// or put, and that one that asked for none keeps them all.
func TestKeepsWhatBuildUsed(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, bodies[:2])
	// A build that stopped before rendering changes nothing.
	if err := Open(dir, settings).Close(); err != nil {
		t.Fatal(err)
	}
	c := Open(dir, settings)
	if _, _, ok := c.Get(bodies[0].sum, bodies[0].size); !ok {
		t.Fatal("the first body is missing")
	}
	c.Put(bodies[2].sum, bodies[2].size, bodies[2].html, bodies[2].summary)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, []body{bodies[0], bodies[1], bodies[2]}, bodies[1:2])
}

// TestCompacts checks that the data file is rewritten once the bodies no
// index names outweigh those in use, and that what it keeps reads back.
func TestCompacts(t *testing.T) {
	dir := t.TempDir()
	big := func(i int) body {
		return body{uint64(i), i, fmt.Sprintf("<p>%d %s</p>", i, strings.Repeat("x", minDead/2)), fmt.Sprint(i)}
	}
	var all []body
	for i := range 4 {
		all = append(all, big(i))
	}
	fill(t, dir, settings, all)
	size := func() int64 {
		names, _ := filepath.Glob(filepath.Join(dir, dataPrefix+"*"))
		if len(names) != 1 {
			t.Fatalf("data files %q; want one", names)
		}
		info, err := os.Stat(names[0])
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	full := size()
	// Half the bodies dead is not enough to rewrite.
	check(t, dir, settings, all[2:], nil)
	if got := size(); got != full {
		t.Errorf("data file of %d bytes after half the bodies died; want it kept at %d", got, full)
	}
	// Three quarters are.
	check(t, dir, settings, all[3:], nil)
	want := int64(len(all[3].html) + len(all[3].summary))
	if got := size(); got != want {
		t.Errorf("data file of %d bytes after compaction; want %d", got, want)
	}
	check(t, dir, settings, all, all[:3])
}

// TestKilledBuild checks that bytes a killed build appended, which no index
// names, do no harm.
func TestKilledBuild(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, bodies)
	names, _ := filepath.Glob(filepath.Join(dir, dataPrefix+"*"))
	f, err := os.OpenFile(names[0], os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half a body")
	f.Close()
	os.WriteFile(filepath.Join(dir, indexName+tmpSuffix), []byte("half an index"), 0o644)
	check(t, dir, settings, bodies, nil)
	if _, err := os.Stat(filepath.Join(dir, indexName+tmpSuffix)); err == nil {
		t.Error("the index a killed build left half-written is still there")
	}
	// A body put now goes after the dead bytes.
	fresh := body{9, 9, "<p>new</p>", "new"}
	c := Open(dir, settings)
	for _, b := range bodies {
		c.Get(b.sum, b.size)
	}
	c.Put(fresh.sum, fresh.size, fresh.html, fresh.summary)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, append(bodies, fresh), nil)
}

// TestUnwritable checks that a cache folder that cannot be made costs
// renders and no error.
func TestUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	dir := filepath.Join(file, "bodies")
	c := Open(dir, settings)
	c.Put(1, 1, "x", "")
	if _, _, ok := c.Get(1, 1); ok {
		t.Error("Get found a body in a cache that cannot be kept")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close = %v; want nil for a cache that was never opened", err)
	}
}

func TestConcurrent(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, bodies)
	c := Open(dir, settings)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for _, b := range bodies {
				if _, _, ok := c.Get(b.sum, b.size); !ok {
					t.Errorf("Get(%d, %d) missed", b.sum, b.size)
				}
				c.Put(uint64(100+i), i, "<p>new</p>", "")
			}
		})
	}
	wg.Wait()
	if got := c.Stats(); got.Hits != 8*len(bodies) || got.Misses != 0 {
		t.Errorf("Stats = %+v; want %d hits", got, 8*len(bodies))
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, append(bodies, body{100, 0, "<p>new</p>", ""}, body{107, 7, "<p>new</p>", ""}), nil)
}
