package dotenvfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	composedotenv "github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/docker/cli/pkg/kvfile"

	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
)

// TestDockerReadsTheBlock: docker compose reads .env with compose-go's parser, and
// `docker run --env-file` with the docker CLI's kvfile. Both read a user's .env with the
// block appended as the user's values plus the block's, the block winning over an earlier
// line with the same name, its marker lines being comments.
func TestDockerReadsTheBlock(t *testing.T) {
	vars := []render.Var{
		{Name: "API_PORT", Value: "21340"},
		{Name: "COMPOSE_PROJECT_NAME", Value: "shop-shop-feature-x"},
		{Name: "API_URL", Value: "http://localhost:21340/v1"},
	}
	var body bytes.Buffer
	if err := render.Render(&body, "dotenv", vars); err != nil {
		t.Fatal(err)
	}
	user := "# the user's\nPOSTGRES_PASSWORD=secret\nAPI_PORT=8080"
	data, err := Splice([]byte(user), true, body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"POSTGRES_PASSWORD":    "secret",
		"API_PORT":             "21340",
		"COMPOSE_PROJECT_NAME": "shop-shop-feature-x",
		"API_URL":              "http://localhost:21340/v1",
	}

	got, err := composedotenv.ParseWithLookup(bytes.NewReader(data), func(string) (string, bool) { return "EXPANDED", true })
	if err != nil {
		t.Fatalf("compose-go: %v\n%s", err, data)
	}
	check(t, "docker compose", got, want)

	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	lines, err := kvfile.Parse(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]string{}
	for _, l := range lines {
		k, v, _ := bytes.Cut([]byte(l), []byte("="))
		got[string(k)] = string(v)
	}
	check(t, "docker run --env-file", got, want)
}

func check(t *testing.T, reader string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s read %d variables, want %d: %q", reader, len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %q, want %q", reader, k, got[k], v)
		}
	}
}
