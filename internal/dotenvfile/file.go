package dotenvfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
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
// written (see the package comment) is left alone with one.
func Keep(ctx context.Context, o Options, vars []render.Var) []string {
	if len(o.Files) == 0 {
		return nil
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
		return nil
	}
	var changed []string
	var written []target
	for _, f := range o.targets(ctx) {
		old, exists, mode, ok := f.read(o)
		if !ok {
			continue
		}
		if !exists {
			if fi, err := os.Stat(filepath.Dir(f.t.Path)); err != nil || !fi.IsDir() {
				o.warn("%s: not created: its directory %s does not exist", f.label(), untrusted.New(filepath.Dir(f.name)))
				continue
			}
		}
		data, err := Splice(old, exists, body.Bytes())
		if err != nil {
			o.warn("%s: not written: %v", f.label(), err)
			continue
		}
		if exists && bytes.Equal(data, old) {
			continue
		}
		if err := safefile.WriteAtomic(f.t, data, safefile.WriteOptions{Perm: mode, ExactPerm: exists}); err != nil {
			o.warn("%s: not written: %v", f.label(), err)
			continue
		}
		changed = append(changed, f.name)
		written = append(written, f)
	}
	o.warnUnignored(ctx, written)
	return changed
}

// warnUnignored warns about each file just written that git does not ignore: a `git add
// .` would commit this worktree's ports, and every clone would start with them. It asks
// only after a write, which is rare, so keeping an unchanged file costs no process.
func (o Options) warnUnignored(ctx context.Context, files []target) {
	if len(files) == 0 {
		return
	}
	var specs []string
	for _, f := range files {
		rel, _ := filepath.Rel(f.t.Root, f.t.Path)
		specs = append(specs, ":(top,literal)"+filepath.ToSlash(rel))
	}
	out, err := gitwt.Git{Dir: o.Root, Env: o.Env}.Output(ctx, append([]string{"ls-files", "-z", "--full-name", "--others", "--ignored", "--exclude-standard", "--"}, specs...)...)
	if err != nil {
		return // only advice depends on it
	}
	ignored := map[string]bool{}
	for _, p := range strings.Split(out, "\x00") {
		ignored[p] = true
	}
	for _, f := range files {
		rel, _ := filepath.Rel(f.t.Root, f.t.Path)
		if !ignored[filepath.ToSlash(rel)] {
			o.warn("%s: git does not ignore it, so a `git add .` would commit this worktree's ports; add it to .gitignore", f.label())
		}
	}
}

