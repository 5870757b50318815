package e2e

import (
	"fmt"
	"os"
	"slices"
	"testing"
)

// mailPane is the widest an email is read at: a desktop client's reading
// pane, for which the email edition is made.
const mailPane = 600

// TestEmailEdition opens the latest issue's email.html as a mail client
// would show it, on a phone and in a 600-pixel pane, light and dark: the
// email must fit the width, never reach past 600 pixels, switch to its
// dark palette, and load nothing but the site's own files. axe-core must
// find no serious or critical violation. Screenshots of each go with the
// others.
func TestEmailEdition(t *testing.T) {
	t.Parallel()
	s := setup(t)
	i := slices.IndexFunc(s.kinds, func(k kind) bool { return k.name == "issue" })
	page := s.kinds[i].path + "email.html"
	axe, axeErr := os.ReadFile(axePath)
	tb := s.newTab(t)
	for _, width := range []int64{phone, mailPane} {
		tb.viewport(width)
		var light string
		for _, scheme := range []string{"light", "dark"} {
			tb.scheme(scheme)
			tb.open(page)
			what := fmt.Sprintf("%s at %dpx, %s", page, width, scheme)
			tb.checkClean(what)
			if n := eval[int](tb, `document.querySelectorAll('script, link[rel=stylesheet], iframe, form').length`); n > 0 {
				t.Errorf("%s: %d scripts, stylesheets, frames or forms", what, n)
			}
			if sw := eval[int](tb, `document.documentElement.scrollWidth`); sw > int(width) {
				t.Errorf("%s: the email is %dpx wide; want at most %d", what, sw, width)
			}
			widest := eval[float64](tb, `Math.max(...[...document.body.querySelectorAll('*')].map(el => el.getBoundingClientRect().width))`)
			if widest > mailPane {
				t.Errorf("%s: an element is %.0fpx wide; want at most %d", what, widest, mailPane)
			}
			bg := eval[string](tb, `getComputedStyle(document.querySelector('table table')).backgroundColor`)
			if scheme == "light" {
				light = bg
			} else if bg == light {
				t.Errorf("%s: the email's background is %s in both light and dark mode", what, bg)
			}
			if axeErr == nil {
				eval[any](tb, string(axe)+";0")
				found := eval[[]axeResult](tb, `axe.run(document, {resultTypes: ['violations']}).then(r =>
					r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
						nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`)
				for _, v := range found {
					if v.Impact == "serious" || v.Impact == "critical" {
						t.Errorf("%s: axe %s (%s): %s, at %v", what, v.ID, v.Impact, v.Help, v.Nodes)
					}
				}
			}
			tb.screenshot(fmt.Sprintf("email-%d-%s", width, scheme))
		}
	}
	if axeErr != nil {
		missing(t, "no axe-core at e2e/%s (npm ci --prefix e2e installs it): %v", axePath, axeErr)
	}
}
