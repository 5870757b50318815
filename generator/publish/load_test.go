package publish

import (
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digest/digest/internal/testkit"
)

// TestTablesDecodedInBackground checks that Open returns before the last
// state's tables are decoded, and that what reads them waits for them.
func TestTablesDecodedInBackground(t *testing.T) {
	b := newSiteBuilder(t)
	site := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"}
	for i := range 2 { // the second, which changes a file, leaves a spare
		o := b.open()
		o.Record("inputs 1", time.Time{}, nil)
		for name, data := range site {
			if i == 0 && name == "index.html" {
				data = "home 0"
			}
			if err := o.WriteSigned(name, []byte(data), 1); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := o.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []string{"unchanged", "reuse", "write", "reuse all", "commit"} {
		t.Run(step, func(t *testing.T) {
			release := make(chan struct{})
			var released atomic.Bool
			decodeStarts = func() { <-release }
			defer func() { decodeStarts = func() {} }()
			o := b.open()
			defer o.Abort()
			if !o.spare {
				t.Error("the build did not stage in the spare")
			}
			time.AfterFunc(50*time.Millisecond, func() {
				released.Store(true)
				close(release)
			})
			switch step {
			case "unchanged":
				if !o.Unchanged("inputs 1", time.Now()) {
					t.Error("unchanged inputs are reported changed")
				}
			case "reuse":
				if ok, err := o.Reuse("a/index.html", 1); err != nil || !ok {
					t.Errorf("Reuse = %v, %v; want the last build's file kept", ok, err)
				}
			case "write":
				if err := o.WriteSigned("a/index.html", []byte("a"), 1); err != nil {
					t.Fatal(err)
				}
				if len(o.changed) != 0 {
					t.Errorf("staged %q; want the last build's file kept", o.changed)
				}
			case "reuse all":
				o.ReuseAll()
				stats, err := o.Commit()
				if err != nil || counts(stats) != [3]int{0, 3, 0} {
					t.Errorf("Commit = %+v, %v; want 3 unchanged", stats, err)
				}
			case "commit":
				// A site of no files: the last build's go.
				stats, err := o.Commit()
				if err != nil || counts(stats) != [3]int{0, 0, 3} || stats.Unknown != nil {
					t.Errorf("Commit = %+v, %v; want 3 removed", stats, err)
				}
			}
			if !released.Load() {
				t.Error("the state's tables were read before they were decoded")
			}
		})
	}
	b.wantSite(map[string]string{})
}

// TestTableRecordsDamaged checks that a state whose files table is
// damaged within its records, with an index that matches the damaged
// bytes, is lost as a missing state is: a whole part is not proof of
// whole records. Open finds that out before it decides where to stage,
// and the build keeps the output's files it cannot account for.
func TestTableRecordsDamaged(t *testing.T) {
	tests := []struct {
		name   string
		damage func([]byte) []byte
		lost   bool
	}{
		{"whole", func(data []byte) []byte { return data }, false},
		{"record cut short", func(data []byte) []byte { return data[:len(data)-1] }, true},
		{"name outside the output", func(data []byte) []byte { return appendFile(data, "../escape", file{size: 1}) }, true},
		{"name not clean", func(data []byte) []byte { return appendFile(data, "a//b", file{size: 1}) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newSiteBuilder(t)
			old := map[string]string{"index.html": "home", "gone/index.html": "gone", "same.html": "same"}
			b.build(map[string]string{"index.html": "home 0"})
			b.build(old) // which leaves a spare
			testkit.WriteFile(t, filepath.Join(b.out, "CNAME"), "news.example.org")
			spare := b.spare()
			if spare == "" {
				t.Fatal("the builds left no spare")
			}
			rewriteFiles(t, b, spare, tt.damage)
			o := b.open()
			if o.spare == tt.lost {
				t.Errorf("staged in the spare: %v; want %v", o.spare, !tt.lost)
			}
			if _, err := os.Stat(spare); (err == nil) == tt.lost {
				t.Errorf("the spare is there: %v; want %v", err == nil, !tt.lost)
			}
			if kept, _ := o.Reuse("same.html", 1); kept == tt.lost {
				t.Errorf("kept a file on the word of the state: %v; want %v", kept, !tt.lost)
			}
			site := map[string]string{"index.html": "home 2"}
			if err := o.WriteSigned("index.html", []byte(site["index.html"]), 1); err != nil {
				t.Fatal(err)
			}
			site["same.html"] = "same"
			if !tt.lost {
				if stats, err := o.Commit(); err != nil || counts(stats) != [3]int{1, 1, 1} || stats.Unknown != nil {
					t.Errorf("Commit = %+v, %v; want 1 written, 1 kept, 1 removed, none unknown", stats, err)
				}
				b.wantSite(site, "CNAME")
				return
			}
			if err := o.WriteSigned("same.html", []byte(site["same.html"]), 1); err != nil {
				t.Fatal(err)
			}
			stats, err := o.Commit()
			if err != nil || counts(stats) != [3]int{2, 0, 0} {
				t.Errorf("Commit = %+v, %v; want both files written, none removed", stats, err)
			}
			if want := []string{"CNAME", "gone/index.html"}; !slices.Equal(stats.Unknown, want) {
				t.Errorf("Unknown = %q; want %q", stats.Unknown, want)
			}
			b.wantSite(site, "CNAME", "gone/index.html")
		})
	}
}

// rewriteFiles changes the bytes of the parts of the files table of the
// output's state with damage, and writes an index that matches them,
// which the marker and the spare's token name.
func rewriteFiles(t *testing.T, b *siteBuilder, spare string, damage func([]byte) []byte) {
	t.Helper()
	states := b.states()
	if len(states) != 1 {
		t.Fatalf("states = %v; want one", states)
	}
	state := filepath.Dir(states[0])
	var lines []string
	for _, line := range strings.Split(read(t, states[0]), "\n") {
		if f := strings.Fields(line); len(f) == 5 && f[0] == "part" && f[1] == tableFiles {
			p := filepath.Join(state, f[2])
			data := damage([]byte(read(t, p)))
			testkit.WriteFile(t, p, string(data))
			line = fmt.Sprintf("part %s %s %d %x", tableFiles, f[2], len(data), crc32.Checksum(data, castagnoli))
		}
		lines = append(lines, line)
	}
	data := []byte(strings.Join(lines, "\n"))
	id := stateID(data)
	testkit.WriteFile(t, filepath.Join(state, manifestPrefix+id), string(data))
	testkit.WriteFile(t, filepath.Join(b.out, Marker), string(marker(id)))
	testkit.WriteFile(t, filepath.Join(spare, spareToken), id)
}
