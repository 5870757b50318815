// Package newfile writes the files digest makes in the curator's site
// folder (new articles, drafts, a new site's skeleton) without ever
// replacing one that is there.
package newfile

import (
	"os"
	"path/filepath"
)

// Write creates file with data, and its folder. A file already there is
// left alone and the error wraps fs.ErrExist, so a caller may try another
// name; a file half written is removed, so no truncated article is left
// for the next build to read.
func Write(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(file)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(file)
		return err
	}
	return nil
}
