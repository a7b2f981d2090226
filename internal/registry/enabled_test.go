package registry

import (
	"strings"
	"testing"
)

func TestEnabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env, config string
		want        bool
		errHas      string
	}{
		{"", "", true, ""},
		{"0", "", false, ""},
		{"false", "", false, ""},
		{"off", "", false, ""},
		{"OFF", "", false, ""},
		{"no", "", false, ""},
		{"1", "", true, ""},
		{"on", "", true, ""},
		{"", "false", false, ""},
		{"", "False", false, ""},
		{"", "0", false, ""},
		{"", "true", true, ""},
		{"", "yes", true, ""},
		// The environment is the more specific, per-run choice.
		{"1", "false", true, ""},
		{"0", "true", false, ""},
		{"maybe", "", false, EnvCrossRepo},
		{"", "maybe", false, ConfigCrossRepo},
	}
	for _, tt := range tests {
		getenv := func(k string) string {
			if k == EnvCrossRepo {
				return tt.env
			}
			return ""
		}
		got, err := Enabled(getenv, tt.config)
		if tt.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("Enabled(env %q, config %q) error = %v, want one naming %s", tt.env, tt.config, err, tt.errHas)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Enabled(env %q, config %q) = %v, %v; want %v", tt.env, tt.config, got, err, tt.want)
		}
	}
}
