package gitfiles

import (
	"errors"
	"io/fs"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// The chain of config files git reads, and what the repository's own file says about
// its format, read with the parser in fileconfig.go.

// configChain returns the files git reads for config, in its order: system, global
// (the XDG file, then ~/.gitconfig), the repository's, the worktree's config.worktree
// when extensions.worktreeConfig is on, and last the command line's (`git -c`, in
// GIT_CONFIG_PARAMETERS). The repository's own file is
// also checked for what makes git's answers differ from ours (repositoryFormat).
func (f *Files) configChain() ([]configFile, *repoFormat, error) {
	if err := f.checkConfigEnv(); err != nil {
		return nil, nil, err
	}
	var chain []configFile
	add := func(path string, repository bool) error {
		file, ok, err := readChainFile(path, repository)
		if ok {
			chain = append(chain, file)
		}
		return err
	}
	user, err := f.userConfigFiles()
	if err != nil {
		return nil, nil, err
	}
	for _, path := range user {
		if err := add(path, false); err != nil {
			return nil, nil, err
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
	if cl, ok, err := f.commandLineConfig(); err != nil {
		return nil, nil, err
	} else if ok {
		chain = append(chain, cl)
	}
	if _, set := lastEntry(chain, "safe.barerepository"); set {
		// git 2.38+ may refuse to run in a bare repository (safe.bareRepository=explicit),
		// and a git directory counts as one; `git config` then reads no repository at all.
		return nil, nil, fallback("safe.bareRepository is set")
	}
	return chain, format, nil
}

// checkConfigEnv falls back where the variables that place the user's config files
// could be read otherwise than git reads them.
func (f *Files) checkConfigEnv() error {
	for _, name := range []string{"GIT_CONFIG_SYSTEM", "GIT_CONFIG_GLOBAL", "XDG_CONFIG_HOME", "HOME"} {
		// A relative path would be taken from git's working directory, which is not ours.
		if v, ok := f.getenv(name); ok && v != "" && !filepath.IsAbs(v) {
			return fallback("%s=%q is not an absolute path", name, v)
		}
	}
	if home, ok := f.getenv("HOME"); ok && home == "" {
		return fallback("HOME is empty")
	}
	return nil
}

// userConfigFiles lists the system and global config files git would read, in its
// order, whether they exist or not.
func (f *Files) userConfigFiles() ([]string, error) {
	var paths []string
	nosystem, err := f.envBool("GIT_CONFIG_NOSYSTEM")
	if err != nil {
		return nil, err
	}
	if !nosystem {
		system, ok := f.getenv("GIT_CONFIG_SYSTEM")
		if !ok {
			if system, err = f.systemConfig(); err != nil {
				return nil, err
			}
		}
		if system != "" {
			paths = append(paths, system)
		}
	}
	if global, ok := f.getenv("GIT_CONFIG_GLOBAL"); ok {
		if global != "" {
			paths = append(paths, global)
		}
		return paths, nil
	}
	home, haveHome := f.getenv("HOME")
	if xdg, _ := f.getenv("XDG_CONFIG_HOME"); xdg != "" {
		paths = append(paths, filepath.Join(xdg, "git", "config"))
	} else if haveHome {
		paths = append(paths, filepath.Join(home, ".config", "git", "config"))
	}
	if haveHome {
		paths = append(paths, filepath.Join(home, ".gitconfig"))
	}
	return paths, nil
}

// readChainFile reads one config file of the chain; ok is false when it does not
// exist, which git takes as empty. A file with includes falls back: git follows them.
func readChainFile(path string, repository bool) (file configFile, ok bool, err error) {
	entries, err := readConfigFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return configFile{}, false, nil
	case err != nil:
		return configFile{}, false, fallback("config file %s: %v", path, err)
	}
	for _, e := range entries {
		if sec, _, _ := strings.Cut(e.key, "."); sec == "include" || sec == "includeif" {
			return configFile{}, false, fallback("config file %s has %s (includes are left to git)", path, e.key)
		}
	}
	return configFile{path: path, entries: entries, repository: repository}, true, nil
}

// commandLineConfig is what `git -c` set, from GIT_CONFIG_PARAMETERS, as the chain's
// last file; ok is false when the variable is unset.
func (f *Files) commandLineConfig() (file configFile, ok bool, err error) {
	v, ok := f.getenv("GIT_CONFIG_PARAMETERS")
	if !ok {
		return configFile{}, false, nil
	}
	entries, err := parseConfigParameters(v)
	if err != nil {
		return configFile{}, false, err
	}
	for _, e := range entries {
		if commandLineKey(e.key) {
			return configFile{}, false, fallback("git -c %s (in GIT_CONFIG_PARAMETERS) is left to git", e.key)
		}
	}
	return configFile{path: commandLine, entries: entries}, true, nil
}

func readConfigFile(path string) ([]fileEntry, error) {
	data, err := safefile.Read(path, maxConfigFile)
	if err != nil {
		return nil, err
	}
	return parseConfig(data)
}

// systemConfig returns the system config file of the git on PATH. Where git is kept is
// where it was built to look: a git built with prefix=/usr (every Linux distribution's)
// reads /etc/gitconfig, and is found either as $prefix/bin/git or, when git itself runs
// this program (`git worktree-ports`, a hook), in its exec path, which git puts first on
// PATH and exports as GIT_EXEC_PATH: /usr/lib/git-core on Debian, /usr/libexec/git-core
// elsewhere. For any other git the file is not known without asking it.
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
		if usrGit(real) {
			return "/etc/gitconfig", nil
		}
		return "", fallback("git at %s was not installed under /usr, so its system config is not known", real)
	}
	return "", fallback("no git on PATH")
}

