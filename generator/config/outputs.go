package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/diag"
)

// Outputs says which kinds of output the site has. Most are on unless
// site.yaml's disable lists them; the Atom feeds of tags and sources are
// off unless enable lists them, since every feed reader reads the RSS
// ones and each format of a thousand tags is a thousand more files.
//
// A kind that is off is neither written nor linked: templates test these
// fields (.Site.Outputs.Sources) before they link to what a kind makes.
type Outputs struct {
	Sources     bool // /sources/ and each source's pages
	TagFeeds    bool // each tag's RSS feed, feed.xml
	SourceFeeds bool // each source's RSS feed; never without Sources
	Days        bool // each day's edition page, /2017/05/31/
	Search      bool // /search/, its index and search.js
	TagAtom     bool // each tag's Atom feed, atom.xml; never without TagFeeds
	SourceAtom  bool // each source's Atom feed; never without SourceFeeds
}

// kind is one name disable or enable accepts.
type kind struct {
	name string
	on   bool // by default
	set  func(*Outputs) *bool
}

// kinds are the kinds of output site.yaml can switch, in the order the
// error messages list them.
var kinds = []kind{
	{"sources", true, func(o *Outputs) *bool { return &o.Sources }},
	{"tag_feeds", true, func(o *Outputs) *bool { return &o.TagFeeds }},
	{"source_feeds", true, func(o *Outputs) *bool { return &o.SourceFeeds }},
	{"days", true, func(o *Outputs) *bool { return &o.Days }},
	{"search", true, func(o *Outputs) *bool { return &o.Search }},
	{"tag_atom", false, func(o *Outputs) *bool { return &o.TagAtom }},
	{"source_atom", false, func(o *Outputs) *bool { return &o.SourceAtom }},
}

// Kinds is the list of disable or enable: names of kinds of output, each
// with the line it is on, so a wrong one is reported where it is.
type Kinds []Kind

// Kind is one name in disable or enable.
type Kind struct {
	Name string
	Line int
}

// UnmarshalYAML reads a list of names, or one name on its own.
func (ks *Kinds) UnmarshalYAML(n *yaml.Node) error {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var errs []string
	for _, it := range items {
		if it.Kind != yaml.ScalarNode {
			errs = append(errs, fmt.Sprintf("line %d: want a name of a kind of output, not %s", it.Line, describe(it)))
			continue
		}
		*ks = append(*ks, Kind{it.Value, it.Line})
	}
	if errs != nil {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

// outputs works out Outputs from disable and enable, reporting every
// name that is unknown or in the wrong list with its line.
func (c *Config) outputs() error {
	var o Outputs
	for _, k := range kinds {
		*k.set(&o) = k.on
	}
	var errs diag.List
	apply := func(key string, list Kinds, on bool) {
		for _, n := range list {
			k, ok := findKind(n.Name)
			switch {
			case !ok:
				errs = append(errs, diag.Errorf(File, n.Line, 0, "%s: unknown kind of output %q (want %s)", key, n.Name, kindNames(on)))
			case k.on == on:
				other := "disable"
				if !on {
					other = "enable"
				}
				errs = append(errs, diag.Errorf(File, n.Line, 0, "%s: %q is %s by default (%s turns it %s)", key, n.Name, onOff(k.on), other, onOff(!k.on)))
			default:
				*k.set(&o) = on
			}
		}
	}
	apply("disable", c.Disable, false)
	apply("enable", c.Enable, true)
	// Feeds of sources are announced on their pages, and an Atom feed is
	// the RSS one in another format: neither makes sense alone.
	needs := []struct {
		kind, need string
		on, have   *bool
	}{
		{"source_feeds", "sources", &o.SourceFeeds, &o.Sources},
		{"tag_atom", "tag_feeds", &o.TagAtom, &o.TagFeeds},
		{"source_atom", "source_feeds", &o.SourceAtom, &o.SourceFeeds},
	}
	for _, n := range needs {
		if *n.on && !*n.have {
			*n.on = false
			if k, ok := find(c.Enable, n.kind); ok {
				errs = append(errs, diag.Errorf(File, k.Line, 0, "enable: %q needs %q, which disable turns off", n.kind, n.need))
			}
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	c.Outputs = o
	return nil
}

func findKind(name string) (kind, bool) {
	for _, k := range kinds {
		if k.name == name {
			return k, true
		}
	}
	return kind{}, false
}

func find(list Kinds, name string) (Kind, bool) {
	for _, k := range list {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// kindNames lists the names a list accepts: those on by default for
// disable, the others for enable.
func kindNames(enable bool) string {
	var names []string
	for _, k := range kinds {
		if k.on != enable {
			names = append(names, k.name)
		}
	}
	return strings.Join(names, ", ")
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
