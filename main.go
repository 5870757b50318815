// Command digest builds a static site from a folder of curated news items.
// See README.md, and generator/ for how it works.
package main

import (
	"embed"
	"io/fs"
	"os"
	_ "time/tzdata" // site timezones work on machines without a zone database

	"github.com/digest/digest/generator/cli"
)

// layouts is the built-in theme, and the fallback for any template a site
// lacks.
//
//go:embed layouts
var layouts embed.FS

func main() {
	theme, err := fs.Sub(layouts, "layouts")
	if err != nil {
		panic(err) // the embedded folder is always there
	}
	os.Exit(cli.Main(os.Args[1:], theme, os.Stdout, os.Stderr))
}
