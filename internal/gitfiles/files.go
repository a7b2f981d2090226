// Package gitfiles reads git's on-disk layout (gitrepository-layout(5)) as git reads
// it: where a repository is (Files.Locate), its worktrees (Files.Worktrees), its config
// chain (system, global, local, worktree, GIT_CONFIG_PARAMETERS) with git's config
// parser, HEAD and refs, a worktree's gitdir and .git file (GitDirOf, ReadGitFile), the
// ownership checks of safe.directory, and the main worktree's real working tree
// (PlaceMain), with the note the tool keeps for it (RecordMain, ReadMainRecord).
//
// `git worktree list --porcelain` reads a handful of small files, and starting git to
// read them costs far more than reading them. Files reads them itself, following git's
// own code (worktree.c: get_main_worktree, get_linked_worktree, worktree_lock_reason,
// should_prune_worktree; refs/files-backend.c for HEAD; setup.c for the repository
// format and ownership), and answers only where it can be sure to answer as git would.
// Everywhere else it returns an error matching ErrUseGit, which says why, and the
// caller asks git (gitwt.Git.Worktrees, gitwt.Git.Config). The porcelain stays the
// oracle: the tests hold the two to each other over every repository shape they know,
// and a fuzz target over mutated layouts. The values it returns are gitwt's, the same
// that git's porcelain is parsed into, so a caller takes either answer alike.
//
// Only RecordMain writes, and only allocate calls it (docs/DESIGN.md, "The main
// worktree's real working tree"): every other function here only reads.
package gitfiles

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// Files reads a repository's worktrees and config from git's files, as git would
// report them when run where Loc says, with Env (nil: the process's environment).
//
// Loc.CommonDir (absolute) is required. Loc.Toplevel and Loc.GitDir say where git would
// run: in a worktree (its top level, and its git directory: CommonDir or
// CommonDir/worktrees/<id>), or, both "", in CommonDir itself, as Git{Dir: CommonDir}
// does for another repository. It matters where git would read differently: a
// worktree's config.worktree, and whether a repository with no core.bare is bare.
// Loc.Bare is not used.
type Files struct {
	Loc gitwt.Location
	Env []string
	// PathsOnly reads less of each linked worktree but Loc's own: not its HEAD, the
	// branch's file, nor whether the worktree is still there, so its Branch, Detached
	// and Prunable are left unset; about half the reads. Its Path, and Locked, which git
	// reads (and dies on when it cannot), are read as ever. Allocation needs no more of
	// the other worktrees than where their reservations are.
	PathsOnly bool
}

// maxRefFile bounds HEAD, a ref, commondir and locked: a line each, a lock reason at most
// a paragraph. Larger is left to git.
const maxRefFile = 64 << 10

// getenv returns the variable's value in Env, and whether it is set (the last of
// duplicates wins, as in os/exec).
func (f *Files) getenv(name string) (string, bool) {
	if f.Env == nil {
		return os.LookupEnv(name)
	}
	for i := len(f.Env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(f.Env[i], name+"="); ok {
			return v, true
		}
	}
	return "", false
}

func (f *Files) envBool(name string) (bool, error) {
	v, ok := f.getenv(name)
	if !ok {
		return false, nil
	}
	b, good := gitBool(v, true)
	if !good {
		return false, fallback("%s=%q is not a boolean", name, v)
	}
	return b, nil
}

// gitDir is the git directory git would run with: the worktree's, or CommonDir.
func (f *Files) gitDir() string {
	if f.Loc.GitDir != "" {
		return f.Loc.GitDir
	}
	return f.Loc.CommonDir
}

// inWorktree reports whether git would run in a worktree (and so have one); a Location
// in a bare repository or inside a git directory has none.
func (f *Files) inWorktree() bool { return f.Loc.Toplevel != "" }

// checkEnv refuses an environment that tells git where the repository or its config
// is, and a system where these reads are not made.
func (f *Files) checkEnv() error {
	if runtime.GOOS == "windows" {
		return fallback("not on Windows")
	}
	for _, name := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_TEST_ASSUME_DIFFERENT_OWNER"} {
		if _, ok := f.getenv(name); ok {
			return fallback("%s is set", name)
		}
	}
	env := f.Env
	if env == nil {
		env = os.Environ()
	}
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GIT_CONFIG") {
			switch name {
			case "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_GLOBAL":
				// These only choose the files, which are then read like any other.
			case "GIT_CONFIG_PARAMETERS":
				// `git -c`, which hooks inherit: read as the chain's last file
				// (configChain), unless it names a key that changes what is read.
			default:
				return fallback("%s is set", name)
			}
		}
	}
	return nil
}

