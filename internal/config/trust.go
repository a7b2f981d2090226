package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// DigestOf is the hex SHA-256 of a config file's exact bytes: the content an approval
// (package trust) names.
func DigestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Ask is one thing a config asks for beyond the ports, for `trust` to show and the
// one-line note to count: Kind is "env", "vars", "dotenv" or "main", Key the config
// key, Detail what it does in a few plain words (a template, a port).
type Ask struct {
	Kind, Key, Detail string
}

// Beyond lists what c asks for beyond what the tool makes itself (the ports under the
// name rule's names): custom env names (a service's "env" that is not the rule's),
// vars, dotenv files, main ports, exec's services and a host template, in file order. A config without a file, or one
// asking for the ports alone, lists nothing and needs no approval.
func (c Config) Beyond() []Ask {
	var asks []Ask
	for _, sv := range c.Spec.Services {
		if !c.defaultServices && sv.Env != DefaultEnvName(sv.Name) {
			asks = append(asks, Ask{Kind: "env", Key: "services." + sv.Name + ".env", Detail: fmt.Sprintf("%s=<port of %s> instead of %s", sv.Env, sv.Name, DefaultEnvName(sv.Name))})
		}
	}
	for _, sv := range c.Spec.Services {
		if sv.Main != 0 {
			asks = append(asks, Ask{Kind: "main", Key: "services." + sv.Name + ".main", Detail: fmt.Sprintf("port %d for %s in the main worktree", sv.Main, sv.Name)})
		}
	}
	if c.MainBranch != "" {
		asks = append(asks, Ask{Kind: "main", Key: "mainBranch", Detail: "the main ports go to the worktree on branch " + c.MainBranch + ", not git's main worktree"})
	}
	for _, v := range c.Vars {
		asks = append(asks, Ask{Kind: "vars", Key: "vars." + v.Name, Detail: fmt.Sprintf("%s=%s", v.Name, v.Template)})
	}
	for _, e := range c.Exec {
		asks = append(asks, Ask{Kind: "exec", Key: "exec." + e.Key, Detail: fmt.Sprintf("exec gives %s the port of %s", e.Key, e.Service)})
	}
	if c.Host != "" {
		asks = append(asks, Ask{Kind: "host", Key: "host", Detail: "host names " + c.Host + " (the proxy routes them; port --url, list --json and mcp give them)"})
	}
	for i, f := range c.Dotenv {
		asks = append(asks, Ask{Kind: "dotenv", Key: fmt.Sprintf("dotenv[%d]", i), Detail: "writes a block into " + f})
	}
	return asks
}

// BeyondSummary names the kinds of what c asks beyond the ports in a few words, for
// the one-line note: "custom env names, vars, dotenv files, main ports", those present.
func (c Config) BeyondSummary() string {
	have := map[string]bool{}
	for _, a := range c.Beyond() {
		have[a.Kind] = true
	}
	var parts []string
	for _, k := range []struct{ kind, words string }{{"env", "custom env names"}, {"vars", "vars"}, {"dotenv", "dotenv files"}, {"main", "main ports"}, {"exec", "dev server ports"}, {"host", "host names"}} {
		if have[k.kind] {
			parts = append(parts, k.words)
		}
	}
	return strings.Join(parts, ", ")
}

// PortsOnly returns c reduced to what needs no approval: the same bundle rules
// (range, width, services and offsets, avoid), each service exported under the name
// rule's name, and no vars, dotenv files, main ports or exec services. Digest stays, so callers can
// still say which content was not approved; Unapproved is set when anything was
// dropped.
func (c Config) PortsOnly() Config {
	out := c
	out.Spec.Services = nil
	for _, sv := range c.Spec.Services {
		if !c.defaultServices {
			sv.Env = DefaultEnvName(sv.Name)
		}
		sv.Main = 0
		out.Spec.Services = append(out.Spec.Services, sv)
	}
	out.Vars, out.Dotenv, out.Exec, out.Host, out.MainBranch = nil, nil, nil, "", ""
	out.Unapproved = len(c.Beyond()) > 0
	return out
}
