package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/digest/digest/generator/diag"
)

// A command is one of digest's commands as the user sees it: how it is
// written, its --help, and what it does. Adding a command is writing its
// flags function and adding it to commands.
type command struct {
	name    string
	usage   string // what follows "digest name" on its usage line
	summary string // one line, the start of its --help
	notes   string // more for its --help, or ""
	example string
	// args names the arguments the command requires, in order, for
	// "missing headline"; it takes no more unless repeat is set, when
	// the last may be given again and again. Flags may come before,
	// between and after them.
	args   []string
	repeat bool
	// optional lets the arguments be left out, for a command whose flags
	// may stand in for them: its run then says what is missing.
	optional bool
	// tooMany is added to the error for an argument too many, to say
	// what the user likely meant.
	tooMany string
	// flags declares the command's flags on fset and returns what runs
	// once they are parsed, given the arguments.
	flags func(fset *flag.FlagSet) (run func(e *env, args []string) int)
}

// commands are digest's commands, in the order its usage lists them.
var commands = []*command{
	{
		name:    "build",
		usage:   "[-s DIR] [-o DIR] [--drafts] [--future] [--base-url URL] [--quiet] [--verbose]",
		summary: "build the site into the output folder",
		example: "digest build -s ~/my-digest --base-url https://news.example.org/",
		flags:   buildFlags,
	},
	{
		name:    "serve",
		usage:   "[-s DIR] [--bind 127.0.0.1] [--port 1313] [--drafts] [--future] [--open]",
		summary: "build the site in memory, serve it, and rebuild and reload on every change",
		example: "digest serve -s ~/my-digest --open",
		flags:   serveFlags,
	},
	{
		name:    "new",
		usage:   `[-s DIR] "Headline" [--tags a,b] [--source NAME] [--url URL] [--date DATE] | --issue`,
		summary: "write a new article, or the next issue, ready to edit",
		notes: "The article is written to content/YYYY/MM/<slug>.md, its headline made\n" +
			"into the file name, and its path is printed. When standard input is not\n" +
			"a terminal, it is the article's body:\n" +
			"  pbpaste | digest new \"Headline\"\n" +
			"With --issue, and no headline, it writes the next issue instead,\n" +
			"content/issues/<number>.md, dated today, with the articles it would\n" +
			"collect listed in a comment: a checklist to choose the lead and sections from.",
		example:  `digest new "China presses North Korea to halt its tests" --tags "China,North Korea" --source INQUIRER.net --url https://globalnation.inquirer.net/`,
		args:     []string{"headline"},
		optional: true,
		tooMany:  "put quotes around a headline of several words",
		flags:    newFlags,
	},
	{
		name:    "init",
		usage:   "[--github-pages] DIR",
		summary: "create a new digest site, ready to build",
		notes: "DIR is created if missing; a folder that holds anything is refused.\n" +
			"The new site has site.yaml with every setting explained, the default\n" +
			"theme in layouts/ to change as you like, two example articles, an about\n" +
			"page and a .gitignore for public/. It builds at once.",
		example: "digest init ~/my-digest",
		args:    []string{"folder"},
		flags:   initFlags,
	},
	{
		name:    "check",
		usage:   "[-s DIR] [--drafts] [--future] [--verbose] [--links [--strict]]",
		summary: "check content and templates, writing nothing",
		notes: "With --links, every source_url and every link in a body is asked for\n" +
			"too (HEAD, then GET where HEAD is refused), at most two at a time per\n" +
			"host; dead ones are reported at their lines, as warnings unless\n" +
			"--strict. Results are kept for a day in .digest/links/.",
		example: "digest check -s ~/my-digest",
		flags:   checkFlags,
	},
	{
		name:    "subscribe",
		usage:   "[-s DIR] [--title NAME] [--category FOLDER] URL|FILE.opml",
		summary: "follow a feed, or every feed of a feed reader's OPML export",
		notes: "The feeds the site follows are listed in subscriptions.opml, in the site\n" +
			"folder, which any feed reader opens. A feed already listed, compared by\n" +
			"its normalised address (http and https, www. and tracking parameters\n" +
			"folded), is refused; from an OPML file it is left out.",
		example: "digest subscribe https://feeds.bbci.co.uk/news/world/rss.xml --title \"BBC World\" --category News",
		args:    []string{"feed URL or OPML file"},
		flags:   subscribeFlags,
	},
	{
		name:    "subscriptions",
		usage:   "[-s DIR]",
		summary: "list the feeds the site follows",
		example: "digest subscriptions -s ~/my-digest",
		flags:   subscriptionsFlags,
	},
	{
		name:    "fetch",
		usage:   "[-s DIR]",
		summary: "fetch every feed followed and write a draft of each new story",
		notes: "Each story not seen before becomes a draft in content/inbox/, marked\n" +
			"draft: true, its text under a comment saying it is the source's to\n" +
			"rewrite. A story is seen when its normalised address is an article's,\n" +
			"a draft's or in rejected.txt, or its feed listed it before. What digest\n" +
			"remembers of each feed (its validators, the stories it listed, the last\n" +
			"fetch) is in .digest/fetch/; deleting it is safe. Fetching again adds\n" +
			"nothing new. A feed that fails does not stop the others; the exit\n" +
			"status is 1 only when every feed failed.",
		example: "digest fetch -s ~/my-digest",
		flags:   fetchFlags,
	},
	{
		name:    "add",
		usage:   "[-s DIR] URL",
		summary: "fetch a web page and write a draft of its story in content/inbox/",
		notes: "The draft's headline, summary, date, author, publisher, image and tags\n" +
			"come from what the page says of itself: OpenGraph, Twitter cards,\n" +
			"JSON-LD, then its <title> and description. A story already in the\n" +
			"digest (an article's or a draft's source_url, compared normalised) is\n" +
			"refused, naming its file.",
		example: "digest add https://globalnation.inquirer.net/envoy-says-china-presses-north-korea",
		args:    []string{"page URL"},
		flags:   addFlags,
	},
	{
		name:    "inbox",
		usage:   "[-s DIR]",
		summary: "list the drafts waiting in content/inbox/, newest first",
		notes: "Each draft is listed with its date, headline and source, and the path\n" +
			"to give digest publish or digest reject.",
		example: "digest inbox -s ~/my-digest",
		flags:   inboxFlags,
	},
	{
		name:    "publish",
		usage:   "[-s DIR] FILE…",
		summary: "publish drafts: draft: false, moved to content/YYYY/MM/<slug>.md",
		notes: "A draft without a date is dated now, in the site's timezone. Its front\n" +
			"matter is edited in place, every other line kept, and the file moved to\n" +
			"where digest new would write it. Every file is checked first: one that\n" +
			"does not parse, is not a draft or whose new place is taken stops them all.",
		example: "digest publish content/inbox/envoy-says-china-presses-north-korea.md",
		args:    []string{"draft file"},
		repeat:  true,
		flags:   publishFlags,
	},
	{
		name:    "reject",
		usage:   "[-s DIR] FILE…",
		summary: "delete drafts, remembering their stories so that fetch does not bring them back",
		notes: "Each draft's source_url is added to rejected.txt in the site folder, one\n" +
			"address a line with its headline after a tab; edit it as you like.",
		example: "digest reject content/inbox/celebrity-gossip.md",
		args:    []string{"draft file"},
		repeat:  true,
		flags:   rejectFlags,
	},
	{
		name:    "email",
		usage:   "[-s DIR] [-o DIR] [--drafts] [--future] [--base-url URL] N",
		summary: "build the site and print the paths of issue N's email edition",
		notes: "The email edition is two files: email.html, for mail clients (styles\n" +
			"inlined, every link absolute, dark mode kept), and email.txt, its plain-text\n" +
			"part. Without -o they are the site's own, in public/issues/N/, and the site\n" +
			"is built as digest build builds it; with -o only they are written, into\n" +
			"that folder, and public/ is left alone. Paste or upload them to your\n" +
			"mailing service; site.yaml's email_unsubscribe is its unsubscribe\n" +
			"placeholder.",
		example: "digest email 12 -o ~/Desktop/issue-12",
		args:    []string{"issue number"},
		flags:   emailFlags,
	},
	{
		name:    "version",
		summary: "print digest's version",
		example: "digest version",
		flags:   versionFlags,
	},
}

