package inventory

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/hooks"
	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Severity says whether a finding needs action.
type Severity string

const (
	// Problem is something that breaks ports or puts them at risk: a worktree without
	// ports, with another's, with stale ones, or whose ports others may take. doctor
	// exits 6 when it finds one.
	Problem Severity = "problem"
	// Advice is worth doing, but nothing is broken (no hook: env and exec still allocate
	// on first use). doctor prints it and still exits 0.
	Advice Severity = "advice"
)

// Finding is one thing doctor found, with its fix.
type Finding struct {
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Path     string   `json:"path,omitempty"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	// Allocate is the worktree where running allocate is the whole fix (a stale, copied
	// or overlapping reservation): doctor --fix runs it there. "" when the fix needs a
	// person.
	Allocate string `json:"-"`
}

// Facts is everything doctor judges, gathered once (Examine). The checks are pure
// functions of it.
type Facts struct {
	// Toplevel is the worktree doctor runs in; "" in a bare repository.
	Toplevel string
	// Listed reports whether git lists Toplevel as one of its worktrees. When it does
	// not, RecordedAt is where git's records put it (its administrative gitdir file),
	// if they say.
	Listed     bool
	RecordedAt string
	// Tracked: the reservation at Toplevel is in git's index.
	Tracked bool
	// Worktrees are the repository's worktrees, in git's order (the main one first).
	Worktrees []Worktree
	// Siblings are the usable reservations, read as allocate reads them.
	Siblings []claim.Sibling
	// Foreign are the usable reservations of the other repositories in the per-user
	// index (with cross-repository awareness on), and ForeignWarnings what reading them
	// said: a repository that did not answer, a file skipped (a symlink, say).
	Foreign         []claim.Sibling
	ForeignWarnings []string
	// Overlaps are the pairs of Siblings whose bundles overlap, with the one that keeps
	// its bundle by the overlap rule.
	Overlaps []Overlap
	// Listeners are the processes listening on the ports the Siblings claim and on every
	// port of Range, by port; ListenersErr says why the OS would not tell.
	Listeners    map[int][]Listener
	ListenersErr error
	// Range is the range of the config in Toplevel, for advice on widening it.
	Range bundle.Range
	// NoPorts is why a worktree without a reservation cannot get one now (a dry run of
	// allocate in one of them, so exactly allocate's answer); nil when it can, or when
	// every worktree has one.
	NoPorts error
	Hook    HookFacts
	// RootEnv is WORKTREE_PORTS_ROOT in doctor's environment; RootEnvHere reports
	// whether it names Toplevel (through symlinks or not).
	RootEnv     string
	RootEnvHere bool
}

// Worktree is what doctor knows about one worktree.
type Worktree struct {
	// Row is list's row: states, reservation, flags, and why the file was skipped.
	Row Row
	// Label names it in messages, relative to Toplevel ("../feature-x").
	Label string
	// Linked: not the main worktree.
	Linked bool
	// Reservation is its usable reservation, nil when it has none; Origin says whose.
	Reservation *reserve.Reservation
	Origin      claim.Origin
	// Expected is what allocate would write there now, under its own config; nil
	// when it has no reservation or its config does not load.
	Expected *reserve.Reservation
	// BranchVars are the vars its config derives from the branch (config.BranchVars),
	// which tell a file stale after a branch switch from one stale after a config change.
	BranchVars []string
	// Unignored are the dotenv files of its config that are there, untracked, and not
	// ignored by git (dotenvfile.Unignored), relative to its top level.
	Unignored []string
	dotenv    []string // the dotenv files its approved config lists
	mainByGit bool     // its approved config names main ports and leaves them to git's main worktree
	// ConfigErr is why its config (its own checkout of the file, with git config on
	// top) does not load.
	ConfigErr error
	// Unapproved: its config asks for more than the ports, and this user has not
	// approved that content (repository.Approval), so it gives the ports alone.
	// ConfigDigest names the content.
	Unapproved   bool
	ConfigDigest string
	// Leftovers are temporary files of an interrupted write at its top level.
	Leftovers []string
	// GitDirGone is the git directory its .git file names when that does not exist (the
	// main worktree moved), "" otherwise.
	GitDirGone string
}

// Overlap is two reservations that claim a common port, in the order read, and which
// one keeps its bundle (claim.Winner). Unjudged is set for two worktrees of one other
// repository, where only doctor run there can apply the rule.
type Overlap struct {
	A, B     claim.Sibling
	AKeeps   bool
	Unjudged bool
}

// Listener is a process listening on a reserved port, and the worktree it runs in.
type Listener struct {
	listener.Listener
	// Holder is the path of the worktree whose directory holds its working directory;
	// "" when it runs outside every worktree or the OS hides it.
	Holder string
}

// HookFacts is the post-checkout hook, as install-hook sees it.
type HookFacts struct {
	// Known: git said where its hooks are; nothing else here is set otherwise.
	Known bool
	// Options are install-hook's (hooks.Options), State what hooks.Inspect found there,
	// and Err why it could not read the file.
	Options hooks.Options
	State   hooks.State
	Err     error
	// HooksPathUntracked: core.hooksPath is relative and nothing under it is
	// committed, so a new worktree has no hooks until a hook manager generates them.
	HooksPathUntracked bool
}

// check is one of doctor's checks: a pure function from the facts to its findings.
type check func(Facts) []Finding

// checks are doctor's checks, in the order their findings are printed.
var checks = []check{
	checkConfig, checkTracked, checkInvalid, checkCopied, checkStale, checkMainHeld, checkOverlaps,
	checkForeign, checkHeld, checkMoved, checkNoPorts, checkInherited,
	checkPrunable, checkLeftovers, checkHooksPath, checkHook, checkUnapproved,
	checkStray, checkUnignoredDotenv, checkBareMain,
}

// checkUnapproved advises approving a config that asks for more than the ports: until
// then env gives the ports alone. Advice, not a problem: the ports work, and approving
// is the user's decision. One finding per content, at the first worktree that has it.
func checkUnapproved(f Facts) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, w := range f.Worktrees {
		if !w.Unapproved || seen[w.ConfigDigest] {
			continue
		}
		seen[w.ConfigDigest] = true
		path := filepath.Join(w.Row.Path, config.FileName)
		out = append(out, Finding{
			Check: "unapproved", Severity: Advice, Path: path,
			Message: fmt.Sprintf("%s asks for more than the ports (env names, vars, dotenv files or main ports) and you have not approved this content, so env gives the ports alone", path),
			Fix:     fmt.Sprintf("git -C %s worktree-ports trust   (shows what it asks, then approves it)", shquote.Word(w.Row.Path)),
		})
	}
	return out
}

// Diagnose runs every check over f: problems first, then advice, each in check order.
// One cause gives one finding: a later finding with the same file and the same fix as
// an earlier one (a copied file also overlaps the bundle it was copied from) is left
// out.
func Diagnose(f Facts) []Finding {
	var out []Finding
	for _, c := range checks {
		out = append(out, oneCause(out, c(f))...)
	}
	rank := func(f Finding) int {
		if f.Severity == Problem {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return rank(a) - rank(b) })
	return out
}

// oneCause returns the findings of more that no finding of have already fixes: the same
// file, and the same command (the fix without its comment in parentheses).
func oneCause(have, more []Finding) []Finding {
	command := func(fd Finding) string {
		if fd.Allocate != "" {
			return "allocate " + fd.Allocate
		}
		c, _, _ := strings.Cut(fd.Fix, "   (")
		return c
	}
	var out []Finding
	for _, m := range more {
		if !slices.ContainsFunc(have, func(h Finding) bool {
			return h.Path != "" && h.Path == m.Path && command(h) == command(m)
		}) {
			out = append(out, m)
		}
	}
	return out
}

// Problems counts the findings that need action.
func Problems(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == Problem {
			n++
		}
	}
	return n
}

func checkConfig(f Facts) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, w := range f.Worktrees {
		if w.ConfigErr == nil {
			continue
		}
		fd := Finding{Check: "config", Severity: Problem, Message: "the config cannot be used, so allocate fails there: " + w.ConfigErr.Error()}
		var ce *config.Error
		switch {
		case errors.As(w.ConfigErr, &ce) && ce.File == config.GitConfig:
			// The same for every worktree: said once.
			fd.Message = "the config cannot be used, so allocate fails in every worktree: " + w.ConfigErr.Error()
			fd.Fix = fmt.Sprintf("correct it (git config %s VALUE), or drop it: git config --unset-all %s", ce.Key, ce.Key)
		case errors.As(w.ConfigErr, &ce) && ce.Key != "":
			fd.Path = ce.File
			fd.Fix = fmt.Sprintf("correct %s in %s (README: Configuration)", ce.Key, ce.File)
		default:
			fd.Path = filepath.Join(w.Row.Path, config.FileName)
			fd.Fix = "correct or remove " + fd.Path + " (README: Configuration)"
		}
		if !seen[fd.Message] {
			seen[fd.Message] = true
			out = append(out, fd)
		}
	}
	return out
}

func checkTracked(f Facts) []Finding {
	if !f.Tracked {
		return nil
	}
	return []Finding{{
		Check: "tracked", Severity: Problem, Path: filepath.Join(f.Toplevel, reserve.FileName),
		Message: reserve.FileName + " is tracked by git, so every new worktree starts with a copy of this bundle",
		Fix:     "git rm --cached " + reserve.FileName + " && git commit -m 'Stop tracking port reservation'",
	}}
}

// checkInvalid finds reservations that cannot be used: every command skips them, so
// other worktrees may take their ports.
func checkInvalid(f Facts) []Finding {
	var out []Finding
	for _, w := range f.Worktrees {
		err := w.Row.readErr
		if err == nil {
			continue
		}
		path, reason := filepath.Join(w.Row.Path, reserve.FileName), err.Error()
		var fe *reserve.FileError
		if errors.As(err, &fe) {
			path, reason = fe.Path, fe.Reason
		}
		fd := Finding{Check: "invalid", Severity: Problem, Path: path}
		if errors.Is(err, reserve.ErrOutOfBounds) {
			fd.Message = fmt.Sprintf("%s holds values no config writes (%s), so it is skipped and other worktrees may take its ports", path, reason)
			fd.Fix = fmt.Sprintf("git -C %s worktree-ports allocate   (it chooses again, keeping any fields of yours)", shquote.Word(w.Row.Path))
		} else {
			fd.Message = fmt.Sprintf("%s cannot be used (%s), so it is skipped and other worktrees may take its ports", path, reason)
			fd.Fix = fmt.Sprintf("correct it by hand, or replace it: git -C %s worktree-ports allocate --force", shquote.Word(w.Row.Path))
		}
		out = append(out, fd)
	}
	return out
}

// checkCopied finds reservations written for another worktree: copied with a
// directory, cloned or committed (claim.OriginOf). They hold that worktree's ports.
func checkCopied(f Facts) []Finding {
	var out []Finding
	for _, w := range f.Worktrees {
		if w.Reservation == nil || w.Origin != claim.Copied {
			continue
		}
		path := filepath.Join(w.Row.Path, reserve.FileName)
		out = append(out, Finding{
			Check: "copied", Severity: Problem, Path: path,
			Message:  fmt.Sprintf("%s was written for the worktree at %s (copied, cloned or committed), so it lists that worktree's ports", path, w.Reservation.Root),
			Fix:      fmt.Sprintf("git -C %s worktree-ports allocate   (it moves to a bundle of its own)", shquote.Word(w.Row.Path)),
			Allocate: w.Row.Path,
		})
	}
	return out
}

// checkStale finds reservations written before their config changed what they hold: a
// service or var added, removed or edited. env and exec hand programs what the file
// holds, so the new service's variable is missing.
func checkStale(f Facts) []Finding {
	var out []Finding
	for _, w := range f.Worktrees {
		if _, _, held := mainHeldBy(f, w); held {
			continue // checkMainHeld says why, and allocate cannot change it
		}
		if w.Reservation == nil || w.Expected == nil || w.Origin == claim.Copied || len(w.Reservation.Env) == 0 {
			// A file with no env at all (by hand, or an older version) is one env and
			// exec fill in themselves, by allocating.
			continue
		}
		if strings.HasPrefix(w.Reservation.Approval, trust.PendingPrefix) && !w.Unapproved {
			// Written with the ports alone while its config waited for approval, which
			// has come since: env and exec write it anew themselves.
			continue
		}
		d := claim.Compare(*w.Reservation, *w.Expected, true)
		if d.Empty() {
			continue
		}
		path := filepath.Join(w.Row.Path, reserve.FileName)
		out = append(out, Finding{
			Check: "stale", Severity: Problem, Path: path,
			Message:  staleMessage(path, w, d),
			Fix:      fmt.Sprintf("git -C %s worktree-ports allocate   (it updates the file; allocate --all updates every worktree)", shquote.Word(w.Row.Path)),
			Allocate: w.Row.Path,
		})
	}
	return out
}

func checkOverlaps(f Facts) []Finding {
	var out []Finding
	for _, o := range f.Overlaps {
		a, b := o.A, o.B
		if o.Unjudged {
			out = append(out, Finding{
				Check: "overlap", Severity: Problem, Path: b.Path,
				Message: fmt.Sprintf("%s and %s reserve overlapping bundles (%s and %s), both of repository %s", a.Label, b.Label,
					bundleText(a.Reservation), bundleText(b.Reservation), untrusted.New(a.Repo)),
				Fix: fmt.Sprintf("git -C %s worktree-ports doctor   (it says which one moves)", shquote.Word(a.Worktree.Path)),
			})
			continue
		}
		keeper, loser := a, b
		if !o.AKeeps {
			keeper, loser = b, a
		}
		fix := ""
		if loser.Repo == "" {
			// Another repository's worktree is that repository's to move.
			fix = loser.Worktree.Path
		}
		out = append(out, Finding{
			Check: "overlap", Severity: Problem, Path: loser.Path,
			Message: fmt.Sprintf("%s and %s reserve overlapping bundles (%s and %s); %s keeps its bundle", a.Label, b.Label,
				bundleText(a.Reservation), bundleText(b.Reservation), keeper.Label),
			Fix:      fmt.Sprintf("git -C %s worktree-ports allocate   (it moves; %s is not touched)", shquote.Word(loser.Worktree.Path), keeper.Label),
			Allocate: fix,
		})
	}
	return out
}

// mainHeldBy reports whether w is a main worktree that holds a bundle instead of its
// main ports because another repository's reservation holds one of them (allocate's
// fallback: the earlier reservation keeps its ports), and which one and which port.
func mainHeldBy(f Facts, w Worktree) (claim.Sibling, reserve.Port, bool) {
	if w.Linked || w.Reservation == nil || w.Reservation.Main || w.Expected == nil || !w.Expected.Main {
		return claim.Sibling{}, reserve.Port{}, false
	}
	for _, p := range w.Expected.Ports {
		for _, s := range f.Foreign {
			if s.Reservation.Claimed(p.Port) {
				return s, p, true
			}
		}
	}
	return claim.Sibling{}, reserve.Port{}, false
}

// checkMainHeld finds a main worktree that runs on a bundle of the range instead of the
// ports its config names (services.<name>.main), because another repository's earlier
// reservation holds one: bookmarks and callbacks on the usual ports do not reach it.
func checkMainHeld(f Facts) []Finding {
	var out []Finding
	for _, w := range f.Worktrees {
		s, p, held := mainHeldBy(f, w)
		if !held {
			continue
		}
		path := filepath.Join(w.Row.Path, reserve.FileName)
		out = append(out, Finding{
			Check: "main-ports", Severity: Problem, Path: path,
			Message: fmt.Sprintf("%s holds %s instead of its main ports (%s): port %d (%s) is reserved by %s, an earlier reservation of another repository, which keeps it",
				w.Label, bundleText(*w.Reservation), strings.TrimPrefix(bundleText(*w.Expected), "main ports "), p.Port, untrusted.New(p.Name), s.Label),
			Fix: fmt.Sprintf("free it there (git -C %s worktree-ports release) or give one of the two other ports, then: git -C %s worktree-ports allocate",
				shquote.Word(s.Worktree.Path), shquote.Word(w.Row.Path)),
		})
	}
	return out
}

// checkForeign passes on what reading the other repositories said: a file skipped there
// (a symlink, a corrupt file) or a repository that did not answer. It is advice: this
// repository's ports are not at risk from a file that counts as nothing, and doctor in
// that repository reports the file itself.
func checkForeign(f Facts) []Finding {
	var out []Finding
	for _, w := range f.ForeignWarnings {
		out = append(out, Finding{
			Check: "other-repository", Severity: Advice, Message: w,
			Fix: "run `git worktree-ports doctor` in that repository (`git worktree-ports list --all` shows where)",
		})
	}
	return out
}

// bundleText names what a reservation claims in a message: "21340+10", or for a main
// worktree keeping its main ports, "main ports 3000, 8000".
func bundleText(r reserve.Reservation) string {
	if !r.Main {
		return fmt.Sprintf("%d+%d", r.Base, r.Width)
	}
	ports := make([]string, len(r.Ports))
	for i, p := range r.Ports {
		ports[i] = strconv.Itoa(p.Port)
	}
	return "main ports " + strings.Join(ports, ", ")
}

// claimedPorts lists every port the reservations claim, each once, in order, with the
// reservations that claim it: overlapping bundles give a port two.
func claimedPorts(sibs []claim.Sibling) ([]int, map[int][]claim.Sibling) {
	var ports []int
	owners := map[int][]claim.Sibling{}
	claim := func(p int, s claim.Sibling) {
		if _, seen := owners[p]; !seen {
			ports = append(ports, p)
		}
		if o := owners[p]; len(o) == 0 || o[len(o)-1].Path != s.Path {
			owners[p] = append(o, s)
		}
	}
	for _, s := range sibs {
		// The whole bundle belongs to the worktree, not only its services' ports.
		r := s.Reservation
		for p := r.Base; p < r.Base+r.Width; p++ {
			claim(p, s)
		}
		for _, p := range r.Ports {
			claim(p.Port, s)
		}
	}
	return ports, owners
}

func checkHeld(f Facts) []Finding {
	if f.ListenersErr != nil {
		return []Finding{{
			Check: "held", Severity: Advice,
			Message: "could not look up listening processes, so ports held by others go unseen: " + f.ListenersErr.Error(),
			Fix:     "run doctor as the user who runs the servers",
		}}
	}
	ports, owners := claimedPorts(f.Siblings)
	var out []Finding
	for _, p := range ports {
		for _, l := range f.Listeners[p] {
			who := describeListener(l.Listener)
			if !l.Hidden {
				if l.Holder == "" && listener.Gone(l.Cwd) {
					who += " from deleted directory " + untrusted.New(l.Cwd).String()
				} else if l.Holder == "" {
					who += " from outside every worktree"
				} else {
					who += " from worktree " + repository.Label(f.Toplevel, l.Holder)
				}
			}
			for _, s := range owners[p] {
				if !l.Hidden && l.Holder == s.Worktree.Path {
					continue // its own server: exactly what the bundle is for
				}
				out = append(out, heldFinding(s, p, who))
			}
		}
	}
	return out
}

// heldFinding is the finding for port p of s's bundle, held by who. A port a service or
// lease of s uses is a problem: its server cannot start. A spare port of the bundle is
// advice: nothing breaks until a service is added on it.
func heldFinding(s claim.Sibling, p int, who string) Finding {
	fix := fmt.Sprintf("stop that process, or move %s with `git -C %s worktree-ports allocate --force` (nothing is ever killed for you)", s.Label, shquote.Word(s.Worktree.Path))
	if !usesPort(s.Reservation, p) {
		return Finding{
			Check: "held", Severity: Advice, Path: s.Path,
			Message: fmt.Sprintf("port %d of %s's bundle, which no service uses, is held by %s", p, s.Label, who),
			Fix:     "nothing breaks until a service is added on it; stop that process if it should not run there (nothing is ever killed for you)",
		}
	}
	return Finding{
		Check: "held", Severity: Problem, Path: s.Path,
		Message: fmt.Sprintf("port %d, reserved by %s, is held by %s", p, s.Label, who),
		Fix:     fix,
	}
}

// usesPort reports whether one of r's services or leases is on port p.
func usesPort(r reserve.Reservation, p int) bool {
	for _, sp := range r.Ports {
		if sp.Port == p {
			return true
		}
	}
	for _, l := range r.Leases {
		if l.Port == p {
			return true
		}
	}
	return false
}

func describeListener(l listener.Listener) string {
	if l.Hidden || l.PID == 0 {
		return "an unknown process"
	}
	return fmt.Sprintf("%s (pid %d)", l.Program, l.PID)
}

// checkMoved finds worktrees whose directory moved without `git worktree move`: git's
// records and the directory no longer point at each other until `git worktree repair`.
func checkMoved(f Facts) []Finding {
	var out []Finding
	if f.Toplevel != "" && !f.Listed {
		where := "git does not list this worktree"
		if f.RecordedAt != "" {
			where = "git records this worktree at " + f.RecordedAt + ", not here"
		}
		out = append(out, Finding{
			Check: "moved", Severity: Problem, Path: f.Toplevel,
			Message: where + " (moved without `git worktree move`?), so the other worktrees do not see its reservation and may take its ports",
			Fix:     "git worktree repair   (here: it records the new place)",
		})
	}
	main := ""
	if len(f.Worktrees) > 0 && !f.Worktrees[0].Row.Bare {
		main = f.Worktrees[0].Row.Path
	}
	for _, w := range f.Worktrees {
		if w.GitDirGone == "" {
			continue
		}
		fix := "git worktree repair   (in the main worktree: it points each worktree back to it)"
		if main != "" {
			fix = fmt.Sprintf("git -C %s worktree repair   (points each worktree back to the main one)", shquote.Word(main))
		}
		out = append(out, Finding{
			Check: "moved", Severity: Problem, Path: filepath.Join(w.Row.Path, ".git"),
			Message: fmt.Sprintf("%s's .git file names %s, which does not exist (the main worktree moved?), so git, allocate and the hook fail there", w.Label, w.GitDirGone),
			Fix:     fix,
		})
	}
	return out
}

// checkPrunable finds worktrees git lists whose directory is gone. Moved by hand or
// removed, doctor cannot tell; either way their bundle counts as free.
func checkPrunable(f Facts) []Finding {
	var out []Finding
	for _, w := range f.Worktrees {
		if !w.Row.Prunable {
			continue
		}
		why := ""
		if w.Row.PrunableReason != "" {
			why = " (" + w.Row.PrunableReason + ")"
		}
		out = append(out, Finding{
			Check: "prunable", Severity: Advice, Path: w.Row.Path,
			Message: fmt.Sprintf("git lists the worktree %s, whose directory is gone%s: its bundle counts as free", w.Row.Path, why),
			Fix:     "moved by hand? git worktree repair NEW-PATH; removed? git worktree prune",
		})
	}
	return out
}

// checkNoPorts finds worktrees the range left without ports: the hook could not
// allocate there, and env will not either.
func checkNoPorts(f Facts) []Finding {
	if f.NoPorts == nil {
		return nil
	}
	var labels []string
	first := ""
	for _, w := range f.Worktrees {
		if w.Row.Has(FlagMissing) {
			labels = append(labels, w.Label)
			if first == "" {
				first = w.Row.Path
			}
		}
	}
	if len(labels) == 0 {
		return nil
	}
	why, _, _ := strings.Cut(f.NoPorts.Error(), "\n")
	have := "has"
	if len(labels) > 1 {
		have = "have"
	}
	fix := "free slots with `git worktree-ports release` in worktrees you no longer use"
	var ex *bundle.ExhaustedError
	if errors.As(f.NoPorts, &ex) && f.Range.Hi > 0 {
		if wider := f.Range.Widened(); wider != f.Range {
			fix = fmt.Sprintf("widen the range (git config worktree-ports.range %s), or %s", wider, fix)
		}
	}
	return []Finding{{
		Check: "no-ports", Severity: Problem, Path: first,
		Message: fmt.Sprintf("%s %s no ports, and allocate cannot give them any: %s", strings.Join(labels, ", "), have, why),
		Fix:     fix + "; then run `git worktree-ports allocate` there",
	}}
}
