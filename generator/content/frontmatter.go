package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"

	"github.com/digest/digest/generator/diag"
)

// field is one front-matter key with its decoded value and where its value
// starts in the file.
type field struct {
	key  string
	val  any    // decoded: string, bool, int, float64, time.Time, []any, map[string]any
	text string // the scalar as written, for YAML scalars; dates are read from it
	line int
	col  int
	// keyLine and keyCol are where the key is written, for warnings about
	// the key itself; the value may start on a later line.
	keyLine int
	keyCol  int
}

// matter is a file's front matter, keys in file order.
type matter struct {
	fields []field
	body   []byte
	// bodyLine is the file line the body starts on, so Markdown positions
	// map back to the file.
	bodyLine int
	// warnings tell of characters replaced; see cleanText.
	warnings diag.List
}

// block is the raw front matter handed over by adrg/frontmatter.
type block struct {
	format string
	data   []byte
}

func capture(format string, b *block) frontmatter.UnmarshalFunc {
	return func(data []byte, _ any) error {
		b.format = format
		b.data = data
		return nil
	}
}

// split separates front matter from the body. It decodes nothing itself:
// the formats only capture the block, so every format is decoded by the
// library this package chooses (yaml.v3, not adrg/frontmatter's yaml.v2)
// and keeps its line numbers.
func split(file string, src []byte) (*matter, error) {
	src, warnings, err := cleanText(file, src)
	if err != nil {
		return nil, err
	}
	// Some Windows editors start a UTF-8 file with a byte-order mark.
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	var b block
	formats := []*frontmatter.Format{
		frontmatter.NewFormat("---", "---", capture("yaml", &b)),
		frontmatter.NewFormat("---yaml", "---", capture("yaml", &b)),
		frontmatter.NewFormat("+++", "+++", capture("toml", &b)),
		frontmatter.NewFormat("---toml", "---", capture("toml", &b)),
		frontmatter.NewFormat(";;;", ";;;", capture("json", &b)),
		frontmatter.NewFormat("---json", "---", capture("json", &b)),
	}
	startLine, delim := openingLine(src)
	if delim == "{" {
		return splitJSON(file, src, startLine, warnings)
	}
	body, err := frontmatter.Parse(bytes.NewReader(src), nil, formats...)
	if err != nil {
		return nil, diag.Errorf(file, 0, 0, "%v", err)
	}
	if b.data == nil {
		if delim != "" {
			end := delim
			for _, f := range formats {
				if f.Start == delim {
					end = f.End
				}
			}
			return nil, diag.Errorf(file, startLine, 1, "front matter opened with %q is never closed (want a line %q)", delim, end)
		}
		return nil, diag.Errorf(file, 1, 1, "no front matter (want a --- block with at least title and date)")
	}
	first := startLine + 1 // the line after the delimiter
	m := &matter{body: body, bodyLine: 1 + bytes.Count(src[:len(src)-len(body)], []byte("\n")), warnings: warnings}
	switch b.format {
	case "yaml":
		err = m.decodeYAML(file, b.data, first)
	case "toml":
		err = m.decodeTOML(file, b.data, first)
	default:
		err = m.decodeJSON(file, b.data, first)
	}
	if err != nil {
		return nil, err
	}
	m.cleanFields(file)
	return m, nil
}

// splitJSON separates front matter that is a bare JSON object, opening on
// line startLine, from the body, which starts on the line after the
// object's closing brace (or after the blank line that follows it). The object's end is where the JSON decoder says
// it is, not the first line that reads "}", which may close a nested
// object; no blank line is needed before the body.
func splitJSON(file string, src []byte, startLine int, warnings diag.List) (*matter, error) {
	start := len(src) - len(bytes.TrimLeft(src, " \t\r\n"))
	dec := json.NewDecoder(bytes.NewReader(src[start:]))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, diag.Errorf(file, startLine, 1, `front matter opened with "{" is never closed (want its closing "}")`)
		}
		// Decoded again for the error at its place.
		return nil, (&matter{}).decodeJSON(file, src[start:], startLine)
	}
	end := start + int(dec.InputOffset())
	rest, body, _ := bytes.Cut(src[end:], []byte("\n"))
	if len(bytes.TrimSpace(rest)) > 0 {
		line, col := offsetPosition(src, end+len(rest)-len(bytes.TrimLeft(rest, " \t\r")), 1)
		return nil, diag.Errorf(file, line, col, `front matter: text after the closing "}" (start the body on the next line)`)
	}
	// A blank line after the object belongs to the front matter, as it
	// does for adrg/frontmatter's JSON format.
	if blank, after, ok := bytes.Cut(body, []byte("\n")); ok && len(bytes.TrimSpace(blank)) == 0 {
		body = after
	}
	m := &matter{body: body, bodyLine: 1 + bytes.Count(src[:len(src)-len(body)], []byte("\n")), warnings: warnings}
	if err := m.decodeJSON(file, src[start:end], startLine); err != nil {
		return nil, err
	}
	m.cleanFields(file)
	return m, nil
}

