package hooks

import (
	"context"
	"fmt"

	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
)

// The config-based hook (git 2.54 and later runs hooks named in git config): instead of a
// file, two keys in the repository's config, hook.worktree-ports.event and
// hook.worktree-ports.command. It is not the default, because an older git (bundled with
// a GUI client or an IDE) ignores them and would create worktrees without ports.

// ConfigName is the name of the config-based hook: hook.<name>.event and .command.
const ConfigName = "worktree-ports"

// ConfigSince is the first git version that runs config-based hooks.
var ConfigSince = [2]int{2, 54}

// ConfigGit is what the config-based hook needs from git, in the repository: gitwt.Git.
type ConfigGit interface {
	Version(ctx context.Context) (major, minor int, err error)
	SetConfig(ctx context.Context, key, value string) error
	RemoveConfigSection(ctx context.Context, section string) error
}

// TooOldError refuses the config-based hook for a git that would not run it.
type TooOldError struct{ Major, Minor int }

func (e *TooOldError) Error() string {
	return fmt.Sprintf("--config needs git %d.%d or later, which runs config-based hooks; this is git %d.%d. Run install-hook without --config for a hook file", ConfigSince[0], ConfigSince[1], e.Major, e.Minor)
}

// ConfigCommand is the hook.worktree-ports.command value. git runs it with sh as
// `<command> "$@"`, the hook's arguments appended, so the binary's path is quoted for sh,
// the arguments are passed on by position, and `|| :` (which receives the appended "$@")
// keeps a missing or failing binary from failing the checkout: the hook always exits 0.
func ConfigCommand(binary string) string {
	return shquote.Quote(binary) + ` hook post-checkout "$1" "$2" "$3" </dev/null >&2 || :`
}

// InstallConfig sets the two keys of the config-based hook in the repository's config,
// calling binary, or returns a *TooOldError when git would not run it.
func InstallConfig(ctx context.Context, g ConfigGit, binary string) (Result, error) {
	major, minor, err := g.Version(ctx)
	if err != nil {
		return Result{}, err
	}
	if major < ConfigSince[0] || major == ConfigSince[0] && minor < ConfigSince[1] {
		return Result{}, &TooOldError{Major: major, Minor: minor}
	}
	if err := g.SetConfig(ctx, "hook."+ConfigName+".event", "post-checkout"); err != nil {
		return Result{}, err
	}
	if err := g.SetConfig(ctx, "hook."+ConfigName+".command", ConfigCommand(binary)); err != nil {
		return Result{}, err
	}
	return Result{Message: fmt.Sprintf("set hook.%s.event=post-checkout and hook.%s.command in this repository's config", ConfigName, ConfigName)}, nil
}

// UninstallConfig removes the config-based hook, if there is one.
func UninstallConfig(ctx context.Context, g ConfigGit) (Result, error) {
	if err := g.RemoveConfigSection(ctx, "hook."+ConfigName); err != nil {
		return Result{}, err
	}
	return Result{Message: "removed the config-based hook (hook." + ConfigName + ".*)"}, nil
}
