package markdown

import (
	"bytes"
	"regexp"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/util"
)

// highlight colours fenced code that names its language, with CSS
// classes rather than inline styles, so the theme's palettes (light and
// dark) apply and the page needs no style attribute. Code without a
// language is left as goldmark writes it: guessing would colour prose.
var highlight = highlighting.NewHighlighting(
	highlighting.WithGuessLanguage(false),
	highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
	// End the block with a newline, as goldmark ends every other block.
	highlighting.WithWrapperRenderer(func(w util.BufWriter, _ highlighting.CodeBlockContext, entering bool) {
		if !entering {
			_ = w.WriteByte('\n')
		}
	}),
)

// The chroma styles of the code palettes: the Modus themes, made for
// legibility, are the ones whose every colour keeps a contrast of 4.5:1
// (WCAG AA) on the theme's code backgrounds (TestCodeContrast).
const (
	lightStyle = "modus-operandi"
	darkStyle  = "modus-vivendi"
)

// CodeCSS is the stylesheet of highlighted code: the light palette, and
// the dark one for readers whose system asks for it. The code block's own
// background and spacing are the theme's. The theme's style.css carries
// it; a test keeps the two the same.
func CodeCSS() string {
	return "/* Highlighted code: made by markdown.CodeCSS from chroma's " + lightStyle + " and " + darkStyle + " styles. */\n" +
		palette(lightStyle) + "@media (prefers-color-scheme:dark) {\n" + palette(darkStyle) + "}\n"
}

// cssRule is one line of chroma's CSS: "/* Name */ selector { declarations }".
var cssRule = regexp.MustCompile(`^/\* (\w+) \*/ (.+?) \{ ?(.*?);? ?\}$`)

// palette is the rules of one chroma style that colour tokens, one per
// line, without those of features digest does not use (line numbers,
// highlighted lines) or that the theme sets itself (the background).
func palette(style string) string {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var css bytes.Buffer
	// Writing CSS into a bytes.Buffer cannot fail.
	_ = f.WriteCSS(&css, styles.Get(style))
	var b strings.Builder
	for _, line := range strings.Split(css.String(), "\n") {
		m := cssRule.FindStringSubmatch(line)
		if m == nil || !tokenRule(m[1]) {
			continue
		}
		decls := strings.ReplaceAll(strings.ReplaceAll(m[3], "; ", ";"), ": ", ":")
		b.WriteString(m[2] + " {" + decls + "}\n")
	}
	return b.String()
}

// tokenRule reports whether the chroma rule named name colours a kind of
// token, rather than laying out line numbers or the block.
func tokenRule(name string) bool {
	switch name {
	case "Background", "PreWrapper", "Line", "LineLink", "LineTableTD", "LineTable", "LineHighlight", "LineNumbersTable", "LineNumbers", "CodeLine", "TextWhitespace":
		return false
	}
	return true
}
