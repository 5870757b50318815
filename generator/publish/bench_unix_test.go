//go:build unix

package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkCommitEditOne is the publishing side of a build that edits
// one page of a site shaped like the bench corpus (at 10,000 articles,
// 16,000 folders and 18,000 files; at 100,000, ten times that): Open, a
// Reuse or write for every file, and the Commit, staging in the spare.
// Compare the CPU time per build, and that of Open and Commit, and the
// time Open takes (the decode of the state's tables goes on after it, in
// the background, and waits for the processor with the Reuse calls').
func BenchmarkCommitEditOne(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) { benchmarkCommit(b, n, 1, false, false) })
	}
}

// BenchmarkCommitAddOne is BenchmarkCommitEditOne for a build that adds
// an article: a new page in a new folder, and 40 pages written anew (the
// home page, the fronts of the article's lists, its day, the pages whose
// related stories change), as stable pagination leaves them.
func BenchmarkCommitAddOne(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) { benchmarkCommit(b, n, 40, true, false) })
	}
}

// BenchmarkOpen times Open alone on the site of BenchmarkCommitAddOne,
// and until the last state's tables are decoded, in the background.
func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) { benchmarkCommit(b, n, 40, true, true) })
	}
}

// benchSite lists the files of a site of n articles shaped like the bench
// corpus: a folder per article, a page per day, two files per tag, and
// list pages.
func benchSite(n int) []string {
	var names []string
	for i := range n {
		day := i / 4
		names = append(names, fmt.Sprintf("%d/%02d/%02d/article-%d/index.html", 1950+day/372, day/31%12+1, day%31+1, i%4))
		if i%4 == 0 {
			names = append(names, fmt.Sprintf("%d/%02d/%02d/index.html", 1950+day/372, day/31%12+1, day%31+1))
		}
		if i%5 == 0 {
			names = append(names, fmt.Sprintf("tags/tag-%d/index.html", i/5), fmt.Sprintf("tags/tag-%d/feed.xml", i/5))
		}
		if i%20 == 0 {
			names = append(names, fmt.Sprintf("page/%d/index.html", i/20+1))
		}
	}
	return append(names, "index.html")
}

// benchmarkCommit times builds of the bench site of n articles that each
// write written of its files anew (spread over the site), and add a
// page in a new folder when add is set, and keep the other files; or,
// when openOnly is set, only the Open of the next build.
func benchmarkCommit(b *testing.B, n, written int, add, openOnly bool) {
	// The first builds of a big site make every file, which takes
	// minutes on a busy disk: DIGEST_BENCH_DIR keeps the site between
	// runs, and a count of its builds, which the pages say.
	root, first := b.TempDir(), 0
	if dir := os.Getenv("DIGEST_BENCH_DIR"); dir != "" {
		root = filepath.Join(dir, fmt.Sprint(n))
		if err := os.MkdirAll(root, 0o755); err != nil {
			b.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(root, "builds"))
		first, _ = strconv.Atoi(string(data))
		defer func() {
			if err := os.WriteFile(filepath.Join(root, "builds"), []byte(fmt.Sprint(first)), 0o644); err != nil {
				b.Fatal(err)
			}
		}()
	}
	out, site := filepath.Join(root, "public"), filepath.Join(root, "site")
	names := benchSite(n)
	page := []byte("<!doctype html><title>a page</title>")
	var open, openWall, commit time.Duration
	build := func(k int) {
		t0, w0 := cpuTime(b), time.Now()
		o, err := Open(out, site)
		if err != nil {
			b.Fatal(err)
		}
		t1 := cpuTime(b)
		openWall += time.Since(w0)
		for i, name := range names {
			if i%(len(names)/written) == 0 {
				err = o.WriteSigned(name, fmt.Appendf(nil, "page %d %d", i, k), uint64(k+2))
			} else if ok, rerr := o.Reuse(name, 1); rerr != nil || !ok {
				err = o.WriteSigned(name, page, 1)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		if add {
			for j := range k + 1 {
				name := fmt.Sprintf("2100/01/01/added-%d/index.html", j)
				if ok, rerr := o.Reuse(name, 1); rerr != nil || !ok {
					if err := o.WriteSigned(name, page, 1); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		t2 := cpuTime(b)
		if _, err := o.Commit(); err != nil {
			b.Fatal(err)
		}
		open += t1 - t0
		commit += cpuTime(b) - t2
	}
	for range 4 { // the spare, and the stamps of both trees
		build(first)
		first++
	}
	open, openWall, commit = 0, 0, 0
	if openOnly {
		var decoded time.Duration
		b.ResetTimer()
		for range b.N {
			t0, c0 := time.Now(), cpuTime(b)
			o, err := Open(out, site)
			if err != nil {
				b.Fatal(err)
			}
			open += cpuTime(b) - c0
			openWall += time.Since(t0)
			o.load()
			decoded += time.Since(t0)
			o.Abort()
		}
		b.ReportMetric(float64(open)/float64(b.N), "open-cpu-ns/op")
		b.ReportMetric(float64(openWall)/float64(b.N), "open-ns/op")
		b.ReportMetric(float64(decoded)/float64(b.N), "decoded-ns/op")
		return
	}
	// The machine is shared: the processor time the builds take says
	// more than the time they wait.
	before := cpuTime(b)
	b.ResetTimer()
	for range b.N {
		build(first)
		first++
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(open)/float64(b.N), "open-cpu-ns/op")
	b.ReportMetric(float64(openWall)/float64(b.N), "open-ns/op")
	b.ReportMetric(float64(commit)/float64(b.N), "commit-cpu-ns/op")
}

// cpuTime is the processor time, user and system, this process took.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
