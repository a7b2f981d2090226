package render

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	ordinary := []Var{{"API_PORT", "21340"}, {"API_URL", "http://localhost:21340/?a=1&b=<2>"}}
	tests := []struct {
		format string
		vars   []Var
		want   string
	}{
		{"sh", ordinary, "export API_PORT='21340'\nexport API_URL='http://localhost:21340/?a=1&b=<2>'\n"},
		{"fish", ordinary, "set -gx API_PORT '21340';\nset -gx API_URL 'http://localhost:21340/?a=1&b=<2>';\n"},
		{"dotenv", ordinary, "API_PORT='21340'\nAPI_URL='http://localhost:21340/?a=1&b=<2>'\n"},
		{"json", ordinary, `{"API_PORT":"21340","API_URL":"http://localhost:21340/?a=1&b=<2>"}` + "\n"},

		{"sh", nil, ""},
		{"fish", nil, ""},
		{"dotenv", nil, ""},
		{"json", nil, "{}\n"},

		{"sh", []Var{{"E", ""}}, "export E=''\n"},
		{"fish", []Var{{"E", ""}}, "set -gx E '';\n"},
		{"dotenv", []Var{{"E", ""}}, "E=''\n"},
		{"json", []Var{{"E", ""}}, `{"E":""}` + "\n"},

		// Order is the caller's, not sorted.
		{"json", []Var{{"Z", "1"}, {"A", "2"}}, `{"Z":"1","A":"2"}` + "\n"},

		{"sh", []Var{{"Q", `it's`}}, `export Q='it'\''s'` + "\n"},
		{"sh", []Var{{"Q", `''`}}, `export Q=''\'''\'''` + "\n"},
		{"sh", []Var{{"C", "$(touch pwned) `id` $HOME \\ \" ! %s -x "}}, "export C='$(touch pwned) `id` $HOME \\ \" ! %s -x '\n"},
		{"sh", []Var{{"N", "a\nb\n"}}, "export N='a\nb\n'\n"},
		{"sh", []Var{{"U", "héllo ☃ 𝄞"}}, "export U='héllo ☃ 𝄞'\n"},

		{"fish", []Var{{"Q", `it's`}}, `set -gx Q 'it\'s';` + "\n"},
		{"fish", []Var{{"B", `a\b\\`}}, `set -gx B 'a\\b\\\\';` + "\n"},
		{"fish", []Var{{"B", `\'`}}, `set -gx B '\\\'';` + "\n"},
		{"fish", []Var{{"C", "$HOME (touch pwned) $(touch pwned) \" ~ *"}}, "set -gx C '$HOME (touch pwned) $(touch pwned) \" ~ *';\n"},
		{"fish", []Var{{"N", "a\nb"}}, "set -gx N 'a\nb';\n"},

		{"dotenv", []Var{{"C", `$HOME ${X} $(id) "q" # not a comment \n a\b`}}, `C='$HOME ${X} $(id) "q" # not a comment \n a\b'` + "\n"},
		{"dotenv", []Var{{"S", "  spaced  "}}, "S='  spaced  '\n"},

		{"json", []Var{{"C", "a\"b\\c\nd\te\u2028<&>"}}, `{"C":"a\"b\\c\nd\te\u2028<&>"}` + "\n"},
		{"json", []Var{{"C", "\x01\x1b[31m"}}, `{"C":"\u0001\u001b[31m"}` + "\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Render(&b, tt.format, tt.vars); err != nil {
			t.Errorf("Render(%s, %q): %v", tt.format, tt.vars, err)
			continue
		}
		if got := b.String(); got != tt.want {
			t.Errorf("Render(%s, %q)\n got %q\nwant %q", tt.format, tt.vars, got, tt.want)
		}
	}
}

func TestRenderRefuses(t *testing.T) {
	hostileNames := []string{"$(touch pwned)", "A B", "1A", "A=B", "", "A-B", "A.B", "A\nB", "É", "A;B", "`id`", "A\x00"}

	type refusal struct {
		format string
		vars   []Var
		name   string // the variable the error must name
		reason string // a substring of the reason
	}
	var tests []refusal
	for _, f := range Formats {
		for _, n := range hostileNames {
			tests = append(tests, refusal{f, []Var{{"OK", "1"}, {n, "x"}}, n, "not [A-Za-z_]"})
		}
		tests = append(tests,
			refusal{f, []Var{{"A", "1"}, {"A", "2"}}, "A", "twice"},
			refusal{f, []Var{{"OK", "1"}, {"NUL", "a\x00b"}}, "NUL", "NUL"},
			refusal{f, []Var{{"OK", "1"}, {"BAD", "a\xffb"}}, "BAD", "UTF-8"},
		)
	}
	tests = append(tests,
		refusal{"dotenv", []Var{{"OK", "1"}, {"Q", "it's"}}, "Q", "single quote"},
		refusal{"dotenv", []Var{{"OK", "1"}, {"NL", "a\nb"}}, "NL", "line break"},
		refusal{"dotenv", []Var{{"OK", "1"}, {"CR", "a\rb"}}, "CR", "line break"},
		refusal{"dotenv", []Var{{"OK", "1"}, {"BS", `a\`}}, "BS", "backslash"},
		refusal{"dotenv", []Var{{"OK", "1"}, {"BS", `a\\`}}, "BS", "backslash"},
	)
	for _, tt := range tests {
		var b bytes.Buffer
		err := Render(&b, tt.format, tt.vars)
		var re *Error
		if !errors.As(err, &re) {
			t.Errorf("Render(%s, %q) = %v, want *Error", tt.format, tt.vars, err)
			continue
		}
		if re.Name != tt.name || re.Format != tt.format || !strings.Contains(re.Reason, tt.reason) {
			t.Errorf("Render(%s, %q) = %+v, want name %q and reason containing %q", tt.format, tt.vars, re, tt.name, tt.reason)
		}
		if b.Len() != 0 {
			t.Errorf("Render(%s, %q) wrote %q before refusing", tt.format, tt.vars, b.String())
		}
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	for _, f := range []string{"", "bash", "SH", "env", "yaml"} {
		var b bytes.Buffer
		err := Render(&b, f, []Var{{"A", "1"}})
		if !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Render(%q) = %v, want ErrUnknownFormat", f, err)
		}
		if b.Len() != 0 {
			t.Errorf("Render(%q) wrote %q", f, b.String())
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Format: "sh", Name: "\x1b]0;owned\x07" + strings.Repeat("A", 100), Reason: "why"}
	msg := e.Error()
	if strings.ContainsAny(msg, "\x1b\x07\n") {
		t.Errorf("Error() passes control characters through: %q", msg)
	}
	if len(msg) > 200 {
		t.Errorf("Error() is %d bytes long, want the name shortened: %q", len(msg), msg)
	}
	if !strings.Contains(msg, "--format sh") || !strings.HasSuffix(msg, ": why") {
		t.Errorf("Error() = %q, want the format and the reason", msg)
	}
}

type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestRenderWriteError(t *testing.T) {
	if err := Render(failWriter{}, "sh", []Var{{"A", "1"}}); !errors.Is(err, errWrite) {
		t.Errorf("Render to a failing writer = %v, want %v", err, errWrite)
	}
}
