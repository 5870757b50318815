package feed

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// urlAttrs are the attributes whose value is a URL, or with srcset a list
// of URLs, that a body's HTML can carry.
var urlAttrs = map[string]bool{"href": true, "src": true, "poster": true, "srcset": true}

// AbsoluteLinks makes every relative URL in the HTML body absolute,
// resolved against base, the article's absolute URL. A page of the site
// resolves "map.png" or "/news/tags/" itself, but a feed reader (or a
// mail client, for the email edition) shows the body away from the page,
// and few readers honour xml:base: an article folder's images would break
// there. Fragment-only links ("#fn-1") point
// into the body itself and are kept. Only the tags that change are written
// anew; the rest of the body is copied byte for byte.
func AbsoluteLinks(body string, base *url.URL) string {
	if !relativeLinks(body) {
		return body
	}
	return absoluteLinks(body, base)
}

// relativeLinks reports whether body may hold a relative URL for
// AbsoluteLinks to resolve.
func relativeLinks(body string) bool {
	if !strings.Contains(body, "href=") && !strings.Contains(body, "src=") && !strings.Contains(body, "poster=") && !strings.Contains(body, "srcset=") {
		return false
	}
	return !absoluteOnly(body)
}

// absoluteLinks is AbsoluteLinks without the quick looks that find there
// is nothing to change.
func absoluteLinks(body string, base *url.URL) string {
	var out bytes.Buffer
	out.Grow(len(body) + 256)
	z := html.NewTokenizer(strings.NewReader(body))
	read := 0 // bytes of body the tokens so far hold
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			// The end of the body; the tokenizer reads a string, so no
			// other error is possible. A tag the body ends in the middle
			// of is no token, and is kept as it is.
			out.WriteString(body[read:])
			return out.String()
		}
		read += len(z.Raw())
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(z.Raw())
			continue
		}
		raw := string(z.Raw()) // Token reuses the tokenizer's buffer
		tok := z.Token()
		changed := false
		for i, a := range tok.Attr {
			if a.Namespace != "" || !urlAttrs[a.Key] {
				continue
			}
			var v string
			if a.Key == "srcset" {
				v = absoluteSrcset(a.Val, base)
			} else {
				v = absoluteURL(a.Val, base)
			}
			if v != a.Val {
				tok.Attr[i].Val, changed = v, true
			}
		}
		if changed {
			out.WriteString(tok.String())
		} else {
			out.WriteString(raw)
		}
	}
}

// absoluteOnly reports whether every URL an attribute of body gives is
// an absolute http(s) URL already, or no attribute of body gives one, so
// that AbsoluteLinks changes nothing; it looks at the "=" signs of body
// rather than tokenizing it, and answers false when unsure. The tokenizer
// reads an attribute's name up to the spaces and "=" before its value, so
// an href, src or poster attribute with a value has one of those names,
// in any case, just before an "=". Such a value that starts with
// "http://" or "https://" in quotes is absolute, entities and all. A
// srcset, a list of URLs, is not looked into.
func absoluteOnly(body string) bool {
	for i := 0; ; i++ {
		eq := strings.IndexByte(body[i:], '=')
		if eq < 0 {
			return true
		}
		i += eq
		name := strings.TrimRight(body[:i], htmlSpace)
		switch {
		case hasSuffixFold(name, "srcset"):
			return false
		case hasSuffixFold(name, "href") || hasSuffixFold(name, "src") || hasSuffixFold(name, "poster"):
			v := strings.TrimLeft(body[i+1:], htmlSpace)
			if v == "" || v[0] != '"' && v[0] != '\'' {
				return false
			}
			if v = v[1:]; !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
				return false
			}
		}
	}
}

// htmlSpace is what the HTML tokenizer takes for white space.
const htmlSpace = " \t\n\r\f"

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// absoluteURL resolves u against base, unless it is absolute already, a
// fragment of the body, or not a URL at all.
func absoluteURL(u string, base *url.URL) string {
	t := strings.TrimSpace(u)
	if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
		return u
	}
	ref, err := url.Parse(t)
	if err != nil || ref.Scheme != "" {
		return u
	}
	return base.ResolveReference(ref).String()
}

// absoluteSrcset resolves each URL of a srcset ("a.png 1x, b.png 2x"),
// keeping everything around the URLs as it is.
func absoluteSrcset(set string, base *url.URL) string {
	parts := strings.Split(set, ",")
	for i, p := range parts {
		start := len(p) - len(strings.TrimLeft(p, " \t\n\f\r"))
		end := strings.IndexAny(p[start:], " \t\n\f\r")
		if end < 0 {
			end = len(p)
		} else {
			end += start
		}
		if start < end {
			parts[i] = p[:start] + absoluteURL(p[start:end], base) + p[end:]
		}
	}
	return strings.Join(parts, ",")
}
