package generator

import (
	"encoding/binary"
	"path/filepath"

	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
)

// bodyCache keeps rendered bodies from one Build to the next, in two disk
// caches of the same keys (the hash of a body's file and its Markdown's
// length): bodies holds each body's HTML and summary, summaries the
// summary and the HTML's length alone. Every card needs a summary, but
// few pages of a rebuild need a body's HTML: a body whose file the load
// did not read is given its summary, and its HTML is read from bodies
// only when a page, feed or the search index asks for it.
type bodyCache struct {
	bodies, summaries *diskcache.Cache
}

// openBodyCache opens the caches of bodies in dir for the settings.
func openBodyCache(dir, settings string) *bodyCache {
	c := &bodyCache{
		bodies:    diskcache.Open(filepath.Join(dir, "bodies"), settings),
		summaries: diskcache.Open(filepath.Join(dir, "summaries"), settings),
	}
	// Every body asks for its summary, a few hundred bytes each.
	c.summaries.Preload()
	return c
}

// wrap returns render through the cache.
func (c *bodyCache) wrap(render bodyRenderer) bodyRenderer {
	return func(md spool.Text, sum uint64) (site.Body, error) {
		k := diskcache.Key{Sum: sum, Tag: uint64(md.Len())}
		// A body the load read is in memory, and so, most likely, is
		// everything made of it: take the HTML now. A body the load
		// did not read waits to be asked for, read from the cache or,
		// if it is lost there, from its file and rendered.
		if !md.InMemory() {
			if data, ok := c.summaries.Get(k); ok {
				if n, summary, ok := decodeSummary(data); ok && c.bodies.Keep(k) {
					html := spool.Lazy(n, func() (string, error) { return c.html(k, md, sum, render) })
					return site.Body{HTML: html, Summary: summary}, nil
				}
				c.summaries.Drop(k)
			}
		}
		if data, ok := c.bodies.Get(k); ok {
			if html, summary, ok := decodeBody(data); ok {
				if !c.summaries.Keep(k) {
					c.summaries.Put(k, encodeSummary(len(html), summary))
				}
				return site.Body{HTML: spool.Mem(html), Summary: summary}, nil
			}
		}
		b, err := render(md, sum)
		if err != nil {
			return b, err
		}
		html, _ := b.HTML.Get() // rendered: in memory
		c.bodies.Put(k, encodeBody(html, b.Summary))
		c.summaries.Put(k, encodeSummary(len(html), b.Summary))
		return b, nil
	}
}

// html returns the HTML of the body kept under k, rendering it again from
// md when the cache lost it since it gave the summary.
func (c *bodyCache) html(k diskcache.Key, md spool.Text, sum uint64, render bodyRenderer) (string, error) {
	if data, ok := c.bodies.Get(k); ok {
		if html, _, ok := decodeBody(data); ok {
			return html, nil
		}
	}
	b, err := render(md, sum)
	if err != nil {
		return "", err
	}
	html, _ := b.HTML.Get()
	c.bodies.Put(k, encodeBody(html, b.Summary))
	return html, nil
}

// close keeps the bodies for the next build, and says how many were
// taken from the cache rather than rendered. Losing the cache only costs
// time, so its errors do not fail the build.
func (c *bodyCache) close() (reused int) {
	reused = c.summaries.Stats().Hits
	_ = c.bodies.Close()
	_ = c.summaries.Close()
	return reused
}

// encodeBody makes a body one value of bodies: the HTML's length, the
// HTML and the summary.
func encodeBody(html, summary string) []byte {
	data := make([]byte, 0, binary.MaxVarintLen64+len(html)+len(summary))
	data = binary.AppendUvarint(data, uint64(len(html)))
	return append(append(data, html...), summary...)
}

// decodeBody reads what encodeBody wrote.
func decodeBody(data []byte) (html, summary string, ok bool) {
	n, w := binary.Uvarint(data)
	if w <= 0 || n > uint64(len(data)-w) {
		return "", "", false
	}
	s := string(data[w:])
	return s[:n], s[n:], true
}

// encodeSummary makes a body one value of summaries: the HTML's length
// and the summary.
func encodeSummary(n int, summary string) []byte {
	return append(binary.AppendUvarint(nil, uint64(n)), summary...)
}

// decodeSummary reads what encodeSummary wrote.
func decodeSummary(data []byte) (n int, summary string, ok bool) {
	u, w := binary.Uvarint(data)
	if w <= 0 || u > 1<<40 {
		return 0, "", false
	}
	return int(u), string(data[w:]), true
}
