package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// exitConstants reads the exit codes exit.go defines (the constants named exit...), so a
// new one cannot go undocumented.
func exitConstants(t *testing.T) map[string]int {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "exit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]int{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "exit") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.INT {
					t.Fatalf("exit.go: %s is not an integer literal; this test reads them as such", name.Name)
				}
				n, _ := strconv.Atoi(lit.Value)
				consts[name.Name] = n
			}
		}
	}
	return consts
}

func documentedCodes() []int {
	var codes []int
	for _, s := range exitStatuses {
		codes = append(codes, s.code)
	}
	return codes
}

// TestExitStatusesDocumentEveryCode checks that the table --help and the man page print
// from lists every exit code exit.go defines, once each, and nothing else.
func TestExitStatusesDocumentEveryCode(t *testing.T) {
	var defined []int
	for name, code := range exitConstants(t) {
		if !slices.Contains(documentedCodes(), code) {
			t.Errorf("exit code %d (%s in exit.go) is missing from exitStatuses in manual.go", code, name)
		}
		defined = append(defined, code)
	}
	seen := map[int]bool{}
	for _, s := range exitStatuses {
		if seen[s.code] {
			t.Errorf("exit code %d is listed twice in exitStatuses", s.code)
		}
		seen[s.code] = true
		if !slices.Contains(defined, s.code) {
			t.Errorf("exitStatuses documents exit code %d, which exit.go does not define", s.code)
		}
		if s.summary == "" || s.meaning == "" {
			t.Errorf("exit code %d has no summary or meaning", s.code)
		}
	}
	if !slices.IsSorted(documentedCodes()) {
		t.Errorf("exitStatuses is not in order: %v", documentedCodes())
	}
}

// TestExitCodesHelp pins the paragraph --help prints, which reads as it did when it was
// written by hand.
func TestExitCodesHelp(t *testing.T) {
	want := `Exit codes: 0 ok, 1 error, 2 usage (or not inside a worktree), 3 range exhausted, 4 lock
timeout, 5 no reservation (--no-allocate), 6 doctor found problems, 7 stop: a process it
signalled survived, or a port stayed in use; exec passes its command's status through, or
exits 126 (cannot execute) or 127 (not found) as a shell would.`
	if got := exitCodesHelp(); got != want {
		t.Errorf("exitCodesHelp() =\n%s\nwant\n%s", got, want)
	}
}

// readmeExitRow is a row of the README's exit code table whose first cell is a number.
var readmeExitRow = regexp.MustCompile(`(?m)^\| (\d+) \|`)

// TestReadmeExitCodes checks that the README's exit code table, which says more than the
// man page, lists the same codes.
func TestReadmeExitCodes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(data), "### Exit codes\n")
	if !ok {
		t.Fatal(`README.md has no "### Exit codes" section`)
	}
	table, _, _ = strings.Cut(table, "\n\n## ")
	var codes []int
	for _, m := range readmeExitRow.FindAllStringSubmatch(table, -1) {
		n, _ := strconv.Atoi(m[1])
		codes = append(codes, n)
	}
	if !slices.Equal(codes, documentedCodes()) {
		t.Errorf("README.md's exit code table lists %v; exitStatuses (the man page, --help) lists %v", codes, documentedCodes())
	}
}

// Patterns of the places where the tool reads an environment variable: a call that reads
// one by a literal name, and a constant that names one (registry.EnvCrossRepo,
// config.EnvRoot).
var (
	getenvCall = regexp.MustCompile(`(?:[Gg]etenv|LookupEnv)\("([A-Za-z_][A-Za-z0-9_]*)"\)`)
	envConst   = regexp.MustCompile(`\bEnv[A-Za-z]*\s*=\s*"([A-Za-z_][A-Za-z0-9_]*)"`)
	hookUnset  = regexp.MustCompile(`(?m)^\s*unset ([A-Z_ ]+)$`)
)

// eachGoSource calls f with the path and content of every non-test Go file of the
// module, outside the scenarios.
func eachGoSource(t *testing.T, f func(path string, data []byte)) {
	t.Helper()
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "tests") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f(path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestManEnvironmentIsComplete checks that ENVIRONMENT in git-worktree-ports(1) names
// every variable the code reads (found by the patterns above in every non-test Go file)
// and every one the hook unsets.
func TestManEnvironmentIsComplete(t *testing.T) {
	found := map[string]string{} // name -> where
	eachGoSource(t, func(path string, data []byte) {
		for _, re := range []*regexp.Regexp{getenvCall, envConst} {
			for _, m := range re.FindAllSubmatch(data, -1) {
				found[string(m[1])] = path
			}
		}
	})
	hook, err := os.ReadFile(filepath.Join(repoRoot, "hooks", "post-checkout.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range hookUnset.FindAllSubmatch(hook, -1) {
		for _, name := range strings.Fields(string(m[1])) {
			found[name] = "hooks/post-checkout.sh"
		}
	}
	// The ones any version of the tool reads; if the patterns stop finding them, the
	// patterns are wrong, not the docs.
	for _, name := range []string{"GIT_WORKTREE_PORTS_LOCK_TIMEOUT", "GIT_WORKTREE_PORTS_CROSS_REPO", "XDG_STATE_HOME", "GIT_DIR"} {
		if _, ok := found[name]; !ok {
			t.Errorf("the patterns no longer find %s in the code", name)
		}
	}
	for name, where := range found {
		if !strings.Contains(manEnvironment, "`"+name+"`") {
			t.Errorf("%s reads %s, but ENVIRONMENT in manual.go does not describe it", where, name)
		}
	}
}

// TestManFilesNamesTheRealFiles checks FILES against the names the code uses.
func TestManFilesNamesTheRealFiles(t *testing.T) {
	for _, name := range []string{
		reserve.FileName, reserve.TempPattern, config.FileName, reserve.LockFileName, gitfiles.MainRecordName,
		registry.DirName + "/", registry.LockFileName, "post-checkout",
	} {
		if !strings.Contains(manFiles, "`"+name+"`") && !strings.Contains(manFiles, "/"+name+"`") &&
			!strings.Contains(manFiles, "`"+name+" ") {
			t.Errorf("FILES in manual.go does not name %s", name)
		}
	}
}