// openingLine finds the first non-blank line, as adrg/frontmatter does, and
// returns its number and text when it is a front-matter delimiter, or "{"
// when it opens a JSON object.
func openingLine(src []byte) (int, string) {
	line := 1
	for len(src) > 0 {
		l, rest, _ := bytes.Cut(src, []byte("\n"))
		t := string(bytes.TrimSpace(l))
		if t != "" {
			switch t {
			case "---", "---yaml", "+++", "---toml", ";;;", "---json":
				return line, t
			}
			if strings.HasPrefix(t, "{") {
				return line, "{"
			}
			return line, ""
		}
		src = rest
		line++
	}
	return line, ""
}

var yamlErrLine = regexp.MustCompile(`line (\d+)`)

func (m *matter) decodeYAML(file string, data []byte, first int) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return yamlSyntaxError(file, data, first)
	}
	if doc.Kind == 0 {
		return nil // an empty block
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return diag.Errorf(file, first+root.Line-1, root.Column, "front matter: want key: value pairs")
	}
	var errs diag.List
	seen := map[string]int{} // key → its line
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		f := field{key: k.Value, line: first + v.Line - 1, col: v.Column,
			keyLine: first + k.Line - 1, keyCol: k.Column}
		if line, ok := seen[f.key]; ok {
			// yaml.v3 checks this only when decoding into a map or struct.
			errs = append(errs, diag.Errorf(file, f.keyLine, f.keyCol, "front matter: key %q given twice (first on line %d)", f.key, line))
			continue
		}
		seen[f.key] = f.keyLine
		if v.Kind == yaml.ScalarNode {
			f.text = v.Value
		}
		if val, ok := yamlText(v); ok {
			f.val = val
		} else if err := v.Decode(&f.val); err != nil {
			errs = append(errs, diag.Errorf(file, f.line, f.col, "%s: %s", k.Value, yamlValueError(err)))
			continue
		}
		m.fields = append(m.fields, f)
	}
	return errs.Err()
}

// yamlText returns what v.Decode gives a value of type any when v is a
// string or a list of strings, the values most keys hold, without the
// reflection Decode goes through. yaml.v3 tags a node with what it
// resolved to as it parses, so a node tagged !!str decodes to its Value
// whether it was quoted, plain or tagged.
func yamlText(v *yaml.Node) (any, bool) {
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!str":
		return v.Value, true
	case v.Kind == yaml.SequenceNode && v.Tag == "!!seq":
		list := make([]any, len(v.Content))
		for i, e := range v.Content {
			if e.Kind != yaml.ScalarNode || e.Tag != "!!str" {
				return nil, false
			}
			list[i] = e.Value
		}
		return list, true
	}
	return nil, false
}

var tomlErrLine = regexp.MustCompile(`\(line (\d+), column (\d+)\)`)

// yamlValueError is the message of an error decoding one value, such as
// "title: !!int abc", without yaml.v3's prefixes and block line numbers.
func yamlValueError(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		m := te.Errors[0]
		if sub := yamlErrLine.FindStringIndex(m); sub != nil && sub[0] == 0 {
			m = strings.TrimPrefix(m[sub[1]:], ": ")
		}
		return m
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// yamlSyntaxError reports a block yaml.v3 cannot parse at its file line;
// the block starts on line first.
func yamlSyntaxError(file string, data []byte, first int) error {
	line, msg := diag.YAMLSyntax(data)
	if line == 0 {
		line = 1
	}
	return diag.Errorf(file, first+line-1, 0, "front matter: %s", msg)
}

func (m *matter) decodeTOML(file string, data []byte, first int) error {
	var v map[string]any
	md, err := toml.Decode(string(data), &v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// Position.Col is one too far when the error starts a line,
			// so the position is counted here from Position.Start.
			line, col := offsetPosition(data, pe.Position.Start, first)
			return diag.Errorf(file, line, col, "front matter: %s", tomlMessage(pe.Message))
		}
		return diag.Errorf(file, first, 0, "front matter: %v", err)
	}
	for _, k := range md.Keys() {
		if len(k) != 1 {
			continue // nested keys belong to their table's value
		}
		f := field{key: k[0], val: fromTOML(v[k[0]])}
		f.keyLine, f.keyCol, f.line, f.col = keyPosition(data, k[0], first, "=")
		m.fields = append(m.fields, f)
	}
	return nil
}

