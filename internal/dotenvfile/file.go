package dotenvfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// MaxSize is the largest dotenv file read: a real one is a few kilobytes.
const MaxSize = 1 << 20

// newFilePerm is the mode of a file the block creates, less the umask. An existing
// file keeps its own.
const newFilePerm = 0o644

// Options say which files to keep, where.
type Options struct {
	// Root is the worktree's top level; Files are the config's dotenv list, relative
	// to it.
	Root  string
	Files []string
	// Env is the environment git runs with (nil: the process's); git is asked which
	// files it tracks.
	Env []string
	// Warn receives one line for each file refused or left alone, and each variable
	// left out of a block; nil drops them.
	Warn func(string)
}

func (o Options) warn(format string, args ...any) {
	if o.Warn != nil {
		o.Warn(fmt.Sprintf(format, args...))
	}
}

// Keep writes the block of vars into each file, creating a file that does not exist
// (in a directory that does), and returns the files it changed, as listed. A file whose
// block already holds vars is not written at all. A variable that dotenv cannot carry
// (render's rules) is left out of the block with a warning; a file that may not be
// written (see the package comment), or that its owner made read-only, is left alone
// with one. In each directory it writes in, it first removes the temporary files an
// interrupted write of ours left there. failed lists, as listed, the files whose write
// itself failed (a full or read-only file system): they lag the reservation.
func Keep(ctx context.Context, o Options, vars []render.Var) (changed, failed []string) {
	if len(o.Files) == 0 {
		return nil, nil
	}
	var body bytes.Buffer
	err := render.Render(&body, "dotenv", vars)
	var refused render.Refused
	if errors.As(err, &refused) {
		for _, e := range refused {
			o.warn("dotenv files: %s left out of the block: %s", untrusted.New(e.Name), strings.TrimSuffix(e.Reason, "; use --format sh or json"))
		}
	} else if err != nil {
		o.warn("dotenv files: not written: %v", err)
		return nil, nil
	}
	var held []target // the files that hold the block now, written or not
	cleaned := map[string]bool{}
	for _, f := range o.targets(ctx) {
		d, ok := f.open(o, "not created")
		if !ok {
			continue
		}
		if !cleaned[f.dir] {
			cleaned[f.dir] = true
			o.removeTemps(d, f)
		}
		wrote, holds, werr := f.keep(o, d, body.Bytes())
		if wrote {
			changed = append(changed, f.name)
		}
		if werr {
			failed = append(failed, f.name)
		}
		if holds {
			held = append(held, f)
		}
		d.Close()
	}
	o.warnUnignored(ctx, held)
	return changed, failed
}

// keep writes the block into the file f in its open directory d, and reports whether it
// changed the file, whether the file holds the block now, and whether the write itself
// failed.
func (f target) keep(o Options, d *safefile.Dir, body []byte) (wrote, holds, failed bool) {
	old, exists, mode, ok := f.read(o, d)
	if !ok {
		return false, false, false
	}
	data, err := Splice(old, exists, body)
	if err != nil {
		o.warn("%s: not written: %v", f.label(), err)
		return false, false, false
	}
	if exists && bytes.Equal(data, old) {
		return false, true, false
	}
	if !exists {
		mode = safefile.Umasked(newFilePerm)
	} else if readOnly(mode) {
		o.warn("%s: left alone: it is read-only (mode %04o); make it writable for allocate to keep its block", f.label(), mode)
		return false, false, false
	}
	if err := d.WriteAtomic(f.base, data, mode, reserve.DotenvTempPrefix); err != nil {
		o.warn("%s: not written: %v", f.label(), err)
		return false, false, true
	}
	return true, true, false
}

