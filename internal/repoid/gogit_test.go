package repoid

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

// TestSplitRemoteAgreesWithGoGit uses go-git's remote URL parser as an independent oracle
// for splitRemote, which the binary uses instead (go-git's transport package costs about
// 0.3 ms of initialisation on every start). Host and path must agree for every form git
// accepts.
func TestSplitRemoteAgreesWithGoGit(t *testing.T) {
	for _, remote := range []string{
		"https://github.com/Acme/API.git",
		"https://user:secret@GitHub.com:8443/Acme/API",
		"http://gitlab.example.com/group/sub/project.git/",
		"ssh://git@github.com:22/Acme/API.git",
		"ssh://git@github.com/Acme/API.git",
		"git://git.kernel.org/pub/scm/git/git.git",
		"git@github.com:Acme/API.git",
		"github.com:Acme/API",
		"git@example.com:/srv/git/x.git",
		"deploy@GIT.Example.com:team/x",
		"ssh://git@[::1]:22/a/b.git",
	} {
		ep, err := transport.NewEndpoint(remote)
		if err != nil {
			t.Fatalf("go-git cannot parse %q: %v", remote, err)
		}
		host, path, ok := splitRemote(remote)
		if !ok {
			t.Errorf("splitRemote(%q) failed; go-git gives host %q path %q", remote, ep.Host, ep.Path)
			continue
		}
		wantHost := bracketIPv6(strings.Trim(strings.ToLower(ep.Host), "[]"))
		if host != wantHost || strings.TrimLeft(path, "/") != strings.TrimLeft(ep.Path, "/") {
			t.Errorf("splitRemote(%q) = %q, %q; go-git gives %q, %q", remote, host, path, wantHost, ep.Path)
		}
	}
}