// usrGit reports whether the git program at path (symlinks resolved) is one installed
// with prefix=/usr: its bin directory, or its exec path as Debian (lib) or git's own
// Makefile (libexec) lays it out. /bin and /lib are /usr's where /usr is merged.
func usrGit(path string) bool {
	switch path {
	case "/usr/bin/git", "/bin/git",
		"/usr/lib/git-core/git", "/lib/git-core/git",
		"/usr/libexec/git-core/git", "/libexec/git-core/git":
		return true
	}
	return false
}

// repoFormat is what the repository's own config says about its layout.
type repoFormat struct {
	worktreeConfig bool
	hexLen         int // the length of an object id in hex: 40 (SHA-1) or 64 (SHA-256)
}

// readRepoFormat checks core.repositoryformatversion and the extensions the way git's
// setup does (check_repo_format, handle_extension_v0, handle_extension), and refuses all
// that a direct read cannot promise to read as git does: a version above 1 (git refuses
// it), a value git refuses, and any extension but those below.
//
//   - worktreeConfig: config.worktree is read, as git reads it.
//   - objectFormat sha1 or sha256, spelt so (git compares with strcmp): only the length
//     of a detached HEAD's id changes.
//   - preciousObjects (a boolean), partialClone (with a value; git 2.39 crashes on one
//     without): about objects, which are not read.
//
// refStorage falls back: git 2.39 refuses it in a version 1 repository as unknown, and
// git 2.45 and newer read it. relativeWorktrees (git 2.48) and anything newer fall back.
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
		case "preciousobjects":
			if _, ok := gitBool(e.value, e.hasValue); !ok {
				return nil, fallback("extensions.preciousObjects is %q", e.value)
			}
		case "partialclone":
			if !e.hasValue {
				return nil, fallback("extensions.partialClone has no value")
			}
		case "objectformat":
			switch {
			case version != 1:
				return nil, fallback("extensions.objectFormat in a version %d repository", version)
			case !e.hasValue:
				return nil, fallback("extensions.objectFormat has no value")
			case e.value == "sha1":
			case e.value == "sha256":
				f.hexLen = 64
			default:
				return nil, fallback("extensions.objectFormat is %q", e.value)
			}
		case "refstorage":
			return nil, fallback("extensions.refStorage is %q (git 2.39 refuses the extension, git 2.45 reads it)", e.value)
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
func (f Files) Config() ([]gitwt.ConfigEntry, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	chain, _, err := f.configChain()
	if err != nil {
		return nil, err
	}
	var out []gitwt.ConfigEntry
	for _, file := range chain {
		for _, e := range file.entries {
			out = append(out, gitwt.ConfigEntry{Key: e.key, Value: e.value})
		}
	}
	return out, nil
}

// MatchConfig returns the entries whose key matches the regular expression, as `git
// config --get-regexp` selects them (keys are already in git's case).
func MatchConfig(entries []gitwt.ConfigEntry, pattern string) ([]gitwt.ConfigEntry, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	var out []gitwt.ConfigEntry
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

// coreWorktree returns the last core.worktree of the repository's own files, the only
// place git's setup takes it from (check_repo_format reads the repository's config
// alone, includes not followed): one in the global or system config, or after `git -c`,
// moves no worktree.
func coreWorktree(chain []configFile) (fileEntry, bool) {
	var own []configFile
	for _, file := range chain {
		if file.repository {
			own = append(own, file)
		}
	}
	return lastEntry(own, "core.worktree")
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
