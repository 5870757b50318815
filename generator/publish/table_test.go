package publish

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// TestTableUpdate changes a table of many records in the ways a build
// does, and checks after each change that the table holds the records
// it should, in parts that begin where the names say, and that a change
// rewrites only the parts it touches.
func TestTableUpdate(t *testing.T) {
	state := t.TempDir()
	now := map[string]file{}
	for i := range 5000 {
		now[fmt.Sprintf("%d/page-%d/index.html", i%7, i)] = file{size: int64(i)}
	}
	var tab table
	var before map[string]file
	steps := []struct {
		name   string
		change func()
		most   int // parts the change may write at most; -1: any
	}{
		{"fresh", func() {}, -1},
		{"one changed", func() { now["3/page-3/index.html"] = file{size: 1} }, 1},
		{"one added", func() { now["3/page-3a/index.html"] = file{size: 2} }, 1},
		{"one removed", func() { delete(now, "5/page-5/index.html") }, 2},
		{"a part's first removed", func() { delete(now, tab[len(tab)/2].names[0]) }, 2},
		{"the first removed", func() { delete(now, tab[0].names[0]) }, 1},
		{"one before all", func() { now["0"] = file{size: 3} }, 1},
		{"many", func() {
			for i := range 5000 {
				if i%3 == 0 {
					delete(now, fmt.Sprintf("%d/page-%d/index.html", i%7, i))
				}
			}
		}, -1},
		{"all removed", func() { clear(now) }, -1},
	}
	for _, step := range steps {
		step.change()
		old := map[string]bool{}
		for _, p := range tab {
			old[p.file] = true
		}
		var err error
		tab, err = tab.update(state, changedNames(before, now), func(name string) bool {
			_, ok := now[name]
			return ok
		}, func(b []byte, name string) []byte { return appendFile(b, name, now[name]) })
		if err != nil {
			t.Fatal(err)
		}
		var refs []partRef
		written := 0
		var names []string
		for i, p := range tab {
			refs = append(refs, partRef{tableFiles, p.file, p.size, p.crc})
			if !old[p.file] {
				written++
			}
			for j, name := range p.names {
				if begins := i == 0 && j == 0 || starts(name); begins != (j == 0) {
					t.Errorf("%s: part %d: %q at %d, begins a part: %v", step.name, i, name, j, starts(name))
				}
			}
			names = append(names, p.names...)
		}
		if step.most >= 0 && written > step.most {
			t.Errorf("%s: %d parts written; want at most %d", step.name, written, step.most)
		}
		if !slices.IsSorted(names) || !slices.Equal(names, slices.Sorted(maps.Keys(now))) {
			t.Errorf("%s: the parts hold %d names, in order: %v; want %d", step.name, len(names), slices.IsSorted(names), len(now))
		}
		parts, ok := readParts(state, index{parts: refs})
		if st := decodeTables(parts); !ok || !maps.Equal(st.files, now) {
			t.Errorf("%s: read back %d records, %v; want %d", step.name, len(st.files), ok, len(now))
		}
		before = maps.Clone(now)
	}
}
