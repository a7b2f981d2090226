package bundle

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// defaultSpec mirrors config.Default: 20000-29999, width 10, 1000 slots.
var defaultSpec = Spec{
	Range:    Range{20000, 29999},
	Width:    10,
	Services: []Service{{Name: "app", Offset: 0, Env: "PORT"}},
}

// TestHashPinned pins the preferred-slot hash. These values were computed
// once (and checked against an independent FNV-1a implementation) and are
// hard-coded on purpose: if this test fails, every user's preferred slots
// have moved. Changing them is a breaking change; do not "fix" the table.
func TestHashPinned(t *testing.T) {
	tests := []struct {
		repoID, worktree string
		hash             uint64
		slot             int // Preferred over the default spec's 1000 slots
	}{
		{"github.com/acme/api", "main", 0x8dbb6657191a4f24, 148},
		{"github.com/acme/api", "feature-x", 0xc5a7b2246ecdff8c, 788},
		{"github.com/Acme/API", "main", 0xe8d37db3662cda64, 76},
		{"myrepo", "wt-1", 0x218cca307262b584, 308},
		{"myrepo", "wt-2", 0x218ccd307262ba9d, 941},
		{"github.com/acme/api", "ünïcødé-ブランチ", 0x678c3b146b3acade, 86},
		{"github.com/acme/api", "", 0x4eaad140d466d021, 401},
		{"", "", 0xaf63bd4c8601b7df, 455},
		// The NUL separator keeps these two apart.
		{"ab", "c", 0xfd61c083ef200867, 135},
		{"a", "bc", 0xab40f6820d40b523, 899},
	}
	if n := defaultSpec.Slots(); n != 1000 {
		t.Fatalf("default spec has %d slots, want 1000", n)
	}
	for _, tt := range tests {
		if got := Hash(tt.repoID, tt.worktree); got != tt.hash {
			t.Errorf("Hash(%q, %q) = %#x, want %#x", tt.repoID, tt.worktree, got, tt.hash)
		}
		if got := Preferred(tt.repoID, tt.worktree, defaultSpec.Slots()); got != tt.slot {
			t.Errorf("Preferred(%q, %q, 1000) = %d, want %d", tt.repoID, tt.worktree, got, tt.slot)
		}
	}
}

