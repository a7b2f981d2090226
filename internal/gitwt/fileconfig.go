package gitwt

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// The config files git reads, read without git.
//
// The parser below is git's own (config.c: git_parse_source, get_base_var,
// get_extended_base_var, get_value, parse_value) written again in Go, for the same
// reason bundle.splitRemote is: go-git's decoder (plumbing/format/config, through
// gcfg) links encoding/gob, whose initialisation costs every start of the binary
// about 0.15 ms, `env` included, and it reads `key` (git's true) and `key =` (git's
// empty string) alike. TestConfigParserAgreesWithGoGit holds this parser to go-git's
// decoder where that one is sound, and TestFilesConfigAgreesWithGit to `git config`.

// maxConfigFile bounds a config file read directly; a larger one is left to git.
const maxConfigFile = 1 << 20

// configFile is one file of the chain and the entries read from it.
type configFile struct {
	path    string
	entries []fileEntry
}

// fileEntry is one entry of a config file: its key as git prints it (section and name
// lower-cased, subsection as written) and its value; hasValue is false for a key
// written without "=", which git reads as boolean true.
type fileEntry struct {
	key      string
	value    string
	hasValue bool
}

// errConfigSyntax is returned by parseConfig for a file git would refuse, or one this
// parser does not take on (a NUL byte).
var errConfigSyntax = errors.New("bad config syntax")

// parseConfig parses a git config file as git does. It fails where git fails, and on
// NUL bytes, which git would read into a value that it then prints cut short.
func parseConfig(data []byte) ([]fileEntry, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%w: NUL byte", errConfigSyntax)
	}
	// git skips a UTF-8 byte order mark at the start and refuses a partial one.
	if rest, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		data = rest
	} else if len(data) > 0 && data[0] == 0xef {
		return nil, fmt.Errorf("%w: partial byte order mark", errConfigSyntax)
	}
	p := configParser{data: data, line: 1}
	return p.parse()
}

// configParser walks the bytes as git's get_next_char does: "\r\n" reads as "\n", and
// the end of the file reads as a final "\n" with eof set.
type configParser struct {
	data    []byte
	pos     int
	eof     bool
	line    int
	entries []fileEntry
}

func (p *configParser) next() byte {
	if p.pos >= len(p.data) {
		p.eof = true
		return '\n'
	}
	c := p.data[p.pos]
	p.pos++
	if c == '\r' && p.pos < len(p.data) && p.data[p.pos] == '\n' {
		p.pos++
		c = '\n'
	}
	if c == '\n' {
		p.line++
	}
	return c
}

func (p *configParser) fail(what string) error {
	return fmt.Errorf("%w: line %d: %s", errConfigSyntax, p.line, what)
}

func (p *configParser) parse() ([]fileEntry, error) {
	var section string // "" before the first header; git then refuses an entry
	haveSection := false
	comment := false
	for {
		c := p.next()
		switch {
		case c == '\n':
			if p.eof {
				return p.entries, nil
			}
			comment = false
			continue
		case comment:
			continue
		case gitSpace(c):
			continue
		case c == '#' || c == ';':
			comment = true
			continue
		case c == '[':
			name, err := p.baseVar()
			if err != nil {
				return nil, err
			}
			section, haveSection = name, true
			continue
		case !isAlpha(c):
			return nil, p.fail(fmt.Sprintf("unexpected %q", c))
		}
		if !haveSection {
			// git builds the key from an empty section: ".name". It reports such a key
			// as it is; nothing here reads one, so leave it to git.
			return nil, p.fail("entry before any section")
		}
		if err := p.value(section, lower(c)); err != nil {
			return nil, err
		}
	}
}

// baseVar reads a section header after its "[": "[name]" or `[name "subsection"]`,
// returning "name" (lower-cased) or "name.subsection".
func (p *configParser) baseVar() (string, error) {
	var name []byte
	for {
		c := p.next()
		if p.eof {
			return "", p.fail("unterminated section header")
		}
		if c == ']' {
			if len(name) == 0 {
				return "", p.fail("empty section name")
			}
			return string(name), nil
		}
		if gitSpace(c) {
			return p.extendedBaseVar(name, c)
		}
		if !isKeyChar(c) && c != '.' {
			return "", p.fail(fmt.Sprintf("bad section name character %q", c))
		}
		name = append(name, lower(c))
	}
}

