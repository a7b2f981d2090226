package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRender checks, for every format, that Render writes output that a
// strict reference decoder reads back as exactly the variables given, less
// the fuzzed one when it must be refused, and that it refuses exactly then.
// The decoders accept only the narrow grammar Render is meant to emit (for sh:
// export NAME=, then single-quoted literal runs joined by an escaped quote;
// for dotenv: a bare value only of characters no reader treats specially, or
// a single-quoted one only when bare would not do), so no unquoted or
// unescaped byte of a value can get past them.
//
// A second, fixed variable follows the fuzzed one, so a value that escaped its
// quotes would also show up as a damaged neighbour, and a refusal must still
// leave the neighbour written.
func FuzzRender(f *testing.F) {
	f.Fuzz(func(t *testing.T, name, value string) {
		vars := []Var{{name, value}, {"AFTER", "tail"}}
		if name == "AFTER" {
			vars = vars[:1]
		}
		for _, format := range Formats {
			var out bytes.Buffer
			err := Render(&out, format, vars)
			want := vars
			if reason := expectRefusal(format, name, value); reason != "" {
				var re *Error
				if !errors.As(err, &re) || re.Name != name || re.Format != format {
					t.Fatalf("Render(%s, %q, %q) = %v, want an *Error naming it (%s)", format, name, value, err, reason)
				}
				want = vars[1:]
			} else if err != nil {
				t.Fatalf("Render(%s, %q, %q) = %v, want it rendered", format, name, value, err)
			}
			got, err := decoders[format](out.String())
			if err != nil {
				t.Fatalf("Render(%s, %q, %q) wrote %q, which the strict decoder rejects: %v", format, name, value, out.String(), err)
			}
			if len(got) != len(want) {
				t.Fatalf("Render(%s, %q, %q) wrote %q, which decodes to %q, want %q", format, name, value, out.String(), got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("Render(%s, %q, %q) wrote %q, which decodes to %q, want %q", format, name, value, out.String(), got, want)
				}
			}
		}
	})
}

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expectRefusal restates the refusal rules independently of Render, so the
// fuzzer also catches Render refusing a value it should carry.
func expectRefusal(format, name, value string) string {
	switch {
	case !nameRE.MatchString(name):
		return "invalid name"
	case strings.Contains(value, "\x00"):
		return "NUL"
	case !utf8.ValidString(value):
		return "not UTF-8"
	case format == "dotenv" && !dotenvCarries(value):
		return "dotenv cannot carry it"
	}
	return ""
}

var decoders = map[string]func(string) ([]Var, error){
	"sh":     decodeSh,
	"fish":   decodeFish,
	"dotenv": decodeDotenv,
	"json":   decodeJSON,
}

// cutName reads NAME up to sep and checks it.
func cutName(s, sep string) (name, rest string, err error) {
	name, rest, ok := strings.Cut(s, sep)
	if !ok || !nameRE.MatchString(name) {
		return "", "", fmt.Errorf("want NAME%s at %q", sep, s)
	}
	return name, rest, nil
}

// decodeSh accepts only lines of this shape, where each run is free of '
// and runs are joined by an escaped quote:
//
//	export NAME='run'\''run'
//
// In POSIX single quotes every byte but ' is literal, so what this reads is
// what every shell reads.
func decodeSh(s string) ([]Var, error) {
	var vars []Var
	for s != "" {
		rest, ok := strings.CutPrefix(s, "export ")
		if !ok {
			return nil, fmt.Errorf("want export at %q", s)
		}
		name, rest, err := cutName(rest, "='")
		if err != nil {
			return nil, err
		}
		var val strings.Builder
		for {
			i := strings.IndexByte(rest, '\'')
			if i < 0 {
				return nil, fmt.Errorf("unterminated quote for %s", name)
			}
			val.WriteString(rest[:i])
			rest = rest[i:]
			if r, ok := strings.CutPrefix(rest, `'\''`); ok {
				val.WriteByte('\'')
				rest = r
				continue
			}
			if r, ok := strings.CutPrefix(rest, "'\n"); ok {
				rest = r
				break
			}
			return nil, fmt.Errorf("want '\\'' or a closing quote and newline at %q", rest)
		}
		vars = append(vars, Var{name, val.String()})
		s = rest
	}
	return vars, nil
}

