package cli

import (
	"bytes"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/internal/newfile"
	"github.com/digest/digest/generator/render"
)

// skeleton is the new site digest init writes, but for layouts/, which is
// copied from the built-in theme.
//
//go:embed all:skeleton
var skeleton embed.FS

// pagesWorkflow is the GitHub Actions workflow digest init --github-pages
// writes: it installs digest, builds the site and deploys it to GitHub
// Pages.
//
//go:embed pages.yml
var pagesWorkflow []byte

// workflowPath is where GitHub looks for the workflow in a repository.
const workflowPath = ".github/workflows/pages.yml"

// initCmd is digest init, holding its flags' values.
type initCmd struct {
	githubPages bool
}

func initFlags(fset *flag.FlagSet) func(*env, []string) int {
	var c initCmd
	fset.BoolVar(&c.githubPages, "github-pages", false, "also write "+workflowPath+", a GitHub Actions workflow\n"+
		"that builds the site and publishes it on GitHub Pages at every push to main")
	return c.run
}

// run writes a new site into the folder args[0].
func (c *initCmd) run(e *env, args []string) int {
	dir := args[0]
	if err := checkEmpty(dir); err != nil {
		fmt.Fprintf(e.stderr, "digest init: %v\n", err)
		return exitContent
	}
	files, err := siteFiles(e.theme)
	if err == nil && c.githubPages {
		files = append(files, siteFile{name: workflowPath, data: workflow(buildVersion())})
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "digest init: %v\n", err)
		return exitContent
	}
	if err := writeSite(dir, files); err != nil {
		fmt.Fprintf(e.stderr, "digest init: %v\n", err)
		return exitContent
	}

	layouts := 0
	for _, f := range files {
		if f.theme {
			layouts++
		}
	}
	w := e.stdout
	fmt.Fprintf(w, "Created a new digest site in %s:\n", dir)
	fmt.Fprintf(w, "  %-12s the settings, each explained, all commented out\n", "site.yaml")
	fmt.Fprintf(w, "  %-12s the default theme (%s), yours to change\n", "layouts/", plural(layouts, "file", "files"))
	fmt.Fprintf(w, "  %-12s two example articles and an about page, to replace with your own:\n", "content/")
	for _, f := range files {
		if rest, ok := strings.CutPrefix(f.name, content.Dir+"/"); ok {
			fmt.Fprintf(w, "    %s\n", rest)
		}
	}
	fmt.Fprintf(w, "  %-12s keeps the built site, public/ (and the last one beside it), and the build state, .digest/, out of git\n", ".gitignore")
	fmt.Fprintf(w, "  %s  the feeds you follow, none yet: \"digest subscribe URL\" adds one\n", subscriptionsFile)
	if c.githubPages {
		fmt.Fprintf(w, "  %s  builds the site and publishes it on GitHub Pages at every push to main\n", workflowPath)
	}
	fmt.Fprintf(w, "\nNext:\n")
	fmt.Fprintf(w, "  cd %s && digest serve --open   # write, and watch the site change as you save\n", shellQuote(dir))
	fmt.Fprintf(w, "  digest new \"Your first headline\" --tags News --source \"The Publisher\" --url https://example.com/story\n")
	if c.githubPages {
		fmt.Fprintf(w, "  git init -b main && git add . && git commit -m \"A new digest\"\n")
		fmt.Fprintf(w, "  # push it to GitHub, then set Settings > Pages > Source to \"GitHub Actions\"\n")
	} else {
		fmt.Fprintf(w, "  digest build                  # the site for your host, in public/\n")
	}
	return exitOK
}

// releaseVersion matches a release's module version, which go install can
// fetch again; a local build's pseudo-version (v0.0.0-2026…-abcdef, maybe
// +dirty) or "(devel)" names a commit that may exist nowhere else.
var releaseVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`)

// buildVersion is the release of digest this binary was installed as.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return pinnable("")
	}
	return pinnable(info.Main.Version)
}

// pinnable is version if go install can fetch it again, and otherwise
// "latest".
func pinnable(version string) string {
	if releaseVersion.MatchString(version) {
		return version
	}
	return "latest"
}

// workflow is the GitHub Pages workflow, installing digest at version:
// the release that wrote it, so that the site is built in CI as it was
// locally.
func workflow(version string) []byte {
	return bytes.Replace(pagesWorkflow, []byte("DIGEST_VERSION: latest\n"), []byte("DIGEST_VERSION: "+version+"\n"), 1)
}

// checkEmpty makes sure dir is missing or an empty folder.
func checkEmpty(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is a file, not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty (it holds %s); give a new or empty folder", dir, entries[0].Name())
	}
	return nil
}

// siteFile is one file of a new site: name, a slash path in the site, read
// from name src in the FS from, or made by init and held in data.
type siteFile struct {
	name, src string
	from      fs.FS
	data      []byte
	theme     bool // from the built-in theme
}

// siteFiles lists the new site's files: the skeleton, then the theme under
// layouts/.
func siteFiles(theme fs.FS) ([]siteFile, error) {
	var files []siteFile
	sk, err := fs.Sub(skeleton, "skeleton")
	if err != nil {
		return nil, err
	}
	add := func(fsys fs.FS, prefix string, theme bool) error {
		return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			files = append(files, siteFile{name: path.Join(prefix, p), src: p, from: fsys, theme: theme})
			return nil
		})
	}
	if err := add(sk, "", false); err != nil {
		return nil, err
	}
	if err := add(theme, render.Dir, true); err != nil {
		return nil, fmt.Errorf("copying the built-in theme: %w", err)
	}
	return files, nil
}

// writeSite writes files into dir, creating it. It never replaces a file;
// when something fails, it removes what it wrote.
func writeSite(dir string, files []siteFile) (err error) {
	var made []string // files and folders created, in order
	defer func() {
		if err != nil {
			for _, p := range slices.Backward(made) {
				os.Remove(p)
			}
		}
	}()
	if err := mkdirs(dir, &made); err != nil {
		return err
	}
	for _, f := range files {
		data := f.data
		if f.from != nil {
			if data, err = fs.ReadFile(f.from, f.src); err != nil {
				return err
			}
		}
		target := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := mkdirs(filepath.Dir(target), &made); err != nil {
			return err
		}
		if err := newfile.Write(target, data); err != nil {
			return err
		}
		made = append(made, target)
	}
	return nil
}

// mkdirs creates folder d and its missing parents, adding those it made to
// made.
func mkdirs(d string, made *[]string) error {
	if info, err := os.Stat(d); err == nil && info.IsDir() {
		return nil
	}
	if parent := filepath.Dir(d); parent != d {
		if err := mkdirs(parent, made); err != nil {
			return err
		}
	}
	if err := os.Mkdir(d, 0o755); err != nil {
		return err
	}
	*made = append(*made, d)
	return nil
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./+-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
