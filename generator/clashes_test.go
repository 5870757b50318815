package generator

import (
	"io/fs"
	"path"
	"slices"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// TestClaimsCoverOutputs holds the clash check's list of outputs to what a
// build writes, with the kinds of output site.yaml can switch on and off:
// every file written is claimed, and every file claimed is written.
func TestClaimsCoverOutputs(t *testing.T) {
	for _, outputs := range []string{
		"",
		"enable: [tag_atom, source_atom]\n",
		"disable: [search, sources, days, tag_feeds]\n",
	} {
		t.Run(outputs, func(t *testing.T) {
			_, fsys, _ := testkit.ReadSite(t, "testdata/sites/basic.txtar")
			yaml := fsys["site.yaml"]
			yaml.Data = append(slices.Clip(yaml.Data), outputs...)
			checkClaims(t, fsys)
		})
	}
	t.Run("article folders", func(t *testing.T) {
		_, fsys, _ := testkit.ReadSite(t, "testdata/sites/bundles-subpath.txtar")
		checkClaims(t, fsys)
	})
}

func checkClaims(t *testing.T, fsys fs.FS) {
	t.Helper()
	out, _, err := build(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	b := newBuilder(Options{Input: Input{Site: fsys, Theme: testkit.Theme()}, Now: buildTime}, discardWriter{})
	for _, step := range []func() error{b.checkInputs, b.load, b.model} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	files, folders := map[string]bool{}, map[string]bool{}
	claims, _ := b.claims()
	for _, c := range claims {
		if c.folder {
			folders[c.path] = true
			continue
		}
		files[c.path] = true
		if _, ok := out.files[c.path]; !ok {
			what := c.what
			if c.page != nil {
				what, _, _ = describe(c.page)
			}
			t.Errorf("%s (%s) is claimed but not written", c.path, what)
		}
	}
	for name := range out.files {
		if files[name] {
			continue
		}
		dir := path.Dir(name)
		for dir != "." && !folders[dir] {
			dir = path.Dir(dir)
		}
		if dir == "." {
			t.Errorf("%s is written but not claimed", name)
		}
	}
}
