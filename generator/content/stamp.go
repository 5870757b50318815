package content

import (
	"io/fs"
	"time"
)

// Stamp is what a stat of a file says about it that changes when its
// bytes do: its size and modification time, and where the system tells
// them, its inode and the time of its last change, which no one can set
// back as touch sets the modification time. A file with the same path
// and Stamp as when it was read is taken to hold the same bytes, as git
// takes a file of its index to be clean.
type Stamp struct {
	Size    int64
	ModTime int64 // Unix nanoseconds
	Inode   uint64
	Change  int64 // Unix nanoseconds; 0 where unknown
}

// StampOf returns the Stamp of the file info describes.
func StampOf(info fs.FileInfo) Stamp {
	s := Stamp{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
	s.Inode, s.Change = sysStamp(info.Sys())
	return s
}

// racyWindow is how long before the clock reading of a Scan a file must
// have last changed for its Stamp to be trusted by the next load. A file
// changed later may be changed again within the same tick of its file
// system's clock, after it was read, and keep its Stamp: git calls it
// racily clean. The window is the coarsest tick in common use (FAT's two
// seconds), so that a site whose content and cache lie on file systems
// of different ticks is safe too; a file it catches costs one more read.
const racyWindow = 2 * time.Second

// settled reports whether s, a stat taken after the file system's clock
// read since, was settled by then: older than since by racyWindow, in
// both of its times. A zero since settles nothing.
func (s Stamp) settled(since time.Time) bool {
	if since.IsZero() {
		return false
	}
	limit := since.Add(-racyWindow).UnixNano()
	return s.ModTime < limit && s.Change < limit
}
