// The script: post-checkout.sh, embedded, and the block and the whole hook rendered from
// it for a binary path (see the package doc).

package hooks

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
)

// Version is the version of the hook block, written into its start marker. Increase it
// whenever the block changes, so installs can tell an old block from the current one.
const Version = 4

// StartMarkerPrefix begins the first line of every version of the block. The full start
// line is StartMarkerPrefix + " (vN) >>>".
const StartMarkerPrefix = "# >>> git-worktree-ports post-checkout"

// EndMarker is the last line of the block, the same in every version.
const EndMarker = "# <<< git-worktree-ports post-checkout <<<"

// NotFoundMessage is the line the hook prints to stderr when it finds no binary.
const NotFoundMessage = "git-worktree-ports: not found; ports not allocated for this worktree"

// binaryPlaceholder is the single-quoted word in post-checkout.sh that Block replaces
// with the quoted binary path; it is quoted so the embedded file is itself valid sh.
const binaryPlaceholder = "'@BINARY@'"

//go:embed post-checkout.sh
var script string

// StartMarker returns the start line of the current block, without a newline.
func StartMarker() string {
	return fmt.Sprintf("%s (v%d) >>>", StartMarkerPrefix, Version)
}

// ParseStartMarker reports whether line (without its newline) is the start marker of some
// version of the block, and which version.
func ParseStartMarker(line string) (version int, ok bool) {
	rest, found := strings.CutPrefix(line, StartMarkerPrefix+" (v")
	if !found {
		return 0, false
	}
	num, found := strings.CutSuffix(rest, ") >>>")
	if !found {
		return 0, false
	}
	v, err := strconv.Atoi(num)
	if err != nil || v < 0 || strconv.Itoa(v) != num {
		return 0, false
	}
	return v, true
}

// Block returns the marked block that calls the binary at binaryPath, from its start
// marker line to its end marker line, ending in a newline.
func Block(binaryPath string) string {
	start := strings.Index(script, StartMarkerPrefix)
	end := strings.Index(script, EndMarker)
	if start < 0 || end < start {
		panic("hooks: post-checkout.sh lacks its markers")
	}
	block := script[start : end+len(EndMarker)+1]
	return strings.Replace(block, binaryPlaceholder, shquote.Quote(binaryPath), 1)
}

// File returns a whole post-checkout hook that holds only the block: a shebang, a
// one-line comment, the block and `exit 0`.
func File(binaryPath string) string {
	return Header + Block(binaryPath) + Footer
}

// Header is what File puts before the block: the shebang and the one-line comment.
var Header = script[:strings.Index(script, StartMarkerPrefix)]

// Footer is what File puts after the block.
var Footer = script[strings.Index(script, EndMarker)+len(EndMarker)+1:]
