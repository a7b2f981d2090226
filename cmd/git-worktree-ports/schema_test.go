package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
)

// repoRoot is the top of this project's repository, seen from this package's directory.
const repoRoot = "../.."

// loadSchema compiles the shipped JSON Schema under its own URL, so nothing is fetched.
func loadSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, config.SchemaPath))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", config.SchemaPath, err)
	}
	if id, _ := doc.(map[string]any)["$id"].(string); id != config.SchemaURL {
		t.Fatalf("%s: $id is %q; init writes %q", config.SchemaPath, id, config.SchemaURL)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(config.SchemaURL, doc); err != nil {
		t.Fatal(err)
	}
	// Compile also checks the schema against its draft's metaschema.
	sch, err := c.Compile(config.SchemaURL)
	if err != nil {
		t.Fatalf("%s: %v", config.SchemaPath, err)
	}
	return sch
}

// validate checks a config file's text (JSONC) against the schema.
func validate(sch *jsonschema.Schema, text string) error {
	plain, err := config.ToJSON([]byte(text))
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(plain))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

// bothAccept fails unless the schema and the loader both accept text.
func bothAccept(t *testing.T, sch *jsonschema.Schema, where, text string) {
	t.Helper()
	if err := validate(sch, text); err != nil {
		t.Errorf("%s: the schema refuses it: %v\n%s", where, err, text)
	}
	if _, err := config.Parse(config.FileName, []byte(text), nil); err != nil {
		t.Errorf("%s: the loader refuses it: %v\n%s", where, err, text)
	}
}

// TestSchemaStarterConfig checks that what init writes passes the schema (and the loader,
// which init already asks before writing).
func TestSchemaStarterConfig(t *testing.T) {
	sch := loadSchema(t)
	for _, flags := range [][]string{
		nil,
		{"api", "web"},
		{"api", "db=5", "cache", "big=12"},
		{"web-ui", "db.primary", "Admin_2"},
	} {
		svcs, err := config.StarterServices(flags)
		if err != nil {
			t.Fatal(err)
		}
		text := config.Starter(svcs)
		if !strings.Contains(text, `"$schema": "`+config.SchemaURL+`"`) {
			t.Errorf("init --service %q: no $schema line pointing at %s", flags, config.SchemaURL)
		}
		bothAccept(t, sch, "init --service "+strings.Join(flags, " --service "), text)
	}
}

// jsoncBlock is a fenced ```jsonc block in markdown. By convention the docs mark every
// example of the config file, and nothing else, as jsonc.
var jsoncBlock = regexp.MustCompile("(?ms)^```jsonc\n(.*?)^```")

// TestSchemaDocumentedExamples checks every config example in the README, docs/ and the
// man page against the schema and the loader, so no documented example is one the tool
// or an editor would refuse.
func TestSchemaDocumentedExamples(t *testing.T) {
	sch := loadSchema(t)
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, path := range append([]string{filepath.Join(repoRoot, "README.md")}, docs...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := filepath.Rel(repoRoot, path)
		for i, m := range jsoncBlock.FindAllSubmatch(data, -1) {
			counts[name]++
			bothAccept(t, sch, name+" jsonc block "+strconv.Itoa(i+1), string(m[1]))
		}
	}
	for _, name := range []string{"README.md", "docs/JSON.md"} {
		if counts[name] == 0 {
			t.Errorf("%s: no ```jsonc config example found; the test would check nothing there", name)
		}
	}
	bothAccept(t, sch, "git-worktree-ports(1) CONFIGURATION", config.ManExample)
	if !strings.Contains(config.ManSection, config.ManExample) {
		t.Error("the man page's CONFIGURATION section does not show config.ManExample")
	}
}

