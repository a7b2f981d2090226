package config

import (
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
)

const file = ".worktree-ports.config.json"

func TestDefault(t *testing.T) {
	c := Default()
	want := bundle.Spec{
		Range:    bundle.Range{Lo: 20000, Hi: 29999},
		Width:    10,
		Services: []bundle.Service{{Name: "app", Offset: 0, Env: "PORT"}},
	}
	if !reflect.DeepEqual(c.Spec, want) || c.Vars != nil || c.Source != "" {
		t.Errorf("Default() = %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

func TestDefaultEnvName(t *testing.T) {
	for in, want := range map[string]string{
		"api": "API_PORT", "web-ui": "WEB_UI_PORT", "db.primary": "DB_PRIMARY_PORT",
		"Admin_2": "ADMIN_2_PORT", "9x": "9X_PORT",
	} {
		if got := DefaultEnvName(in); got != want {
			t.Errorf("DefaultEnvName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Config
	}{
		{
			name: "empty object is the default",
			in:   `{}`,
			want: Config{Spec: Default().Spec},
		},
		{
			name: "full",
			in: `{
				// the range
				"range": "30000-30999",
				"width": 5, /* five */
				"services": {
					"web": 1,
					"api": {"offset": 0, "env": "API", "health": "/healthz"},
					"web-ui": {"offset": 4,},
				},
				"avoid": [30005, "30100-30199",],
				"vars": {
					"API_URL": "http://localhost:{api}",
					"NAME": "{repo}-{worktree}",
				},
			}`,
			want: Config{
				Spec: bundle.Spec{
					Range: bundle.Range{Lo: 30000, Hi: 30999},
					Width: 5,
					Services: []bundle.Service{
						{Name: "web", Offset: 1, Env: "WEB_PORT"},
						{Name: "api", Offset: 0, Env: "API", Health: "/healthz"},
						{Name: "web-ui", Offset: 4, Env: "WEB_UI_PORT"},
					},
					Avoid: []bundle.Range{{Lo: 30005, Hi: 30005}, {Lo: 30100, Hi: 30199}},
				},
				Vars: []Var{
					{"API_URL", "http://localhost:{api}"},
					{"NAME", "{repo}-{worktree}"},
				},
			},
		},
		{
			name: "no services key gets app/PORT",
			in:   `{"width": 3, "vars": {"URL": "http://localhost:{app}"}}`,
			want: Config{
				Spec: bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 29999}, Width: 3,
					Services: []bundle.Service{{Name: "app", Offset: 0, Env: "PORT"}}},
				Vars: []Var{{"URL", "http://localhost:{app}"}},
			},
		},
		{
			name: "empty services is allowed",
			in:   `{"services": {}, "vars": {"B": "{base}"}}`,
			want: Config{
				Spec: bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 29999}, Width: 10},
				Vars: []Var{{"B", "{base}"}},
			},
		},
		{
			name: "width 1 single port",
			in:   `{"range": "8080", "width": 1, "services": {"x": 0}}`,
			want: Config{Spec: bundle.Spec{Range: bundle.Range{Lo: 8080, Hi: 8080}, Width: 1,
				Services: []bundle.Service{{Name: "x", Offset: 0, Env: "X_PORT"}}}},
		},
		{
			name: "escaped key",
			in:   `{"services": {"\u0061pi": 0}}`,
			want: Config{Spec: bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 29999}, Width: 10,
				Services: []bundle.Service{{Name: "api", Offset: 0, Env: "API_PORT"}}}},
		},
		{
			name: "$schema is for editors, and ignored",
			in:   `{"$schema": "` + SchemaURL + `", "width": 10}`,
			want: Config{Spec: Default().Spec},
		},
		{
			name: "BOM and CRLF",
			in:   "\uFEFF{\r\n\"width\": 10, // w\r\n}\r\n",
			want: Config{Spec: Default().Spec},
		},
		{
			name: "main ports and dotenv files",
			in: `{"services": {"web": {"offset": 0, "main": 3000}, "api": {"offset": 1, "main": 8000}},
				"dotenv": [".env", "server/.env.local"]}`,
			want: Config{
				Spec: bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 29999}, Width: 10,
					Services: []bundle.Service{
						{Name: "web", Offset: 0, Env: "WEB_PORT", Main: 3000},
						{Name: "api", Offset: 1, Env: "API_PORT", Main: 8000},
					}},
				Dotenv: []string{".env", "server/.env.local"},
			},
		},
		{
			name: "an empty dotenv list",
			in:   `{"dotenv": []}`,
			want: Config{Spec: Default().Spec, Dotenv: []string{}},
		},
		{
			name: "template values are data",
			in:   `{"vars": {"CMD": "$(rm -rf /) ` + "`x`" + ` 'q' \"d\" {{app}}"}}`,
			want: Config{Spec: Default().Spec, Vars: []Var{{"CMD", "$(rm -rf /) `x` 'q' \"d\" {{app}}"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(file, []byte(tt.in), nil)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.want.Source = file
			// The digest names the file's bytes (TestBeyond); what it asks is compared here.
			if got.Digest != DigestOf([]byte(tt.in)) {
				t.Errorf("Digest = %s, want the SHA-256 of the file", got.Digest)
			}
			got.Digest, got.defaultServices, tt.want.defaultServices = "", false, false
			// FileRange is the file's range when it gives one (TestRangeNote).
			if got.FileRange != (bundle.Range{}) && got.FileRange != got.Spec.Range {
				t.Errorf("FileRange = %v, want the file's range %v", got.FileRange, got.Spec.Range)
			}
			got.FileRange = bundle.Range{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		key  string // Error.Key
		msg  string // substring of Error.Msg
	}{
		// Syntax.
		{"empty file", ``, "", "empty"},
		{"only comments", "// nothing\n/* here */", "", "empty"},
		{"syntax error position", "{\n  \"width\": 10\n  \"range\": \"1-2\"\n}", "", "line 3, column 3"},
		{"unterminated comment", "{\n /* oops\n}", "", "line 2, column 2: unterminated /* comment"},
		{"not an object", `[1]`, "", "must be a JSON object, not an array"},
		{"string top", `"x"`, "", "must be a JSON object, not a string"},
		{"double comma", `{"width": 10,,}`, "", "invalid character"},
		{"lone comma", `{,}`, "", "invalid character"},
		{"trailing garbage", `{} {}`, "", "invalid character"},

		// Unknown and duplicate keys, at every level.
		{"unknown top key", `{"ports": {}}`, "ports", "unknown key"},
		{"unknown service key", `{"services": {"api": {"offset": 0, "port": 1}}}`, "services.api.port", "unknown key"},
		{"duplicate top key", `{"width": 10, "width": 5}`, "width", "duplicate key"},
		{"duplicate service", `{"services": {"api": 0, "api": 1}}`, "services.api", "duplicate key"},
		{"duplicate service field", `{"services": {"api": {"offset": 0, "offset": 1}}}`, "services.api.offset", "duplicate key"},
		{"duplicate var", `{"vars": {"A": "x", "A": "y"}}`, "vars.A", "duplicate key"},
		{"duplicate via escape", `{"width": 10, "w\u0069dth": 5}`, "width", "duplicate key"},

		// Wrong JSON types.
		{"range number", `{"range": 20000}`, "range", "must be a string"},
		{"width string", `{"width": "10"}`, "width", "must be an integer, not a string"},
		{"width float", `{"width": 10.5}`, "width", "not an integer"},
		{"width exponent", `{"width": 1e1}`, "width", "not an integer"},
		{"width huge", `{"width": 99999999999999999999}`, "width", "not an integer"},
		{"width null", `{"width": null}`, "width", "not null"},
		{"services array", `{"services": ["api"]}`, "services", "must be an object, not an array"},
		{"service string", `{"services": {"api": "0"}}`, "services.api", "must be an offset or an object"},
		{"service bool", `{"services": {"api": true}}`, "services.api", "not a boolean"},
		{"offset string", `{"services": {"api": {"offset": "0"}}}`, "services.api.offset", "must be an integer"},
		{"offset missing", `{"services": {"api": {"env": "A"}}}`, "services.api.offset", "missing"},
		{"env number", `{"services": {"api": {"offset": 0, "env": 1}}}`, "services.api.env", "must be a string"},
		{"health number", `{"services": {"api": {"offset": 0, "health": 1}}}`, "services.api.health", "must be a string"},
		{"avoid object", `{"avoid": {}}`, "avoid", "must be an array"},
		{"avoid item bool", `{"avoid": [1234, true]}`, "avoid[1]", "must be a port or"},
		{"avoid item bad range", `{"avoid": ["9-x"]}`, "avoid[0]", "not a port number"},
		{"avoid item out of range", `{"avoid": [70000]}`, "avoid[0]", "outside 1-65535"},
		{"avoid item zero", `{"avoid": [0]}`, "avoid[0]", "outside 1-65535"},
		{"vars array", `{"vars": []}`, "vars", "must be an object"},
		{"var number", `{"vars": {"A": 1}}`, "vars.A", "must be a template string"},
		{"$schema number", `{"$schema": 7}`, "$schema", "must be the URL of the JSON Schema, a string, not a number"},
		{"$schema object", `{"$schema": {}}`, "$schema", "not an object"},

		// Offsets.
		{"offset negative", `{"services": {"api": -1}}`, "services.api.offset", "offset -1 is not below width 10"},
		{"offset at width", `{"services": {"api": 10}}`, "services.api.offset", "offset 10 is not below width 10"},
		{"offset vs later width", `{"services": {"api": {"offset": 12}}, "width": 10}`, "services.api.offset", "offset 12 is not below width 10"},
		{"same offset", `{"services": {"api": 0, "web": 1, "db": 0}}`, "services.db.offset", "already used by service api"},

		// Range and width.
		{"range below 1024", `{"range": "80-1080"}`, "range", "outside 1024-65535"},
		{"range above 65535", `{"range": "60000-70000"}`, "range", "outside 1-65535"},
		{"range backwards", `{"range": "30000-20000"}`, "range", "30000 is above 20000"},
		{"range garbage", `{"range": "lots"}`, "range", "not a port number"},
		{"range narrower than width", `{"range": "20000-20004"}`, "range", "narrower than width 10"},
		{"width zero", `{"width": 0}`, "width", "outside 1-1000"},
		{"width too big", `{"width": 1001, "range": "20000-29999"}`, "width", "outside 1-1000"},

		// Names.
		{"service name bad", `{"services": {"my api": 0}}`, "services.my api", "is not [A-Za-z0-9]"},
		{"service name leading dash", `{"services": {"-api": 0}}`, "services.-api", "is not [A-Za-z0-9]"},
		{"service name empty", `{"services": {"": 0}}`, "services.", "is not [A-Za-z0-9]"},
		{"service name builtin", `{"services": {"repo": 0}}`, "services.repo", "{repo} placeholder"},
		{"env name bad", `{"services": {"api": {"offset": 0, "env": "API-PORT"}}}`, "services.api.env", "is not [A-Za-z_]"},
		{"env name digit", `{"services": {"api": {"offset": 0, "env": "1API"}}}`, "services.api.env", "is not [A-Za-z_]"},
		{"default env name collides", `{"services": {"web-ui": 0, "web.ui": 1}}`, "services.web.ui.env", "WEB_UI_PORT is already used by service web-ui"},
		{"env names collide", `{"services": {"a": {"offset": 0, "env": "X"}, "b": {"offset": 1, "env": "X"}}}`, "services.b.env", "already used by service a"},
		{"env name runs code", `{"services": {"api": {"offset": 0, "env": "LD_PRELOAD"}}}`, "services.api.env", "env name LD_PRELOAD is read by the dynamic loader (ld.so(8)"},
		{"var name runs code", `{"vars": {"PROMPT_COMMAND": "x"}}`, "vars.PROMPT_COMMAND", "special to bash"},
		{"var name runs code at the next prompt", `{"vars": {"MAILCHECK": "0", "MAILPATH": "{root}/log?$(touch {root}/PWNED)"}}`, "vars.MAILCHECK", "git config --global --add worktree-ports.allowEnv MAILCHECK"},
		{"var name empties history", `{"vars": {"HISTFILESIZE": "0"}}`, "vars.HISTFILESIZE", "special to bash"},
		{"var name runs code in zsh", `{"vars": {"PROMPT_EOL_MARK": "$(touch pwned)"}}`, "vars.PROMPT_EOL_MARK", "special to zsh"},
		{"a file cannot allow", `{"allowEnv": ["MAILPATH"], "vars": {"MAILPATH": "x"}}`, "allowEnv", "a committed file cannot allow env names"},
		{"service env reserved", `{"services": {"a": {"offset": 0, "env": "WORKTREE_PORTS_SLOT"}}}`, "services.a.env", "reserved"},
		{"var name bad", `{"vars": {"API-URL": "x"}}`, "vars.API-URL", "is not [A-Za-z_]"},
		{"var like service env", `{"services": {"api": 0}, "vars": {"API_PORT": "x"}}`, "vars.API_PORT", "already used by service api"},
		{"var like default PORT", `{"vars": {"PORT": "x"}}`, "vars.PORT", "already used by service app"},
		{"var root reserved", `{"vars": {"WORKTREE_PORTS_ROOT": "x"}}`, "vars.WORKTREE_PORTS_ROOT", "reserved"},
		{"var slot reserved", `{"vars": {"WORKTREE_PORTS_SLOT": "x"}}`, "vars.WORKTREE_PORTS_SLOT", "reserved"},

		// Main ports.
		{"main on some services only", `{"services": {"web": {"offset": 0, "main": 3000}, "api": 1}}`, "services.api.main", "missing: either every service names its port in the main worktree or none does (services.web.main is 3000)"},
		{"main on a later service only", `{"services": {"web": 0, "api": {"offset": 1, "main": 8000}}}`, "services.web.main", "services.api.main is 8000"},
		{"main below 1024", `{"services": {"web": {"offset": 0, "main": 80}}}`, "services.web.main", "port 80 is outside 1024-65535"},
		{"main zero", `{"services": {"web": {"offset": 0, "main": 0}}}`, "services.web.main", "port 0 is outside 1024-65535"},
		{"main above 65535", `{"services": {"web": {"offset": 0, "main": 70000}}}`, "services.web.main", "outside 1024-65535"},
		{"main a string", `{"services": {"web": {"offset": 0, "main": "3000"}}}`, "services.web.main", "must be an integer"},
		{"main twice", `{"services": {"web": {"offset": 0, "main": 3000}, "api": {"offset": 1, "main": 3000}}}`, "services.api.main", "port 3000 is already the main port of service web"},

		// Dotenv files.
		{"dotenv a string", `{"dotenv": ".env"}`, "dotenv", "must be an array of file paths"},
		{"dotenv item a number", `{"dotenv": [".env", 1]}`, "dotenv[1]", "must be a file path, a string, not a number"},
		{"dotenv item empty", `{"dotenv": [""]}`, "dotenv[0]", "empty"},
		{"dotenv item a directory", `{"dotenv": ["server/"]}`, "dotenv[0]", "is a directory"},
		{"dotenv item dot", `{"dotenv": ["."]}`, "dotenv[0]", "is a directory"},
		{"dotenv twice", `{"dotenv": [".env", "./.env"]}`, "dotenv[1]", ".env is listed twice (dotenv[0])"},
		{"dotenv the reservation", `{"dotenv": [".worktree-ports.json"]}`, "dotenv[0]", "git-worktree-ports' own file"},
		{"dotenv the config", `{"dotenv": ["./.worktree-ports.config.json"]}`, "dotenv[0]", "git-worktree-ports' own file"},
		{"dotenv NUL", `{"dotenv": ["a\u0000b"]}`, "dotenv[0]", "NUL"},

		// Health.
		{"health relative", `{"services": {"api": {"offset": 0, "health": "healthz"}}}`, "services.api.health", "does not start with /"},

		// Templates.
		{"unknown placeholder", `{"services": {"api": 0}, "vars": {"U": "http://localhost:{apo}"}}`, "vars.U", "unknown placeholder {apo} (known: {api}, {repo}"},
		{"placeholder case", `{"vars": {"U": "{APP}"}}`, "vars.U", "unknown placeholder {APP}"},
		{"empty placeholder", `{"vars": {"U": "{}"}}`, "vars.U", "unknown placeholder {}"},
		{"unclosed brace", `{"vars": {"U": "x{app"}}`, "vars.U", "unclosed"},
		{"lone close brace", `{"vars": {"U": "x}"}}`, "vars.U", "without"},
		{"NUL in template", `{"vars": {"U": "a\u0000b"}}`, "vars.U", "NUL"},

		// Control and bidi characters, in any string value or key (issue 17, part 3).
		{"ESC in a template", `{"vars": {"VIMINIT": "ok\u001b[1A\u001b[2K"}}`, "vars.VIMINIT", "U+001B (ESC)"},
		{"newline in a template", `{"vars": {"U": "a\nb"}}`, "vars.U", "U+000A (LF)"},
		{"tab in a template", `{"vars": {"U": "a\tb"}}`, "vars.U", "U+0009 (TAB)"},
		{"DEL in a template", `{"vars": {"U": "a\u007fb"}}`, "vars.U", "U+007F (DEL)"},
		{"C1 CSI in a template", `{"vars": {"U": "a\u009b2Kb"}}`, "vars.U", "U+009B"},
		{"bidi override in a template", `{"vars": {"U": "a\u202eb"}}`, "vars.U", "U+202E"},
		{"bidi isolate in a service env", `{"services": {"web": {"offset": 0, "env": "WEB\u2066"}}}`, "services.web.env", "U+2066"},
		{"ESC in a service name", `{"services": {"we\u001bb": 0}}`, "services.we\u001bb", "the key holds control character U+001B"},
		{"ESC in a range", `{"range": "20000-\u001b29999"}`, "range", "U+001B"},
		{"ESC in avoid", `{"avoid": ["3000", "\u001b[2K"]}`, "avoid[1]", "U+001B"},
		{"ESC in dotenv", `{"dotenv": [".env\u001b"]}`, "dotenv[0]", "U+001B"},
		{"ESC in a health path", `{"services": {"web": {"offset": 0, "health": "/h\u001b"}}}`, "services.web.health", "U+001B"},
		{"ESC in $schema", `{"$schema": "https://x/\u001b]0;t\u0007"}`, "$schema", "U+001B"},
		{"ALM in an unknown key", `{"x\u061c": 1}`, "x\u061c", "U+061C"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(file, []byte(tt.in), nil)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Parse error = %v, want *Error", err)
			}
			if ce.File != file || ce.Key != tt.key || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("Parse error = {File: %q, Key: %q, Msg: %q}\nwant Key %q and Msg containing %q",
					ce.File, ce.Key, ce.Msg, tt.key, tt.msg)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{file, "services.api.offset", "offset 12 is not below width 10"},
			".worktree-ports.config.json: services.api.offset: offset 12 is not below width 10"},
		{Error{"../x/" + file, "", "is a directory"}, "../x/.worktree-ports.config.json: is a directory"},
		{Error{GitConfig, Width.Key, "bad"}, "git config worktree-ports.width: bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	_, err := Parse(file, []byte(`{"services": {"api": 12}}`), nil)
	if want := ".worktree-ports.config.json: services.api.offset: offset 12 is not below width 10"; err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %q", err, want)
	}
}

func TestStripJSONC(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"line comment", "{\"a\": 1 // c\n}", `{"a":1}`},
		{"block comment", `{/* c */"a": /* d */ 1}`, `{"a":1}`},
		{"block comment multiline", "{\"a\":\n/* x\ny */ 1}", `{"a":1}`},
		{"block comment with stars", `{"a": /** x **/ 1}`, `{"a":1}`},
		{"line comment in string kept", `{"a": "http://x//y"}`, `{"a":"http://x//y"}`},
		{"block comment in string kept", `{"a": "/* not */"}`, `{"a":"/* not */"}`},
		{"escaped quote then comment-like", `{"a": "q\"//x", "b": 1}`, `{"a":"q\"//x","b":1}`},
		{"escaped backslash ends string", `{"a": "\\"// c` + "\n}", `{"a":"\\"}`},
		{"trailing comma object", `{"a": 1,}`, `{"a":1}`},
		{"trailing comma array", `{"a": [1, 2, ]}`, `{"a":[1,2]}`},
		{"trailing comma before comment", "{\"a\": 1, // c\n}", `{"a":1}`},
		{"comma in string kept", `{"a": ",}"}`, `{"a":",}"}`},
		{"nested trailing commas", `{"a": {"b": [1,],},}`, `{"a":{"b":[1]}}`},
		{"comment after value", "{\"a\": \"x\" /* c */ , }", `{"a":"x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := stripJSONC([]byte(tt.in))
			if err != nil {
				t.Fatalf("stripJSONC: %v", err)
			}
			if len(out) != len(tt.in) {
				t.Errorf("length changed: %d -> %d", len(tt.in), len(out))
			}
			if strings.Count(string(out), "\n") != strings.Count(tt.in, "\n") {
				t.Errorf("newlines changed in %q", out)
			}
			var buf strings.Builder
			if err := compact(&buf, out); err != nil {
				t.Fatalf("result %q is not JSON: %v", out, err)
			}
			if buf.String() != tt.want {
				t.Errorf("stripJSONC(%q) = %q, want %q", tt.in, buf.String(), tt.want)
			}
		})
	}
	if _, err := stripJSONC([]byte("{} /* open")); !errors.Is(err, errUnterminatedComment) {
		t.Errorf("unterminated comment: err = %v", err)
	}
}

func compact(w *strings.Builder, data []byte) error {
	var v json.RawMessage
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	out, err := json.Marshal(v)
	w.Write(out)
	return err
}

func TestApplyGit(t *testing.T) {
	base, err := Parse(file, []byte(`{"range": "20000-20999", "width": 10, "services": {"api": 0, "web": 7}, "avoid": [20005]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		entries   []Entry
		wantRange bundle.Range
		wantWidth int
		wantAvoid []bundle.Range
		errKey    string // Error.Key when an error is expected
		errMsg    string
	}{
		{
			name:      "nothing",
			wantRange: bundle.Range{Lo: 20000, Hi: 20999}, wantWidth: 10,
			wantAvoid: []bundle.Range{{Lo: 20005, Hi: 20005}},
		},
		{
			name: "range and width, other keys ignored",
			entries: []Entry{
				{"worktree-ports.range", "30000-39999"},
				{"worktree-ports.width", " 20 "},
				{"worktree-ports.hookpath", "whatever"},
			},
			wantRange: bundle.Range{Lo: 30000, Hi: 39999}, wantWidth: 20,
			wantAvoid: []bundle.Range{{Lo: 20005, Hi: 20005}},
		},
		{
			name:      "last one wins, keys case-insensitive",
			entries:   []Entry{{"worktree-ports.range", "30000-30999"}, {"Worktree-Ports.Range", "40000-40999"}},
			wantRange: bundle.Range{Lo: 40000, Hi: 40999}, wantWidth: 10,
			wantAvoid: []bundle.Range{{Lo: 20005, Hi: 20005}},
		},
		{
			name: "avoid lists are appended",
			entries: []Entry{
				{"worktree-ports.avoid", "20100, 20200-20299"},
				{"worktree-ports.avoid", "20300 20400,,20500"},
				{"worktree-ports.avoid", ""},
			},
			wantRange: bundle.Range{Lo: 20000, Hi: 20999}, wantWidth: 10,
			wantAvoid: []bundle.Range{{Lo: 20005, Hi: 20005}, {Lo: 20100, Hi: 20100}, {Lo: 20200, Hi: 20299},
				{Lo: 20300, Hi: 20300}, {Lo: 20400, Hi: 20400}, {Lo: 20500, Hi: 20500}},
		},
		{name: "bad range", entries: []Entry{{"worktree-ports.range", "30000"}, {"worktree-ports.range", "x-y"}},
			errKey: Range.Key, errMsg: "not a port number"},
		{name: "empty range", entries: []Entry{{"worktree-ports.range", ""}},
			errKey: Range.Key, errMsg: "not a port number"},
		{name: "range below 1024", entries: []Entry{{"worktree-ports.range", "80-8080"}},
			errKey: Range.Key, errMsg: "outside 1024-65535"},
		{name: "range too narrow", entries: []Entry{{"worktree-ports.range", "30000-30004"}},
			errKey: Range.Key, errMsg: "narrower than width 10"},
		{name: "bad width", entries: []Entry{{"worktree-ports.width", "ten"}},
			errKey: Width.Key, errMsg: `"ten" is not an integer`},
		{name: "width zero", entries: []Entry{{"worktree-ports.width", "0"}},
			errKey: Width.Key, errMsg: "outside 1-1000"},
		{name: "width orphans an offset", entries: []Entry{{"worktree-ports.width", "5"}},
			errKey: Width.Key, errMsg: "offset 7 is not below width 5 (services.web.offset in .worktree-ports.config.json)"},
		{name: "bad avoid", entries: []Entry{{"worktree-ports.avoid", "1234, 99999"}},
			errKey: Avoid.Key, errMsg: "outside 1-65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			c.Spec.Avoid = append([]bundle.Range(nil), base.Spec.Avoid...)
			before := c.Spec
			err := c.ApplyGit(tt.entries)
			if tt.errKey != "" {
				var ce *Error
				if !errors.As(err, &ce) || ce.File != GitConfig || ce.Key != tt.errKey || !strings.Contains(ce.Msg, tt.errMsg) {
					t.Fatalf("ApplyGit error = %#v, want key %q msg %q", err, tt.errKey, tt.errMsg)
				}
				if !strings.HasPrefix(err.Error(), "git config "+tt.errKey+": ") {
					t.Errorf("Error() = %q does not name the git key", err)
				}
				if !reflect.DeepEqual(c.Spec, before) {
					t.Errorf("ApplyGit changed the config on error: %+v", c.Spec)
				}
				return
			}
			if err != nil {
				t.Fatalf("ApplyGit: %v", err)
			}
			if c.Spec.Range != tt.wantRange || c.Spec.Width != tt.wantWidth || !reflect.DeepEqual(c.Spec.Avoid, tt.wantAvoid) {
				t.Errorf("after ApplyGit: range %v width %d avoid %v", c.Spec.Range, c.Spec.Width, c.Spec.Avoid)
			}
		})
	}
	// The base config's avoid slice is not shared with the result.
	c := base
	if err := c.ApplyGit([]Entry{{"worktree-ports.avoid", "30000"}}); err != nil {
		t.Fatal(err)
	}
	if len(base.Spec.Avoid) != 1 {
		t.Errorf("ApplyGit modified the original avoid list: %v", base.Spec.Avoid)
	}
}

func TestEnv(t *testing.T) {
	data := TemplateData{Repo: "api", Worktree: "feature-x", Root: "/src/feature x", Slot: 134, Base: 21340}
	tests := []struct {
		name string
		in   string
		want []EnvVar
	}{
		{
			name: "default",
			in:   `{}`,
			want: []EnvVar{{"PORT", "21340"}},
		},
		{
			name: "services then vars, in file order",
			in: `{"services": {"web": 2, "api": 0}, "vars": {
				"API_URL": "http://localhost:{api}/v1",
				"COMPOSE_PROJECT_NAME": "{repo}-{worktree}",
				"ALL": "{slot}:{base}:{root}:{web}",
			}}`,
			want: []EnvVar{
				{"WEB_PORT", "21342"},
				{"API_PORT", "21340"},
				{"API_URL", "http://localhost:21340/v1"},
				{"COMPOSE_PROJECT_NAME", "api-feature-x"},
				{"ALL", "134:21340:/src/feature x:21342"},
			},
		},
		{
			name: "literal braces and data",
			in:   `{"vars": {"J": "{{\"port\": {app}}}", "S": "$(echo hi) ` + "`x`" + ` '\"' {{}}"}}`,
			want: []EnvVar{
				{"PORT", "21340"},
				{"J", `{"port": 21340}`},
				{"S", "$(echo hi) `x` '\"' {}"},
			},
		},
		{
			name: "slug forms",
			in: `{"vars": {
				"COMPOSE_PROJECT_NAME": "{repo-slug}-{worktree-slug}",
				"B": "{branch}|{branch-slug}",
				"APP_HOST": "{worktree-slug}.{repo-slug}.localhost",
			}}`,
			want: []EnvVar{
				{"PORT", "21340"},
				{"COMPOSE_PROJECT_NAME", "shop-shop-feature-x"},
				{"B", "feat/Login_2|feat-login-2"},
				{"APP_HOST", "shop-feature-x.shop.localhost"},
			},
		},
		{
			name: "placeholders are not expanded twice",
			in:   `{"vars": {"R": "{root}"}}`,
			want: []EnvVar{{"PORT", "21340"}, {"R", "/src/feature x"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(file, []byte(tt.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			data := data
			if tt.name == "slug forms" {
				data.Repo, data.Worktree, data.Branch = "Shop", "Shop.Feature_X", "feat/Login_2"
			}
			got, err := c.Env(data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Env =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
	// In the main worktree, with main ports: those ports, {slot} is "main" and {base} the
	// first service's port.
	c, err := Parse(file, []byte(`{"services": {"web": {"offset": 0, "main": 3000}, "api": {"offset": 1, "main": 8000}},
		"vars": {"API_URL": "http://localhost:{api}", "DB": "shop_{slot}", "B": "{base}"}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	main := TemplateData{Worktree: "shop", Main: true, Base: 3000}
	if got, err := c.Env(main); err != nil || !reflect.DeepEqual(got, []EnvVar{
		{"WEB_PORT", "3000"}, {"API_PORT", "8000"}, {"API_URL", "http://localhost:8000"}, {"DB", "shop_main"}, {"B", "3000"},
	}) {
		t.Errorf("Env main = %q, %v", got, err)
	}
	// Elsewhere the same config gives the bundle's ports.
	if got, err := c.Env(data); err != nil || got[1].Value != "21341" || got[3].Value != "shop_134" {
		t.Errorf("Env linked = %q, %v", got, err)
	}

	// A root that itself looks like a placeholder is data.
	c = Default()
	c.Vars = []Var{{"R", "{root}"}}
	got, err := c.Env(TemplateData{Root: "/x/{app}"})
	if err != nil || got[1].Value != "/x/{app}" {
		t.Errorf("Env = %q, %v", got, err)
	}
	// On a detached HEAD {branch} is empty and {branch-slug} names the worktree.
	c.Vars = []Var{{"B", "[{branch}] {branch-slug}"}}
	if got, err := c.Env(TemplateData{Worktree: "Hotfix 7"}); err != nil || got[1].Value != "[] hotfix-7" {
		t.Errorf("Env detached = %q, %v", got, err)
	}
	// A var whose rendered value would carry a control or bidi character (git allows
	// bidi controls in branch names; a directory may hold an escape) is left out and
	// named; the rest is still there, and the slugs never carry one.
	c.Vars = []Var{{"B", "{branch}"}, {"S", "{branch-slug}"}, {"W", "{worktree}"}, {"K", "{worktree-slug}"}}
	got, err = c.Env(TemplateData{Worktree: "w\x1b[1A\x1b[2K", Branch: "fix-\u202eexe.txt"})
	var de *DroppedError
	if !errors.As(err, &de) || len(de.Lines) != 2 ||
		!strings.Contains(de.Lines[0], "vars.B: dropped: its value holds control character U+202E") ||
		!strings.Contains(de.Lines[1], "vars.W: dropped: its value holds control character U+001B (ESC)") {
		t.Errorf("Env with controls in names: err = %v", err)
	}
	if names := envNames(got); !reflect.DeepEqual(names, []string{"PORT", "S", "K"}) {
		t.Errorf("Env with controls in names = %q, want PORT, S and K", got)
	}
	// Env refuses a bad template in a hand-built config.
	c.Vars = []Var{{"R", "{nope}"}}
	if _, err := c.Env(data); err == nil || !strings.Contains(err.Error(), "vars.R: unknown placeholder {nope}") {
		t.Errorf("Env with bad template: %v", err)
	}
}

func TestValidate(t *testing.T) {
	c := Default()
	c.Spec.Width = 0
	if err := c.Validate(); err == nil || err.Error() != FileName+": width: width 0 is outside 1-1000" {
		t.Errorf("Validate = %v", err)
	}
	c = Default()
	c.Source = "x/" + FileName
	c.Spec.Services = append(c.Spec.Services, bundle.Service{Name: "api", Offset: 0, Env: "API_PORT"})
	if err := c.Validate(); err == nil || err.Error() != "x/"+FileName+": services.api.offset: offset 0 is already used by service app" {
		t.Errorf("Validate = %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Missing file: the default, no error, no source.
	c, err := Load(filepath.Join(dir, "missing.json"), nil)
	if err != nil || !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load(missing, nil) = %+v, %v", c, err)
	}

	// A good file.
	good := write("good.json", `{"services": {"api": 0}}`)
	c, err = Load(good, nil)
	if err != nil || c.Source != good || c.Spec.Services[0].Env != "API_PORT" {
		t.Errorf("Load(good, nil) = %+v, %v", c, err)
	}

	// A bad file names the path as given.
	bad := write("bad.json", `{"wdth": 10}`)
	if _, err := Load(bad, nil); err == nil || err.Error() != bad+": wdth: unknown key (did you mean \"width\"? known: range, width, services, avoid, vars, dotenv, exec, host, mainBranch, $schema)" {
		t.Errorf("Load(bad, nil) = %v", err)
	}

	// Exactly 1 MiB is fine; one byte more is refused.
	fits := write("fits.json", "{}"+strings.Repeat(" ", MaxFileSize-2))
	if _, err := Load(fits, nil); err != nil {
		t.Errorf("Load(1 MiB) = %v", err)
	}
	big := write("big.json", "{}"+strings.Repeat(" ", MaxFileSize-1))
	if _, err := Load(big, nil); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("Load(1 MiB + 1) = %v", err)
	}

	// A directory.
	if _, err := Load(dir, nil); err == nil || !strings.Contains(err.Error(), "not a regular file (directory)") {
		t.Errorf("Load(dir, nil) = %v", err)
	}

	// A symlink to a good file is followed; a dangling one is an error.
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(link, nil); err != nil {
		t.Errorf("Load(symlink, nil) = %v", err)
	}
	dangling := filepath.Join(dir, "dangling.json")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dangling, nil); err == nil || !strings.Contains(err.Error(), "symlink to a missing file") {
		t.Errorf("Load(dangling, nil) = %v", err)
	}
}

// TestAllowEnv checks that a name the user allowed in their git config passes, in
// the file and through the re-checks of ApplyGit and Validate, while other
// refused names still fail.
func TestAllowEnv(t *testing.T) {
	allow, err := AllowEnv([]Entry{
		{"worktree-ports.range", "30000-39999"},
		{"worktree-ports.allowenv", "MAILCHECK"},
		{"Worktree-Ports.AllowEnv", "HOST, LANG\tTZ"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := envname.Allow{"MAILCHECK": true, "HOST": true, "LANG": true, "TZ": true}
	if !maps.Equal(allow, want) {
		t.Errorf("AllowEnv = %v, want %v", allow, want)
	}

	in := []byte(`{"services": {"api": {"offset": 0, "env": "HOST"}}, "vars": {"MAILCHECK": "0"}}`)
	c, err := Parse(file, in, allow)
	if err != nil {
		t.Fatalf("Parse with MAILCHECK and HOST allowed: %v", err)
	}
	if err := c.ApplyGit([]Entry{{Width.Key, "5"}}); err != nil {
		t.Errorf("ApplyGit after allowing: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate after allowing: %v", err)
	}
	if _, err := Parse(file, in, nil); err == nil || !strings.Contains(err.Error(), "services.api.env: env name HOST is special to zsh") {
		t.Errorf("Parse without allowing = %v, want HOST refused", err)
	}
	in = []byte(`{"vars": {"MAILCHECK": "0", "MAILPATH": "x"}}`)
	if _, err := Parse(file, in, allow); err == nil || !strings.Contains(err.Error(), "vars.MAILPATH: env name MAILPATH") {
		t.Errorf("Parse with only MAILCHECK allowed = %v, want MAILPATH refused", err)
	}

	_, err = AllowEnv([]Entry{{"worktree-ports.allowenv", "MAIL-CHECK"}})
	if err == nil || err.Error() != `git config worktree-ports.allowEnv: env name "MAIL-CHECK" is not [A-Za-z_][A-Za-z0-9_]*` {
		t.Errorf("AllowEnv(invalid) = %v", err)
	}
}

func envNames(env []EnvVar) []string {
	var out []string
	for _, e := range env {
		out = append(out, e.Name)
	}
	return out
}

// TestBranchVars: the vars a branch switch changes are those whose templates use a
// branch placeholder, in any of its forms.
func TestBranchVars(t *testing.T) {
	c := Config{Spec: bundle.Spec{Services: []bundle.Service{{Name: "web"}}}, Vars: []Var{
		{"URL", "http://localhost:{web}"}, {"DB", "{repo_slug}_{branch_slug}"},
		{"B", "{branch}"}, {"S", "x-{branch-slug}"}, {"LIT", "{{branch}}"}, {"W", "{worktree-slug}"},
	}}
	if got, want := c.BranchVars(), []string{"DB", "B", "S"}; !slices.Equal(got, want) {
		t.Errorf("BranchVars() = %q, want %q", got, want)
	}
}

// TestRangeNote: a range that git config or a flag put over the file's is said, with the
// file's; one the file or the default gives is not.
func TestRangeNote(t *testing.T) {
	withRange := []byte(`{"range": "20000-29999"}`)
	git := []Entry{{Key: "worktree-ports.range", Value: "21000-21999"}}
	tests := []struct {
		name string
		file []byte
		git  []Entry
		flag string
		want string
	}{
		{"the file's", withRange, nil, "", ""},
		{"the default", []byte(`{}`), git, "", ""},
		{"git config over the file's", withRange, git, "", "range 21000-21999 from git config worktree-ports.range, not the file's 20000-29999"},
		{"the flag over both", withRange, git, "22000-22999", "range 22000-22999 from --range 22000-22999, not the file's 20000-29999"},
		{"git config repeating the file's", withRange, []Entry{{Key: "worktree-ports.range", Value: "20000-29999"}}, "", ""},
	}
	for _, tt := range tests {
		c, err := Parse(file, tt.file, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ApplyGit(tt.git); err != nil {
			t.Fatal(err)
		}
		if err := c.ApplyFlags(Inputs{Flags: map[string]string{"range": tt.flag}}); err != nil {
			t.Fatal(err)
		}
		if got := c.RangeNote(); got != tt.want {
			t.Errorf("%s: RangeNote() = %q, want %q", tt.name, got, tt.want)
		}
	}
}
