// Install and Uninstall: where the hook file goes, and how a foreign hook is edited
// around our block (see the package doc).

package hooks

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// HookName is the git hook that git-worktree-ports installs.
const HookName = "post-checkout"

// Options says where to install the hook and what it calls.
type Options struct {
	// HooksDir is where git looks for hooks: the output of
	// `git rev-parse --path-format=absolute --git-path hooks`, which honours core.hooksPath.
	HooksDir string
	// HooksPath is the raw core.hooksPath value, or "" when it is unset. It is used only
	// to recognise husky.
	HooksPath string
	// Toplevel is the worktree's top level, where lefthook and pre-commit keep their
	// configuration. When empty (a global install) no hook manager is looked for.
	Toplevel string
	// Binary is the absolute path of the running binary with symlinks resolved. The hook
	// records it, so that git clients with a minimal PATH still find it.
	Binary string
	// Home is the user's home directory, for a core.hooksPath that starts with ~; "" when
	// it is not known.
	Home string
	// GitDirs are the repository's git directory and common directory. A hook file in
	// the working tree whose symlinks lead into one of them (or into any .git, or a nested
	// repository) is refused: see checkGitLinks.
	GitDirs []string
}

// The actions a Result reports.
const (
	ActionCreated   = "created"   // a whole hook of ours was written where there was none
	ActionUpdated   = "updated"   // our block was upgraded in place
	ActionAdded     = "added"     // our block was added to a foreign hook
	ActionUnchanged = "unchanged" // nothing needed doing; no file was written
	ActionRemoved   = "removed"   // our block was removed from a foreign hook
	ActionDeleted   = "deleted"   // a whole hook of ours was deleted
)

// Result says what Install or Uninstall did.
type Result struct {
	// Path is the hook file acted on, with symlinks resolved.
	Path string
	// Action is one of the Action constants.
	Action string
	// Message is one or two human-readable lines for stderr.
	Message string
}

// ManualError is a refusal to edit a hook: the caller prints it and exits with the
// usage-class code. No file has been changed.
type ManualError struct {
	// Path is the file the user should edit.
	Path string
	// Line is the exact text to add to it by hand.
	Line string
	// Why says why it was not added automatically, and ends with what to do with Line.
	Why string
}

// Error returns the path, the reason with what to do, and the indented text to add.
func (e *ManualError) Error() string {
	return fmt.Sprintf("%s: %s:\n\n%s", e.Path, e.Why, indent(e.Line))
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}

// huskyKind tells how git or husky runs the hook file we edit.
type huskyKind int

const (
	noHusky   huskyKind = iota
	husky9              // .husky/_/post-checkout runs .husky/post-checkout through `sh -e`
	husky4to8           // core.hooksPath is .husky itself, so git runs the file directly
)

// target returns the file to edit, how it is run, and the directories that file may lie
// in or link into (see place).
func target(o Options) (string, huskyKind, []string) {
	dir, roots := place(o)
	raw := strings.TrimRight(filepath.ToSlash(o.HooksPath), "/")
	switch {
	case raw == "":
	case path.Base(raw) == "_" && path.Base(path.Dir(raw)) == ".husky":
		// husky v9 regenerates .husky/_ (and gitignores it); the committed user file is
		// one level up.
		return filepath.Join(filepath.Dir(dir), HookName), husky9, roots
	case path.Base(raw) == ".husky":
		return filepath.Join(dir, HookName), husky4to8, roots
	}
	return filepath.Join(dir, HookName), noHusky, roots
}

// place returns the hooks directory as the repository spells it, and the directories a
// hook file may lie in or lead into through a symlink: the working tree, and git's hooks
// directory unless that lies in the working tree.
//
// A hooks directory inside the working tree (core.hooksPath = .husky/_ or .githooks) is
// committed content, and so is any symlink in it: a committed .husky that links to
// another directory, or a .husky/post-checkout that links to ~/.gitconfig, would
// otherwise carry the write out of the repository. git resolves the symlinks of
// core.hooksPath in `--git-path hooks`, which would hide exactly that, so the directory
// is spelled here from the raw value. git's own .git/hooks and a core.hooksPath outside
// the working tree (a global one, say) are the user's, and are a root of their own.
func place(o Options) (string, []string) {
	dir := filepath.Clean(o.HooksDir)
	if o.Toplevel == "" {
		return dir, []string{dir}
	}
	top := filepath.Clean(o.Toplevel)
	raw := o.HooksPath
	spelled := ""
	switch {
	case raw == "":
	case raw == "~" || strings.HasPrefix(raw, "~/"):
		if o.Home != "" {
			spelled = filepath.Join(o.Home, raw[1:])
		}
	case filepath.IsAbs(raw):
		spelled = filepath.Clean(raw)
	default:
		spelled = filepath.Join(top, raw)
	}
	if spelled != "" && isUnder(spelled, top) {
		return spelled, []string{top}
	}
	if isUnder(dir, top) && raw != "" {
		return dir, []string{top}
	}
	return dir, []string{top, dir}
}

