package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// exchange swaps the folders a and b in one step.
var exchange = func(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return errNoExchange // an old kernel, or a file system without the flag
	}
	if err != nil {
		return &os.LinkError{Op: "exchange", Old: a, New: b, Err: err}
	}
	return nil
}

// checkMount refuses the output folder dir when it is a mount point: on
// another device than its parent, or listed in the mount table (a bind
// mount of a folder of the same disk).
func checkMount(dir string) error {
	var st, parent unix.Stat_t
	if unix.Stat(dir, &st) == nil && unix.Stat(filepath.Dir(dir), &parent) == nil && st.Dev != parent.Dev {
		return errMount(dir)
	}
	table, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil // the swap fails with EXDEV or EBUSY instead, changing nothing
	}
	for line := range strings.Lines(string(table)) {
		if f := strings.Fields(line); len(f) > 4 && unescapeMount(f[4]) == dir {
			return errMount(dir)
		}
	}
	return nil
}

// unescapeMount undoes the octal escapes (\040 for a space) of a path in
// the mount table.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// folderStamp returns the stamp of the folder name under the open folder
// top, without following a link at name.
func folderStamp(top *os.File, name string) (stamp, bool) {
	var st unix.Stat_t
	if err := unix.Fstatat(int(top.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return stamp{}, false
	}
	return stamp{ino: st.Ino, ctime: st.Ctim.Nano()}, true
}

// changeTime returns the change time of the file p, in nanoseconds.
func changeTime(p string) (int64, bool) {
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		return 0, false
	}
	return st.Ctim.Nano(), true
}

// soleFile reports whether p is a regular file that no other name links
// to, with the mode digest gives its files: one a write in place changes
// for no one else, neither the output nor a file the curator linked.
func soleFile(p string) bool {
	var st unix.Stat_t
	return unix.Lstat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFREG && st.Nlink == 1 && st.Mode&0o7777 == 0o644
}
