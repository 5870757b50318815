package publish

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The marker holds a header and the name of the state that describes the
// folder; the state holds one line per fact. Both share the line format of
// the manifest that digest kept in the output folder before it had a state
// folder, which readState still reads.
const (
	markerHeader = "# this folder is written by digest build, which only ever deletes what it wrote here"
	stateHeader  = "# digest build state of "
	// markerTmp is where the marker is written before it replaces the old one.
	markerTmp = Marker + ".tmp"
	// manifestPrefix starts the name of a state file; its hash follows.
	manifestPrefix = "manifest-"
)

// The tags in the names of the folders a build makes beside the output.
const (
	tmpTag = "tmp" // the next site, being staged; after a swap, the old site
	oldTag = "old" // the old site, moved aside by a commit that cannot swap
)

// stateFolder is where the build state of the output folder out, of the
// site in site, lives: both paths absolute.
func stateFolder(site, out string) string {
	sum := sha256.Sum256([]byte(out))
	return filepath.Join(site, StateDir, "build", hex.EncodeToString(sum[:8]))
}

// marker is the content of the Marker file for the state id.
func marker(id string) []byte {
	return []byte(markerHeader + "\nstate " + id + "\n")
}

// readState reads the state that the marker of the output folder dir
// names, in the state folder. A marker or state that is missing, corrupt or
// does not match makes an empty state with strays set: the output may hold
// files no state describes.
func readState(dir, state string) (files map[string]file, rec record, id string, strays bool) {
	data, err := os.ReadFile(filepath.Join(dir, Marker))
	if err != nil {
		return map[string]file{}, record{}, "", !errors.Is(err, fs.ErrNotExist)
	}
	files, rec, id = parseState(data)
	if len(files) > 0 {
		return files, rec, "", false // a manifest from before the state folder
	}
	if id == "" {
		return files, record{}, "", true
	}
	data, err = os.ReadFile(filepath.Join(state, manifestPrefix+id))
	if err != nil || stateID(data) != id {
		return map[string]file{}, record{}, "", true
	}
	files, rec, _ = parseState(data)
	return files, rec, id, false
}

// parseState reads the lines of a state or marker. An unreadable line is
// skipped: at worst a file is made again.
func parseState(data []byte) (map[string]file, record, string) {
	var rec record
	var id string
	files := map[string]file{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), " ")
		switch key {
		case "state":
			id = value
		case "inputs":
			rec.inputs = value
		case "valid-until":
			rec.validUntil, _ = time.Parse(time.RFC3339Nano, value)
		case "warning":
			rec.warnings = append(rec.warnings, value)
		case "spare":
			rec.spare = value
		case "differs":
			rec.differs = append(rec.differs, value)
		case "carried":
			rec.carried = append(rec.carried, value)
		case "folder":
			out, rest, _ := strings.Cut(value, " ")
			spare, name, _ := strings.Cut(rest, " ")
			if fs.ValidPath(name) && name != "." {
				if rec.folders == nil {
					rec.folders = map[string]folderStamps{}
				}
				rec.folders[name] = folderStamps{parseStamp(out), parseStamp(spare)}
			}
		case "file":
			sums, name, ok := strings.Cut(value, " ")
			if ok && fs.ValidPath(name) {
				hash, sig, _ := strings.Cut(sums, "+")
				n, _ := strconv.ParseUint(sig, 16, 64) // none or unreadable: 0, never kept unmade
				files[name] = file{hash, n}
			}
		}
	}
	return files, rec, id
}

// appendStamp writes a folder's stamp for the state: its inode and
// change time in hexadecimal, or "-" when it is unknown.
func appendStamp(data []byte, s stamp) []byte {
	if !s.known() {
		return append(data, '-')
	}
	data = strconv.AppendUint(data, s.ino, 16)
	data = append(data, ':')
	return strconv.AppendInt(data, s.ctime, 16)
}

// parseStamp reads what appendStamp wrote; anything else is unknown,
// which only costs a folder read.
func parseStamp(s string) stamp {
	ino, ctime, ok := strings.Cut(s, ":")
	if !ok {
		return stamp{}
	}
	i, err1 := strconv.ParseUint(ino, 16, 64)
	c, err2 := strconv.ParseInt(ctime, 16, 64)
	if err1 != nil || err2 != nil {
		return stamp{}
	}
	return stamp{i, c}
}

