package diskcache

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// value is one cached value and the key it is kept under.
type value struct {
	key  Key
	data string
}

var values = []value{
	{Key{1, 10}, "<p>one</p>\n"},
	{Key{2, 20}, "<p>two</p>\n"},
	{Key{3, 0}, ""},
	{Key{1, 11}, "<p>same hash, other tag</p>\n"},
	{Key{4, 40}, "<p>" + strings.Repeat("long ", 1000) + "</p>\n"},
}

const settings = "exe digest 1 2 unsafe_html=false path=\"/\""

// fill opens the cache in dir, puts values and closes it.
func fill(t *testing.T, dir, settings string, values []value) {
	t.Helper()
	c := Open(dir, settings)
	for _, v := range values {
		c.Put(v.key, []byte(v.data))
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// check opens the cache in dir, as a build does, asks it for each value,
// which it must have unless missing lists it, and closes it.
func check(t *testing.T, dir, settings string, values, missing []value) {
	t.Helper()
	c := Open(dir, settings)
	defer c.Close()
	for _, v := range values {
		data, ok := c.Get(v.key)
		switch want := !containsKey(missing, v); {
		case ok != want:
			t.Errorf("Get(%v) found %t; want %t", v.key, ok, want)
		case ok && string(data) != v.data:
			t.Errorf("Get(%v) = %.20q; want %.20q", v.key, data, v.data)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	fill(t, dir, settings, values)
	check(t, dir, settings, values, nil)
	// The second build asked for every value: the third finds them too.
	check(t, dir, settings, values, nil)
	other := []value{{Key{5, 10}, ""}, {Key{1, 12}, ""}}
	check(t, dir, settings, other, other)
}

func TestPutThenGetInOneBuild(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, settings)
	c.Put(Key{1, 10}, []byte("<p>x</p>"))
	// A value is found only from the last build's cache: this build has
	// the value it made already.
	if _, ok := c.Get(Key{1, 10}); ok {
		t.Error("Get found a value put by the same build")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, []value{{Key{1, 10}, "<p>x</p>"}}, nil)
}

// TestPreload checks that a cache read into memory at once finds what
// one read value by value does, and keeps what is put for the next build.
func TestPreload(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, values)
	c := Open(dir, settings)
	c.Preload()
	for _, v := range values {
		if data, ok := c.Get(v.key); !ok || string(data) != v.data {
			t.Errorf("Get(%v) = %.20q, %t; want %.20q", v.key, data, ok, v.data)
		}
	}
	fresh := value{Key{9, 9}, "<p>new</p>"}
	c.Put(fresh.key, []byte(fresh.data))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, append(values, fresh), nil)
}

// TestPutReplacesFound checks that a value Get found and the caller put
// again, since it could not use it, is replaced and counted as a miss.
func TestPutReplacesFound(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, values)
	c := Open(dir, settings)
	for _, v := range values {
		if _, ok := c.Get(v.key); !ok {
			t.Fatalf("Get(%v) missed", v.key)
		}
	}
	c.Put(values[0].key, []byte("replaced"))
	c.Put(values[0].key, []byte("put twice: dropped"))
	if got, want := c.Stats(), (Stats{Hits: len(values) - 1, Misses: 1}); got != want {
		t.Errorf("Stats = %+v; want %+v", got, want)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, append([]value{{values[0].key, "replaced"}}, values[1:]...), nil)
}

// TestDrop checks that a value Get found and the caller dropped is gone
// for the next build and counted as a miss, and that one put stays.
func TestDrop(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, values[:2])
	c := Open(dir, settings)
	for _, v := range values[:2] {
		if _, ok := c.Get(v.key); !ok {
			t.Fatalf("Get(%v) missed", v.key)
		}
	}
	c.Drop(values[0].key)
	c.Put(values[2].key, []byte(values[2].data))
	c.Drop(values[2].key)
	if got, want := c.Stats(), (Stats{Hits: 1, Misses: 1}); got != want {
		t.Errorf("Stats = %+v; want %+v", got, want)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, values[:3], values[:1])
}

// TestDamage checks that a cache that is missing, cut short, garbled or
// kept under other settings misses rather than returns a wrong value, and
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
		lost     []value // the values the damage loses: all when nil
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
		{"index out of order", func(dir string) { swapEntries(t, filepath.Join(dir, indexName)) }, settings, nil},
		{"data cut short", func(dir string) { truncate(data(dir), 3) }, settings, values[4:]},
		{"data garbled", func(dir string) { garble(data(dir), -10) }, settings, values[4:]},
		{"data emptied", func(dir string) { os.Truncate(data(dir), 0) }, settings, nil},
	}
	for _, tt := range tests {
		for _, preload := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/preload=%t", tt.name, preload), func(t *testing.T) {
				damage(t, tt.damage, tt.settings, tt.lost, preload)
			})
		}
	}
}

