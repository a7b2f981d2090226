//go:build unix

package tests

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestMCPTools starts `git worktree-ports mcp` in a real linked worktree, as an agent
// would, and calls every tool through the SDK's own client over stdio: ports (which
// allocates the worktree first), env, lease (twice: the same port), list, and release.
func TestMCPTools(t *testing.T) {
	f := newRepoFixture(t, "16600-16639")
	wt := f.addWorktrees("feature", 1)[0]
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	cmd := exec.Command(filepath.Join(binDir, "git-worktree-ports"), "mcp")
	cmd.Dir, cmd.Env = wt, f.env
	client := mcp.NewClient(&mcp.Implementation{Name: "test-agent", Version: "1"}, nil)
	s, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	tools, err := s.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
	}
	if got := strings.Join(names, " "); got != "env lease list ports release" {
		t.Errorf("tools = %s", got)
	}

	call := func(name string, args map[string]any, out any) {
		t.Helper()
		res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.IsError {
			t.Fatalf("%s: tool error: %+v", name, res.Content)
		}
		data, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s: %v in %s", name, err, data)
		}
	}

	var ports struct {
		Worktree string
		Ports    []struct {
			Service string
			Port    int
			URL     string
		}
	}
	call("ports", nil, &ports)
	rs, err := readReservations([]string{wt})
	if err != nil {
		t.Fatalf("ports did not allocate: %v", err)
	}
	r := rs[wt]
	if ports.Worktree != "feature-1" || len(ports.Ports) != 1 || ports.Ports[0].Port != r.Base ||
		ports.Ports[0].URL != "http://app.feature-1.repo.localhost:"+itoa(r.Base) {
		t.Errorf("ports = %+v; the file has base %d", ports, r.Base)
	}

	var env struct {
		Vars []struct{ Name, Value string }
	}
	call("env", nil, &env)
	if !hasVar(env.Vars, "PORT", itoa(r.Base)) || !hasVar(env.Vars, "WORKTREE_PORTS_ROOT", wt) {
		t.Errorf("env = %+v", env)
	}

	var l1, l2 struct {
		Name    string
		Port    int
		Expires string
	}
	call("lease", map[string]any{"name": "playwright", "ttl": "1h"}, &l1)
	call("lease", map[string]any{"name": "playwright"}, &l2)
	if l1.Port == 0 || l1.Port != l2.Port || l1.Expires == "" || l2.Expires != "" {
		t.Errorf("lease = %+v, then %+v", l1, l2)
	}
	if (reserveBundle{r.Base, r.Width}).has(l1.Port) || l1.Port < 16600 || l1.Port > 16639 {
		t.Errorf("lease %d: in the bundle at %d, or outside the range", l1.Port, r.Base)
	}

	var list struct {
		Worktrees []struct {
			Name   string
			Leases []struct {
				Name string
				Port int
			}
		}
	}
	call("list", map[string]any{}, &list)
	found := false
	for _, w := range list.Worktrees {
		for _, l := range w.Leases {
			found = found || w.Name == "feature-1" && l.Name == "playwright" && l.Port == l1.Port
		}
	}
	if len(list.Worktrees) != 2 || !found {
		t.Errorf("list = %+v", list)
	}

	var rel struct {
		Port     int
		Released bool
	}
	call("release", map[string]any{"name": "playwright"}, &rel)
	if !rel.Released || rel.Port != l1.Port {
		t.Errorf("release = %+v", rel)
	}
	call("release", map[string]any{"name": "playwright"}, &rel)
	if rel.Released {
		t.Errorf("release of a freed lease = %+v", rel)
	}

	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: "lease", Arguments: map[string]any{"name": "bad name"}})
	if err != nil || !res.IsError {
		t.Errorf("lease of a bad name: %+v, %v; want a tool error", res, err)
	}
}

func hasVar(vars []struct{ Name, Value string }, name, value string) bool {
	for _, v := range vars {
		if v.Name == name && v.Value == value {
			return true
		}
	}
	return false
}