// isUnder reports whether p is dir or lies below it, both clean and absolute.
func isUnder(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func checkOptions(o Options) error {
	if o.HooksDir == "" {
		return errors.New("hook: no hooks directory given")
	}
	if !filepath.IsAbs(o.Binary) {
		return fmt.Errorf("hook: binary path %q is not absolute", o.Binary)
	}
	if strings.ContainsAny(o.Binary, "\n\r\x00") {
		return fmt.Errorf("hook: binary path %q contains a newline or NUL", o.Binary)
	}
	return nil
}

// hookFile is the current state of the file to edit.
type hookFile struct {
	at     safefile.Target // where a write goes: symlinks resolved, checked to stay inside
	path   string          // for messages: symlinks resolved when the file exists
	data   []byte
	mode   fs.FileMode
	exists bool
}

// readHook reads name, following a symlink so that the file it points to is edited and
// the link stays a link. A symlink, the file's own or a directory's on the way, that
// leads out of roots is refused with a *safefile.EscapeError before anything is read.
func readHook(name string, roots []string) (hookFile, error) {
	at, err := safefile.Resolve(name, roots...)
	if err != nil {
		return hookFile{}, err
	}
	fi, err := os.Stat(at.Path)
	if errors.Is(err, fs.ErrNotExist) {
		if lfi, lerr := os.Lstat(name); lerr == nil && lfi.Mode()&fs.ModeSymlink != 0 {
			return hookFile{}, fmt.Errorf("%s is a dangling symlink; remove it or fix it first", name)
		}
		return hookFile{at: at, path: name}, nil
	}
	if err != nil {
		return hookFile{}, err
	}
	if !fi.Mode().IsRegular() {
		return hookFile{}, fmt.Errorf("%s is not a regular file", at.Path)
	}
	data, err := os.ReadFile(at.Path)
	if err != nil {
		return hookFile{}, err
	}
	return hookFile{at: at, path: at.Path, data: data, mode: fi.Mode().Perm(), exists: true}, nil
}

// Install puts the post-checkout hook where git (or husky) runs it. A second identical
// Install writes nothing and reports ActionUnchanged. A refusal is a *ManualError.
func Install(o Options) (Result, error) {
	if err := checkOptions(o); err != nil {
		return Result{}, err
	}
	name, husky, roots := target(o)
	h, err := readHook(name, roots)
	if err != nil {
		return Result{}, err
	}
	if err := checkGitLinks(o, name); err != nil {
		return Result{}, err
	}
	block := []byte(Block(o.Binary))

	if h.exists {
		start, end, found, err := findBlock(h.data)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w; fix it by hand", h.path, err)
		}
		if found {
			return upgrade(h, start, end, block)
		}
	}
	if husky == noHusky {
		if merr := managed(o, h); merr != nil {
			return Result{}, merr
		}
	}
	if !h.exists {
		return create(h, husky, o)
	}
	if merr := checkEditable(h, husky, o.Binary); merr != nil {
		return Result{}, merr
	}
	at := insertAt(h.data)
	var out []byte
	out = append(out, h.data[:at]...)
	if at > 0 && h.data[at-1] != '\n' {
		out = append(out, '\n')
	}
	out = append(out, block...)
	out = append(out, h.data[at:]...)
	if err := writeFile(h.at, out, h.mode); err != nil {
		return Result{}, err
	}
	return Result{Path: h.path, Action: ActionAdded,
		Message: fmt.Sprintf("added the git-worktree-ports block to the existing post-checkout hook %s", h.path)}, nil
}

func upgrade(h hookFile, start, end int, block []byte) (Result, error) {
	old := h.data[start:end]
	if v, _ := ParseStartMarker(firstLine(old)); v > Version {
		return Result{}, fmt.Errorf("%s holds a newer hook block (v%d) than this git-worktree-ports writes (v%d); upgrade git-worktree-ports", h.path, v, Version)
	}
	// Keep a missing final newline missing, so Uninstall can still restore the rest.
	if !bytes.HasSuffix(old, []byte("\n")) {
		block = bytes.TrimSuffix(block, []byte("\n"))
	}
	if bytes.Equal(old, block) {
		return Result{Path: h.path, Action: ActionUnchanged,
			Message: fmt.Sprintf("post-checkout hook %s is already up to date", h.path)}, nil
	}
	out := make([]byte, 0, len(h.data)-len(old)+len(block))
	out = append(out, h.data[:start]...)
	out = append(out, block...)
	out = append(out, h.data[end:]...)
	if err := writeFile(h.at, out, h.mode); err != nil {
		return Result{}, err
	}
	return Result{Path: h.path, Action: ActionUpdated,
		Message: fmt.Sprintf("updated the git-worktree-ports block in post-checkout hook %s", h.path)}, nil
}

