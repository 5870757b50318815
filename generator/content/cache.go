package content

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io/fs"
	"math"
	"time"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/diskcache"
	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/spool"
)

// A parsed file is kept in the disk cache (LoadCached) in the encoding
// below: a version byte, the kind of file, its fields in a fixed order,
// then its warnings. Numbers are varints, strings their length and bytes,
// a slice or map its length plus one (zero for nil, which the model tells
// from empty: an issue's "articles: []" lists none), a date in the
// load's timezone its Unix time. Only what the parse made is kept; a
// value of a type not listed here (TOML's local dates, a time in the
// system's zone) keeps the file out of the cache, so it is parsed every
// time rather than read back different.

// cacheKey is the key of file, whose bytes are src, in the cache: two
// CRCs of the bytes, which together catch an edit as a 64-bit CRC would,
// and a hash of the path and length. CRCs, not the FNV-1a of Article.Sum,
// since the processor computes them (some ten times faster), and every
// build hashes every file.
func cacheKey(file string, src []byte) diskcache.Key {
	return diskcache.Key{
		Sum: uint64(crc32.Checksum(src, castagnoli))<<32 | uint64(crc32.ChecksumIEEE(src)),
		Tag: cacheTag(file, int64(len(src))),
	}
}

// cacheTag is the Tag of the key of file, size bytes long.
func cacheTag(file string, size int64) uint64 {
	h := sum.New()
	h.AddString(file)
	h.AddUint64(uint64(size))
	return uint64(h)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// stampKey is the key in the cache of stamps of file with the Stamp st.
func stampKey(file string, st Stamp) diskcache.Key {
	h := sum.New()
	h.AddUint64(uint64(st.Size))
	h.AddUint64(uint64(st.ModTime))
	h.AddUint64(st.Inode)
	h.AddUint64(uint64(st.Change))
	return diskcache.Key{Sum: sum.String(file), Tag: uint64(h)}
}

// A value of the cache of stamps is the cache key of the file's bytes:
// its Sum and Tag, 8 bytes each.
func encodeKey(k diskcache.Key) []byte {
	return binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, k.Sum), k.Tag)
}

func decodeKey(data []byte) (diskcache.Key, bool) {
	if len(data) != 16 {
		return diskcache.Key{}, false
	}
	return diskcache.Key{Sum: binary.LittleEndian.Uint64(data), Tag: binary.LittleEndian.Uint64(data[8:])}, true
}

// encoding changes whenever the layout below does; an entry of another
// one misses.
const encoding = 1

// The kinds of file.
const (
	kindArticle = 1 + iota
	kindPage
	kindIssue
)

// The types of values in Params.
const (
	valNil = iota
	valString
	valTrue
	valFalse
	valInt
	valInt64
	valUint64
	valFloat
	valList
	valMap
	valTableList // TOML's array of tables
	valUTC       // a time in UTC
	valFixed     // a time at a fixed, unnamed offset
)

// maxDepth bounds how deeply values nest in an entry read back, so that
// a garbled one cannot exhaust the stack.
const maxDepth = 100

// entryEncoder appends a result's encoding to b; ok turns false at a
// value it cannot keep.
type entryEncoder struct {
	b  []byte
	ok bool
}

func (e *entryEncoder) uint(n uint64) { e.b = binary.AppendUvarint(e.b, n) }
func (e *entryEncoder) int(n int)     { e.b = binary.AppendVarint(e.b, int64(n)) }