func (m *matter) decodeJSON(file string, data []byte, first int) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v map[string]json.RawMessage
	if err := dec.Decode(&v); err != nil {
		line, col := first, 0
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the bytes read, the bad one included.
			line, col = offsetPosition(data, int(se.Offset)-1, first)
		}
		return diag.Errorf(file, line, col, "front matter: %v", err)
	}
	// Keys in file order: JSON objects are unordered once decoded.
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	pos := func(k string) int { return bytes.Index(data, []byte(strconv.Quote(k))) }
	sortByPos(keys, pos)
	for _, k := range keys {
		var val any
		d := json.NewDecoder(bytes.NewReader(v[k]))
		d.UseNumber()
		if err := d.Decode(&val); err != nil {
			return diag.Errorf(file, first, 0, "front matter: %s: %v", k, err)
		}
		f := field{key: k, val: fromJSON(val)}
		f.keyLine, f.keyCol, f.line, f.col = keyPosition(data, k, first, ":")
		m.fields = append(m.fields, f)
	}
	return nil
}

func sortByPos(keys []string, pos func(string) int) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && pos(keys[j]) < pos(keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

// fromJSON turns json.Number into int or float64 so values look the same
// whatever the front matter's format.
func fromJSON(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return int(i)
		}
		f, _ := v.Float64()
		return f
	case []any:
		for i := range v {
			v[i] = fromJSON(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = fromJSON(v[k])
		}
	}
	return v
}

// tomlMessage makes the TOML decoder's messages read like the others:
// "Key 'a' has already been defined." becomes
// "key 'a' has already been defined".
func tomlMessage(m string) string {
	// Messages quote the input, which may hold a line break.
	m = strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(m)
	m = strings.TrimSuffix(m, ".")
	r, n := utf8.DecodeRuneInString(m)
	if r2, _ := utf8.DecodeRuneInString(m[n:]); unicode.IsUpper(r) && unicode.IsLower(r2) {
		m = string(unicode.ToLower(r)) + m[n:]
	}
	return m
}

// fromTOML turns the TOML decoder's int64 into int, as fromJSON does for
// JSON, so Params hold the same values whatever the front matter's format.
func fromTOML(v any) any {
	switch v := v.(type) {
	case int64:
		return int(v)
	case []any:
		for i := range v {
			v[i] = fromTOML(v[i])
		}
	case []map[string]any:
		for i := range v {
			fromTOML(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = fromTOML(v[k])
		}
	}
	return v
}

// keyPosition finds where key and its value start in a TOML or JSON
// block, for error messages; those decoders do not report positions.
// A JSON key may follow another value on its line; a TOML key may name a
// table ([key] or [[key]]), whose value starts at the name.
func keyPosition(data []byte, key string, first int, sep string) (keyLine, keyCol, line, col int) {
	k := regexp.QuoteMeta(key)
	patterns := []string{`(?m)^[ \t{,]*("?` + k + `"?)[ \t]*` + regexp.QuoteMeta(sep) + `[ \t]*`}
	if sep == ":" {
		patterns = append(patterns, `[{,][ \t\r\n]*("`+k+`")[ \t\r\n]*:[ \t\r\n]*`)
	} else {
		patterns = append(patterns, `(?m)^[ \t]*\[\[?[ \t]*()("?`+k+`"?)[ \t]*\]`)
	}
	var loc []int
	for _, p := range patterns {
		if loc = regexp.MustCompile(p).FindSubmatchIndex(data); loc != nil {
			break
		}
	}
	if loc == nil {
		return first, 0, first, 0
	}
	if len(loc) > 4 {
		// A table: its value starts where its name does.
		loc = []int{loc[0], loc[4], loc[4], loc[5]}
	}
	keyLine, keyCol = offsetPosition(data, loc[2], first)
	line, col = offsetPosition(data, loc[1], first)
	return keyLine, keyCol, line, col
}

func offsetPosition(data []byte, off, first int) (int, int) {
	off = max(0, min(off, len(data)))
	before := data[:off]
	line := first + bytes.Count(before, []byte("\n"))
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}
