// Package spool keeps a build's large byte strings (the articles' Markdown,
// then their rendered HTML) in a scratch file instead of on the heap.
//
// A build needs each body twice, far apart: the Markdown from loading to
// rendering, the HTML from rendering to the pages, feeds and search index
// written later. On the heap, a million articles' bodies need more memory
// than the machine has; in a file, the operating system's page cache keeps
// them while memory lasts and leaves them on disk when it does not, and
// the process stays small.
//
// A Text is one string: in memory (Mem), at an offset in a Spool's file,
// or still where it came from (Lazy). A Text in a file stays readable
// until the Spool is closed. A
// small site's bodies all fit in the Spool's memory budget, and it makes
// no file at all.
package spool

import (
	"fmt"
	"os"
	"sync"
)

// flushAt is how many bytes Add gathers before writing them out, so that
// the file is written in large pieces rather than one call per body.
const flushAt = 1 << 20

// Spool keeps strings in memory up to a budget, and past it in an
// append-only scratch file, made when first needed. It is safe for
// concurrent use.
type Spool struct {
	dir string

	mu      sync.Mutex
	room    int64    // bytes still to keep in memory
	f       *os.File // nil until the budget is spent
	pending []byte   // added, not yet written; it starts at written
	written int64
	err     error // the first error of the file; later Adds return it
}

// New returns a Spool that keeps the first inMemory bytes added in memory
// and the rest in a file in dir. The file has no name once it is made
// where the system allows it (Linux does), and is removed by Close
// otherwise, so nothing is left in dir either way.
func New(dir string, inMemory int64) *Spool {
	return &Spool{dir: dir, room: inMemory}
}

// Close removes the file; the Texts in it cannot be read any more.
func (s *Spool) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	if rmErr := os.Remove(s.f.Name()); rmErr != nil && !os.IsNotExist(rmErr) && err == nil {
		err = rmErr
	}
	return err
}

// Add keeps b in the spool: within the memory budget b itself, so it
// should not be part of a larger string that it would keep alive; past it,
// a copy in the file.
func (s *Spool) Add(b string) (Text, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if int64(len(b)) <= s.room {
		s.room -= int64(len(b))
		return Mem(b), nil
	}
	s.room = 0 // the budget is spent: later strings go to the file too
	if s.f == nil && s.err == nil {
		f, err := os.CreateTemp(s.dir, ".digest-spool-")
		if err != nil {
			s.err = fmt.Errorf("spool: %w", err)
		} else {
			_ = os.Remove(f.Name()) // an open file stays readable
			s.f, s.pending = f, make([]byte, 0, flushAt)
		}
	}
	if s.err != nil {
		return Text{}, s.err
	}
	t := Text{s: s, off: s.written + int64(len(s.pending)), n: len(b)}
	s.pending = append(s.pending, b...)
	if len(s.pending) >= flushAt {
		s.flush()
	}
	return t, s.err
}

// flush writes the pending bytes; s.mu is held.
func (s *Spool) flush() {
	if _, err := s.f.WriteAt(s.pending, s.written); err != nil {
		s.err = fmt.Errorf("spool: %w", err)
		return
	}
	s.written += int64(len(s.pending))
	s.pending = s.pending[:0]
}

// read returns the n bytes at off, from the file or, while they wait to be
// written, from pending.
func (s *Spool) read(off int64, n int) (string, error) {
	b := make([]byte, n)
	s.mu.Lock()
	if off >= s.written {
		copy(b, s.pending[off-s.written:])
		s.mu.Unlock()
		return string(b), nil
	}
	s.mu.Unlock()
	if _, err := s.f.ReadAt(b, off); err != nil {
		return "", fmt.Errorf("spool: %w", err)
	}
	return string(b), nil
}

// Text is a byte string in memory or in a Spool, or one to be read when
// asked for (Lazy). The zero Text is empty.
type Text struct {
	mem  string
	s    *Spool
	off  int64
	n    int
	load func() (string, error)
}

// Mem is a Text of s, kept in memory.
func Mem(s string) Text { return Text{mem: s, n: len(s)} }

// Lazy is a Text of n bytes that load returns, each time it is asked
// for: a body that stays in its file unless a build needs it.
func Lazy(n int, load func() (string, error)) Text { return Text{n: n, load: load} }

// InMemory reports whether t is on the heap (Mem): neither in a Spool's
// file nor still where it came from.
func (t Text) InMemory() bool { return t.s == nil && t.load == nil }

// Len is the number of bytes in t.
func (t Text) Len() int { return t.n }

// Get returns t's bytes; from a Spool or Lazy, a new copy each time.
func (t Text) Get() (string, error) {
	if t.load != nil {
		return t.load()
	}
	if t.s == nil {
		return t.mem, nil
	}
	return t.s.read(t.off, t.n)
}
