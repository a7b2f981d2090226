package gitwt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
)

// ErrNotRepository is matched (with errors.Is) by the error Git returns when
// its directory is not inside a git repository.
var ErrNotRepository = errors.New("not a git repository")

// Error is a failed git command. Its message names the command and carries
// git's own stderr, e.g. "git worktree list: fatal: not a git repository (or
// any of the parent directories): .git".
type Error struct {
	Args     []string // arguments after "git"
	ExitCode int      // -1 when git did not run or was killed
	Stderr   string   // git's stderr, trimmed
	Err      error    // the underlying *exec.ExitError, exec or context error
}

// Error returns "git SUBCOMMAND: STDERR", with stderr joined onto one line.
func (e *Error) Error() string {
	msg := oneLine(e.Stderr)
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return commandName(e.Args) + ": " + msg
}

// Unwrap returns the underlying error, plus ErrNotRepository when git said
// the directory is not in a repository.
func (e *Error) Unwrap() []error {
	errs := []error{e.Err}
	if strings.Contains(e.Stderr, "not a git repository") {
		errs = append(errs, ErrNotRepository)
	}
	return errs
}

// commandName is "git" plus the subcommand's words up to its first flag,
// which names the command without the noise of options.
func commandName(args []string) string {
	words := []string{"git"}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			if len(words) > 1 {
				break
			}
			continue // a global option such as --literal-pathspecs
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

func oneLine(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

// Location says where a command runs.
type Location struct {
	// Toplevel is the worktree's top directory; "" in a bare repository or
	// inside the git directory, where there is no worktree.
	Toplevel  string
	GitDir    string // absolute; a linked worktree's is .../worktrees/<id>
	CommonDir string // absolute; shared by all worktrees of the repository
	Bare      bool
}

// Git runs git in Dir with Env (nil means os.Environ()).
type Git struct {
	Dir string
	Env []string
}

// Getenv returns the value of key in the environment git runs with: the last value in
// Env, or the process's own when Env is nil.
func (g Git) Getenv(key string) string {
	if g.Env == nil {
		return os.Getenv(key)
	}
	for i := len(g.Env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(g.Env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// run runs git with args and returns its stdout. A non-zero exit status
// listed in okCodes is not an error; its code is returned instead.
func (g Git) run(ctx context.Context, args []string, okCodes ...int) (stdout []byte, code int, err error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.Dir
	env := g.Env
	if env == nil {
		env = os.Environ()
	}
	// GIT_OPTIONAL_LOCKS=0 stops git from taking index.lock merely to refresh
	// the index as a side effect of a read. Our reads run from hooks and
	// shells while the user's own git commands (or a parallel `git worktree
	// add`) are running, and an optional lock we took would make their
	// command fail with "index.lock: File exists". Appending works because
	// os/exec keeps the last value of a duplicated key.
	cmd.Env = append(env[:len(env):len(env)], "GIT_OPTIONAL_LOCKS=0")
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	// Stdin stays nil (/dev/null), so git can never wait for input, and
	// WaitDelay bounds the wait for pipes held open by a killed git's
	// children after ctx is done.
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	if err == nil {
		return out.Bytes(), 0, nil
	}
	code = -1
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		for _, ok := range okCodes {
			if code == ok && ctx.Err() == nil {
				return out.Bytes(), code, nil
			}
		}
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return out.Bytes(), code, &Error{Args: args, ExitCode: code, Stderr: strings.TrimSpace(errb.String()), Err: err}
}

// Output runs git with args and returns its standard output, for the few commands this
// package has no method for; a failure is an *Error.
func (g Git) Output(ctx context.Context, args ...string) (string, error) {
	out, _, err := g.run(ctx, args)
	return string(out), err
}

// Locate asks git, in one process, where Dir is: `git rev-parse
// --path-format=absolute --git-dir --git-common-dir --is-bare-repository
// --show-toplevel`. In a bare repository or inside a git directory
// --show-toplevel fails after the other three lines are printed; that is
// accepted and gives a Location with an empty Toplevel. Outside a repository
// the error matches ErrNotRepository.
func (g Git) Locate(ctx context.Context) (Location, error) {
	args := []string{"rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "--is-bare-repository", "--show-toplevel"}
	out, _, err := g.run(ctx, args)
	noTop := false
	if err != nil {
		var ge *Error
		// Git fails --show-toplevel only after printing the other three
		// answers, so those mean "no worktree here", not failure.
		if !errors.As(err, &ge) || ge.ExitCode <= 0 || ctx.Err() != nil || len(out) == 0 {
			return Location{}, err
		}
		noTop = true
	}
	loc, perr := parseLocate(string(out), noTop)
	if perr != nil {
		if err != nil {
			return Location{}, err
		}
		return Location{}, fmt.Errorf("%s: %w", commandName(args), perr)
	}
	return loc, nil
}

// parseLocate splits Locate's output. rev-parse has no -z, so a path holding
// a newline spans several lines; the "true"/"false" line and the fact that
// both git paths are absolute tell where each path ends.
func parseLocate(out string, noTop bool) (Location, error) {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for k := 2; k < len(lines); k++ {
		if lines[k] != "true" && lines[k] != "false" {
			continue
		}
		if noTop != (k == len(lines)-1) {
			continue
		}
		var found []Location
		for j := 1; j < k; j++ {
			gd, cd := strings.Join(lines[:j], "\n"), strings.Join(lines[j:k], "\n")
			if filepath.IsAbs(gd) && filepath.IsAbs(cd) {
				found = append(found, Location{GitDir: gd, CommonDir: cd, Bare: lines[k] == "true"})
			}
		}
		if len(found) != 1 {
			continue
		}
		loc := found[0]
		if !noTop {
			loc.Toplevel = strings.Join(lines[k+1:], "\n")
		}
		return loc, nil
	}
	return Location{}, fmt.Errorf("unexpected output %q", out)
}

// Worktrees lists the repository's worktrees with `git worktree list
// --porcelain -z`: the main worktree first, then the linked ones sorted by path
// (git's list sorts them with fspathcmp). Each Path is git's line as it is: where git
// lists the main worktree by its git directory (a separate git dir, a submodule,
// core.worktree), gitfiles.ListWorktrees places it at its real working tree.
func (g Git) Worktrees(ctx context.Context) ([]Worktree, error) {
	for attempt := 1; ; attempt++ {
		out, _, err := g.run(ctx, []string{"worktree", "list", "--porcelain", "-z"})
		if err == nil {
			return ParseWorktreesZ(out)
		}
		var gerr *Error
		if attempt == raceAttempts || !errors.As(err, &gerr) || !worktreeRace().MatchString(gerr.Stderr) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(time.Duration(attempt) * 20 * time.Millisecond):
		}
	}
}

// CoreWorktree returns core.worktree of the repository whose common directory is common,
// resolved as git resolves it (relative to that directory), or false when it is not set.
// Only the repository's own files count, includes not followed, as git's setup reads it
// (check_repo_format): one in the global or system config moves nothing.
func (g Git) CoreWorktree(ctx context.Context, common string) (string, bool) {
	// --git-dir names the repository whatever the caller's directory and environment
	// say; with extensions.worktreeConfig git then also reads <common>/config.worktree,
	// where `git sparse-checkout` moves core.worktree. --show-scope tells those two
	// (local, worktree) from the global and system files and `git -c`.
	q := Git{Dir: common, Env: WithoutLocation(g.Env)}
	out, code, err := q.run(ctx, []string{"--git-dir=" + common, "config", "--no-includes", "--show-scope", "-z", "--get-all", "core.worktree"}, 1)
	if err != nil || code != 0 {
		return "", false
	}
	v, found := "", false
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i] == "local" || fields[i] == "worktree" {
			v, found = fields[i+1], true
		}
	}
	if !found || v == "" {
		return "", false
	}
	return fspath.Real(fspath.JoinPhysical(common, v)), true
}

// raceAttempts bounds the retries of a `git worktree list` that lost git's own race
// (worktreeRace); the waits add up to under a second.
const raceAttempts = 10

// worktreeRace matches git dying because it read the administrative files of a worktree
// (commondir, locked, ...) that a concurrent `git worktree add` is still writing: the file
// exists but is still empty (git then reports an errno nothing set: "Success" on Linux,
// "Undefined error: 0" on macOS), or is already gone again. git (2.39 to at least 2.55)
// does this in any command that lists worktrees, so when several worktrees are added at
// once, the post-checkout hook of one meets the half-made entry of another. It passes in
// milliseconds, and listing has no side effects, so retrying is safe. Run in the common
// directory itself (as for another repository), git names the file relative to it:
// "worktrees/<id>/commondir". A concurrent `git worktree remove` makes it die another way:
// "Invalid path '.../worktrees/<id>': No such file or directory", when the entry it is
// about to resolve is deleted under it.
//
// It is compiled on first use: a package-level regexp would cost every start of the
// binary, env included, for an error that is rare.
var worktreeRace = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`failed to read '?(.*/)?worktrees/[^/]+/[a-z]+'?: (Success|Undefined error: 0|No such file or directory)$` +
		`|Invalid path '(.*/)?worktrees/[^/']+': No such file or directory$`)
})

