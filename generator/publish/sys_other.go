//go:build !linux

package publish

// exchange swaps the folders a and b in one step, which only Linux offers;
// elsewhere Commit moves them with two renames.
var exchange = func(a, b string) error { return errNoExchange }

// checkMount would refuse a mount point; elsewhere than Linux the first
// rename of the commit refuses it instead (EXDEV or EBUSY), changing
// nothing.
func checkMount(string) error { return nil }
