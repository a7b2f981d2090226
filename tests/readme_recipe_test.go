package tests

import (
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestReadmeDirenvRecipe keeps the README's direnv recipe and the .envrc the direnv
// scenarios run the same, so those scenarios (a release not undone at the next prompt,
// new ports after allocate --base) prove what the README tells users to write.
func TestReadmeDirenvRecipe(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "**direnv** (`.envrc`")
	if !ok {
		t.Fatal("README.md: no direnv recipe")
	}
	_, block, ok := strings.Cut(after, "```sh\n")
	if !ok {
		t.Fatal("README.md: the direnv recipe has no ```sh block")
	}
	recipe, _, _ := strings.Cut(block, "```")
	for _, name := range []string{"testdata/env_direnv_release.txtar", "testdata/env_direnv_watch.txtar"} {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range ar.Files {
			if f.Name == "envrc" {
				found = true
				if string(f.Data) != recipe {
					t.Errorf("%s: envrc is\n%s\nbut README.md's direnv recipe is\n%s", name, f.Data, recipe)
				}
			}
		}
		if !found {
			t.Errorf("%s: no envrc", name)
		}
	}
}
