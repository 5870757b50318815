package cli

import (
	"github.com/digest/digest/generator/hosts"
)

// hostWarning returns the warning for the host limits a build's files
// pass, or "", measuring each file with size: the size the build state
// records for it, which the build wrote or kept, so that no file is
// stat'ed.
func hostWarning(size func(name string) int64, files []hosts.File, limits []hosts.Limit) string {
	sized := make([]hosts.File, len(files))
	for i, f := range files {
		sized[i] = f
		sized[i].Size = size(f.Path)
	}
	return hosts.Check(sized, limits)
}