func (p *configParser) extendedBaseVar(name []byte, c byte) (string, error) {
	for {
		if c == '\n' {
			return "", p.fail("unterminated section header")
		}
		c = p.next()
		if !gitSpace(c) {
			break
		}
	}
	if c != '"' {
		return "", p.fail(`section header: want "subsection"`)
	}
	name = append(name, '.')
	for {
		c := p.next()
		if c == '\n' {
			return "", p.fail("unterminated subsection")
		}
		if c == '"' {
			break
		}
		if c == '\\' {
			if c = p.next(); c == '\n' {
				return "", p.fail("unterminated subsection")
			}
		}
		name = append(name, c)
	}
	if p.next() != ']' {
		return "", p.fail("section header: want ]")
	}
	return string(name), nil
}

// value reads the rest of an entry's name (its first character is first) and its value.
func (p *configParser) value(section string, first byte) error {
	name := []byte{first}
	var c byte
	for {
		c = p.next()
		if p.eof || !isKeyChar(c) {
			break
		}
		name = append(name, lower(c))
	}
	for c == ' ' || c == '\t' {
		c = p.next()
	}
	e := fileEntry{key: section + "." + string(name)}
	if c != '\n' {
		if c != '=' {
			return p.fail(fmt.Sprintf("bad key %q", e.key))
		}
		v, err := p.parseValue()
		if err != nil {
			return err
		}
		e.value, e.hasValue = v, true
	}
	p.entries = append(p.entries, e)
	return nil
}

func (p *configParser) parseValue() (string, error) {
	var v []byte
	quote, comment, space := false, false, 0
	for {
		c := p.next()
		if c == '\n' {
			if quote {
				return "", p.fail("missing closing quote")
			}
			return string(v), nil
		}
		if comment {
			continue
		}
		if gitSpace(c) && !quote {
			if len(v) > 0 {
				space++
			}
			continue
		}
		if !quote && (c == ';' || c == '#') {
			comment = true
			continue
		}
		for ; space > 0; space-- {
			v = append(v, ' ')
		}
		if c == '\\' {
			switch c = p.next(); c {
			case '\n':
				continue
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'n':
				c = '\n'
			case '\\', '"':
			default:
				return "", p.fail(fmt.Sprintf("bad escape \\%c", c))
			}
			v = append(v, c)
			continue
		}
		if c == '"' {
			quote = !quote
			continue
		}
		v = append(v, c)
	}
}

