package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/slug"
)

// resolveTagAliases checks tag_aliases and follows its chains to their
// end: with "N. Korea: North Korea" and "North Korea: DPRK", both lead to
// DPRK. A chain is what renaming a tag after merging synonyms into it
// leaves, and following it gives every article the tag the curator means
// now, without rewriting the older lines; it is only wrong when it goes
// round, which is an error naming every line of the cycle. Tags are
// compared by slug, as articles' tags are.
func (c *Config) resolveTagAliases() diag.List {
	if len(c.TagAliases) == 0 {
		return nil
	}
	keys, values := map[string]*yaml.Node{}, map[string]*yaml.Node{}
	if n := c.at["tag_aliases"]; n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			keys[n.Content[i].Value], values[n.Content[i].Value] = n.Content[i], n.Content[i+1]
		}
	}
	var errs diag.List
	bad := func(n *yaml.Node, format string, args ...any) {
		line, col := 0, 0
		if n != nil {
			line, col = n.Line, n.Column
		}
		errs = append(errs, diag.Errorf(File, line, col, "tag_aliases: "+format, args...))
	}
	next := map[string]string{} // slug of a synonym → the tag it stands for
	froms := slices.Sorted(maps.Keys(c.TagAliases))
	for _, from := range froms {
		to := c.TagAliases[from]
		switch {
		case strings.TrimSpace(from) == "":
			bad(keys[from], "an empty tag stands for %q (want a tag name before the colon)", to)
		case slug.Make(from) == "":
			bad(keys[from], "%q has no letter or digit to make a tag from", from)
		case strings.TrimSpace(to) == "":
			bad(values[from], "%q stands for an empty tag (want a tag name after the colon)", from)
		case slug.Make(to) == "":
			bad(values[from], "%q has no letter or digit to make a tag from", to)
		case slug.Make(from) != slug.Make(to):
			next[slug.Make(from)] = to
		}
	}
	if len(errs) > 0 {
		return errs
	}
	line := func(from string) int {
		if n := keys[from]; n != nil {
			return n.Line
		}
		return 0
	}
	// Each synonym's line, by slug, to name the lines of a cycle.
	fromOf := map[string]string{}
	for _, from := range froms {
		fromOf[slug.Make(from)] = from
	}
	reported := map[string]bool{}
	for _, from := range froms {
		to, ok := next[slug.Make(from)]
		if !ok {
			continue
		}
		path := []string{slug.Make(from)}
		for {
			s := slug.Make(to)
			i := slices.Index(path, s)
			if i >= 0 {
				cycle := path[i:]
				if !reported[slices.Min(cycle)] {
					reported[slices.Min(cycle)] = true
					errs = append(errs, cycleError(cycle, fromOf, line))
				}
				break
			}
			t, ok := next[s]
			if !ok {
				c.TagAliases[from] = to
				break
			}
			path, to = append(path, s), t
		}
	}
	return errs
}

// cycleError reports the synonyms of cycle, slugs in the order each stands
// for the next, at the first line among them.
func cycleError(cycle []string, fromOf map[string]string, line func(string) int) *diag.Diagnostic {
	first := 0
	for i, s := range cycle {
		if line(fromOf[s]) < line(fromOf[cycle[first]]) {
			first = i
		}
	}
	cycle = append(cycle[first:], cycle[:first]...)
	names := make([]string, 0, len(cycle)+1)
	lines := make([]string, 0, len(cycle))
	for _, s := range cycle {
		names = append(names, fromOf[s])
		lines = append(lines, fmt.Sprint(line(fromOf[s])))
	}
	names = append(names, fromOf[cycle[0]])
	return diag.Errorf(File, line(fromOf[cycle[0]]), 0, "tag_aliases: %s go round in a cycle (lines %s); remove one of them",
		strings.Join(names, " → "), strings.Join(lines, ", "))
}
