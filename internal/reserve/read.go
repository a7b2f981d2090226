package reserve

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/hosttemplate"
	"math"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// maxExact is the largest integer that every JSON reader (float64) keeps exact.
const maxExact = 1 << 53

// ErrOutOfBounds is wrapped by the *FileError of a reservation that is well-formed JSON
// but holds a base, width or port that no valid config produces. Read still returns its
// bytes, so allocate can rewrite its own such file keeping the user's fields.
var ErrOutOfBounds = errors.New("reservation outside what any config allows")

// FileError reports a reservation file that cannot be used. Its message is
// one line that names the file, so a caller can print it as a warning and
// skip the file.
type FileError struct {
	Path   string
	Reason string
	// Err is the underlying error, if any. A missing file wraps
	// fs.ErrNotExist, so errors.Is(err, fs.ErrNotExist) tells it apart.
	Err error
}

// Error returns the one-line warning, for example
// "skipping ../x/.worktree-ports.json: not a regular file (FIFO)", with control
// characters in the path escaped.
func (e *FileError) Error() string {
	return "skipping " + untrusted.New(e.Path).String() + ": " + e.Reason
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// Read reads the reservation file at path safely and leniently. It never
// blocks, never hangs and never writes.
//
// A symlink is followed, but anything that is not a regular file (FIFO,
// directory, device, socket, symlink loop) is refused without being opened.
// A file that is missing, empty, larger than MaxSize, unreadable, not valid
// JSON, not an object, or without a usable base and width gives a
// *FileError. A missing file's error satisfies errors.Is(err,
// fs.ErrNotExist).
//
// A reservation that parses but could not come from any valid config (see
// OutOfBounds) is refused too, with a *FileError that wraps ErrOutOfBounds.
//
// Read also returns the file's bytes, so a rewrite can keep the user's
// fields. They are returned whenever the file could be read, even when it
// does not parse.
func Read(path string) (Reservation, []byte, error) {
	return read(path, safefile.Read)
}

// ReadNoFollow is Read for another worktree's reservation, of this repository or any
// other: a symlink at path is refused, never followed (reason "not a regular file
// (symlink)"). The tool writes reservations only by renaming a regular file into place,
// so a symlink is never a reservation it wrote; followed, a committed
// `.worktree-ports.json` linking to a neighbour's file would count the neighbour's
// bundle a second time, as this worktree's, and move the neighbour off its own ports.
func ReadNoFollow(path string) (Reservation, []byte, error) {
	return read(path, safefile.ReadNoFollow)
}

func read(path string, readFile func(string, int64) ([]byte, error)) (Reservation, []byte, error) {
	data, err := readBounded(path, readFile)
	if err != nil {
		return Reservation{}, nil, err
	}
	r, err := Parse(path, data)
	if err != nil {
		return Reservation{}, data, err
	}
	if reason := r.OutOfBounds(); reason != "" {
		return Reservation{}, data, &FileError{Path: path, Reason: reason, Err: ErrOutOfBounds}
	}
	return r, data, nil
}

// OutOfBounds says why r could not have been written for any valid config, or returns
// "": a base below bundle.MinPort, a width above bundle.MaxWidth, a port below bundle.MinPort, or more ports
// than the bundle is wide (every service has its own offset below the width). Ports
// outside the bundle are allowed, since a main worktree may keep a project's usual ones.
func (r Reservation) OutOfBounds() string {
	switch {
	case r.Base < bundle.MinPort || r.Base > bundle.MaxPort:
		return fmt.Sprintf("base %d is outside %d-%d, where every config's range lies", r.Base, bundle.MinPort, bundle.MaxPort)
	case r.Width < 1 || r.Width > bundle.MaxWidth:
		return fmt.Sprintf("width %d is not one any config allows (1-%d)", r.Width, bundle.MaxWidth)
	case r.Base+r.Width-1 > bundle.MaxPort:
		return fmt.Sprintf("bundle %d+%d runs past port %d", r.Base, r.Width, bundle.MaxPort)
	case len(r.Ports) > r.Width && !r.Main:
		return fmt.Sprintf("%d ports listed for a bundle of width %d, more than any config has services", len(r.Ports), r.Width)
	case len(r.Leases) > MaxLeases:
		return fmt.Sprintf("%d leases listed, more than %d", len(r.Leases), MaxLeases)
	case len(r.Ports) > bundle.MaxWidth || r.Main && len(r.Ports) > bundle.MaxServices:
		// A main worktree's file lists one port per service, and a config has at most
		// bundle.MaxServices of them.
		return fmt.Sprintf("%d ports listed, more than any config has services", len(r.Ports))
	}
	for _, p := range r.Ports {
		if p.Port < bundle.MinPort || p.Port > bundle.MaxPort {
			return fmt.Sprintf("port %q = %d is outside %d-%d, where every config's range lies", p.Name, p.Port, bundle.MinPort, bundle.MaxPort)
		}
	}
	return ""
}

// readBounded returns at most MaxSize bytes of the regular file at path, refusing
// everything else before it could block (safefile.Read), as a *FileError.
func readBounded(path string, readFile func(string, int64) ([]byte, error)) ([]byte, error) {
	data, err := readFile(path, MaxSize)
	var se *safefile.Error
	if errors.As(err, &se) {
		return nil, &FileError{Path: path, Reason: se.Reason, Err: se.Err}
	}
	return data, err
}

// Parse parses the bytes of a reservation file. path only names the file in
// errors. Parse is lenient: it needs a JSON object with a base in 1-65535
// and a positive width that keeps the bundle within port 65535. Everything
// else is optional: a value of the wrong type is ignored, entries of
// "ports" that are not numbers are dropped, and for a key given twice the
// first one counts. Unknown keys and versions are accepted. A "ports" entry
// that is a number but not a port (0, -1, 70000, 2.5) is refused, wrapping
// ErrOutOfBounds: dropping it silently would hide a hostile or broken file.
// Parse checks only what the format can hold; Read also checks the values
// against every valid config (OutOfBounds).
func Parse(path string, data []byte) (Reservation, error) {
	fail := func(reason string) (Reservation, error) {
		return Reservation{}, &FileError{Path: path, Reason: reason}
	}
	if len(data) == 0 {
		return fail("empty")
	}
	if len(data) > MaxSize {
		return fail("larger than 1 MiB")
	}
	// encoding/json is the stricter validator; gjson then only walks
	// bytes that are known to be well-formed.
	if !json.Valid(data) {
		return fail("invalid or truncated JSON")
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return fail("not a JSON object")
	}
	fields := firstFields(root)

	var r Reservation
	base, ok := intValue(fields["base"])
	if !ok || base < 1 || base > bundle.MaxPort {
		return fail(`"base" missing or not a port number`)
	}
	width, ok := intValue(fields["width"])
	if !ok || width < 1 {
		return fail(`"width" missing or not a positive integer`)
	}
	if width > bundle.MaxPort+1-base {
		return fail(fmt.Sprintf("bundle %d+%d runs past port %d", base, width, bundle.MaxPort))
	}
	r.Base, r.Width = base, width
	parseDescriptive(&r, fields)
	ports, bad := parsePorts(fields["ports"])
	if bad != "" {
		return Reservation{}, &FileError{Path: path, Reason: bad, Err: ErrOutOfBounds}
	}
	r.Ports = ports
	r.Env = parseEnv(fields["env"])
	r.Leases = parseLeases(root)
	return r, nil
}

// parseDescriptive reads into r the members that say whose and what the file is, each
// left at its zero value when absent or of another type: version, slot, worktree, root,
// git_dir, main, host, approval and proof.
func parseDescriptive(r *Reservation, fields map[string]gjson.Result) {
	if v, ok := intValue(fields["version"]); ok && v >= 0 {
		r.Version = v
	}
	if v, ok := intValue(fields["slot"]); ok && v >= 0 {
		r.Slot = v
	}
	if w := fields["worktree"]; w.Type == gjson.String {
		r.Worktree = w.String()
	}
	r.Root = pathValue(fields["root"])
	r.GitDir = pathValue(fields["git_dir"])
	r.Main = fields["main"].Type == gjson.True
	if v := fields["approval"]; v.Type == gjson.String {
		r.Approval = v.String()
	}
	if v := fields["proof"]; v.Type == gjson.String {
		r.Proof = v.String()
	}
	// A host template that is not one is read as none: the default names.
	if v := fields["host"]; v.Type == gjson.String && hosttemplate.Check(v.String()) == nil {
		r.Host = v.String()
	}
}

// ourKeys are the keys this package owns, in the order Marshal appends them.
var ourKeys = []string{"version", "worktree", "root", "git_dir", "main", "base", "width", "slot", "ports", "env", "host", "approval", "proof"}

// pathValue returns v when it is a string holding an absolute, clean path, and ""
// otherwise: a path that is not one is treated as absent, so the file is read as one
// written before the field existed.
func pathValue(v gjson.Result) string {
	if v.Type != gjson.String {
		return ""
	}
	p := v.String()
	if !ValidPath(p) {
		return ""
	}
	return p
}

// ValidPath reports whether p can be recorded as a root or git directory: absolute,
// clean, valid UTF-8 and without NUL.
func ValidPath(p string) bool {
	return p != "" && utf8.ValidString(p) && !strings.ContainsRune(p, 0) &&
		filepath.IsAbs(p) && filepath.Clean(p) == p
}

func isOurKey(k string) bool {
	for _, o := range ourKeys {
		if k == o {
			return true
		}
	}
	return false
}

// firstFields returns the first value of each of our keys in obj. It walks
// the object itself rather than using gjson paths, so keys are compared
// after unescaping and never read as path syntax; Marshal walks the same
// way, so both agree on which duplicate counts.
func firstFields(obj gjson.Result) map[string]gjson.Result {
	m := make(map[string]gjson.Result, len(ourKeys))
	obj.ForEach(func(k, v gjson.Result) bool {
		name := k.String()
		if _, dup := m[name]; !dup && isOurKey(name) {
			m[name] = v
		}
		return true
	})
	return m
}

// intValue returns v as an int when it is a JSON number with an integral
// value that float64 holds exactly.
func intValue(v gjson.Result) (int, bool) {
	if v.Type != gjson.Number {
		return 0, false
	}
	f := v.Num
	if f != math.Trunc(f) || f < -maxExact || f > maxExact {
		return 0, false
	}
	return int(f), true
}

// parsePorts reads "ports", name to port number, the first of each name. A value that
// is not a number is skipped, as a field a newer version may give another form; a
// number that is not a port is bad, which says why.
func parsePorts(p gjson.Result) (ports []Port, bad string) {
	if !p.IsObject() {
		return nil, ""
	}
	seen := map[string]bool{}
	p.ForEach(func(k, v gjson.Result) bool {
		name := k.String()
		if seen[name] || v.Type != gjson.Number {
			return true
		}
		port, ok := intValue(v)
		if !ok || port < 1 || port > bundle.MaxPort {
			bad = fmt.Sprintf("port %q = %s is not a port number", name, v.Raw)
			return false
		}
		seen[name] = true
		ports = append(ports, Port{Name: name, Port: port})
		return true
	})
	if bad != "" {
		return nil, bad
	}
	return ports, ""
}

// parseEnv reads "env", name to value, the first of each name; a value that is neither
// a string nor a number is skipped.
func parseEnv(e gjson.Result) []EnvVar {
	if !e.IsObject() {
		return nil
	}
	var env []EnvVar
	seen := map[string]bool{}
	e.ForEach(func(k, v gjson.Result) bool {
		name := k.String()
		var val string
		switch v.Type {
		case gjson.String:
			val = v.String()
		case gjson.Number:
			val = v.Raw
		default:
			return true
		}
		if !seen[name] {
			seen[name] = true
			env = append(env, EnvVar{Name: name, Value: val})
		}
		return true
	})
	return env
}