// gitSpace is git's isspace: space, tab, newline and carriage return, and nothing else.
func gitSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isKeyChar(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' || c == '-' }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// gitBool reads a boolean as git_config_bool does, for the values this package acts
// on: no value is true, "" is false, the words true/yes/on and false/no/off in any case,
// and a decimal number (true unless zero). Anything else (git also takes "1k" or
// "0x10") is not understood.
func gitBool(value string, hasValue bool) (b, ok bool) {
	if !hasValue {
		return true, true
	}
	switch strings.ToLower(value) {
	case "":
		return false, true
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return false, false
	}
	return n != 0, true
}

// configChain returns the files git reads for config, in its order: system, global
// (the XDG file, then ~/.gitconfig), the repository's, the worktree's config.worktree
// when extensions.worktreeConfig is on, and last the command line's (`git -c`, in
// GIT_CONFIG_PARAMETERS). The repository's own file is
// also checked for what makes git's answers differ from ours (repositoryFormat).
func (f *Files) configChain() ([]configFile, *repoFormat, error) {
	var chain []configFile
	for _, name := range []string{"GIT_CONFIG_SYSTEM", "GIT_CONFIG_GLOBAL", "XDG_CONFIG_HOME", "HOME"} {
		// A relative path would be taken from git's working directory, which is not ours.
		if v, ok := f.getenv(name); ok && v != "" && !filepath.IsAbs(v) {
			return nil, nil, fallback("%s=%q is not an absolute path", name, v)
		}
	}
	if home, ok := f.getenv("HOME"); ok && home == "" {
		return nil, nil, fallback("HOME is empty")
	}
	add := func(path string, optional bool) error {
		entries, err := readConfigFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && optional:
			return nil
		case err != nil:
			return fallback("config file %s: %v", path, err)
		}
		for _, e := range entries {
			if sec, _, _ := strings.Cut(e.key, "."); sec == "include" || sec == "includeif" {
				return fallback("config file %s has %s (includes are left to git)", path, e.key)
			}
		}
		chain = append(chain, configFile{path: path, entries: entries})
		return nil
	}

	nosystem, err := f.envBool("GIT_CONFIG_NOSYSTEM")
	if err != nil {
		return nil, nil, err
	}
	if !nosystem {
		system, ok := f.getenv("GIT_CONFIG_SYSTEM")
		if !ok {
			if system, err = f.systemConfig(); err != nil {
				return nil, nil, err
			}
		}
		if system != "" {
			if err := add(system, true); err != nil {
				return nil, nil, err
			}
		}
	}
	if global, ok := f.getenv("GIT_CONFIG_GLOBAL"); ok {
		if global != "" {
			if err := add(global, true); err != nil {
				return nil, nil, err
			}
		}
	} else {
		home, haveHome := f.getenv("HOME")
		if xdg, _ := f.getenv("XDG_CONFIG_HOME"); xdg != "" {
			if err := add(filepath.Join(xdg, "git", "config"), true); err != nil {
				return nil, nil, err
			}
		} else if haveHome {
			if err := add(filepath.Join(home, ".config", "git", "config"), true); err != nil {
				return nil, nil, err
			}
		}
		if haveHome {
			if err := add(filepath.Join(home, ".gitconfig"), true); err != nil {
				return nil, nil, err
			}
		}
	}
	// A repository without a config file is taken as format version 0.
	before := len(chain)
	if err := add(filepath.Join(f.Loc.CommonDir, "config"), true); err != nil {
		return nil, nil, err
	}
	var local []fileEntry
	if len(chain) > before {
		local = chain[before].entries
	}
	format, err := readRepoFormat(local)
	if err != nil {
		return nil, nil, err
	}
	if format.worktreeConfig {
		if err := add(filepath.Join(f.gitDir(), "config.worktree"), true); err != nil {
			return nil, nil, err
		}
	}
	if v, ok := f.getenv("GIT_CONFIG_PARAMETERS"); ok {
		entries, err := parseConfigParameters(v)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range entries {
			if commandLineKey(e.key) {
				return nil, nil, fallback("git -c %s (in GIT_CONFIG_PARAMETERS) is left to git", e.key)
			}
		}
		chain = append(chain, configFile{path: commandLine, entries: entries})
	}
	if _, set := lastEntry(chain, "safe.barerepository"); set {
		// git 2.38+ may refuse to run in a bare repository (safe.bareRepository=explicit),
		// and a git directory counts as one; `git config` then reads no repository at all.
		return nil, nil, fallback("safe.bareRepository is set")
	}
	return chain, format, nil
}

func readConfigFile(path string) ([]fileEntry, error) {
	data, err := safefile.Read(path, maxConfigFile)
	if err != nil {
		return nil, err
	}
	return parseConfig(data)
}

// systemConfig returns the system config file of the git on PATH. Where git is kept is
// where it was built to look: a git installed under /usr (every Linux distribution's)
// reads /etc/gitconfig. For any other git the file is not known without asking it.
func (f *Files) systemConfig() (string, error) {
	if runtime.GOOS != "linux" {
		return "", fallback("the system config of git on %s is not known without git", runtime.GOOS)
	}
	path, _ := f.getenv("PATH")
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // git would search a relative entry from its own directory
		}
		bin := filepath.Join(dir, "git")
		if _, err := exec.LookPath(bin); err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(bin)
		if err != nil {
			return "", fallback("git at %s: %v", bin, err)
		}
		if real == "/usr/bin/git" || real == "/bin/git" {
			return "/etc/gitconfig", nil
		}
		return "", fallback("git at %s was not installed under /usr, so its system config is not known", real)
	}
	return "", fallback("no git on PATH")
}

