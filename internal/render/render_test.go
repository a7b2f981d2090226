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
		// dotenv quotes only what must be: docker's --env-file keeps quotes.
		{"dotenv", ordinary, "API_PORT=21340\nAPI_URL='http://localhost:21340/?a=1&b=<2>'\n"},
		{"json", ordinary, `{"API_PORT":"21340","API_URL":"http://localhost:21340/?a=1&b=<2>"}` + "\n"},

		{"sh", nil, ""},
		{"fish", nil, ""},
		{"dotenv", nil, ""},
		{"json", nil, "{}\n"},

		{"sh", []Var{{"E", ""}}, "export E=''\n"},
		{"fish", []Var{{"E", ""}}, "set -gx E '';\n"},
		{"dotenv", []Var{{"E", ""}}, "E=\n"},
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

		{"dotenv", []Var{{"C", `$HOME $(id) "q" # not a comment \n a\b`}}, `C='$HOME $(id) "q" # not a comment \n a\b'` + "\n"},
		{"dotenv", []Var{{"S", "  spaced  "}}, "S='  spaced  '\n"},
		{"dotenv", []Var{{"U", "http://shop.localhost:21340/a,b@c%20+d=e"}, {"P", "/home/me/src/shop-wt_2"}},
			"U=http://shop.localhost:21340/a,b@c%20+d=e\nP=/home/me/src/shop-wt_2\n"},
		{"dotenv", []Var{{"T", "~"}, {"H", "#"}, {"D", "$"}, {"B", `\`[:1] + "x"}, {"G", "*"}, {"E", "é"}},
			"T='~'\nH='#'\nD='$'\nB='\\x'\nG='*'\nE='é'\n"},

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
		vars   []Var  // the second one is refused
		name   string // the variable the error must name
		reason string // a substring of the reason
	}
	var tests []refusal
	for _, f := range Formats {
		for _, n := range hostileNames {
			tests = append(tests, refusal{f, []Var{{"OK", "1"}, {n, "x"}, {"LAST", "2"}}, n, "not [A-Za-z_]"})
		}
		tests = append(tests,
			refusal{f, []Var{{"A", "1"}, {"A", "2"}, {"LAST", "2"}}, "A", "twice"},
			refusal{f, []Var{{"OK", "1"}, {"NUL", "a\x00b"}, {"LAST", "2"}}, "NUL", "NUL"},
			refusal{f, []Var{{"OK", "1"}, {"BAD", "a\xffb"}, {"LAST", "2"}}, "BAD", "UTF-8"},
		)
	}
	for _, r := range []struct{ value, reason string }{
		{"it's", "single quote"},
		{"a\nb", "line break"},
		{"a\rb", "line break"},
		{`a\`, "ends with a backslash"},
		{`a\\`, "ends with a backslash"},
		{`a\\b`, `\\, which python-dotenv`},
		{"${HOME}", "${, which python-dotenv"},
		{"a ${X:-b}", "${"},
		{"\ufdd0", "noncharacter U+FDD0"},
		{"a\U0010FFFF", "noncharacter U+10FFFF"},
	} {
		tests = append(tests, refusal{"dotenv", []Var{{"OK", "1"}, {"V", r.value}, {"LAST", "2"}}, "V", r.reason})
	}
	for _, tt := range tests {
		var b bytes.Buffer
		err := Render(&b, tt.format, tt.vars)
		var refused Refused
		if !errors.As(err, &refused) || len(refused) != 1 {
			t.Errorf("Render(%s, %q) = %v, want one refusal", tt.format, tt.vars, err)
			continue
		}
		re := refused[0]
		if re.Name != tt.name || re.Format != tt.format || !strings.Contains(re.Reason, tt.reason) {
			t.Errorf("Render(%s, %q) = %+v, want name %q and reason containing %q", tt.format, tt.vars, re, tt.name, tt.reason)
		}
		// The others are written, exactly as if the refused one (always the
		// second) had not been given.
		rest := []Var{tt.vars[0], tt.vars[2]}
		var want bytes.Buffer
		if err := Render(&want, tt.format, rest); err != nil {
			t.Fatalf("Render(%s, %q): %v", tt.format, rest, err)
		}
		if b.String() != want.String() {
			t.Errorf("Render(%s, %q) wrote %q, want the others: %q", tt.format, tt.vars, b.String(), want.String())
		}
	}
}

// TestRenderRefusesEach shows that every refused variable is named, in order,
// with the others written between them.
func TestRenderRefusesEach(t *testing.T) {
	vars := []Var{{"A", "1"}, {"Q", "it's"}, {"B", "two words"}, {"A", "again"}, {"N", "a\nb"}, {"C", "3"}}
	var b bytes.Buffer
	err := Render(&b, "dotenv", vars)
	var refused Refused
	if !errors.As(err, &refused) {
		t.Fatalf("Render = %v, want Refused", err)
	}
	var names []string
	for _, e := range refused {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, ","); got != "Q,A,N" {
		t.Errorf("refused %s, want Q,A,N", got)
	}
	if want := "A=1\nB='two words'\nC=3\n"; b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 3 || !strings.Contains(lines[1], `"A"`) {
		t.Errorf("Error() = %q, want one line per refusal", err.Error())
	}
	var one *Error
	if !errors.As(err, &one) || one.Name != "Q" {
		t.Errorf("errors.As(*Error) = %v, want the first refusal", one)
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
