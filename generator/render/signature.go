package render

import (
	"encoding/binary"
	"hash"
	"hash/fnv"
	"strconv"

	"github.com/digest/digest/generator/site"
)

// The dev server keeps a rendered page while its signature stays the same,
// so the signature must change whenever anything the page shows changes.
// It covers what the built-in templates read: the site-wide values in
// GlobalSignature, and per page kind the values below. A site with
// templates of its own may read more, so the dev server does not trust
// signatures for such sites.

// GlobalSignature summarises what every page may show: the configuration,
// the pages in the menu, and the templates themselves.
func GlobalSignature(s *site.Site, t *Templates) uint64 {
	h := fnv.New64a()
	str(h, s.Title, s.Description, s.BaseURL, s.Language, s.Author, s.Permalink, s.Location.String())
	num(h, uint64(s.PageSize), uint64(s.FeedSize), t.sum)
	for _, p := range s.Pages {
		str(h, p.URL, p.Title)
		num(h, p.Sum)
	}
	return h.Sum64()
}

// Signature summarises what the page d shows, given the global signature.
func Signature(global uint64, d *Data) uint64 {
	h := fnv.New64a()
	num(h, global)
	str(h, d.Kind, d.Title, d.Description, d.URL, d.Permalink, d.Target)
	if d.Feeds != nil {
		for _, f := range d.Feeds.Links {
			str(h, f.Type, f.Title, f.URL)
		}
	}
	if d.Article != nil {
		HashArticle(h, d.Article)
	}
	for _, a := range []*site.Article{d.NewerArticle, d.OlderArticle} {
		if a != nil {
			HashArticle(h, a)
		}
	}
	if d.Page != nil {
		str(h, d.Page.URL)
		num(h, d.Page.Sum)
	}
	if d.Tag != nil {
		str(h, d.Tag.Name, d.Tag.URL)
		num(h, uint64(d.Tag.Count()))
	}
	if p := d.Pager; p != nil {
		num(h, uint64(p.Number), uint64(p.Total))
		str(h, p.URL, p.PrevURL, p.NextURL, p.First)
		for _, a := range p.Items {
			HashArticle(h, a)
		}
	}
	for _, e := range []*site.Edition{d.Edition, d.NewerEdition, d.OlderEdition} {
		if e != nil {
			hashEdition(h, e)
		}
	}
	if d.Month != nil {
		hashMonth(h, d.Month)
	}
	if d.Year != nil {
		for _, m := range d.Year.Months {
			hashMonth(h, m)
		}
	}
	switch d.Kind {
	case "tags":
		for _, t := range d.Site.Tags {
			str(h, t.Name, t.URL)
			num(h, uint64(t.Count()))
		}
	case "archive":
		for _, y := range d.Site.Years {
			str(h, y.URL)
			num(h, uint64(y.Count))
			for _, m := range y.Months {
				str(h, m.URL)
				num(h, uint64(m.Count))
			}
		}
	}
	return h.Sum64()
}

// HashArticle writes what an article's page, card and feed item show: its
// file's hash (which decides every front-matter value and the body), its
// URL, its tags as they are named now, and its edition.
func HashArticle(h hash.Hash64, a *site.Article) {
	num(h, a.Sum)
	str(h, a.URL)
	for _, t := range a.Tags {
		str(h, t.Name, t.URL)
	}
	if a.Edition != nil {
		str(h, a.Edition.URL)
		num(h, uint64(len(a.Edition.Articles)))
	}
}

func hashEdition(h hash.Hash64, e *site.Edition) {
	str(h, e.URL)
	for _, a := range e.Articles {
		HashArticle(h, a)
	}
}

func hashMonth(h hash.Hash64, m *site.Month) {
	str(h, m.URL)
	num(h, uint64(m.Count))
	for _, e := range m.Editions {
		hashEdition(h, e)
	}
}

// str writes strings, each ended so that "ab","c" and "a","bc" differ.
func str(h hash.Hash64, ss ...string) {
	for _, s := range ss {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
}

func num(h hash.Hash64, ns ...uint64) {
	var b [8]byte
	for _, n := range ns {
		binary.LittleEndian.PutUint64(b[:], n)
		h.Write(b[:])
	}
}
