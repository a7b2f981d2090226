// Package slug turns names (a repository, a worktree directory, a branch) into the form
// other tools accept as names of their own: docker compose project names, database
// names, DNS labels such as <worktree>.<repo>.localhost. A slug is lower-case
// [a-z0-9-], starts and ends with a letter or digit, is at most MaxLen bytes long, is
// never empty, and depends only on its input, so every machine computes the same one.
// Its underscore form (Underscore) is for the names that refuse "-": databases, schemas.
package slug

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// MaxLen is the longest slug: a DNS label's limit, and PostgreSQL's identifier limit.
const MaxLen = 63

// Make returns the slug of name. Letters and digits are kept (ASCII letters lower-cased);
// every run of anything else becomes one "-"; leading and trailing "-" are dropped. A
// name with nothing left (empty, or only punctuation and non-ASCII letters) gets
// "x-" plus a hash of the name, and a slug longer than MaxLen is cut and ends with a hash
// of the whole name, so two long names that share a prefix still differ.
func Make(name string) string {
	var b strings.Builder
	dash := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		default:
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteByte(c)
	}
	s := b.String()
	switch {
	case s == "":
		return "x-" + hash(name)
	case len(s) > MaxLen:
		h := hash(name)
		return strings.TrimRight(s[:MaxLen-len(h)-1], "-") + "-" + h
	}
	return s
}

// Underscore returns the underscore form of name's slug, for database and schema names,
// which PostgreSQL and many ORMs refuse with "-" unless quoted: lower-case [a-z0-9_],
// starting with a letter, at most MaxLen bytes, never empty. It is Make's slug with each
// "-" as "_"; one that starts with a digit gets "x_" before it, and one that is then too
// long is cut and ends with the same hash of the whole name as a long slug.
func Underscore(name string) string {
	s := strings.ReplaceAll(Make(name), "-", "_")
	if s[0] >= '0' && s[0] <= '9' {
		s = "x_" + s
	}
	if len(s) > MaxLen {
		h := hash(name)
		s = strings.TrimRight(s[:MaxLen-len(h)-1], "_") + "_" + h
	}
	return s
}

// hash is 8 hex digits of FNV-1a 32 over name.
func hash(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("%08x", h.Sum32())
}
