package stop

import "testing"

func TestEntryBelow(t *testing.T) {
	for _, c := range []struct {
		dir, path, want string
		ok              bool
	}{
		{"/src", "/src/app-old", "/src/app-old", true},
		{"/src", "/src/app-old/web/dist", "/src/app-old", true},
		{"/src", "/src/", "", false},
		{"/src", "/srcx/a", "", false},
		{"/src", "/other/a", "", false},
		{"/src", "/src/..x/a", "/src/..x", true},
	} {
		got, ok := entryBelow(c.dir, c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("entryBelow(%q, %q) = %q, %v; want %q, %v", c.dir, c.path, got, ok, c.want, c.ok)
		}
	}
}