// LostRace reports whether stderr, trimmed, is git dying on a worktree that another git
// is adding or removing at that moment (worktreeRace): a command that lists worktrees
// may then simply run again.
func LostRace(stderr string) bool { return worktreeRace().MatchString(stderr) }

// Config returns the entries matching regexp from `git config -z
// --get-regexp`, in git's order (system, global, local, worktree). No match
// (git's exit status 1) gives no entries and no error.
func (g Git) Config(ctx context.Context, regexp string) ([]ConfigEntry, error) {
	out, code, err := g.run(ctx, []string{"config", "-z", "--get-regexp", regexp}, 1)
	if err != nil {
		return nil, err
	}
	if code == 1 {
		return nil, nil
	}
	return ParseConfigZ(out), nil
}

// HooksDir returns the absolute directory where git looks for hooks, from
// `git rev-parse --path-format=absolute --git-path hooks`. It honours
// core.hooksPath; a relative core.hooksPath is resolved against the
// worktree's top level, so in a linked worktree it names that worktree's
// copy (e.g. its own .husky/_).
func (g Git) HooksDir(ctx context.Context) (string, error) {
	out, _, err := g.run(ctx, []string{"rev-parse", "--path-format=absolute", "--git-path", "hooks"})
	if err != nil {
		return "", err
	}
	dir := strings.TrimSuffix(string(out), "\n")
	if dir == "" || strings.Contains(dir, "\n") {
		return "", fmt.Errorf("git rev-parse: unexpected --git-path output %q", out)
	}
	return dir, nil
}

