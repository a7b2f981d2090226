package inventory

import (
	"fmt"

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
