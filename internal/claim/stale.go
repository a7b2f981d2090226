package claim

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Drift is how a reservation differs from what the config gives its bundle now: what
// `env` and `exec` would export that allocate would not, and the other way round. Each
// list holds variable names, in the config's order (Extra: in the file's).
type Drift struct {
	Missing []string // the config gives them, the file lacks them: a service or var added since
	Changed []string // both have them, with other values: a moved offset, an edited template
	Extra   []string // the file has them, the config no longer gives them
}

// Empty reports whether the file holds what the config gives.
func (d Drift) Empty() bool { return len(d.Missing)+len(d.Changed)+len(d.Extra) == 0 }

// BranchOnly reports whether the file differs only in values derived from the branch
// (branchVars, config.Config.BranchVars): what a branch switch changes, with the config
// as it was. Doctor and allocate then name the branch as the cause, not the config.
func (d Drift) BranchOnly(branchVars []string) bool {
	if len(d.Missing)+len(d.Extra) > 0 || len(d.Changed) == 0 {
		return false
	}
	for _, n := range d.Changed {
		if !slices.Contains(branchVars, n) {
			return false
		}
	}
	return true
}

// String says it in a few words for a one-line message, e.g. "no CACHE_PORT; API_URL
// differs". Names come from files anyone may have written, so they are escaped.
func (d Drift) String() string {
	var parts []string
	if len(d.Missing) > 0 {
		parts = append(parts, "no "+names(d.Missing))
	}
	if len(d.Changed) > 0 {
		parts = append(parts, names(d.Changed)+map[bool]string{true: " differs", false: " differ"}[len(d.Changed) == 1])
	}
	if len(d.Extra) > 0 {
		parts = append(parts, names(d.Extra)+" no longer in the config")
	}
	return strings.Join(parts, "; ")
}

// names lists up to three names, then how many more.
func names(ns []string) string {
	const show = 3
	var out []string
	for i, n := range ns {
		if i == show {
			out[show-1] += " and " + strconv.Itoa(len(ns)-show) + " more"
			break
		}
		out = append(out, untrusted.New(n).String())
	}
	return strings.Join(out, ", ")
}

// Compare tells how have differs from want, the reservation allocate would write for the
// same bundle (Expected). The services' port variables are compared by name and
// value; the config's other vars by name, and by value too when values is set. A caller
// that does not know every placeholder's value ({repo} and {branch} need git) leaves
// values unset.
func Compare(have, want reserve.Reservation, values bool) Drift {
	got := map[string]string{}
	for _, e := range have.Env {
		got[e.Name] = e.Value
	}
	wanted := map[string]bool{}
	var d Drift
	for i, e := range want.Env {
		wanted[e.Name] = true
		v, ok := got[e.Name]
		// config.Env lists each service's port variable first, in service order.
		isPort := i < len(want.Ports)
		switch {
		case !ok:
			d.Missing = append(d.Missing, e.Name)
		case v != e.Value && (values || isPort):
			d.Changed = append(d.Changed, e.Name)
		}
	}
	for _, e := range have.Env {
		if !wanted[e.Name] {
			d.Extra = append(d.Extra, e.Name)
		}
	}
	return d
}

// ConfigDrift is env's cheap question: was the reservation at path (holding res, at the
// top level root) written before the config changed what it should hold? It answers
// with no git process in the common case: only when the config file is newer than the
// reservation is the config parsed, and git is asked for the user's env allowances
// (allow) only when it does not parse without them. Values are compared only for the
// services' ports, since {repo} and {branch} need git. A config that does not load says
// nothing here: allocate and doctor report it.
//
// portsOnly compares with the config's ports-only form (config.Config.PortsOnly): the
// file holds the ports alone because the config's content is not approved.
func ConfigDrift(root, path string, res reserve.Reservation, allow func() envname.Allow, portsOnly bool) Drift {
	cfgPath := filepath.Join(root, config.FileName)
	cfgInfo, err := os.Stat(cfgPath)
	if err != nil {
		return Drift{}
	}
	resInfo, err := os.Stat(path)
	if err != nil || !cfgInfo.ModTime().After(resInfo.ModTime()) {
		return Drift{}
	}
	cfg, err := config.Load(cfgPath, nil)
	if err != nil && allow != nil {
		cfg, err = config.Load(cfgPath, allow())
	}
	if err != nil {
		return Drift{}
	}
	if portsOnly {
		cfg = cfg.PortsOnly()
	}
	want, _ := Expected(cfg, "", "", root, "", res.Slot, res.Base)
	if cfg.Spec.HasMain() && (res.Main || isMainWorktree(root)) {
		want, _ = ExpectedMain(cfg, "", "", root, "")
	}
	return Compare(res, want, false)
}

// isMainWorktree reports, from files alone, whether root is a repository's main
// worktree: its .git is a directory, or a file naming a git directory that is no linked
// worktree's (which has a commondir file): a separate git dir, a submodule.
func isMainWorktree(root string) bool {
	if fi, err := os.Lstat(filepath.Join(root, ".git")); err == nil && fi.IsDir() {
		return true
	}
	gd, err := gitfiles.ReadGitFile(root)
	if err != nil {
		return false
	}
	_, err = os.Lstat(filepath.Join(gd, "commondir"))
	return errors.Is(err, fs.ErrNotExist)
}
