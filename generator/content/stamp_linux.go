package content

import "syscall"

// sysStamp returns the inode and change time of a stat's Sys.
func sysStamp(sys any) (inode uint64, change int64) {
	st, ok := sys.(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ino, st.Ctim.Nano()
}
