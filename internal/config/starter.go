package config

// Starter is a commented .worktree-ports.config.json for `init` to write.
// It parses to the same spec as Default().
const Starter = `// git-worktree-ports: ports for every worktree of this repository.
// Each worktree gets "width" consecutive ports from "range" (its bundle), and
// each service gets the bundle's base plus its offset. See them with
// ` + "`git worktree-ports env`" + `. Comments and trailing commas are allowed.
// Per machine, ` + "`git config worktree-ports.range 30000-39999`" + ` overrides the range.
{
  // Ports handed out, "lo-hi" inside 1024-65535.
  "range": "20000-29999",

  // Ports per worktree. Leave room to add services without moving anyone.
  "width": 10,

  // name -> offset, or name -> {"offset": n, "env": "NAME", "health": "/path"}.
  // The env name defaults to the name upper-cased plus _PORT (web-ui -> WEB_UI_PORT).
  "services": {
    "app": {"offset": 0, "env": "PORT"},
    // "db": 1,
  },

  // More ports or ranges never handed out, e.g. [8025, "9000-9010"].
  "avoid": [],

  // Derived values. Placeholders: {<service>}, {repo}, {worktree}, {slot},
  // {base}, {root}; {{ and }} are literal braces.
  "vars": {
    // "APP_URL": "http://localhost:{app}",
    // "COMPOSE_PROJECT_NAME": "{repo}-{worktree}",
  },
}
`
