package reserve

import (
	"bytes"
	"testing"
	"time"
)

func TestParseLeases(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	defer func(f func() time.Time) { Now = f }(Now)
	Now = func() time.Time { return now }
	data := []byte(`{"base": 20000, "width": 10, "leases": {
		"a": {"port": 29990},
		"b": {"port": 29991, "expires": "2026-12-07T13:00:00Z"},
		"gone": {"port": 29992, "expires": "2026-12-07T11:59:59Z"},
		"now": {"port": 29993, "expires": "2026-12-07T12:00:00Z"},
		"low": {"port": 80},
		"text": {"port": "29994"},
		"badtime": {"port": 29995, "expires": "tomorrow"},
		"notobj": 29996,
		"a": {"port": 29997}
	}}`)
	r, err := Parse("f", data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Lease{{Name: "a", Port: 29990}, {Name: "b", Port: 29991, Expires: now.Add(time.Hour)}}
	if len(r.Leases) != len(want) {
		t.Fatalf("Leases = %+v, want %+v", r.Leases, want)
	}
	for i := range want {
		if r.Leases[i].Name != want[i].Name || r.Leases[i].Port != want[i].Port || !r.Leases[i].Expires.Equal(want[i].Expires) {
			t.Errorf("Leases[%d] = %+v, want %+v", i, r.Leases[i], want[i])
		}
	}
	for _, tt := range []struct {
		port int
		want bool
	}{{29990, true}, {29991, true}, {29992, false}, {29993, false}, {20009, true}, {20010, false}} {
		if got := r.Claimed(tt.port); got != tt.want {
			t.Errorf("Claimed(%d) = %v, want %v", tt.port, got, tt.want)
		}
	}
	other := Reservation{Base: 21000, Width: 10, Leases: []Lease{{Name: "x", Port: 29990}}}
	if !r.Overlaps(other) || !other.Overlaps(r) {
		t.Errorf("two leases of one port do not overlap")
	}
	if r.Overlaps(Reservation{Base: 21000, Width: 10, Leases: []Lease{{Name: "x", Port: 29999}}}) {
		t.Errorf("leases of two ports overlap")
	}
	if !r.Overlaps(Reservation{Base: 29990, Width: 10}) {
		t.Errorf("a bundle over a lease does not overlap it")
	}
}

func TestSetLeasesKeepsEverythingElse(t *testing.T) {
	prev := []byte("{\n  \"mine\": [1, 2],\n  \"base\": 20000,\n  \"width\": 10,\n  \"leases\": {\"old\": {\"port\": 29000}},\n  \"proof\": \"p\"\n}\n")
	exp := time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)
	got, err := SetLeases(prev, []Lease{{Name: "a", Port: 29990}, {Name: "b", Port: 29991, Expires: exp}})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"mine\": [1, 2],\n  \"base\": 20000,\n  \"width\": 10,\n  \"leases\": {\n    \"a\": {\"port\": 29990},\n    \"b\": {\"port\": 29991, \"expires\": \"2026-12-07T13:00:00Z\"}\n  },\n  \"proof\": \"p\"\n}\n"
	if string(got) != want {
		t.Errorf("SetLeases =\n%s\nwant\n%s", got, want)
	}
	// Marshal keeps them as they are, so an allocation's rewrite carries them.
	r, err := Parse("f", got)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Marshal(got, r)
	if err != nil || !bytes.Contains(again, []byte(`"a": {"port": 29990}`)) {
		t.Errorf("Marshal dropped the leases: %s (%v)", again, err)
	}
	none, err := SetLeases(got, nil)
	if err != nil || bytes.Contains(none, []byte("leases")) {
		t.Errorf("SetLeases(nil) = %s, %v", none, err)
	}
	if !bytes.Equal(WithoutLeases([]byte("not json")), []byte("not json")) {
		t.Errorf("WithoutLeases changed bytes it cannot read")
	}
	for _, bad := range [][]Lease{{{Name: "", Port: 29990}}, {{Name: "a", Port: 80}}, {{Name: "a", Port: 29990}, {Name: "a", Port: 29991}}} {
		if _, err := SetLeases(prev, bad); err == nil {
			t.Errorf("SetLeases(%+v) = nil error", bad)
		}
	}
}

func TestTooManyLeasesAreOutOfBounds(t *testing.T) {
	r := Reservation{Base: 20000, Width: 10}
	for i := 0; i <= MaxLeases; i++ {
		r.Leases = append(r.Leases, Lease{Name: string(rune('a' + i%26)), Port: 30000 + i})
	}
	if r.OutOfBounds() == "" {
		t.Errorf("%d leases are in bounds", len(r.Leases))
	}
}
