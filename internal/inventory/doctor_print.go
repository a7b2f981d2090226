package inventory

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// doctor's printed forms. Off a terminal each finding is two lines, "check: message" and
// "    fix: ...", whole and with absolute paths, for grep and scripts. On a terminal
// (Report) the findings are grouped under the worktree they concern, its paths are
// relative to the worktree doctor runs in, as list shows them, the check's name is
// coloured, and each line is wrapped at the terminal's width instead of by it.

// PrintPlain prints the findings in the two-line form, every text escaped (untrusted).
func PrintPlain(w io.Writer, fs []Finding) error {
	for _, fd := range fs {
		check := fd.Check
		if fd.Severity != Problem {
			check += " (" + string(fd.Severity) + ")"
		}
		if _, err := fmt.Fprintf(w, "%s: %s\n    fix: %s\n", check, untrusted.New(fd.Message), untrusted.New(fd.Fix)); err != nil {
			return err
		}
	}
	return nil
}

// group is the findings about one worktree, or about the repository as a whole (path "").
type group struct {
	path     string
	findings []Finding
}

// groupFindings puts each finding under the worktree whose directory holds its path (the
// deepest, for a worktree nested in another), keeping their order; the groups come in
// the order of their first finding, and the repository's own findings last.
func groupFindings(fs []Finding, f Facts) []group {
	var groups []group
	var rest []Finding
	for _, fd := range fs {
		at := ""
		for _, w := range f.Worktrees {
			p := w.Row.Path
			// The hook and git's records live in .git: the repository's, not a worktree's.
			if fd.Path != "" && within(p, fd.Path) && !within(filepath.Join(p, ".git"), fd.Path) && len(p) > len(at) {
				at = p
			}
		}
		if at == "" {
			rest = append(rest, fd)
			continue
		}
		i := slices.IndexFunc(groups, func(g group) bool { return g.path == at })
		if i < 0 {
			groups, i = append(groups, group{path: at}), len(groups)
		}
		groups[i].findings = append(groups[i].findings, fd)
	}
	if len(rest) > 0 {
		groups = append(groups, group{findings: rest})
	}
	return groups
}

// within reports whether path is dir or lies under it.
func within(dir, path string) bool {
	return fspath.Equal(dir, path) || (len(path) > len(dir) && path[len(dir)] == filepath.Separator && fspath.Equal(dir, path[:len(dir)]))
}

// relativize writes the worktrees' paths in s relative to base ("../feature-x"), as list
// does; the longest first, so that a path that begins another's is not taken for it.
func relativize(s string, f Facts, base string) string {
	if base == "" {
		return s
	}
	paths := make([]string, 0, len(f.Worktrees))
	for _, w := range f.Worktrees {
		if w.Row.Path != "" {
			paths = append(paths, w.Row.Path)
		}
	}
	slices.SortFunc(paths, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, p := range paths {
		s = strings.ReplaceAll(s, p, repository.Label(base, p))
	}
	return s
}

// Report prints the findings for a person on a terminal width columns wide: grouped per
// worktree, paths relative to f.Toplevel, the check's name red for a problem and yellow
// for advice, and every line wrapped to the width (0: not wrapped).
func Report(w io.Writer, fs []Finding, f Facts, width int, cs *iostreams.ColorScheme) error {
	var b strings.Builder
	for i, g := range groupFindings(fs, f) {
		if i > 0 {
			b.WriteString("\n")
		}
		head := "repository"
		if g.path != "" {
			head = repository.Label(f.Toplevel, g.path)
			if f.Toplevel != "" && fspath.Equal(g.path, f.Toplevel) {
				head += " (here)"
			}
		}
		b.WriteString(cs.Bold(untrusted.New(head).String()) + "\n")
		for _, fd := range g.findings {
			style, name := iostreams.Red, fd.Check
			if fd.Severity != Problem {
				style, name = iostreams.Yellow, name+" ("+string(fd.Severity)+")"
			}
			msg := untrusted.New(relativize(fd.Message, f, f.Toplevel)).String()
			fix := untrusted.New(relativize(fd.Fix, f, f.Toplevel)).String()
			wrap(&b, "  ", cs.Paint(style, name)+":", len(name)+1, msg, "      ", width)
			wrap(&b, "    ", "fix:", 4, fix, "         ", width)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Wrap returns text as lines no wider than width (0: one line), the first starting with
// lead and the others with indent. text must already be escaped (untrusted).
func Wrap(lead, text, indent string, width int) string {
	var b strings.Builder
	wrap(&b, "", lead, iostreams.DisplayWidth(lead), text, indent, width)
	return b.String()
}

// wrap writes lead, then label (labelWidth columns on screen, colour codes aside), then
// text's words, breaking lines before width; the lines after the first start with
// indent. A word longer than a line gets a line of its own, which the terminal wraps.
func wrap(b *strings.Builder, lead, label string, labelWidth int, text, indent string, width int) {
	b.WriteString(lead + label)
	col := len(lead) + labelWidth
	for i, word := range strings.Fields(text) {
		if i == 0 && label == "" {
			b.WriteString(word)
			col += iostreams.DisplayWidth(word)
			continue
		}
		ww := iostreams.DisplayWidth(word)
		if width > 0 && col+1+ww > width && col > len(indent) {
			b.WriteString("\n" + indent + word)
			col = len(indent) + ww
			continue
		}
		b.WriteString(" " + word)
		col += 1 + ww
	}
	b.WriteString("\n")
}
