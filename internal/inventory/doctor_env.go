package inventory

// The checks of what surrounds the reservations: the hook, core.hooksPath, crash
// leftovers and the inherited environment.

import (
	"fmt"

	"github.com/git-worktree-ports/git-worktree-ports/hooks"
	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
)

func checkInherited(f Facts) []Finding {
	if f.RootEnv == "" || f.Toplevel == "" || f.RootEnvHere {
		return nil
	}
	return []Finding{{
		Check: "inherited", Severity: Problem,
		Message: fmt.Sprintf("WORKTREE_PORTS_ROOT=%s was inherited from another worktree; programs started here get its ports", f.RootEnv),
		Fix:     `eval "$(git worktree-ports env)"   (or let direnv reload), or unset the WORKTREE_PORTS_* variables`,
	}}
}

func checkLeftovers(f Facts) []Finding {
	var out []Finding
	for _, w := range f.Worktrees {
		for _, p := range w.Leftovers {
			out = append(out, Finding{
				Check: "leftover", Severity: Advice, Path: p,
				Message: "temporary file left by an interrupted allocate: " + p,
				Fix:     "rm " + shquote.Word(p) + "   (the reservation itself is intact: writes are atomic)",
			})
		}
	}
	return out
}

func checkHooksPath(f Facts) []Finding {
	h := f.Hook
	if !h.Known || !h.HooksPathUntracked {
		return nil
	}
	return []Finding{{
		Check: "hooks-path", Severity: Advice, Path: h.Options.HooksDir,
		Message: fmt.Sprintf("core.hooksPath=%s is relative and not committed, so new worktrees do not have it until it is generated there (husky: npm install)", h.Options.HooksPath),
		Fix:     "git config core.hooksPath " + shquote.Word(h.Options.HooksDir) + "   (absolute, shared by every worktree), or run your hook manager's install in each new worktree",
	}}
}

// checkHook looks at the hook where install-hook puts it (hooks.Inspect). Without it,
// git worktree add gives no ports, but env and exec allocate on first use: advice.
func checkHook(f Facts) []Finding {
	h := f.Hook
	if !h.Known {
		return nil
	}
	fd := Finding{Check: "hook", Severity: Advice, Path: h.State.Path}
	switch st := h.State; {
	case h.Err != nil:
		fd.Message = fmt.Sprintf("the post-checkout hook %s cannot be read: %v", st.Path, h.Err)
		fd.Fix = "remove or correct it, then run git worktree-ports install-hook"
	case !st.Installed:
		fd.Message = "the post-checkout hook is not installed, so git worktree add does not allocate ports (env and exec still do, on first use)"
		fd.Fix = "git worktree-ports install-hook"
	case st.Version < hooks.Version:
		fd.Message = fmt.Sprintf("the post-checkout hook is version %d; this binary installs version %d", st.Version, hooks.Version)
		fd.Fix = "git worktree-ports install-hook   (upgrades it in place)"
	case st.Version > hooks.Version:
		fd.Message = fmt.Sprintf("the post-checkout hook is version %d, newer than this binary's version %d", st.Version, hooks.Version)
		fd.Fix = "upgrade git-worktree-ports (the hook runs whichever binary it recorded)"
	default:
		return nil
	}
	return []Finding{fd}
}
