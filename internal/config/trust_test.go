package config

import (
	"reflect"
	"testing"
)

func TestBeyondAndPortsOnly(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		kinds   []string // of Beyond, in order
		summary string
		envs    []string // the ports-only config's env names
	}{
		{name: "no services key: PORT is the tool's own", in: `{}`, envs: []string{"PORT"}},
		{name: "services by the rule", in: `{"services": {"api": 0, "web-ui": 1}}`, envs: []string{"API_PORT", "WEB_UI_PORT"}},
		{name: "an env equal to the rule's asks nothing", in: `{"services": {"api": {"offset": 0, "env": "API_PORT"}}}`, envs: []string{"API_PORT"}},
		{
			name:    "everything",
			in:      `{"services": {"api": {"offset": 0, "env": "API", "main": 8000}, "web": {"offset": 1, "main": 3000}}, "vars": {"U": "{api}"}, "dotenv": [".env"]}`,
			kinds:   []string{"env", "main", "main", "vars", "dotenv"},
			summary: "custom env names, vars, dotenv files, main ports",
			envs:    []string{"API_PORT", "WEB_PORT"},
		},
		{name: "vars alone", in: `{"vars": {"U": "x"}}`, kinds: []string{"vars"}, summary: "vars", envs: []string{"PORT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("f", []byte(tt.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, a := range c.Beyond() {
				kinds = append(kinds, a.Kind)
			}
			if !reflect.DeepEqual(kinds, tt.kinds) || c.BeyondSummary() != tt.summary {
				t.Errorf("Beyond = %q, %q; want %q, %q", kinds, c.BeyondSummary(), tt.kinds, tt.summary)
			}
			p := c.PortsOnly()
			var envs []string
			for _, sv := range p.Spec.Services {
				envs = append(envs, sv.Env)
				if sv.Main != 0 {
					t.Errorf("PortsOnly keeps main port %d", sv.Main)
				}
			}
			if !reflect.DeepEqual(envs, tt.envs) || p.Vars != nil || p.Dotenv != nil || len(p.Beyond()) != 0 {
				t.Errorf("PortsOnly = %q, vars %v, dotenv %v", envs, p.Vars, p.Dotenv)
			}
			if p.Unapproved != (len(tt.kinds) > 0) || p.Digest != c.Digest || p.Spec.Width != c.Spec.Width || p.Spec.Range != c.Spec.Range {
				t.Errorf("PortsOnly changed more than it should: %+v", p)
			}
		})
	}
}
