package inventory

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/dotenvfile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"

	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// staleMessage says why the reservation at path of worktree w is stale, naming the cause
// the drift d shows: only values derived from the branch differ (the branch changed since
// the file was written, as after a git switch without the hook), or the config changed.
func staleMessage(path string, w Worktree, d claim.Drift) string {
	if d.BranchOnly(w.BranchVars) {
		branch := "a detached HEAD"
		if w.Row.Branch != "" {
			branch = "branch " + untrusted.New(w.Row.Branch).String()
		}
		return fmt.Sprintf("%s was written for another branch than the one checked out, %s (%s), so env and exec give programs the previous branch's values", path, branch, d)
	}
	return fmt.Sprintf("%s was written before its config changed (%s), so env and exec do not give programs what the config says", path, d)
}

// findUnignored asks git, in each worktree with a reservation whose config lists dotenv
// files, which of them git does not ignore (dotenvfile.Unignored): one git process per
// such worktree, in parallel. A git that fails says nothing: only advice depends on it.
func findUnignored(ctx context.Context, wts []Worktree, env []string) {
	var wg sync.WaitGroup
	for i := range wts {
		w := &wts[i]
		if w.Reservation == nil || len(w.dotenv) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rels := make([]string, len(w.dotenv))
			for j, d := range w.dotenv {
				rels[j] = path.Clean(filepath.ToSlash(d))
			}
			w.Unignored, _ = dotenvfile.Unignored(ctx, w.Row.Path, gitwt.WithoutLocation(env), rels)
		}()
	}
	wg.Wait()
}

// checkUnignoredDotenv advises ignoring each dotenv file that holds a worktree's block
// and that git does not ignore: a `git add .` would commit the worktree's ports, and
// `git worktree remove` refuses the worktree for an untracked file. The hook counts this
// warning when it writes the file, and allocate shows it; doctor keeps saying it.
func checkUnignoredDotenv(f Facts) []Finding {
	var out []Finding
	for _, w := range f.Worktrees {
		for _, rel := range w.Unignored {
			p := filepath.Join(w.Row.Path, filepath.FromSlash(rel))
			out = append(out, Finding{
				Check: "unignored", Severity: Advice, Path: p,
				Message: fmt.Sprintf("dotenv file %s: %s", untrusted.New(p), dotenvfile.UnignoredReason),
				Fix:     fmt.Sprintf("echo %s >> %s", shquote.Word("/"+rel), shquote.Word(filepath.Join(w.Row.Path, ".gitignore"))),
			})
		}
	}
	return out
}

// checkBareMain advises "mainBranch" when the config names main ports but git's main
// worktree is bare (the layout of `git clone --bare . .bare` with worktrees beside it):
// then no worktree keeps the main ports, and nothing else would say why.
func checkBareMain(f Facts) []Finding {
	if len(f.Worktrees) == 0 || !f.Worktrees[0].Row.Bare {
		return nil
	}
	for _, w := range f.Worktrees[1:] {
		if !w.mainByGit {
			continue
		}
		p := filepath.Join(w.Row.Path, config.FileName)
		return []Finding{{
			Check: "main-ports", Severity: Advice, Path: p,
			Message: fmt.Sprintf("%s names main ports (services.<name>.main), which go to git's main worktree, but that is the bare repository %s: no worktree keeps them", untrusted.New(p), untrusted.New(f.Worktrees[0].Row.Path)),
			Fix:     `add "mainBranch": "main" to the config (the worktree on that branch keeps them), then git worktree-ports trust`,
		}}
	}
	return nil
}
