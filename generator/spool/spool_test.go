package spool

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestAddAndRead(t *testing.T) {
	dir := t.TempDir()
	s := New(dir, 0)
	// Enough texts, added from several goroutines, that some are in the
	// file and some still pending when they are read.
	const writers, each = 4, 300
	type added struct {
		txt Text
		b   string
	}
	var want []added
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				b := strings.Repeat(fmt.Sprintf("<p>%d.%d</p>", w, i), 1+i%997)
				txt, err := s.Add(b)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				want = append(want, added{txt, b})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if s.written == 0 || len(s.pending) == 0 {
		t.Fatalf("%d bytes written, %d pending; want some of each", s.written, len(s.pending))
	}
	for _, w := range want {
		txt, b := w.txt, w.b
		got, err := txt.Get()
		if err != nil {
			t.Fatal(err)
		}
		if got != b || txt.Len() != len(b) {
			t.Fatalf("Bytes() = %.40q… (%d bytes); want %.40q… (%d bytes)", got, len(got), b, len(b))
		}
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("%d files in the folder; want the spool to have no name", len(files))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if w.txt.off < s.written {
			if _, err := w.txt.Get(); err == nil {
				t.Error("Get() after Close succeeded; want an error")
			}
			break
		}
	}
}

func TestMem(t *testing.T) {
	b := "# Title\n"
	got, err := Mem(b).Get()
	if err != nil || got != b || Mem(b).Len() != len(b) {
		t.Errorf("Mem(%q).Get() = %q, %v; want the same bytes", b, got, err)
	}
	if got, err := (Text{}).Get(); err != nil || got != "" {
		t.Errorf("Text{}.Get() = %q, %v; want nothing", got, err)
	}
}

// TestBudget checks that strings within the memory budget make no file,
// and the first one past it does.
func TestBudget(t *testing.T) {
	dir := t.TempDir()
	s := New(dir, 10)
	defer s.Close()
	for _, b := range []string{"<p>a</p>", "<p>"} { // 8 bytes, then 3: past the budget
		txt, err := s.Add(b)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := txt.Get(); got != b {
			t.Errorf("Get() = %q; want %q", got, b)
		}
	}
	if s.f == nil || s.written+int64(len(s.pending)) != 3 {
		t.Errorf("file %v holds %d bytes; want the 3 past the budget", s.f, s.written+int64(len(s.pending)))
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("%d files in the folder; want the spool to have no name", len(files))
	}
}

func TestMissingFolder(t *testing.T) {
	s := New(t.TempDir()+"/missing", 0)
	if _, err := s.Add("x"); err == nil {
		t.Error("Add to a spool in a missing folder succeeded; want an error")
	}
	if _, err := s.Add("y"); err == nil {
		t.Error("a second Add after the error succeeded; want the error again")
	}
}
