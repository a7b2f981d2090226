// Package bundle is the arithmetic of port bundles: slots in a range, the
// preferred slot of a worktree, avoided ports, and stepping to a free slot.
// It does no I/O; callers say whether a slot is taken through a predicate.
package bundle

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Range is an inclusive range of ports, Lo through Hi.
type Range struct{ Lo, Hi int }

// The bounds of every bundle, defined here once: internal/config refuses a config beyond
// them, and internal/reserve a reservation file no config within them produces, so one
// file with "width": 64000 cannot take every slot of every repository on the machine.
const (
	// MinPort is the lowest port a range, a main port (services.<name>.main) or a
	// reservation file may hold: below it lie the privileged ports.
	MinPort = 1024
	// MaxPort is the highest TCP port.
	MaxPort = 65535
	// MaxWidth bounds a bundle's width: a bundle is a handful of services, and a larger
	// width is far more likely a typo than a plan.
	MaxWidth = 1000
	// MaxServices bounds the number of services (which width bounds too: every service
	// has its own offset below it), and so the ports a main worktree's file lists. A
	// config's main ports are reserved on the whole machine, in every repository's
	// range, so without a small bound one committed config could name a main port in
	// every slot of another repository's range and leave it no ports at all. 32 is more
	// servers than any project runs per worktree.
	MaxServices = 32
)

// String formats r as "lo-hi", or as a single port when Lo equals Hi.
func (r Range) String() string {
	if r.Lo == r.Hi {
		return strconv.Itoa(r.Lo)
	}
	return strconv.Itoa(r.Lo) + "-" + strconv.Itoa(r.Hi)
}

// Contains reports whether port lies in r.
func (r Range) Contains(port int) bool { return r.Lo <= port && port <= r.Hi }

// Widened is r twice as large, for "widen the range" advice: it grows upwards, and
// downwards once it meets 65535, never past 1024-65535. A range that already spans all
// of that is returned as it is.
func (r Range) Widened() Range {
	size := r.Hi - r.Lo + 1
	w := Range{Lo: r.Lo, Hi: min(r.Hi+size, MaxPort)}
	if grown := w.Hi - r.Hi; grown < size {
		w.Lo = max(r.Lo-(size-grown), MinPort)
	}
	return w
}

// ParseRange parses "lo-hi" or a single port "p". Both ends must be decimal
// port numbers in 1-65535 with lo <= hi.
func ParseRange(s string) (Range, error) {
	s = strings.TrimSpace(s)
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := parsePort(lo)
	if err != nil {
		return Range{}, fmt.Errorf("range %q: %v", s, err)
	}
	b := a
	if isRange {
		if b, err = parsePort(hi); err != nil {
			return Range{}, fmt.Errorf("range %q: %v", s, err)
		}
	}
	if a > b {
		return Range{}, fmt.Errorf("range %q: %d is above %d", s, a, b)
	}
	return Range{a, b}, nil
}

func parsePort(s string) (int, error) {
	s = strings.TrimSpace(s)
	// strconv.Atoi accepts signs, which would make "-5" ambiguous with a range.
	if s == "" || strings.TrimLeft(s, "0123456789") != "" || len(s) > 5 {
		return 0, fmt.Errorf("%q is not a port number", s)
	}
	p, _ := strconv.Atoi(s)
	if p < 1 || p > MaxPort {
		return 0, fmt.Errorf("port %d is outside 1-%d", p, MaxPort)
	}
	return p, nil
}

// Service is one service of a bundle: its port is the bundle's base plus
// Offset, exported as Env. Health is an optional HTTP path for probes. Main,
// when not 0, is the port the service keeps in the main worktree instead
// (services.<name>.main): the project's usual one.
type Service struct {
	Name   string
	Offset int
	Env    string
	Health string
	Main   int
}

// Spec is everything needed to lay bundles out in a range. Slot i covers
// ports [Lo+i*Width, Lo+(i+1)*Width).
type Spec struct {
	Range    Range
	Width    int
	Services []Service // ordered as in the config
	Avoid    []Range   // avoided in addition to DefaultAvoid
}

// Port is one service's port in a concrete bundle.
type Port struct {
	Service string
	Env     string
	Port    int
}

// Slots returns how many whole bundles fit in the range. Ports after the
// last whole bundle are never handed out.
func (s Spec) Slots() int {
	if s.Width < 1 || s.Range.Hi < s.Range.Lo {
		return 0
	}
	return (s.Range.Hi - s.Range.Lo + 1) / s.Width
}

// BaseOf returns the first port of slot.
func (s Spec) BaseOf(slot int) int { return s.Range.Lo + slot*s.Width }

// SlotOf returns the slot whose first port is base. It reports false when
// base is not aligned to the range's start or its bundle does not fit.
func (s Spec) SlotOf(base int) (int, bool) {
	if s.Width < 1 || base < s.Range.Lo || (base-s.Range.Lo)%s.Width != 0 {
		return 0, false
	}
	slot := (base - s.Range.Lo) / s.Width
	if slot >= s.Slots() {
		return 0, false
	}
	return slot, true
}

