package site

import (
	"cmp"
	"strings"
)

// spellings counts how articles spell one tag or source, to name it by
// the spelling most of them use.
type spellings struct {
	count map[string]int
	order []string // in the order first seen
}

func (s *spellings) add(name string) {
	if s.count == nil {
		s.count = map[string]int{}
	}
	if s.count[name] == 0 {
		s.order = append(s.order, name)
	}
	s.count[name]++
}

// best is the spelling most used; of equally used ones, the first seen.
func (s *spellings) best() string {
	name, most := "", 0
	for _, n := range s.order {
		if c := s.count[n]; c > most {
			name, most = n, c
		}
	}
	return name
}

// byName orders names A to Z whatever their case, then by slug, so that the
// order never depends on the order of the content.
func byName(nameA, slugA, nameB, slugB string) int {
	if c := cmp.Compare(strings.ToLower(nameA), strings.ToLower(nameB)); c != 0 {
		return c
	}
	return cmp.Compare(slugA, slugB)
}
