package site

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"

	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/internal/work"
)

// MaxRelated is the most related articles an article lists.
const MaxRelated = 5

// relatedWindow is how many of a tag's articles on each side of an
// article, in the tag's newest-first list, count for its related articles.
// A tag with up to 2×relatedWindow+1 articles counts whole; a bigger one
// only near the article's date. That bounds the work per article by its
// number of tags, so the whole computation grows with the number of
// articles rather than its square (BenchmarkRelated100k).
const relatedWindow = 32

// weightScale turns a tag's weight into an integer, so that a sum of
// weights is the same whatever order it is added in.
const weightScale = 1 << 20

// buildRelated sets each article's Related: other articles that share its
// tags, best first.
//
// An article's score is the sum of the weights of the tags it shares, a
// tag's weight being ln(1 + N/count) for N articles: a tag on few articles
// says more about two articles than one on half the site. A tag with more
// than 2×window+1 articles counts only for the window articles on either
// side of this one in the tag's list: the nearest in date. Equal scores go
// to the article nearer in date, then to the smaller URL, so the order is
// fully determined.
func buildRelated(articles []*Article, tags []*Tag, window int) {
	n := len(articles)
	// The work below reads flat arrays by article index rather than
	// following pointers: on a large site that is what keeps it fast.
	m := relatedModel{
		weight:  make([]int64, len(tags)),
		members: make([][]int32, len(tags)),
		date:    make([]int64, n),
		tagsOf:  make([][]int32, n),
		placeIn: make([][]int32, n),
	}
	for i, t := range tags {
		t.id = i
	}
	total := 0
	for _, a := range articles {
		total += len(a.Tags)
	}
	ids, places := make([]int32, total), make([]int32, total)
	for i, a := range articles {
		m.date[i] = a.Date.Unix()
		k := len(a.Tags)
		m.tagsOf[i], m.placeIn[i] = ids[:k:k], places[:k:k]
		ids, places = ids[k:], places[k:]
		for j, t := range a.Tags {
			m.tagsOf[i][j] = int32(t.id)
		}
	}
	for i, t := range tags {
		m.weight[i] = int64(math.Round(math.Log1p(float64(n)/float64(len(t.Articles))) * weightScale))
		m.members[i] = make([]int32, len(t.Articles))
		for j, a := range t.Articles {
			m.members[i][j] = int32(a.index)
			m.placeIn[a.index][slices.Index(a.Tags, t)] = int32(j)
		}
	}
	// A worker's scratch space is as long as the site, so a small site
	// gets fewer workers than there are cores.
	relaters := make([]*relater, work.Workers(n/256))
	work.Spread(len(relaters), n, func(w, i int) {
		r := relaters[w]
		if r == nil {
			r = &relater{relatedModel: &m, articles: articles, window: window, tally: make([]tally, n)}
			relaters[w] = r
		}
		articles[i].Related = r.related(int32(i))
	})
}

// relatedModel is the site as buildRelated reads it.
type relatedModel struct {
	weight  []int64   // by tag id
	members [][]int32 // by tag id: its articles' indexes, newest first
	date    []int64   // by article index: Unix seconds
	tagsOf  [][]int32 // by article index: its tags' ids
	placeIn [][]int32 // by article index: its place in each tag's members
}

// relater finds related articles for one worker, reusing its scratch
// space from article to article.
type relater struct {
	*relatedModel
	articles []*Article
	window   int
	tally    []tally // by article index
	cands    []int32
}

// tally is a candidate's score so far for the article stamp-1.
type tally struct {
	stamp int32
	score int64
}

// relatedCandidate is a scored candidate.
type relatedCandidate struct {
	i     int32 // article index
	score int64
	dist  int64 // seconds apart
}

// better reports whether x ranks before y.
func (r *relater) better(x, y relatedCandidate) bool {
	if x.score != y.score {
		return x.score > y.score
	}
	if x.dist != y.dist {
		return x.dist < y.dist
	}
	return cmp.Less(r.articles[x.i].URL, r.articles[y.i].URL)
}

