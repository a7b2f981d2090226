package gitfiles

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// mainPath lists from dir and returns the main worktree's path and git's own line.
func (s *sandbox) mainPath(dir string) (path, listed string) {
	s.t.Helper()
	ws := s.worktrees(dir)
	return ws[0].Path, ws[0].Listed()
}

// locate runs Locate from dir.
func (s *sandbox) locate(dir string) gitwt.Location {
	s.t.Helper()
	loc, err := s.g(dir).Locate(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return loc
}

func TestMainWorktreeOfSubmodule(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	lib := s.Repo("lib")
	super := s.Repo("super")
	s.Git(super, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "vendor/lib")
	sub := filepath.Join(super, "vendor", "lib")
	s.Git(sub, "worktree", "add", "-q", s.Path("lib-b"))
	gitDir := filepath.Join(super, ".git", "modules", "vendor", "lib")

	// From the main worktree and from the linked one, with no note: core.worktree.
	for _, dir := range []string{sub, s.Path("lib-b"), gitDir} {
		path, listed := s.mainPath(dir)
		if path != sub || listed != gitDir {
			t.Errorf("from %s: main worktree %q (git: %q), want %q (git: %q)", dir, path, listed, sub, gitDir)
		}
	}
	if _, err := os.Stat(filepath.Join(gitDir, MainRecordName)); err == nil {
		t.Errorf("listing wrote %s", MainRecordName)
	}

	// git sparse-checkout moves core.worktree into config.worktree.
	s.Git(sub, "sparse-checkout", "init", "--cone")
	if path, _ := s.mainPath(s.Path("lib-b")); path != sub {
		t.Errorf("after sparse-checkout: main worktree %q, want %q", path, sub)
	}
}

func TestMainWorktreeOfSeparateGitDir(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	top, gitDir := s.Path("sep"), s.Path("sep.git")
	s.Git(s.Root, "init", "-q", "--separate-git-dir", gitDir, top)
	s.Git(top, "commit", "-q", "--allow-empty", "-m", "init")
	linked := s.Path("sep-b")
	s.Git(top, "worktree", "add", "-q", linked)

	// git records the working tree nowhere: until the tool has run in the main worktree,
	// a linked one can only give git's answer.
	if path, listed := s.mainPath(linked); path != gitDir || listed != gitDir {
		t.Fatalf("no note: main worktree %q (git: %q), want git's %q", path, listed, gitDir)
	}

	// Run in the main worktree, the tool notes git's --show-toplevel (repository.Discover
	// does, through RecordMain), and every listing then corrects the main worktree.
	if loc := s.locate(top); !InMain(loc) {
		t.Fatalf("InMain(%+v) = false", loc)
	}
	if loc := s.locate(linked); InMain(loc) {
		t.Fatalf("InMain(%+v) = true in a linked worktree", loc)
	}
	if err := RecordMain(top, gitDir); err != nil {
		t.Fatal(err)
	}
	if got, ok := ReadMainRecord(gitDir); !ok || got != top {
		t.Errorf("ReadMainRecord = %q, %v; want %q", got, ok, top)
	}
	if path, listed := s.mainPath(linked); path != top || listed != gitDir {
		t.Errorf("with the note: main worktree %q (git: %q), want %q (git: %q)", path, listed, top, gitDir)
	}

	// A note naming a directory whose .git does not point back here is not believed.
	decoy := s.Repo("decoy")
	s.Write(filepath.Join(gitDir, MainRecordName), decoy+"\n")
	if _, ok := ReadMainRecord(gitDir); ok {
		t.Error("ReadMainRecord believed a directory with its own .git")
	}
	other := s.Path("other")
	s.Write(filepath.Join(other, ".git"), "gitdir: "+s.Path("elsewhere.git")+"\n")
	s.Write(filepath.Join(gitDir, MainRecordName), other+"\n")
	if _, ok := ReadMainRecord(gitDir); ok {
		t.Error("ReadMainRecord believed a .git file naming another git dir")
	}
	for _, bad := range []string{"relative/path\n", top + "/../sep\n", ""} {
		s.Write(filepath.Join(gitDir, MainRecordName), bad)
		if _, ok := ReadMainRecord(gitDir); ok {
			t.Errorf("ReadMainRecord believed %q", bad)
		}
	}
	// RecordMain refuses to note a directory that does not point back.
	if err := RecordMain(decoy, gitDir); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(gitDir, MainRecordName)); string(data) != "" {
		t.Errorf("RecordMain noted %q", data)
	}

	// From a linked worktree, whose .git names its own administrative directory, it
	// notes nothing.
	os.Remove(filepath.Join(gitDir, MainRecordName))
	if err := RecordMain(linked, gitDir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(gitDir, MainRecordName)); err == nil {
		t.Error("RecordMain noted a linked worktree")
	}

	// A symlink planted at the note's name is replaced, never written through.
	target := s.Path("target")
	s.Write(target, "precious\n")
	if err := os.Symlink(target, filepath.Join(gitDir, MainRecordName)); err != nil {
		t.Fatal(err)
	}
	if err := RecordMain(top, gitDir); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(target); string(data) != "precious\n" {
		t.Errorf("RecordMain wrote through a symlink: %q", data)
	}
	if got, ok := ReadMainRecord(gitDir); !ok || got != top {
		t.Errorf("after replacing the symlink: %q, %v", got, ok)
	}
}

