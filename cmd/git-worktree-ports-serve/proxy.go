package main

import (
	"context"
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

	"github.com/git-worktree-ports/git-worktree-ports/internal/proxy"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// serveProxy runs the proxy on listen until SIGINT or SIGTERM (docs/DESIGN.md "Proxy").
func serveProxy(ctx context.Context, listen, pidfile string, errOut io.Writer) error {
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
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(errOut, "warning: the proxy listens on %s, not only on loopback: other machines can reach your dev servers through it\n", untrusted.New(ln.Addr().String()))
	}
	if pidfile != "" {
		if err := writePIDFile(pidfile, port); err != nil {
			return err
		}
	}
	srv := &proxy.Server{ListenPort: port, Routes: routesOnce(*idx, key, errOut)}
	fmt.Fprintf(errOut, "proxy: listening on %s; open http://SERVICE.WORKTREE.REPO.localhost:%d/ (Ctrl-C stops it)\n", untrusted.New(ln.Addr().String()), port)

	return serveUntilSignal(ctx, &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second}, ln, errOut)
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
