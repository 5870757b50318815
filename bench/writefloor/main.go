// Command writefloor measures what it costs only to write a built site to
// disk: the folders, the files and their bytes, and nothing else.
//
// Usage:
//
//	go run ./bench/writefloor SRC DST
//
// It reads every regular file under SRC (a site some tool built) into
// memory, then times writing them all under DST, which must not exist, on
// all cores: one goroutine per core takes files from a channel, makes the
// file's folder when no goroutine has made it yet, and writes the file. It
// prints the number of files, of folders holding them and of bytes, and the wall time of the
// writing alone.
//
// A build writes its site at least this once, so a build of SRC's shape
// cannot take less. bench/run.sh runs it on digest's output and on Hugo's,
// each with the page cache dropped before, to show how much of each cold
// build is the disk's share, which depends on the shape of the output (how
// many folders, files and bytes) and not on the tool's code.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: writefloor SRC DST   (DST must not exist)")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "writefloor:", err)
		os.Exit(1)
	}
}

// file is one file of the site, read before the clock starts.
type file struct {
	rel  string
	data []byte
}

func run(src, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s exists: writefloor writes into a new folder only", dst)
	}
	var files []file
	var bytes int64
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		files = append(files, file{rel, data})
		bytes += int64(len(data))
		return nil
	})
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no files under %s", src)
	}

	start := time.Now()
	var (
		mu    sync.Mutex
		made  = map[string]bool{}
		first error
		wg    sync.WaitGroup
	)
	queue := make(chan file)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for f := range queue {
				if err := write(dst, f, &mu, made); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, f := range files {
		queue <- f
	}
	close(queue)
	wg.Wait()
	elapsed := time.Since(start)
	if first != nil {
		return first
	}
	fmt.Printf("files=%d folders=%d bytes=%d workers=%d elapsed=%.3fs\n",
		len(files), len(made), bytes, runtime.GOMAXPROCS(0), elapsed.Seconds())
	return nil
}

// write writes f under dst, making its folder first when no other
// goroutine has; made, guarded by mu, holds the folders made.
func write(dst string, f file, mu *sync.Mutex, made map[string]bool) error {
	p := filepath.Join(dst, f.rel)
	dir := filepath.Dir(p)
	mu.Lock()
	done := made[dir]
	mu.Unlock()
	if !done {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		mu.Lock()
		made[dir] = true
		mu.Unlock()
	}
	return os.WriteFile(p, f.data, 0o644)
}
