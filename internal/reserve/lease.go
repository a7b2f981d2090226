package reserve

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
)

// LeasesKey is the key of a reservation file that holds its worktree's leases.
const LeasesKey = "leases"

// MaxLeases is the most leases one reservation file may hold; a file with more is
// refused as out of bounds, so one crafted file cannot claim a whole range port by port.
const MaxLeases = 256

// Lease is one extra port a worktree holds for an agent or a tool (`lease NAME`), listed
// in its reservation file under "leases":
//
//	"leases": {"playwright": {"port": 29990, "expires": "2026-12-07T16:00:00Z"}}
//
// It is part of what the file claims (Reservation.Claimed), so every reader of
// reservations that applies the overlap rules (allocate, list, doctor, other
// repositories) sees it. Expires is the zero time for a lease without a TTL.
type Lease struct {
	Name    string
	Port    int
	Expires time.Time
}

// Now reads the clock that decides whether a lease has expired; tests replace it.
var Now = time.Now

// Expired reports whether l has a TTL that has run out at now.
func (l Lease) Expired(now time.Time) bool {
	return !l.Expires.IsZero() && !now.Before(l.Expires)
}

// parseLeases reads the first "leases" member of obj. It is lenient like Parse: an
// entry that is not an object with a port number is dropped, and an expired lease is
// dropped too, since it holds nothing any more. A port outside bundle's bounds is an
// entry no command wrote, and is dropped.
func parseLeases(obj gjson.Result) []Lease {
	var v gjson.Result
	found := false
	obj.ForEach(func(k, val gjson.Result) bool {
		if k.String() == LeasesKey {
			v, found = val, true
			return false
		}
		return true
	})
	if !found || !v.IsObject() {
		return nil
	}
	now := Now()
	var out []Lease
	seen := map[string]bool{}
	v.ForEach(func(k, e gjson.Result) bool {
		name := k.String()
		if seen[name] || !e.IsObject() {
			return true
		}
		port, ok := intValue(e.Get("port"))
		if !ok || port < bundle.MinPort || port > bundle.MaxPort {
			return true
		}
		var exp time.Time
		if x := e.Get("expires"); x.Exists() {
			t, err := time.Parse(time.RFC3339, x.String())
			if x.Type != gjson.String || err != nil {
				return true
			}
			exp = t
		}
		seen[name] = true
		l := Lease{Name: name, Port: port, Expires: exp}
		if !l.Expired(now) {
			out = append(out, l)
		}
		return true
	})
	return out
}

// LeasePort returns the port of r's lease name, and whether there is one.
func (r Reservation) LeasePort(name string) (int, bool) {
	for _, l := range r.Leases {
		if l.Name == name {
			return l.Port, true
		}
	}
	return 0, false
}

// SetLeases returns the bytes of the reservation file prev (a valid JSON object) with its
// "leases" member replaced by leases, in place, or appended when it had none, or removed
// when leases is empty. Every other member is kept byte for byte: the proof signs what
// the file says about the bundle and the environment (package trust), which a lease
// does not change.
func SetLeases(prev []byte, leases []Lease) ([]byte, error) {
	if !json.Valid(prev) {
		return nil, fmt.Errorf("reservation: not valid JSON")
	}
	root := gjson.ParseBytes(prev)
	if !root.IsObject() {
		return nil, fmt.Errorf("reservation: not a JSON object")
	}
	value, err := leasesJSON(leases)
	if err != nil {
		return nil, err
	}
	var members []string
	done := false
	root.ForEach(func(k, v gjson.Result) bool {
		if k.String() != LeasesKey {
			members = append(members, "  "+k.Raw+": "+v.Raw)
			return true
		}
		if !done && len(leases) > 0 {
			members = append(members, "  "+quote(LeasesKey)+": "+value)
		}
		done = true
		return true
	})
	if !done && len(leases) > 0 {
		members = append(members, "  "+quote(LeasesKey)+": "+value)
	}
	return []byte("{\n" + strings.Join(members, ",\n") + "\n}\n"), nil
}

// WithoutLeases returns prev without its "leases" member, or prev itself when it is not
// a JSON object: for a copied file, whose leases are the original's.
func WithoutLeases(prev []byte) []byte {
	if out, err := SetLeases(prev, nil); err == nil {
		return out
	}
	return prev
}

func leasesJSON(leases []Lease) (string, error) {
	if len(leases) > MaxLeases {
		return "", fmt.Errorf("reservation: %d leases, more than %d", len(leases), MaxLeases)
	}
	var b strings.Builder
	b.WriteString("{")
	seen := map[string]bool{}
	for i, l := range leases {
		switch {
		case !utf8.ValidString(l.Name) || l.Name == "":
			return "", fmt.Errorf("reservation: lease name %q is empty or not valid UTF-8", l.Name)
		case seen[l.Name]:
			return "", fmt.Errorf("reservation: lease %q listed twice", l.Name)
		case l.Port < bundle.MinPort || l.Port > bundle.MaxPort:
			return "", fmt.Errorf("reservation: lease %q = %d is outside %d-%d", l.Name, l.Port, bundle.MinPort, bundle.MaxPort)
		}
		seen[l.Name] = true
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    " + quote(l.Name) + ": {\"port\": " + strconv.Itoa(l.Port))
		if !l.Expires.IsZero() {
			b.WriteString(", \"expires\": " + quote(l.Expires.UTC().Format(time.RFC3339)))
		}
		b.WriteString("}")
	}
	b.WriteString("\n  }")
	return b.String(), nil
}
