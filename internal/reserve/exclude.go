package reserve

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// ExcludePatterns are the lines EnsureExcluded adds to info/exclude: the
// reservation file and WriteAtomic's temporary files, at the top level of
// every worktree, and the temporary files of a dotenv file's write, in any
// directory (they hold a copy of the file, secrets included).
var ExcludePatterns = []string{"/" + FileName, "/" + TempPattern, DotenvTempPrefix + "*"}

// DotenvTempPrefix begins the name of the temporary file a write of a dotenv
// file creates beside it; a random suffix follows. One still there was left
// by a crash, and the next allocate removes it.
const DotenvTempPrefix = ".worktree-ports-tmp-"

const excludeComment = "# git-worktree-ports: per-worktree port reservations"

// EnsureExcluded makes git ignore reservation files and their temporary
// files in every worktree, by appending ExcludePatterns to
// <commonDir>/info/exclude where they are missing. It creates info/ and the
// file when needed, keeps the file's existing bytes, and starts on a new
// line when the file does not end with one. It reports whether it added
// anything; a second call adds nothing. Call it under the repository lock,
// so two processes do not both append.
func EnsureExcluded(commonDir string) (bool, error) {
	return ensureLines(commonDir, ExcludePatterns)
}

// ComposeOverrideName is the compose override file `git worktree-ports compose` writes
// at a worktree's top level (package composefile).
const ComposeOverrideName = ".worktree-ports.compose.yaml"

// ExcludeComposeOverride makes git ignore the compose override file in every worktree,
// as EnsureExcluded does for the reservation; only `compose` writes that file, so only it
// adds the line.
func ExcludeComposeOverride(commonDir string) (bool, error) {
	return ensureLines(commonDir, []string{"/" + ComposeOverrideName})
}

func ensureLines(commonDir string, patterns []string) (bool, error) {
	info := filepath.Join(commonDir, "info")
	path := filepath.Join(info, "exclude")
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return false, err
	}
	have := map[string]bool{}
	for line := range strings.Lines(string(old)) {
		// Git strips trailing spaces and a CR, so a line written on
		// Windows or by hand with padding still counts.
		have[strings.TrimRight(line, " \t\r\n")] = true
	}
	var add bytes.Buffer
	for _, p := range patterns {
		if !have[p] {
			add.WriteString(p + "\n")
		}
	}
	if add.Len() == 0 {
		return false, nil
	}
	var buf bytes.Buffer
	if len(old) > 0 && old[len(old)-1] != '\n' {
		buf.WriteByte('\n')
	}
	if !have[excludeComment] {
		buf.WriteString(excludeComment + "\n")
	}
	buf.Write(add.Bytes())

	if err := os.MkdirAll(info, 0o755); err != nil {
		return false, err
	}
	// Appending, rather than rewriting, keeps whatever the user has in the
	// file even if another program edits it meanwhile.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return false, err
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return false, err
	}
	return true, f.Close()
}