// removeTemps removes the temporary files of ours in d, the directory of f: a crash
// between their creation and the rename leaves a full copy of a dotenv file, secrets
// included. Only regular files with our prefix go.
func (o Options) removeTemps(d *safefile.Dir, f target) {
	removed, err := d.RemoveTemps(reserve.DotenvTempPrefix)
	for _, n := range removed {
		o.warn("%s: removed %s, left beside it by an interrupted write", f.label(), untrusted.New(path.Join(f.dir, n)))
	}
	if err != nil {
		o.warn("%s: could not remove a temporary file left beside it: %v", f.label(), err)
	}
}

// readOnly reports whether a file's owner has no write permission on it: the user made
// it so, and a rename over it (which the directory allows) would undo that.
func readOnly(mode fs.FileMode) bool { return mode&0o200 == 0 }

// warnUnignored warns about each file holding the block that git does not ignore: a `git
// add .` would commit this worktree's ports, every clone would start with them, and `git
// worktree remove` refuses the worktree. It warns whether the file was written now or
// not, so that allocate shows again what the hook counted; it costs one git process.
func (o Options) warnUnignored(ctx context.Context, files []target) {
	if len(files) == 0 {
		return
	}
	rels := make([]string, len(files))
	for i, f := range files {
		rels[i] = f.rel
	}
	bad, err := Unignored(ctx, o.Root, o.Env, rels)
	if err != nil {
		return // only advice depends on it
	}
	for _, f := range files {
		if slices.Contains(bad, f.rel) {
			o.warn("%s: %s", f.label(), UnignoredReason)
		}
	}
}

// UnignoredReason says what is wrong with a dotenv file git does not ignore, and what to do.
const UnignoredReason = "git does not ignore it, so a `git add .` would commit this worktree's ports and `git worktree remove` refuses the worktree; add it to .gitignore"

// Unignored returns those of the files rels (relative to the worktree's top level root,
// as git's --full-name prints them) that are there, untracked, and not ignored by git,
// in rels' order: a file missing or tracked is not listed.
func Unignored(ctx context.Context, root string, env []string, rels []string) ([]string, error) {
	if len(rels) == 0 {
		return nil, nil
	}
	var specs []string
	for _, r := range rels {
		specs = append(specs, ":(top,literal)"+r)
	}
	out, err := gitwt.Git{Dir: root, Env: env}.Output(ctx, append([]string{"ls-files", "-z", "--full-name", "--others", "--exclude-standard", "--"}, specs...)...)
	if err != nil {
		return nil, err
	}
	listed := strings.Split(out, "\x00")
	var bad []string
	for _, r := range rels {
		if slices.Contains(listed, r) {
			bad = append(bad, r)
		}
	}
	return bad, nil
}

// Release removes the block from each file, leaving it as it was before the block came,
// and removes a file the block created when nothing else is in it. It returns the files
// it changed, as listed. It refuses what Keep refuses, with the same words.
func Release(ctx context.Context, o Options) []string {
	var changed []string
	for _, f := range o.targets(ctx) {
		d, ok := f.open(o, "block not removed")
		if !ok {
			continue
		}
		if f.release(o, d) {
			changed = append(changed, f.name)
		}
		d.Close()
	}
	return changed
}

// Withdraw removes the block from each file o lists that is not in inEffect: the files
// of a config whose dotenv list is not in effect because the config is not approved
// (after `trust --revoke`, or a change that arrived with git pull). A block an earlier
// approval wrote would otherwise go on handing its variables to whatever reads the file
// (docker compose reads .env). It removes only the block, as Release does, with the same
// path checks as a write; a file that is refused, missing, or holds no block of ours is
// passed over without a word, since nothing of ours is there to withdraw (the config
// that lists it is not approved, so its list is not the user's choice). It returns the
// files it changed, as listed.
func Withdraw(ctx context.Context, o Options, inEffect []string) []string {
	kept := map[string]bool{}
	for _, f := range inEffect {
		kept[f] = true
	}
	quiet := o
	quiet.Files, quiet.Warn = nil, nil
	for _, f := range o.Files {
		if !kept[f] {
			quiet.Files = append(quiet.Files, f)
		}
	}
	if len(quiet.Files) == 0 {
		return nil
	}
	var changed []string
	for _, f := range quiet.targets(ctx) {
		d, ok := f.open(quiet, "block not removed")
		if !ok {
			continue
		}
		if old, exists, mode, ok := f.read(quiet, d); ok && exists && f.strip(o, d, old, mode) {
			changed = append(changed, f.name)
		}
		d.Close()
	}
	return changed
}

