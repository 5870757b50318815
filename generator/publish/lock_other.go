//go:build !unix

package publish

import (
	"os"
	"path/filepath"
)

// lock opens the lock file of the state folder. Without flock it does not
// keep a second build out: on this system, run one build at a time.
func lock(state, _ string) (*os.File, error) {
	return os.OpenFile(filepath.Join(state, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
}
