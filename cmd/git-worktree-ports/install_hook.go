package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/hooks"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
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
directory (a committed .husky/post-checkout linking to ~/.gitconfig, say), nor through a
committed one that leads into a git directory or a nested repository (../.git/config): it
names the link and where it leads, changes nothing, and exits 2.

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
			return forCommand(c, installHookRun(c.Context(), opts))
		},
	}
	cmd.Flags().BoolVar(&opts.Uninstall, "uninstall", false, "remove the hook (only our block or our file)")
	cmd.Flags().BoolVar(&opts.Global, "global", false, "install for every repository (see above for the trade-offs)")
	cmd.Flags().BoolVar(&opts.Config, "config", false, "git 2.54+: a config-based hook (hook.worktree-ports.*) instead of a hook file")
	return cmd
}

func installHookRun(ctx context.Context, opts *InstallHookOptions) error {
	f := opts.F
	bin, err := f.Executable()
	if err != nil {
		return fmt.Errorf("cannot find this binary's path to record in the hook: %w", err)
	}
	if opts.Config && opts.Global {
		return usageErrorf(nil, "--config and --global: set the two keys with git config --global yourself (see --help)")
	}
	var res hooks.Result
	switch {
	case opts.Global:
		res, err = installHookGlobal(ctx, f, opts.Uninstall, bin)
	case opts.Config:
		res, err = installHookConfig(ctx, f, opts.Uninstall, bin)
	default:
		res, err = installHookRepo(ctx, f, opts.Uninstall, bin)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(f.ErrOut, untrusted.Lines(strings.TrimRight(res.Message, "\n")))
	return nil
}

// installHookGlobal is --global: core.hooksPath for every repository of this user.
func installHookGlobal(ctx context.Context, f *Factory, uninstall bool, bin string) (hooks.Result, error) {
	home, err := f.HomeDir()
	if err != nil {
		return hooks.Result{}, err
	}
	git := globalGit(ctx, f)
	if uninstall {
		return hooks.UninstallGlobal(git, home)
	}
	return hooks.InstallGlobal(git, home, bin)
}

// installHookConfig is --config: the hook in this repository's git config (git 2.54+).
func installHookConfig(ctx context.Context, f *Factory, uninstall bool, bin string) (hooks.Result, error) {
	if uninstall {
		return hooks.UninstallConfig(ctx, f.git())
	}
	res, err := hooks.InstallConfig(ctx, f.git(), bin)
	var old *hooks.TooOldError
	if errors.As(err, &old) {
		return res, &usageError{err: err}
	}
	if err != nil {
		return res, err
	}
	registerRepo(ctx, f)
	return res, nil
}

// installHookRepo is the default: the post-checkout hook file git runs here.
func installHookRepo(ctx context.Context, f *Factory, uninstall bool, bin string) (hooks.Result, error) {
	o, err := hookOptions(ctx, f, bin)
	if err != nil {
		return hooks.Result{}, err
	}
	if uninstall {
		res, err := hooks.Uninstall(o)
		if err == nil {
			// Both kinds go.
			_, err = hooks.UninstallConfig(ctx, f.git())
		}
		return res, err
	}
	res, err := hooks.Install(o)
	if err == nil {
		registerRepo(ctx, f)
	}
	return res, err
}

func hookOptions(ctx context.Context, f *Factory, bin string) (hooks.Options, error) {
	g := f.git()
	loc, err := g.Locate(ctx)
	if err != nil {
		return hooks.Options{}, err
	}
	dir, err := g.HooksDir(ctx)
	if err != nil {
		return hooks.Options{}, err
	}
	cfg, err := g.Config(ctx, `^core\.hookspath$`)
	if err != nil {
		return hooks.Options{}, err
	}
	hooksPath := ""
	if len(cfg) > 0 {
		hooksPath = cfg[len(cfg)-1].Value
	}
	home, _ := f.HomeDir() // only a core.hooksPath starting with ~ needs it
	return hooks.Options{HooksDir: dir, HooksPath: hooksPath, Toplevel: loc.Toplevel, Binary: bin, Home: home,
		GitDirs: []string{loc.GitDir, loc.CommonDir}}, nil
}

// globalGit runs git outside any repository (so that no repository's config, nor an
// inherited GIT_DIR, takes part), for the global config only.
func globalGit(ctx context.Context, f *Factory) hooks.Git {
	g := gitwt.Git{Dir: os.TempDir(), Env: gitwt.WithoutLocation(f.Environ())}
	return func(args ...string) (string, error) { return g.Output(ctx, args...) }
}

// registerRepo records the repository in the per-user index, as its first allocate would,
// so other repositories avoid its bundles from now on. Failing that is only a warning.
func registerRepo(ctx context.Context, f *Factory) {
	repo, err := repository.Discover(ctx, f.git(), repository.Options{Diag: f.diag()})
	if err != nil {
		return
	}
	idx, err := repo.CrossRepo(f.Getenv)
	if err != nil || idx == nil {
		return
	}
	if _, err := idx.Register(repo.Entry()); err != nil {
		f.diag().Warn(fmt.Errorf("could not register this repository in %s: %v", idx.Dir, err))
	}
}