// release removes the block from the file f in its open directory d, and reports
// whether it changed the file.
func (f target) release(o Options, d *safefile.Dir) bool {
	old, exists, mode, ok := f.read(o, d)
	if !ok || !exists {
		return false
	}
	return f.strip(o, d, old, mode)
}

// strip removes the block from old, the bytes of the file f (of the given mode) in
// its open directory d, and reports whether it changed the file. A block that cannot
// be removed is warned about.
func (f target) strip(o Options, d *safefile.Dir, old []byte, mode fs.FileMode) bool {
	data, remove, found, err := Strip(old)
	switch {
	case err != nil:
		o.warn("%s: block not removed: %v", f.label(), err)
		return false
	case !found:
		return false
	case readOnly(mode):
		o.warn("%s: block not removed: it is read-only (mode %04o); make it writable for release to remove its block", f.label(), mode)
		return false
	case remove:
		err = d.Remove(f.base)
	default:
		err = d.WriteAtomic(f.base, data, mode, reserve.DotenvTempPrefix)
	}
	if err != nil {
		o.warn("%s: block not removed: %v", f.label(), err)
		return false
	}
	return true
}

// ReleaseListed is Release for the files the worktree at root lists in its own config
// file. A config that cannot be read leaves every file alone, with a warning.
func ReleaseListed(ctx context.Context, root string, env []string, warn func(string)) []string {
	files, err := Listed(root)
	if err != nil {
		if warn != nil {
			warn(fmt.Sprintf("dotenv files: blocks not removed: %v", err))
		}
		return nil
	}
	return Release(ctx, Options{Root: root, Files: files, Env: env, Warn: warn})
}

// Listed returns the dotenv files the config file at root lists. Only that key matters
// here, so a config that would not load for another reason (an env name only the user's
// git config allows, say) still gives its list.
func Listed(root string) ([]string, error) {
	cfg, err := config.Load(filepath.Join(root, config.FileName), nil)
	if err == nil {
		return cfg.Dotenv, nil
	}
	return config.DotenvOf(filepath.Join(root, config.FileName))
}

// target is one listed file that may be written, as far as can be seen before the
// write: where it lies relative to the worktree, with no symlink on the way.
type target struct {
	name string // as listed
	rel  string // cleaned, slash-separated, relative to the top level
	dir  string // rel's directory ("." for the top level)
	base string // rel's last name
}

func (f target) label() string { return "dotenv file " + untrusted.New(f.name).String() }

