package reserve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/hosttemplate"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// Marshal renders r as the content of a reservation file: a JSON object
// with a 2-space indent and a trailing newline.
//
// prev is the previous file's bytes and may be nil. When it is a valid JSON
// object, every key the user added is kept in place and in order, with its
// key and value byte for byte; our keys (version, worktree, root, git_dir,
// main, base, width, slot, ports, env, host, approval, proof) are replaced in place, a repeated one is
// dropped, and the missing ones are appended. root and git_dir are left out
// when empty, main when false, host, approval and proof when empty. An invalid prev is treated as nil.
//
// Marshal refuses a reservation that Parse would not read back unchanged:
// a base or width outside the port range, a negative version or slot, a
// port outside 1-65535, a repeated port or env name, a root or git_dir that
// is not an absolute, clean path, or a string that is not valid UTF-8.
func Marshal(prev []byte, r Reservation) ([]byte, error) {
	if err := validate(r); err != nil {
		return nil, err
	}
	ours := map[string]string{
		"version":  strconv.Itoa(r.Version),
		"worktree": quote(r.Worktree),
		"root":     quote(r.Root),
		"git_dir":  quote(r.GitDir),
		"main":     "true",
		"base":     strconv.Itoa(r.Base),
		"width":    strconv.Itoa(r.Width),
		"slot":     strconv.Itoa(r.Slot),
		"ports":    portsJSON(r.Ports),
		"env":      envJSON(r.Env),
		"host":     quote(r.Host),
		"approval": quote(r.Approval),
		"proof":    quote(r.Proof),
	}

	var members []string
	done := map[string]bool{}
	if len(prev) > 0 && json.Valid(prev) {
		if root := gjson.ParseBytes(prev); root.IsObject() {
			root.ForEach(func(k, v gjson.Result) bool {
				name := k.String()
				switch {
				case !isOurKey(name):
					members = append(members, "  "+k.Raw+": "+v.Raw)
				case !done[name]:
					done[name] = true
					if !omitted(name, r) {
						members = append(members, "  "+quote(name)+": "+ours[name])
					}
				}
				return true
			})
		}
	}
	for _, name := range ourKeys {
		if !done[name] && !omitted(name, r) {
			members = append(members, "  "+quote(name)+": "+ours[name])
		}
	}
	return []byte("{\n" + strings.Join(members, ",\n") + "\n}\n"), nil
}

// omitted reports whether key is left out of the file: root and git_dir when unknown,
// main unless it is the main worktree's file, host, approval and proof when empty.
func omitted(key string, r Reservation) bool {
	return key == "root" && r.Root == "" || key == "git_dir" && r.GitDir == "" || key == "main" && !r.Main ||
		key == "host" && r.Host == "" || key == "approval" && r.Approval == "" || key == "proof" && r.Proof == ""
}

func validate(r Reservation) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}
	if r.Version < 0 || r.Version > maxExact {
		bad("reservation: version %d out of range", r.Version)
	}
	if r.Base < 1 || r.Base > bundle.MaxPort {
		bad("reservation: base %d is not a port number", r.Base)
	} else if r.Width < 1 || r.Width > bundle.MaxPort+1-r.Base {
		bad("reservation: width %d does not fit above base %d", r.Width, r.Base)
	}
	if r.Slot < 0 || r.Slot > maxExact {
		bad("reservation: slot %d out of range", r.Slot)
	}
	if !utf8.ValidString(r.Worktree) || !utf8.ValidString(r.Approval) || !utf8.ValidString(r.Proof) {
		bad("reservation: worktree name %q is not valid UTF-8", r.Worktree)
	}
	if r.Host != "" {
		if err := hosttemplate.Check(r.Host); err != nil {
			bad("reservation: host %q: %v", r.Host, err)
		}
	}
	for _, p := range []struct{ key, val string }{{"root", r.Root}, {"git_dir", r.GitDir}} {
		if p.val != "" && !ValidPath(p.val) {
			bad("reservation: %s %q is not an absolute, clean, valid UTF-8 path", p.key, p.val)
		}
	}
	seen := map[string]bool{}
	for _, p := range r.Ports {
		switch {
		case !utf8.ValidString(p.Name):
			bad("reservation: port name %q is not valid UTF-8", p.Name)
		case seen[p.Name]:
			bad("reservation: port %q listed twice", p.Name)
		case p.Port < 1 || p.Port > bundle.MaxPort:
			bad("reservation: port %q = %d is not a port number", p.Name, p.Port)
		}
		seen[p.Name] = true
	}
	clear(seen)
	for _, e := range r.Env {
		switch {
		case !utf8.ValidString(e.Name) || !utf8.ValidString(e.Value):
			bad("reservation: env %q is not valid UTF-8", e.Name)
		case seen[e.Name]:
			bad("reservation: env %q listed twice", e.Name)
		}
		seen[e.Name] = true
	}
	return errors.Join(errs...)
}

func portsJSON(ports []Port) string {
	if len(ports) == 0 {
		return "{}"
	}
	var b strings.Builder
	b.WriteString("{")
	for i, p := range ports {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    " + quote(p.Name) + ": " + strconv.Itoa(p.Port))
	}
	b.WriteString("\n  }")
	return b.String()
}

func envJSON(env []EnvVar) string {
	if len(env) == 0 {
		return "{}"
	}
	var b strings.Builder
	b.WriteString("{")
	for i, e := range env {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    " + quote(e.Name) + ": " + quote(e.Value))
	}
	b.WriteString("\n  }")
	return b.String()
}

// quote renders s as a JSON string. HTML escaping is off because the file
// is read by people and shells, not embedded in HTML: "a&b" stays readable.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		// Encoding a string cannot fail.
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
