package i18n

import (
	"slices"
	"strings"

	"github.com/digest/digest/generator/diag"
	"gopkg.in/yaml.v3"
)

// Forms are CLDR's plural forms, the keys of a message that holds a count.
var Forms = []string{"zero", "one", "two", "few", "many", "other"}

// Table maps a key to its message in each plural form; a message without
// forms is its "other".
type Table map[string]map[string]string

// Parse reads a translation table, a YAML map from key to a string or to
// a map of plural forms. file names it in errors, which give the line and
// column.
func Parse(file string, src []byte) (Table, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line, msg := diag.YAMLSyntax(src)
		return nil, diag.Errorf(file, line, 0, "%s", msg)
	}
	t := Table{}
	if len(doc.Content) == 0 {
		return t, nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, diag.Errorf(file, root.Line, root.Column, "want a map from key to translation")
	}
	var errs diag.List
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || !validKey(k.Value) {
			errs = append(errs, diag.Errorf(file, k.Line, k.Column, "key %q: want letters, digits, _ and .", k.Value))
			continue
		}
		if _, dup := t[k.Value]; dup {
			errs = append(errs, diag.Errorf(file, k.Line, k.Column, "key %q is given twice", k.Value))
			continue
		}
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag == "!!null" {
				errs = append(errs, diag.Errorf(file, v.Line, v.Column, "%s: want a translation", k.Value))
				continue
			}
			t[k.Value] = map[string]string{"other": v.Value}
		case yaml.MappingNode:
			forms := map[string]string{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				f, m := v.Content[j], v.Content[j+1]
				switch {
				case !slices.Contains(Forms, f.Value):
					errs = append(errs, diag.Errorf(file, f.Line, f.Column, "%s: %q is no plural form (want %s)", k.Value, f.Value, strings.Join(Forms, ", ")))
				case m.Kind != yaml.ScalarNode || m.Tag == "!!null":
					errs = append(errs, diag.Errorf(file, m.Line, m.Column, "%s.%s: want a translation", k.Value, f.Value))
				default:
					forms[f.Value] = m.Value
				}
			}
			if _, ok := forms["other"]; !ok {
				errs = append(errs, diag.Errorf(file, v.Line, v.Column, "%s: want an \"other\" form", k.Value))
				continue
			}
			t[k.Value] = forms
		default:
			errs = append(errs, diag.Errorf(file, v.Line, v.Column, "%s: want a translation, or a map of plural forms", k.Value))
		}
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	return t, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
