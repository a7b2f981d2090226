package composefile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

const project = `services:
  web:
    image: nginx
    ports:
      - "3000:3000"
      - "127.0.0.1:9229:9229"
  api:
    image: nginx
    ports:
      - "8080:80"
  db:
    image: postgres
    ports:
      - "5432:5432"
      - "6000-6001:6000-6001" # compose-go expands a range into its ports
  worker:
    image: busybox
`

// merged loads the project's file and the override as docker compose does (-f, -f),
// with compose-go's loader, and returns each service's ports as "published:target".
func merged(t *testing.T, root string, override []byte) (string, map[string][]string) {
	t.Helper()
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir: root,
		ConfigFiles: []types.ConfigFile{
			{Filename: filepath.Join(root, "compose.yaml"), Content: []byte(project)},
			{Filename: filepath.Join(root, FileName), Content: override},
		},
	}, func(o *loader.Options) { o.SkipConsistencyCheck = true })
	if err != nil {
		t.Fatalf("compose-go cannot load the merge: %v\n%s", err, override)
	}
	out := map[string][]string{}
	for n, s := range p.Services {
		for _, port := range s.Ports {
			out[n] = append(out[n], port.HostIP+"/"+port.Published+":"+strconv.Itoa(int(port.Target)))
		}
	}
	return p.Name, out
}

// TestTwoWorktreesDisjoint: two worktrees of a project that publishes 3000:3000 get
// their own host ports, the container ports unchanged, and nothing else changes.
func TestTwoWorktreesDisjoint(t *testing.T) {
	seen := map[string]string{}
	for _, wt := range []struct {
		name     string
		web, api int
	}{{"a", 21000, 21001}, {"b", 21010, 21011}} {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "compose.yaml"), []byte(project), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Build(context.Background(), Options{
			Root: root, Project: "shop-" + wt.name,
			Services: []Service{{Name: "web", Port: wt.web, Main: 3000}, {Name: "api", Port: wt.api}},
		})
		if err != nil {
			t.Fatal(err)
		}
		name, ports := merged(t, root, res.Override)
		if name != "shop-"+wt.name {
			t.Errorf("%s: project name %q", wt.name, name)
		}
		want := map[string]string{
			"web":    "/" + strconv.Itoa(wt.web) + ":3000 127.0.0.1/9229:9229",
			"api":    "/" + strconv.Itoa(wt.api) + ":80",
			"db":     "/5432:5432 /6000:6000 /6001:6001",
			"worker": "",
		}
		for svc, w := range want {
			if got := strings.Join(ports[svc], " "); got != w {
				t.Errorf("%s: %s ports = %q, want %q\noverride:\n%s", wt.name, svc, got, w, res.Override)
			}
		}
		for _, p := range strings.Fields(want["web"] + " " + want["api"]) {
			if other, ok := seen[p]; ok && strings.Contains(p, "/2") {
				t.Errorf("%s and %s both publish %s", other, wt.name, p)
			}
			seen[p] = wt.name
		}
		if len(res.Replaced) != 2 {
			t.Errorf("%s: replaced %v", wt.name, res.Replaced)
		}
		if strings.Contains(string(res.Override), "db") {
			t.Errorf("the override names db, which it does not change:\n%s", res.Override)
		}
	}
}

// TestRefused: a compose file a committed config or a user could point outside the
// worktree, through a symlink, or at a FIFO is refused with an error naming it.
func TestRefused(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "compose.yaml"), []byte(project), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "compose.yaml"), filepath.Join(root, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{"../x/compose.yaml", "may leave the worktree"},
		{filepath.Join(outside, "compose.yaml"), "not relative"},
		{"link.yaml", "is a symlink"},
		{".git/compose.yaml", "git directory"},
		{"missing.yaml", "does not exist"},
	} {
		_, err := Build(context.Background(), Options{Root: root, Files: []string{tc.file}, Project: "p"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.file, err, tc.want)
		}
	}
	if _, err := Build(context.Background(), Options{Root: root, Project: "p"}); err == nil || !strings.Contains(err.Error(), "no compose file") {
		t.Errorf("no file: err = %v", err)
	}
}

// TestWrite: the override is written once, and an unchanged one is not written again.
func TestWrite(t *testing.T) {
	root := t.TempDir()
	for i, want := range []bool{true, false} {
		changed, err := Write(root, []byte("name: \"p\"\n"))
		if err != nil || changed != want {
			t.Errorf("write %d: changed %v, %v", i, changed, err)
		}
	}
}

// TestLoadAgreesWithLoader: the ports this package reads are the ones compose-go's
// loader reads, for each syntax compose accepts.
func TestLoadAgreesWithLoader(t *testing.T) {
	const file = `x-web-ports: &webports
  - "${WEB_PORT:-3000}:3000"
services:
  web:
    image: nginx
    ports: *webports
  api:
    image: nginx
    ports:
      - 8080:80/udp
      - "[::1]:9229:9229"
      - 127.0.0.1:7000-7001:8000-8001
      - "9000"
      - target: 5000
        published: "${API_PORT}"
        host_ip: 127.0.0.1
        protocol: tcp
        mode: host
        name: web
        app_protocol: http
`
	env := map[string]string{"API_PORT": "21001"}
	root := t.TempDir()
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "compose.yaml"), Content: []byte(file)}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("p", true); o.SkipConsistencyCheck = true })
	if err != nil {
		t.Fatal(err)
	}
	ours, err := load([]source{{name: "compose.yaml", data: []byte(file)}}, env)
	if err != nil {
		t.Fatal(err)
	}
	for name, svc := range p.Services {
		var want, got []string
		for _, q := range svc.Ports {
			want = append(want, fmt.Sprintf("%s|%s|%d", q.HostIP, q.Published, q.Target))
		}
		for _, q := range ours[name] {
			got = append(got, fmt.Sprintf("%s|%s|%d", q.HostIP, q.Published, q.Target))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: ports %v, compose-go reads %v", name, got, want)
		}
	}
}
