// The .git boundary of a hook file in the working tree: a committed symlink may stay
// inside the repository and still lead into git's own files.

package hooks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// GitLinkError refuses to edit a hook in the working tree (husky's) whose path holds a
// symlink that leads into a git directory or into a nested repository: a committed
// .husky/post-checkout -> ../.git/config stays inside the working tree, yet the write
// would land in git's own files. Nothing has been written.
type GitLinkError struct {
	Path   string // the hook file, as spelled
	Link   string // the symlink: Path itself or a directory above it
	Target string // where Link leads, symlinks resolved
	Why    string // "a git directory" or "a nested repository (...)"
}

// Error names the link and where it leads, with control characters escaped: both come
// from committed content.
func (e *GitLinkError) Error() string {
	link, target := untrusted.New(e.Link), untrusted.New(e.Target)
	if e.Link == e.Path {
		return fmt.Sprintf("%s is a symlink to %s, in %s; refusing to write through it", link, target, e.Why)
	}
	return fmt.Sprintf("%s: %s is a symlink to %s, in %s; refusing to write through it", untrusted.New(e.Path), link, target, e.Why)
}

// inWorkTree reports whether the hook file name is committed content: it lies in the
// working tree and not in one of git's directories (the ordinary .git/hooks is the
// user's own, not a checkout's).
func inWorkTree(o Options, name string) bool {
	if o.Toplevel == "" || !isUnder(name, filepath.Clean(o.Toplevel)) {
		return false
	}
	for _, d := range o.GitDirs {
		if d != "" && isUnder(name, filepath.Clean(d)) {
			return false
		}
	}
	return true
}

// checkGitLinks refuses, with a *GitLinkError, a hook file in the working tree when a
// symlink on its path (a directory on the way or the file itself) leads into a git
// directory (a path with a .git component below the top level, this repository's git or
// common directory) or into a nested repository (a directory below the top level that
// holds a .git entry). A symlink that leads out of the working tree altogether is
// safefile.Resolve's to refuse; a path that does not exist is taken as it is.
func checkGitLinks(o Options, name string) error {
	if !inWorkTree(o, name) {
		return nil
	}
	top := filepath.Clean(o.Toplevel)
	realTop, err := filepath.EvalSymlinks(top)
	if err != nil {
		return nil // Resolve reports it
	}
	var gitDirs []string
	for _, d := range o.GitDirs {
		if d == "" {
			continue
		}
		if r, err := filepath.EvalSymlinks(d); err == nil {
			gitDirs = append(gitDirs, r)
		}
		gitDirs = append(gitDirs, filepath.Clean(d))
	}
	rel, err := filepath.Rel(top, name)
	if err != nil {
		return nil
	}
	cur := top
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, c)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		to := resolveLoose(cur, 0)
		if why := gitPlace(to, realTop, gitDirs); why != "" {
			return &GitLinkError{Path: name, Link: cur, Target: to, Why: why}
		}
	}
	return nil
}

// resolveLoose returns where p leads, symlinks resolved, when the end of the way does
// not exist yet: a dangling .husky -> .git/x still leads into .git, and the write would
// create the directories on the way there. A symlink loop gives up after as many hops as
// Linux follows, returning where it got to.
func resolveLoose(p string, hops int) string {
	for ; hops < 40; hops++ {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r
		}
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			dir := filepath.Dir(p)
			if dir == p {
				return p
			}
			return filepath.Join(resolveLoose(dir, hops+1), filepath.Base(p))
		}
		t, err := os.Readlink(p)
		if err != nil {
			return p
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		p = t
	}
	return p
}

// gitPlace says why the real path p is git's rather than the working tree's, or "".
func gitPlace(p, realTop string, gitDirs []string) string {
	for _, d := range gitDirs {
		if isUnder(p, d) {
			return "a git directory"
		}
	}
	if !isUnder(p, realTop) {
		return ""
	}
	rel, err := filepath.Rel(realTop, p)
	if err != nil || rel == "." {
		return ""
	}
	cur := realTop
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		if fspath.IsDotGit(c) {
			return "a git directory"
		}
		cur = filepath.Join(cur, c)
		if fi, err := os.Lstat(cur); err != nil || !fi.IsDir() {
			break
		}
		if _, err := os.Lstat(filepath.Join(cur, ".git")); err == nil {
			return fmt.Sprintf("a nested repository (%s holds a .git entry)", untrusted.New(cur))
		}
	}
	return ""
}
