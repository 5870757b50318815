package generator

import (
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/internal/testkit"
)

// BenchmarkPasses100k times the passes over the whole site that come
// before the pages (the scan of content/, the load and the model) in a
// rebuild of a generated 100,000-article site with warm caches, after
// one article was added ("add") or one old article's body edited
// ("edit"). The bodies are short: the passes take them from the caches.
func BenchmarkPasses100k(b *testing.B) {
	if testing.Short() {
		b.Skip("a 100,000-article site: skipped with -short")
	}
	fsys := generateSiteOf(100_000, 1, 1)
	// A MapFS looks for a name it lacks through all its names: the
	// layouts' files are looked for in a map of their own.
	rest := fstest.MapFS{"site.yaml": fsys["site.yaml"]}
	delete(fsys, "site.yaml")
	opts := Options{Input: Input{Site: splitFS{fsys, rest}, Theme: testkit.Theme()}, Now: buildTime.AddDate(10, 0, 0), Cache: b.TempDir()}
	var old string // an article of the first year, to edit
	for name := range fsys {
		if strings.HasPrefix(name, "content/articles/2017/") && (old == "" || name < old) {
			old = name
		}
	}
	// Each pass's time on the clock and on the processors: the machine
	// may be shared, and the passes use every core.
	var wall, cpu [3]time.Duration
	rebuild := func(b *testing.B) {
		bl := newBuilder(opts, discardWriter{})
		defer bl.mem.(*forget).close(bl.stats)
		passes := []func() error{
			func() (err error) {
				bl.listing, err = content.Scan(opts.Site, fsClock(opts.Cache))
				return err
			},
			func() error {
				if err := bl.checkInputs(); err != nil {
					return err
				}
				return bl.load()
			},
			bl.model,
		}
		for i, pass := range passes {
			start, startCPU := time.Now(), processTime()
			if err := pass(); err != nil {
				b.Fatal(err)
			}
			wall[i] += time.Since(start)
			cpu[i] += processTime() - startCPU
		}
	}
	rebuild(b) // cold: fills the caches
	rebuild(b)
	for _, change := range []string{"add", "edit"} {
		b.Run(change, func(b *testing.B) {
			wall, cpu = [3]time.Duration{}, [3]time.Duration{}
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				if change == "add" {
					src := string(fsys[old].Data)
					src = strings.Replace(src, "title: \"", fmt.Sprintf("title: \"Added %d: ", i), 1)
					src = strings.Replace(src, "date: 2017", "date: 2022", 1)
					fsys[fmt.Sprintf("content/articles/2022/zz-added-%d.md", i)] = &fstest.MapFile{Data: []byte(src)}
				} else {
					fsys[old] = &fstest.MapFile{Data: append(fsys[old].Data, fmt.Sprintf("One more sentence, %d.\n", i)...)}
				}
				b.StartTimer()
				rebuild(b)
			}
			for i, pass := range []string{"scan", "load", "model"} {
				b.ReportMetric(wall[i].Seconds()/float64(b.N), pass+"-s/op")
				b.ReportMetric(cpu[i].Seconds()/float64(b.N), pass+"-cpu-s/op")
			}
		})
	}
}

// splitFS is the files of content/ in content and the others in rest.
type splitFS struct{ content, rest fs.FS }

func (s splitFS) Open(name string) (fs.File, error) {
	if name == content.Dir || strings.HasPrefix(name, content.Dir+"/") {
		return s.content.Open(name)
	}
	return s.rest.Open(name)
}

// processTime is the processor time the process has used so far, in user
// and system mode.
func processTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