// Release removes the block from each file, leaving it as it was before the block came,
// and removes a file the block created when nothing else is in it. It returns the files
// it changed, as listed.
func Release(ctx context.Context, o Options) []string {
	var changed []string
	for _, f := range o.targets(ctx) {
		old, exists, mode, ok := f.read(o)
		if !ok || !exists {
			continue
		}
		data, remove, found, err := Strip(old)
		switch {
		case err != nil:
			o.warn("%s: block not removed: %v", f.label(), err)
			continue
		case !found:
			continue
		case remove:
			err = safefile.Remove(f.t)
		default:
			err = safefile.WriteAtomic(f.t, data, safefile.WriteOptions{Perm: mode, ExactPerm: true})
		}
		if err != nil {
			o.warn("%s: block not removed: %v", f.label(), err)
			continue
		}
		changed = append(changed, f.name)
	}
	return changed
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

// target is one listed file that may be written: checked, and resolved inside the
// worktree.
type target struct {
	name string // as listed
	t    safefile.Target
}

func (f target) label() string { return "dotenv file " + untrusted.New(f.name).String() }

// targets checks each listed file and resolves it, and leaves out, with a warning, each
// that may not be written: an absolute path or one with "..", one whose symlinks lead
// out of the worktree, one inside a git directory, the tool's own files, and one git
// tracks (the listed path or the file it leads to). If git cannot say which files it
// tracks, none is written.
func (o Options) targets(ctx context.Context) []target {
	var out []target
	seen := map[string]bool{}
	for _, name := range o.Files {
		label := "dotenv file " + untrusted.New(name).String()
		slash := filepath.ToSlash(name)
		if filepath.IsAbs(name) || strings.HasPrefix(slash, "/") {
			o.warn("%s: refused: not relative to the worktree's top level", label)
			continue
		}
		if hasDotDot(slash) {
			o.warn("%s: refused: a path with .. may leave the worktree", label)
			continue
		}
		t, err := safefile.Resolve(filepath.Join(o.Root, name), o.Root)
		if err != nil {
			o.warn("%s: refused: %v", label, err)
			continue
		}
		rel, err := filepath.Rel(t.Root, t.Path)
		if err != nil || rel == "." {
			o.warn("%s: refused: not a file in the worktree", label)
			continue
		}
		rel = filepath.ToSlash(rel)
		switch {
		case inGitDir(rel):
			o.warn("%s: refused: it lies in a git directory (%s)", label, untrusted.New(rel))
			continue
		case rel == reserve.FileName || rel == config.FileName:
			o.warn("%s: refused: it is git-worktree-ports' own %s", label, rel)
			continue
		case seen[t.Path]:
			continue // another name for a file already listed
		}
		seen[t.Path] = true
		out = append(out, target{name: name, t: t})
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
		if tracked[f.name] {
			o.warn("%s: refused: git tracks it (or the file it leads to); a committed file would hand this worktree's ports to every clone. Stop tracking it (git rm --cached) or list another file", f.label())
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// tracked asks git, in one process, which of the files are in its index, each by the
// path listed and by the path it resolves to, and returns the listed names of those
// that are.
func (o Options) tracked(ctx context.Context, files []target) (map[string]bool, error) {
	byPath := map[string][]string{}
	var specs []string
	ask := func(rel, name string) {
		rel = filepath.ToSlash(rel)
		if _, dup := byPath[rel]; !dup {
			specs = append(specs, ":(top,literal)"+rel)
		}
		byPath[rel] = append(byPath[rel], name)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(f.t.Root, f.t.Path)
		ask(rel, f.name)
		// The listed path too, unless a directory on its way is a symlink: git refuses
		// a pathspec beyond one, and the resolved path already covers where it leads.
		if p, err := safefile.ResolveParent(filepath.Join(o.Root, f.name), o.Root); err == nil {
			if lrel, err := filepath.Rel(p.Root, p.Path); err == nil && filepath.ToSlash(lrel) == filepath.ToSlash(filepath.Clean(f.name)) {
				ask(lrel, f.name)
			}
		}
	}
	out, err := gitwt.Git{Dir: o.Root, Env: o.Env}.Output(ctx, append([]string{"ls-files", "-z", "--full-name", "--"}, specs...)...)
	if err != nil {
		return nil, err
	}
	tracked := map[string]bool{}
	for _, p := range strings.Split(out, "\x00") {
		for _, name := range byPath[p] {
			tracked[name] = true
		}
	}
	return tracked, nil
}

// read returns the file's bytes, whether it exists and the mode to write it with. ok is
// false, after a warning, when it cannot be used: not a regular file, too large,
// unreadable.
func (f target) read(o Options) (data []byte, exists bool, mode fs.FileMode, ok bool) {
	data, err := safefile.Read(f.t.Path, MaxSize)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(f.t.Path); lerr == nil {
			o.warn("%s: left alone: a symlink to a missing file", f.label())
			return nil, false, 0, false
		}
		return nil, false, newFilePerm, true
	default:
		reason := err.Error()
		var se *safefile.Error
		if errors.As(err, &se) {
			reason = se.Reason
		}
		o.warn("%s: left alone: %s", f.label(), reason)
		return nil, false, 0, false
	}
	fi, err := os.Stat(f.t.Path)
	if err != nil {
		o.warn("%s: left alone: %v", f.label(), err)
		return nil, false, 0, false
	}
	return data, true, fi.Mode().Perm(), true
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
// .git directory (this worktree's, a nested repository's), compared as a
// case-insensitive file system would.
func inGitDir(rel string) bool {
	for _, c := range strings.Split(rel, "/") {
		if strings.EqualFold(c, ".git") {
			return true
		}
	}
	return false
}