// swapEntries swaps the first two entries of the index name, and seals
// it again with their checksum: whole, but not in the order of its keys.
func swapEntries(t *testing.T, name string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	a, b := data[headerSize:headerSize+entrySize], data[headerSize+entrySize:headerSize+2*entrySize]
	swapped := append(append(append([]byte{}, b...), a...), data[headerSize+2*entrySize:len(data)-4]...)
	data = append(data[:headerSize], swapped...)
	data = binary.LittleEndian.AppendUint32(data, crc32.Checksum(data, castagnoli))
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// damage fills a cache, damages it, and checks that a build that opens
// it with the settings open finds every value but lost, and that the
// next build finds every value.
func damage(t *testing.T, damage func(dir string), open string, lost []value, preload bool) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cache")
	fill(t, dir, settings, values)
	damage(dir)
	if lost == nil {
		lost = values
	}
	c := Open(dir, open)
	if preload {
		c.Preload()
	}
	for _, v := range values {
		data, ok := c.Get(v.key)
		switch want := !containsKey(lost, v); {
		case ok != want:
			t.Errorf("Get(%v) found %t; want %t", v.key, ok, want)
		case ok && string(data) != v.data:
			t.Errorf("Get(%v) = %.20q; want %.20q", v.key, data, v.data)
		case !ok:
			// The build makes the value again and puts it.
			c.Put(v.key, []byte(v.data))
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, open, values, nil)
}

func containsKey(vs []value, v value) bool {
	for _, x := range vs {
		if x.key == v.key {
			return true
		}
	}
	return false
}

// TestKeepsWhatBuildUsed checks that a build keeps the values it asked for
// or put, and that one that asked for none keeps them all.
func TestKeepsWhatBuildUsed(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, values[:2])
	// A build that stopped before rendering changes nothing.
	if err := Open(dir, settings).Close(); err != nil {
		t.Fatal(err)
	}
	c := Open(dir, settings)
	if _, ok := c.Get(values[0].key); !ok {
		t.Fatal("the first value is missing")
	}
	c.Put(values[2].key, []byte(values[2].data))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, []value{values[0], values[1], values[2]}, values[1:2])
}

// TestMergesKeys checks that a build's index holds the values it kept
// and the values it put, whose keys fall between them, each findable.
func TestMergesKeys(t *testing.T) {
	dir := t.TempDir()
	v := func(sum uint64) value { return value{Key{sum, 0}, fmt.Sprint(sum)} }
	fill(t, dir, settings, []value{v(2), v(4), v(6)})
	c := Open(dir, settings)
	for _, kept := range []value{v(4), v(6)} {
		if _, ok := c.Get(kept.key); !ok {
			t.Fatalf("Get(%v) missed", kept.key)
		}
	}
	for _, put := range []value{v(7), v(1), v(5), v(3)} {
		c.Put(put.key, []byte(put.data))
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	all := []value{v(1), v(2), v(3), v(4), v(5), v(6), v(7)}
	check(t, dir, settings, all, []value{v(2)})
}

// TestKeep checks that a value kept unread is there for the build after,
// and that a value put in the build that keeps it wins.
func TestKeep(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, values[:2])
	c := Open(dir, settings)
	if !c.Keep(values[0].key) {
		t.Error("Keep did not find the first value")
	}
	if c.Keep(values[2].key) {
		t.Error("Keep found a value never put")
	}
	c.Put(values[1].key, []byte("<p>new</p>\n"))
	if c.Keep(values[1].key) != true {
		t.Error("Keep did not find the second value")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, []value{values[0], {values[1].key, "<p>new</p>\n"}, values[2]}, values[2:3])
}

// TestCompacts checks that the data file is rewritten once the values no
// index names outweigh those in use, and that what it keeps reads back.
func TestCompacts(t *testing.T) {
	dir := t.TempDir()
	big := func(i int) value {
		return value{Key{uint64(i), uint64(i)}, fmt.Sprintf("<p>%d %s</p>", i, strings.Repeat("x", minDead/2))}
	}
	var all []value
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
	// Half the values dead is not enough to rewrite.
	check(t, dir, settings, all[2:], nil)
	if got := size(); got != full {
		t.Errorf("data file of %d bytes after half the values died; want it kept at %d", got, full)
	}
	// Three quarters are.
	check(t, dir, settings, all[3:], nil)
	want := int64(len(all[3].data))
	if got := size(); got != want {
		t.Errorf("data file of %d bytes after compaction; want %d", got, want)
	}
	check(t, dir, settings, all, all[:3])
}

// TestKilledBuild checks that bytes a killed build appended, which no index
// names, do no harm.
func TestKilledBuild(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, values)
	names, _ := filepath.Glob(filepath.Join(dir, dataPrefix+"*"))
	f, err := os.OpenFile(names[0], os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half a value")
	f.Close()
	os.WriteFile(filepath.Join(dir, indexName+tmpSuffix), []byte("half an index"), 0o644)
	check(t, dir, settings, values, nil)
	if _, err := os.Stat(filepath.Join(dir, indexName+tmpSuffix)); err == nil {
		t.Error("the index a killed build left half-written is still there")
	}
	// A value put now goes after the dead bytes.
	fresh := value{Key{9, 9}, "<p>new</p>"}
	c := Open(dir, settings)
	for _, v := range values {
		c.Get(v.key)
	}
	c.Put(fresh.key, []byte(fresh.data))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, append(values, fresh), nil)
}

// TestUnwritable checks that a cache folder that cannot be made costs
// work and no error.
func TestUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	dir := filepath.Join(file, "cache")
	c := Open(dir, settings)
	c.Put(Key{1, 1}, []byte("x"))
	if _, ok := c.Get(Key{1, 1}); ok {
		t.Error("Get found a value in a cache that cannot be kept")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close = %v; want nil for a cache that was never opened", err)
	}
}

func TestConcurrent(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir, settings, values)
	c := Open(dir, settings)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for _, v := range values {
				if _, ok := c.Get(v.key); !ok {
					t.Errorf("Get(%v) missed", v.key)
				}
				c.Put(Key{uint64(100 + i), uint64(i)}, []byte("<p>new</p>"))
			}
		})
	}
	wg.Wait()
	if got := c.Stats(); got.Hits != 8*len(values) || got.Misses != 0 {
		t.Errorf("Stats = %+v; want %d hits", got, 8*len(values))
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, dir, settings, append(values, value{Key{100, 0}, "<p>new</p>"}, value{Key{107, 7}, "<p>new</p>"}), nil)
}
