package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// InitOptions are the inputs of `init`.
type InitOptions struct {
	F *Factory

	Services []string // NAME or NAME=OFFSET
	Force    bool
}

// NewCmdInit builds `init`.
func NewCmdInit(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{F: f}
	cmd := &cobra.Command{
		Use:   "init [--service NAME[=OFFSET]]...",
		Short: "Write a commented starter " + config.FileName,
		Long: `Write a commented starter ` + config.FileName + ` at the top of this worktree.
Commit it, so that every worktree and teammate shares the same services.

Without --service it declares api (offset 0) and web (offset 1). Each --service adds one;
a service without an offset takes the next free one.

Its first key points editors at the file's JSON Schema, so they check and complete the
other keys; git worktree-ports ignores it:

  "$schema": "` + config.SchemaURL + `"

Every key is described in git-worktree-ports(1), under CONFIGURATION.`,
		Example: `  git worktree-ports init
  git worktree-ports init --service api --service web --service db=5`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return initRun(c, opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Services, "service", "s", nil, "a service, NAME or NAME=OFFSET (repeatable)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing config file")
	return cmd
}

type initService struct {
	name   string
	offset int
}

// parseServices turns the --service flags into services with offsets, assigning the next
// unused offset to those without one.
func parseServices(flags []string) ([]initService, error) {
	if len(flags) == 0 {
		return []initService{{"api", 0}, {"web", 1}}, nil
	}
	var out []initService
	used := map[int]bool{}
	var pending []int
	for _, s := range flags {
		name, off, hasOff := strings.Cut(s, "=")
		if name == "" {
			return nil, fmt.Errorf("--service %q: empty name", s)
		}
		svc := initService{name: name, offset: -1}
		if hasOff {
			n, err := strconv.Atoi(off)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("--service %q: offset must be a number >= 0", s)
			}
			if used[n] {
				return nil, fmt.Errorf("--service %q: offset %d is already used", s, n)
			}
			svc.offset, used[n] = n, true
		} else {
			pending = append(pending, len(out))
		}
		out = append(out, svc)
	}
	next := 0
	for _, i := range pending {
		for used[next] {
			next++
		}
		out[i].offset, used[next] = next, true
	}
	return out, nil
}

func starterConfig(svcs []initService) string {
	width := 10
	for _, s := range svcs {
		if s.offset >= width {
			width = s.offset + 1
		}
	}
	var b strings.Builder
	b.WriteString(`// git-worktree-ports: every worktree of this repository gets its own bundle of ports.
// Commit this file so every worktree and teammate shares it. Comments are allowed.
// Per machine, ` + "`git config worktree-ports.range 30000-39999`" + ` (or .width, .avoid) overrides it.
{
  // The JSON Schema, so editors check and complete this file; the tool ignores it.
  "$schema": ` + strconv.Quote(config.SchemaURL) + `,
  // Bundles are drawn from this range of ports (inclusive).
  "range": "20000-29999",
  // Ports per worktree: service offsets must be below it. Room to grow costs nothing.
  "width": ` + strconv.Itoa(width) + `,
  // name -> offset (exported as NAME_PORT), or name -> {"offset": N, "env": "VAR", "health": "/path"}.
  // Add "main": PORT to every service for the main worktree to keep your usual ports (3000, ...).
  "services": {
`)
	for i, s := range svcs {
		sep := ","
		if i == len(svcs)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %s: %d%s\n", strconv.Quote(s.name), s.offset, sep)
	}
	first := svcs[0].name
	b.WriteString(`  },
  // Ports never handed out, on top of the built-in list (databases, browser-unsafe ports).
  "avoid": [],
  // Derived variables. Placeholders: {<service>}, {repo}, {worktree}, {branch}, {slot},
  // {base}, {root}, and the slug forms {repo-slug}, {worktree-slug}, {branch-slug}
  // (lower-case a-z, 0-9 and -, never empty) for names other tools restrict.
  "vars": {
    // docker compose accepts only lower-case letters, digits, - and _ here.
    "COMPOSE_PROJECT_NAME": "{repo-slug}-{worktree-slug}",
    ` + strconv.Quote(envPrefix(first)+"_URL") + `: "http://localhost:{` + first + `}"
  },
  // Files in which allocate keeps a block of these variables, for programs that read a
  // file themselves (docker compose reads .env); add them to .gitignore:
  // "dotenv": [".env"]
}
`)
	return b.String()
}

func envPrefix(name string) string {
	return strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToUpper(name))
}

func initRun(c *cobra.Command, opts *InitOptions) error {
	f := opts.F
	svcs, err := parseServices(opts.Services)
	if err != nil {
		return usageErrorf(c, "%v", err)
	}
	root, err := findRoot(c.Context(), f)
	if err != nil {
		return err
	}
	path := filepath.Join(root, config.FileName)
	text := starterConfig(svcs)
	// Validate what we are about to write with the same parser every command uses, so a
	// bad --service name is refused here, naming the key, rather than on the next run. It
	// allows no refused env name: the file is for every teammate, whatever they allowed.
	if _, err := config.Parse(path, []byte(text), nil); err != nil {
		return usageErrorf(c, "%v", err)
	}
	if _, err := os.Lstat(path); err == nil && !opts.Force {
		return fmt.Errorf("%s already exists; use --force to overwrite it", untrusted.New(path))
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := reserve.WriteAtomic(path, []byte(text)); err != nil {
		return err
	}
	// The user wrote it, so they approve it: its vars reach env at once (package trust).
	approved := ""
	if loc, err := f.git().Locate(c.Context()); err == nil {
		if store, err := trust.Open(f.Getenv); err == nil {
			if err := store.Approve(loc.CommonDir, config.DigestOf([]byte(text))); err == nil {
				approved = " (approved for you)"
			}
		}
	}
	fmt.Fprintf(f.ErrOut, "wrote %s%s; commit it so every worktree shares it\n", untrusted.New(path), approved)
	return nil
}
