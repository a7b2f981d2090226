package gitfiles

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// FuzzFilesAgainstGit mutates a repository's on-disk layout (the administrative files
// of its linked worktrees, their directories, HEAD's branch, a few config keys) as the
// fuzz bytes say, then reads it with Files. Where Files answers, git must list exactly
// that; where it cannot be sure, it must fall back. git runs only for the answers, once
// per input, which keeps a run of a few hundred inputs (what `make fuzz-short` gives a
// target named ...AgainstGit) within seconds.
//
// The bytes are read as a program, one choice per byte (see fuzzLayout.apply); the seeds
// try each choice alone, so even the seed corpus, run by `go test`, covers every one.
func FuzzFilesAgainstGit(f *testing.F) {
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git not installed")
	}
	l := newFuzzLayout(f)
	f.Add([]byte{})
	for pos := 0; pos < fuzzProgramLen; pos++ {
		for v := 1; v < fuzzChoices(pos); v++ {
			b := make([]byte, pos+1)
			b[pos] = byte(v)
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, program []byte) {
		// Where git runs: the common directory, the main worktree, or the first linked
		// one when the program left its entry and directory as they were (elsewhere
		// git could not run there, and the Location would be a lie).
		loc := gitwt.Location{CommonDir: l.common}
		dir := l.common
		switch l.apply(t, program) {
		case 1:
			loc = gitwt.Location{Toplevel: l.main, GitDir: l.common, CommonDir: l.common}
			dir = l.main
		case 2:
			dir = filepath.Join(l.root, l.ids[0])
			loc = gitwt.Location{Toplevel: dir, GitDir: filepath.Join(l.common, "worktrees", l.ids[0]), CommonDir: l.common}
		}
		got, err := Files{Loc: loc, Env: l.env}.Worktrees()
		if err != nil && !errors.Is(err, ErrUseGit) {
			t.Fatalf("Files failed without falling back: %v", err)
		}
		// PathsOnly reads less, so it may answer where the full read falls back (a HEAD
		// or locked git reads its own way); its places must still be git's.
		paths, perr := Files{Loc: loc, Env: l.env, PathsOnly: true}.Worktrees()
		if perr != nil && !errors.Is(perr, ErrUseGit) {
			t.Fatalf("Files with PathsOnly failed without falling back: %v", perr)
		}
		if err == nil && perr != nil {
			t.Fatalf("Files answered %+v, and fell back with PathsOnly: %v", got, perr)
		}
		if perr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		want, gerr := ListWorktrees(ctx, gitwt.Git{Dir: dir, Env: l.env})
		if gerr != nil {
			t.Fatalf("Files answered %+v (PathsOnly %+v) where git fails: %v\n%s", got, paths, gerr, l.describe())
		}
		if err == nil && !reflect.DeepEqual(got, withoutHeads(want)) {
			t.Fatalf("from %s:\nFiles %+v\n  git %+v\n%s", dir, got, withoutHeads(want), l.describe())
		}
		if why := placesOf(paths, withoutHeads(want), loc); why != "" {
			t.Fatalf("from %s with PathsOnly: %s\nFiles %+v\n  git %+v\n%s", dir, why, paths, withoutHeads(want), l.describe())
		}
	})
}

// fuzzLayout is a repository with three linked worktrees, put back as it was before
// each input.
type fuzzLayout struct {
	root, main, common string
	env                []string
	ids                []string
	oid                string
	pristine           map[string]string // file -> content, under root
}