func (r *relater) related(a int32) []*Article {
	stamp := a + 1
	r.tally[a].stamp = stamp
	r.cands = r.cands[:0]
	for k, t := range r.tagsOf[a] {
		w, list := r.weight[t], r.members[t]
		lo, hi := 0, len(list)
		if len(list) > 2*r.window+1 {
			pos := int(r.placeIn[a][k])
			lo, hi = max(0, pos-r.window), min(len(list), pos+r.window+1)
		}
		for _, c := range list[lo:hi] {
			x := &r.tally[c]
			if x.stamp != stamp {
				x.stamp, x.score = stamp, 0
				r.cands = append(r.cands, c)
			}
			x.score += w
		}
	}
	var top [MaxRelated]relatedCandidate
	count := 0
	for _, c := range r.cands {
		score := r.tally[c].score
		if count == MaxRelated && score < top[count-1].score {
			continue
		}
		x := relatedCandidate{i: c, score: score, dist: r.date[a] - r.date[c]}
		if x.dist < 0 {
			x.dist = -x.dist
		}
		if count == MaxRelated && !r.better(x, top[count-1]) {
			continue
		}
		i := min(count, MaxRelated-1)
		for i > 0 && r.better(x, top[i-1]) {
			top[i] = top[i-1]
			i--
		}
		top[i] = x
		count = min(count+1, MaxRelated)
	}
	if count == 0 {
		return nil
	}
	related := make([]*Article, count)
	for i := range related {
		related[i] = r.articles[top[i].i]
	}
	return related
}

// relatedKey summarises everything buildRelated reads: each article's URL,
// date and tags, in order. Two sites with the same key have the same
// related stories.
func relatedKey(articles []*Article) uint64 {
	h := sum.New()
	for _, a := range articles {
		h.AddString(a.URL)
		h.AddUint64(uint64(a.Date.UnixNano()))
		for _, t := range a.Tags {
			h.AddString(t.Slug)
			h.AddByte(0)
		}
		h.AddByte(1)
	}
	return h.Sum64()
}

// reuseRelated gives each article the related stories its counterpart in
// the previous site had, at the same place in the same order.
func reuseRelated(articles, previous []*Article) {
	for i, a := range articles {
		old := previous[i].Related
		a.Related = make([]*Article, len(old))
		for j, r := range old {
			a.Related[j] = articles[r.index]
		}
	}
}

// encodeRelated encodes the articles' related stories for a Store: for
// each article in order, how many it has and their places in the list.
func encodeRelated(articles []*Article) []byte {
	data := make([]byte, 0, len(articles)*(1+MaxRelated*3))
	for _, a := range articles {
		data = binary.AppendUvarint(data, uint64(len(a.Related)))
		for _, r := range a.Related {
			data = binary.AppendUvarint(data, uint64(r.index))
		}
	}
	return data
}

// decodeRelated gives the articles the related stories encodeRelated
// encoded, and reports whether data was that: a count and places for
// each article, no more, each place another article's. Articles are
// given none unless all of data is read.
func decodeRelated(data []byte, articles []*Article) bool {
	n := uint64(len(articles))
	counts := make([]uint8, len(articles))
	places := make([]int32, 0, len(articles))
	next := func() (uint64, bool) {
		u, w := binary.Uvarint(data)
		if w <= 0 {
			return 0, false
		}
		data = data[w:]
		return u, true
	}
	for i := range articles {
		c, ok := next()
		if !ok || c > MaxRelated {
			return false
		}
		counts[i] = uint8(c)
		for range c {
			p, ok := next()
			if !ok || p >= n || p == uint64(i) {
				return false
			}
			places = append(places, int32(p))
		}
	}
	if len(data) != 0 {
		return false
	}
	related := make([]*Article, len(places))
	for i, p := range places {
		related[i] = articles[p]
	}
	for i, a := range articles {
		c := int(counts[i])
		a.Related = nil
		if c > 0 {
			a.Related = related[:c:c]
		}
		related = related[c:]
	}
	return true
}
