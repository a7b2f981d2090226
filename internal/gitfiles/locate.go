package gitfiles

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// Locate finds where dir is ("" is the working directory), as Git{Dir: dir}.Locate
// would report it, from git's files: the nearest directory above dir with a .git, found
// the way git's discovery walks up (setup.c, setup_git_directory_gently_1), and the git
// directory and common directory that .git leads to. f.Loc is not used.
//
// It answers only in a worktree whose .git is a plain directory, or a "gitdir:" file
// naming a git directory whose own records point back to it: the usual repository, a
// separate git dir, a submodule, a linked worktree. Everything else is left to git with
// an error matching ErrUseGit that says why: GIT_DIR, GIT_WORK_TREE or another variable
// that moves discovery; dir inside a git directory or a bare repository (no top level);
// a .git that is a symlink, or that git would skip or refuse; a walk that would stop at
// GIT_CEILING_DIRECTORIES or cross a file system; core.bare or core.worktree where git
// would take them (a bare repository, a working tree elsewhere); every precondition of
// Files (the repository's format and extensions, includes, ownership).
func (f Files) Locate(dir string) (gitwt.Location, error) {
	if err := f.checkEnv(); err != nil {
		return gitwt.Location{}, err
	}
	if _, ok := f.getenv("GIT_OBJECT_DIRECTORY"); ok {
		// git's test of a git directory looks for objects there.
		return gitwt.Location{}, fallback("GIT_OBJECT_DIRECTORY is set")
	}
	start, err := physical(dir)
	if err != nil {
		return gitwt.Location{}, err
	}
	ceiling, err := f.ceiling(start)
	if err != nil {
		return gitwt.Location{}, err
	}
	top, dotGit, err := findDotGit(start, ceiling)
	if err != nil {
		return gitwt.Location{}, err
	}
	loc := gitwt.Location{Toplevel: top}
	if dotGit.IsDir() {
		loc.GitDir = filepath.Join(top, ".git")
		if err := gitDirectory(loc.GitDir, loc.GitDir); err != nil {
			return gitwt.Location{}, err
		}
		if _, err := os.Lstat(filepath.Join(loc.GitDir, "commondir")); !errors.Is(err, fs.ErrNotExist) {
			return gitwt.Location{}, fallback("%s/.git is a directory with a commondir", top)
		}
		loc.CommonDir = loc.GitDir
	} else if loc.GitDir, loc.CommonDir, err = readDotGitFile(top); err != nil {
		return gitwt.Location{}, err
	}
	// The rest of what git checks before it answers: ownership, the repository's format,
	// and the two settings that make a worktree bare or put its top level elsewhere.
	q := &Files{Loc: loc, Env: f.Env}
	if err := q.check(); err != nil {
		return gitwt.Location{}, err
	}
	chain, format, err := q.configChain()
	if err != nil {
		return gitwt.Location{}, err
	}
	if err := q.worktreeSettings(chain, format); err != nil {
		return gitwt.Location{}, err
	}
	return loc, nil
}

// physical returns dir absolute with its symlinks resolved: git walks up from its
// working directory as the kernel reports it (getcwd), never from the path it was given.
func physical(dir string) (string, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fallback("working directory: %v", err)
		}
		dir = wd
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fallback("%s: %v", dir, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fallback("%v", err)
	}
	return real, nil
}

// ceiling returns the deepest of GIT_CEILING_DIRECTORIES that is above start, or "":
// git does not look for a repository there or above it (longest_ancestor_length).
// Entries are compared with their symlinks resolved, as git does; an entry git reads
// its own way (relative, or after an empty one, which turns resolution off) falls back.
func (f *Files) ceiling(start string) (string, error) {
	v, ok := f.getenv("GIT_CEILING_DIRECTORIES")
	if !ok || v == "" {
		return "", nil
	}
	deepest := ""
	for _, c := range filepath.SplitList(v) {
		if c == "" || !filepath.IsAbs(c) {
			return "", fallback("GIT_CEILING_DIRECTORIES holds %q", c)
		}
		real, err := filepath.EvalSymlinks(c)
		if err != nil {
			return "", fallback("GIT_CEILING_DIRECTORIES: %v", err)
		}
		if real != start && strings.HasPrefix(start, strings.TrimSuffix(real, "/")+"/") && len(real) > len(deepest) {
			deepest = real
		}
	}
	return deepest, nil
}

