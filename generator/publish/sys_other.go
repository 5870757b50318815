//go:build !linux

package publish

import "os"

// exchange swaps the folders a and b in one step, which only Linux offers;
// elsewhere Commit moves them with two renames.
var exchange = func(a, b string) error { return errNoExchange }

// checkMount would refuse a mount point; elsewhere than Linux the first
// rename of the commit refuses it instead (EXDEV or EBUSY), changing
// nothing.
func checkMount(string) error { return nil }

// folderStamp gives no stamp elsewhere than Linux, where no build stages
// in a spare: every folder of the output is read.
func folderStamp(*os.File, string) (stamp, bool) { return stamp{}, false }

// changeTime tells no time elsewhere than Linux.
func changeTime(string) (int64, bool) { return 0, false }

// soleFile says no elsewhere than Linux, where no build stages in a spare.
func soleFile(string) bool { return false }
