package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/hosttemplate"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/devserver"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Parse parses and validates the config file contents data. file is used
// only in errors and as Config.Source. Keys the file leaves out take their
// defaults; a file without "services" gets the default service, "app"
// exported as PORT. Every error is an *Error that names file and the key.
//
// An env name that envname refuses (MAILPATH, LD_PRELOAD, ...) is an error
// unless allow, which comes from the user's own git config (AllowEnv), has
// it: the file itself can never allow one.
func Parse(file string, data []byte, allow envname.Allow) (Config, error) {
	p := parser{file: file, allow: allow}
	c, err := p.parse(data)
	if err != nil {
		return Config{}, err
	}
	return c, nil
}

type parser struct {
	file  string
	allow envname.Allow
}

func (p *parser) errorf(key, format string, args ...any) error {
	return &Error{File: p.file, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parse(data []byte) (Config, error) {
	root, err := p.document(data)
	if err != nil {
		return Config{}, err
	}
	c := Default()
	c.Source = p.file
	c.allow = p.allow
	c.Spec.Services = nil
	haveServices := false
	err = p.object(root, "", func(key string, v gjson.Result) error {
		if key == "services" {
			haveServices = true
		}
		return p.member(&c, key, v)
	})
	if err != nil {
		return Config{}, err
	}
	if !haveServices {
		c.Spec.Services = defaultServices()
	}
	c.defaultServices = !haveServices
	c.Digest = DigestOf(data)
	if k, msg := c.check(); msg != "" {
		return Config{}, p.errorf(k, "%s", msg)
	}
	return c, nil
}

// document strips the comments from data and returns the JSON object it holds, with
// an error that says where the syntax breaks, or that names a control character.
func (p *parser) document(data []byte) (gjson.Result, error) {
	clean, err := stripJSONC(data)
	if err != nil {
		return gjson.Result{}, &Error{File: p.file, Msg: err.Error()}
	}
	if strings.TrimSpace(string(clean)) == "" {
		return gjson.Result{}, p.errorf("", "file is empty; it must hold a JSON object")
	}
	// encoding/json validates strictly and says where the syntax breaks;
	// gjson then walks the valid document in file order, duplicates and all.
	if !json.Valid(clean) {
		var v any
		err := json.Unmarshal(clean, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the bytes read, the offending one included.
			line, col := position(data, max(int(se.Offset)-1, 0))
			return gjson.Result{}, p.errorf("", "line %d, column %d: %v", line, col, se)
		}
		return gjson.Result{}, p.errorf("", "not valid JSON")
	}
	root := gjson.ParseBytes(clean)
	if !root.IsObject() {
		return gjson.Result{}, p.errorf("", "must be a JSON object, not %s", typeName(root))
	}
	if err := p.controls(root, ""); err != nil {
		return gjson.Result{}, err
	}
	return root, nil
}

// member reads one top-level key of the file into c: the table of the file's keys.
func (p *parser) member(c *Config, key string, v gjson.Result) error {
	switch key {
	case "range":
		r, err := p.rangeValue(key, v)
		c.Spec.Range, c.FileRange = r, r
		return err
	case "width":
		n, err := p.integer(key, v)
		if err != nil {
			return err
		}
		c.Spec.Width = n
	case "services":
		return p.object(v, key, func(name string, v gjson.Result) error {
			sv, err := p.service("services."+name, name, v)
			c.Spec.Services = append(c.Spec.Services, sv)
			return err
		})
	case "avoid":
		avoid, err := p.avoid(key, v)
		c.Spec.Avoid = avoid
		return err
	case "vars":
		vars, err := p.vars(key, v)
		c.Vars = vars
		return err
	case "dotenv":
		files, err := p.dotenv(key, v)
		c.Dotenv = files
		return err
	case "exec":
		assigns, err := p.exec(key, v)
		c.Exec = assigns
		return err
	case "host":
		host, err := p.host(key, v)
		c.Host = host
		return err
	case "mainBranch":
		return p.mainBranch(c, key, v)
	case "$schema":
		// For editors (SchemaURL); the tool has nothing to check against it.
		if v.Type != gjson.String {
			return p.errorf(key, "must be the URL of the JSON Schema, a string, not %s", typeName(v))
		}
	default:
		if strings.EqualFold(key, "allowEnv") {
			return p.errorf(key, "a committed file cannot allow env names; each user allows one for themselves with `git config --global --add %s NAME`", AllowEnvSetting.Key)
		}
		return p.errorf(key, "%s", unknownKey(key, Keys))
	}
	return nil
}

// rangeValue reads "range": "LO-HI".
func (p *parser) rangeValue(key string, v gjson.Result) (bundle.Range, error) {
	if v.Type != gjson.String {
		return bundle.Range{}, p.errorf(key, "must be a string like %q, not %s", DefaultRange, typeName(v))
	}
	r, err := bundle.ParseRange(v.Str)
	if err != nil {
		return bundle.Range{}, p.errorf(key, "%v", err)
	}
	return r, nil
}

// vars reads "vars": name -> template, in file order.
func (p *parser) vars(key string, v gjson.Result) ([]Var, error) {
	var vars []Var
	err := p.object(v, key, func(name string, v gjson.Result) error {
		if v.Type != gjson.String {
			return p.errorf(key+"."+name, "must be a template string, not %s", typeName(v))
		}
		vars = append(vars, Var{Name: name, Template: v.Str})
		return nil
	})
	return vars, err
}

// host reads "host": a template of the services' host names (package hosttemplate).
func (p *parser) host(key string, v gjson.Result) (string, error) {
	if v.Type != gjson.String {
		return "", p.errorf(key, "must be a host name template like %q, not %s", hosttemplate.Default, typeName(v))
	}
	if err := hosttemplate.Check(v.Str); err != nil {
		return "", p.errorf(key, "%q: %v", v.Str, err)
	}
	return v.Str, nil
}

// exec reads "exec": which service's port a program, a program's second port or a
// package.json script gets (devserver.CheckKey says which keys are known).
func (p *parser) exec(key string, v gjson.Result) ([]ExecAssign, error) {
	assigns := []ExecAssign{}
	err := p.object(v, key, func(name string, v gjson.Result) error {
		k := key + "." + name
		if v.Type != gjson.String {
			return p.errorf(k, "must be a service name, a string, not %s", typeName(v))
		}
		if msg := devserver.CheckKey(name); msg != "" {
			return p.errorf(k, "%s", msg)
		}
		assigns = append(assigns, ExecAssign{Key: name, Service: v.Str})
		return nil
	})
	return assigns, err
}

// avoid reads "avoid": ports and "lo-hi" ranges.
func (p *parser) avoid(key string, v gjson.Result) ([]bundle.Range, error) {
	if !v.IsArray() {
		return nil, p.errorf(key, "must be an array of ports and \"lo-hi\" ranges, not %s", typeName(v))
	}
	var out []bundle.Range
	for i, item := range v.Array() {
		r, err := p.avoidItem(fmt.Sprintf("avoid[%d]", i), item)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// dotenv reads "dotenv": file paths, which checkDotenv checks once the file is read.
// An empty list is not nil: the file said there are none.
func (p *parser) dotenv(key string, v gjson.Result) ([]string, error) {
	if !v.IsArray() {
		return nil, p.errorf(key, "must be an array of file paths relative to the worktree's top level, not %s", typeName(v))
	}
	files := []string{}
	for i, item := range v.Array() {
		if item.Type != gjson.String {
			return nil, p.errorf(fmt.Sprintf("dotenv[%d]", i), "must be a file path, a string, not %s", typeName(item))
		}
		files = append(files, item.Str)
	}
	return files, nil
}

// object calls fn for each member of the JSON object v, in file order. It
// refuses a non-object and a key seen twice: encoding/json would silently
// keep the last one, hiding a mistake.
func (p *parser) object(v gjson.Result, path string, fn func(key string, v gjson.Result) error) error {
	if !v.IsObject() {
		return p.errorf(path, "must be an object, not %s", typeName(v))
	}
	seen := map[string]bool{}
	var err error
	v.ForEach(func(k, val gjson.Result) bool {
		key := join(path, k.Str)
		if seen[k.Str] {
			err = p.errorf(key, "duplicate key")
			return false
		}
		seen[k.Str] = true
		err = fn(k.Str, val)
		return err == nil
	})
	return err
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// service parses one member of "services": an offset, or an object with
// "offset" and optional "env" and "health".
func (p *parser) service(key, name string, v gjson.Result) (bundle.Service, error) {
	sv := bundle.Service{Name: name, Env: DefaultEnvName(name)}
	if v.Type == gjson.Number {
		n, err := p.integer(key, v)
		sv.Offset = n
		return sv, err
	}
	if !v.IsObject() {
		return sv, p.errorf(key, "must be an offset or an object with \"offset\", not %s", typeName(v))
	}
	haveOffset := false
	err := p.object(v, key, func(k string, v gjson.Result) error {
		var err error
		switch k {
		case "offset":
			haveOffset = true
			sv.Offset, err = p.integer(key+".offset", v)
		case "env":
			sv.Env, err = p.str(key+".env", v)
		case "health":
			sv.Health, err = p.str(key+".health", v)
		case "main":
			sv.Main, err = p.integer(key+".main", v)
			if err == nil && (sv.Main < bundle.MinPort || sv.Main > bundle.MaxPort) {
				err = p.errorf(key+".main", "port %d is outside %d-%d", sv.Main, bundle.MinPort, bundle.MaxPort)
			}
		default:
			err = p.errorf(key+"."+k, "%s", unknownKey(k, ServiceKeys))
		}
		return err
	})
	if err == nil && !haveOffset {
		err = p.errorf(key+".offset", "missing")
	}
	return sv, err
}

func (p *parser) avoidItem(key string, v gjson.Result) (bundle.Range, error) {
	switch v.Type {
	case gjson.Number:
		n, err := p.integer(key, v)
		if err != nil {
			return bundle.Range{}, err
		}
		if n < 1 || n > bundle.MaxPort {
			return bundle.Range{}, p.errorf(key, "port %d is outside 1-%d", n, bundle.MaxPort)
		}
		return bundle.Range{Lo: n, Hi: n}, nil
	case gjson.String:
		r, err := bundle.ParseRange(v.Str)
		if err != nil {
			return bundle.Range{}, p.errorf(key, "%v", err)
		}
		return r, nil
	}
	return bundle.Range{}, p.errorf(key, "must be a port or a \"lo-hi\" string, not %s", typeName(v))
}

// integer reads an integer. gjson would read 1.5 or 1e3 as a float and
// truncate; the raw text is checked instead so those are refused.
func (p *parser) integer(key string, v gjson.Result) (int, error) {
	if v.Type != gjson.Number {
		return 0, p.errorf(key, "must be an integer, not %s", typeName(v))
	}
	n, err := strconv.Atoi(v.Raw)
	if err != nil || n < -1<<31 || n > 1<<31-1 {
		return 0, p.errorf(key, "%s is not an integer in a sensible range", v.Raw)
	}
	return n, nil
}

func (p *parser) str(key string, v gjson.Result) (string, error) {
	if v.Type != gjson.String {
		return "", p.errorf(key, "must be a string, not %s", typeName(v))
	}
	return v.Str, nil
}

// typeName names a JSON value's type for error messages.
func typeName(v gjson.Result) string {
	switch v.Type {
	case gjson.Null:
		return "null"
	case gjson.False, gjson.True:
		return "a boolean"
	case gjson.Number:
		return "a number"
	case gjson.String:
		return "a string"
	}
	if v.IsArray() {
		return "an array"
	}
	return "an object"
}

// controls refuses a control or bidi character (untrusted.Control) in any key or string
// value of the document, naming the key: a config arrives with `git pull`, and such a
// value, printed by env, could move the cursor and hide a line from whoever reads the
// output before eval'ing it. Every string counts, $schema and keys the tool would reject
// anyway included, so no later change can let one through.
func (p *parser) controls(v gjson.Result, path string) error {
	var err error
	switch {
	case v.IsObject():
		v.ForEach(func(k, val gjson.Result) bool {
			key := k.Str
			if path != "" {
				key = path + "." + k.Str
			}
			if r, bad := untrusted.Control(k.Str); bad {
				err = p.errorf(key, "the key holds control character %s, which can hide text on a terminal", untrusted.ControlText(r))
				return false
			}
			err = p.controls(val, key)
			return err == nil
		})
	case v.IsArray():
		i := 0
		v.ForEach(func(_, val gjson.Result) bool {
			err = p.controls(val, fmt.Sprintf("%s[%d]", path, i))
			i++
			return err == nil
		})
	case v.Type == gjson.String:
		if r, bad := untrusted.Control(v.Str); bad {
			err = p.errorf(path, "the value holds control character %s, which can hide text on a terminal", untrusted.ControlText(r))
		}
	}
	return err
}

// mainBranch reads "mainBranch": a branch's short name, whose worktree keeps the main
// ports (Config.MainBranch).
func (p *parser) mainBranch(c *Config, key string, v gjson.Result) error {
	if v.Type != gjson.String || v.Str == "" || strings.ContainsAny(v.Str, " \t\n~^:?*[\\") || strings.HasPrefix(v.Str, "refs/") {
		return p.errorf(key, "must be a branch name such as \"main\" (the worktree on it keeps the main ports), not %s", strings.TrimSpace(v.Raw))
	}
	c.MainBranch = v.Str
	return nil
}
