package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestStarterServices(t *testing.T) {
	tests := []struct {
		specs []string
		want  []StarterService
		bad   string // in the error, "" for none
	}{
		{nil, []StarterService{{"api", 0}, {"web", 1}}, ""},
		{[]string{"api", "web", "db=5"}, []StarterService{{"api", 0}, {"web", 1}, {"db", 5}}, ""},
		{[]string{"db=0", "api"}, []StarterService{{"db", 0}, {"api", 1}}, ""},
		{[]string{"a", "b=0", "c"}, []StarterService{{"a", 1}, {"b", 0}, {"c", 2}}, ""},
		{[]string{"a=1", "b=1"}, nil, `"b=1": offset 1 is already used`},
		{[]string{"=3"}, nil, `"=3": empty name`},
		{[]string{"a=-1"}, nil, `"a=-1": offset must be a number >= 0`},
		{[]string{"a=x"}, nil, `"a=x": offset must be a number >= 0`},
	}
	for _, tt := range tests {
		got, err := StarterServices(tt.specs)
		switch {
		case tt.bad != "":
			if err == nil || err.Error() != tt.bad {
				t.Errorf("StarterServices(%q) = %v, %v; want error %q", tt.specs, got, err, tt.bad)
			}
		case err != nil || !reflect.DeepEqual(got, tt.want):
			t.Errorf("StarterServices(%q) = %v, %v; want %v", tt.specs, got, err, tt.want)
		}
	}
}

// TestStarter checks what the starter file holds beyond what the loader accepts (the
// schema test in cmd checks that): the services in order, a width that fits the largest
// offset, and the URL var named after the first service.
func TestStarter(t *testing.T) {
	text := Starter([]StarterService{{"web-ui", 12}, {"db", 0}})
	c, err := Parse(FileName, []byte(text), nil)
	if err != nil {
		t.Fatalf("the loader refuses the starter file: %v\n%s", err, text)
	}
	if c.Spec.Width != 13 {
		t.Errorf("width %d, want 13 (offset 12 fits)", c.Spec.Width)
	}
	if len(c.Spec.Services) != 2 || c.Spec.Services[0].Name != "web-ui" || c.Spec.Services[0].Offset != 12 || c.Spec.Services[1].Name != "db" {
		t.Errorf("services %+v, want web-ui at 12, then db", c.Spec.Services)
	}
	if !strings.Contains(text, `"WEB_UI_URL": "http://localhost:{web-ui}"`) {
		t.Errorf("no WEB_UI_URL var for the first service:\n%s", text)
	}
	if !strings.Contains(Starter([]StarterService{{"api", 0}}), `"width": 10,`) {
		t.Errorf("a starter with small offsets does not keep the default width 10")
	}
}
