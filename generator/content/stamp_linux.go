package content

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysStamp returns the inode and change time of a stat's Sys.
func sysStamp(sys any) (inode uint64, change int64) {
	st, ok := sys.(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ino, st.Ctim.Nano()
}

// statAt returns a stat of the files of dir by name, following symbolic
// links as a read does, when dir is a folder on disk; else nil. The
// Stamp it gives is StampOf a stat of the file.
func statAt(dir fs.File) func(name string) (Stamp, bool) {
	f, ok := dir.(*os.File)
	if !ok {
		return nil
	}
	conn, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	return func(name string) (Stamp, bool) {
		var st unix.Stat_t
		var serr error
		if err := conn.Control(func(fd uintptr) { serr = unix.Fstatat(int(fd), name, &st, 0) }); err != nil || serr != nil {
			return Stamp{}, false
		}
		return Stamp{Size: st.Size, ModTime: st.Mtim.Nano(), Inode: st.Ino, Change: st.Ctim.Nano()}, true
	}
}
