package generator

import (
	"bytes"
	"iter"
	"math"
	"sync"
	"sync/atomic"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/internal/work"
)

// sink is where a build's files go. A Build's writer makes them all and
// writes them; a Session's snapshot keeps them unmade, each made when it
// is first asked for.
type sink interface {
	// put takes a group of files.
	put(files iter.Seq[output]) error
}

// lazySink is a sink that makes files after the build has returned.
type lazySink interface {
	sink
	// putLazy takes a group whose files are made together and whose names
	// are only known once they are made: the search index.
	putLazy(files func() iter.Seq[output])
}

// writer is a Build's sink: it makes the files on all cores and writes
// them to w.
type writer struct {
	mu       sync.Mutex // guards stats: groups of files may be put at the same time
	w        Writer
	inc      Incremental // w, when it remembers the last build; or nil
	progress *Progress
	stats    *Stats
	// exe is a hash of the digest executable, which the signatures kept
	// between builds need; 0 when unknown, and then none are kept.
	exe uint64
}

// put makes the files and writes them. Identical errors, such as one
// template failing on every article, are reported once.
func (wr *writer) put(files iter.Seq[output]) error {
	var (
		mu     sync.Mutex
		errs   diag.List
		seen   = map[string]bool{}
		reused atomic.Int64
	)
	// One buffer per worker, which write reuses from file to file.
	workers := work.Workers(math.MaxInt)
	bufs := make([]bytes.Buffer, workers)
	work.Stream(workers, files, func(w int, o output) {
		old, err := wr.write(o, &bufs[w])
		if old {
			reused.Add(1)
		}
		if p := wr.progress; p != nil {
			p.files.Add(1)
		}
		if err != nil {
			mu.Lock()
			if !seen[err.Error()] {
				seen[err.Error()] = true
				errs.Add(o.path, err)
			}
			mu.Unlock()
		}
	})
	wr.mu.Lock()
	defer wr.mu.Unlock()
	wr.stats.Reused += int(reused.Load())
	return errs.Err()
}

// write makes o and writes it, or, when the last build made the file from
// the same things, reuses that file unmade and reports so.
func (wr *writer) write(o output, buf *bytes.Buffer) (reused bool, err error) {
	if wr.inc == nil || o.sign == nil || wr.exe == 0 {
		buf.Reset()
		data, err := o.make(buf)
		if err != nil {
			return false, err
		}
		return false, wr.w.WriteFile(o.path, data)
	}
	sig := o.sign()
	if sig != 0 {
		// Signatures cover the inputs, not the code that makes the files:
		// with the executable mixed in, a new digest makes them all again.
		sig ^= wr.exe
	}
	if reused, err := wr.inc.Reuse(o.path, sig); reused || err != nil {
		return reused, err
	}
	buf.Reset()
	data, err := o.make(buf)
	if err != nil {
		return false, err
	}
	return false, wr.inc.WriteSigned(o.path, data, sig)
}

// snapshot is a Session's sink: it keeps the files in a Snapshot, unmade,
// except that a file that signs as its namesake in prev did takes the
// bytes prev made.
type snapshot struct {
	mu   sync.Mutex // guards snap's files: groups of files may be put at the same time
	snap *Snapshot
	prev *Snapshot // the last good snapshot, or nil
}

func (sn *snapshot) putLazy(files func() iter.Seq[output]) { sn.snap.lazy = files }

func (sn *snapshot) put(outputs iter.Seq[output]) error {
	var files []*File
	for o := range outputs {
		files = append(files, &File{output: o})
	}
	// Signing touches every page, so it runs on every core. Pages made
	// with a site's own templates sign as 0 (see render.Signer) and are
	// made again after every build.
	work.Each(len(files), func(i int) {
		if f := files[i]; f.sign != nil {
			f.sig = f.sign()
		}
	})
	sn.mu.Lock()
	defer sn.mu.Unlock()
	for _, f := range files {
		if old := sn.prev.file(f.path); f.sig != 0 && old != nil && old.sig == f.sig && old.made.Load() {
			f.data, f.err = old.data, old.err
			f.once.Do(func() {})
			f.made.Store(true)
		}
		sn.snap.files[f.path] = f
	}
	return nil
}
