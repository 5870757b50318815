package render

import (
	"html/template"
	"io"
	"iter"
	texttemplate "text/template"

	"github.com/digest/digest/generator/email"
	"github.com/digest/digest/generator/site"
)

// Unsubscribe is where the email edition links the way out: a stand-in
// for site.yaml's email_unsubscribe, which email.HTML and email.Finish
// put in its place; "" when the site gives none.
func (d *Data) Unsubscribe() string {
	if d.Site.EmailUnsubscribe == "" {
		return ""
	}
	return email.Unsubscribe
}

// Emails lists the email edition of every issue, one Data each, whose URL
// is the HTML part's and Permalink the issue page's.
func Emails(s *site.Site) iter.Seq[*Data] {
	return func(yield func(*Data) bool) {
		for _, is := range s.Issues {
			d := &Data{Site: s, PageKind: KindEmail, Title: is.Title, Description: is.Summary, URL: is.EmailURL(), Permalink: s.AbsURL(is.URL),
				Issue: is, NewerIssue: is.Newer, OlderIssue: is.Older}
			if !yield(d) {
				return
			}
		}
	}
}

// ExecuteEmail renders the HTML part of the email edition d, as the
// template writes it: email.HTML finishes it.
func (t *Templates) ExecuteEmail(w io.Writer, d *Data) error {
	if err := t.email.Execute(w, d); err != nil {
		return t.templateError(err)
	}
	return nil
}

// ExecuteEmailText renders the plain-text part of the email edition d.
func (t *Templates) ExecuteEmailText(w io.Writer, d *Data) error {
	if err := t.emailText.Execute(w, d); err != nil {
		return t.templateError(err)
	}
	return nil
}

// textFuncs are the functions of email.txt: those of every template, and
// text, which writes an HTML fragment out as plain text.
func textFuncs(funcs map[string]any) texttemplate.FuncMap {
	fm := texttemplate.FuncMap(funcs)
	abs := fm["abs"].(func(string) string)
	fm["text"] = func(fragment template.HTML, page string) (string, error) {
		return email.Text(string(fragment), abs(page))
	}
	return fm
}