// check refuses what a direct read cannot answer as git: an environment that tells git
// where the repository or its config is, a place it was not given, and a repository git
// would refuse as not owned by this user.
func (f *Files) check() error {
	if err := f.checkEnv(); err != nil {
		return err
	}
	l := f.Loc
	if !filepath.IsAbs(l.CommonDir) || filepath.Clean(l.CommonDir) != l.CommonDir {
		return fallback("common directory %q is not an absolute, clean path", l.CommonDir)
	}
	if l.Toplevel == "" && l.GitDir != "" && l.GitDir != l.CommonDir {
		return fallback("git directory %q without a worktree", l.GitDir)
	}
	if l.Toplevel != "" && l.GitDir == "" {
		return fallback("worktree %q without a git directory", l.Toplevel)
	}
	if l.GitDir != "" && l.GitDir != l.CommonDir && filepath.Dir(l.GitDir) != filepath.Join(l.CommonDir, "worktrees") {
		return fallback("git directory %q is neither %q nor one of its worktrees", l.GitDir, l.CommonDir)
	}
	// git refuses a repository it does not own (safe.directory): its git directory and,
	// run in a worktree, the worktree and its .git. Where the owner is not us, git
	// decides, with safe.directory.
	for _, p := range []string{l.CommonDir, l.GitDir, l.Toplevel} {
		if p == "" {
			continue
		}
		if err := ownedByUs(p, f.getenv); err != nil {
			return err
		}
	}
	if l.Toplevel != "" {
		if err := ownedByUs(filepath.Join(l.Toplevel, ".git"), f.getenv); err != nil {
			return err
		}
	}
	return nil
}

// Worktrees returns what ListWorktrees returns run where f.Loc says, read from git's
// files: the main worktree first (its Path corrected as PlaceMain does, see main.go),
// then the linked ones sorted by path, as the porcelain prints them.
//
// Head is never read: it is "" in every record (and Branch, Detached, Bare are read as
// git reports them). Any error matches ErrUseGit; see the package documentation.
func (f Files) Worktrees() ([]gitwt.Worktree, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	chain, format, err := f.configChain()
	if err != nil {
		return nil, err
	}
	for _, file := range chain {
		for _, e := range file.entries {
			if file.repository && e.key == "core.worktree" && e.value == "" {
				return nil, fallback("core.worktree is empty in %s", file.path)
			}
		}
	}
	mainWt, err := f.mainWorktree(chain, format)
	if err != nil {
		return nil, err
	}
	wts := []gitwt.Worktree{mainWt}

	dir := filepath.Join(f.Loc.CommonDir, "worktrees")
	entries, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	linked, err := f.allLinked(dir, entries, format)
	if err != nil {
		return nil, err
	}
	wts = append(wts, linked...)
	if err := sortLinked(wts[1:], chain); err != nil {
		return nil, err
	}
	if err := f.placeMain(wts, chain, format); err != nil {
		return nil, err
	}
	return wts, nil
}

// sortLinked sorts the linked worktrees by path as the porcelain does (pathsort:
// fspathcmp, which folds ASCII case under core.ignoreCase). Two with one path, which
// git's unstable sort may print in either order, fall back.
func sortLinked(wts []gitwt.Worktree, chain []configFile) error {
	fold, _, err := chainBool(chain, "core.ignorecase")
	if err != nil {
		return err
	}
	key := func(w gitwt.Worktree) string { return w.Path }
	if fold {
		for _, w := range wts {
			for i := 0; i < len(w.Path); i++ {
				if w.Path[i] >= 0x80 {
					return fallback("core.ignoreCase with the non-ASCII path %q", w.Path)
				}
			}
		}
		key = func(w gitwt.Worktree) string { return strings.ToLower(w.Path) }
	}
	slices.SortFunc(wts, func(a, b gitwt.Worktree) int { return strings.Compare(key(a), key(b)) })
	for i := 1; i < len(wts); i++ {
		if key(wts[i]) == key(wts[i-1]) {
			return fallback("two worktrees at %q", wts[i].Path)
		}
	}
	return nil
}

