package gitfiles

import (
	"strings"
)

// `git -c` as git passes it to its children: GIT_CONFIG_PARAMETERS, read as git reads it.

// commandLine is the name of the chain's last "file": the entries of `git -c`, which git
// passes to its children (hooks among them) in GIT_CONFIG_PARAMETERS.
const commandLine = "command line (GIT_CONFIG_PARAMETERS)"

// parseConfigParameters reads GIT_CONFIG_PARAMETERS as git does
// (parse_config_env_list, sq_dequote_step, config_parse_pair and git_config_parse_key in
// git 2.39): single-quoted 'key'='value' pairs, or 'key'= for a key with no value, or an
// old-style 'key=value', separated by white space. Keys are put in git's case. Anything
// git would refuse, or read its own way, is an error.
func parseConfigParameters(env string) ([]fileEntry, error) {
	bogus := fallback("GIT_CONFIG_PARAMETERS=%q: not read directly", env)
	var out []fileEntry
	cur := env
	for cur != "" {
		key, rest, ok := sqDequoteStep(cur)
		if !ok {
			return nil, bogus
		}
		var e fileEntry
		switch {
		case rest == "" || gitSpace(rest[0]):
			// Old style, 'key=value': git splits it at the first "=" and trims the key.
			k, v, eq := strings.Cut(key, "=")
			k = strings.Trim(k, " \t\n\r")
			e = fileEntry{key: k, value: v, hasValue: eq}
		case rest[0] == '=':
			rest = rest[1:]
			e.key = key
			switch {
			case rest != "" && rest[0] == '\'':
				v, after, ok := sqDequoteStep(rest)
				if !ok || after != "" && !gitSpace(after[0]) {
					return nil, bogus
				}
				e.value, e.hasValue, rest = v, true, after
			case rest == "" || gitSpace(rest[0]):
			default:
				return nil, bogus
			}
		default:
			return nil, bogus
		}
		k, ok := canonicalKey(e.key)
		if !ok {
			return nil, bogus
		}
		e.key = k
		out = append(out, e)
		cur = strings.TrimLeft(rest, " \t\n\r")
	}
	return out, nil
}

// sqDequoteStep reads one single-quoted word at the start of s, as git's
// sq_dequote_step: quotes end and resume only around a backslash-escaped ' or !. It
// returns the word, what follows it, and whether s started with a well-formed word.
func sqDequoteStep(s string) (word, rest string, ok bool) {
	if s == "" || s[0] != '\'' {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; ; {
		j := strings.IndexByte(s[i:], '\'')
		if j < 0 {
			return "", "", false
		}
		b.WriteString(s[i : i+j])
		i += j + 1
		if i+2 < len(s) && s[i] == '\\' && (s[i+1] == '\'' || s[i+1] == '!') && s[i+2] == '\'' {
			b.WriteByte(s[i+1])
			i += 3
			continue
		}
		return b.String(), s[i:], true
	}
}

// canonicalKey checks a key as git_config_parse_key does and returns it in git's case:
// the section and the name lower-cased, the subsection as written.
func canonicalKey(key string) (string, bool) {
	last := strings.LastIndexByte(key, '.')
	if last <= 0 || last == len(key)-1 || strings.IndexByte(key, 0) >= 0 {
		return "", false
	}
	first := strings.IndexByte(key, '.')
	b := []byte(key)
	for i, c := range b {
		switch {
		case i < first || i > last:
			if !isKeyChar(c) || i == last+1 && !isAlpha(c) {
				return "", false
			}
			b[i] = lower(c)
		case c == '\n':
			return "", false
		}
	}
	return string(b), true
}

// commandLineKey reports whether key is one that, given with `git -c`, could change what git reads
// or where (the repository's format and layout, includes, ownership rules, the order of
// the worktree list): Files leaves those to git.
func commandLineKey(key string) bool {
	switch key {
	case "core.bare", "core.worktree", "core.ignorecase", "core.repositoryformatversion", "core.precomposeunicode":
		return true
	}
	for _, prefix := range []string{"extensions.", "include.", "includeif.", "safe."} {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}
