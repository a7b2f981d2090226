package gitfiles

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// The main worktree's real working tree.
//
// git lists the main worktree at its common git directory with a trailing "/.git"
// removed (git 2.39 to at least 2.55). That is the working tree only when the git
// directory is "<top>/.git". After `git init --separate-git-dir`, in a clone made with
// it, in every submodule (<super>/.git/modules/<name>) and wherever core.worktree names
// the working tree, git lists the git directory itself, where no reservation ever is.
// Where git records the working tree (core.worktree: submodules set it, users may too)
// it is read from there. Where git records nothing (a plain separate git dir), allocate
// writes it down when it runs in the main worktree (RecordMain, MainRecordName), and
// every reader believes that note only while the directory it names still points back
// to this git directory.

// MainRecordName is the file in the common git directory where the tool notes the main
// worktree's top level, for repositories where git itself records it nowhere.
const MainRecordName = "worktree-ports.main"

// maxGitFile bounds the small files read here (.git files, gitdir, commondir, our note):
// they hold one path.
const maxGitFile = 64 << 10

// ListWorktrees is g.Worktrees with the main worktree placed at its real working tree
// (PlaceMain).
func ListWorktrees(ctx context.Context, g gitwt.Git) ([]gitwt.Worktree, error) {
	wts, err := g.Worktrees(ctx)
	if err == nil {
		PlaceMain(ctx, g, wts)
	}
	return wts, err
}

// PlaceMain corrects the main worktree's path in wts (the first record of git's list)
// when git listed its git directory instead of its working tree. Path then holds the
// working tree and ListedPath git's line. core.worktree is asked of git (g) only when
// the repository's config files mention it at all, so the usual repository costs one
// small file read and no process. Anything unexpected leaves git's answer as it is: a
// reservation that cannot be found is no worse than before.
func PlaceMain(ctx context.Context, g gitwt.Git, wts []gitwt.Worktree) {
	if len(wts) == 0 || wts[0].Bare {
		return
	}
	listed := wts[0].Path
	common := listed
	if !isCommonDir(listed) {
		// The usual layout, <top>/.git; only core.worktree set by hand can move the
		// working tree away from it.
		common = filepath.Join(listed, ".git")
		if fi, err := os.Lstat(common); err != nil || !fi.IsDir() || !isCommonDir(common) {
			return
		}
	}
	if mayName(filepath.Join(common, "config")) || mayName(filepath.Join(common, "config.worktree")) {
		if top, ok := g.CoreWorktree(ctx, common); ok {
			wts[0].SetPath(top)
			return
		}
	}
	if common == listed {
		if top, ok := ReadMainRecord(common); ok {
			wts[0].SetPath(top)
		}
	}
}

// mayName reports whether the git config file at path may set core.worktree: it has a
// key named worktree (in any case, followed by "=" or the end of the line, so
// extensions.worktreeConfig does not count). It errs towards yes; git then decides. A
// file that cannot be read sets nothing. An include does not count: git's setup does not
// follow includes for core.worktree.
func mayName(path string) bool {
	data, err := safefile.Read(path, 1<<20)
	if err != nil {
		return false
	}
	data = bytes.ToLower(data)
	for rest := data; ; {
		i := bytes.Index(rest, []byte("worktree"))
		if i < 0 {
			return false
		}
		rest = rest[i+len("worktree"):]
		after := bytes.TrimLeft(rest, " \t")
		if len(after) == 0 || after[0] == '=' || after[0] == '\n' || after[0] == '\r' || after[0] == '#' || after[0] == ';' {
			return true
		}
	}
}

// InMain reports whether loc is in the main worktree: in a working tree, with the
// common directory as its own git directory.
func InMain(loc gitwt.Location) bool {
	return loc.Toplevel != "" && !loc.Bare && fspath.Equal(loc.GitDir, loc.CommonDir)
}

// RecordMain notes top as the main worktree of the repository whose common directory is
// common, in common/MainRecordName, when git has no record of its own: top's .git is a
// file pointing to common (a separate git dir). It writes only when the note changes, and
// never when top's .git does not point back to common, so it cannot be fooled into
// naming another directory. It is the one writer of this package, and allocate its one
// caller: a read path never writes.
func RecordMain(top, common string) error {
	if !pointsBack(top, common) {
		return nil
	}
	path := filepath.Join(common, MainRecordName)
	want := top + "\n"
	if old, err := safefile.Read(path, maxGitFile); err == nil && string(old) == want {
		return nil
	}
	// The common writer: a temporary file and a rename inside the git directory, so
	// readers never see half a path and a symlink planted at the note's name is
	// replaced, never written through.
	t, err := safefile.ResolveParent(path, common)
	if err != nil {
		return err
	}
	return safefile.WriteAtomic(t, []byte(want), safefile.WriteOptions{Perm: 0o644})
}

// ReadMainRecord returns the main worktree's top level noted in common/MainRecordName,
// when the note is there and the directory it names still has a .git file pointing to
// common (it may have been moved or deleted since).
func ReadMainRecord(common string) (string, bool) {
	data, err := safefile.Read(filepath.Join(common, MainRecordName), maxGitFile)
	if err != nil {
		return "", false
	}
	top := strings.TrimSuffix(string(data), "\n")
	if !filepath.IsAbs(top) || filepath.Clean(top) != top || !pointsBack(top, common) {
		return "", false
	}
	return top, true
}

// pointsBack reports whether top's .git is a file naming the git directory gitDir.
func pointsBack(top, gitDir string) bool {
	gd, err := ReadGitFile(top)
	return err == nil && fspath.Same(gd, gitDir)
}

// errNotGitFile is returned by ReadGitFile for a .git that is not a "gitdir:" file.
var errNotGitFile = errors.New("not a gitdir file")

// ReadGitFile returns the absolute git directory that top's .git file names ("gitdir:
// PATH", relative to top), as git reads it, with symlinks resolved. A .git directory, or
// anything else, is an error.
func ReadGitFile(top string) (string, error) {
	data, err := safefile.Read(filepath.Join(top, ".git"), maxGitFile)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	p, ok := strings.CutPrefix(strings.TrimRight(line, " \t\r"), "gitdir: ")
	if !ok || p == "" {
		return "", errNotGitFile
	}
	return fspath.Real(fspath.JoinPhysical(top, p)), nil
}

// isCommonDir reports whether dir looks like a repository's common git directory, the way
// git's own discovery decides it: a HEAD file, an objects and a refs directory.
func isCommonDir(dir string) bool {
	for _, c := range []struct {
		name string
		dir  bool
	}{{"HEAD", false}, {"objects", true}, {"refs", true}} {
		fi, err := os.Stat(filepath.Join(dir, c.name))
		if err != nil || fi.IsDir() != c.dir {
			return false
		}
	}
	return true
}