// readDir returns the entries of dir, with their types as the directory gives them (no
// stat each); a missing directory has none.
func readDir(dir string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fallback("%s: %v", dir, err)
	}
	return entries, nil
}

// allLinked reads the linked worktrees of the entries of the worktrees directory dir.
// Reading is a few system calls per file and a few files per worktree, as for git; with
// many worktrees they are read by several goroutines at once.
func (f *Files) allLinked(dir string, entries []fs.DirEntry, format *repoFormat) ([]gitwt.Worktree, error) {
	type result struct {
		w   gitwt.Worktree
		ok  bool
		err error
	}
	results := make([]result, len(entries))
	read := func(i int) {
		r := &results[i]
		r.w, r.ok, r.err = f.linked(filepath.Join(dir, entries[i].Name()), entries[i].Type(), format)
	}
	if workers := min(4, len(entries)/16); workers < 2 {
		for i := range entries {
			read(i)
		}
	} else {
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				for i := range next {
					read(i)
				}
			})
		}
		for i := range entries {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	var out []gitwt.Worktree
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		if r.ok {
			out = append(out, r.w)
		}
	}
	return out, nil
}

// mainWorktree reads the main worktree as get_main_worktree does: the common directory
// with symlinks resolved and a trailing "/.git" removed; bare when core.bare says so or,
// with core.bare unset, when git runs with no worktree.
func (f *Files) mainWorktree(chain []configFile, format *repoFormat) (gitwt.Worktree, error) {
	real, err := filepath.EvalSymlinks(f.Loc.CommonDir)
	if err != nil {
		return gitwt.Worktree{}, fallback("common directory: %v", err)
	}
	w := gitwt.Worktree{Path: strings.TrimSuffix(real, "/.git")}
	if w.Path == "" {
		return gitwt.Worktree{}, fallback("common directory %q", real)
	}
	bare, err := f.bare(chain)
	if err != nil {
		return gitwt.Worktree{}, err
	}
	if bare {
		w.Bare = true
		return w, nil
	}
	if err := f.head(&w, f.Loc.CommonDir, format); err != nil {
		return gitwt.Worktree{}, err
	}
	return w, nil
}

// bare decides git's is_bare for the main worktree: core.bare when it is set, else
// whether git runs without a worktree.
func (f *Files) bare(chain []configFile) (bool, error) {
	b, set, err := chainBool(chain, "core.bare")
	if err != nil {
		return false, err
	}
	_, wt := coreWorktree(chain)
	if set {
		if b && wt {
			return false, fallback("core.bare and core.worktree are both set")
		}
		return b, nil
	}
	if f.inWorktree() {
		return false, nil
	}
	if wt {
		// Run in the git directory, git then has core.worktree as its worktree.
		return false, fallback("core.worktree is set and core.bare is not")
	}
	return true, nil
}

