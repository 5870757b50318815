// Package urlnorm normalises the web addresses of articles, drafts and feed
// items so that two spellings of one story compare equal.
//
// Normalize returns an address still fit to link to: the host lower-cased
// and in its ASCII (IDNA) form, default ports, fragments, empty queries and
// tracking parameters (utm_*, fbclid, gclid and the like) dropped,
// percent-encoding in one canonical form, and the remaining query
// parameters sorted. Key goes further for comparing: it also folds http
// into https and drops a leading "www.", which the same story is served
// under interchangeably. Both are idempotent: normalising a result again
// returns it unchanged.
package urlnorm

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"golang.org/x/net/idna"
)

// Normalize returns raw in its canonical form, or an error when raw is not
// an absolute http or https address.
func Normalize(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%q is not a web address: %w", raw, errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%q is not a web address: it must start with http:// or https://", raw)
	}
	if u.Opaque != "" {
		return "", fmt.Errorf("%q is not a web address: it has no // after its scheme", raw)
	}
	host, err := canonicalHost(u)
	if err != nil {
		return "", fmt.Errorf("%q is not a web address: %w", raw, err)
	}
	var b strings.Builder
	// The user info is dropped: it never names a story, and a published
	// source_url must not carry a password.
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(host)
	p := canonicalEscapes(u.EscapedPath(), pathSafe)
	if p == "" {
		p = "/"
	}
	b.WriteString(p)
	if q := canonicalQuery(u.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

// Key returns the form of raw to compare addresses by: Normalize's, with
// the scheme folded into https and a leading "www." dropped.
func Key(raw string) (string, error) {
	n, err := Normalize(raw)
	if err != nil {
		return "", err
	}
	rest := n[strings.Index(n, "://")+len("://"):]
	// Every leading "www." goes, so that a key's key is itself, but never
	// the last label's dot: www.com stays a host.
	for {
		h, ok := strings.CutPrefix(rest, "www.")
		if !ok || !strings.Contains(hostPart(h), ".") {
			break
		}
		rest = h
	}
	return "https://" + rest, nil
}

// hostPart is what precedes the path or query of rest, an address after
// its "scheme://".
func hostPart(rest string) string {
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		return rest[:i]
	}
	return rest
}

// canonicalHost is u's host lower-cased and in ASCII, without a trailing
// dot or a default port.
func canonicalHost(u *url.URL) (string, error) {
	name, port := u.Hostname(), u.Port()
	if name == "" {
		return "", errors.New("it has no host")
	}
	if strings.Contains(name, "%") {
		return "", errors.New("its host has a zone")
	}
	if strings.Contains(name, ":") {
		name = "[" + strings.ToLower(name) + "]"
	} else {
		name = strings.TrimSuffix(name, ".")
		if name == "" {
			return "", errors.New("it has no host")
		}
		if slices.Contains(strings.Split(name, "."), "") {
			return "", fmt.Errorf("its host %q is not a domain name", name)
		}
		ascii, err := idna.Lookup.ToASCII(name)
		// The ASCII form must be its own: idna maps some invalid names
		// (bytes that are not UTF-8) to labels it then refuses.
		if again, err2 := idna.Lookup.ToASCII(ascii); err != nil || err2 != nil || again != ascii {
			return "", fmt.Errorf("its host %q is not a domain name", name)
		}
		name = ascii
	}
	port = strings.TrimLeft(port, "0")
	if port == "" || (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		return name, nil
	}
	return name + ":" + port, nil
}

// tracking tells whether a query parameter only tells the linked site where
// the reader came from: it never changes the story.
func tracking(name string) bool {
	name = strings.ToLower(name)
	if strings.HasPrefix(name, "utm_") {
		return true
	}
	switch name {
	case "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
		"twclid", "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
		"_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc",
		"cmpid", "ocid", "sr_share", "__twitter_impression":
		return true
	}
	return false
}

// canonicalQuery is the raw query without its tracking parameters and
// empty parts, each part's escapes canonical, sorted.
func canonicalQuery(raw string) string {
	var kept []string
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		name, _, _ := strings.Cut(part, "=")
		if decoded, err := url.QueryUnescape(name); err == nil {
			name = decoded
		}
		if tracking(name) {
			continue
		}
		kept = append(kept, canonicalEscapes(part, querySafe))
	}
	sort.Strings(kept)
	return strings.Join(kept, "&")
}

// pathSafe and querySafe are the characters, beyond the unreserved ones,
// that a path or a query part keeps unescaped.
const (
	pathSafe  = "!$&'()*+,;=:@/"
	querySafe = "!$'()*+,;:@/?="
)

// canonicalEscapes writes s with every unreserved character unescaped and
// every other byte, but those of safe, escaped in upper-case hex, so that
// two spellings of one path or query part become one.
func canonicalEscapes(s, safe string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if unreserved(d) {
				b.WriteByte(d)
			} else {
				fmt.Fprintf(&b, "%%%02X", d)
			}
			i += 2
			continue
		}
		if unreserved(c) || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
