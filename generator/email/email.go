// Package email makes an issue's email edition survive mail clients.
//
// The contract, which the tests check on every built issue:
//
//   - The HTML part has no script, no external stylesheet and no web
//     font: each element's style is inlined from the template's <style>
//     (by github.com/vanng822/go-premailer), and only the rules that cannot
//     be inlined, the @media rules for dark mode and narrow screens, stay
//     in a <style> element, which the clients that read it honour.
//   - Every link and image URL is absolute, made from the page:
//     an email is read far from the site.
//   - The mailing service's unsubscribe placeholder (site.yaml's
//     email_unsubscribe) is written exactly as the curator gave it, in
//     both parts, where the template put Unsubscribe.
//   - The plain-text part writes every link out.
package email

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/inbucket/html2text"
	"github.com/vanng822/go-premailer/premailer"

	"github.com/digest/digest/generator/feed"
)

// Unsubscribe stands for the unsubscribe placeholder in what a template
// makes: an absolute URL, so that nothing on the way rewrites it, that
// Finish replaces with the placeholder.
const Unsubscribe = "https://unsubscribe.invalid/"

// MaxSize is the size past which Gmail clips a message, hiding its end
// behind a link.
const MaxSize = 102 * 1024

// HTML finishes the HTML part made by the template: links made absolute
// against page (the absolute URL), styles inlined, and the
// unsubscribe placeholder put in.
func HTML(doc []byte, page, unsubscribe string) ([]byte, error) {
	base, err := url.Parse(page)
	if err != nil {
		return nil, err
	}
	abs := feed.AbsoluteLinks(string(doc), base)
	p, err := premailer.NewPremailerFromString(abs, &premailer.Options{CssToAttributes: true, KeepBangImportant: true})
	if err != nil {
		return nil, err
	}
	out, err := p.Transform()
	if err != nil {
		return nil, err
	}
	return Finish([]byte(out), strings.ReplaceAll(unsubscribe, `"`, "&#34;")), nil
}

// Finish puts the unsubscribe placeholder where the template put
// Unsubscribe.
func Finish(b []byte, unsubscribe string) []byte {
	return bytes.ReplaceAll(b, []byte(Unsubscribe), []byte(unsubscribe))
}

// Text is an HTML fragment, such as an issue's introduction, as plain
// text, by github.com/inbucket/html2text (which go-premailer brings
// along): paragraphs apart, list items marked, and each link's address,
// made absolute against page, written out after its text.
func Text(fragment, page string) (string, error) {
	base, err := url.Parse(page)
	if err != nil {
		return "", err
	}
	return html2text.FromString(feed.AbsoluteLinks(fragment, base))
}
