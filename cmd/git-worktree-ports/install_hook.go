package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/hook"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// InstallHookOptions are the inputs of `install-hook`.
type InstallHookOptions struct {
	F *Factory

	Uninstall bool
	Global    bool
	Config    bool
}

// NewCmdInstallHook builds `install-hook`.
func NewCmdInstallHook(f *Factory, runF func(*InstallHookOptions) error) *cobra.Command {
	opts := &InstallHookOptions{F: f}
	cmd := &cobra.Command{
		Use:   "install-hook [--uninstall] [--global]",
		Short: "Install the post-checkout hook that allocates on git worktree add",
		Long: `Install a post-checkout hook, where git really looks for it (git rev-parse
--git-path hooks, which honours core.hooksPath), so that git worktree add allocates the
new worktree's bundle by itself. The hook records this binary's absolute path, allocates
only when the worktree has no reservation, prints one line, and always exits 0.

It never clobbers a hook: with no hook it writes one; into a foreign shell hook it adds a
marked block; under husky it edits the committed .husky/post-checkout; for lefthook or
pre-commit, and for hooks it cannot edit safely (python, binaries), it changes nothing,
prints the exact line to add, and exits 2. --uninstall removes only its own block or file.
Neither ever writes through a symlink that leads out of the working tree or git's hooks
directory (a committed .husky/post-checkout linking to ~/.gitconfig, say): it names the
link and where it leads, changes nothing, and exits 2.

--global installs for every repository. If your global git config sets core.hooksPath,
the hook goes into that directory and works at once everywhere (except repositories that
set their own core.hooksPath, such as husky's). Otherwise it goes into git's template
directory (init.templateDir, set to ~/.config/git/template if unset), which git copies
into repositories created or cloned from then on only; existing repositories still need
install-hook. install-hook never sets a global core.hooksPath itself: that would switch
off every repository's own hooks.

--config (git 2.54 or later) touches no file: it sets hook.worktree-ports.event and
hook.worktree-ports.command in the repository's config. It is not the default because
only git 2.54 and later run such hooks: a GUI client or IDE that bundles an older git
would create worktrees without ports. --uninstall removes both kinds.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return installHookRun(c, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Uninstall, "uninstall", false, "remove the hook (only our block or our file)")
	cmd.Flags().BoolVar(&opts.Global, "global", false, "install for every repository (see above for the trade-offs)")
	cmd.Flags().BoolVar(&opts.Config, "config", false, "git 2.54+: a config-based hook (hook.worktree-ports.*) instead of a hook file")
	return cmd
}

func installHookRun(c *cobra.Command, opts *InstallHookOptions) error {
	f := opts.F
	bin, err := f.Executable()
	if err != nil {
		return fmt.Errorf("cannot find this binary's path to record in the hook: %w", err)
	}
	if opts.Config {
		return configHookRun(c, opts, bin)
	}
	var res hook.Result
	if opts.Global {
		home, err := os.UserHomeDir()
		if err != nil {
			return err
		}
		git := globalGit(c.Context(), f)
		if opts.Uninstall {
			res, err = hook.UninstallGlobal(git, home)
		} else {
			res, err = hook.InstallGlobal(git, home, bin)
		}
		if err != nil {
			return err
		}
	} else {
		o, err := hookOptions(c.Context(), f, bin)
		if err != nil {
			return err
		}
		if opts.Uninstall {
			res, err = hook.Uninstall(o)
			if err == nil {
				err = removeConfigHook(c.Context(), gitwt.Git{Dir: f.Dir})
			}
		} else {
			res, err = hook.Install(o)
			if err == nil {
				registerRepo(c.Context(), f)
			}
		}
		if err != nil {
			return err
		}
	}
	fmt.Fprintln(f.ErrOut, untrusted.Lines(strings.TrimRight(res.Message, "\n")))
	return nil
}

func hookOptions(ctx context.Context, f *Factory, bin string) (hook.Options, error) {
	g := gitwt.Git{Dir: f.Dir}
	loc, err := g.Locate(ctx)
	if err != nil {
		return hook.Options{}, err
	}
	dir, err := g.HooksDir(ctx)
	if err != nil {
		return hook.Options{}, err
	}
	cfg, err := g.Config(ctx, `^core\.hookspath$`)
	if err != nil {
		return hook.Options{}, err
	}
	hooksPath := ""
	if len(cfg) > 0 {
		hooksPath = cfg[len(cfg)-1].Value
	}
	return hook.Options{HooksDir: dir, HooksPath: hooksPath, Toplevel: loc.Toplevel, Binary: bin}, nil
}

// globalGit runs git outside any repository (so that no repository's config, nor an
// inherited GIT_DIR, takes part), for the global config only.
func globalGit(ctx context.Context, f *Factory) hook.Git {
	g := gitwt.Git{Dir: os.TempDir(), Env: gitwt.WithoutLocation(f.Environ())}
	return func(args ...string) (string, error) { return g.Output(ctx, args...) }
}

// registerRepo records the repository in the per-user index, as its first allocate would,
// so other repositories avoid its bundles from now on. Failing that is only a warning.
func registerRepo(ctx context.Context, f *Factory) {
	repo, err := repository.Discover(ctx, gitwt.Git{Dir: f.Dir})
	if err != nil {
		return
	}
	idx, err := repo.CrossRepo(f.Getenv)
	if err != nil || idx == nil {
		return
	}
	if _, err := idx.Register(repo.Entry()); err != nil {
		warnTo(f)(fmt.Sprintf("could not register this repository in %s: %v", idx.Dir, err))
	}
}

// configHookName is the name of our config-based hook: hook.<name>.event and .command.
const configHookName = "worktree-ports"

// configHooksSince is the first git version that runs config-based hooks.
var configHooksSince = [2]int{2, 54}

func configHookRun(c *cobra.Command, opts *InstallHookOptions, bin string) error {
	f := opts.F
	if opts.Global {
		return usageErrorf(c, "--config and --global: set the two keys with git config --global yourself (see --help)")
	}
	g := gitwt.Git{Dir: f.Dir}
	if opts.Uninstall {
		if err := removeConfigHook(c.Context(), g); err != nil {
			return err
		}
		fmt.Fprintln(f.ErrOut, "removed the config-based hook (hook."+configHookName+".*)")
		return nil
	}
	major, minor, err := g.Version(c.Context())
	if err != nil {
		return err
	}
	if major < configHooksSince[0] || major == configHooksSince[0] && minor < configHooksSince[1] {
		return usageErrorf(c, "--config needs git %d.%d or later, which runs config-based hooks; this is git %d.%d. Run install-hook without --config for a hook file", configHooksSince[0], configHooksSince[1], major, minor)
	}
	if err := setConfigHook(c.Context(), g, bin); err != nil {
		return err
	}
	registerRepo(c.Context(), f)
	fmt.Fprintf(f.ErrOut, "set hook.%s.event=post-checkout and hook.%s.command in this repository's config\n", configHookName, configHookName)
	return nil
}

// configHookCommand is the hook.worktree-ports.command value. git runs it with sh as
// `<command> "$@"`, the hook's arguments appended, so the binary's path is quoted for sh,
// the arguments are passed on by position, and `|| :` (which receives the appended "$@")
// keeps a missing or failing binary from failing the checkout: the hook always exits 0.
func configHookCommand(bin string) string {
	return shquote.Quote(bin) + ` hook post-checkout "$1" "$2" "$3" </dev/null >&2 || :`
}

// setConfigHook writes the two keys.
func setConfigHook(ctx context.Context, g gitwt.Git, bin string) error {
	if err := g.SetConfig(ctx, "hook."+configHookName+".event", "post-checkout"); err != nil {
		return err
	}
	return g.SetConfig(ctx, "hook."+configHookName+".command", configHookCommand(bin))
}

// removeConfigHook removes our config-based hook, if any.
func removeConfigHook(ctx context.Context, g gitwt.Git) error {
	return g.RemoveConfigSection(ctx, "hook."+configHookName)
}