// findDotGit walks up from start, as git's discovery does, to the nearest directory
// with a .git, and returns it with what the .git is (a directory or a regular file).
// Like git it walks on past a .git directory that is certainly no git directory (an
// empty one, say: notGitDir). It stops, falling back, where git would find something
// else first: a directory that is itself a git directory (start is inside .git, or in
// a bare repository), the ceiling, another file system, or the root.
func findDotGit(start, ceiling string) (string, fs.FileMode, error) {
	dev, err := device(start)
	if err != nil {
		return "", 0, err
	}
	for d := start; ; {
		fi, err := os.Lstat(filepath.Join(d, ".git"))
		switch {
		case err == nil && fi.IsDir() && notGitDir(filepath.Join(d, ".git")):
			// git's is_git_directory says no, and discovery goes on upwards.
		case err == nil && (fi.Mode().IsDir() || fi.Mode().IsRegular()):
			return d, fi.Mode().Type(), nil
		case err == nil:
			return "", 0, fallback("%s/.git is a %s", d, safefile.Kind(fi.Mode()))
		case !errors.Is(err, fs.ErrNotExist):
			return "", 0, fallback("%v", err)
		}
		if isGitDir(d) {
			return "", 0, fallback("%s is a git directory (bare, or a repository's .git): no worktree here", d)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", 0, fallback("no .git above %s", start)
		}
		if ceiling != "" && len(parent) <= len(ceiling) {
			return "", 0, fallback("no .git above %s below GIT_CEILING_DIRECTORIES (%s)", start, ceiling)
		}
		if pdev, err := device(parent); err != nil || pdev != dev {
			return "", 0, fallback("no .git above %s on its file system", start)
		}
		d = parent
	}
}

// notGitDir reports whether dir is certainly not a git directory as git's
// is_git_directory decides it: it has no HEAD, or (with no commondir, which would move
// the test to another directory) no objects or no refs. Anything less certain (a HEAD
// git might read otherwise) is left to gitDirectory, which falls back.
func notGitDir(dir string) bool {
	missing := func(name string) bool {
		_, err := os.Lstat(filepath.Join(dir, name))
		return errors.Is(err, fs.ErrNotExist)
	}
	return missing("HEAD") || missing("commondir") && (missing("objects") || missing("refs"))
}

// gitDirectory checks that dir is a git directory as git's is_git_directory decides it,
// with common its common directory: a valid HEAD in dir, and an objects and a refs
// directory in common. Where git would skip it (and look further up) or die, the answer
// is git's.
func gitDirectory(dir, common string) error {
	if err := validHead(filepath.Join(dir, "HEAD")); err != nil {
		return err
	}
	for _, name := range []string{"objects", "refs"} {
		p := filepath.Join(common, name)
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() || !searchable(p) {
			return fallback("%s is not a directory git can search", p)
		}
	}
	return nil
}

// validHead is git's validate_headref, less its symlink case: "ref: refs/..." or an
// object id of either format.
func validHead(path string) error {
	data, err := safefile.ReadNoFollow(path, maxRefFile)
	if err != nil {
		return fallbackWrap(err)
	}
	v := string(data)
	if target, ok := strings.CutPrefix(v, "ref:"); ok {
		if strings.HasPrefix(strings.TrimLeft(target, " \t\n\r"), "refs/") {
			return nil
		}
	} else if len(v) >= 40 && gitwt.IsHex(v[:40]) {
		return nil
	}
	return fallback("%s holds %q", path, v)
}

