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
