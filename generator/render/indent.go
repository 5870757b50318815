package render

import (
	"bytes"
	"text/template/parse"
)

// rawElements are the elements whose text a browser keeps as it is, or
// hands to a script or a stylesheet, so their indentation may matter.
var rawElements = [][]byte{[]byte("pre"), []byte("textarea"), []byte("script"), []byte("style")}

// trimTextIndent applies trimIndent to the text of a parsed template, so
// that the indentation of the layouts costs nothing on every page: done
// once when the templates load, rather than on each page made. The text
// a page's data brings in (bodies, titles) is left as it is. Positions in
// errors come from the template's source, which is kept.
func trimTextIndent(n parse.Node) {
	eachNode(n, func(n parse.Node) {
		if t, ok := n.(*parse.TextNode); ok {
			t.Text = trimIndent(t.Text)
		}
	})
}

// trimIndent drops, in place, the spaces and tabs that start each line of
// an HTML page, outside pre, textarea, script and style elements. A
// browser folds them into the line break before them, so the page looks
// the same, and a large digest's pages are some 4 MB smaller. (A
// stylesheet that sets white-space: pre on other elements would show the
// difference; the theme has none.)
func trimIndent(b []byte) []byte {
	out := b[:0] // out never passes i, so writing in place is safe
	i := 0
	for i < len(b) {
		k := bytes.IndexAny(b[i:], "\n<")
		if k < 0 {
			return append(out, b[i:]...)
		}
		out = append(out, b[i:i+k]...)
		i += k
		if b[i] == '\n' {
			out = append(out, '\n')
			i++
			for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
				i++
			}
			continue
		}
		end := 1
		if name := rawElement(b[i:]); name != nil {
			end = closingTag(b[i:], name)
		}
		out = append(out, b[i:i+end]...)
		i += end
	}
	return out
}

// rawElement returns the name of the raw element whose start tag b starts
// with, or nil.
func rawElement(b []byte) []byte {
	for _, name := range rawElements {
		if len(b) > len(name)+1 && bytes.EqualFold(b[1:1+len(name)], name) && endsName(b[1+len(name)]) {
			return name
		}
	}
	return nil
}

func endsName(c byte) bool {
	return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// closingTag returns how many bytes of b, which starts with the start tag
// of name, run to the start of its end tag, or all of them.
func closingTag(b, name []byte) int {
	for i := 1; i < len(b); i++ {
		j := bytes.Index(b[i:], []byte("</"))
		if j < 0 {
			break
		}
		i += j
		if len(b) >= i+2+len(name) && bytes.EqualFold(b[i+2:i+2+len(name)], name) {
			return i
		}
	}
	return len(b)
}
