//go:build unix

package publish

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkCommitEditOne is the publishing side of a build that edits
// one page of a site shaped like the 10,000-article bench corpus (16,000
// folders, 20,000 files): Open, a Reuse or write for every file, and the
// Commit, staging in the spare. Compare the CPU time per build.
func BenchmarkCommitEditOne(b *testing.B) {
	benchmarkCommit(b, func(int) int { return 0 })
}

// BenchmarkCommitAddOne is BenchmarkCommitEditOne for a build that adds
// an article: the home page and the 500 pages after it change, as they
// all shift by one.
func BenchmarkCommitAddOne(b *testing.B) {
	benchmarkCommit(b, func(int) int { return 500 })
}

// benchmarkCommit times builds of the bench site that each write the
// home page and shifted(n) list pages anew, and keep the other files.
func benchmarkCommit(b *testing.B, shifted func(n int) int) {
	root := b.TempDir()
	out, site := filepath.Join(root, "public"), filepath.Join(root, "site")
	var names []string
	for y := range 6 {
		for d := range 365 {
			for a := range 4 {
				names = append(names, fmt.Sprintf("%d/%02d/%02d/article-%d/index.html", 2017+y, d/31+1, d%31+1, a))
			}
			if d%3 == 0 {
				names = append(names, fmt.Sprintf("%d/%02d/%02d/index.html", 2017+y, d/31+1, d%31+1))
			}
		}
	}
	for i := range 2000 {
		names = append(names, fmt.Sprintf("tags/tag-%d/index.html", i), fmt.Sprintf("tags/tag-%d/feed.xml", i))
	}
	var lists []string
	for i := range 500 {
		lists = append(lists, fmt.Sprintf("page/%d/index.html", i+2))
	}
	page := []byte("<!doctype html><title>a page</title>")
	build := func(n int) {
		o, err := Open(out, site)
		if err != nil {
			b.Fatal(err)
		}
		if err := o.WriteSigned("index.html", fmt.Appendf(nil, "home %d", n), uint64(n+1)); err != nil {
			b.Fatal(err)
		}
		for i, name := range lists {
			if i < shifted(n) {
				err = o.WriteSigned(name, fmt.Appendf(nil, "list %d %d", i, n), uint64(n+1))
			} else if ok, rerr := o.Reuse(name, 1); rerr != nil || !ok {
				err = o.WriteSigned(name, page, 1)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		for _, name := range names {
			if ok, err := o.Reuse(name, 1); err != nil {
				b.Fatal(err)
			} else if !ok {
				if err := o.WriteSigned(name, page, 1); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, err := o.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	for n := range 4 { // the spare, and the stamps of both trees
		build(n)
	}
	// The machine is shared: the processor time the builds take says
	// more than the time they wait.
	before := cpuTime(b)
	b.ResetTimer()
	for n := range b.N {
		build(4 + n)
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the processor time, user and system, this process took.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