// TestSchemaAgreesWithLoader holds the schema and the loader to the same answer on the
// mistakes the schema can express, so neither drifts silently. What only the loader can
// check (an offset below width, a range at least one bundle wide, a placeholder naming a
// service, refused env names, duplicate keys, 1.0 for 1) is left out.
func TestSchemaAgreesWithLoader(t *testing.T) {
	sch := loadSchema(t)
	refused := []struct{ name, text string }{
		{"unknown key", `{"colour": true}`},
		{"allowEnv in the file", `{"allowEnv": "PATH"}`},
		{"$schema not a string", `{"$schema": 7}`},
		{"range not a range", `{"range": "20000..29999"}`},
		{"range backwards syntax", `{"range": "-29999"}`},
		{"range below 1024", `{"range": "80-9000"}`},
		{"range above 65535", `{"range": "20000-70000"}`},
		{"range a number", `{"range": 20000}`},
		{"width zero", `{"width": 0}`},
		{"width too wide", `{"width": 1001}`},
		{"width a string", `{"width": "10"}`},
		{"offset a string", `{"services": {"api": "0"}}`},
		{"offset a string in an object", `{"services": {"api": {"offset": "1"}}}`},
		{"offset negative", `{"services": {"api": -1}}`},
		{"offset missing", `{"services": {"api": {"env": "API"}}}`},
		{"unknown service key", `{"services": {"api": {"offset": 0, "port": 1}}}`},
		{"service a boolean", `{"services": {"api": true}}`},
		{"service name with a space", `{"services": {"bad name": 0}}`},
		{"service named like a placeholder", `{"services": {"repo": 0}}`},
		{"service named like a slug placeholder", `{"services": {"branch-slug": 0}}`},
		{"env name not a name", `{"services": {"api": {"offset": 0, "env": "1API"}}}`},
		{"env name the tool's own", `{"services": {"api": {"offset": 0, "env": "WORKTREE_PORTS_ROOT"}}}`},
		{"health not a path", `{"services": {"api": {"offset": 0, "health": "healthz"}}}`},
		{"avoid not an array", `{"avoid": 8080}`},
		{"avoid port zero", `{"avoid": [0]}`},
		{"avoid port too high", `{"avoid": [70000]}`},
		{"avoid not a range", `{"avoid": ["9-x"]}`},
		{"avoid a boolean", `{"avoid": [true]}`},
		{"var not a string", `{"vars": {"A": 1}}`},
		{"var name not a name", `{"vars": {"$(touch pwned)": "x"}}`},
		{"var lone brace", `{"vars": {"A": "a}b"}}`},
		{"var unclosed placeholder", `{"vars": {"A": "http://localhost:{app"}}`},
		{"main a string", `{"services": {"web": {"offset": 0, "main": "3000"}}}`},
		{"main below 1024", `{"services": {"web": {"offset": 0, "main": 80}}}`},
		{"main above 65535", `{"services": {"web": {"offset": 0, "main": 65536}}}`},
		{"dotenv a string", `{"dotenv": ".env"}`},
		{"dotenv item a number", `{"dotenv": [1]}`},
		{"dotenv item empty", `{"dotenv": [""]}`},
		{"dotenv item a directory", `{"dotenv": ["server/"]}`},
		{"dotenv item twice", `{"dotenv": [".env", ".env"]}`},
		{"dotenv the reservation file", `{"dotenv": [".worktree-ports.json"]}`},
		{"dotenv the config file", `{"dotenv": [".worktree-ports.config.json"]}`},
		{"not an object", `[]`},
	}
	for _, tt := range refused {
		if err := validate(sch, tt.text); err == nil {
			t.Errorf("%s: the schema accepts %s, which the loader refuses", tt.name, tt.text)
		}
		if _, err := config.Parse(config.FileName, []byte(tt.text), nil); err == nil {
			t.Errorf("%s: the loader accepts %s; drop it here or refuse it there", tt.name, tt.text)
		}
	}
	accepted := []struct{ name, text string }{
		{"empty", `{}`},
		{"any $schema", `{"$schema": "./my-copy.json"}`},
		{"one-port bundles", `{"range": "30000-30999", "width": 1}`},
		{"spaces in a range", `{"range": " 20000 - 29999 "}`},
		{"edges of the range", `{"range": "1024-65535", "width": 1000}`},
		{"services in every form", `{"services": {"api": 0, "web.ui": {"offset": 1}, "db-2": {"offset": 9, "env": "DB", "health": "/"}}}`},
		{"avoid ports and ranges", `{"avoid": [1, 65535, "8080", "9000-9010"]}`},
		{"slug placeholders", `{"vars": {"DB": "{repo-slug}_{branch-slug}", "APP_HOST": "{worktree-slug}.localhost", "B": "{branch}"}}`},
		{"literal braces", `{"vars": {"JSON": "{{\"port\": {app}}}", "_X": "{repo}-{worktree}-{slot}-{base}-{root}"}}`},
		{"main ports", `{"services": {"web": {"offset": 0, "main": 3000}, "api": {"offset": 1, "main": 8000}}}`},
		{"main ports at the edges", `{"services": {"a": {"offset": 0, "main": 1024}, "b": {"offset": 1, "main": 65535}}}`},
		{"dotenv files", `{"dotenv": [".env", "server/.env.local", "../x.env"]}`},
		{"no dotenv files", `{"dotenv": []}`},
		{"comments and trailing commas", "{\n  // a comment\n  \"width\": 10, /* another */\n}"},
	}
	for _, tt := range accepted {
		bothAccept(t, sch, tt.name, tt.text)
	}
}

