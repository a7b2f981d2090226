package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/localca"
	"github.com/git-worktree-ports/git-worktree-ports/internal/proxy"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// proxyOptions are the proxy's flags.
type proxyOptions struct {
	listen, pidfile string
	https           bool // TLS with this user's local CA (package localca)
}

// serveProxy runs the proxy on listen until SIGINT or SIGTERM (docs/DESIGN.md "Proxy").
func serveProxy(ctx context.Context, o proxyOptions, errOut io.Writer) error {
	listen := o.listen
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("--listen %s: want ADDR:PORT", untrusted.New(listen))
	}
	// The per-user index, with its settings from the environment and the user's git
	// config: there may be no repository here.
	idx, err := (&repository.Repo{}).UserIndex(os.Getenv)
	if err != nil {
		return err
	}
	store, err := trust.Open(os.Getenv)
	if err != nil {
		return err
	}
	key, err := store.Key()
	if err != nil {
		return err
	}
	var ca *localca.CA
	if o.https {
		if ca, err = openCA(errOut); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	scheme := "http"
	if ca != nil {
		scheme = "https"
		fmt.Fprintln(errOut, localca.Instructions(ca.CertPath, fmt.Sprintf("https://SERVICE.WORKTREE.REPO.localhost:%d/", port)))
		ln = tls.NewListener(ln, ca.TLSConfig())
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(errOut, "warning: the proxy listens on %s, not only on loopback: other machines can reach your dev servers through it\n", untrusted.New(ln.Addr().String()))
	}
	if o.pidfile != "" {
		if err := writePIDFile(o.pidfile, port); err != nil {
			return err
		}
	}
	srv := &proxy.Server{ListenPort: port, Routes: routesOnce(*idx, key, errOut)}
	fmt.Fprintf(errOut, "proxy: listening on %s; open %s://SERVICE.WORKTREE.REPO.localhost:%d/ (Ctrl-C stops it)\n", untrusted.New(ln.Addr().String()), scheme, port)

	return serveUntilSignal(ctx, &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second}, ln, errOut)
}

// openCA loads this user's local CA, making it on first use, and says so.
func openCA(errOut io.Writer) (*localca.CA, error) {
	ca, made, err := localca.Open(os.Getenv)
	if err != nil {
		return nil, fmt.Errorf("proxy --https: %w", err)
	}
	if made {
		fmt.Fprintf(errOut, "proxy: made a local CA for HTTPS: %s (its key stays beside it, mode 0600)\n", untrusted.New(ca.CertPath))
	}
	return ca, nil
}

// routesOnce reads the routes from the registered repositories' files each time the
// proxy asks, and prints each warning once: the table is read again every few seconds.
func routesOnce(idx registry.Index, key []byte, errOut io.Writer) func(context.Context) []proxy.Route {
	var mu sync.Mutex
	warned := map[string]bool{}
	return func(ctx context.Context) []proxy.Route {
		return proxy.Gather(ctx, idx, key, os.Environ(), func(msg string) {
			mu.Lock()
			defer mu.Unlock()
			if !warned[msg] {
				warned[msg] = true
				fmt.Fprintln(errOut, untrusted.Lines(msg))
			}
		})
	}
}

// serveUntilSignal serves hs on ln until it fails or an interrupt or SIGTERM comes, then
// gives open requests two seconds to finish.
func serveUntilSignal(ctx context.Context, hs *http.Server, ln net.Listener, errOut io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
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
	fmt.Fprintln(errOut, "proxy: stopped")
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
