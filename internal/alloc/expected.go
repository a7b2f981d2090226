package alloc

import (
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// Expected is the reservation allocate writes for the worktree at root on slot and base
// under cfg: its bundle, its services' ports and its env. repoName is the repository's
// short name ({repo}), branch the worktree's short branch name ({branch}, "" when
// detached), gitDir the worktree's git directory, recorded with root. doctor
// and env compare a file with it to tell one written before the config changed; on an
// error (a template that does not render, which Parse rules out) the ports are still
// there.
func Expected(cfg config.Config, repoName, branch, root, gitDir string, slot, base int) (reserve.Reservation, error) {
	spec := cfg.Spec
	name := filepath.Base(root)
	r := reserve.Reservation{
		Version: 1, Worktree: name, Root: recordable(root), GitDir: recordable(gitDir),
		Base: base, Width: spec.Width, Slot: slot,
	}
	for _, p := range spec.Ports(base) {
		r.Ports = append(r.Ports, reserve.Port{Name: p.Service, Port: p.Port})
	}
	env, err := cfg.Env(config.TemplateData{Repo: repoName, Worktree: name, Branch: branch, Root: root, Slot: slot, Base: base})
	for _, e := range env {
		r.Env = append(r.Env, reserve.EnvVar{Name: e.Name, Value: e.Value})
	}
	return r, err
}
