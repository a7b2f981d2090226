package config

import "strings"

// What git-worktree-ports(1) says about configuration, beside the keys it describes:
// the CONFIGURATION section and the settings' variables of ENVIRONMENT (cmd's man.go
// puts the page together). Tests in cmd hold the text to the JSON Schema, the loader
// and the table of settings.

// ManExample is the example in the man page's CONFIGURATION. It must pass the JSON
// Schema and the loader (cmd/git-worktree-ports/schema_test.go).
const ManExample = `{
  "$schema": "` + SchemaURL + `",
  "range": "20000-29999",
  "width": 10,
  "services": {
    "api": 0,
    "web": {"offset": 1, "env": "VITE_PORT"},
    "db": {"offset": 5, "health": "/healthz"}
  },
  "avoid": [8080, "9000-9010"],
  "vars": {
    "API_URL": "http://localhost:{api}",
    "COMPOSE_PROJECT_NAME": "{repo-slug}-{worktree-slug}"
  },
  "dotenv": [".env"]
}`

// ManSection is git-worktree-ports(1)'s CONFIGURATION section, in the markdown
// cobra's man generator reads: every key of the config file and every git config key.
var ManSection = `## CONFIGURATION
The services are declared in ` + "`" + FileName + "`" + ` at the top of the repository. Commit it, so every
worktree and teammate shares it; ` + "`git worktree-ports init`" + ` writes a commented one. It is JSON, with
` + "`//` and `/* */`" + ` comments and trailing commas allowed. Every key is optional:

` + "`$schema`" + `
: The URL of the file's JSON Schema, for editors; the tool ignores it. ` + "`init`" + ` writes the
URL of the schema this project ships, as in the example below.

` + "`range`" + `
: The ports bundles are drawn from, ` + "`\"LO-HI\"`" + `, inclusive, within 1024-65535. Default ` + "`\"20000-29999\"`" + `.

` + "`width`" + `
: Ports per worktree, 1-1000: a worktree's bundle is base to base+width-1, and every offset
must be below width. Default 10.

` + "`services`" + `
: Service name to offset: the service's port is base + offset, exported as the name
upper-cased, with ` + "`-` and `.`" + ` turned into ` + "`_`" + ` and ` + "`_PORT`" + ` appended (` + "`web-ui`" + ` is ` + "`WEB_UI_PORT`" + `). Or
service name to an object with ` + "`offset`" + ` (required), ` + "`env`" + ` (the variable to export
instead), ` + "`health`" + ` (an HTTP path starting with ` + "`/`" + `, which ` + "`list --health`" + ` probes) and
` + "`main`" + ` (the port it keeps in the main worktree, below). A name
is ` + "`[A-Za-z0-9][A-Za-z0-9_.-]*`" + ` and not one of the built-in placeholders below. Without
` + "`services`" + ` there is one service, ` + "`app`" + ` at offset 0, exported as ` + "`PORT`" + `.

` + "`services.<name>.main`" + `
: The port the service keeps in the main worktree: the project's usual one (3000, 8000), so
bookmarks, OAuth callbacks and docs keep working there; 1024-65535, in the range or not.
Either every service names one or none does. The main worktree's reservation is then
exactly those ports, and nothing of its repository moves it off them: ` + "`allocate`" + ` warns
about anything else that reserves or listens on one, names it, and keeps the port. Every
other worktree, of this repository or of any other on this machine, treats them as
reserved; but another repository's existing reservation keeps its ports, and a main
worktree whose main port one holds takes a bundle of its range instead, saying why, until
the port is free. At most 32 services. In the main
worktree ` + "`{slot}` and `WORKTREE_PORTS_SLOT`" + ` are ` + "`main`" + ` (no slot of the range is its own), and
` + "`{base}`" + ` is the first service's port.

` + "`avoid`" + `
: Ports (` + "`8080`" + `) and ranges (` + "`\"9000-9010\"`" + `) never handed out, on top of the built-in list
of ports that developers commonly run (databases and the like) or browsers refuse.

` + "`vars`" + `
: Variable name to template, exported after the ports. Placeholders: ` + "`{SERVICE}`" + ` (that
service's port), ` + "`{repo}`" + ` (the repository's name), ` + "`{worktree}`" + ` (the worktree's directory
name), ` + "`{branch}`" + ` (the branch checked out when ` + "`allocate`" + ` last ran, empty on a detached
HEAD), ` + "`{slot}`, `{base}` and `{root}`" + ` (the worktree's top level), and the slug forms
` + "`{repo-slug}`, `{worktree-slug}` and `{branch-slug}`" + ` (lower-case ` + "`[a-z0-9-]`" + `, at most 63
characters, never empty; a detached HEAD's ` + "`{branch-slug}`" + ` names the worktree) for the names of
other tools (compose projects, databases, host names), and their underscore forms
` + "`{repo_slug}`, `{worktree_slug}` and `{branch_slug}`" + ` (` + "`[a-z0-9_]`" + `, starting with a letter, at
most 63 characters: ` + "`feat/Login-2`" + ` gives ` + "`feat_login_2`" + `, ` + "`2fa`" + ` gives ` + "`x_2fa`" + `) for database
and schema names, which PostgreSQL and many ORMs refuse with ` + "`-`" + ` unquoted. ` + "`{{` and `}}`" + ` are literal braces.

` + "`dotenv`" + `
: Files, relative to each worktree's top level (` + "`[\".env\", \"server/.env.local\"]`" + `), in
which ` + "`allocate`" + ` (and so the hook) keeps a marked block of the worktree's variables, as
` + "`env --format dotenv`" + ` prints them, for programs that read such a file themselves (docker
compose reads ` + "`.env`" + `). The block comes last, so it wins over an earlier line that sets the
same name. A missing file is created (a missing directory is not); no line outside the
block is touched; the file keeps its mode; an unchanged block is not written again.
` + "`release`" + ` removes the block and leaves the file byte for byte as before it came, and
removes a file the block created once nothing else is in it. A file git tracks, a path
with ` + "`..`" + ` or a symlink on it, one in a git directory or through a directory holding a
` + "`.git`" + ` entry (a nested worktree, a submodule, a nested clone), the tool's own files at any
depth, and a read-only file are refused with a warning and never written, by either. A variable that dotenv cannot carry
is left out of the block with a warning. List files git ignores: ` + "`allocate`" + ` warns when it
writes one that git does not.

` + "`mainBranch`" + `
: The branch whose worktree keeps the main ports, instead of git's main worktree
(` + "`\"mainBranch\": \"main\"`" + `). For the bare layout (` + "`git clone --bare . .bare`" + `, a ` + "`.git`" + ` file
` + "`gitdir: ./.bare`" + `, worktrees beside it), where git's main worktree is the bare directory and
so no worktree would get them. A worktree that leaves the branch gives them up at its next
` + "`allocate`" + ` (or the hook's, on the checkout). Needs main ports; waits for approval, as they do.

` + "`exec`" + `
: Which service's port ` + "`git worktree-ports exec`" + ` puts into a dev server's flags (see DEV
SERVERS): a program (` + "`\"vite\": \"web\"`" + `), a program's second port (` + "`\"node.inspect\": \"debug\"`" + `), or a
package.json script (` + "`\"script:dev\": \"web\"`" + `). Without it, a config with one service (or no
config) gives that service to a program you type after ` + "`exec --`" + `.

` + "`host`" + `
: Another shape for the services' host names than ` + "`{service}.{worktree}.{repo}.localhost`" + `:
dot-separated labels, each one whole placeholder (` + "`{service}`, `{worktree}`, `{repo}`" + `, each
exactly once: the labels ` + "`port --url`" + ` would use) or a lower-case slug, ending in ` + "`.localhost`" + `,
e.g. ` + "`\"{worktree}.{service}.{repo}.localhost\"`" + `. ` + "`allocate`" + ` records it in the reservation,
and the proxy, ` + "`port --url`, `list --json`" + ` and ` + "`mcp`" + ` use it.

An env name (a service's ` + "`env`" + `, a name in ` + "`vars`" + `) is ` + "`[A-Za-z_][A-Za-z0-9_]*`" + `. A name that a shell or
program reads as code or configuration (` + "`PATH`, `IFS`, `MAILPATH`, `LD_PRELOAD`, `GIT_*`,\n`NODE_OPTIONS`" + `, ...) is refused unless you allow it with ` + "`worktree-ports.allowEnv`" + `, and
` + "`WORKTREE_PORTS_ROOT` and `WORKTREE_PORTS_SLOT`" + ` are the tool's own. A bad file is refused
with an error that names the file and the key, approved or not.

Until you approve its exact content with ` + "`git worktree-ports trust`" + `, a committed config gives
only the ports, under the names the tool makes itself (` + "`<SERVICE>_PORT`, `PORT`" + `); its custom env
names, ` + "`vars`, `dotenv`, `main`, `exec` and `host`" + ` wait, and ` + "`allocate`, `env`" + ` and the hook say so in one line.
A changed config needs approval again; ` + "`trust --show`" + ` reviews it and approves nothing;
` + "`trust --revoke`" + ` takes approvals back; ` + "`init`" + `
approves what it writes. A reservation gives its ` + "`env`" + ` only when this user's tool wrote it
for this worktree (its ` + "`proof`" + ` verifies). For example:

` + "```\n" + ManExample + "\n```" + `

Per machine, ` + "`git config`" + ` overrides the file, and the flags of ` + "`allocate`" + ` override both:

` + settingKeysDoc()

// settingKeysDoc is CONFIGURATION's list of git config keys, made from the table of
// settings (Settings) so that the two cannot drift: one entry per key, a key
// with no text of its own sharing the entry before it.
func settingKeysDoc() string {
	var entries []string
	for i, s := range Settings {
		if s.Key == "" || s.Doc == "" {
			continue
		}
		heading := "`" + s.Key + "`"
		for _, next := range Settings[i+1:] {
			if next.Key == "" || next.Doc != "" {
				break
			}
			heading += ", `" + next.Key + "`"
		}
		entries = append(entries, heading+"\n: "+s.Doc+"\n")
	}
	return strings.Join(entries, "\n")
}

// ManSettingVariables is the man page's ENVIRONMENT entries for the settings'
// variables, made from the table of settings as CONFIGURATION's keys are.
func ManSettingVariables() string {
	var b strings.Builder
	for _, s := range Settings {
		if s.Env != "" {
			b.WriteString("`" + s.Env + "`\n: " + s.EnvDoc + "\n\n")
		}
	}
	return b.String()
}
