package diag

import (
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// YAMLSyntax finds where yaml.v3 cannot parse a document: the 1-based line
// within it (0 when unknown) and the message, without yaml.v3's prefix.
//
// yaml.v3 puts a line in its message irregularly: it names the line where
// the broken construct starts (an unterminated quote's opening line), but
// it leaves the line out when that is the document's first, falling back
// to a later one, and its parser (not its scanner) counts from 0. So the
// document is parsed again below an empty line, which keeps every mark off
// line 0, and the count is corrected by the kind of error.
func YAMLSyntax(data []byte) (line int, msg string) {
	var doc yaml.Node
	err := yaml.Unmarshal(append([]byte("\n"), data...), &doc)
	if err == nil {
		return 0, "cannot read YAML" // an empty line changes no YAML's meaning
	}
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	sub := yamlLine.FindStringSubmatch(msg)
	if sub == nil {
		return 0, msg
	}
	n, _ := strconv.Atoi(sub[1])
	msg = sub[2]
	// n is the mark's 0-based line in the shifted document, plus one for
	// scanner errors: either way, the 1-based line in the document plus
	// one for scanner errors.
	if !yamlParserErrors[msg] {
		n--
	}
	return max(n, 1), msg
}

var yamlLine = regexp.MustCompile(`^line (\d+): ?(.*)$`)

// yamlParserErrors are the messages of yaml.v3's parser, as opposed to its
// scanner; the two count lines differently.
var yamlParserErrors = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}
