package content

import (
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/urlnorm"
)

// duplicates warns of each article whose source_url is, compared by
// urlnorm.Key, that of an article in an earlier file: the same story
// picked twice. Drafts count, so that a story waiting in the inbox is
// seen to be published already.
func duplicates(articles []*Article) diag.List {
	var warnings diag.List
	first := map[string]*Article{}
	for _, a := range articles {
		if a.SourceURL == "" {
			continue
		}
		k, err := urlnorm.Key(a.SourceURL)
		if err != nil {
			continue
		}
		if f, ok := first[k]; ok {
			warnings = append(warnings, diag.Errorf(a.File, a.SourceURLLine, 0,
				"source_url: the same story as %s:%d (%s)", f.File, f.SourceURLLine, f.SourceURL))
			continue
		}
		first[k] = a
	}
	return warnings
}
