package render

// Kind is a kind of page. Each kind but KindAlias has a template file of
// its name + ".html" that defines the "main" block (and may define
// "title" and "head"); KindAlias pages are made with alias.html alone.
type Kind string

// The page kinds. Their strings are part of the template contract: a
// template reads one as .Kind (docs/templates.md).
const (
	KindHome     Kind = "home"
	KindArticle  Kind = "article"
	KindPage     Kind = "page"
	KindTag      Kind = "tag"
	KindTags     Kind = "tags"
	KindSource   Kind = "source"
	KindSources  Kind = "sources"
	KindEdition  Kind = "edition"
	KindMonth    Kind = "month"
	KindYear     Kind = "year"
	KindArchive  Kind = "archive"
	KindSearch   Kind = "search"
	KindIssues   Kind = "issues"
	KindIssue    Kind = "issue"
	KindNotFound Kind = "404"
	KindAlias    Kind = "alias"
	// KindEmail is an issue's email edition, made with email.html and
	// email.txt alone.
	KindEmail Kind = "email"
)

// Kinds lists the page kinds made with base.html and a template of their
// own: every kind but KindAlias and KindEmail. The slice is the caller's.
func Kinds() []Kind {
	return []Kind{KindHome, KindArticle, KindPage, KindTag, KindTags, KindSource, KindSources,
		KindEdition, KindMonth, KindYear, KindArchive, KindSearch, KindIssues, KindIssue, KindNotFound}
}
