// Package repoid says who a repository is, in the one form the preferred slot hashes
// (bundle.Preferred): its origin URL normalised to host/path, the way git reads remote
// URLs, or the main worktree's name when it has no origin. Two clones of one repository
// get the same identity, so their worktrees prefer the same slots.
package repoid

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// Of returns the repository identity that the preferred slot hashes.
//
// For a remote URL it is host/path: scheme, user, password and port are
// dropped, the host is lower-cased, and trailing "/" and ".git" are
// dropped; scp-like "git@host:path" reads as host/path. So
// "git@github.com:Acme/API.git", "https://github.com/Acme/API" and
// "ssh://git@github.com:22/Acme/API.git" all give "github.com/Acme/API".
//
// A file:// URL or a local path gives the cleaned path, without a trailing
// ".git". A relative path is kept relative: making it absolute would depend
// on the current directory.
//
// With no origin URL, it is the base name of mainWorktreePath, without
// ".git" (a bare main worktree "x.git" gives "x").
func Of(originURL, mainWorktreePath string) string {
	originURL = strings.TrimSpace(originURL)
	if originURL == "" {
		name := filepath.Base(filepath.Clean(mainWorktreePath))
		return trimGit(name)
	}
	if isLocal(originURL) {
		return localID(filepath.ToSlash(originURL))
	}
	host, p, ok := splitRemote(originURL)
	if !ok {
		// Unparseable URLs still need a stable identity; git would refuse
		// to fetch from it, so normalise what can be normalised.
		return trimGit(strings.TrimRight(originURL, "/"))
	}
	if host == "" {
		return localID(p) // file://
	}
	// Only the separator after the host goes; the rest of the path is
	// kept byte for byte, as DESIGN.md specifies.
	p = trimGit(strings.TrimLeft(p, "/"))
	if p == "" {
		return host
	}
	return host + "/" + p
}

// splitRemote splits a remote URL that is not a local path into its lower-cased host
// (without user, password or port) and its path, the way git reads the two forms:
// "scheme://[user[:password]@]host[:port]/path" and scp-like "[user@]host:path". A
// file:// URL gives an empty host.
//
// This is a few lines rather than go-git's transport.NewEndpoint: that package's
// initialisers (a config parser with encoding/gob, URL regexps) cost about 0.3 ms on
// every start of the binary, including `env` on every shell prompt.
func splitRemote(remote string) (host, path string, ok bool) {
	if scheme, _, found := strings.Cut(remote, "://"); found {
		u, err := url.Parse(remote)
		if err != nil {
			return "", "", false
		}
		if strings.EqualFold(scheme, "file") {
			return "", u.Path, true
		}
		return bracketIPv6(strings.ToLower(u.Hostname())), u.Path, u.Hostname() != ""
	}
	userHost, p := remote, ""
	if i := strings.Index(remote, "]:"); strings.Contains(remote[:max(i, 0)], "[") {
		userHost, p = remote[:i+1], remote[i+2:] // [user@]::1]:path
	} else if before, after, found := strings.Cut(remote, ":"); found {
		userHost, p = before, after
	} else {
		return "", "", false
	}
	if i := strings.LastIndex(userHost, "@"); i >= 0 {
		userHost = userHost[i+1:]
	}
	hostPart := strings.Trim(userHost, "[]")
	if hostPart == "" {
		return "", "", false
	}
	return bracketIPv6(strings.ToLower(hostPart)), p, true
}

// bracketIPv6 writes an IPv6 host in brackets, as in URLs, so "[::1]/a/b" stays readable.
func bracketIPv6(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// isLocal reports whether a remote URL names a local path the way git
// reads it: no "scheme://", and not scp-like "host:path" (a "/" before the
// first ":" makes it a path).
func isLocal(u string) bool {
	before, after, hasColon := strings.Cut(u, ":")
	if !hasColon {
		return true
	}
	if before != "" && strings.HasPrefix(after, "//") {
		return false // scheme://
	}
	return strings.Contains(before, "/")
}

func localID(p string) string {
	if p == "" {
		return ""
	}
	p = path.Clean(p)
	if p == "/" {
		return p
	}
	return trimGit(p)
}

// trimGit drops trailing slashes and then one ".git", as git itself treats
// "x", "x/", "x.git" and "x.git/" as one repository.
func trimGit(s string) string {
	s = strings.TrimRight(s, "/")
	s = strings.TrimSuffix(s, ".git")
	return strings.TrimRight(s, "/")
}
