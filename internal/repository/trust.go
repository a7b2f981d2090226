package repository

import (
	"fmt"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
)

// Approval is what a config may do here: Config is the loaded config when this user
// approved its content (or asks nothing beyond the ports), else its ports-only form
// (config.Config.PortsOnly). ID names the approval it stands under (with no digest when
// nothing needed approving), or, after a "-", the approval it waits for (trust.Pending); Note is the one line saying what waits for `trust`, "" when
// nothing does.
type Approval struct {
	Config config.Config
	ID     string
	Note   string
	// ByPath says the approval comes from a trusted directory in git config
	// (config.TrustedPath), not from a recorded approval.
	ByPath bool
}

// Approve applies this user's approvals to c, the config of the worktree at
// r.Loc.Toplevel. getenv finds the per-user state directory and the home directory.
func (r *Repo) Approve(c config.Config, getenv func(string) string) Approval {
	if len(c.Beyond()) == 0 {
		// Nothing to approve; the ID still names the repository, so that env can tell
		// when a later content asks for more (trust.ID with no digest).
		return Approval{Config: c, ID: trust.ID(r.Loc.CommonDir, "")}
	}
	id := trust.ID(r.Loc.CommonDir, c.Digest)
	store, err := trust.Open(getenv)
	if err == nil && store.Approved(id) {
		return Approval{Config: c, ID: id}
	}
	if r.TrustedByPath(getenv) {
		return Approval{Config: c, ID: trust.PathPrefix + id, ByPath: true}
	}
	return Approval{Config: c.PortsOnly(), ID: trust.PendingPrefix + id, Note: UnapprovedNote(c.BeyondSummary(), err == nil && store.Has(r.Loc.CommonDir))}
}

// TrustedByPath reports whether the user's git config trusts every repository under a
// directory holding this worktree (config.TrustedPath).
func (r *Repo) TrustedByPath(getenv func(string) string) bool {
	dirs := config.TrustedPaths(entries(r.Config))
	return len(dirs) > 0 && trust.UnderTrustedPath(r.Loc.Toplevel, dirs, getenv("HOME"))
}

// UnapprovedNote is the one line that says the config is used for its ports alone, and
// names the command that reviews it. asks names what it asks beyond the ports
// (config.Config.BeyondSummary), "" for "more"; changed says another content of it was
// approved before.
func UnapprovedNote(asks string, changed bool) string {
	state := "not approved"
	if changed {
		state = "changed since you approved it"
	}
	what := asks + " beyond the ports"
	if asks == "" {
		what = "more than the ports"
	}
	return fmt.Sprintf("note: %s asks for %s; %s, so only the ports are used: run `git worktree-ports trust` to review it", config.FileName, what, state)
}
