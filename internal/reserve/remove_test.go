package reserve

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRemove(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, FileName)
	if removed, err := Remove(root); removed || err != nil {
		t.Errorf("no file: Remove = %v, %v; want false, nil", removed, err)
	}
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if removed, err := Remove(root); !removed || err != nil {
		t.Errorf("a file: Remove = %v, %v; want true, nil", removed, err)
	}
	if _, err := os.Lstat(path); err == nil {
		t.Error("the file is still there")
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if removed, err := Remove(root); removed || err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: Remove = %v, %v; want a refusal", removed, err)
	}
	if _, err := os.Lstat(path); err != nil {
		t.Error("the directory was removed")
	}
}

func TestInUse(t *testing.T) {
	r := Reservation{Base: 21000, Width: 4, Ports: []Port{{Name: "far", Port: 30000}}}
	tests := []struct {
		bound []int
		want  int
		busy  bool
	}{
		{nil, 0, false},
		{[]int{21002, 21003}, 21002, true},
		{[]int{20999, 21004}, 0, false}, // next to the bundle
		{[]int{30000}, 0, false},        // a port outside the bundle is not the bundle's
	}
	for _, tt := range tests {
		if got, busy := r.InUse(boundSet(tt.bound)); got != tt.want || busy != tt.busy {
			t.Errorf("bound %v: InUse = %d, %v; want %d, %v", tt.bound, got, busy, tt.want, tt.busy)
		}
	}
}

// TestInUseMain: the main worktree's ports are its listed ones.
func TestInUseMain(t *testing.T) {
	r := Reservation{Main: true, Base: 3000, Width: 1, Ports: []Port{{Name: "web", Port: 3000}, {Name: "api", Port: 8000}}}
	if got, busy := r.InUse(boundSet{8000}); got != 8000 || !busy {
		t.Errorf("InUse with 8000 bound = %d, %v", got, busy)
	}
	if got, busy := r.InUse(boundSet{3001, 7999}); busy {
		t.Errorf("InUse with its neighbours bound = %d, %v", got, busy)
	}
}

// boundSet is a prober for InUse: the ports in it are bound, every other port is free.
type boundSet []int

// Bound reports whether port is in b.
func (b boundSet) Bound(port int) bool { return slices.Contains(b, port) }