func (e *entryEncoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *entryEncoder) bool(b bool) {
	if b {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// length writes a slice's or map's length, nil apart from empty.
func (e *entryEncoder) length(n int, isNil bool) {
	if isNil {
		e.uint(0)
	} else {
		e.uint(uint64(n) + 1)
	}
}

func (e *entryEncoder) strs(ss []string) {
	e.length(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

// date writes a date the parse put in loc: the zero time, or its
// seconds and nanoseconds.
func (e *entryEncoder) date(t time.Time, loc *time.Location) {
	if t.IsZero() {
		e.bool(false)
		return
	}
	if t.Location() != loc {
		e.ok = false
	}
	e.bool(true)
	e.b = binary.AppendVarint(e.b, t.Unix())
	e.uint(uint64(t.Nanosecond()))
}

func (e *entryEncoder) params(m map[string]any) {
	e.length(len(m), m == nil)
	for k, v := range m {
		e.str(k)
		e.value(v)
	}
}

// value writes one value of Params, as the front matter's decoders make
// them.
func (e *entryEncoder) value(v any) {
	switch v := v.(type) {
	case nil:
		e.uint(valNil)
	case string:
		e.uint(valString)
		e.str(v)
	case bool:
		if v {
			e.uint(valTrue)
		} else {
			e.uint(valFalse)
		}
	case int:
		e.uint(valInt)
		e.int(v)
	case int64:
		e.uint(valInt64)
		e.b = binary.AppendVarint(e.b, v)
	case uint64:
		e.uint(valUint64)
		e.uint(v)
	case float64:
		e.uint(valFloat)
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
	case []any:
		e.uint(valList)
		e.length(len(v), v == nil)
		for _, x := range v {
			e.value(x)
		}
	case map[string]any:
		e.uint(valMap)
		e.params(v)
	case []map[string]any:
		e.uint(valTableList)
		e.length(len(v), v == nil)
		for _, m := range v {
			e.params(m)
		}
	case time.Time:
		switch name, offset := v.Zone(); {
		case v.Location() == time.UTC:
			e.uint(valUTC)
		case v.Location().String() == "" && name == "":
			e.uint(valFixed)
			e.int(offset)
		default:
			e.ok = false
			return
		}
		e.b = binary.AppendVarint(e.b, v.Unix())
		e.uint(uint64(v.Nanosecond()))
	default:
		e.ok = false
	}
}

// body writes a body: its length when it is the end of the file src, as
// it is unless characters were replaced, or else its bytes.
func (e *entryEncoder) body(t spool.Text, src []byte) {
	md, _ := t.Get() // parsed, so in memory
	if bytes.HasSuffix(src, []byte(md)) {
		e.bool(true)
		e.uint(uint64(len(md)))
		return
	}
	e.bool(false)
	e.str(md)
}

func (e *entryEncoder) refs(refs []Ref) {
	e.length(len(refs), refs == nil)
	for _, r := range refs {
		e.str(r.Name)
		e.int(r.Line)
	}
}

// encode returns the encoding of r, the result without error of parsing
// src in loc, or false when r holds a value the encoding cannot keep.
func encode(r *result, src []byte, loc *time.Location) ([]byte, bool) {
	e := &entryEncoder{b: make([]byte, 0, 512), ok: true}
	e.b = append(e.b, encoding)
	switch {
	case r.article != nil:
		a := r.article
		e.uint(kindArticle)
		e.str(a.File)
		e.str(a.Title)
		e.date(a.Date, loc)
		e.date(a.Updated, loc)
		e.strs(a.Tags)
		for _, s := range []string{a.Source, a.SourceURL, a.Author, a.Summary, a.Image, a.ImageAlt, a.ImageCredit} {
			e.str(s)
		}
		e.bool(a.Draft)
		e.str(a.Slug)
		e.strs(a.Aliases)
		e.params(a.Params)
		e.bool(a.DateHasTime)
		e.bool(a.UpdatedHasTime)
		for _, n := range []int{a.SlugLine, a.AliasesLine, a.ImageLine, a.SourceURLLine, a.BodyLine} {
			e.int(n)
		}
		e.body(a.Markdown, src)
		e.uint(a.Sum)
		e.str(r.sourceKey)
	case r.page != nil:
		p := r.page
		e.uint(kindPage)
		e.str(p.File)
		e.str(p.Name)
		e.str(p.Title)
		e.str(p.Summary)
		e.date(p.Updated, time.UTC)
		e.params(p.Params)
		e.bool(p.UpdatedHasTime)
		e.int(p.BodyLine)
		e.body(p.Markdown, src)
		e.uint(p.Sum)
	default:
		is := r.issue
		e.uint(kindIssue)
		e.str(is.File)
		e.int(is.Number)
		e.str(is.Title)
		e.date(is.Date, loc)
		e.bool(is.DateHasTime)
		e.bool(is.Draft)
		e.str(is.Summary)
		e.params(is.Params)
		e.refs(is.Articles)
		e.bool(is.Lead != nil)
		if is.Lead != nil {
			e.str(is.Lead.Name)
			e.int(is.Lead.Line)
		}
		e.length(len(is.Sections), is.Sections == nil)
		for _, s := range is.Sections {
			e.str(s.Title)
			e.str(s.Tag)
			e.refs(s.Articles)
			e.int(s.Line)
		}
		e.bool(is.ByTag)
		e.int(is.NumberLine)
		e.int(is.DateLine)
		e.int(is.BodyLine)
		e.body(is.Markdown, src)
		e.uint(is.Sum)
	}
	e.length(len(r.warnings), r.warnings == nil)
	for _, w := range r.warnings {
		e.str(w.File)
		e.int(w.Line)
		e.int(w.Col)
		e.str(w.Msg)
	}
	return e.b, e.ok
}

// entryDecoder reads an encoding back; bad is set, and every later read
// returns zero values, once it runs out of bytes or meets a value it does
// not know. The strings it returns share the entry's one string.
type entryDecoder struct {
	s   string
	bad bool
}

func (d *entryDecoder) uint() uint64 {
	if d.bad {
		return 0
	}
	var n uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break // past 64 bits
		}
		n |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return n
		}
	}
	d.bad = true
	return 0
}

func (d *entryDecoder) int64() int64 {
	u := d.uint()
	n := int64(u >> 1)
	if u&1 != 0 {
		n = ^n
	}
	return n
}

func (d *entryDecoder) int() int {
	n := d.int64()
	if int64(int(n)) != n {
		d.bad = true
	}
	return int(n)
}

func (d *entryDecoder) str() string {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.bad = true
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *entryDecoder) bool() bool {
	switch d.uint() {
	case 0:
		return false
	case 1:
		return true
	}
	d.bad = true
	return false
}

// length reads a slice's or map's length; each element takes a byte at
// least, so a length past the bytes left is garbage.
func (d *entryDecoder) length() (n int, isNil bool) {
	u := d.uint()
	if u == 0 {
		return 0, true
	}
	if u-1 > uint64(len(d.s)) {
		d.bad = true
		return 0, true
	}
	return int(u - 1), false
}

func (d *entryDecoder) strs() []string {
	n, isNil := d.length()
	if isNil {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *entryDecoder) unix(loc *time.Location) time.Time {
	sec := d.int64()
	nsec := d.uint()
	if nsec >= 1e9 {
		d.bad = true
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).In(loc)
}

func (d *entryDecoder) date(loc *time.Location) time.Time {
	if !d.bool() {
		return time.Time{}
	}
	return d.unix(loc)
}

func (d *entryDecoder) params(depth int) map[string]any {
	n, isNil := d.length()
	if isNil {
		return nil
	}
	m := make(map[string]any, n)
	for range n {
		k := d.str()
		m[k] = d.value(depth)
	}
	return m
}

func (d *entryDecoder) value(depth int) any {
	if depth > maxDepth {
		d.bad = true
	}
	if d.bad {
		return nil
	}
	switch d.uint() {
	case valNil:
		return nil
	case valString:
		return d.str()
	case valTrue:
		return true
	case valFalse:
		return false
	case valInt:
		return d.int()
	case valInt64:
		return d.int64()
	case valUint64:
		return d.uint()
	case valFloat:
		if len(d.s) < 8 {
			d.bad = true
			return nil
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64([]byte(d.s[:8])))
		d.s = d.s[8:]
		return f
	case valList:
		n, isNil := d.length()
		if isNil {
			return []any(nil)
		}
		l := make([]any, n)
		for i := range l {
			l[i] = d.value(depth + 1)
		}
		return l
	case valMap:
		return d.params(depth + 1)
	case valTableList:
		n, isNil := d.length()
		if isNil {
			return []map[string]any(nil)
		}
		l := make([]map[string]any, n)
		for i := range l {
			l[i] = d.params(depth + 1)
		}
		return l
	case valUTC:
		return d.unix(time.UTC)
	case valFixed:
		return d.unix(time.FixedZone("", d.int()))
	}
	d.bad = true
	return nil
}

// tail gives the body that is a file's last n bytes, unless the file is
// shorter.
type tail func(n uint64) (spool.Text, bool)

// inMemory is the tail of a file read into src.
func inMemory(src []byte) tail {
	return func(n uint64) (spool.Text, bool) {
		if n > uint64(len(src)) {
			return spool.Text{}, false
		}
		return spool.Mem(string(src[len(src)-int(n):])), true
	}
}

// unread is the tail of file, not read, whose Stamp says it is size bytes
// long and whose bytes the cache's key says are those of key. Read when
// asked for, its bytes must still be those.
func unread(fsys fs.FS, file string, size int64, key diskcache.Key) tail {
	return func(n uint64) (spool.Text, bool) {
		if n > uint64(size) {
			return spool.Text{}, false
		}
		return spool.Lazy(int(n), func() (string, error) {
			src, err := fs.ReadFile(fsys, file)
			if err != nil {
				return "", diag.Errorf(file, 0, 0, "%v", fsErr(err))
			}
			if cacheKey(file, src) != key {
				return "", diag.Errorf(file, 0, 0, "the file changed while the site was built from it: build again")
			}
			return string(src[len(src)-int(n):]), nil
		}), true
	}
}

// body reads a body back, from the end of the file when that is where it
// was.
func (d *entryDecoder) body(end tail) spool.Text {
	if d.bool() {
		t, ok := end(d.uint())
		if !ok {
			d.bad = true
		}
		return t
	}
	return spool.Mem(d.str())
}

func (d *entryDecoder) refs() []Ref {
	n, isNil := d.length()
	if isNil {
		return nil
	}
	refs := make([]Ref, n)
	for i := range refs {
		refs[i] = Ref{Name: d.str(), Line: d.int()}
	}
	return refs
}

// decode reads back what encode made of the file at path file, whose end
// is end, parsed in loc, or returns false when data is not that.
func decode(data []byte, file string, end tail, loc *time.Location) (result, bool) {
	if len(data) == 0 || data[0] != encoding {
		return result{}, false
	}
	d := &entryDecoder{s: string(data[1:])}
	var r result
	switch d.uint() {
	case kindArticle:
		a := &Article{File: d.str(), Title: d.str(), Date: d.date(loc), Updated: d.date(loc), Tags: d.strs()}
		for _, s := range []*string{&a.Source, &a.SourceURL, &a.Author, &a.Summary, &a.Image, &a.ImageAlt, &a.ImageCredit} {
			*s = d.str()
		}
		a.Draft = d.bool()
		a.Slug = d.str()
		a.Aliases = d.strs()
		a.Params = d.params(0)
		a.DateHasTime = d.bool()
		a.UpdatedHasTime = d.bool()
		for _, n := range []*int{&a.SlugLine, &a.AliasesLine, &a.ImageLine, &a.SourceURLLine, &a.BodyLine} {
			*n = d.int()
		}
		a.Markdown = d.body(end)
		a.Sum = d.uint()
		r.article, r.sourceKey = a, d.str()
		if a.File != file || isPage(file) || isIssue(file) {
			d.bad = true
		}
	case kindPage:
		p := &Page{File: d.str(), Name: d.str(), Title: d.str(), Summary: d.str(), Updated: d.date(time.UTC), Params: d.params(0)}
		p.UpdatedHasTime = d.bool()
		p.BodyLine = d.int()
		p.Markdown = d.body(end)
		p.Sum = d.uint()
		r.page = p
		if p.File != file || !isPage(file) {
			d.bad = true
		}
	case kindIssue:
		is := &Issue{File: d.str(), Number: d.int(), Title: d.str(), Date: d.date(loc), DateHasTime: d.bool(), Draft: d.bool(), Summary: d.str()}
		is.Params = d.params(0)
		is.Articles = d.refs()
		if d.bool() {
			is.Lead = &Ref{Name: d.str(), Line: d.int()}
		}
		if n, isNil := d.length(); !isNil {
			is.Sections = make([]Section, n)
			for i := range is.Sections {
				is.Sections[i] = Section{Title: d.str(), Tag: d.str(), Articles: d.refs(), Line: d.int()}
			}
		}
		is.ByTag = d.bool()
		is.NumberLine = d.int()
		is.DateLine = d.int()
		is.BodyLine = d.int()
		is.Markdown = d.body(end)
		is.Sum = d.uint()
		r.issue = is
		if is.File != file || !isIssue(file) {
			d.bad = true
		}
	default:
		return result{}, false
	}
	if n, isNil := d.length(); !isNil {
		r.warnings = make(diag.List, n)
		for i := range r.warnings {
			r.warnings[i] = &diag.Diagnostic{File: d.str(), Line: d.int(), Col: d.int(), Msg: d.str()}
		}
	}
	if d.bad || len(d.s) != 0 {
		return result{}, false
	}
	return r, true
}
