package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/composefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/slug"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// ComposeOptions are the inputs of `compose`.
type ComposeOptions struct {
	F *Factory

	Files      []string
	NoAllocate bool
}

// NewCmdCompose builds `compose`.
func NewCmdCompose(f *Factory, runF func(*ComposeOptions) error) *cobra.Command {
	opts := &ComposeOptions{F: f}
	cmd := &cobra.Command{
		Use:   "compose [-f FILE]...",
		Short: "Write a docker compose override with this worktree's ports and project name",
		Long: `Write ` + composefile.FileName + ` at the worktree's top level: the project's compose file
(compose.yaml, or the files given with -f, in compose's order), read with compose-spec's own
loader, with every published host port that maps to one of this worktree's services
replaced by the worktree's port, and the project name set to <repo-slug>-<worktree-slug>.
Nothing else changes: container ports, other services and other ports stay as they are.

compose appends an override's ` + "`ports:`" + ` to the project's, so the project's own 3000:3000 would
stay and collide; the override marks each list it writes !override, which replaces it.
A published port maps to the service whose approved "main" port it is, or else, when the
compose service publishes one port, to the service of the same name.

It prints the docker compose line on stdout. The file is git-ignored (info/exclude). A
compose file outside the worktree, behind a symlink, or through a nested repository is
refused; include, extends and env_file are not followed. Like env, it allocates first when
there is no reservation, unless --no-allocate is given (then it exits 5).`,
		Example: `  git worktree-ports compose
  $(git worktree-ports compose) up -d
  git worktree-ports compose -f compose.yaml -f compose.dev.yaml`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return composeRun(c.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Files, "file", "f", nil, "a compose file, relative to the worktree's top level (repeatable)")
	cmd.Flags().BoolVar(&opts.NoAllocate, "no-allocate", false, "refuse (exit 5) instead of allocating when there is no reservation")
	return cmd
}

func composeRun(ctx context.Context, opts *ComposeOptions) error {
	f := opts.F
	vars, err := worktreeVars(ctx, f, opts.NoAllocate)
	if err != nil {
		return err
	}
	repo, cfg, err := approvedConfig(ctx, f)
	if err != nil {
		return err
	}
	root := repo.Loc.Toplevel
	ports := servicePorts(cfg, vars)
	var services []composefile.Service
	for _, sv := range cfg.Spec.Services {
		services = append(services, composefile.Service{Name: sv.Name, Port: ports[sv.Name], Main: sv.Main})
	}
	env := map[string]string{}
	for _, kv := range f.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	for _, v := range vars {
		env[v.Name] = v.Value
	}
	res, err := composefile.Build(ctx, composefile.Options{
		Root: root, Files: opts.Files, Services: services, Env: env,
		Project: slug.Make(repo.RepoName()) + "-" + slug.Make(filepath.Base(root)),
		Warn:    func(s string) { fmt.Fprintln(f.ErrOut, "git-worktree-ports: warning: "+s) },
	})
	if err != nil {
		return err
	}
	if _, err := reserve.ExcludeComposeOverride(repo.Loc.CommonDir); err != nil {
		fmt.Fprintf(f.ErrOut, "git-worktree-ports: warning: cannot add %s to info/exclude: %v\n", composefile.FileName, err)
	}
	if _, err := composefile.Write(root, res.Override); err != nil {
		return fmt.Errorf("%s: %w", composefile.FileName, err)
	}
	for _, r := range res.Replaced {
		fmt.Fprintf(f.ErrOut, "%s: %s -> %s (container %d, service %s)\n", untrusted.New(r.Compose), untrusted.New(r.From), r.To, r.Target, r.Service)
	}
	if len(res.Replaced) == 0 {
		fmt.Fprintln(f.ErrOut, "git-worktree-ports: note: no published port maps to a service of this worktree; the override sets the project name alone")
	}
	line := "docker compose"
	for _, file := range append(res.Files, composefile.FileName) {
		line += " -f " + pasteWord(file, false)
	}
	_, err = fmt.Fprintln(f.Out, line)
	return err
}
