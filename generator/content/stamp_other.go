//go:build !linux

package content

import "io/fs"

// sysStamp would return the inode and change time of a stat's Sys; other
// systems than Linux give a Stamp without them.
func sysStamp(any) (inode uint64, change int64) { return 0, 0 }

// statAt is nil: other systems stat each file by its path.
func statAt(fs.File) func(name string) (Stamp, bool) { return nil }
