//go:build !manpages

package main

import "github.com/spf13/cobra"

// addManCommand adds nothing: see man.go for why the generator is a separate build.
func addManCommand(root *cobra.Command, f *Factory) {}