// targets checks each listed file and leaves out, with a warning, each that may not be
// written: an absolute path or one with "..", one inside a git directory, one of the
// tool's own files (at any depth), a path with a symlink anywhere on it (the file or a
// directory: never looked up, so an absolute target is never touched), a path through a
// directory that holds a .git entry (a nested worktree, a submodule, a nested clone: its
// files are not this worktree's, and git here does not see them), and a file git tracks.
// If git cannot say which files it tracks, none is written. The write itself refuses a
// symlink again (safefile.OpenBeneath), for one swapped in after these checks.
func (o Options) targets(ctx context.Context) []target {
	var out []target
	seen := map[string]bool{}
	for _, name := range o.Files {
		label := "dotenv file " + untrusted.New(name).String()
		rel, reason := CheckPath(o.Root, name, "a dotenv file is never written through a symlink")
		if reason != "" {
			o.warn("%s: refused: %s", label, reason)
			continue
		}
		if seen[rel] {
			continue // listed twice
		}
		seen[rel] = true
		out = append(out, target{name: name, rel: rel, dir: path.Dir(rel), base: path.Base(rel)})
	}
	if len(out) == 0 {
		return nil
	}
	tracked, err := o.tracked(ctx, out)
	if err != nil {
		o.warn("dotenv files: none written: cannot ask git which files it tracks: %v", err)
		return nil
	}
	kept := out[:0]
	for _, f := range out {
		if tracked[f.rel] {
			o.warn("%s: refused: git tracks it; a committed file would hand this worktree's ports to every clone. Stop tracking it (git rm --cached) or list another file", f.label())
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// CheckPath returns the path name, as a committed file lists it, cleaned and relative to
// the worktree's top level root, or why it may not be used (reason, "" when it may): an
// absolute path or one with "..", one inside a git directory, one of the tool's own files
// (at any depth), a path with a symlink anywhere on it, or one through a directory that
// holds a .git entry. rule ends the reason given for a symlink ("a dotenv file is never
// written through a symlink"). It asks git nothing; what git tracks is the caller's
// question.
func CheckPath(root, name, rule string) (rel, reason string) {
	slash := filepath.ToSlash(name)
	if filepath.IsAbs(name) || strings.HasPrefix(slash, "/") || filepath.VolumeName(name) != "" {
		return "", "not relative to the worktree's top level"
	}
	if hasDotDot(slash) {
		return "", "a path with .. may leave the worktree"
	}
	rel = path.Clean(slash)
	switch {
	case rel == ".":
		return "", "not a file in the worktree"
	case inGitDir(rel):
		return "", fmt.Sprintf("it lies in a git directory (%s)", untrusted.New(rel))
	case isOwn(path.Base(rel)):
		return "", fmt.Sprintf("it is git-worktree-ports' own file, or named like one (%s*)", ownPrefix)
	}
	if reason := crossing(root, rel, rule); reason != "" {
		return "", reason
	}
	return rel, ""
}

// crossing returns why the path rel may not be written, looking at each name on it from
// the top level down without following anything: a symlink (its target is read as text,
// never looked up: an absolute one may name an automounted host), or a directory that
// holds a .git entry. It returns "" for a path that is fine as far as it exists.
func crossing(root, rel, rule string) string {
	comps := strings.Split(rel, "/")
	cur := root
	for i, c := range comps {
		cur = filepath.Join(cur, c)
		sub := strings.Join(comps[:i+1], "/")
		fi, err := os.Lstat(cur)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return "" // nothing below exists; the write says so
		case err != nil:
			return fmt.Sprintf("cannot check %s: %v", untrusted.New(sub), errnoOf(err))
		case fi.Mode()&fs.ModeSymlink != 0:
			to, _ := os.Readlink(cur)
			return fmt.Sprintf("%s is a symlink (to %s); %s", untrusted.New(sub), untrusted.New(to), rule)
		case i == len(comps)-1 || !fi.IsDir():
			return ""
		}
		if holdsDotGit(cur) {
			return fmt.Sprintf("%s holds a .git entry (a nested worktree, a submodule or a nested clone), so its files are not this worktree's", untrusted.New(sub))
		}
	}
	return ""
}

// holdsDotGit reports whether the directory dir has an entry that is .git to some file
// system (fspath.IsDotGit: ".git", or ".GIT.", "git~1", ".g\u200cit" as NTFS or HFS+
// read them), so that the check holds for a checkout on any of them. A directory that
// cannot be listed counts as holding one: its files are not written.
func holdsDotGit(dir string) bool {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); !errors.Is(err, fs.ErrNotExist) {
		return true
	}
	f, err := os.Open(dir)
	if err != nil {
		return true
	}
	defer f.Close()
	for {
		names, err := f.Readdirnames(256)
		for _, n := range names {
			if fspath.IsDotGit(n) {
				return true
			}
		}
		if err != nil {
			return false // io.EOF, or a listing cut short: what was seen holds none
		}
	}
}

// errnoOf drops the operation and path from err: the message names the path already.
func errnoOf(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ownPrefix begins the name of every file the tool keeps in a worktree: the
// reservation, the config, and their temporary files.
const ownPrefix = ".worktree-ports"

// isOwn reports whether a base name is in the tool's own namespace, compared as a
// case-insensitive file system would, with the code points HFS+ ignores dropped first
// (".worktree\u200c-ports.json" is the reservation there), or is an NTFS 8.3 short name
// of one (WORKTR~1.JSO).
func isOwn(base string) bool {
	base = fspath.StripHFSIgnorable(base)
	if len(base) >= len(ownPrefix) && strings.EqualFold(base[:len(ownPrefix)], ownPrefix) {
		return true
	}
	return len(base) >= len(ownShort)+1 && strings.EqualFold(base[:len(ownShort)], ownShort) &&
		base[len(ownShort)] >= '1' && base[len(ownShort)] <= '9'
}

// ownShort begins the NTFS 8.3 short name of each of the tool's files (the leading dot
// dropped, the name cut to six characters, then "~" and a digit).
const ownShort = "worktr~"

// tracked reads from the index, or else asks git in one process, which of the files are
// in the index, and returns their paths relative to the top level.
func (o Options) tracked(ctx context.Context, files []target) (map[string]bool, error) {
	var specs, rels []string
	for _, f := range files {
		specs = append(specs, ":(top,literal)"+f.rel)
		rels = append(rels, f.rel)
	}
	if tracked, ok := indexTracked(o.Root, o.Env, rels); ok {
		return tracked, nil
	}
	out, err := gitwt.Git{Dir: o.Root, Env: o.Env}.Output(ctx, append([]string{"ls-files", "-z", "--full-name", "--"}, specs...)...)
	if err != nil {
		return nil, err
	}
	tracked := map[string]bool{}
	for _, p := range strings.Split(out, "\x00") {
		tracked[p] = true
	}
	return tracked, nil
}

// open opens the file's directory beneath the worktree, refusing a symlink on the way
// (one swapped in since targets looked). ok is false, after a warning that begins with
// what, when it cannot.
func (f target) open(o Options, what string) (*safefile.Dir, bool) {
	d, err := safefile.OpenBeneath(o.Root, f.dir)
	var se *safefile.SymlinkError
	switch {
	case err == nil:
		return d, true
	case errors.Is(err, fs.ErrNotExist):
		o.warn("%s: %s: its directory %s does not exist", f.label(), what, untrusted.New(f.dir))
	case errors.As(err, &se):
		o.warn("%s: refused: %v", f.label(), err)
	default:
		o.warn("%s: %s: %v", f.label(), what, err)
	}
	return nil, false
}

// read returns the file's bytes, whether it exists and its permission bits. ok is
// false, after a warning, when it cannot be used: not a regular file (a symlink
// included), too large, unreadable.
func (f target) read(o Options, d *safefile.Dir) (data []byte, exists bool, mode fs.FileMode, ok bool) {
	data, mode, err := d.ReadFile(f.base, MaxSize)
	switch {
	case err == nil:
		return data, true, mode, true
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, 0, true
	}
	reason := err.Error()
	var se *safefile.Error
	if errors.As(err, &se) {
		reason = se.Reason
	}
	o.warn("%s: left alone: %s", f.label(), reason)
	return nil, false, 0, false
}

// hasDotDot reports whether a slash-separated path has a ".." component.
func hasDotDot(p string) bool {
	for _, c := range strings.Split(p, "/") {
		if c == ".." {
			return true
		}
	}
	return false
}

// inGitDir reports whether a slash-separated path relative to the worktree lies in a
// .git directory (this worktree's, a nested repository's), on any file system: a
// component that NTFS or HFS+ reads as .git (".git.", "GIT~1", ".git::$INDEX_ALLOCATION",
// ".g\u200cit") counts, as in git's verify_path (fspath.IsDotGit).
func inGitDir(rel string) bool {
	for _, c := range strings.Split(rel, "/") {
		if fspath.IsDotGit(c) {
			return true
		}
	}
	return false
}
