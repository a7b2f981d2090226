package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// serveName is the binary that runs the proxy and the MCP server
// (cmd/git-worktree-ports-serve), installed next to this one. They live apart so that
// net/http and the MCP SDK do not slow every start of this binary.
const serveName = "git-worktree-ports-serve"

// runServe replaces this process with git-worktree-ports-serve, found next to this
// binary, running args in the command's directory with its environment. It returns only
// on failure.
func runServe(f *Factory, args ...string) error {
	exe, err := f.Executable()
	if err != nil {
		return err
	}
	name := serveName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	path := filepath.Join(filepath.Dir(exe), name)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("%s: not found next to %s; `make install` installs both (go install ./cmd/...)", untrusted.New(path), untrusted.New(exe))
	}
	if wd, err := f.workDir(); err == nil {
		if err := os.Chdir(wd); err != nil {
			return err
		}
	}
	return replaceProcess(path, append([]string{path}, args...), f.Environ(), f)
}
