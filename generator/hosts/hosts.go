// Package hosts knows the limits well-known static hosts put on a site,
// and words the one warning a build prints when its output passes any of
// them: which limit, what takes the room, and the setting of site.yaml
// that would shrink it.
package hosts

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Limit is what one host allows; a zero field is no limit.
type Limit struct {
	Host     string
	Files    int   // files in the site
	FileSize int64 // bytes in one file
	SiteSize int64 // bytes in the whole site
}

// Limits are the limits of the hosts docs/publishing.md describes, as
// their documentation gives them.
var Limits = []Limit{
	{Host: "Cloudflare Pages", Files: 20000, FileSize: 25 << 20},
	{Host: "GitHub Pages", SiteSize: 1e9},
}

// Kind is a kind of file of the site, such as "tag feeds", with the
// setting of site.yaml that makes its files fewer or smaller, if any.
type Kind struct {
	Name   string
	Shrink string // e.g. "disable: [tag_feeds]"; empty when none does
}

// File is one file of the output.
type File struct {
	Path string
	Kind *Kind
	Size int64
}

// Check returns the warning for files when they pass one of limits, or "".
func Check(files []File, limits []Limit) string {
	var total int64
	biggest := File{}
	for _, f := range files {
		total += f.Size
		if f.Size > biggest.Size {
			biggest = f
		}
	}
	var passed []string
	bySize := false
	var shrink []string
	for _, l := range limits {
		if l.Files > 0 && len(files) > l.Files {
			passed = append(passed, fmt.Sprintf("%s limit of %s files (it has %s)", possessive(l.Host), count(l.Files), count(len(files))))
		}
		if l.SiteSize > 0 && total > l.SiteSize {
			passed = append(passed, fmt.Sprintf("%s limit of %s for a site (it has %s)", possessive(l.Host), size(l.SiteSize), size(total)))
			bySize = true
		}
		if l.FileSize > 0 && biggest.Size > l.FileSize {
			passed = append(passed, fmt.Sprintf("%s limit of %s a file (%s has %s)", possessive(l.Host), mib(l.FileSize), biggest.Path, mib(biggest.Size)))
			if biggest.Kind != nil && biggest.Kind.Shrink != "" {
				shrink = append(shrink, biggest.Kind.Shrink+" ("+biggest.Kind.Name+")")
			}
		}
	}
	if passed == nil {
		return ""
	}
	type tally struct {
		kind  *Kind
		files int
		bytes int64
	}
	byKind := map[*Kind]*tally{}
	var kinds []*tally
	for _, f := range files {
		t := byKind[f.Kind]
		if t == nil {
			t = &tally{kind: f.Kind}
			byKind[f.Kind] = t
			kinds = append(kinds, t)
		}
		t.files++
		t.bytes += f.Size
	}
	slices.SortStableFunc(kinds, func(a, b *tally) int {
		if bySize {
			return cmp.Compare(b.bytes, a.bytes)
		}
		return cmp.Compare(b.files, a.files)
	})
	var most []string
	for _, t := range kinds[:min(len(kinds), 4)] {
		name := "other files"
		if t.kind != nil {
			name = t.kind.Name
			if t.kind.Shrink != "" && !slices.Contains(shrink, t.kind.Shrink+" ("+name+")") {
				shrink = append(shrink, t.kind.Shrink+" ("+name+")")
			}
		}
		most = append(most, fmt.Sprintf("%s %s %s", name, nfiles(t.files), size(t.bytes)))
	}
	w := "the output passes " + strings.Join(passed, " and ") + "; the biggest contributors: " + strings.Join(most, ", ")
	if shrink != nil {
		w += "; in site.yaml, " + strings.Join(shrink, " or ") + " would shrink it"
	}
	return w
}

func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

func nfiles(n int) string {
	if n == 1 {
		return "1 file"
	}
	return count(n) + " files"
}

// count writes n with thousands separators, as 20,000.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// size writes n bytes in MB or GB, as hosts give the size of a site.
func size(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.0f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0f kB", float64(n)/1e3)
}

// mib writes n bytes in MiB, as hosts give the size of a file.
func mib(n int64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MiB"
}