// linked reads the linked worktree whose administrative directory is adm, as
// get_linked_worktree and the porcelain do. ok is false where git skips the entry: not
// a directory, or no gitdir file (or an empty one), which is also how `git worktree add`
// leaves it for a moment (see the package tests: it writes locked, gitdir, the .git
// file, HEAD and commondir, in that order). An entry git would list differently than a
// complete one falls back.
func (f *Files) linked(adm string, typ fs.FileMode, format *repoFormat) (w gitwt.Worktree, ok bool, err error) {
	if typ&fs.ModeSymlink != 0 {
		return w, false, fallback("%s is a symlink", adm)
	}
	if !typ.IsDir() {
		return w, false, nil // git cannot read <file>/gitdir and skips it
	}
	gitdir := filepath.Join(adm, "gitdir")
	data, err := safefile.ReadNoFollow(gitdir, maxGitFile)
	if errors.Is(err, fs.ErrNotExist) {
		// Not written yet, or the entry was removed since the directory was read: git
		// skips it.
		return w, false, nil
	}
	if err != nil {
		return w, false, fallback("%v", err)
	}
	if len(data) == 0 {
		return w, false, nil
	}
	content := string(data)
	if strings.IndexByte(content, 0) >= 0 {
		return w, false, fallback("%s holds a NUL byte", gitdir)
	}
	// The path is listed trimmed of trailing white space with "/.git" removed; whether
	// it is prunable is decided on the content trimmed of line ends only.
	w.Path = strings.TrimSuffix(strings.TrimRight(content, " \t\n\r"), "/.git")
	dotGit := strings.TrimRight(content, "\n\r")
	if w.Path == "" || !filepath.IsAbs(w.Path) || !filepath.IsAbs(dotGit) {
		// git 2.48 resolves a relative path against the entry, older ones against their
		// working directory.
		return w, false, fallback("%s: %q is not an absolute path", gitdir, content)
	}

	// git reads the entry's commondir before its HEAD; one that is missing, empty or
	// names another directory is a half-made or foreign entry.
	if err := f.checkCommonDir(adm); err != nil {
		return w, false, err
	}
	// Only what git would read in its own way is read for PathsOnly: it dies on a locked
	// it cannot read, so that is read as ever.
	whole := !f.PathsOnly || adm == f.Loc.GitDir
	if whole {
		if err := f.head(&w, adm, format); err != nil {
			return w, false, err
		}
	}

	if err := readLocked(&w, adm); err != nil {
		return w, false, err
	}
	if !w.Locked && whole {
		// file_exists: lstat, so a dangling symlink exists; any error does not.
		if _, err := os.Lstat(dotGit); err != nil {
			w.Prunable = true
			w.PrunableReason = "gitdir file points to non-existent location"
		}
	}
	return w, true, nil
}

// checkCommonDir checks that the entry's commondir names this repository's common
// directory, as get_common_dir_noenv reads it.
func (f *Files) checkCommonDir(adm string) error {
	path := filepath.Join(adm, "commondir")
	data, err := safefile.ReadNoFollow(path, maxGitFile)
	if err != nil {
		return fallback("%v", err)
	}
	v := strings.TrimRight(string(data), "\n\r")
	if v == "" || strings.IndexByte(v, 0) >= 0 {
		return fallback("%s holds %q", path, data)
	}
	v = fspath.JoinPhysical(adm, v)
	if !fspath.Same(v, f.Loc.CommonDir) {
		return fallback("%s names %q, not %q", path, v, f.Loc.CommonDir)
	}
	return nil
}

// placeMain corrects the main worktree's path as PlaceMain does, with
// core.worktree read from the files instead of from `git config`.
func (f *Files) placeMain(wts []gitwt.Worktree, chain []configFile, format *repoFormat) error {
	if wts[0].Bare {
		return nil
	}
	listed := wts[0].Path
	common := listed
	if !isCommonDir(listed) {
		common = filepath.Join(listed, ".git")
		if fi, err := os.Lstat(common); err != nil || !fi.IsDir() || !isCommonDir(common) {
			return nil
		}
	}
	if !fspath.Same(common, f.Loc.CommonDir) {
		return fallback("main worktree %q is not the repository's", listed)
	}
	// PlaceMain asks `git --git-dir=<common> config --get core.worktree`: the chain
	// as read from the common directory, with its config.worktree.
	if format.worktreeConfig && f.gitDir() != f.Loc.CommonDir {
		q := &Files{Loc: gitwt.Location{CommonDir: f.Loc.CommonDir}, Env: f.Env}
		var err error
		if chain, _, err = q.configChain(); err != nil {
			return err
		}
	}
	if e, ok := coreWorktree(chain); ok {
		v := e.value
		if v == "" {
			return fallback("core.worktree is empty")
		}
		wts[0].SetPath(fspath.Real(fspath.JoinPhysical(common, v)))
		return nil
	}
	if common == listed {
		if top, ok := ReadMainRecord(common); ok {
			wts[0].SetPath(top)
		}
	}
	return nil
}

// readLocked reads the entry's locked file into w, as git does: its presence locks the
// worktree, its content is the reason.
func readLocked(w *gitwt.Worktree, adm string) error {
	lock := filepath.Join(adm, "locked")
	switch data, err := safefile.ReadNoFollow(lock, maxRefFile); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fallback("%v", err) // git dies on it, or waits, or follows a symlink
	case strings.IndexByte(string(data), 0) >= 0:
		return fallback("%s holds a NUL byte", lock)
	default:
		w.Locked = true
		w.LockReason = strings.Trim(string(data), " \t\n\r")
	}
	return nil
}