// repoFormat is what the repository's own config says about its layout.
type repoFormat struct {
	worktreeConfig bool
	hexLen         int // the length of an object id in hex: 40 (SHA-1) or 64 (SHA-256)
}

// readRepoFormat checks core.repositoryformatversion and the extensions the way git's
// setup does, and refuses all that a direct read cannot promise to read as git does:
// a version above 1 (git refuses it) and any extension but those below.
//
//   - worktreeConfig: config.worktree is read, as git reads it.
//   - objectFormat sha1 or sha256: only the length of a detached HEAD's id changes.
//   - refStorage files: the refs are the files read here; reftable keeps HEAD elsewhere.
//   - preciousObjects, partialClone: about objects, which are not read.
//
// relativeWorktrees (git 2.48) and anything newer fall back.
func readRepoFormat(local []fileEntry) (*repoFormat, error) {
	f := &repoFormat{hexLen: 40}
	version := 0
	var exts []fileEntry
	for _, e := range local {
		switch {
		case e.key == "core.repositoryformatversion":
			switch e.value {
			case "0":
				version = 0
			case "1":
				version = 1
			default:
				return nil, fallback("core.repositoryformatversion is %q", e.value)
			}
		case strings.HasPrefix(e.key, "extensions."):
			exts = append(exts, e) // each is checked; the last of a name wins
		}
	}
	for _, e := range exts {
		switch name := strings.TrimPrefix(e.key, "extensions."); name {
		case "worktreeconfig":
			b, ok := gitBool(e.value, e.hasValue)
			if !ok || !e.hasValue {
				return nil, fallback("extensions.worktreeConfig is %q", e.value)
			}
			f.worktreeConfig = b
		case "preciousobjects", "partialclone":
		case "objectformat":
			switch {
			case version != 1:
				return nil, fallback("extensions.objectFormat in a version %d repository", version)
			case strings.EqualFold(e.value, "sha1"):
			case strings.EqualFold(e.value, "sha256"):
				f.hexLen = 64
			default:
				return nil, fallback("extensions.objectFormat is %q", e.value)
			}
		case "refstorage":
			if version != 1 || !strings.EqualFold(e.value, "files") {
				return nil, fallback("extensions.refStorage is %q", e.value)
			}
		default:
			return nil, fallback("extensions.%s is not read directly", name)
		}
	}
	return f, nil
}

// Config returns every entry of the config chain git reads here, in git's order
// (system, global, local, worktree), as `git config -z --list` reports them, without
// running git. Combine it with MatchConfig for what Git.Config returns.
//
// Every error matches ErrUseGit: the answer is left to Git.Config, and the error says
// why (an include, GIT_CONFIG_PARAMETERS set, a file that cannot be read, ...).
func (f Files) Config() ([]ConfigEntry, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	chain, _, err := f.configChain()
	if err != nil {
		return nil, err
	}
	var out []ConfigEntry
	for _, file := range chain {
		for _, e := range file.entries {
			out = append(out, ConfigEntry{Key: e.key, Value: e.value})
		}
	}
	return out, nil
}

// MatchConfig returns the entries whose key matches the regular expression, as `git
// config --get-regexp` selects them (keys are already in git's case).
func MatchConfig(entries []ConfigEntry, pattern string) ([]ConfigEntry, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	var out []ConfigEntry
	for _, e := range entries {
		if re.MatchString(e.Key) {
			out = append(out, e)
		}
	}
	return out, nil
}

// chainBool reads a boolean key as git does: every occurrence is parsed as it is read
// (an invalid one makes git die, even if a later one is valid), and the last wins. A key
// with no value would be true, but go-git's decoder and `git config --list` cannot tell
// it from an empty one, and git itself writes "= true": it falls back too.
func chainBool(chain []configFile, key string) (val, set bool, err error) {
	for _, file := range chain {
		for _, e := range file.entries {
			if e.key != key {
				continue
			}
			b, ok := gitBool(e.value, e.hasValue)
			if !ok || !e.hasValue {
				return false, false, fallback("%s is %q in %s", key, e.value, file.path)
			}
			val, set = b, true
		}
	}
	return val, set, nil
}

