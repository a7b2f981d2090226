package reserve

import (
	"strings"
	"testing"
)

// TestHostTemplate: the host template round-trips, a value that is not a template is
// read as none, and Marshal refuses to write one.
func TestHostTemplate(t *testing.T) {
	r := Reservation{Version: 1, Worktree: "x", Base: 21000, Width: 10, Ports: []Port{{Name: "app", Port: 21000}}, Host: "{worktree}.{service}.{repo}.localhost"}
	data, err := Marshal(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("f.json", data)
	if err != nil || got.Host != r.Host {
		t.Fatalf("Parse = %+v, %v; want host %q", got, err, r.Host)
	}
	bad := strings.Replace(string(data), ".localhost", ".example.com", 1)
	if got, err := Parse("f.json", []byte(bad)); err != nil || got.Host != "" {
		t.Fatalf("Parse(%s) = host %q, %v; want none", bad, got.Host, err)
	}
	r.Host = "{service}.evil.com"
	if _, err := Marshal(nil, r); err == nil || !strings.Contains(err.Error(), "host") {
		t.Fatalf("Marshal = %v, want an error naming host", err)
	}
}
