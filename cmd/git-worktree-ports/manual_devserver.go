//go:build manpages

package main

import (
	"fmt"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/devserver"
)

// manDevServers is the DEV SERVERS section: exec's table of programs, made from
// devserver.Table so the page cannot drift from what exec does.
func manDevServers() string {
	var b strings.Builder
	b.WriteString(`## DEV SERVERS
` + "`git worktree-ports exec -- PROGRAM ...`" + ` puts the worktree's port into the flags of the dev
servers below, which do not read ` + "`PORT`" + ` themselves. It finds them run directly, through
` + "`npx`, `bunx`, `pnpm exec`, `yarn`" + ` and ` + "`python -m`" + `, and in a package.json script run by
` + "`npm run`, `pnpm run`, `yarn run` or `bun run`" + `. A program gets the service the config's
` + "`exec`" + ` key names for it; without one, the only service of a config that has one (` + "`app`" + `
with no config). A script's command is committed content: it gets a port only where the
approved config names it (` + "`\"script:dev\": \"web\"`" + `), and only when it is one plain
command.

Only server subcommands get a port (` + "`vite`" + ` and ` + "`vite dev`" + `, never ` + "`vite build`" + `); a port
flag you wrote is kept; a shell string, an env prefix or a ` + "`--`" + ` in the arguments runs as
written, with a one-line note. ` + "`exec --dry-run`" + ` prints the command it would run, quoted for
pasting; ` + "`exec --no-inject`" + ` runs it untouched.

`)
	for _, p := range devserver.Table {
		fmt.Fprintf(&b, "`%s`\n: ", p.Name)
		var how []string
		if len(p.Inject) > 0 {
			how = append(how, fmt.Sprintf("%s %s `%s`", strings.Join(quoteAll(p.Commands), ", "), servesWhen(p), strings.ReplaceAll(strings.Join(p.Inject, " "), "{port}", "N")))
		}
		for _, r := range p.Roles {
			if len(r.Fill) > 0 {
				how = append(how, fmt.Sprintf("with `%s.%s` named in the config, `%s` written without a port becomes `%s=127.0.0.1:N`", p.Name, r.Name, r.Fill[0], r.Fill[0]))
				continue
			}
			how = append(how, fmt.Sprintf("with `%s.%s` named in the config, also `%s`", p.Name, r.Name, strings.ReplaceAll(strings.Join(r.Inject, " "), "{port}", "N")))
		}
		b.WriteString(strings.Join(how, "; ") + ".\n\n")
	}
	b.WriteString("Vite has no flag for its HMR port: give HMR a service and read its variable in\n`vite.config` (`server.hmr.port: Number(process.env.HMR_PORT)`).\n")
	return b.String()
}

func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "`" + w + "`"
	}
	return out
}

// servesWhen says which invocations of p get a port, for the DEV SERVERS entry.
func servesWhen(p devserver.Program) string {
	switch {
	case p.Always:
		return "gets"
	case p.Bare:
		return "bare or " + strings.Join(quoteAll(p.Serve), ", ") + " gets"
	}
	return strings.Join(quoteAll(p.Serve), ", ") + " gets"
}
