package feed

import (
	"fmt"
	"html"
	"strings"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
)

// IssueLinks are the feeds of the numbered issues, in every format; none
// when the site has no issue.
func IssueLinks(s *site.Site) []Link {
	if len(s.Issues) == 0 {
		return nil
	}
	name := s.Locale.Text("title_issues")
	base := site.IssuesURL(s.Config)
	return []Link{
		{Type: RSS, Title: name + " (RSS)", URL: base + "feed.xml"},
		{Type: Atom, Title: name + " (Atom)", URL: base + "atom.xml"},
		{Type: JSON, Title: name + " (JSON Feed)", URL: base + "feed.json"},
	}
}

// IssuesDescription describes the list and feeds of issues.
func IssuesDescription(s *site.Site) string {
	return s.Locale.Text("issues_description", "site", s.Title)
}

// issueList is the feeds of the issues: each entry is a whole issue, as
// a service that mails a feed's new entries wants it.
func issueList(s *site.Site) (List, bool) {
	links := IssueLinks(s)
	if links == nil {
		return List{}, false
	}
	issues := s.Issues[:min(len(s.Issues), s.FeedSize)]
	entries := make([]*site.Article, len(issues))
	for i, is := range issues {
		entries[i] = issueEntry(is)
	}
	name := s.Locale.Text("title_issues")
	return List{Of: OfIssues, Name: name, Links: links, Channel: Channel{
		Title: name + " — " + s.Title, Description: IssuesDescription(s), URL: site.IssuesURL(s.Config), Articles: entries,
	}}, true
}

// issueEntry is an issue as one feed item: an article of the issue's
// title, date and URL whose body is the whole issue. Its Sum summarises
// everything the body shows, so that the feed's signature follows it.
func issueEntry(is *site.Issue) *site.Article {
	body, h := IssueHTML(is)
	return &site.Article{
		Article: &content.Article{File: is.File, Title: is.Title, Date: is.Date, DateHasTime: is.DateHasTime, Sum: h},
		URL:     is.URL,
		HTML:    spool.Mem(body),
		Summary: is.Summary,
	}
}

// IssueHTML is the whole issue as HTML for a feed reader or a mailing
// service: the introduction, then the lead story and each section's
// articles, each with its headline linked, its source and its summary.
// Links are as the site writes them; the feeds make them absolute. The
// hash summarises what the HTML is made from.
func IssueHTML(is *site.Issue) (string, uint64) {
	h := sum.New()
	h.AddUint64(is.Sum)
	h.AddString(is.Title)
	var b strings.Builder
	b.WriteString(string(is.Body()))
	item := func(a *site.Article, heading string) {
		h.AddUint64(a.Sum)
		h.AddString(a.URL)
		fmt.Fprintf(&b, "<%s><a href=\"%s\">%s</a></%s>\n", heading, html.EscapeString(a.URL), html.EscapeString(a.Title), heading)
		if p := a.Publisher; p != nil {
			h.AddString(p.Name)
			fmt.Fprintf(&b, "<p><em>%s</em></p>\n", html.EscapeString(p.Name))
		}
		if a.Summary != "" {
			fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(a.Summary))
		}
	}
	if is.Lead != nil {
		item(is.Lead, "h2")
	}
	for _, sec := range is.Sections {
		h.AddString(sec.Title)
		heading := "h2"
		if sec.Title != "" {
			fmt.Fprintf(&b, "<h2>%s</h2>\n", html.EscapeString(sec.Title))
			heading = "h3"
		}
		for _, a := range sec.Articles {
			item(a, heading)
		}
	}
	return b.String(), h.Sum64()
}
