package publish

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A bind mount of a folder of the same disk at the output folder, where
// the test may mount (as root, on Linux).
func TestOpenRefusesMount(t *testing.T) {
	b := newSiteBuilder(t)
	src := t.TempDir()
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount(src, b.out, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount here: %v", err)
	}
	defer syscall.Unmount(b.out, 0)
	if _, err := Open(b.out, b.site); err == nil || !strings.Contains(err.Error(), "mount point") {
		t.Errorf("Open(mount point) = %v; want refusal", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(b.out)); len(entries) != 2 {
		t.Errorf("a refused Open left %d entries beside the output", len(entries)-2)
	}
}

func TestUnescapeMount(t *testing.T) {
	for in, want := range map[string]string{
		`/srv/my\040site`: "/srv/my site",
		`/a\134b`:         `/a\b`,
		`/plain`:          "/plain",
		`/short\04`:       `/short\04`,
		`/bad\999`:        `/bad\999`,
	} {
		if got := unescapeMount(in); got != want {
			t.Errorf("unescapeMount(%q) = %q; want %q", in, got, want)
		}
	}
}
