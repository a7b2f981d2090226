package composefile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"go.yaml.in/yaml/v4"

	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Port is one port of a compose service, in the fields of compose's long syntax.
type Port struct {
	Target                                               uint32
	Published, HostIP, Protocol, Mode, Name, AppProtocol string
}

// source is one compose file: its name relative to the top level, and its bytes.
type source struct {
	name string
	data []byte
}

// load returns each compose service's ports from the files, in -f order; one service's
// lists in several files add up, as compose merges them. Only "services.*.ports" is
// read, with compose's interpolation (${WEB_PORT:-3000}) from env and compose's own
// port syntax; the rest of the file is compose's business.
//
// compose-go's loader would read the whole project, but linking it costs every start of
// the tool (its JSON Schema is compiled in package initialisers: 3.8 ms against the
// tool's 0.4 ms for all its others), and env runs on every prompt. The tests check
// what this reads against the loader.
func load(files []source, env map[string]string) (map[string][]Port, error) {
	out := map[string][]Port{}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for _, f := range files {
		var doc yaml.Node
		if err := yaml.Unmarshal(f.data, &doc); err != nil {
			return nil, fmt.Errorf("compose file %s: %v", untrusted.New(f.name), err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		services := member(deref(doc.Content[0]), "services")
		if services == nil {
			continue
		}
		if services.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("compose file %s: services: not a mapping", untrusted.New(f.name))
		}
		for i := 0; i+1 < len(services.Content); i += 2 {
			name := services.Content[i].Value
			ports := member(deref(services.Content[i+1]), "ports")
			if ports == nil {
				continue
			}
			if ports.Kind != yaml.SequenceNode {
				return nil, fmt.Errorf("compose file %s: services.%s.ports: not a list", untrusted.New(f.name), untrusted.New(name))
			}
			for _, item := range ports.Content {
				ps, err := parsePort(deref(item), lookup)
				if err != nil {
					return nil, fmt.Errorf("compose file %s: services.%s.ports: %v", untrusted.New(f.name), untrusted.New(name), err)
				}
				for _, p := range ps {
					if !hasPort(out[name], p) {
						out[name] = append(out[name], p)
					}
				}
			}
		}
	}
	return out, nil
}

func hasPort(ps []Port, p Port) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

// deref follows a YAML alias (*anchor) to its node.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return deref(n.Content[0])
	}
	return n
}

// member returns the value of key in the mapping n, nil when absent.
func member(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// parsePort reads one item of a ports list: the short syntax
// [HOST_IP:][HOST_PORT[-RANGE]:]CONTAINER_PORT[-RANGE][/PROTOCOL], or the long one. A
// range of container ports with as many published ones becomes one port each, as
// compose does.
func parsePort(n *yaml.Node, lookup template.Mapping) ([]Port, error) {
	value := func(n *yaml.Node) (string, error) {
		if n.Kind != yaml.ScalarNode {
			return "", fmt.Errorf("%q is not a scalar", n.Value)
		}
		return template.Substitute(n.Value, lookup)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		s, err := value(n)
		if err != nil {
			return nil, err
		}
		return parseShort(s)
	case yaml.MappingNode:
		var p Port
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := value(deref(n.Content[i+1]))
			if err != nil {
				return nil, err
			}
			switch n.Content[i].Value {
			case "target":
				t, err := strconv.ParseUint(v, 10, 16)
				if err != nil {
					return nil, fmt.Errorf("target %q is not a port", v)
				}
				p.Target = uint32(t)
			case "published":
				p.Published = v
			case "host_ip":
				p.HostIP = v
			case "protocol":
				p.Protocol = v
			case "mode":
				p.Mode = v
			case "name":
				p.Name = v
			case "app_protocol":
				p.AppProtocol = v
			}
		}
		return []Port{p}, nil
	}
	return nil, fmt.Errorf("an item is neither a string nor a mapping")
}

func parseShort(s string) ([]Port, error) {
	var p Port
	rest := s
	if i := strings.LastIndex(rest, "/"); i >= 0 {
		rest, p.Protocol = rest[:i], rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]:")
		if end < 0 {
			return nil, fmt.Errorf("%q: an IPv6 address needs ]: after it to be a host address", s)
		}
		p.HostIP, rest = rest[1:end], rest[end+2:]
	}
	parts := strings.Split(rest, ":")
	var published, target string
	switch len(parts) {
	case 1:
		target = parts[0]
	case 2:
		published, target = parts[0], parts[1]
	case 3:
		if p.HostIP != "" {
			return nil, fmt.Errorf("%q: two host addresses", s)
		}
		p.HostIP, published, target = parts[0], parts[1], parts[2]
	default:
		return nil, fmt.Errorf("%q is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT", s)
	}
	tlo, thi, err := portRange(target)
	if err != nil {
		return nil, fmt.Errorf("%q: %v", s, err)
	}
	var out []Port
	plo, phi := 0, 0
	if published != "" {
		if plo, phi, err = portRange(published); err != nil {
			return nil, fmt.Errorf("%q: %v", s, err)
		}
	}
	for t := tlo; t <= thi; t++ {
		q := p
		q.Target = uint32(t)
		switch {
		case published == "":
		case phi-plo == thi-tlo:
			q.Published = strconv.Itoa(plo + t - tlo)
		default:
			q.Published = published // compose picks one of the range
		}
		out = append(out, q)
	}
	return out, nil
}

// portRange reads "3000" or "3000-3005".
func portRange(s string) (lo, hi int, err error) {
	a, b, isRange := strings.Cut(s, "-")
	if lo, err = strconv.Atoi(a); err != nil || lo < 0 || lo > 65535 {
		return 0, 0, fmt.Errorf("%q is not a port", s)
	}
	hi = lo
	if isRange {
		if hi, err = strconv.Atoi(b); err != nil || hi < lo || hi > 65535 {
			return 0, 0, fmt.Errorf("%q is not a port range", s)
		}
	}
	return lo, hi, nil
}
