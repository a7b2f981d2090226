package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJSONDocEnvVersion: env --json is the environment itself, a flat object of
// variables without "version" (tests/testdata/env_json_version.txtar), and docs/JSON.md,
// which says every other --json output has one, names it as the exception.
func TestJSONDocEnvVersion(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "JSON.md"))
	if err != nil {
		t.Fatal(err)
	}
	intro, _, _ := strings.Cut(string(doc), "\n## ")
	if !strings.Contains(strings.Join(strings.Fields(intro), " "), "except `env --json`") {
		t.Errorf("docs/JSON.md's opening does not name env --json as the output without a version:\n%s", intro)
	}
}
