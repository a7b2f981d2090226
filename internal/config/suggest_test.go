package config

import "testing"

func TestUnknownKey(t *testing.T) {
	for _, c := range []struct{ key, want string }{
		{"servces", `unknown key (did you mean "services"? known: range, width, services)`},
		{"Range", `unknown key (did you mean "range"? known: range, width, services)`},
		{"widht", `unknown key (did you mean "width"? known: range, width, services)`},
		{"ports", "unknown key (known: range, width, services)"},
		{"x", "unknown key (known: range, width, services)"},
	} {
		if got := unknownKey(c.key, []string{"range", "width", "services"}); got != c.want {
			t.Errorf("unknownKey(%q) = %q, want %q", c.key, got, c.want)
		}
	}
	for _, c := range []struct{ key, want string }{
		{"ofset", "offset"}, {"helth", "health"}, {"evn", "env"}, {"xyz", ""},
	} {
		if got := nearest(c.key, ServiceKeys); got != c.want {
			t.Errorf("nearest(%q) = %q, want %q", c.key, got, c.want)
		}
	}
}