func TestMainWorktreeCoreWorktreeByHand(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	top, gitDir := s.Path("hand"), s.Path("store", "hand.git")
	if err := os.Mkdir(s.Path("store"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.Git(s.Root, "init", "-q", "--separate-git-dir", gitDir, top)
	s.Git(top, "commit", "-q", "--allow-empty", "-m", "init")
	s.Git(top, "config", "core.worktree", "../../hand")
	s.Git(top, "worktree", "add", "-q", s.Path("hand-b"))
	if path, listed := s.mainPath(s.Path("hand-b")); path != top || listed != gitDir {
		t.Errorf("main worktree %q (git: %q), want %q", path, listed, top)
	}
	// An absolute core.worktree too.
	s.Git(top, "config", "core.worktree", top)
	if path, _ := s.mainPath(s.Path("hand-b")); path != top {
		t.Errorf("absolute core.worktree: main worktree %q, want %q", path, top)
	}
}

func TestMainWorktreeUsualLayoutUnchanged(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	top := s.Repo("plain")
	s.Git(top, "worktree", "add", "-q", s.Path("plain-b"))
	ws := s.worktrees(s.Path("plain-b"))
	if ws[0].Path != top || ws[0].ListedPath != "" {
		t.Errorf("usual layout: %+v", ws[0])
	}
	raw, err := s.g(s.Path("plain-b")).Worktrees(context.Background())
	if err != nil || len(raw) != len(ws) || raw[0] != ws[0] {
		t.Errorf("usual layout: placed %+v, git's %+v, %v", ws, raw, err)
	}
}

func TestMayName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		config string
		want   bool
	}{
		{"[core]\n\tbare = false\n", false},
		{"[extensions]\n\tworktreeConfig = true\n", false},
		{"[extensions]\n\trelativeWorktrees = true\n", false},
		{"[core]\n\tworktree = ../x\n", true},
		{"[core]\n\tWorkTree=../x\n", true},
		{"[core]\n\tworktree\n", true},
		// git's setup does not follow includes for core.worktree.
		{"[include]\n\tpath = other\n", false},
		{"[includeIf \"gitdir:~/x\"]\n\tpath = other\n", false},
	} {
		p := filepath.Join(dir, "config")
		if err := os.WriteFile(p, []byte(tt.config), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := mayName(p); got != tt.want {
			t.Errorf("mayName(%q) = %v, want %v", tt.config, got, tt.want)
		}
	}
	if mayName(filepath.Join(dir, "missing")) {
		t.Error("a missing file may name core.worktree")
	}
}
