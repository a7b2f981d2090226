// Command git-worktree-ports-serve runs the long-lived servers of git-worktree-ports:
// the proxy (package proxy) and the MCP server (package mcptools). They link net/http,
// html/template and the MCP SDK (encoding/gob, a JSON Schema library), whose package
// initialisers and size would slow every start of git-worktree-ports, env's included,
// which runs at every shell prompt of direnv users, by about 0.7 ms. So
// `git worktree-ports proxy` and `git worktree-ports mcp` check their flags and execute
// this binary, installed next to git-worktree-ports:
//
//	git-worktree-ports-serve proxy [--listen ADDR:PORT] [--pidfile FILE] [--https]
//	git-worktree-ports-serve mcp [--version VERSION]
//
// It runs in the directory and with the environment it is given. Exit codes: 0 when
// stopped (Ctrl-C, SIGTERM, or the end of stdin for mcp), 1 on an error, 2 on bad usage.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	usage := func() int {
		fmt.Fprintln(errOut, "usage: git-worktree-ports-serve proxy [--listen ADDR:PORT] [--pidfile FILE] [--https] | mcp [--version VERSION]")
		return 2
	}
	if len(args) == 0 {
		return usage()
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(errOut)
	var err error
	switch args[0] {
	case "proxy":
		listen := fs.String("listen", "127.0.0.1:7355", "listen on ADDR:PORT")
		pidfile := fs.String("pidfile", "", `write {"pid":N,"port":P} here once listening`)
		https := fs.Bool("https", false, "serve HTTPS with this user's local CA")
		if fs.Parse(args[1:]) != nil || fs.NArg() > 0 {
			return usage()
		}
		err = serveProxy(ctx, proxyOptions{listen: *listen, pidfile: *pidfile, https: *https}, errOut)
	case "mcp":
		version := fs.String("version", "dev", "the version the server reports")
		if fs.Parse(args[1:]) != nil || fs.NArg() > 0 {
			return usage()
		}
		err = serveMCP(ctx, *version, in, out, errOut)
	default:
		return usage()
	}
	if err != nil {
		fmt.Fprintf(errOut, "git-worktree-ports: %s\n", untrusted.Lines(err.Error()))
		return 1
	}
	return 0
}
