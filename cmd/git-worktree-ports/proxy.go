package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/proxy"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// ProxyOptions are the inputs of `proxy`.
type ProxyOptions struct {
	F *Factory

	Listen  string
	PIDFile string
}

// NewCmdProxy builds `proxy` and `proxy install`.
func NewCmdProxy(f *Factory, runF func(*ProxyOptions) error) *cobra.Command {
	opts := &ProxyOptions{F: f}
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "Route SERVICE.WORKTREE.REPO.localhost to each worktree's port, on one port",
		Long: `Run a reverse proxy, in the foreground, that routes each service's name without its
port, http://SERVICE.WORKTREE.REPO.localhost:` + portOf(proxy.DefaultListen) + `/, to that worktree's stable port
on loopback, for every repository in the per-user index (every repository where
allocate has run). The names are the ones port --url and list --json give; the routes
are read from the reservation files, again every two seconds and at once for a name not
known yet. Only files this user's tool wrote are routed.

WebSocket upgrades (hot reload) pass through, responses stream, and X-Forwarded-For,
-Host and -Proto are set; the Host header reaches the dev server as the browser sent
it. A name whose service is not listening gets a 502 page naming the worktree and the
service; an unknown name gets a 404 page listing the known names.

--listen ADDR:PORT (default ` + proxy.DefaultListen + `) says where; port 0 lets the kernel choose,
and --pidfile FILE then tells scripts: {"pid":N,"port":P}. It stops on Ctrl-C or
SIGTERM. ` + "`proxy install`" + ` writes a user service that runs it.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return forCommand(c, proxyRun(c.Context(), opts))
		},
	}
	cmd.Flags().StringVar(&opts.Listen, "listen", proxy.DefaultListen, "listen on ADDR:PORT")
	cmd.Flags().StringVar(&opts.PIDFile, "pidfile", "", `write {"pid":N,"port":P} here once listening`)
	cmd.AddCommand(NewCmdProxyInstall(f, nil))
	return cmd
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// userIndex is the per-user index of repositories, with its settings read from the
// environment and the user's git config (there may be no repository here).
func userIndex(f *Factory) (*registry.Index, error) {
	return (&repository.Repo{}).UserIndex(f.Getenv)
}

func proxyRun(ctx context.Context, opts *ProxyOptions) error {
	f := opts.F
	host, _, err := net.SplitHostPort(opts.Listen)
	if err != nil {
		return usageErrorf(nil, "--listen %s: want ADDR:PORT, such as %s", untrusted.New(opts.Listen), proxy.DefaultListen)
	}
	idx, err := userIndex(f)
	if err != nil {
		return err
	}
	store, err := trust.Open(f.Getenv)
	if err != nil {
		return err
	}
	key, err := store.Key()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(f.ErrOut, "warning: the proxy listens on %s, not only on loopback: other machines can reach your dev servers through it\n", untrusted.New(ln.Addr().String()))
	}
	if opts.PIDFile != "" {
		if err := writePIDFile(opts.PIDFile, port); err != nil {
			return err
		}
	}
	warned := map[string]bool{}
	srv := &proxy.Server{
		ListenPort: port,
		Routes: func(ctx context.Context) []proxy.Route {
			return proxy.Gather(ctx, *idx, key, f.Environ(), func(msg string) {
				// The table is read again every few seconds: say each thing once.
				if !warned[msg] {
					warned[msg] = true
					fmt.Fprintln(f.ErrOut, untrusted.Lines(msg))
				}
			})
		},
	}
	fmt.Fprintf(f.ErrOut, "proxy: listening on %s; open http://SERVICE.WORKTREE.REPO.localhost:%d/ (Ctrl-C stops it)\n", untrusted.New(ln.Addr().String()), port)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = hs.Shutdown(shut)
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(f.ErrOut, "proxy: stopped")
	return nil
}

// writePIDFile writes {"pid":N,"port":P} whole and renames it into place, so a waiting
// script never reads half of it.
func writePIDFile(path string, port int) error {
	data := []byte(`{"pid":` + strconv.Itoa(os.Getpid()) + `,"port":` + strconv.Itoa(port) + "}\n")
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	t, err := safefile.ResolveParent(abs, filepath.Dir(abs))
	if err != nil {
		return err
	}
	return safefile.WriteAtomic(t, data, safefile.WriteOptions{Perm: 0o644})
}

// ProxyInstallOptions are the inputs of `proxy install`.
type ProxyInstallOptions struct {
	F *Factory

	Listen string
}

// NewCmdProxyInstall builds `proxy install`.
func NewCmdProxyInstall(f *Factory, runF func(*ProxyInstallOptions) error) *cobra.Command {
	opts := &ProxyInstallOptions{F: f}
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Write a user service that runs the proxy",
		Long: `Write a user service that runs ` + "`git worktree-ports proxy`" + ` with this binary's absolute
path: a systemd user unit, ` + "$XDG_CONFIG_HOME/systemd/user/" + proxy.UnitName + `, or on macOS a
launchd agent, ~/Library/LaunchAgents/` + proxy.AgentLabel + `.plist. It prints the file's
path on stdout and, on stderr, the one command that starts it; it starts nothing itself.
It never touches /etc/hosts or anything outside your home directory.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return forCommand(c, proxyInstallRun(opts))
		},
	}
	cmd.Flags().StringVar(&opts.Listen, "listen", proxy.DefaultListen, "the service's proxy listens on ADDR:PORT")
	return cmd
}

func proxyInstallRun(opts *ProxyInstallOptions) error {
	f := opts.F
	if _, _, err := net.SplitHostPort(opts.Listen); err != nil {
		return usageErrorf(nil, "--listen %s: want ADDR:PORT, such as %s", untrusted.New(opts.Listen), proxy.DefaultListen)
	}
	exe, err := f.Executable()
	if err != nil {
		return err
	}
	home := f.Getenv("HOME")
	if home == "" {
		return fmt.Errorf("proxy install: HOME is not set")
	}
	var env []string
	if v := f.Getenv("XDG_STATE_HOME"); v != "" {
		env = append(env, "XDG_STATE_HOME="+v)
	}
	var svc proxy.Service
	var root string
	if runtime.GOOS == "darwin" {
		root = filepath.Join(home, "Library", "LaunchAgents")
		svc = proxy.LaunchdAgent(home, exe, opts.Listen, env)
	} else {
		root = f.Getenv("XDG_CONFIG_HOME")
		if root == "" || !filepath.IsAbs(root) {
			root = filepath.Join(home, ".config")
		}
		svc = proxy.SystemdUnit(root, exe, opts.Listen, env)
	}
	t, err := safefile.ResolveParent(svc.Path, root)
	if err != nil {
		return err
	}
	if err := safefile.WriteAtomic(t, svc.Content, safefile.WriteOptions{Perm: 0o644, DirPerm: 0o755}); err != nil {
		return err
	}
	fmt.Fprintln(f.Out, svc.Path)
	fmt.Fprintf(f.ErrOut, "wrote %s; start it with: %s\n", untrusted.New(svc.Path), svc.Enable)
	return nil
}