func newFuzzLayout(f *testing.F) *fuzzLayout {
	root, err := filepath.EvalSymlinks(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	home := filepath.Join(root, ".home")
	l := &fuzzLayout{root: root, main: filepath.Join(root, "main"), ids: []string{"w0", "w1", "w2"}, pristine: map[string]string{}}
	l.common = filepath.Join(l.main, ".git")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			l.env = append(l.env, kv)
		}
	}
	l.env = append(l.env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_CEILING_DIRECTORIES="+root, "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	if err := os.MkdirAll(home, 0o755); err != nil {
		f.Fatal(err)
	}
	git := func(dir string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, l.env
		out, err := cmd.CombinedOutput()
		if err != nil {
			f.Fatalf("git %q: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git(root, "init", "-q", "-b", "main", l.main)
	git(l.main, "commit", "-q", "--allow-empty", "-m", "init")
	l.oid = git(l.main, "rev-parse", "HEAD")
	for _, id := range l.ids {
		git(l.main, "worktree", "add", "-q", filepath.Join(root, id))
	}
	for _, id := range l.ids {
		for _, name := range []string{"gitdir", "HEAD", "commondir"} {
			l.keep(filepath.Join(l.common, "worktrees", id, name))
		}
		l.keep(filepath.Join(root, id, ".git"))
	}
	l.keep(filepath.Join(l.common, "config"))
	l.keep(filepath.Join(l.common, "refs", "heads", "w1"))
	return l
}

func (l *fuzzLayout) keep(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	l.pristine[path] = string(data)
}

// reset puts the layout back: the worktrees directory and the worktrees' directories
// rebuilt from the kept files, the config and the branch rewritten.
func (l *fuzzLayout) reset(t *testing.T) {
	for _, p := range append([]string{filepath.Join(l.common, "worktrees")}, l.dirs()...) {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
	for path, content := range l.pristine {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func (l *fuzzLayout) dirs() []string {
	var out []string
	for _, id := range l.ids {
		out = append(out, filepath.Join(l.root, id))
	}
	return out
}

// The program: byte 0 picks where git runs, bytes 1-3 the config, 4 the branch w1
// points to, then 7 bytes for each worktree. Raw content for a file comes from the end
// of the program.
const (
	fuzzHeader       = 5
	fuzzPerWorktree  = 7
	fuzzProgramLen   = fuzzHeader + 3*fuzzPerWorktree
	fuzzMaxRawLength = 48
)

// fuzzChoices is the number of choices at a position of the program.
func fuzzChoices(pos int) int {
	if pos < fuzzHeader {
		return []int{3, 5, 4, 2, 4}[pos]
	}
	return []int{5, 13, 7, 12, 8, 4, 3}[(pos-fuzzHeader)%fuzzPerWorktree]
}

// apply resets the layout and carries out the program; it says where git runs: 0 in the
// common directory, 1 in the main worktree, 2 in the first linked worktree.
func (l *fuzzLayout) apply(t *testing.T, program []byte) (where int) {
	l.reset(t)
	pos := 0
	next := func() int {
		if pos >= fuzzProgramLen || pos >= len(program) {
			pos++
			return 0
		}
		v := int(program[pos]) % fuzzChoices(pos)
		pos++
		return v
	}
	rawAt := fuzzProgramLen
	raw := func() string {
		if rawAt >= len(program) {
			return "\x00"
		}
		n := min(int(program[rawAt])%fuzzMaxRawLength, len(program)-rawAt-1)
		s := string(program[rawAt+1 : rawAt+1+n])
		rawAt += 1 + n
		return s
	}
	write := func(path, content string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		os.RemoveAll(path)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mkdir := func(path string) {
		os.RemoveAll(path)
		if err := os.MkdirAll(path, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	symlink := func(target, path string) {
		os.RemoveAll(path)
		if err := os.Symlink(target, path); err != nil {
			t.Fatal(err)
		}
	}
	config := func(args ...string) {
		cmd := exec.Command("git", append([]string{"config", "-f", filepath.Join(l.common, "config")}, args...)...)
		cmd.Env = l.env
		if out, err := cmd.CombinedOutput(); err != nil && args[0] != "--unset" {
			t.Fatalf("git config %q: %v\n%s", args, err, out)
		}
	}

	where = next()
	switch next() { // core.bare
	case 1:
		config("--unset", "core.bare")
	case 2:
		config("core.bare", "true")
	case 3:
		config("core.bare", "maybe")
	case 4:
		config("core.bare", "2147483648") // beyond git's int: git dies
	}
	switch next() { // worktreeConfig, with config.worktree files below
	case 1:
		config("core.repositoryformatversion", "1")
		config("extensions.worktreeConfig", "true")
	case 2:
		config("extensions.worktreeConfig", "true")
		write(filepath.Join(l.common, "config.worktree"), "[core]\n\tbare = true\n")
	case 3:
		config("core.repositoryformatversion", "1")
		config("extensions.objectFormat", "SHA1") // git compares the name exactly
	}
	if next() == 1 {
		config("core.ignorecase", "true")
	}
	branch := filepath.Join(l.common, "refs", "heads", "w1")
	switch next() {
	case 1:
		write(branch, "not an id\n")
	case 2:
		write(branch, "ref: refs/heads/main\n")
	case 3:
		os.Remove(branch)
	}

	for i, id := range l.ids {
		adm := filepath.Join(l.common, "worktrees", id)
		top := filepath.Join(l.root, id)
		other := filepath.Join(l.root, l.ids[(i+1)%len(l.ids)])
		switch next() { // the entry itself
		case 1:
			os.RemoveAll(adm)
		case 2:
			write(adm, "not a directory\n")
		case 3:
			mkdir(adm)
		case 4:
			symlink(filepath.Join(l.common, "worktrees", l.ids[(i+1)%len(l.ids)]), adm)
		}
		fi, err := os.Lstat(adm)
		isDir := err == nil && fi.IsDir()
		file := func(name string) string { return filepath.Join(adm, name) }
		if !isDir {
			for range fuzzPerWorktree - 1 {
				next()
			}
			continue
		}
		switch next() { // gitdir
		case 1:
			os.Remove(file("gitdir"))
		case 2:
			write(file("gitdir"), "")
		case 3:
			write(file("gitdir"), "\n")
		case 4:
			write(file("gitdir"), "../../../../"+id+"/.git\n")
		case 5:
			write(file("gitdir"), "/nonexistent/"+id+"/.git\n")
		case 6:
			write(file("gitdir"), top+"\n")
		case 7:
			write(file("gitdir"), top+"/.git  \t\n")
		case 8:
			write(file("gitdir"), raw())
		case 9:
			mkdir(file("gitdir"))
		case 10:
			write(file("gitdir"), top+"/.git\r\n")
		case 11:
			write(file("gitdir"), other+"/.git\n")
		case 12:
			write(file("gitdir"), "/"+raw()+"/.git\n")
		}
		switch next() { // locked
		case 1:
			write(file("locked"), "")
		case 2:
			write(file("locked"), "a reason\n")
		case 3:
			write(file("locked"), "  spaced\treason \t\r\n")
		case 4:
			write(file("locked"), raw())
		case 5:
			mkdir(file("locked"))
		case 6:
			symlink(filepath.Join(l.root, "missing"), file("locked"))
		}
		switch next() { // HEAD
		case 1:
			os.Remove(file("HEAD"))
		case 2:
			write(file("HEAD"), "")
		case 3:
			write(file("HEAD"), strings.Repeat("0", 40)+"\n")
		case 4:
			write(file("HEAD"), l.oid+"\n")
		case 5:
			write(file("HEAD"), "ref: refs/heads/unborn-"+id+"\n")
		case 6:
			write(file("HEAD"), "ref:refs/heads/w1")
		case 7:
			write(file("HEAD"), raw())
		case 8:
			write(file("HEAD"), "ref: refs/heads/bad..name\n")
		case 9:
			write(file("HEAD"), l.oid+" junk\n")
		case 10:
			write(file("HEAD"), l.oid[:39]+"\n")
		case 11:
			write(file("HEAD"), "ref: "+raw()+"\n")
		}
		switch next() { // commondir
		case 1:
			os.Remove(file("commondir"))
		case 2:
			write(file("commondir"), "")
		case 3:
			write(file("commondir"), l.common+"\n")
		case 4:
			write(file("commondir"), "../..\r\n")
		case 5:
			write(file("commondir"), raw())
		case 6:
			write(file("commondir"), "/nonexistent\n")
		case 7:
			write(file("commondir"), ".\n")
		}
		switch next() { // the worktree's directory
		case 1:
			os.RemoveAll(top)
		case 2:
			os.Remove(filepath.Join(top, ".git"))
		case 3:
			mkdir(filepath.Join(top, ".git"))
		}
		switch next() { // extra files
		case 1:
			write(file("index"), raw())
		case 2:
			write(file("config.worktree"), "[core]\n\tbare = true\n")
			write(filepath.Join(l.common, "worktrees", "stray"), "x\n")
		}
	}
	if where == 2 {
		// Only where the first worktree is whole: its entry, gitdir, HEAD, commondir and
		// directory as they were.
		first := program[min(len(program), fuzzHeader):min(len(program), fuzzHeader+fuzzPerWorktree)]
		for i, b := range first {
			if i != 2 && i != 6 && int(b)%fuzzChoices(fuzzHeader+i) != 0 {
				where = 0
			}
		}
	}
	return where
}

// describe lists the administrative files, for a failure's message.
func (l *fuzzLayout) describe() string {
	var b strings.Builder
	config, _ := os.ReadFile(filepath.Join(l.common, "config"))
	b.WriteString("config:\n" + string(config))
	filepath.Walk(filepath.Join(l.common, "worktrees"), func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(l.common, path)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			b.WriteString(rel + " -> " + target + "\n")
		case fi.Mode().IsRegular():
			data, _ := os.ReadFile(path)
			b.WriteString(rel + ": " + strings.ReplaceAll(string(data), "\n", `\n`) + "\n")
		default:
			b.WriteString(rel + "/\n")
		}
		return nil
	})
	return b.String()
}
