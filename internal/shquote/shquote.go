// Package shquote owns the one rule by which the tool quotes text for a POSIX shell: wrap
// it in single quotes, inside which the shell reads every byte literally, and write each
// single quote in the text as a closing quote, a backslash-escaped quote and an opening
// quote:
//
//	it's   'it'\''s'
//
// Quote is for text a shell will read: the binary's path in a hook, a value that
// `env` prints for eval. Word is for commands the tool prints for a user to paste
// (`git -C PATH ...`), which it keeps readable by leaving a plain word bare.
package shquote

import "strings"

// Quote returns s as one single-quoted word for any POSIX shell (sh, dash, bash, zsh,
// ksh).
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Word returns s as one shell word for a command a user may paste: bare when it holds
// only letters, digits and / . - _ (a usual path), otherwise Quote(s).
func Word(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !plain(r) }) < 0 {
		return s
	}
	return Quote(s)
}

func plain(r rune) bool {
	return r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}
