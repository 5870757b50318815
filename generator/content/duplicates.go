package content

import (
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/urlnorm"
)

// sourceKey is the key a's source_url is compared by, or "". It is made
// with the file's other values, on every core and into the cache, since
// every build needs every article's.
func sourceKey(a *Article) string {
	if a.SourceURL == "" {
		return ""
	}
	k, _ := urlnorm.Key(a.SourceURL)
	return k
}

// duplicates warns of each article whose source_url is, compared by
// urlnorm.Key, that of an article in an earlier file: the same story
// picked twice. Drafts count, so that a story waiting in the inbox is
// seen to be published already. keys are the articles' sourceKey.
func duplicates(articles []*Article, keys []string) diag.List {
	var warnings diag.List
	first := map[string]*Article{}
	for i, a := range articles {
		k := keys[i]
		if k == "" {
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
