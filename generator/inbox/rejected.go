package inbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/urlnorm"
)

// rejectedHeader starts a new RejectedFile.
const rejectedHeader = "# Stories rejected with \"digest reject\": digest fetch does not bring them back.\n" +
	"# One address a line, optionally followed by a tab and the headline.\n"

// Rejection is one line of RejectedFile.
type Rejection struct {
	URL      string // normalised
	Headline string // "" when not given
	Line     int
}

// Rejected is the stories the curator rejected.
type Rejected struct {
	List []Rejection // in file order
	keys map[string]bool
}

// Has reports whether raw, compared by urlnorm.Key, was rejected.
func (r *Rejected) Has(raw string) bool {
	k, err := urlnorm.Key(raw)
	return err == nil && r.keys[k]
}

func (r *Rejected) add(x Rejection) {
	k, _ := urlnorm.Key(x.URL)
	if r.keys == nil {
		r.keys = map[string]bool{}
	}
	r.keys[k] = true
	r.List = append(r.List, x)
}

// ReadRejected reads a RejectedFile from r; name is the file's name for
// problems. The address ends at the first space or tab, so a headline
// after spaces, typed by hand, is one too. A line whose address is not a
// web address is left out and reported in problems; the error is for
// reading only.
func ReadRejected(name string, r io.Reader) (rej *Rejected, problems diag.List, err error) {
	rej = &Rejected{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		raw, headline := line, ""
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			raw, headline = line[:i], line[i+1:]
		}
		u, err := urlnorm.Normalize(raw)
		if err != nil {
			problems = append(problems, diag.Errorf(name, n, 1, "%v", err))
			continue
		}
		rej.add(Rejection{URL: u, Headline: strings.TrimSpace(headline), Line: n})
	}
	return rej, problems, sc.Err()
}

// LoadRejected reads RejectedFile from fsys, a site folder. A site
// without one has rejected nothing.
func LoadRejected(fsys fs.FS) (*Rejected, diag.List, error) {
	f, err := fsys.Open(RejectedFile)
	if errors.Is(err, fs.ErrNotExist) {
		return &Rejected{}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ReadRejected(RejectedFile, f)
}

// AppendRejected adds the stories of add to the file named file (the
// site's RejectedFile), creating it when missing. Stories already listed
// are not added again; addresses are normalised. It returns the stories it added.
func AppendRejected(file string, add []Rejection) ([]Rejection, error) {
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	rej, _, err := ReadRejected(file, bytes.NewReader(old))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if len(old) == 0 {
		b.WriteString(rejectedHeader)
	} else if !bytes.HasSuffix(old, []byte("\n")) {
		b.WriteByte('\n')
	}
	var added []Rejection
	for _, x := range add {
		if x.URL, err = urlnorm.Normalize(x.URL); err != nil {
			return nil, err
		}
		if rej.Has(x.URL) {
			continue
		}
		rej.add(x)
		added = append(added, x)
		b.WriteString(x.URL)
		if h := strings.Join(strings.Fields(x.Headline), " "); h != "" {
			b.WriteString("\t" + h)
		}
		b.WriteByte('\n')
	}
	if len(added) == 0 {
		return nil, nil
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return added, f.Close()
}