// readDotGitFile reads top's .git file as git's read_gitfile does, and returns the git
// directory it names and that directory's common directory, both with symlinks resolved.
// It is strict where git is lenient or where a direct read could be fooled: one line
// "gitdir: PATH", and a git directory that git's records tie to top (a linked worktree's
// gitdir file pointing back to top/.git) or that is a repository of its own (a separate
// git dir, a submodule).
func readDotGitFile(top string) (gitDir, common string, err error) {
	path := filepath.Join(top, ".git")
	data, err := safefile.ReadNoFollow(path, maxGitFile)
	if err != nil {
		return "", "", fallbackWrap(err)
	}
	p, ok := strings.CutPrefix(strings.TrimRight(string(data), "\n\r"), "gitdir: ")
	if !ok || p == "" || strings.ContainsAny(p, "\x00\n\r") || strings.TrimRight(p, " \t") != p {
		return "", "", fallback("%s holds %q", path, data)
	}
	p = fspath.JoinPhysical(top, p)
	if gitDir, err = filepath.EvalSymlinks(p); err != nil {
		return "", "", fallback("%s names %q: %v", path, p, err)
	}
	cd := filepath.Join(gitDir, "commondir")
	data, err = safefile.ReadNoFollow(cd, maxGitFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A repository of its own, whose main worktree top is.
		return gitDir, gitDir, gitDirectory(gitDir, gitDir)
	case err != nil:
		return "", "", fallbackWrap(err)
	}
	// A linked worktree: commondir as get_common_dir_noenv reads it.
	v := strings.TrimRight(string(data), "\n\r")
	if v == "" || strings.IndexByte(v, 0) >= 0 {
		return "", "", fallback("%s holds %q", cd, data)
	}
	v = fspath.JoinPhysical(gitDir, v)
	if common, err = filepath.EvalSymlinks(v); err != nil {
		return "", "", fallback("%s names %q: %v", cd, v, err)
	}
	if filepath.Dir(gitDir) != filepath.Join(common, "worktrees") {
		return "", "", fallback("%s is not one of %s/worktrees", gitDir, common)
	}
	if err := gitDirectory(gitDir, common); err != nil {
		return "", "", err
	}
	back := filepath.Join(gitDir, "gitdir")
	data, err = safefile.ReadNoFollow(back, maxGitFile)
	if err != nil {
		return "", "", fallbackWrap(err)
	}
	v = strings.TrimRight(string(data), "\n\r")
	if !filepath.IsAbs(v) || !fspath.Same(v, path) {
		return "", "", fallback("%s holds %q, not %s: git's records do not name this worktree", back, data, path)
	}
	return gitDir, common, nil
}

// worktreeSettings refuses what would make git answer other than "a worktree at
// Loc.Toplevel": core.bare true, which makes git treat a repository found through .git
// as bare, and a core.worktree that names another directory. git takes both from the
// repository's config at setup, and in a linked worktree only with worktreeConfig
// (check_repository_format_gently); core.worktree is checked wherever the repository's
// own files set it, and ignored, as git ignores it, in any other config.
func (f *Files) worktreeSettings(chain []configFile, format *repoFormat) error {
	bare, _, err := chainBool(chain, "core.bare")
	if err != nil {
		return err
	}
	linked := f.Loc.GitDir != f.Loc.CommonDir
	if bare && (!linked || format.worktreeConfig) {
		return fallback("core.bare is true")
	}
	if e, ok := coreWorktree(chain); ok {
		v := e.value
		if v == "" || fspath.Real(fspath.JoinPhysical(f.Loc.GitDir, v)) != f.Loc.Toplevel {
			return fallback("core.worktree is %q", e.value)
		}
	}
	return nil
}

// isGitDir reports whether dir looks like a git directory, as git's discovery checks
// after finding no .git in it: a HEAD file, and an objects directory or a commondir file
// (a linked worktree's). It may say yes to a directory git would reject; the caller then
// asks git, which is only slower.
func isGitDir(dir string) bool {
	if fi, err := os.Lstat(filepath.Join(dir, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	if _, err := os.Lstat(filepath.Join(dir, "commondir")); err == nil {
		return true
	}
	fi, err := os.Stat(filepath.Join(dir, "objects"))
	return err == nil && fi.IsDir()
}
