package search

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
)

// BenchmarkRebuild times a Write with the cache of the last build of a
// 10,000-article site after one edit: an article added today, or one
// older article's body changed. Each run makes the edit afresh, so every
// run finds one changed document. The "news" site has the bench corpus's
// few words and long bodies, whose common terms have long postings.
func BenchmarkRebuild(b *testing.B) {
	for _, kind := range []string{"add", "edit", "news-add", "news-edit"} {
		b.Run(kind, func(b *testing.B) {
			s, _ := bigSite(b, 10_000)
			if strings.HasPrefix(kind, "news-") {
				s, _ = zipfSite(b, 10_000, 3000, 600)
			}
			dir := b.TempDir()
			writtenWith(b, s, OpenCache(dir, "settings"))
			base := s.Articles
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				s.Articles = base
				switch strings.TrimPrefix(kind, "news-") {
				case "add":
					a := edited(base[0], func(a *site.Article, c *content.Article) {
						c.Title, c.Date = fmt.Sprintf("Zeppelin %d lands", i), c.Date.Add(1)
						a.URL, a.HTML = fmt.Sprintf("/zeppelin/%d/", i), spool.Mem(fmt.Sprintf("<p>Zeppelin %d lands; budgets fly.</p>\n", i))
					})
					s.Articles = append([]*site.Article{a}, base...)
				case "edit":
					s.Articles = append([]*site.Article(nil), base...)
					s.Articles[len(base)/2] = edited(base[len(base)/2], func(a *site.Article, _ *content.Article) {
						a.HTML = spool.Mem(fmt.Sprintf("<p>Corrected %d: the talks resume on Friday.</p>\n", i))
					})
				}
				b.StartTimer()
				discard(b, s, OpenCache(dir, "settings"))
			}
		})
	}
}

// BenchmarkEditOne times a Write with the cache of the last build after
// one older article's body changed, or today's article added, as
// `digest build` meets it: each article carries the sum of its file, so
// its key does not read its body. "append" adds a sentence at the end of
// the body, as a curator's correction does; "rewrite" replaces the body,
// which changes most of the document's terms; "split" appends a
// paragraph of 3,000 new words that start alike, which splits their
// shard and moves the place of every shard after it. The sites are
// news-like: few words, long bodies. files/op counts the index files a
// rebuild's sink makes: those with a new name or a new sum.
func BenchmarkEditOne(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchmarkEditOne(b, n) })
	}
}

func benchmarkEditOne(b *testing.B, n int) {
	s, _ := zipfSite(b, n, 3000, 300)
	for i, a := range s.Articles {
		a.Sum = uint64(i + 1)
	}
	dir := b.TempDir()
	out := &sink{}
	out.build(b, s, OpenCache(dir, "settings"))
	for _, kind := range []string{"add", "append", "rewrite", "split"} {
		b.Run(kind, func(b *testing.B) {
			at := len(s.Articles) * 3 / 4
			old := s.Articles[at]
			body, err := old.Body()
			if err != nil {
				b.Fatal(err)
			}
			base := s.Articles
			var cpu cpuTime
			made := 0
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				if kind == "add" {
					a := edited(base[0], func(a *site.Article, c *content.Article) {
						c.Title, c.Date = fmt.Sprintf("Zeppelin %d lands", i), c.Date.Add(1)
						a.URL, c.Sum = fmt.Sprintf("/zeppelin/%d/", i), uint64(n+i+1)
						a.HTML = spool.Mem(fmt.Sprintf("<p>Zeppelin %d lands; budgets fly.</p>\n", i))
					})
					s.Articles = append([]*site.Article{a}, base...)
				} else {
					s.Articles[at] = edited(old, func(a *site.Article, c *content.Article) {
						c.Sum = uint64(n + i + 1)
						switch kind {
						case "append":
							a.HTML = spool.Mem(fmt.Sprintf("%s<p>Edit %d brought zebrafish%d and the %s into the story.</p>\n", body, i, i, s.Articles[0].Source))
						case "split":
							words := make([]string, 3000)
							for j := range words {
								words[j] = fmt.Sprintf("aqua%dx%d", j, i)
							}
							a.HTML = spool.Mem(fmt.Sprintf("%s<p>%s.</p>\n", body, strings.Join(words, " ")))
						default:
							a.HTML = spool.Mem(fmt.Sprintf("<p>Corrected %d: the talks resume on Friday.</p>\n", i))
						}
					})
				}
				b.StartTimer()
				cpu.time(func() { made += out.build(b, s, OpenCache(dir, "settings")) })
			}
			b.StopTimer()
			cpu.report(b)
			b.ReportMetric(float64(made)/float64(cpu.runs), "files/op")
			s.Articles = base
			s.Articles[at] = old
			out.build(b, s, OpenCache(dir, "settings"))
		})
	}
}

// discard runs Write with the cache c, making only the files whose sums
// are new, as a rebuild's sink does.
func discard(b *testing.B, s *site.Site, c *Cache) {
	b.Helper()
	err := Write(s, c, func(name string, sum uint64, make func() ([]byte, error)) error {
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// sink is an output folder as a rebuild meets it: it makes a file when
// its name is new or its sum changed since the last build.
type sink struct {
	last map[string]uint64
}

// build runs Write with the cache c and returns the number of files it
// made.
func (k *sink) build(b *testing.B, s *site.Site, c *Cache) int {
	b.Helper()
	now, made := map[string]uint64{}, 0
	err := Write(s, c, func(name string, sum uint64, make func() ([]byte, error)) error {
		now[name] = sum
		if last, ok := k.last[name]; ok && last == sum {
			return nil
		}
		made++
		_, err := make()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	k.last = now
	return made
}

// cpuTime sums the CPU time (user and system, of every thread) of the
// runs it times, which tells more than their wall time on a machine
// others share.
type cpuTime struct {
	total time.Duration
	runs  int
}

func (c *cpuTime) time(run func()) {
	before := cpuNow()
	run()
	c.total += cpuNow() - before
	c.runs++
}

func (c *cpuTime) report(b *testing.B) {
	if c.runs > 0 {
		b.ReportMetric(float64(c.total.Microseconds())/1000/float64(c.runs), "cpu-ms/op")
	}
}

func cpuNow() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
