package claim

import (
	"path/filepath"
	"strconv"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
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

// ExpectedMain is the reservation allocate writes for the main worktree at root when
// every service names its main port: those ports, marked Main, with Base the first of
// them and Width 1, so that it claims exactly its ports; Slot is 0 and means nothing,
// and its env says "main" for {slot} (config.MainSlot).
func ExpectedMain(cfg config.Config, repoName, branch, root, gitDir string) (reserve.Reservation, error) {
	spec := cfg.Spec
	name := filepath.Base(root)
	r := reserve.Reservation{
		Version: 1, Worktree: name, Root: recordable(root), GitDir: recordable(gitDir),
		Main: true, Width: 1,
	}
	for i, p := range spec.MainPorts() {
		if i == 0 {
			r.Base = p.Port
		}
		r.Ports = append(r.Ports, reserve.Port{Name: p.Service, Port: p.Port})
	}
	env, err := cfg.Env(config.TemplateData{Repo: repoName, Worktree: name, Branch: branch, Root: root, Base: r.Base, Main: true})
	for _, e := range env {
		r.Env = append(r.Env, reserve.EnvVar{Name: e.Name, Value: e.Value})
	}
	return r, err
}

// SlotValue is what WORKTREE_PORTS_SLOT says for r: its slot, or "main" for the main
// worktree keeping the services' main ports (config.MainSlot), which has no slot.
func SlotValue(r reserve.Reservation) string {
	if r.Main {
		return config.MainSlot
	}
	return strconv.Itoa(r.Slot)
}

// Vars are the variables of the reservation r at the worktree root, as env prints them
// and allocate writes them into the dotenv files: WORKTREE_PORTS_ROOT,
// WORKTREE_PORTS_SLOT, then its env. WORKTREE_PORTS_ROOT is left out when the path holds
// a control character (untrusted.Control): printed, it could hide a line of env's
// output; env says so.
func Vars(root string, r reserve.Reservation) []render.Var {
	vars := []render.Var{{Name: config.EnvRoot, Value: root}, {Name: config.EnvSlot, Value: SlotValue(r)}}
	if _, bad := untrusted.Control(root); bad {
		vars = vars[1:]
	}
	for _, e := range r.Env {
		vars = append(vars, render.Var{Name: e.Name, Value: e.Value})
	}
	return vars
}

// recordable returns p when it can be recorded in a reservation file, and "" (not
// recorded) otherwise, so an unusual path never keeps a worktree from getting ports.
func recordable(p string) string {
	if p = filepath.Clean(p); reserve.ValidPath(p) {
		return p
	}
	return ""
}

// HoldsMain reports whether a worktree keeps cfg's main ports (services.<name>.main):
// the one on cfg.MainBranch when the config names one (branch is the worktree's short
// branch name, "" when detached), otherwise git's main worktree (inMain). In the bare
// layout git's main worktree is the bare directory, so only MainBranch can give them.
func HoldsMain(cfg config.Config, branch string, inMain bool) bool {
	if !cfg.Spec.HasMain() {
		return false
	}
	if cfg.MainBranch != "" {
		return branch == cfg.MainBranch
	}
	return inMain
}
