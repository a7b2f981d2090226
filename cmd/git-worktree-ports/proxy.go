package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/proxyunit"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// ProxyOptions are the inputs of `proxy`.
type ProxyOptions struct {
	F *Factory

	Listen  string
	PIDFile string
	HTTPS   bool
}

// NewCmdProxy builds `proxy` and `proxy install`.
func NewCmdProxy(f *Factory, runF func(*ProxyOptions) error) *cobra.Command {
	opts := &ProxyOptions{F: f}
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "Route SERVICE.WORKTREE.REPO.localhost to each worktree's port, on one port",
		Long: `Run a reverse proxy, in the foreground, that routes each service's name without its
port, http://SERVICE.WORKTREE.REPO.localhost:` + portOf(proxyunit.DefaultListen) + `/, to that worktree's stable port
on loopback, for every repository in the per-user index (every repository where
allocate has run). The names are the ones port --url and list --json give; the routes
are read from the reservation files, again every two seconds and at once for a name not
known yet. Only files this user's tool wrote are routed.

WebSocket upgrades (hot reload) pass through, responses stream, and X-Forwarded-For,
-Host and -Proto are set; the Host header reaches the dev server as the browser sent
it. A name whose service is not listening gets a 502 page naming the worktree and the
service; an unknown name gets a 404 page listing the known names.

--listen ADDR:PORT (default ` + proxyunit.DefaultListen + `) says where; port 0 lets the kernel choose,
and --pidfile FILE then tells scripts: {"pid":N,"port":P}. It stops on Ctrl-C or
SIGTERM.

--https serves HTTPS instead, on the same port, with a certificate for each name from a
CA made for you on first use (ECDSA, in the per-user state directory: ca/ca.pem, its
key beside it with mode 0600). The CA can sign only names under .localhost. The proxy
prints how to trust it (curl --cacert, NODE_EXTRA_CA_CERTS, update-ca-certificates,
browsers); it never changes a trust store or /etc/hosts itself.

` + "`proxy install`" + ` writes a user service that runs it. The proxy runs in
git-worktree-ports-serve, which must be installed next to this binary (make install does).`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return forCommand(c, proxyRun(c.Context(), opts))
		},
	}
	cmd.Flags().StringVar(&opts.Listen, "listen", proxyunit.DefaultListen, "listen on ADDR:PORT")
	cmd.Flags().StringVar(&opts.PIDFile, "pidfile", "", `write {"pid":N,"port":P} here once listening`)
	cmd.Flags().BoolVar(&opts.HTTPS, "https", false, "serve HTTPS, with certificates from a local CA made for you (it prints how to trust it)")
	cmd.AddCommand(NewCmdProxyInstall(f, nil))
	return cmd
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func proxyRun(ctx context.Context, opts *ProxyOptions) error {
	if _, _, err := net.SplitHostPort(opts.Listen); err != nil {
		return usageErrorf(nil, "--listen %s: want ADDR:PORT, such as %s", untrusted.New(opts.Listen), proxyunit.DefaultListen)
	}
	args := []string{"proxy", "--listen", opts.Listen}
	if opts.PIDFile != "" {
		pidfile := opts.PIDFile
		if wd, err := opts.F.workDir(); err == nil && !filepath.IsAbs(pidfile) {
			pidfile = filepath.Join(wd, pidfile)
		}
		args = append(args, "--pidfile", pidfile)
	}
	if opts.HTTPS {
		args = append(args, "--https")
	}
	return runServe(opts.F, args...)
}

// ProxyInstallOptions are the inputs of `proxy install`.
type ProxyInstallOptions struct {
	F *Factory

	Listen string
	HTTPS  bool
}

// NewCmdProxyInstall builds `proxy install`.
func NewCmdProxyInstall(f *Factory, runF func(*ProxyInstallOptions) error) *cobra.Command {
	opts := &ProxyInstallOptions{F: f}
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Write a user service that runs the proxy",
		Long: `Write a user service that runs ` + "`git worktree-ports proxy`" + ` with this binary's absolute
path: a systemd user unit, ` + "$XDG_CONFIG_HOME/systemd/user/" + proxyunit.UnitName + `, or on macOS a
launchd agent, ~/Library/LaunchAgents/` + proxyunit.AgentLabel + `.plist. It prints the file's
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
	cmd.Flags().StringVar(&opts.Listen, "listen", proxyunit.DefaultListen, "the service's proxy listens on ADDR:PORT")
	cmd.Flags().BoolVar(&opts.HTTPS, "https", false, "the service's proxy serves HTTPS (proxy --https)")
	return cmd
}

func proxyInstallRun(opts *ProxyInstallOptions) error {
	f := opts.F
	if _, _, err := net.SplitHostPort(opts.Listen); err != nil {
		return usageErrorf(nil, "--listen %s: want ADDR:PORT, such as %s", untrusted.New(opts.Listen), proxyunit.DefaultListen)
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
	var extra []string
	if opts.HTTPS {
		extra = append(extra, "--https")
	}
	var svc proxyunit.Service
	var root string
	if runtime.GOOS == "darwin" {
		root = filepath.Join(home, "Library", "LaunchAgents")
		svc = proxyunit.LaunchdAgent(home, exe, opts.Listen, env, extra...)
	} else {
		root = f.Getenv("XDG_CONFIG_HOME")
		if root == "" || !filepath.IsAbs(root) {
			root = filepath.Join(home, ".config")
		}
		svc = proxyunit.SystemdUnit(root, exe, opts.Listen, env, extra...)
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
