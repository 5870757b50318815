// Package fetch brings the stories of the feeds a curator follows into
// the site's inbox, as drafts.
//
// Run fetches every feed at once (the web client bounds the requests to
// each host), conditionally when the feed's state holds validators, and
// reads RSS 0.9x, 1.0 and 2.0, Atom and JSON Feed whatever the content
// type the server gives. Items' links are resolved against the feed's
// address. An item is new unless its GUID (its link when it has none) was
// seen in the feed before, or its link is a story the site has (see
// inbox.Seen); each new one becomes a draft (inbox.Write), and two items
// of one story, in one feed or two, make one draft. Drafts are written
// in the order of the subscriptions and of the items in each feed, so a
// run's result does not depend on which server answered first.
//
// A feed that fails leaves its state's validators and GUIDs as they were,
// so the next run tries it afresh; the others go on. A feed's state is
// saved after its drafts are written, so a crash costs a second download,
// never a lost story.
//
// The drafts' source is the feed's name in subscriptions.opml, as the
// curator set it with digest subscribe --title or in a feed reader; a feed
// named only after its host (what subscribe writes without --title) gets
// the title the feed gives itself.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/digest/digest/generator/inbox"
	"github.com/digest/digest/generator/internal/work"
	"github.com/digest/digest/generator/opml"
	"github.com/digest/digest/generator/web"
)

// accept is the Accept header of a feed's request: the feed types first,
// then anything, for servers that serve a feed as text/html.
const accept = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"

// workers is how many feeds are fetched at once; the client bounds the
// requests to each host further.
const workers = 16

// An Options holds what Run needs besides the feeds.
type Options struct {
	Site     string // the site folder
	Client   *web.Client
	Aliases  map[string]string // site.yaml's tag_aliases, resolved
	Location *time.Location    // the site's timezone, for the drafts' dates
	Now      time.Time         // the date of an item that gives none, and of the fetch
}

// An Outcome is what came of one feed.
type Outcome struct {
	Feed        opml.Feed
	Name        string   // the feed's publisher, as its drafts name it (see Name)
	Drafts      []string // the new drafts' slash paths from the site folder
	Seen        int      // items already seen
	NoLink      int      // items without a web address to make a draft of
	NotModified bool     // the server said the feed had not changed
	Err         error
}

// Line is the outcome in a few words, as digest fetch prints it.
func (o *Outcome) Line() string {
	switch {
	case o.Err != nil:
		return "error: " + o.Err.Error()
	case o.NotModified:
		return "not modified"
	}
	s := fmt.Sprintf("%d new, %d already seen", len(o.Drafts), o.Seen)
	if o.NoLink > 0 {
		s += fmt.Sprintf(", %d without a link", o.NoLink)
	}
	return s
}

// Run fetches feeds and writes a draft of every new item, adding each to
// seen. It returns an outcome per feed, in the order of feeds.
func Run(ctx context.Context, feeds []opml.Feed, seen *inbox.Seen, opt Options) []Outcome {
	got := make([]download, len(feeds))
	work.Spread(min(workers, len(feeds)), len(feeds), func(_, i int) {
		got[i] = get(ctx, opt, feeds[i])
	})
	out := make([]Outcome, len(feeds))
	for i, d := range got {
		out[i] = d.apply(seen, opt)
	}
	return out
}

// A download is one feed fetched and parsed, not yet drafted.
type download struct {
	feed   opml.Feed
	state  *State
	resp   *web.Response
	parsed *gofeed.Feed
	err    error
}

// get fetches and parses feed.
func get(ctx context.Context, opt Options, feed opml.Feed) download {
	d := download{feed: feed, state: LoadState(opt.Site, feed.URL)}
	d.resp, d.err = opt.Client.Do(ctx, web.Request{URL: feed.URL, Accept: accept, Validators: d.state.Validators})
	if d.err != nil || d.resp.NotModified {
		return d
	}
	d.parsed, d.err = gofeed.NewParser().Parse(bytes.NewReader(d.resp.Body))
	if d.err != nil {
		d.err = parseError(d.resp, d.err)
	}
	return d
}

// parseError says why a body is not a feed.
func parseError(resp *web.Response, err error) error {
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		head := strings.ToLower(string(resp.Body[:min(len(resp.Body), 512)]))
		if strings.Contains(head, "<html") || strings.Contains(head, "<!doctype html") {
			return fmt.Errorf("%s is a web page, not a feed (RSS, Atom or JSON Feed); subscribe to the feed it links to", resp.URL)
		}
		return fmt.Errorf("%s is not a feed (RSS, Atom or JSON Feed)", resp.URL)
	}
	return fmt.Errorf("%s: not a readable feed: %w", resp.URL, err)
}