// stateID names a state by the hash of its bytes, which also tells a whole
// state from a damaged one.
func stateID(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// writeState writes the state of the output folder dir into the state
// folder, through a temporary file so it is never half-written, and
// returns its id.
func writeState(state, dir string, files map[string]file, rec record) (string, error) {
	var b strings.Builder
	b.WriteString(stateHeader + dir + "\n")
	if rec.inputs != "" {
		b.WriteString("inputs " + rec.inputs + "\n")
	}
	if !rec.validUntil.IsZero() {
		b.WriteString("valid-until " + rec.validUntil.UTC().Format(time.RFC3339Nano) + "\n")
	}
	for _, w := range rec.warnings {
		b.WriteString("warning " + strings.ReplaceAll(w, "\n", " ") + "\n")
	}
	if rec.spare != "" {
		b.WriteString("spare " + rec.spare + "\n")
	}
	for _, name := range rec.differs {
		b.WriteString("differs " + name + "\n")
	}
	for _, name := range rec.carried {
		b.WriteString("carried " + name + "\n")
	}
	data := []byte(b.String())
	for _, name := range slices.Sorted(maps.Keys(rec.folders)) {
		f := rec.folders[name]
		if f.out.known() || f.spare.known() {
			data = append(data, "folder "...)
			data = appendStamp(data, f.out)
			data = append(data, ' ')
			data = appendStamp(data, f.spare)
			data = append(data, ' ')
			data = append(data, name...)
			data = append(data, '\n')
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f := files[name]
		data = append(data, "file "...)
		data = append(data, f.hash...)
		if f.sig != 0 {
			data = append(data, '+')
			data = strconv.AppendUint(data, f.sig, 16)
		}
		data = append(data, ' ')
		data = append(data, name...)
		data = append(data, '\n')
	}
	id := stateID(data)
	name := filepath.Join(state, manifestPrefix+id)
	if err := os.WriteFile(name+".tmp", data, 0o644); err != nil {
		return "", err
	}
	return id, os.Rename(name+".tmp", name)
}

// removeStates removes the states in the state folder other than keep:
// those of earlier builds and any a killed build left half-written.
func removeStates(state, keep string) error {
	entries, err := os.ReadDir(state)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), manifestPrefix) && e.Name() != manifestPrefix+keep {
			if err := os.Remove(filepath.Join(state, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// debrisPrefix starts the name of a folder a build of the output folder
// dir makes beside it: .public.tmp- for an output named public. A random
// number follows.
func debrisPrefix(dir, tag string) string {
	return "." + filepath.Base(dir) + "." + tag + "-"
}

// debrisNumber returns the number in name when name is that of a folder a
// build of the output folder dir makes beside it, with the tag.
func debrisNumber(name, dir, tag string) (string, bool) {
	n, ok := strings.CutPrefix(name, debrisPrefix(dir, tag))
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return "", false
	}
	return n, true
}

// recoverDebris completes or clears what interrupted builds of the output
// folder dir left: when a commit that could not swap in one step was
// stopped between its two renames, it moves the new site (or, failing
// that, the old one) into place; then it removes the stages and old sites
// beside dir, and a marker left half-written in it.
func recoverDebris(dir string) error {
	parent := filepath.Dir(dir)
	entries, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var tmps, olds []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if n, ok := debrisNumber(e.Name(), dir, tmpTag); ok {
			tmps = append(tmps, n)
		} else if n, ok := debrisNumber(e.Name(), dir, oldTag); ok {
			olds = append(olds, n)
		}
	}
	path := func(tag, n string) string { return filepath.Join(parent, debrisPrefix(dir, tag)+n) }
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) && len(olds) > 0 {
		// The old site was moved aside only once the new one was complete.
		n := olds[0]
		from := path(oldTag, n)
		if i := slices.Index(tmps, n); i >= 0 {
			from = path(tmpTag, n)
			tmps = slices.Delete(tmps, i, i+1)
		} else {
			olds = olds[1:]
		}
		if err := os.Rename(from, dir); err != nil {
			return err
		}
	}
	for _, n := range tmps {
		if err := removeDebris(path(tmpTag, n)); err != nil {
			return err
		}
	}
	for _, n := range olds {
		if err := removeDebris(path(oldTag, n)); err != nil {
			return err
		}
	}
	if err := os.Remove(filepath.Join(dir, markerTmp)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// removeDebris removes the folder p, named like a build's, when it is
// recognisably digest's: it holds a marker, or nothing.
func removeDebris(p string) error {
	if _, err := os.Lstat(filepath.Join(p, Marker)); err != nil {
		if entries, err := os.ReadDir(p); err != nil || len(entries) > 0 {
			return nil // someone else's: leave it be
		}
	}
	return removeTree(p)
}