func create(h hookFile, husky huskyKind, o Options) (Result, error) {
	if err := writeFile(h.at, []byte(File(o.Binary)), 0o755); err != nil {
		return Result{}, err
	}
	name := h.path
	msg := fmt.Sprintf("installed post-checkout hook %s", name)
	if husky == husky9 {
		if _, err := os.Stat(filepath.Join(filepath.Clean(o.HooksDir), HookName)); err != nil {
			msg += fmt.Sprintf("\nhusky has not generated %s yet; run husky (npm install) so it runs this file",
				filepath.Join(filepath.Clean(o.HooksDir), HookName))
		}
	}
	if husky != noHusky {
		msg += "\nit is husky's committed hook file: commit it to share it"
	}
	return Result{Path: name, Action: ActionCreated, Message: msg}, nil
}

// Uninstall removes our block from the hook, or the whole hook when it holds nothing
// else. With nothing of ours there it reports ActionUnchanged and no error.
func Uninstall(o Options) (Result, error) {
	if o.HooksDir == "" {
		return Result{}, errors.New("hook: no hooks directory given")
	}
	name, _, roots := target(o)
	h, err := readHook(name, roots)
	if err != nil {
		return Result{}, err
	}
	if err := checkGitLinks(o, name); err != nil {
		return Result{}, err
	}
	if !h.exists {
		return Result{Path: name, Action: ActionUnchanged, Message: uninstallNothing(o, name)}, nil
	}
	start, end, found, err := findBlock(h.data)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w; fix it by hand", h.path, err)
	}
	if !found {
		return Result{Path: h.path, Action: ActionUnchanged, Message: uninstallNothing(o, h.path)}, nil
	}
	rest := append(append([]byte{}, h.data[:start]...), h.data[end:]...)
	if isOwnSkeleton(rest) {
		if err := safefile.Remove(h.at); err != nil {
			return Result{}, err
		}
		return Result{Path: h.path, Action: ActionDeleted,
			Message: fmt.Sprintf("deleted post-checkout hook %s", h.path)}, nil
	}
	if err := writeFile(h.at, rest, h.mode); err != nil {
		return Result{}, err
	}
	return Result{Path: h.path, Action: ActionRemoved,
		Message: fmt.Sprintf("removed the git-worktree-ports block from post-checkout hook %s", h.path)}, nil
}

func uninstallNothing(o Options, name string) string {
	msg := fmt.Sprintf("no git-worktree-ports hook in %s", name)
	if cfg := managerConfig(o.Toplevel, lefthookConfigs); cfg != "" {
		msg += fmt.Sprintf("\nif you added git worktree-ports to %s, remove it there by hand", cfg)
	}
	if cfg := managerConfig(o.Toplevel, preCommitConfigs); cfg != "" {
		msg += fmt.Sprintf("\nif you added git worktree-ports to %s, remove it there by hand", cfg)
	}
	return msg
}

// isOwnSkeleton reports whether rest is what File leaves once its block is cut out, so
// the whole file is ours to delete. Any other byte means someone edited it: keep it.
func isOwnSkeleton(rest []byte) bool {
	return string(rest) == Header+Footer
}

// findBlock returns the byte range of our block, from the start of its start marker line
// to the end of its end marker line (including the newline, when there is one).
func findBlock(data []byte) (start, end int, found bool, err error) {
	open := -1 // offset of a start marker whose end marker is still to come
	for off := 0; off < len(data); {
		next := len(data)
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		line := strings.TrimSuffix(string(data[off:next]), "\n")
		if _, ok := ParseStartMarker(line); ok {
			if open >= 0 || found {
				return 0, 0, false, errors.New("more than one git-worktree-ports start marker")
			}
			open = off
		} else if line == EndMarker {
			if open < 0 {
				return 0, 0, false, errors.New("a git-worktree-ports end marker without its start marker")
			}
			start, end, found, open = open, next, true, -1
		}
		off = next
	}
	if open >= 0 {
		return 0, 0, false, errors.New("a git-worktree-ports start marker without its end marker")
	}
	return start, end, found, nil
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

// insertAt returns where the block goes in a foreign hook: right after the shebang line,
// or at the very top when there is none.
func insertAt(data []byte) int {
	if !bytes.HasPrefix(data, []byte("#!")) {
		return 0
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1
	}
	return len(data)
}

// writeFile replaces the file at t atomically with data and exactly the given permission
// bits, so git never runs a half-written hook and a running hook keeps its old inode. It
// creates missing directories on the way, inside t's root only.
func writeFile(t safefile.Target, data []byte, perm fs.FileMode) error {
	return safefile.WriteAtomic(t, data, safefile.WriteOptions{
		Perm: perm, ExactPerm: true, DirPerm: 0o755, TempPrefix: ".",
	})
}
