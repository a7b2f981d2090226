package gitwt

import (
	"os"
)

// locationVars are the variables with which git is told where a repository is, overriding
// discovery from the working directory.
var locationVars = []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"}

// WithoutLocation returns env (nil: the process's environment) without the variables that
// tell git where a repository is. git exports GIT_DIR to hooks; run in another repository,
// or inherited by a hook's children, it would point every git command at the wrong place.
func WithoutLocation(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env))
next:
	for _, kv := range env {
		for _, name := range locationVars {
			if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