// apply writes the drafts of d's new items and saves the feed's state:
// the new validators and GUIDs when every draft was written, the old
// ones otherwise, so that the next run tries again.
func (d *download) apply(seen *inbox.Seen, opt Options) Outcome {
	if d.parsed != nil {
		d.state.Title = d.parsed.Title
	}
	o := Outcome{Feed: d.feed, Name: Name(d.feed, d.state.Title), Err: d.err}
	next := d.state
	switch {
	case o.Err != nil:
	case d.resp.NotModified:
		o.NotModified = true
		if d.resp.ETag != "" || d.resp.LastModified != "" {
			next.Validators = d.resp.Validators
		}
	default:
		guids, err := d.draftItems(seen, opt, &o)
		if err != nil {
			o.Err = err
			break
		}
		next = &State{URL: d.state.URL, Title: d.state.Title, Validators: d.resp.Validators, GUIDs: d.state.GUIDs}
		next.remember(guids)
	}
	next.Fetched, next.Result, next.Failed = opt.Now, o.Line(), o.Err != nil
	if err := SaveState(opt.Site, next); err != nil && o.Err == nil {
		o.Err = fmt.Errorf("saving what was fetched: %w", err)
	}
	return o
}

// draftItems writes a draft of each new item of the feed, counting them
// and the others into o, and returns the GUIDs the feed lists.
func (d *download) draftItems(seen *inbox.Seen, opt Options, o *Outcome) ([]string, error) {
	base, _ := url.Parse(d.resp.URL)
	known := make(map[string]bool, len(d.state.GUIDs))
	for _, g := range d.state.GUIDs {
		known[g] = true
	}
	var guids []string // the feed's, each once, in its order
	listed := map[string]bool{}
	for _, item := range d.parsed.Items {
		link := resolve(base, itemLink(item))
		guid := strings.TrimSpace(item.GUID)
		if guid == "" {
			guid = link
		}
		if link == "" {
			o.NoLink++
			continue
		}
		if !listed[guid] {
			listed[guid] = true
			guids = append(guids, guid)
		}
		if known[guid] {
			o.Seen++
			continue
		}
		known[guid] = true
		if _, ok := seen.Where(link); ok {
			o.Seen++
			continue
		}
		file, err := inbox.Write(opt.Site, d.draft(item, link, base, opt), opt.Aliases)
		if err != nil {
			return nil, fmt.Errorf("writing a draft of %s: %w", link, err)
		}
		seen.Add(link, file)
		o.Drafts = append(o.Drafts, file)
	}
	return guids, nil
}

// draft is the draft of item, whose link is link.
func (d *download) draft(item *gofeed.Item, link string, base *url.URL, opt Options) inbox.Draft {
	date := opt.Now
	if item.PublishedParsed != nil {
		date = *item.PublishedParsed
	} else if item.UpdatedParsed != nil {
		date = *item.UpdatedParsed
	}
	summary := item.Description
	if strings.TrimSpace(inbox.Summarize(summary, 1)) == "" {
		summary = item.Content
	}
	return inbox.Draft{
		Title:     item.Title,
		Date:      date.In(opt.Location),
		Source:    Name(d.feed, d.state.Title),
		SourceURL: link,
		Author:    author(item),
		Tags:      item.Categories,
		Summary:   summary,
		Image:     resolve(base, image(item)),
	}
}

// Name is the name of the publisher of feed, whose own title is title:
// the name the curator gave the feed, unless it is empty or only the
// feed's host (what digest subscribe writes without --title); then the
// feed's title; then its host.
func Name(feed opml.Feed, title string) string {
	name := inbox.Tidy(feed.Title)
	host := ""
	if u, err := url.Parse(feed.URL); err == nil {
		host = u.Hostname()
	}
	if name != "" && name != host {
		return name
	}
	if t := inbox.Tidy(title); t != "" {
		return t
	}
	if host != "" {
		return host
	}
	return feed.URL
}

// itemLink is the address of item's story: its link, or its GUID when
// that is one (an RSS permalink).
func itemLink(item *gofeed.Item) string {
	if l := strings.TrimSpace(item.Link); l != "" {
		return l
	}
	for _, l := range item.Links {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	if g := strings.TrimSpace(item.GUID); strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") {
		return g
	}
	return ""
}

func author(item *gofeed.Item) string {
	if item.Author != nil && item.Author.Name != "" {
		return item.Author.Name
	}
	for _, a := range item.Authors {
		if a != nil && a.Name != "" {
			return a.Name
		}
	}
	return ""
}

// image is the address of item's picture: its own, or its first
// enclosure that is an image.
func image(item *gofeed.Item) string {
	if item.Image != nil && item.Image.URL != "" {
		return item.Image.URL
	}
	for _, e := range item.Enclosures {
		if e != nil && strings.HasPrefix(e.Type, "image/") {
			return e.URL
		}
	}
	return ""
}

// resolve returns ref made absolute against base, or "" when it is not
// an http(s) address then.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return u.String()
}
