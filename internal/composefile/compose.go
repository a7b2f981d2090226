// Package composefile makes a worktree's docker compose override: the project's own
// compose file, read with compose-spec's loader (compose-go, as docker compose reads
// it), gets every published host port that maps to one of the worktree's services
// replaced by the worktree's port, and the project's name set to the worktree's.
//
// compose merges a `ports:` list of an override by appending, so the project's own
// `3000:3000` would stay and collide; the override marks each list it writes `!override`,
// which replaces it, and repeats the service's other ports unchanged.
package composefile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/dotenvfile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// FileName is the override written at the worktree's top level, git-ignored
// (reserve.ExcludeComposeOverride).
const FileName = reserve.ComposeOverrideName

// MaxSize is the largest compose file read.
const MaxSize = 4 << 20

// DefaultFiles are the names docker compose looks for, in its order.
var DefaultFiles = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

// Service is one of the worktree's services: Port is its port here, Main the project's
// usual port for it (the config's approved "main"), 0 when none.
type Service struct {
	Name       string
	Port, Main int
}

// Options say which compose files to read, in which worktree, with which ports.
type Options struct {
	// Root is the worktree's top level; Files the compose files relative to it, in
	// docker compose's -f order (none: the first of DefaultFiles there is).
	Root  string
	Files []string
	// Project is the compose project name the override sets.
	Project  string
	Services []Service
	// Env is what interpolation (${WEB_PORT}) reads: the environment compose would see.
	Env map[string]string
	// Warn receives a line for each published port left alone.
	Warn func(string)
}

func (o Options) warn(format string, args ...any) {
	if o.Warn != nil {
		o.Warn(fmt.Sprintf(format, args...))
	}
}

// Replaced is one published port the override replaces.
type Replaced struct {
	Compose  string // the compose service
	Target   uint32 // its container port, unchanged
	From, To string // the published port in the project's file, and the worktree's
	Service  string // ours
}

// Result is the override and what it changes.
type Result struct {
	// Files are the compose files read, relative to the top level, for the -f line.
	Files    []string
	Override []byte
	Replaced []Replaced
}

// Build reads the compose files and returns the override. A file that may not be read
// (a path out of the worktree, a symlink, one in a git directory or through a nested
// repository, not a regular file) is an error naming it: the override would not match
// the project compose runs.
func Build(ctx context.Context, o Options) (Result, error) {
	files := o.Files
	if len(files) == 0 {
		for _, f := range DefaultFiles {
			if _, err := os.Lstat(filepath.Join(o.Root, f)); err == nil {
				files = []string{f}
				break
			}
		}
		if len(files) == 0 {
			return Result{}, fmt.Errorf("no compose file at the worktree's top level (%s); name one with -f", strings.Join(DefaultFiles, ", "))
		}
	}
	var res Result
	var details struct{ ConfigFiles []source }
	for _, name := range files {
		rel, reason := dotenvfile.CheckPath(o.Root, name, "a compose file is never read through a symlink")
		if reason != "" {
			return Result{}, fmt.Errorf("compose file %s: refused: %s", untrusted.New(name), reason)
		}
		data, err := read(o.Root, rel)
		if err != nil {
			return Result{}, fmt.Errorf("compose file %s: %w", untrusted.New(name), err)
		}
		res.Files = append(res.Files, rel)
		details.ConfigFiles = append(details.ConfigFiles, source{name: rel, data: data})
	}
	project, err := load(details.ConfigFiles, o.Env)
	if err != nil {
		return Result{}, err
	}
	var b strings.Builder
	b.WriteString("# Written by `git worktree-ports compose` for this worktree: its project name, and its\n")
	b.WriteString("# ports in place of the project's. Git ignores it; compose reads it after the project's\n")
	b.WriteString("# files (-f). Run `git worktree-ports compose` again after changing them.\n")
	fmt.Fprintf(&b, "name: %s\n", quote(o.Project))
	names := make([]string, 0, len(project))
	for n := range project {
		names = append(names, n)
	}
	sort.Strings(names)
	wrote := false
	for _, n := range names {
		ports, repl := o.replace(n, project[n])
		if len(repl) == 0 {
			continue
		}
		res.Replaced = append(res.Replaced, repl...)
		if !wrote {
			b.WriteString("services:\n")
			wrote = true
		}
		fmt.Fprintf(&b, "  %s:\n    ports: !override\n", quote(n))
		for _, p := range ports {
			writePort(&b, p)
		}
	}
	res.Override = []byte(b.String())
	return res, nil
}

// replace returns the ports of the compose service name with those that map to one of
// ours published on our port instead. A published port maps to our service whose main
// port it is, or else, when the compose service publishes one port, to our service of
// the same name.
func (o Options) replace(name string, ports []Port) ([]Port, []Replaced) {
	published := 0
	for _, p := range ports {
		if p.Published != "" {
			published++
		}
	}
	out := append([]Port{}, ports...)
	var repl []Replaced
	for i, p := range out {
		if p.Published == "" {
			continue
		}
		n, err := strconv.Atoi(p.Published)
		if err != nil {
			o.warn("compose service %s: published port %s left alone: a range is not one port", untrusted.New(name), untrusted.New(p.Published))
			continue
		}
		var ours *Service
		for j := range o.Services {
			if o.Services[j].Main != 0 && o.Services[j].Main == n {
				ours = &o.Services[j]
				break
			}
		}
		if ours == nil && published == 1 {
			for j := range o.Services {
				if o.Services[j].Name == name {
					ours = &o.Services[j]
				}
			}
		}
		if ours == nil || ours.Port == 0 {
			continue
		}
		to := strconv.Itoa(ours.Port)
		repl = append(repl, Replaced{Compose: name, Target: p.Target, From: p.Published, To: to, Service: ours.Name})
		out[i].Published = to
	}
	return out, repl
}

// writePort writes one port in compose's long syntax, every field the project gave.
func writePort(b *strings.Builder, p Port) {
	fmt.Fprintf(b, "      - target: %d\n", p.Target)
	if p.Published != "" {
		fmt.Fprintf(b, "        published: %s\n", quote(p.Published))
	}
	for _, f := range []struct{ key, v string }{{"host_ip", p.HostIP}, {"protocol", p.Protocol}, {"mode", p.Mode}, {"name", p.Name}, {"app_protocol", p.AppProtocol}} {
		if f.v != "" {
			fmt.Fprintf(b, "        %s: %s\n", f.key, quote(f.v))
		}
	}
}

// quote writes s as a YAML double-quoted scalar. JSON's escapes are YAML's, and
// strconv.Quote makes a control character an escape, so no value from the project's
// file can end the line.
func quote(s string) string {
	return strconv.Quote(s)
}

// read reads the file rel beneath root without following a symlink, refusing what is
// not a regular file (a FIFO would hang the loader) or is too large.
func read(root, rel string) ([]byte, error) {
	d, err := safefile.OpenBeneath(root, path.Dir(rel))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	data, _, err := d.ReadFile(path.Base(rel), MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("does not exist")
	}
	return data, err
}

// Write writes the override at the worktree's top level, atomically, and reports
// whether it changed the file. An unchanged override is not written again.
func Write(root string, data []byte) (bool, error) {
	d, err := safefile.OpenBeneath(root, ".")
	if err != nil {
		return false, err
	}
	defer d.Close()
	if old, _, err := d.ReadFile(FileName, MaxSize); err == nil && string(old) == string(data) {
		return false, nil
	}
	if err := d.WriteAtomic(FileName, data, safefile.Umasked(0o644), reserve.DotenvTempPrefix); err != nil {
		return false, err
	}
	return true, nil
}
