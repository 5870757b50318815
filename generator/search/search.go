// Package search writes the index that /search/ queries in the reader's
// browser.
package search

import (
	"encoding/json"

	"github.com/digest/digest/generator/site"
)

// Dir is the folder, under the site root, that holds the index files.
const Dir = "search"

// Write calls write for every index file, with a slash path relative to
// the site root.
func Write(s *site.Site, write func(name string, data []byte) error) error {
	type doc struct {
		Title string `json:"t"`
		URL   string `json:"u"`
	}
	docs := make([]doc, len(s.Articles))
	for i, a := range s.Articles {
		docs[i] = doc{a.Title, a.URL}
	}
	data, err := json.Marshal(docs)
	if err != nil {
		return err
	}
	return write(Dir+"/docs.json", data)
}
