package markdown

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// TestCodeCSSInTheme checks that the theme's stylesheet holds CodeCSS
// as it is now; go test -update writes it there.
func TestCodeCSSInTheme(t *testing.T) {
	// The built-in theme's stylesheet, which carries CodeCSS.
	themeCSS := filepath.Join(testkit.Root(), "layouts", "static", "style.css")
	data, err := os.ReadFile(themeCSS)
	if err != nil {
		t.Fatal(err)
	}
	css := string(data)
	const begin = "/* Highlighted code:"
	i := strings.Index(css, begin)
	if i < 0 {
		if !testkit.Update() {
			t.Fatalf("%s has no highlighted-code palette (go test -update adds it)", themeCSS)
		}
		i = len(css)
	}
	if css[i:] == CodeCSS() {
		return
	}
	if !testkit.Update() {
		t.Fatalf("%s: the highlighted-code palette at its end is not CodeCSS's (go test -update rewrites it):\n%s", themeCSS, testkit.FirstDiff([]byte(css[i:]), []byte(CodeCSS())))
	}
	if err := os.WriteFile(themeCSS, []byte(css[:i]+CodeCSS()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCodeContrast checks every token colour of both palettes against the
// theme's code background in the same scheme: WCAG AA asks 4.5:1 for text.
func TestCodeContrast(t *testing.T) {
	css := CodeCSS()
	light, dark, _ := strings.Cut(css, "@media (prefers-color-scheme:dark)")
	for _, scheme := range []struct {
		name, rules, background string
	}{{"light", light, "#f1eee7"}, {"dark", dark, "#22201d"}} {
		for _, m := range regexp.MustCompile(`(?m)^(\.chroma \.\w+) \{color:(#[0-9a-f]{6})(;background-color:(#[0-9a-f]{6}))?`).FindAllStringSubmatch(scheme.rules, -1) {
			bg := scheme.background
			if m[4] != "" {
				bg = m[4]
			}
			if c := contrast(m[2], bg); c < 4.5 {
				t.Errorf("%s: %s is %s on %s: contrast %.2f, under 4.5", scheme.name, m[1], m[2], bg, c)
			}
		}
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}
