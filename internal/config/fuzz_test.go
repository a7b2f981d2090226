package config

import (
	"regexp"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
)

// FuzzParse checks that Parse never panics, and that whatever it accepts is
// a spec the allocator can use safely: every offset inside the bundle, the
// range inside 1024-65535 and at least one bundle wide, and templates that
// render.
// The regular expressions the spec states the rules in, as oracles for the hand-written
// checks the package uses.
var (
	envNameRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	serviceNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

func FuzzServiceName(f *testing.F) {
	for _, s := range []string{"api", "web-ui", "a.b_c", "-x", "_x", "", "é", "a b", "9", "a/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validServiceName(s), serviceNameRE.MatchString(s); got != want {
			t.Fatalf("validServiceName(%q) = %v, the regexp says %v", s, got, want)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("// a comment\n{\"range\": \"20000-29999\", \"width\": 10, /* c */ \"services\": {\"app\": {\"offset\": 0, \"env\": \"PORT\"}},}"))
	f.Add([]byte(`{"range": "8080", "width": 1, "services": {"x": 0}}`))
	f.Add([]byte(`{"services": {"api": {"offset": 0, "env": "API", "health": "/h"}, "web": 1}, "vars": {"U": "{{x}} {api}"}}`))
	f.Add([]byte("{\"a\": \"/* \\\" // */\", } // x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(FileName, data, nil)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse error %T is not *Error: %v", err, err)
			}
			return
		}
		s := c.Spec
		if s.Width < 1 || s.Width > bundle.MaxWidth {
			t.Fatalf("width %d accepted", s.Width)
		}
		if s.Range.Lo < 1024 || s.Range.Hi > 65535 || s.Range.Lo > s.Range.Hi {
			t.Fatalf("range %v accepted", s.Range)
		}
		if s.Slots() < 1 {
			t.Fatalf("range %v narrower than width %d accepted", s.Range, s.Width)
		}
		offsets := map[int]bool{}
		for _, sv := range s.Services {
			if sv.Offset < 0 || sv.Offset >= s.Width || offsets[sv.Offset] {
				t.Fatalf("offset %d of %q accepted with width %d", sv.Offset, sv.Name, s.Width)
			}
			offsets[sv.Offset] = true
			if !envNameRE.MatchString(sv.Env) {
				t.Fatalf("env name %q accepted", sv.Env)
			}
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted what Validate refuses: %v", err)
		}
		env, err := c.Env(TemplateData{Base: s.BaseOf(s.Slots() - 1), Slot: s.Slots() - 1})
		if err != nil {
			t.Fatalf("Env: %v", err)
		}
		names := map[string]bool{EnvRoot: true, EnvSlot: true}
		for _, e := range env {
			if names[e.Name] || !envNameRE.MatchString(e.Name) {
				t.Fatalf("env name %q duplicated or invalid", e.Name)
			}
			if _, refused := envname.Refused(e.Name); refused {
				t.Fatalf("env name %s accepted, though a committed file may not set it", e.Name)
			}
			names[e.Name] = true
		}
	})
}