func TestPreferredNoSlots(t *testing.T) {
	for _, n := range []int{0, -1} {
		if got := Preferred("r", "w", n); got != 0 {
			t.Errorf("Preferred(slots=%d) = %d, want 0", n, got)
		}
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in      string
		want    Range
		wantErr string
	}{
		{"20000-29999", Range{20000, 29999}, ""},
		{"8080", Range{8080, 8080}, ""},
		{" 1024 - 2047 ", Range{1024, 2047}, ""},
		{"1-65535", Range{1, 65535}, ""},
		{"", Range{}, "not a port number"},
		{"abc", Range{}, "not a port number"},
		{"-5", Range{}, "not a port number"},
		{"5-", Range{}, "not a port number"},
		{"+5", Range{}, "not a port number"},
		{"1-2-3", Range{}, "not a port number"},
		{"0", Range{}, "outside 1-65535"},
		{"65536", Range{}, "outside 1-65535"},
		{"999999", Range{}, "not a port number"},
		{"30000-20000", Range{}, "30000 is above 20000"},
	}
	for _, tt := range tests {
		got, err := ParseRange(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRange(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRange(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestRangeString(t *testing.T) {
	for r, want := range map[Range]string{{1, 1}: "1", {20000, 29999}: "20000-29999"} {
		if got := r.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", r, got, want)
		}
	}
}

func TestSlots(t *testing.T) {
	tests := []struct {
		r     Range
		width int
		want  int
	}{
		{Range{20000, 29999}, 10, 1000},
		{Range{20000, 29999}, 7, 1428}, // 4 trailing ports unused
		{Range{8080, 8080}, 1, 1},
		{Range{8080, 8080}, 2, 0},
		{Range{20000, 20009}, 10, 1},
		{Range{20000, 29999}, 0, 0},
	}
	for _, tt := range tests {
		if got := (Spec{Range: tt.r, Width: tt.width}).Slots(); got != tt.want {
			t.Errorf("Slots(%v, width %d) = %d, want %d", tt.r, tt.width, got, tt.want)
		}
	}
}

func TestBaseOfSlotOf(t *testing.T) {
	s := Spec{Range: Range{20000, 20034}, Width: 10} // 3 slots, 5 ports unused
	tests := []struct {
		base int
		slot int
		ok   bool
	}{
		{20000, 0, true},
		{20010, 1, true},
		{20020, 2, true},
		{20030, 0, false}, // the bundle would run past Hi
		{20005, 0, false}, // not aligned
		{19990, 0, false}, // below Lo
		{30000, 0, false},
	}
	for _, tt := range tests {
		slot, ok := s.SlotOf(tt.base)
		if slot != tt.slot || ok != tt.ok {
			t.Errorf("SlotOf(%d) = %d, %v, want %d, %v", tt.base, slot, ok, tt.slot, tt.ok)
		}
		if ok && s.BaseOf(slot) != tt.base {
			t.Errorf("BaseOf(%d) = %d, want %d", slot, s.BaseOf(slot), tt.base)
		}
	}
	w1 := Spec{Range: Range{8080, 8080}, Width: 1}
	if slot, ok := w1.SlotOf(8080); !ok || slot != 0 || w1.BaseOf(0) != 8080 {
		t.Errorf("width 1: SlotOf(8080) = %d, %v", slot, ok)
	}
}

func TestPorts(t *testing.T) {
	s := Spec{Range: Range{20000, 29999}, Width: 10, Services: []Service{
		{Name: "web", Offset: 2, Env: "WEB_PORT"},
		{Name: "api", Offset: 0, Env: "API_PORT"},
	}}
	want := []Port{{"web", "WEB_PORT", 21342}, {"api", "API_PORT", 21340}}
	if got := s.Ports(21340); !reflect.DeepEqual(got, want) {
		t.Errorf("Ports = %v, want %v", got, want)
	}
}

func TestAvoided(t *testing.T) {
	s := Spec{Range: Range{1024, 65535}, Width: 10, Avoid: []Range{{21345, 21345}, {21400, 21499}}}
	tests := []struct {
		base int
		port int
		ok   bool
	}{
		{27010, 27017, true},   // DefaultAvoid MongoDB 27017-27019
		{27020, 0, false},      // just after it
		{27000, 0, false},      // just before it
		{3300, 3306, true},     // MySQL
		{6660, 6665, true},     // IRC range starts inside the bundle
		{6668, 6668, true},     // bundle starts inside the IRC range
		{21340, 21345, true},   // from Spec.Avoid
		{21490, 21490, true},   // inside a Spec.Avoid range
		{21500, 0, false},      // after it
		{20000, 0, false},      // nothing there
		{10075, 10080, true},   // browser-unsafe
		{24670, 24678, true},   // Vite HMR
		{1430, 1433, true},     // MSSQL
		{5430, 5432, true},     // PostgreSQL
		{26250, 26257, true},   // CockroachDB
		{28010, 28015, true},   // RethinkDB
		{15670, 15672, true},   // RabbitMQ management
		{15680, 0, false},      // nothing there
		{6000 - 10, 0, false},  // ends at 5999
		{6000 - 9, 6000, true}, // ends at 6000
	}
	for _, tt := range tests {
		port, ok := s.Avoided(tt.base)
		if port != tt.port || ok != tt.ok {
			t.Errorf("Avoided(%d) = %d, %v, want %d, %v", tt.base, port, ok, tt.port, tt.ok)
		}
	}
}

func TestDefaultAvoidWellFormed(t *testing.T) {
	for _, r := range DefaultAvoid {
		if r.Lo < 1024 || r.Hi > 65535 || r.Lo > r.Hi {
			t.Errorf("DefaultAvoid has bad range %v", r)
		}
	}
	// The spec names these; they must stay avoided.
	for _, p := range []int{3306, 5432, 5900, 6000, 6379, 6665, 6669, 27017, 9200} {
		if got, ok := (Spec{Width: 1}).Avoided(p); !ok || got != p {
			t.Errorf("port %d is not in DefaultAvoid", p)
		}
	}
}

// takenSet returns a predicate that reports the given bases as taken with
// kind.
func takenSet(kind string, bases ...int) func(int) Verdict {
	m := map[int]bool{}
	for _, b := range bases {
		m[b] = true
	}
	return func(base int) Verdict {
		if m[base] {
			return Verdict{Taken: true, Kind: kind, Detail: fmt.Sprintf("%s %d", kind, base)}
		}
		return Verdict{}
	}
}

func TestChoose(t *testing.T) {
	small := Spec{Range: Range{20000, 20049}, Width: 10} // 5 slots
	tests := []struct {
		name      string
		spec      Spec
		preferred int
		taken     func(int) Verdict
		want      Choice
	}{
		{
			name: "preferred free", spec: small, preferred: 2,
			taken: takenSet("reserved"),
			want:  Choice{Slot: 2, Base: 20020, Preferred: 2},
		},
		{
			name: "step past taken", spec: small, preferred: 1,
			taken: takenSet("reserved", 20010, 20020),
			want: Choice{Slot: 3, Base: 20030, Preferred: 1, Skipped: 2, FirstSkips: []Skip{
				{1, 20010, "reserved", "reserved 20010"},
				{2, 20020, "reserved", "reserved 20020"},
			}},
		},
		{
			name: "wrap around", spec: small, preferred: 3,
			taken: takenSet("bound", 20030, 20040),
			want: Choice{Slot: 0, Base: 20000, Preferred: 3, Skipped: 2, FirstSkips: []Skip{
				{3, 20030, "bound", "bound 20030"},
				{4, 20040, "bound", "bound 20040"},
			}},
		},
		{
			name: "only FirstSkips are capped", spec: small, preferred: 0,
			taken: takenSet("reserved", 20000, 20010, 20020, 20030),
			want: Choice{Slot: 4, Base: 20040, Preferred: 0, Skipped: 4, FirstSkips: []Skip{
				{0, 20000, "reserved", "reserved 20000"},
				{1, 20010, "reserved", "reserved 20010"},
				{2, 20020, "reserved", "reserved 20020"},
			}},
		},
		{
			name: "avoided slots skipped", spec: Spec{Range: Range{27000, 27049}, Width: 10}, preferred: 1,
			taken: takenSet("reserved"),
			want: Choice{Slot: 2, Base: 27020, Preferred: 1, Skipped: 1, FirstSkips: []Skip{
				{1, 27010, KindAvoided, "port 27017 is avoided"},
			}},
		},
		{
			name: "config avoid", spec: Spec{Range: Range{20000, 20049}, Width: 10, Avoid: []Range{{20005, 20005}}}, preferred: 0,
			taken: takenSet("reserved"),
			want: Choice{Slot: 1, Base: 20010, Preferred: 0, Skipped: 1, FirstSkips: []Skip{
				{0, 20000, KindAvoided, "port 20005 is avoided"},
			}},
		},
		{
			name: "empty kind counts as taken", spec: small, preferred: 0,
			taken: func(b int) Verdict { return Verdict{Taken: b == 20000} },
			want: Choice{Slot: 1, Base: 20010, Preferred: 0, Skipped: 1, FirstSkips: []Skip{
				{0, 20000, "taken", ""},
			}},
		},
		{
			name: "preferred out of range is reduced", spec: small, preferred: 7,
			taken: takenSet("reserved"),
			want:  Choice{Slot: 2, Base: 20020, Preferred: 2},
		},
		{
			name: "negative preferred is reduced", spec: small, preferred: -1,
			taken: takenSet("reserved"),
			want:  Choice{Slot: 4, Base: 20040, Preferred: 4},
		},
		{
			name: "width 1", spec: Spec{Range: Range{20000, 20002}, Width: 1}, preferred: 2,
			taken: takenSet("bound", 20002),
			want: Choice{Slot: 0, Base: 20000, Preferred: 2, Skipped: 1, FirstSkips: []Skip{
				{2, 20002, "bound", "bound 20002"},
			}},
		},
		{
			name: "width 1 single port", spec: Spec{Range: Range{20000, 20000}, Width: 1}, preferred: 0,
			taken: takenSet("bound"),
			want:  Choice{Slot: 0, Base: 20000, Preferred: 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Choose(tt.spec, tt.preferred, tt.taken)
			if err != nil {
				t.Fatalf("Choose: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Choose =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestChooseAvoidedNotAsked(t *testing.T) {
	s := Spec{Range: Range{27010, 27029}, Width: 10}
	var asked []int
	_, err := Choose(s, 0, func(b int) Verdict { asked = append(asked, b); return Verdict{} })
	if err != nil || !reflect.DeepEqual(asked, []int{27020}) {
		t.Errorf("taken asked about %v (err %v), want only 27020", asked, err)
	}
}

func TestChooseExhausted(t *testing.T) {
	tests := []struct {
		name    string
		spec    Spec
		taken   func(int) Verdict
		want    ExhaustedError
		wantMsg string
	}{
		{
			name: "mixed kinds",
			spec: Spec{Range: Range{27000, 27049}, Width: 10}, // slot 1 overlaps MongoDB
			taken: func(b int) Verdict {
				if b == 27000 {
					return Verdict{Taken: true, Kind: "bound"}
				}
				return Verdict{Taken: true, Kind: "reserved"}
			},
			want:    ExhaustedError{Slots: 5, ByKind: map[string]int{"avoided": 1, "bound": 1, "reserved": 3}},
			wantMsg: "all 5 slots are taken: 1 avoided, 1 bound, 3 reserved",
		},
		{
			name:    "width 1 single port taken",
			spec:    Spec{Range: Range{20000, 20000}, Width: 1},
			taken:   func(int) Verdict { return Verdict{Taken: true, Kind: "bound"} },
			want:    ExhaustedError{Slots: 1, ByKind: map[string]int{"bound": 1}},
			wantMsg: "the only slot is taken: 1 bound",
		},
		{
			name:    "no slots",
			spec:    Spec{Range: Range{20000, 20004}, Width: 10},
			taken:   func(int) Verdict { return Verdict{} },
			want:    ExhaustedError{Slots: 0, ByKind: map[string]int{}},
			wantMsg: "all 0 slots are taken",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Choose(tt.spec, 0, tt.taken)
			var ee *ExhaustedError
			if !errors.As(err, &ee) {
				t.Fatalf("Choose error = %v, want *ExhaustedError", err)
			}
			if !reflect.DeepEqual(*ee, tt.want) {
				t.Errorf("ExhaustedError = %+v, want %+v", *ee, tt.want)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestRangeWidened(t *testing.T) {
	for _, tt := range []struct{ in, want Range }{
		{Range{20000, 29999}, Range{20000, 39999}},
		{Range{31100, 31119}, Range{31100, 31139}},
		{Range{60000, 64999}, Range{55536, 65535}},
		{Range{65000, 65535}, Range{64464, 65535}},
		{Range{1024, 65535}, Range{1024, 65535}},
		{Range{2000, 65000}, Range{1024, 65535}},
		{Range{8080, 8080}, Range{8080, 8081}},
	} {
		if got := tt.in.Widened(); got != tt.want {
			t.Errorf("%v.Widened() = %v, want %v", tt.in, got, tt.want)
		}
	}
}
