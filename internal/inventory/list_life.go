package inventory

import (
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
)

// noteRange tells, in one line on the diagnostics channel, that the current worktree's
// range comes from git config over the one its committed config gives
// (config.Config.RangeNote): a personal override must not be silent, and list is where
// a user looks at the ports. repo is nil outside a repository; a config that does not
// load says nothing here (doctor reports it).
func noteRange(repo *repository.Repo, d *diag.Sink) {
	if repo == nil || repo.Loc.Toplevel == "" {
		return
	}
	cfg, err := repo.LoadConfig("", 0)
	if err != nil {
		return
	}
	if note := cfg.RangeNote(); note != "" {
		d.Lines(diag.Other)("note: " + note)
	}
}
