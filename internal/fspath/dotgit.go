package fspath

import "unicode/utf8"

// IsDotGit reports whether name, one component of a path, is .git to some file
// system git protects: git's own rule, from read-cache.c's verify_path (with
// core.protectNTFS and core.protectHFS, both on by default on every platform since git
// 2.24), so that a path the tool writes is refused wherever git would refuse to check
// it out. It is
//
//   - is_ntfs_dotgit (git's path.c): ".git" or its 8.3 short name "git~1", in any case,
//     followed only by dots and spaces (which NTFS drops: ".git.", ".git . "), up to
//     the end, a slash or backslash, or a ':' (an alternate data stream:
//     ".git::$INDEX_ALLOCATION" is the directory .git itself);
//   - is_hfs_dotgit (git's utf8.c): ".git" in any ASCII case once the code points HFS+
//     ignores are dropped (U+200C-U+200F, U+202A-U+202E, U+206A-U+206F, U+FEFF:
//     ".g\u200cit"), up to the end or a separator; like git, bytes that are not UTF-8
//     right after it count as the end.
func IsDotGit(name string) bool { return isNTFSDotGit(name) || isHFSDotGit(name) }

// isNTFSDotGit is git's is_ntfs_dotgit.
func isNTFSDotGit(name string) bool {
	var rest string
	switch {
	case len(name) >= 4 && name[0] == '.' && asciiFold(name[1:4]) == "git":
		rest = name[4:]
	case len(name) >= 5 && asciiFold(name[:3]) == "git" && name[3:5] == "~1":
		rest = name[5:]
	default:
		return false
	}
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '/', '\\', ':':
			return true
		case '.', ' ':
		default:
			return false
		}
	}
	return true
}

// isHFSDotGit is git's is_hfs_dotgit (is_hfs_dot_generic with the needle "git").
func isHFSDotGit(name string) bool {
	next := func() rune {
		for len(name) > 0 {
			r, size := utf8.DecodeRuneInString(name)
			if r == utf8.RuneError && size <= 1 {
				name = ""
				return 0 // git's next_hfs_char: malformed UTF-8 reads as the end
			}
			name = name[size:]
			if !hfsIgnorable(r) {
				return r
			}
		}
		return 0
	}
	if next() != '.' {
		return false
	}
	for _, want := range "git" {
		c := next()
		if c > 127 || c|0x20 != want {
			return false
		}
	}
	c := next()
	return c == 0 || c == '/' || c == '\\'
}

// hfsIgnorable reports whether HFS+ drops r from a name when it compares names (git's
// next_hfs_char).
func hfsIgnorable(r rune) bool {
	switch {
	case r >= 0x200c && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x206a && r <= 0x206f, r == 0xfeff:
		return true
	}
	return false
}

// StripHFSIgnorable returns name without the code points HFS+ ignores when it compares
// names, so that a prefix check sees what HFS+ sees.
func StripHFSIgnorable(name string) string {
	out := make([]rune, 0, len(name))
	changed := false
	for _, r := range name {
		if hfsIgnorable(r) {
			changed = true
			continue
		}
		out = append(out, r)
	}
	if !changed {
		return name
	}
	return string(out)
}

// asciiFold lowers the ASCII letters of s.
func asciiFold(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
