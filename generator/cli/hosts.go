package cli

import (
	"os"
	"path/filepath"

	"github.com/digest/digest/generator/hosts"
)

// hostWarning measures a build's files in the output folder dir and
// returns the warning for the host limits they pass, or "". A file it
// cannot measure counts as empty: the warning is advice, not a check.
func hostWarning(dir string, files []hosts.File, limits []hosts.Limit) string {
	sized := make([]hosts.File, len(files))
	for i, f := range files {
		sized[i] = f
		if fi, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f.Path))); err == nil {
			sized[i].Size = fi.Size()
		}
	}
	return hosts.Check(sized, limits)
}
