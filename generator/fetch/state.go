package fetch

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/publish"
	"github.com/digest/digest/generator/urlnorm"
	"github.com/digest/digest/generator/web"
)

// maxGUIDs bounds the GUIDs remembered of one feed beyond those it lists
// now: a feed lists its latest items, so an item older than a few
// thousand others does not come back.
const maxGUIDs = 5000

// State is what digest remembers of one feed between fetches, in
// <site>/.digest/fetch/. Losing it costs a full download and nothing
// else: the drafts and articles under content/ and rejected.txt still
// say which stories were seen.
type State struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"` // the feed's own title, last it was read
	web.Validators
	Fetched time.Time `json:"fetched,omitzero"` // when the last fetch ended
	Result  string    `json:"result,omitempty"` // what it came to, as digest fetch printed it
	Failed  bool      `json:"failed,omitempty"`
	GUIDs   []string  `json:"guids,omitempty"` // the items' GUIDs seen, oldest first
}

// StateDir is the folder of the fetch state in the site folder site.
func StateDir(site string) string {
	return filepath.Join(site, publish.StateDir, "fetch")
}

// stateFile is the file of the feed at url: named by a hash of its key,
// so that two spellings of one feed share it.
func stateFile(site, url string) string {
	key, err := urlnorm.Key(url)
	if err != nil {
		key = url
	}
	return filepath.Join(StateDir(site), fmt.Sprintf("%016x.json", sum.String(key)))
}

// LoadState returns what the site site remembers of the feed at url. A
// missing, unreadable or corrupt file, or one of another feed, is a fresh
// start.
func LoadState(site, url string) *State {
	fresh := &State{URL: url}
	data, err := os.ReadFile(stateFile(site, url))
	if err != nil {
		return fresh
	}
	st, err := parseState(data)
	if err != nil || !sameFeed(st.URL, url) {
		return fresh
	}
	st.URL = url
	return st
}

// parseState decodes a state file.
func parseState(data []byte) (*State, error) {
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

func sameFeed(a, b string) bool {
	ka, err1 := urlnorm.Key(a)
	kb, err2 := urlnorm.Key(b)
	return err1 == nil && err2 == nil && ka == kb
}

// SaveState writes st for the site site, whole or not at all.
func SaveState(site string, st *State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := StateDir(site)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), stateFile(site, st.URL))
}

// remember sets the GUIDs seen to those the feed lists now, in its
// order, after the older ones still remembered, within maxGUIDs.
func (st *State) remember(current []string) {
	now := make(map[string]bool, len(current))
	for _, g := range current {
		now[g] = true
	}
	old := slices.DeleteFunc(slices.Clone(st.GUIDs), func(g string) bool { return now[g] })
	if keep := maxGUIDs - len(current); len(old) > keep {
		old = old[len(old)-max(keep, 0):]
	}
	st.GUIDs = append(old, current...)
}
