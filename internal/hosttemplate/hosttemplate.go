// Package hosttemplate is the config's "host" key: another shape for the services' host
// names than <service>.<worktree>.<repo>.localhost (package names), such as
// "{worktree}.{service}.{repo}.localhost" or "{service}.{worktree}.{repo}.dev.localhost".
//
// A template is dot-separated DNS labels. Each is one whole placeholder, {service},
// {worktree} or {repo} (the labels package names makes, which carry a hash wherever two
// names would meet), or a literal lower-case slug; each placeholder comes exactly once,
// and the last label is "localhost". So the names stay unique by construction: a label
// never spans two parts, and two services, worktrees or repositories differ in the
// label of their own placeholder. Literal labels only add fixed text. Since a name
// always ends in .localhost, it resolves to loopback, the proxy routes nothing else, and
// the proxy's local CA can sign it.
package hosttemplate

import (
	"errors"
	"fmt"
	"strings"
)

// The placeholders.
const (
	Service  = "{service}"
	Worktree = "{worktree}"
	Repo     = "{repo}"
)

// Default is the shape names.Host makes.
const Default = Service + "." + Worktree + "." + Repo + ".localhost"

// maxLen bounds a template: a DNS name has at most 253 bytes, and the three
// placeholders may each become a 63-byte label.
const maxLen = 253 - 3*63 + len(Service+Worktree+Repo)

// Check returns an error saying what is wrong with t, or nil when it is a template.
func Check(t string) error {
	if t == "" {
		return errors.New("empty; leave the key out for the default, " + Default)
	}
	if len(t) > maxLen {
		return fmt.Errorf("%d bytes, longer than a host name can become (at most %d)", len(t), maxLen)
	}
	labels := strings.Split(t, ".")
	if labels[len(labels)-1] != "localhost" {
		return errors.New(`must end in ".localhost", which browsers resolve to loopback (e.g. ` + Default + ")")
	}
	seen := map[string]bool{}
	for _, l := range labels {
		switch {
		case l == Service || l == Worktree || l == Repo:
			if seen[l] {
				return fmt.Errorf("%s twice", l)
			}
			seen[l] = true
		case strings.ContainsAny(l, "{}"):
			return fmt.Errorf("label %q: a placeholder must be a whole label ({service}, {worktree} or {repo} between dots), so names cannot run into each other", l)
		case !literal(l):
			return fmt.Errorf("label %q: use lower-case letters, digits and single '-', not at either end", l)
		}
	}
	for _, p := range []string{Service, Worktree, Repo} {
		if !seen[p] {
			return fmt.Errorf("no %s: each of {service}, {worktree} and {repo} must be in it, or two names could meet", p)
		}
	}
	return nil
}

// literal reports whether l is a slug label: [a-z0-9-], 1-63 bytes, no '-' at an end and
// no "--" (which package names keeps for its hashes).
func literal(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || strings.Contains(l, "--") {
		return false
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// Expand returns the host name t gives for the labels service, worktree and repo; the
// default shape when t is "" or not a template (a file's value is checked again here,
// so no reader trusts it blindly).
func Expand(t, service, worktree, repo string) string {
	if t == "" || Check(t) != nil {
		t = Default
	}
	labels := strings.Split(t, ".")
	for i, l := range labels {
		switch l {
		case Service:
			labels[i] = service
		case Worktree:
			labels[i] = worktree
		case Repo:
			labels[i] = repo
		}
	}
	return strings.Join(labels, ".")
}
