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
// A Text is one string: in memory (Mem), or at an offset in a Spool. A
// Text in a Spool stays readable until the Spool is closed.
package spool

import (
	"fmt"
	"os"
	"sync"
)

// flushAt is how many bytes Add gathers before writing them out, so that
// the file is written in large pieces rather than one call per body.
const flushAt = 1 << 20

// Spool is an append-only scratch file. It is safe for concurrent use.
type Spool struct {
	f *os.File

	mu      sync.Mutex
	pending []byte // added, not yet written; it starts at written
	written int64
	err     error // the first write error; later Adds return it
}

// Create makes a Spool in dir. The file has no name once Create returns
// where the system allows it (Linux does), and is removed by Close
// otherwise, so nothing is left in dir either way.
func Create(dir string) (*Spool, error) {
	f, err := os.CreateTemp(dir, ".digest-spool-")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(f.Name()) // an open file stays readable
	return &Spool{f: f, pending: make([]byte, 0, flushAt)}, nil
}

// Close removes the file; the Texts in it cannot be read any more.
func (s *Spool) Close() error {
	err := s.f.Close()
	if rmErr := os.Remove(s.f.Name()); rmErr != nil && !os.IsNotExist(rmErr) && err == nil {
		err = rmErr
	}
	return err
}

// Add copies b into the spool.
func (s *Spool) Add(b string) (Text, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
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

// Text is a byte string in memory or in a Spool. The zero Text is empty.
type Text struct {
	mem string
	s   *Spool
	off int64
	n   int
}

// Mem is a Text of s, kept in memory.
func Mem(s string) Text { return Text{mem: s, n: len(s)} }

// Len is the number of bytes in t.
func (t Text) Len() int { return t.n }

// Get returns t's bytes; from a Spool, a new copy each time.
func (t Text) Get() (string, error) {
	if t.s == nil {
		return t.mem, nil
	}
	return t.s.read(t.off, t.n)
}
