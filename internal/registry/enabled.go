package registry

import (
	"fmt"
	"strings"
)

// EnvCrossRepo is the environment variable that turns cross-repository
// awareness on or off.
const EnvCrossRepo = "GIT_WORKTREE_PORTS_CROSS_REPO"

// ConfigCrossRepo is the git config key that turns cross-repository
// awareness on or off.
const ConfigCrossRepo = "worktree-ports.crossRepo"

// Enabled reports whether cross-repository awareness is on: whether
// allocation registers the repository, takes the per-user lock, and treats
// the reservations of every registered repository as taken. It is on by
// default.
//
// EnvCrossRepo, when set and non-empty, decides; otherwise gitConfigValue,
// the raw value of ConfigCrossRepo ("" when unset), does. Both accept git's
// booleans, in any case: true/yes/on/1 and false/no/off/0. Any other value
// is an error that names the variable or key.
//
// Someone would turn it off when separate repositories deliberately share
// one range because their servers never meet (each runs in its own
// container, VM or remote host); on CI machines, where checkouts are
// throwaway and a shared index only adds lock waits; or to keep allocations
// in unrelated repositories from queuing on the per-user lock.
func Enabled(getenv func(string) string, gitConfigValue string) (bool, error) {
	if v := getenv(EnvCrossRepo); v != "" {
		on, ok := parseBool(v)
		if !ok {
			return false, fmt.Errorf("%s=%q: want one of 1, true, yes, on, 0, false, no, off", EnvCrossRepo, v)
		}
		return on, nil
	}
	if gitConfigValue == "" {
		return true, nil
	}
	on, ok := parseBool(gitConfigValue)
	if !ok {
		return false, fmt.Errorf("git config %s = %q: want a boolean (true or false)", ConfigCrossRepo, gitConfigValue)
	}
	return on, nil
}

// parseBool parses a boolean the way git does for config values.
func parseBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true, true
	case "0", "false", "no", "off":
		return false, true
	}
	return false, false
}
