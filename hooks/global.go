package hooks

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Git runs `git` with args outside any repository and returns its standard output. The
// caller supplies it (the real git in the binary, the real git with an isolated HOME in
// tests), so this package holds no process plumbing.
type Git func(args ...string) (string, error)

// The ways a global install reaches repositories.
const (
	ViaHooksPath   = "core.hooksPath"
	ViaTemplateDir = "init.templateDir"
)

// Global is where a global install puts the hook.
type Global struct {
	// HooksDir is the directory that receives post-checkout.
	HooksDir string
	// Via is ViaHooksPath or ViaTemplateDir.
	Via string
	// TemplateDir is the template directory when Via is ViaTemplateDir.
	TemplateDir string
	// SetTemplateDir is true when init.templateDir is unset and InstallGlobal must set it
	// (globally) to TemplateDir.
	SetTemplateDir bool
}

// GlobalTarget decides where `install-hook --global` puts the hook. home is the user's
// home directory.
//
// There are two global places, and neither is free:
//
//   - If the global git config sets core.hooksPath, git already runs every repository's
//     hooks from that one directory and ignores each repository's own .git/hooks. The hook
//     goes there, next to (or into) whatever is already there, and works at once in every
//     repository, old and new, except those that set their own core.hooksPath (husky)
//     whose hooks git then takes from the repository instead. install-hook never sets a
//     global core.hooksPath itself: that would silently switch off every repository's own
//     hooks, including those of husky, lefthook and pre-commit.
//   - Otherwise the hook goes into the template directory, init.templateDir, which git
//     copies into every repository it creates or clones from then on. When
//     init.templateDir is unset it becomes ~/.config/git/template. It does not touch
//     existing repositories: run `git worktree-ports install-hook` in each of them (or
//     `git init` there, which copies the template hook only where no post-checkout exists).
//     Each copy records the binary's path of the day, and git no longer copies its own
//     default templates (sample hooks, info/exclude comments) once init.templateDir is set.
//
// A relative global core.hooksPath names a folder inside each repository, not one place,
// so it is refused with a *ManualError: install per repository instead.
func GlobalTarget(git Git, home string) (Global, error) {
	hp, err := git("config", "--global", "--type=path", "--default=", "--get", ViaHooksPath)
	if err != nil {
		return Global{}, fmt.Errorf("reading global %s: %w", ViaHooksPath, err)
	}
	if hp = strings.TrimRight(hp, "\n"); hp != "" {
		if !filepath.IsAbs(hp) {
			return Global{}, &ManualError{Path: "the global " + ViaHooksPath + " (" + hp + ")",
				Why:  "it is relative, so it names a folder inside each repository rather than one place; run this in each repository instead",
				Line: "git worktree-ports install-hook"}
		}
		return Global{HooksDir: filepath.Clean(hp), Via: ViaHooksPath}, nil
	}
	td, err := git("config", "--global", "--type=path", "--default=", "--get", ViaTemplateDir)
	if err != nil {
		return Global{}, fmt.Errorf("reading global %s: %w", ViaTemplateDir, err)
	}
	g := Global{Via: ViaTemplateDir, TemplateDir: strings.TrimRight(td, "\n")}
	if g.TemplateDir == "" {
		if home == "" {
			return Global{}, fmt.Errorf("no home directory to put %s in", ViaTemplateDir)
		}
		g.TemplateDir = filepath.Join(home, ".config", "git", "template")
		g.SetTemplateDir = true
	} else if !filepath.IsAbs(g.TemplateDir) {
		return Global{}, fmt.Errorf("the global %s %q is relative; make it absolute", ViaTemplateDir, g.TemplateDir)
	}
	g.HooksDir = filepath.Join(g.TemplateDir, "hooks")
	return g, nil
}

// InstallGlobal installs the hook at GlobalTarget's place, and sets init.templateDir when
// that place is a template directory it chose.
func InstallGlobal(git Git, home, binary string) (Result, error) {
	g, err := GlobalTarget(git, home)
	if err != nil {
		return Result{}, err
	}
	res, err := Install(Options{HooksDir: g.HooksDir, Binary: binary})
	if err != nil {
		return res, err
	}
	switch {
	case g.SetTemplateDir:
		if _, err := git("config", "--global", ViaTemplateDir, g.TemplateDir); err != nil {
			return res, fmt.Errorf("setting global %s: %w", ViaTemplateDir, err)
		}
		res.Message += fmt.Sprintf("\nset the global %s to %s: repositories created or cloned from now on get the hook; run install-hook in existing ones", ViaTemplateDir, g.TemplateDir)
	case g.Via == ViaTemplateDir:
		res.Message += fmt.Sprintf("\nrepositories created or cloned from now on get it through %s; run install-hook in existing ones", ViaTemplateDir)
	default:
		res.Message += fmt.Sprintf("\nthe global %s makes git run it in every repository that does not set its own", ViaHooksPath)
	}
	return res, nil
}

// UninstallGlobal removes the hook from GlobalTarget's place. It leaves init.templateDir
// set, and leaves the copies already made in repositories: uninstall those one by one.
func UninstallGlobal(git Git, home string) (Result, error) {
	g, err := GlobalTarget(git, home)
	if err != nil {
		return Result{}, err
	}
	if g.SetTemplateDir {
		// Nothing was ever installed through a template dir that is not configured.
		return Result{Path: filepath.Join(g.HooksDir, HookName), Action: ActionUnchanged,
			Message: "no global git-worktree-ports hook"}, nil
	}
	res, err := Uninstall(Options{HooksDir: g.HooksDir})
	if err == nil && g.Via == ViaTemplateDir && res.Action != ActionUnchanged {
		res.Message += fmt.Sprintf("\nrepositories created before keep their copy; run `git worktree-ports install-hook --uninstall` in them (%s stays set)", ViaTemplateDir)
	}
	return res, err
}
