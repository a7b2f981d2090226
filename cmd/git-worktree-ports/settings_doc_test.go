package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// Patterns of a setting named in the code: a git config key of the tool's own (not
// one of its file names, which follow a "." or a "/": .worktree-ports.json), and one of
// its environment variables.
var (
	settingKey = regexp.MustCompile(`(?:^|[^./A-Za-z0-9-])worktree-ports\.([A-Za-z][A-Za-z0-9]*)`)
	settingEnv = regexp.MustCompile(`\bGIT_WORKTREE_PORTS_[A-Z0-9_]*[A-Z0-9]`)
)

// TestSettingsTableIsComplete checks that every worktree-ports.* key and
// GIT_WORKTREE_PORTS_* variable the code names (in any non-test Go file) is a row of
// the table of settings (config.Settings), so that every one is resolved and
// documented by it; and that the man page, made from the table, shows each row.
func TestSettingsTableIsComplete(t *testing.T) {
	keys, envs := map[string]bool{}, map[string]bool{}
	for _, s := range config.Settings {
		keys[strings.ToLower(s.Key)], envs[s.Env] = true, true
	}
	// The tool's files in the common git directory share the prefix but are no setting.
	for _, name := range []string{reserve.LockFileName, gitfiles.MainRecordName} {
		keys[strings.ToLower(name)] = true
	}
	// The fish completion script's word to __complete is the tool talking to itself, no
	// setting of the user's.
	envs[completionShellEnv] = true
	eachGoSource(t, func(path string, data []byte) {
		for _, m := range settingKey.FindAllSubmatch(data, -1) {
			if key := "worktree-ports." + string(m[1]); !keys[strings.ToLower(key)] {
				t.Errorf("%s names %s, which is no row of config.Settings", path, key)
			}
		}
		for _, m := range settingEnv.FindAll(data, -1) {
			if !envs[string(m)] {
				t.Errorf("%s names %s, which is no row of config.Settings", path, m)
			}
		}
	})
	for _, s := range config.Settings {
		if s.Key != "" && !strings.Contains(config.ManSection, "`"+s.Key+"`") {
			t.Errorf("CONFIGURATION does not show %s", s.Key)
		}
		if s.Env != "" && (s.EnvDoc == "" || !strings.Contains(manEnvironment, "`"+s.Env+"`\n: "+s.EnvDoc)) {
			t.Errorf("ENVIRONMENT does not describe %s", s.Env)
		}
	}
	if config.Settings[0].Doc == "" {
		t.Errorf("%s, the first setting, has no text of its own to share", config.Settings[0].Key)
	}
}
