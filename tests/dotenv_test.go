//go:build unix

package tests

import (
	"fmt"
	"os"
	"os/exec"
)

func init() {
	extraConditions["have:python-dotenv"] = havePythonDotenv
}

// havePythonDotenv is the condition [have:python-dotenv]: python3 is on PATH and can
// import dotenv. As with haveProg, CI fails instead of skipping: .ci/run installs it.
func havePythonDotenv() (bool, error) {
	err := exec.Command("python3", "-c", "import dotenv").Run()
	if err != nil {
		if os.Getenv("CI") != "" {
			return false, fmt.Errorf("python-dotenv is not installed (%v), and CI must run every dotenv test", err)
		}
		return false, nil
	}
	return true, nil
}

func init() {
	extraConditions["have:node-env-file"] = haveNodeEnvFile
}

// haveNodeEnvFile is the condition [have:node-env-file]: node is on PATH and reads
// --env-file (node 20.6 and later). It is one more reader the scripts try where it is
// installed; CI does not install it (Debian's node is older), so it never fails there.
func haveNodeEnvFile() (bool, error) {
	return exec.Command("node", "--env-file=/dev/null", "-e", "").Run() == nil, nil
}