// Ports returns each service's port in the bundle at base, in service order.
func (s Spec) Ports(base int) []Port {
	ps := make([]Port, len(s.Services))
	for i, sv := range s.Services {
		ps[i] = Port{Service: sv.Name, Env: sv.Env, Port: base + sv.Offset}
	}
	return ps
}

// HasMain reports whether the services name the main worktree's ports. A valid
// config names one for every service or for none.
func (s Spec) HasMain() bool {
	return len(s.Services) > 0 && s.Services[0].Main != 0
}

// MainPorts returns each service's main port, in service order: the main
// worktree's ports when HasMain.
func (s Spec) MainPorts() []Port {
	ps := make([]Port, len(s.Services))
	for i, sv := range s.Services {
		ps[i] = Port{Service: sv.Name, Env: sv.Env, Port: sv.Main}
	}
	return ps
}

// MainPortIn returns the first main port in [base, base+Width) and its
// service, and whether there is one: a linked worktree's bundle must not
// hold one.
func (s Spec) MainPortIn(base int) (Port, bool) {
	for _, p := range s.MainPorts() {
		if p.Port != 0 && p.Port >= base && p.Port < base+s.Width {
			return p, true
		}
	}
	return Port{}, false
}

// Avoided returns the lowest port in [base, base+Width) that is in
// DefaultAvoid or s.Avoid, and whether there is one. The whole bundle is
// checked, not only the services' ports, because the bundle owns all of it
// and services may be added later.
func (s Spec) Avoided(base int) (port int, ok bool) {
	lo, hi := base, base+s.Width-1
	best := 0
	for _, list := range [][]Range{DefaultAvoid, s.Avoid} {
		for _, r := range list {
			if r.Hi < lo || r.Lo > hi {
				continue
			}
			p := max(r.Lo, lo)
			if !ok || p < best {
				best, ok = p, true
			}
		}
	}
	return best, ok
}

// Verdict is a predicate's answer about one bundle. Kind groups the reasons
// for counting (for example "reserved" or "bound"); Detail is shown to the
// user (for example "reserved by ../feature-x").
type Verdict struct {
	Taken  bool
	Kind   string
	Detail string
}

// Skip records a slot that Choose passed over and why.
type Skip struct {
	Slot, Base   int
	Kind, Detail string
}

// Choice is the result of Choose. Skipped counts the slots passed over
// before Slot; FirstSkips holds at most the first three of them, enough to
// explain the move in a line.
type Choice struct {
	Slot, Base int
	Preferred  int
	Skipped    int
	FirstSkips []Skip
}

// KindAvoided is the Skip and ExhaustedError kind of slots that overlap an
// avoided port.
const KindAvoided = "avoided"

// kindTaken stands in for an empty Verdict.Kind so every skip is counted.
const kindTaken = "taken"

// maxFirstSkips bounds Choice.FirstSkips: an explanation longer than that
// helps nobody.
const maxFirstSkips = 3

// ExhaustedError is returned by Choose when no slot is free. ByKind counts
// the slots by reason, including KindAvoided.
type ExhaustedError struct {
	Slots  int
	ByKind map[string]int
}

// Error gives the number of slots and the counts by reason, in a stable
// order.
func (e *ExhaustedError) Error() string {
	var b strings.Builder
	if e.Slots == 1 {
		b.WriteString("the only slot is taken")
	} else {
		fmt.Fprintf(&b, "all %d slots are taken", e.Slots)
	}
	for i, k := range slices.Sorted(maps.Keys(e.ByKind)) {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", e.ByKind[k], k)
	}
	return b.String()
}

// Choose steps slot by slot from preferred, wrapping round the range once,
// and returns the first slot that overlaps no avoided port and for which
// taken reports free. taken is not called for avoided slots. A preferred
// slot outside the range is reduced modulo the number of slots. When every
// slot is taken, Choose returns an *ExhaustedError.
func Choose(s Spec, preferred int, taken func(base int) Verdict) (Choice, error) {
	n := s.Slots()
	if n == 0 {
		return Choice{}, &ExhaustedError{Slots: 0, ByKind: map[string]int{}}
	}
	preferred = ((preferred % n) + n) % n
	c := Choice{Preferred: preferred}
	byKind := map[string]int{}
	for i := range n {
		slot := (preferred + i) % n
		base := s.BaseOf(slot)
		var skip Skip
		if p, ok := s.Avoided(base); ok {
			skip = Skip{slot, base, KindAvoided, fmt.Sprintf("port %d is avoided", p)}
		} else if v := taken(base); v.Taken {
			kind := v.Kind
			if kind == "" {
				kind = kindTaken
			}
			skip = Skip{slot, base, kind, v.Detail}
		} else {
			c.Slot, c.Base = slot, base
			return c, nil
		}
		byKind[skip.Kind]++
		c.Skipped++
		if len(c.FirstSkips) < maxFirstSkips {
			c.FirstSkips = append(c.FirstSkips, skip)
		}
	}
	return Choice{}, &ExhaustedError{Slots: n, ByKind: byKind}
}
