package render

import (
	"fmt"
	"reflect"

	"encoding/binary"
	"github.com/digest/digest/generator/config"
	"hash"
	"hash/fnv"
	"strconv"

	"github.com/digest/digest/generator/site"
)

// The dev server keeps a rendered page while its signature stays the same,
// so the signature must change whenever anything the page shows changes.
// It covers the configuration and the templates, the fields of .Site each
// page kind's templates name (found by reading their parse trees), and the
// page's own values below as the built-in templates read them. A site with
// templates of its own may read more through those values, so the dev
// server does not trust signatures for such sites.

// Signer signs the pages of one build.
type Signer struct {
	global uint64
	// kinds holds, per page kind, the signature of the parts of .Site its
	// templates read, or ok false when they read it in a way not covered.
	kinds map[string]kindSig
}

type kindSig struct {
	sum uint64
	ok  bool
}

// NewSigner prepares the signatures of s's pages rendered with t.
func NewSigner(s *site.Site, t *Templates) *Signer {
	h := fnv.New64a()
	str(h, s.Title, s.Description, s.BaseURL, s.Language, s.Author, s.Permalink, s.Location.String(),
		fmt.Sprint(s.Params), fmt.Sprint(s.TagAliases), strconv.FormatBool(s.UnsafeHTML))
	num(h, uint64(s.PageSize), uint64(s.FeedSize), t.sum)
	g := &Signer{global: h.Sum64(), kinds: map[string]kindSig{}}
	collections := map[string]func(hash.Hash64){
		"Articles": func(h hash.Hash64) {
			for _, a := range s.Articles {
				str(h, a.URL)
				num(h, a.Sum)
			}
		},
		"Tags": func(h hash.Hash64) {
			for _, t := range s.Tags {
				str(h, t.Name, t.URL)
				num(h, uint64(t.Count()))
			}
		},
		"Editions": func(h hash.Hash64) {
			for _, e := range s.Editions {
				str(h, e.URL)
				num(h, uint64(len(e.Articles)))
			}
		},
		"Months": func(h hash.Hash64) {
			for _, m := range s.Months {
				str(h, m.URL)
				num(h, uint64(m.Count))
			}
		},
		"Years": func(h hash.Hash64) {
			for _, y := range s.Years {
				hashYear(h, y)
			}
		},
		"Pages": func(h hash.Hash64) {
			for _, p := range s.Pages {
				str(h, p.URL, p.Title)
				num(h, p.Sum)
			}
		},
	}
	done := map[string]uint64{}
	for kind, fields := range t.siteFields {
		h := fnv.New64a()
		ok := true
		for _, f := range fields {
			if isConfigField(f) {
				continue // in the global signature
			}
			write, known := collections[f]
			if !known {
				ok = false
				break
			}
			sum, seen := done[f]
			if !seen {
				ch := fnv.New64a()
				write(ch)
				sum = ch.Sum64()
				done[f] = sum
			}
			str(h, f)
			num(h, sum)
		}
		g.kinds[kind] = kindSig{h.Sum64(), ok}
	}
	return g
}

// isConfigField reports whether name is a field of the configuration,
// which .Site embeds.
func isConfigField(name string) bool {
	_, ok := reflect.TypeFor[config.Config]().FieldByName(name)
	return ok
}

// Sign summarises what the page d shows. It is 0, meaning unknown, when
// the page's templates read parts of .Site the signature does not cover.
func (g *Signer) Sign(d *Data) uint64 {
	k := g.kinds[d.Kind]
	if !k.ok {
		return 0
	}
	return Signature(g.global^k.sum, d)
}

// Signature summarises what the page d shows apart from .Site, given a
// signature of the parts of .Site it reads.
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
		hashYear(h, d.Year)
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

func hashYear(h hash.Hash64, y *site.Year) {
	str(h, y.URL)
	num(h, uint64(y.Count))
	for _, m := range y.Months {
		hashMonth(h, m)
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
