// Package proxy routes each service's name, <service>.<worktree>.<repo>.localhost
// (package names), to that worktree's stable port on loopback, for every repository of
// the per-user index, read from their reservation files: the files are the registry, and
// the proxy keeps no other.
//
// It is an HTTP reverse proxy (net/http/httputil): WebSocket upgrades pass through (a
// dev server's hot reload), responses stream as they come, and X-Forwarded-For, -Host and
// -Proto are set. A name whose service is not listening gets a 502 page saying which
// worktree and service that is; an unknown name gets a 404 page listing the names there
// are. Every target is 127.0.0.1 or ::1 and a port number: nothing a reservation file
// says can make the proxy connect anywhere else.
package proxy

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/names"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
)

// Route is one name the proxy answers for.
type Route struct {
	Host     string // web.feature-x.shop.localhost
	Port     int    // the service's port on loopback
	Repo     string // the repository's name, as the index has it (untrusted text)
	Worktree string // the worktree's path (untrusted text)
	Service  string // the service's name in the reservation (untrusted text)
}

// Gather reads the routes of every repository in idx: each worktree's reservation, read
// as allocate reads another worktree's (reserve.ReadNoFollow), each repository within
// the index's time limit (claim.ListForeignFor). A file written for another place (a
// copy; claim.OriginOf) gives no routes, since its ports are the original's, and nor
// does a file this user's tool did not write (key verifies its proof, trust.Sealed): a
// committed or crafted file could otherwise point a name at any local port. Routes come
// sorted by host.
func Gather(ctx context.Context, idx registry.Index, key []byte, env []string, warn func(string)) []Route {
	f := claim.ListForeignFor(ctx, idx, "", env, claim.Listing{
		FromFiles: true,
		Now:       time.Now,
		Diag: diag.New(func(err error) {
			if warn != nil {
				warn(err.Error())
			}
		}, nil),
	})
	var entries []registry.Entry
	for _, r := range f.Repos {
		entries = append(entries, r.Entry)
	}
	labels := names.RepoLabels(&idx, entries)
	var out []Route
	seen := map[string]string{} // host: the worktree that has it
	for i, r := range f.Repos {
		if len(r.Worktrees) == 0 {
			continue
		}
		mainPath := r.Worktrees[0].Path
		for _, w := range r.Worktrees {
			if w.Bare || w.Prunable {
				continue
			}
			res, _, err := reserve.ReadNoFollow(filepath.Join(w.Path, reserve.FileName))
			if err != nil || res.Root != "" && !fspath.Equal(res.Root, w.Path) || !trust.Sealed(key, res) {
				continue
			}
			wt := names.WorktreeAt(mainPath, w.Path)
			for _, p := range res.Ports {
				h := names.HostIn(res.Host, p.Name, wt, labels[i])
				if first, ok := seen[h]; ok {
					// Two host templates that place the parts differently can meet;
					// the name stays the first one's, and the user hears of it.
					if warn != nil {
						warn(fmt.Sprintf("proxy: %s is a name of both %s and %s; routing it to the first", h, first, w.Path))
					}
					continue
				}
				seen[h] = w.Path
				out = append(out, Route{Host: h, Port: p.Port, Repo: r.Entry.Name, Worktree: w.Path, Service: p.Name})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Host < out[b].Host })
	return out
}
