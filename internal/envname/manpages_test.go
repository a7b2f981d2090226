package envname

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestManPages reads the lists of special variables from the installed manuals
// and checks that Rules refuses every one, so a name a new shell release adds
// fails here rather than reaching a user's prompt. bash's and zsh's pages are
// required under CI (.ci/run installs man-db and zsh, and Debian's bash ships
// bash.1); elsewhere, and for ksh, dash and fish, a missing page skips.
func TestManPages(t *testing.T) {
	pages := []struct {
		page     string
		required bool
		extract  func(string) []string
		min      int // fewer names than this means the page's layout changed
	}{
		{"bash", true, bashVars, 100},
		{"zshparam", true, zshVars, 120},
		{"dash", false, dashVars, 15},
		{"ksh93", false, kshVars, 40},
		{"fish-language", false, fishVars, 30},
	}
	for _, p := range pages {
		t.Run(p.page, func(t *testing.T) {
			text, err := manPage(p.page)
			if err != nil {
				if p.required && os.Getenv("CI") == "true" {
					t.Fatalf("the %s manual is not installed under CI: %v", p.page, err)
				}
				t.Skipf("the %s manual is not installed: %v", p.page, err)
			}
			names := p.extract(text)
			if len(names) < p.min {
				t.Fatalf("read only %d variables from %s (%q), want at least %d: has the page's layout changed?", len(names), p.page, names, p.min)
			}
			for _, n := range names {
				if _, ok := Refused(n); !ok {
					t.Errorf("%s lists %s as special, but it is not refused", p.page, n)
				}
			}
			t.Logf("%s: %d special variables checked", p.page, len(names))
		})
	}
}

// manPage returns the roff source of a manual page, found with `man -w` (and,
// for fish's own pages, in fish's data directory).
func manPage(page string) (string, error) {
	path := ""
	out, err := exec.Command("man", "-w", page).Output()
	if err == nil {
		path = strings.TrimSpace(string(out))
	} else if strings.HasPrefix(page, "fish") {
		path = filepath.Join("/usr/share/fish/man/man1", page+".1")
		if _, statErr := os.Stat(path); statErr != nil {
			return "", err
		}
	} else {
		return "", err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return "", err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return "", err
		}
	}
	return string(data), nil
}

// section returns the lines of text from the first line that starts with from
// up to (not including) the next line that starts with any of to.
func section(text, from string, to ...string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		if !in {
			in = strings.HasPrefix(line, from)
			continue
		}
		for _, t := range to {
			if strings.HasPrefix(line, t) {
				return out
			}
		}
		out = append(out, line)
	}
	return out
}

// tagged returns the valid names that head the items of a roff tagged list
// (.TP, then the tag line), at nesting depth 0 (.RS/.RE): nested lists hold
// values, like zsh_eval_context's, not variables. clean turns a tag line into
// words.
func tagged(lines []string, clean func(string) string) []string {
	var names []string
	depth, afterTP := 0, false
	for _, line := range lines {
		switch {
		case strings.HasPrefix(line, ".RS"):
			depth++
		case strings.HasPrefix(line, ".RE"):
			depth--
		case strings.HasPrefix(line, ".TP"):
			afterTP = true
			continue
		case strings.HasPrefix(line, ".PD"):
			continue
		}
		if afterTP && depth == 0 {
			for _, w := range strings.Fields(clean(line)) {
				if Valid(w) {
					names = append(names, w)
				}
			}
		}
		afterTP = false
	}
	return names
}

var roffFonts = strings.NewReplacer(`\fB`, " ", `\fP`, " ", `\fR`, " ", `\fI`, " ", `\&`, "", "(", " ", ")", " ", "<S>", "", "<Z>", "")

// bashVars reads bash(1)'s "Shell Variables": ".TP" then ".B NAME".
func bashVars(text string) []string {
	lines := section(text, ".SS Shell Variables", ".SS", ".SH")
	return tagged(lines, func(l string) string {
		if rest, ok := strings.CutPrefix(l, ".B "); ok {
			return rest
		}
		return ""
	})
}

// zshVars reads zshparam(1)'s "PARAMETERS SET BY THE SHELL" and "PARAMETERS
// USED BY THE SHELL": ".TP" then "\fBname\fP <S> <Z> (\fBNAME\fP <S>)", both
// names of a tied pair counting.
func zshVars(text string) []string {
	clean := func(l string) string {
		if !strings.HasPrefix(l, `\fB`) {
			return ""
		}
		return roffFonts.Replace(l)
	}
	set := tagged(section(text, `.SH "PARAMETERS SET BY THE SHELL"`, ".SH"), clean)
	used := tagged(section(text, `.SH "PARAMETERS USED BY THE SHELL"`, ".SH"), clean)
	return append(set, used...)
}

// dashVars reads dash(1)'s ENVIRONMENT list (".It Ev NAME") and the variables its
// Invocation section names (ENV).
func dashVars(text string) []string {
	var names []string
	for _, l := range section(text, ".Sh ENVIRONMENT", ".Sh") {
		if rest, ok := strings.CutPrefix(l, ".It Ev "); ok && Valid(strings.TrimSpace(rest)) {
			names = append(names, strings.TrimSpace(rest))
		}
	}
	for _, l := range section(text, ".Ss Invocation", ".Ss", ".Sh") {
		if rest, ok := strings.CutPrefix(l, ".Ev "); ok {
			if f := strings.Fields(rest); len(f) > 0 && Valid(f[0]) {
				names = append(names, f[0])
			}
		}
	}
	return names
}

// kshVars reads ksh93(1)'s "Shell Variables": ".TP" then ".B", ".SM" or both
// around the name, over one or two lines.
func kshVars(text string) []string {
	var names []string
	lines := section(text, ".SS Shell Variables", ".SS")
	for i, l := range lines {
		if !strings.HasPrefix(l, ".TP") {
			continue
		}
		for _, next := range lines[i+1 : min(i+3, len(lines))] {
			for _, macro := range []string{".B ", ".SM "} {
				if rest, ok := strings.CutPrefix(next, macro); ok && Valid(strings.TrimSpace(rest)) {
					names = append(names, strings.TrimSpace(rest))
				}
			}
		}
	}
	return names
}

// fishVars reads fish-language(1)'s "Special variables" and "Locale Variables":
// ".TP" then ".B name" (or ".B COLUMNS and LINES").
func fishVars(text string) []string {
	lines := append(section(text, ".SS Special variables", ".SS The status"), section(text, ".SS Locale Variables", ".SS", ".SH")...)
	return tagged(lines, func(l string) string {
		rest, ok := strings.CutPrefix(l, ".B ")
		if !ok {
			return ""
		}
		words := strings.Fields(rest)
		if len(words) == 3 && words[1] == "and" {
			return words[0] + " " + words[2]
		}
		if len(words) != 1 {
			return "" // "Color variables" and other headings
		}
		return rest
	})
}
