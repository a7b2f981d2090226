// Package names gives every service of every worktree a host name under .localhost,
// <service>.<worktree>.<repo>.localhost, that no other service, worktree or registered
// repository on the machine has. Browsers resolve .localhost to loopback, so the name
// reaches the service's stable port directly, or through the proxy (package proxy)
// without the port, and each worktree keeps cookies of its own.
//
// Each part is a DNS label made by package slug. Where a slug would lose information
// (upper case, punctuation, a long name), or where two names would meet, the label
// carries "--" and a hash. A slug never holds "--", so a hashed label never meets a
// plain one: the names are unique by construction, up to a 32-bit hash collision
// between two hashed labels.
package names

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/hosttemplate"
	"github.com/git-worktree-ports/git-worktree-ports/internal/slug"
)

// Domain is the top-level domain every name ends in.
const Domain = "localhost"

// Label returns name itself when it is already a slug (lower-case [a-z0-9-], no "--",
// at most slug.MaxLen bytes), else its slug, "--" and a hash of name: two names with
// one slug ("Fix" and "fix") get two labels.
func Label(name string) string {
	s := slug.Make(name)
	if s == name {
		return s
	}
	return hashed(s, name)
}

// hashed returns s, "--" and a hash of key, cut to a DNS label's length.
func hashed(s, key string) string {
	h := hash(key)
	if max := slug.MaxLen - len(h) - 2; len(s) > max {
		s = strings.TrimRight(s[:max], "-")
	}
	return s + "--" + h
}

// Worktree returns a worktree's label. The main worktree's is the Label of its
// directory's name; a linked worktree's is the Label of its git administrative
// directory's name (<common>/worktrees/<id>), which git keeps unique within a
// repository even when two worktrees' directories share a name. A linked worktree
// whose label would meet the main worktree's gets a hash instead, so the main
// worktree keeps the plain name. id is "" for the main worktree.
func Worktree(mainName, id string) string {
	m := Label(mainName)
	if id == "" {
		return m
	}
	l := Label(id)
	if l == m {
		return hashed(slug.Make(id), "worktrees/"+id)
	}
	return l
}

// Repo is one registered repository, as Repos labels it.
type Repo struct {
	Name      string    // its short name, {repo}
	CommonDir string    // its common git directory, which tells two clones apart
	Since     time.Time // when it was registered; the earlier keeps the plain label
}

// Repos returns each repository's label, in the order given. A repository keeps the
// Label of its name unless an earlier-registered repository (then the common
// directory that sorts first) has the same one; then it carries a hash of its common
// directory. So two clones of one project both get a name, and the first keeps the
// plain one however many come later.
func Repos(repos []Repo) []string {
	order := make([]int, len(repos))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := repos[order[a]], repos[order[b]]
		if !ra.Since.Equal(rb.Since) {
			return ra.Since.Before(rb.Since)
		}
		return ra.CommonDir < rb.CommonDir
	})
	out := make([]string, len(repos))
	seen := map[string]bool{}
	for _, i := range order {
		l := Label(repos[i].Name)
		if seen[l] {
			l = hashed(slug.Make(repos[i].Name), repos[i].CommonDir)
		}
		seen[l] = true
		out[i] = l
	}
	return out
}

// Host returns the host name of a service: <service>.<worktree>.<repo>.localhost,
// from the labels Worktree and Repos gave.
func Host(service, worktree, repo string) string {
	return Label(service) + "." + worktree + "." + repo + "." + Domain
}

// HostIn returns the host name of a service in the shape of template (the config's
// "host", which allocate records in the reservation; package hosttemplate), from the
// labels Worktree and Repos gave: Host's shape when template is "" or not a template.
// Each placeholder is a whole label, so the names are as unique as Host's.
func HostIn(template, service, worktree, repo string) string {
	return hosttemplate.Expand(template, Label(service), worktree, repo)
}

// URL returns the service's address on its own port: http://HOST:PORT.
func URL(host string, port int) string {
	return "http://" + host + ":" + strconv.Itoa(port)
}

// hash is 8 hex digits of FNV-1a 32 over s.
func hash(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%08x", h.Sum32())
}
