package reserve

import (
	"encoding/json"
	"errors"
	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// userMembers returns the raw key and value of every member of a JSON
// object that is not one of our keys, in order.
func userMembers(data []byte) []string {
	if !json.Valid(data) {
		return nil
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return nil
	}
	var out []string
	root.ForEach(func(k, v gjson.Result) bool {
		if !isOurKey(k.String()) {
			out = append(out, k.Raw+": "+v.Raw)
		}
		return true
	})
	return out
}

// checkMarshal checks everything Marshal promises for one input.
func checkMarshal(t *testing.T, prev []byte, r Reservation) {
	out, err := Marshal(prev, r)
	if err != nil {
		return
	}
	if !json.Valid(out) || !gjson.ValidBytes(out) {
		t.Fatalf("Marshal produced invalid JSON:\n%s", out)
	}
	if !strings.HasPrefix(string(out), "{\n") || !strings.HasSuffix(string(out), "\n}\n") {
		t.Fatalf("Marshal output is not a newline-terminated object:\n%s", out)
	}
	got, err := Parse("f", out)
	if err != nil {
		t.Fatalf("Parse(Marshal(r)): %v\n%s", err, out)
	}
	if !got.Equal(r) {
		t.Fatalf("round trip = %+v, want %+v\n%s", got, r, out)
	}
	want, have := userMembers(prev), userMembers(out)
	if strings.Join(want, "\x00") != strings.Join(have, "\x00") {
		t.Fatalf("user members changed:\n%q\nbecame\n%q", want, have)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(validFile))
	f.Add([]byte(`{"base": 20000, "width": 10, "note": {"a": [1, "x"]}}`))
	f.Add([]byte(`{"base": 65535, "width": 1, "ports": {"a": 1e0}, "env": {"\u00e9": 5}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("f", data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Parse error %q is not a one-line *FileError", err)
			}
			// Our own file may be broken; a rewrite must still work.
			checkMarshal(t, data, sample)
			return
		}
		if r.Base < 1 || r.Width < 1 || r.Base+r.Width-1 > bundle.MaxPort {
			t.Fatalf("Parse accepted bundle %d+%d", r.Base, r.Width)
		}
		for _, p := range r.Ports {
			if p.Port < 1 || p.Port > bundle.MaxPort {
				t.Fatalf("Parse accepted port %d", p.Port)
			}
		}
		if _, err := Marshal(data, r); err != nil && validUTF8(r) {
			t.Fatalf("Marshal refused what Parse returned: %v", err)
		}
		checkMarshal(t, data, r)
	})
}

func validUTF8(r Reservation) bool {
	ok := utf8.ValidString(r.Worktree)
	for _, p := range r.Ports {
		ok = ok && utf8.ValidString(p.Name)
	}
	for _, e := range r.Env {
		ok = ok && utf8.ValidString(e.Name) && utf8.ValidString(e.Value)
	}
	return ok
}

func FuzzMarshal(f *testing.F) {
	f.Add([]byte(validFile), 1, "feature-x", 21340, 10, 134, "api", 21340, "API_URL", "http://localhost:21340")
	f.Add([]byte(`{"mine": true, "ports": null, "ports": 3}`), 0, "", 1, 65535, 0, "", 1, "", "")
	f.Add([]byte(`not json`), 2, "a\"b\\c\u2028", 65535, 1, 7, "x", 65535, "E", "\x00")
	f.Fuzz(func(t *testing.T, prev []byte, version int, worktree string, base, width, slot int, name string, port int, envName, envValue string) {
		r := Reservation{
			Version: version, Worktree: worktree, Base: base, Width: width, Slot: slot,
			Ports: []Port{{name, port}, {name + "2", base}},
			Env:   []EnvVar{{envName, envValue}},
		}
		checkMarshal(t, prev, r)
	})
}
