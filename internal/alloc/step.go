package alloc

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// ErrNotSlotBase is the error of a --base that is not a slot base of the range:
// misaligned, or outside it. It is a mistake in how allocate was called.
var ErrNotSlotBase = errors.New("not a slot base")

func (a *allocation) pinned(o Options, prev []byte) (*Result, error) {
	spec := a.cfg.Spec
	slot, ok := spec.SlotOf(o.Base)
	if !ok {
		return nil, fmt.Errorf("--base %d: %w of range %d-%d with width %d (bases are %d, %d, ...)", o.Base, ErrNotSlotBase, spec.Range.Lo, spec.Range.Hi, spec.Width, spec.Range.Lo, spec.Range.Lo+spec.Width)
	}
	if p, bad := spec.Avoided(o.Base); bad {
		return nil, fmt.Errorf("--base %d: port %d is on the avoid list", o.Base, p)
	}
	if p, ok := spec.MainPortIn(o.Base); ok {
		return nil, fmt.Errorf("--base %d: port %d is the main worktree's (services.%s.main)", o.Base, p.Port, untrusted.New(p.Service))
	}
	if s, taken := a.reservedBy(o.Base, spec.Width); taken {
		return nil, fmt.Errorf("--base %d: ports %s are reserved by %s (%s)", o.Base, portRange(o.Base, spec.Width), s.Label, claimText(s.Reservation))
	}
	if l, taken := a.leasedBy(o.Base, spec.Width); taken {
		return nil, fmt.Errorf("--base %d: port %d is this worktree's lease %s; `git worktree-ports release %s` first, or pin another base", o.Base, l.Port, untrusted.New(l.Name), untrusted.New(l.Name))
	}
	return a.write(prev, a.reservation(slot, o.Base), Pinned, fmt.Sprintf("%s: pinned slot %d, ports %s", untrusted.New(a.name), slot, portRange(o.Base, spec.Width)), o.DryRun)
}

func (a *allocation) reservedBy(base, width int) (claim.Sibling, bool) {
	for _, s := range a.sibs {
		for p := base; p < base+width; p++ {
			if s.Reservation.Claimed(p) {
				return s, true
			}
		}
	}
	return claim.Sibling{}, false
}

// leasedBy returns this worktree's own live lease within [base, base+width), if any.
func (a *allocation) leasedBy(base, width int) (reserve.Lease, bool) {
	for _, l := range a.ownLeases {
		if l.Port >= base && l.Port < base+width {
			return l, true
		}
	}
	return reserve.Lease{}, false
}

// taken is the predicate bundle.Choose steps with: reserved first (cheap and
// authoritative), then bound.
func (a *allocation) taken(base int) bundle.Verdict {
	w := a.cfg.Spec.Width
	if s, ok := a.reservedBy(base, w); ok {
		if a.holders == nil {
			a.holders = map[string]int{}
		}
		repo := s.Repo
		if repo == "" {
			repo = a.repo.RepoName()
		}
		a.holders[repo]++
		a.countFile(s)
		return bundle.Verdict{Taken: true, Kind: "reserved", Detail: "reserved by " + s.Label}
	}
	if l, ok := a.leasedBy(base, w); ok {
		return bundle.Verdict{Taken: true, Kind: "leased by this worktree (release NAME frees one)", Detail: fmt.Sprintf("holds port %d, this worktree's lease %s", l.Port, untrusted.New(l.Name))}
	}
	if p, ok := a.cfg.Spec.MainPortIn(base); ok {
		// The main worktree's ports, from the config: reserved even before the main
		// worktree has allocated them (its file says so for other repositories).
		return bundle.Verdict{Taken: true, Kind: "reserved", Detail: fmt.Sprintf("holds port %d, the main worktree's (services.%s.main)", p.Port, untrusted.New(p.Service))}
	}
	for p := base; p < base+w; p++ {
		if a.prober.Bound(p) {
			return bundle.Verdict{Taken: true, Kind: "bound", Detail: fmt.Sprintf("port %d is in use%s", p, a.heldBy(p))}
		}
	}
	return bundle.Verdict{}
}

// claimText names what a reservation claims in a message: its bundle's ports, or a main
// worktree's "main ports 3000, 8000".
func claimText(r reserve.Reservation) string {
	if !r.Main {
		return portRange(r.Base, r.Width)
	}
	ports := make([]string, len(r.Ports))
	for i, p := range r.Ports {
		ports[i] = strconv.Itoa(p.Port)
	}
	return "main ports " + strings.Join(ports, ", ")
}

func portRange(base, width int) string {
	if width == 1 {
		return strconv.Itoa(base)
	}
	return fmt.Sprintf("%d-%d", base, base+width-1)
}

// holdersText names the repositories whose reservations filled the range, most first.
func (a *allocation) holdersText() string {
	if len(a.holders) == 0 {
		return ""
	}
	names := make([]string, 0, len(a.holders))
	for n := range a.holders {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if a.holders[names[i]] != a.holders[names[j]] {
			return a.holders[names[i]] > a.holders[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s (%d)", untrusted.New(n), a.holders[n])
	}
	return "\nSlots reserved by the worktrees of: " + strings.Join(parts, ", ") + a.fileText()
}

// fileHold is how many slots one reservation file took during stepping.
type fileHold struct {
	sib claim.Sibling
	n   int
}

func (a *allocation) countFile(s claim.Sibling) {
	if a.files == nil {
		a.files = map[string]*fileHold{}
	}
	h := a.files[s.Path]
	if h == nil {
		h = &fileHold{sib: s}
		a.files[s.Path] = h
	}
	h.n++
}

// fileText names the one reservation file that took most of the range by itself, if
// there is one: a wide bundle, or ports spread over many slots, is then the thing to
// look at, not the number of worktrees.
func (a *allocation) fileText() string {
	slots := a.cfg.Spec.Slots()
	var top *fileHold
	for _, h := range a.files {
		if top == nil || h.n > top.n || h.n == top.n && h.sib.Path < top.sib.Path {
			top = h
		}
	}
	if top == nil || 2*top.n <= slots {
		return ""
	}
	r := top.sib.Reservation
	what := "bundle " + portRange(r.Base, r.Width)
	outside := 0
	for _, p := range r.Ports {
		if p.Port < r.Base || p.Port-r.Base >= r.Width {
			outside++
		}
	}
	if outside > 0 {
		what += fmt.Sprintf(" and %d ports outside it", outside)
	}
	return fmt.Sprintf("\n%s alone reserves %d of the %d slots (%s); if that worktree does not need them, run `git worktree-ports release` in %s",
		untrusted.New(top.sib.Path), top.n, slots, what, untrusted.New(top.sib.Worktree.Path))
}

// namedHolders is how many bound slots heldBy names the holder of: the messages show the
// first skips alone, and each lookup scans the connection table.
const namedHolders = 3

// heldBy names who listens on port, as " by tcpserver (pid 42) from worktree ../b", for
// the first namedHolders bound slots of a stepping; "" after them or when the OS will not
// say.
func (a *allocation) heldBy(port int) string {
	if a.named >= namedHolders {
		return ""
	}
	a.named++
	found, err := listener.Lookup(a.ctx, []int{port})
	if err != nil || len(found[port]) == 0 {
		return ""
	}
	paths := make([]string, 0, len(a.repo.Worktrees))
	for _, w := range a.repo.Worktrees {
		paths = append(paths, w.Path)
	}
	label := func(p string) string { return repository.Label(a.root, p) }
	return " by " + listener.Holder(found[port][0], paths, label)
}
