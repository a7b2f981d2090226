//go:build !unix

package main

import (
	"errors"
	"os/exec"
)

// replaceProcess runs path as a child, since this system has no exec(2), and passes its
// exit status through as the tool's own.
func replaceProcess(path string, argv, env []string, f *Factory) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f.In, f.Out, f.ErrOut
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &silentError{code: ee.ExitCode()}
	}
	if err != nil {
		return err
	}
	return &silentError{code: exitOK}
}