// decodeFish accepts only lines `set -gx NAME '...';` whose quoted part is
// literal runs, \\ and \'. A lone backslash is legal fish but never emitted,
// so it is rejected here.
func decodeFish(s string) ([]Var, error) {
	var vars []Var
	for s != "" {
		rest, ok := strings.CutPrefix(s, "set -gx ")
		if !ok {
			return nil, fmt.Errorf("want set -gx at %q", s)
		}
		name, rest, err := cutName(rest, " '")
		if err != nil {
			return nil, err
		}
		var val strings.Builder
		for {
			i := strings.IndexAny(rest, `\'`)
			if i < 0 {
				return nil, fmt.Errorf("unterminated quote for %s", name)
			}
			val.WriteString(rest[:i])
			rest = rest[i:]
			if r, ok := strings.CutPrefix(rest, `\\`); ok {
				val.WriteByte('\\')
				rest = r
				continue
			}
			if r, ok := strings.CutPrefix(rest, `\'`); ok {
				val.WriteByte('\'')
				rest = r
				continue
			}
			if r, ok := strings.CutPrefix(rest, "';\n"); ok {
				rest = r
				break
			}
			return nil, fmt.Errorf("want \\\\, \\' or a closing quote at %q", rest)
		}
		vars = append(vars, Var{name, val.String()})
		s = rest
	}
	return vars, nil
}

// decodeDotenv accepts only lines NAME=bare, where bare matches dotenvBareRE,
// and NAME='quoted', where quoted would not do bare and holds nothing some
// reader would not take literally in single quotes (see dotenvCarries).
func decodeDotenv(s string) ([]Var, error) {
	var vars []Var
	for s != "" {
		line, rest, ok := strings.Cut(s, "\n")
		if !ok {
			return nil, fmt.Errorf("want a newline at the end of %q", s)
		}
		name, val, err := cutName(line, "=")
		if err != nil {
			return nil, err
		}
		if inner, ok := strings.CutPrefix(val, "'"); ok {
			if val, ok = strings.CutSuffix(inner, "'"); !ok {
				return nil, fmt.Errorf("unterminated quote for %s", name)
			}
			if dotenvBareRE.MatchString(val) {
				return nil, fmt.Errorf("%s: %q is quoted but would do bare", name, val)
			}
			if !dotenvCarries(val) {
				return nil, fmt.Errorf("%s: %q is not literal to every reader in single quotes", name, val)
			}
		} else if !dotenvBareRE.MatchString(val) {
			return nil, fmt.Errorf("%s: %q is not safe bare", name, val)
		}
		vars = append(vars, Var{name, val})
		s = rest
	}
	return vars, nil
}

// decodeJSON accepts exactly one line holding one object of string members,
// and keeps their order.
func decodeJSON(s string) ([]Var, error) {
	body, ok := strings.CutSuffix(s, "\n")
	if !ok || strings.Contains(body, "\n") || !json.Valid([]byte(body)) {
		return nil, fmt.Errorf("want one line of valid JSON, got %q", s)
	}
	dec := json.NewDecoder(strings.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("want {, got %v %v", tok, err)
	}
	var vars []Var
	for dec.More() {
		var name, value string
		if tok, err := dec.Token(); err != nil {
			return nil, err
		} else if name, ok = tok.(string); !ok {
			return nil, fmt.Errorf("want a string key, got %v", tok)
		}
		if tok, err := dec.Token(); err != nil {
			return nil, err
		} else if value, ok = tok.(string); !ok {
			return nil, fmt.Errorf("want a string value, got %v", tok)
		}
		vars = append(vars, Var{name, value})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("want }, got %v %v", tok, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the object")
	}
	return vars, nil
}

// TestDecodersRejectUnsafeOutput shows the decoders are strict: output that a
// shell would read differently, or that runs code, does not decode.
func TestDecodersRejectUnsafeOutput(t *testing.T) {
	bad := map[string][]string{
		"sh": {
			"export A=$(touch pwned)\n",
			"export A=\"$(touch pwned)\"\n",
			"export A='a'b'\n",
			"export A='a\\'b'\n",
			"export A='a'\n touch pwned\n",
			"export A='a'; touch pwned\n",
			"export A='a'",
			"export A B='a'\n",
		},
		"fish": {
			"set -gx A (touch pwned);\n",
			"set -gx A 'a\\b';\n",
			"set -gx A 'a'b';\n",
			"set -gx A 'a'; touch pwned;\n",
			"set -gx A 'a'\n",
		},
		"dotenv": {
			"A='a'\n",
			"A=''\n",
			"A=a b\n",
			"A=$B\n",
			"A=a#b\n",
			"A=~\n",
			"A=a\\b\n",
			"A='a\\'\n",
			"A='a\\\\b'\n",
			"A='${B}'\n",
			"A='a\nb'\n",
			"A='a'b'\n",
			"A=\"$B\"\n",
			"A=\"a b\"\n",
			"A='a b' # c\n",
			"A='\ufdd0 '\n",
			"A=1",
		},
		"json": {
			`{"A":"1"}`,
			"{\"A\":\n\"1\"}\n",
			`{"A":1}` + "\n",
			`{"A":"1"}{}` + "\n",
			`["A","1"]` + "\n",
		},
	}
	for format, outs := range bad {
		for _, out := range outs {
			if vars, err := decoders[format](out); err == nil {
				t.Errorf("%s decoder accepted %q as %q", format, out, vars)
			}
		}
	}
}
