package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildVersion is the version --version and the man pages report: main.version when the
// build set it (make does, from git describe), otherwise the module version that `go
// install module@version` records in the binary.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	return resolveVersion(version, info, ok)
}

// resolveVersion picks the version from ldflags, then from the build info, and says "dev"
// when neither knows: a build from a checkout without version control stamping records
// "(devel)", which says nothing a user could act on.
func resolveVersion(ldflags string, info *debug.BuildInfo, ok bool) string {
	if ldflags != "" && ldflags != "dev" {
		return ldflags
	}
	if ok && info != nil && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// NewCmdVersion builds `version`, which prints what --version prints: git's own
// `git version` is a verb, and users type `git worktree-ports version` the same way.
func NewCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of git-worktree-ports (as --version does)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.Out, "%s version %s\n", c.Root().Name(), c.Root().Version)
			return err
		},
	}
}
