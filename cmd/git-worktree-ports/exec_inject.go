package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/devserver"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// maxPackageJSON is the largest package.json exec reads for a script's command.
const maxPackageJSON = 4 << 20

// injectPorts rewrites argv so that a known dev server gets this worktree's port in its
// flags (package devserver). The ports are those vars gives the command, so a
// reservation that gives nobody variables gives no flags either; which service a program
// gets comes from the config's "exec" key once approved, else from its only service.
func injectPorts(ctx context.Context, f *Factory, argv []string, vars []render.Var) devserver.Result {
	// A first pass with no ports says whether argv runs anything exec knows; only then
	// is the repository read.
	looked := false
	probe := devserver.Rewrite(argv, devserver.Ports{}, func(string) (string, bool) { looked = true; return "", false })
	if probe.Program == "" && !looked {
		return probe
	}
	repo, cfg, err := approvedConfig(ctx, f)
	if err != nil {
		// env reads only the reservation, so the command still runs, with its ports in
		// the environment.
		return devserver.Result{Argv: argv, Note: fmt.Sprintf("warning: exec: %s runs as written, without ports in its flags: %v", probe.Program, err)}
	}
	p := devserver.Ports{Assign: map[string]string{}, Port: servicePorts(cfg, vars)}
	if len(cfg.Spec.Services) == 1 {
		p.Default = cfg.Spec.Services[0].Name
	}
	for _, e := range cfg.Exec {
		p.Assign[e.Key] = e.Service
	}
	return devserver.Rewrite(argv, p, scriptsOf(repo.Loc.Toplevel, f.dir()))
}

// approvedConfig loads the worktree's config as this user approved it: whole, or its
// ports-only form while it waits for `trust` (repository.Repo.Approve).
func approvedConfig(ctx context.Context, f *Factory) (*repository.Repo, config.Config, error) {
	repo, err := repository.Discover(ctx, f.git(), repository.Options{Diag: f.diag()})
	if err != nil {
		return nil, config.Config{}, err
	}
	cfg, err := repo.LoadConfig("", 0)
	if err != nil {
		return nil, config.Config{}, err
	}
	return repo, repo.Approve(cfg, f.Getenv).Config, nil
}

// servicePorts returns each service's port as vars give it to a command: the ports of
// a reservation that gives nobody variables (a copied file) are not this worktree's.
func servicePorts(cfg config.Config, vars []render.Var) map[string]int {
	values := map[string]string{}
	for _, v := range vars {
		values[v.Name] = v.Value
	}
	ports := map[string]int{}
	for _, sv := range cfg.Spec.Services {
		if n, err := strconv.Atoi(values[sv.Env]); err == nil {
			ports[sv.Name] = n
		}
	}
	return ports
}

// scriptsOf returns a lookup of the scripts in the package.json of dir, the directory
// the command runs in, as npm finds it there. The file is read without following a
// symlink, and only below the worktree's top level.
func scriptsOf(top, dir string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		rel, err := filepath.Rel(top, dir)
		if err != nil || !filepath.IsLocal(rel) && rel != "." {
			return "", false
		}
		d, err := safefile.OpenBeneath(top, filepath.ToSlash(rel))
		if err != nil {
			return "", false
		}
		defer d.Close()
		data, _, err := d.ReadFile("package.json", maxPackageJSON)
		if err != nil {
			return "", false
		}
		var pkg struct {
			Scripts map[string]string `json:"scripts"`
		}
		if json.Unmarshal(data, &pkg) != nil {
			return "", false
		}
		s, ok := pkg.Scripts[name]
		return s, ok
	}
}
