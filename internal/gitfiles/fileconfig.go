package gitfiles

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The config files git reads, read without git.
//
// The parser below is git's own (config.c: git_parse_source, get_base_var,
// get_extended_base_var, get_value, parse_value) written again in Go, for the same
// reason repoid.splitRemote is: go-git's decoder (plumbing/format/config, through
// gcfg) links encoding/gob, whose initialisation costs every start of the binary
// about 0.15 ms, `env` included, and it reads `key` (git's true) and `key =` (git's
// empty string) alike. TestConfigParserAgreesWithGoGit holds this parser to go-git's
// decoder where that one is sound, and TestFilesConfigAgreesWithGit to `git config`.

// maxConfigFile bounds a config file read directly; a larger one is left to git.
const maxConfigFile = 1 << 20

// configFile is one file of the chain and the entries read from it.
type configFile struct {
	path    string
	entries []fileEntry
	// repository marks the repository's own files (its config, and config.worktree):
	// the only ones git's setup reads core.worktree from (check_repo_format).
	repository bool
}

// fileEntry is one entry of a config file: its key as git prints it (section and name
// lower-cased, subsection as written) and its value; hasValue is false for a key
// written without "=", which git reads as boolean true.
type fileEntry struct {
	key      string
	value    string
	hasValue bool
}

// errConfigSyntax is returned by parseConfig for a file git would refuse, or one this
// parser does not take on (a NUL byte).
var errConfigSyntax = errors.New("bad config syntax")

// parseConfig parses a git config file as git does. It fails where git fails, and on
// NUL bytes, which git would read into a value that it then prints cut short.
func parseConfig(data []byte) ([]fileEntry, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%w: NUL byte", errConfigSyntax)
	}
	// git skips a UTF-8 byte order mark at the start and refuses a partial one.
	if rest, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		data = rest
	} else if len(data) > 0 && data[0] == 0xef {
		return nil, fmt.Errorf("%w: partial byte order mark", errConfigSyntax)
	}
	p := configParser{data: data, line: 1}
	return p.parse()
}

// configParser walks the bytes as git's get_next_char does: "\r\n" reads as "\n", and
// the end of the file reads as a final "\n" with eof set.
type configParser struct {
	data    []byte
	pos     int
	eof     bool
	line    int
	entries []fileEntry
}

func (p *configParser) next() byte {
	if p.pos >= len(p.data) {
		p.eof = true
		return '\n'
	}
	c := p.data[p.pos]
	p.pos++
	if c == '\r' && p.pos < len(p.data) && p.data[p.pos] == '\n' {
		p.pos++
		c = '\n'
	}
	if c == '\n' {
		p.line++
	}
	return c
}

func (p *configParser) fail(what string) error {
	return fmt.Errorf("%w: line %d: %s", errConfigSyntax, p.line, what)
}

func (p *configParser) parse() ([]fileEntry, error) {
	var section string // "" before the first header; git then refuses an entry
	haveSection := false
	comment := false
	for {
		c := p.next()
		switch {
		case c == '\n':
			if p.eof {
				return p.entries, nil
			}
			comment = false
			continue
		case comment:
			continue
		case gitSpace(c):
			continue
		case c == '#' || c == ';':
			comment = true
			continue
		case c == '[':
			name, err := p.baseVar()
			if err != nil {
				return nil, err
			}
			section, haveSection = name, true
			continue
		case !isAlpha(c):
			return nil, p.fail(fmt.Sprintf("unexpected %q", c))
		}
		if !haveSection {
			// git builds the key from an empty section: ".name". It reports such a key
			// as it is; nothing here reads one, so leave it to git.
			return nil, p.fail("entry before any section")
		}
		if err := p.value(section, lower(c)); err != nil {
			return nil, err
		}
	}
}

// baseVar reads a section header after its "[": "[name]" or `[name "subsection"]`,
// returning "name" (lower-cased) or "name.subsection".
func (p *configParser) baseVar() (string, error) {
	var name []byte
	for {
		c := p.next()
		if p.eof {
			return "", p.fail("unterminated section header")
		}
		if c == ']' {
			if len(name) == 0 {
				return "", p.fail("empty section name")
			}
			return string(name), nil
		}
		if gitSpace(c) {
			return p.extendedBaseVar(name, c)
		}
		if !isKeyChar(c) && c != '.' {
			return "", p.fail(fmt.Sprintf("bad section name character %q", c))
		}
		name = append(name, lower(c))
	}
}

