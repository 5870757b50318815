package cli

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// helpFlag is a flag's line in --help: two spaces, a dash, its name.
var helpFlag = regexp.MustCompile(`(?m)^  -([\w-]+)`)

// TestHelp checks that every command's --help gives its usage line and
// exactly its flags, written the same way for every command.
func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		usage string
		flags []string
	}{
		{"digest build [-s DIR] [-o DIR] [--drafts] [--future] [--base-url URL] [--quiet] [--verbose]",
			[]string{"base-url", "cpuprofile", "drafts", "future", "memprofile", "o", "quiet", "s", "verbose"}},
		{"digest serve [-s DIR] [--bind 127.0.0.1] [--port 1313] [--drafts] [--future] [--open]",
			[]string{"bind", "drafts", "future", "open", "port", "s"}},
		{`digest new [-s DIR] "Headline" [--tags a,b] [--source NAME] [--url URL] [--date DATE] | --issue`,
			[]string{"date", "issue", "s", "source", "tags", "url"}},
		{"digest init [--github-pages] DIR", []string{"github-pages"}},
		{"digest check [-s DIR] [--drafts] [--future] [--verbose] [--links [--strict]]",
			[]string{"cpuprofile", "drafts", "future", "links", "memprofile", "s", "strict", "verbose"}},
		{"digest subscribe [-s DIR] [--title NAME] [--category FOLDER] URL|FILE.opml", []string{"category", "s", "title"}},
		{"digest subscriptions [-s DIR]", []string{"s"}},
		{"digest fetch [-s DIR]", []string{"s"}},
		{"digest add [-s DIR] URL", []string{"s"}},
		{"digest inbox [-s DIR]", []string{"s"}},
		{"digest publish [-s DIR] FILE…", []string{"s"}},
		{"digest reject [-s DIR] FILE…", []string{"s"}},
		{"digest email [-s DIR] [-o DIR] [--drafts] [--future] [--base-url URL] N",
			[]string{"base-url", "drafts", "future", "o", "s"}},
		{"digest version", nil},
	}
	_, usage, _ := run(t, "--help")
	var listed []string
	for _, tt := range tests {
		name := strings.Fields(tt.usage)[1]
		listed = append(listed, name)
		if !strings.Contains(usage, "\n  "+tt.usage+"\n") {
			t.Errorf("digest --help lacks %q:\n%s", tt.usage, usage)
		}
		code, stdout, stderr := run(t, name, "--help")
		if code != 0 || stderr != "" {
			t.Errorf("digest %s --help = %d, stderr %q; want 0 and nothing", name, code, stderr)
		}
		if !strings.HasPrefix(stdout, "digest "+name+": ") || !strings.Contains(stdout, "\n\nUsage:\n  "+tt.usage+"\n") ||
			!strings.Contains(stdout, "\nExample:\n  digest "+name) {
			t.Errorf("digest %s --help lacks the summary, the usage line %q or the example:\n%s", name, tt.usage, stdout)
		}
		var flags []string
		for _, m := range helpFlag.FindAllStringSubmatch(stdout, -1) {
			flags = append(flags, m[1])
		}
		if !slices.Equal(flags, tt.flags) {
			t.Errorf("digest %s --help lists flags %q; want %q", name, flags, tt.flags)
		}
		if (len(flags) > 0) != strings.Contains(stdout, "\nFlags:\n") {
			t.Errorf("digest %s --help has flags %q but its Flags heading is wrong:\n%s", name, flags, stdout)
		}
		// A flag the usage line shows must be one the command has.
		for _, m := range regexp.MustCompile(`\[--?([\w-]+)`).FindAllStringSubmatch(tt.usage, -1) {
			if !slices.Contains(flags, m[1]) {
				t.Errorf("digest %s: the usage line shows -%s, which is not a flag of it", name, m[1])
			}
		}
	}
	// Every command digest lists is in the table above.
	for _, line := range strings.Split(usage, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "digest" && strings.HasPrefix(line, "  ") && !slices.Contains(listed, f[1]) {
			t.Errorf("digest %s is not tested here", f[1])
		}
	}
}

// TestServeRejectsBuildOnlyFlags checks that serve refuses the flags of
// build and check it would have nothing to do with.
func TestServeRejectsBuildOnlyFlags(t *testing.T) {
	t.Parallel()
	site := t.TempDir() + "/missing" // so that a serve that starts stops at once
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--cpuprofile", "cpu.out"}, "digest serve: unknown flag --cpuprofile\n"},
		{[]string{"--memprofile=mem.out"}, "digest serve: unknown flag --memprofile\n"},
		{[]string{"--verbose"}, "digest serve: unknown flag --verbose\n"},
		{[]string{"-verbose"}, "digest serve: unknown flag --verbose\n"},
	}
	for _, tt := range tests {
		args := append([]string{"serve", "-s", site}, tt.args...)
		code, stdout, stderr := run(t, args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, tt.want) ||
			!strings.Contains(stderr, "\nusage: digest serve [-s DIR]") {
			t.Errorf("digest %q = %d, stdout %q, stderr %q; want 2 and stderr starting %q, then the usage line",
				args, code, stdout, stderr, tt.want)
		}
	}
}

// FuzzParse parses made-up command lines, the arguments separated by NUL
// (which no argument can hold), for every command, and checks that each
// either runs with the arguments it takes, prints its help, or is a usage
// error that ends with how to write the command.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "--help", "-h", "extra", "--nope", "--quite", "-o", "-s\x00site\x00--drafts",
		"--drafts=maybe", "--port\x00x", "Envoy named\x00--tags\x00China", "Envoy\x00named",
		"--\x00- [null]: {yes}", "--tags\x00a\x00Headline\x00--help", "dir\x00--github-pages",
		"--date=2017-05-31 23:45:10\x00Envoy named", "-verbose\x00--cpuprofile\x00cpu.out", "--issue", "12\x00-o\x00out",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		if line == "" {
			args = nil
		}
		for _, c := range commands {
			var stdout, stderr strings.Builder
			e := &env{stdout: &stdout, stderr: &stderr, cmd: c}
			run, pos, code := c.parse(e, args)
			switch {
			case run != nil:
				if code != exitOK || len(pos) < len(c.args) && !c.optional || len(pos) > len(c.args) && !c.repeat || stdout.Len() > 0 || stderr.Len() > 0 {
					t.Errorf("digest %s %q runs with %q, status %d, stdout %q, stderr %q; want %d arguments (more if repeated, fewer if optional) and nothing printed",
						c.name, args, pos, code, stdout.String(), stderr.String(), len(c.args))
				}
			case code == exitOK:
				if !strings.HasPrefix(stdout.String(), "digest "+c.name+": "+c.summary+"\n") || stderr.Len() > 0 {
					t.Errorf("digest %s %q printed stdout %q, stderr %q; want its help", c.name, args, stdout.String(), stderr.String())
				}
			case code == exitUsage:
				tail := "\nusage: " + c.line() + "\nRun \"digest " + c.name + " --help\" for more.\n"
				if !strings.HasPrefix(stderr.String(), "digest "+c.name+": ") || !strings.HasSuffix(stderr.String(), tail) ||
					stdout.Len() > 0 {
					t.Errorf("digest %s %q printed stdout %q, stderr %q; want a usage error", c.name, args, stdout.String(), stderr.String())
				}
			default:
				t.Errorf("digest %s %q stopped with status %d", c.name, args, code)
			}
		}
	})
}