// TestSchemaKnowsEveryPlaceholder checks that the schema keeps services from taking the
// names of exactly the built-in placeholders, as the loader lists them when it refuses
// an unknown one.
func TestSchemaKnowsEveryPlaceholder(t *testing.T) {
	_, err := config.Parse(config.FileName, []byte(`{"services": {}, "vars": {"A": "{no-such-placeholder}"}}`), nil)
	if err == nil {
		t.Fatal("the loader accepts an unknown placeholder")
	}
	_, known, ok := strings.Cut(err.Error(), "(known: ")
	if !ok {
		t.Fatalf("the loader's error lists no known placeholders: %v", err)
	}
	var builtins []string
	for _, p := range strings.Split(strings.TrimSuffix(known, ")"), ", ") {
		builtins = append(builtins, strings.Trim(p, "{}"))
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, config.SchemaPath))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties struct {
			Services struct {
				PropertyNames struct {
					Not struct {
						Enum []string `json:"enum"`
					} `json:"not"`
				} `json:"propertyNames"`
			} `json:"services"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	refused := schema.Properties.Services.PropertyNames.Not.Enum
	slices.Sort(builtins)
	slices.Sort(refused)
	if !slices.Equal(builtins, refused) {
		t.Errorf("the loader's built-in placeholders are %v; the schema refuses these service names: %v", builtins, refused)
	}
}

// TestEveryKeyDocumented checks that each key the loader reads (config.Keys, and a
// service's config.ServiceKeys) is a property in the JSON Schema and is described in
// the man page's CONFIGURATION, so a new key cannot go undocumented in either.
func TestEveryKeyDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, config.SchemaPath))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]struct {
			AdditionalProperties struct {
				OneOf []struct {
					Properties map[string]any `json:"properties"`
				} `json:"oneOf"`
			} `json:"additionalProperties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	for _, k := range config.Keys {
		if _, ok := schema.Properties[k]; !ok {
			t.Errorf("the schema has no property %q, which the loader reads", k)
		}
		if !strings.Contains(config.ManSection, "`"+k+"`\n: ") {
			t.Errorf("CONFIGURATION in the man page has no entry for %q", k)
		}
	}
	for k := range schema.Properties {
		if !slices.Contains(config.Keys, k) {
			t.Errorf("the schema has a property %q, which the loader does not read", k)
		}
	}
	var svc map[string]any
	for _, o := range schema.Properties["services"].AdditionalProperties.OneOf {
		if o.Properties != nil {
			svc = o.Properties
		}
	}
	if svc == nil {
		t.Fatal("the schema's services have no object form")
	}
	for _, k := range config.ServiceKeys {
		if _, ok := svc[k]; !ok {
			t.Errorf("the schema's service object has no property %q, which the loader reads", k)
		}
		if !strings.Contains(config.ManSection, "`"+k+"`") {
			t.Errorf("CONFIGURATION in the man page does not name the service key %q", k)
		}
	}
	for k := range svc {
		if !slices.Contains(config.ServiceKeys, k) {
			t.Errorf("the schema's service object has a property %q, which the loader does not read", k)
		}
	}
}