func (p *configParser) extendedBaseVar(name []byte, c byte) (string, error) {
	for {
		if c == '\n' {
			return "", p.fail("unterminated section header")
		}
		c = p.next()
		if !gitSpace(c) {
			break
		}
	}
	if c != '"' {
		return "", p.fail(`section header: want "subsection"`)
	}
	name = append(name, '.')
	for {
		c := p.next()
		if c == '\n' {
			return "", p.fail("unterminated subsection")
		}
		if c == '"' {
			break
		}
		if c == '\\' {
			if c = p.next(); c == '\n' {
				return "", p.fail("unterminated subsection")
			}
		}
		name = append(name, c)
	}
	if p.next() != ']' {
		return "", p.fail("section header: want ]")
	}
	return string(name), nil
}

// value reads the rest of an entry's name (its first character is first) and its value.
func (p *configParser) value(section string, first byte) error {
	name := []byte{first}
	var c byte
	for {
		c = p.next()
		if p.eof || !isKeyChar(c) {
			break
		}
		name = append(name, lower(c))
	}
	for c == ' ' || c == '\t' {
		c = p.next()
	}
	e := fileEntry{key: section + "." + string(name)}
	if c != '\n' {
		if c != '=' {
			return p.fail(fmt.Sprintf("bad key %q", e.key))
		}
		v, err := p.parseValue()
		if err != nil {
			return err
		}
		e.value, e.hasValue = v, true
	}
	p.entries = append(p.entries, e)
	return nil
}

func (p *configParser) parseValue() (string, error) {
	var v []byte
	quote, comment, space := false, false, 0
	for {
		c := p.next()
		if c == '\n' {
			if quote {
				return "", p.fail("missing closing quote")
			}
			return string(v), nil
		}
		if comment {
			continue
		}
		if gitSpace(c) && !quote {
			if len(v) > 0 {
				space++
			}
			continue
		}
		if !quote && (c == ';' || c == '#') {
			comment = true
			continue
		}
		for ; space > 0; space-- {
			v = append(v, ' ')
		}
		if c == '\\' {
			switch c = p.next(); c {
			case '\n':
				continue
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'n':
				c = '\n'
			case '\\', '"':
			default:
				return "", p.fail(fmt.Sprintf("bad escape \\%c", c))
			}
			v = append(v, c)
			continue
		}
		if c == '"' {
			quote = !quote
			continue
		}
		v = append(v, c)
	}
}

// gitSpace is git's isspace: space, tab, newline and carriage return, and nothing else.
func gitSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isKeyChar(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' || c == '-' }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// gitBool reads a boolean as git_config_bool does: no value is true, "" is false, the
// words true/yes/on and false/no/off in any case, and otherwise an integer as
// git_config_int reads it (non-zero is true), which must fit git's int: git dies on
// 2147483648 or 99999999999999999999, so ok is false for them. A decimal with an
// optional sign and a k, m or g suffix (1024, 1024², 1024³) is read; what strtoimax
// reads otherwise (leading blanks, 0x, octal) is not, so ok is false there too and the
// caller leaves the answer to git.
func gitBool(value string, hasValue bool) (b, ok bool) {
	if !hasValue {
		return true, true
	}
	switch strings.ToLower(value) {
	case "":
		return false, true
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	n, ok := gitInt(value)
	return n != 0, ok
}

// gitInt reads a decimal int as git_parse_int does, with its unit suffixes and its
// range (a C int, 32 bits), and refuses what it would read otherwise or refuse.
func gitInt(value string) (int64, bool) {
	digits := strings.TrimLeft(value, "+-")
	if len(value)-len(digits) > 1 {
		return 0, false
	}
	factor := int64(1)
	if digits != "" {
		switch lower(digits[len(digits)-1]) {
		case 'k':
			factor = 1 << 10
		case 'm':
			factor = 1 << 20
		case 'g':
			factor = 1 << 30
		}
		if factor != 1 {
			digits = digits[:len(digits)-1]
		}
	}
	if digits == "" || len(digits) > 10 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false // octal and hex are read otherwise; more digits overflow
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	// git checks the value before it multiplies: |n| <= INT_MAX / factor.
	const maxInt = 1<<31 - 1
	if n > maxInt/factor {
		return 0, false
	}
	if value[0] == '-' {
		n = -n
	}
	return n * factor, true
}