// IsTracked reports whether path is in the index, using `git
// --literal-pathspecs ls-files -z -- path`. Like any path given to git, a
// relative path is relative to Dir (run from the top level, or pass an
// absolute path, to name a file at the top); it is taken literally, not as a
// glob. A directory counts as tracked when any file under it is. In a bare
// repository, which has no index, nothing is tracked.
func (g Git) IsTracked(ctx context.Context, path string) (bool, error) {
	out, _, err := g.run(ctx, []string{"--literal-pathspecs", "ls-files", "-z", "--", path})
	if err != nil {
		return false, err
	}
	return len(out) > 0, nil
}

// IsTrackedAtTop reports whether the file name at the top level of the worktree is in
// the index, from wherever Dir is inside it, with the pathspec ":(top,literal)name". It
// needs no Locate first, so callers can ask both at once.
func (g Git) IsTrackedAtTop(ctx context.Context, name string) (bool, error) {
	out, _, err := g.run(ctx, []string{"ls-files", "-z", "--", ":(top,literal)" + name})
	if err != nil {
		return false, err
	}
	return len(out) > 0, nil
}

// SetConfig sets key to value in the repository's own config (git config --local).
func (g Git) SetConfig(ctx context.Context, key, value string) error {
	_, _, err := g.run(ctx, []string{"config", "--local", key, value})
	return err
}

// RemoveConfigSection removes a section from the repository's own config; a section that
// is not there is not an error.
func (g Git) RemoveConfigSection(ctx context.Context, section string) error {
	// git config exits 128 when the section does not exist.
	_, _, err := g.run(ctx, []string{"config", "--local", "--remove-section", section}, 128)
	return err
}

// Version returns the major and minor version of the git binary, from `git
// version`.
func (g Git) Version(ctx context.Context) (major, minor int, err error) {
	out, _, err := g.run(ctx, []string{"version"})
	if err != nil {
		return 0, 0, err
	}
	return ParseVersion(string(out))
}