// line is the command's usage line.
func (c *command) line() string {
	return strings.TrimSpace("digest " + c.name + " " + c.usage)
}

// printHelp writes the command's --help: the summary, the usage line, the
// notes, the flags and the example.
func (c *command) printHelp(w io.Writer, fset *flag.FlagSet) {
	fmt.Fprintf(w, "digest %s: %s\n\nUsage:\n  %s\n", c.name, c.summary, c.line())
	if c.notes != "" {
		fmt.Fprintf(w, "\n%s\n", c.notes)
	}
	hasFlags := false
	fset.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintf(w, "\nFlags:\n")
		fset.SetOutput(w)
		fset.PrintDefaults()
		fset.SetOutput(io.Discard)
	}
	fmt.Fprintf(w, "\nExample:\n  %s\n", c.example)
}

// run parses args and runs the command with them.
func (c *command) run(e *env, args []string) int {
	run, pos, code := c.parse(e, args)
	if run == nil {
		return code
	}
	return run(e, pos)
}

// parse parses args, flags before, between and after the arguments (Go's
// flag package stops at the first argument), and returns what to run with
// the arguments; or nil and the exit status when the command is not to
// run. --help goes to standard output; a mistake, with the usage line, to
// standard error.
func (c *command) parse(e *env, args []string) (run func(*env, []string) int, pos []string, code int) {
	fset := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fset.SetOutput(io.Discard) // its messages are reworded below
	fset.Usage = func() {}     // and the help printed below, to the right place
	run = c.flags(fset)
	for {
		err := fset.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			c.printHelp(e.stdout, fset)
			return nil, nil, exitOK
		}
		if err != nil {
			return nil, nil, e.usageError(flagError(fset, err))
		}
		args = fset.Args()
		if len(args) == 0 {
			break
		}
		if len(pos) >= len(c.args) && !c.repeat {
			msg := fmt.Sprintf("unexpected argument %q", args[0])
			if c.tooMany != "" {
				msg += " (" + c.tooMany + ")"
			}
			return nil, nil, e.usageError(msg)
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < len(c.args) && !c.optional {
		return nil, nil, e.usageError("missing " + c.args[len(pos)])
	}
	return run, pos, exitOK
}

// usageError reports a bad command line and how to write it, as the go
// command does.
func (e *env) usageError(msg string) int {
	fmt.Fprintf(e.stderr, "digest %s: %s\nusage: %s\nRun \"digest %s --help\" for more.\n", e.cmd.name, msg, e.cmd.line(), e.cmd.name)
	return exitUsage
}

// flagError rewords the flag package's message about a bad flag in the
// way the flags are written in the help, with a guess at a mistyped name.
func flagError(fset *flag.FlagSet, err error) string {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: -")
	if !ok {
		return flagName.ReplaceAllStringFunc(msg, func(f string) string { return " " + dashes(f[2:]) })
	}
	var names []string
	fset.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	msg = "unknown flag " + dashes(name)
	if guess := diag.Suggest(name, names); guess != "" {
		msg += " (did you mean " + dashes(guess) + "?)"
	}
	return msg
}

// flagName is a flag named in the flag package's messages.
var flagName = regexp.MustCompile(` -[A-Za-z][\w-]*`)

// dashes writes a flag as the help does: -s, --quiet.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// siteFlags are the flags of the commands that build the site.
type siteFlags struct {
	site           string
	drafts, future bool
}

func (sf *siteFlags) declare(fset *flag.FlagSet) {
	fset.StringVar(&sf.site, "s", ".", "the site `folder`, holding site.yaml, content/ and layouts/")
	fset.BoolVar(&sf.drafts, "drafts", false, "include articles marked draft: true")
	fset.BoolVar(&sf.future, "future", false, "include articles dated in the future")
}

// runFlags are the flags of the commands that build the site once and
// stop, and so can say how the build went.
type runFlags struct {
	siteFlags
	verbose                bool
	cpuProfile, memProfile string
}

func (rf *runFlags) declare(fset *flag.FlagSet) {
	rf.siteFlags.declare(fset)
	fset.BoolVar(&rf.verbose, "verbose", false, "print how long each step of the build took")
	fset.StringVar(&rf.cpuProfile, "cpuprofile", "", "write a CPU profile to `file`, for go tool pprof")
	fset.StringVar(&rf.memProfile, "memprofile", "", "write a heap profile to `file` at the end")
}
