package config

// SchemaPath is the JSON Schema of the config file, relative to the top of this
// project's repository.
const SchemaPath = "docs/schema/worktree-ports.config.schema.json"

// SchemaURL is the "$schema" that init writes into a config, and the schema's own "$id".
// Editors fetch it to check and complete the file, so it is absolute: a path inside this
// project's repository means nothing in someone else's. It is the schema on the main
// branch of the repository the module path names, served as a raw file. Main rather than
// a release tag, so a committed config never needs editing to follow an upgrade; the
// cost is that an editor may accept a key newer than a teammate's binary (which then
// names it as unknown).
const SchemaURL = "https://raw.githubusercontent.com/git-worktree-ports/git-worktree-ports/main/" + SchemaPath

// ToJSON returns a config file's JSONC as the plain JSON that Parse reads: comments,
// trailing commas and a byte order mark blanked. Tools that check a config against the
// schema need it, since JSON Schema validators read JSON only.
func ToJSON(data []byte) ([]byte, error) { return stripJSONC(data) }
