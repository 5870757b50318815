package config

import "github.com/digest/digest/generator/chars"

// cleanText replaces, in every setting that is text, the characters no
// page or feed may hold (see package chars). yaml.v3 refuses them written
// raw, so they can only come from escapes such as "\e" in a quoted string.
func (c *Config) cleanText() {
	for _, s := range []*string{&c.Title, &c.Description, &c.BaseURL, &c.Language, &c.Author, &c.Timezone, &c.Permalink} {
		*s = chars.Clean(*s)
	}
	if c.TagAliases != nil {
		aliases := make(map[string]string, len(c.TagAliases))
		for from, to := range c.TagAliases {
			aliases[chars.Clean(from)] = chars.Clean(to)
		}
		c.TagAliases = aliases
	}
	cleanMap(c.Params)
}

// cleanMap cleans the keys and values of m in place.
func cleanMap(m map[string]any) {
	for k, v := range m {
		if clean := chars.Clean(k); clean != k {
			delete(m, k)
			k = clean
		}
		m[k] = cleanValue(v)
	}
}

// cleanValue cleans every string in a value decoded from YAML.
func cleanValue(v any) any {
	switch v := v.(type) {
	case string:
		return chars.Clean(v)
	case []any:
		for i := range v {
			v[i] = cleanValue(v[i])
		}
	case map[string]any:
		cleanMap(v)
	}
	return v
}