// lastEntry returns the last entry for key in the chain, as git's single-valued reads
// keep the last.
func lastEntry(chain []configFile, key string) (fileEntry, bool) {
	var last fileEntry
	found := false
	for _, file := range chain {
		for _, e := range file.entries {
			if e.key == key {
				last, found = e, true
			}
		}
	}
	return last, found
}

// commandLine is the name of the chain's last "file": the entries of `git -c`, which git
// passes to its children (hooks among them) in GIT_CONFIG_PARAMETERS.
const commandLine = "command line (GIT_CONFIG_PARAMETERS)"

// parseConfigParameters reads GIT_CONFIG_PARAMETERS as git does
// (parse_config_env_list, sq_dequote_step, config_parse_pair and git_config_parse_key in
// git 2.39): single-quoted 'key'='value' pairs, or 'key'= for a key with no value, or an
// old-style 'key=value', separated by white space. Keys are put in git's case. Anything
// git would refuse, or read its own way, is an error.
func parseConfigParameters(env string) ([]fileEntry, error) {
	bogus := fallback("GIT_CONFIG_PARAMETERS=%q: not read directly", env)
	var out []fileEntry
	cur := env
	for cur != "" {
		key, rest, ok := sqDequoteStep(cur)
		if !ok {
			return nil, bogus
		}
		var e fileEntry
		switch {
		case rest == "" || gitSpace(rest[0]):
			// Old style, 'key=value': git splits it at the first "=" and trims the key.
			k, v, eq := strings.Cut(key, "=")
			k = strings.Trim(k, " \t\n\r")
			e = fileEntry{key: k, value: v, hasValue: eq}
		case rest[0] == '=':
			rest = rest[1:]
			e.key = key
			switch {
			case rest != "" && rest[0] == '\'':
				v, after, ok := sqDequoteStep(rest)
				if !ok || after != "" && !gitSpace(after[0]) {
					return nil, bogus
				}
				e.value, e.hasValue, rest = v, true, after
			case rest == "" || gitSpace(rest[0]):
			default:
				return nil, bogus
			}
		default:
			return nil, bogus
		}
		k, ok := canonicalKey(e.key)
		if !ok {
			return nil, bogus
		}
		e.key = k
		out = append(out, e)
		cur = strings.TrimLeft(rest, " \t\n\r")
	}
	return out, nil
}

// sqDequoteStep reads one single-quoted word at the start of s, as git's
// sq_dequote_step: quotes end and resume only around a backslash-escaped ' or !. It
// returns the word, what follows it, and whether s started with a well-formed word.
func sqDequoteStep(s string) (word, rest string, ok bool) {
	if s == "" || s[0] != '\'' {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; ; {
		j := strings.IndexByte(s[i:], '\'')
		if j < 0 {
			return "", "", false
		}
		b.WriteString(s[i : i+j])
		i += j + 1
		if i+2 < len(s) && s[i] == '\\' && (s[i+1] == '\'' || s[i+1] == '!') && s[i+2] == '\'' {
			b.WriteByte(s[i+1])
			i += 3
			continue
		}
		return b.String(), s[i:], true
	}
}

// canonicalKey checks a key as git_config_parse_key does and returns it in git's case:
// the section and the name lower-cased, the subsection as written.
func canonicalKey(key string) (string, bool) {
	last := strings.LastIndexByte(key, '.')
	if last <= 0 || last == len(key)-1 || strings.IndexByte(key, 0) >= 0 {
		return "", false
	}
	first := strings.IndexByte(key, '.')
	b := []byte(key)
	for i, c := range b {
		switch {
		case i < first || i > last:
			if !isKeyChar(c) || i == last+1 && !isAlpha(c) {
				return "", false
			}
			b[i] = lower(c)
		case c == '\n':
			return "", false
		}
	}
	return string(b), true
}

// commandLineKey reports whether key is one that, given with `git -c`, could change what git reads
// or where (the repository's format and layout, includes, ownership rules, the order of
// the worktree list): Files leaves those to git.
func commandLineKey(key string) bool {
	switch key {
	case "core.bare", "core.worktree", "core.ignorecase", "core.repositoryformatversion", "core.precomposeunicode":
		return true
	}
	for _, prefix := range []string{"extensions.", "include.", "includeif.", "safe."} {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}
