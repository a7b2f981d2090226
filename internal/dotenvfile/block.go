// Package dotenvfile keeps the dotenv files a config lists ("dotenv": [".env",
// "server/.env.local"]): in each, a marked block of the worktree's variables, which
// allocate writes and release removes, for programs that read such a file themselves
// (docker compose reads .env) rather than their environment.
//
// A listed file is the user's, and may be anything a committed config points at, so:
// no line outside the block is ever touched; release leaves the file byte for byte as it
// was before the block came (and removes a file the block created, once nothing else is
// in it); every write is atomic, keeping the file's mode, through a temporary file of
// mode 0600 that git ignores (reserve.DotenvTempPrefix); and a file git tracks, a path
// with "..", a path with a symlink anywhere on it, one into a git directory or through a
// directory that holds a .git entry (a nested worktree, a submodule, a nested clone), any
// of the tool's own files at any depth (each in every spelling NTFS or HFS+ reads as
// .git or as the tool's file, as git's verify_path does), and a read-only file are
// refused with a warning
// and never written. The checks look before the write, and the write itself goes
// through no symlink (safefile.OpenBeneath), so one swapped in meanwhile fails it.
//
// block.go is the pure part, the block in a file's bytes; file.go the reading, checking
// and writing.
package dotenvfile

import (
	"bytes"
	"fmt"
)

// The block's marker lines. The first line says what keeps the block; its words also
// record what release must undo besides the block: a file it created (beginCreated), or
// the line break it added after a last line that had none (beginJoined).
const (
	beginPrefix  = "# >>> git-worktree-ports >>>"
	beginPlain   = beginPrefix + " kept by allocate, removed by release; edits here are lost"
	beginCreated = beginPrefix + " kept by allocate, removed by release with this file, which it created"
	beginJoined  = beginPrefix + " kept by allocate, removed by release with the line break above"
	endLine      = "# <<< git-worktree-ports <<<"
)

// How a block was added, as its first line records.
type origin int

const (
	appended origin = iota // to a file that ended with a line break (or was empty)
	created                // as the whole of a file that did not exist
	joined                 // after a last line without a line break, adding one
)

func beginFor(o origin) string {
	switch o {
	case created:
		return beginCreated
	case joined:
		return beginJoined
	}
	return beginPlain
}

// originOf reads a begin line's record. A line edited by hand reads as appended: then
// release removes only the block.
func originOf(line []byte) origin {
	switch string(line) {
	case beginCreated:
		return created
	case beginJoined:
		return joined
	}
	return appended
}

// BrokenError says a file's block markers are not one begin line followed by one end
// line: edited by hand, or two blocks pasted together. Nothing is written then; the
// user sorts it out.
type BrokenError struct {
	Begins, Ends int
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("its git-worktree-ports block is broken (%d begin and %d end lines, want one of each, in that order); fix or delete it by hand", e.Begins, e.Ends)
}

// span is where the block lies in a file: bytes [start, end), its end line's line break
// included when there is one, and its first line.
type span struct {
	start, end int
	begin      []byte
}

// find locates the block in data. ok is false when there is none.
func find(data []byte) (s span, ok bool, err error) {
	begins, ends := 0, 0
	off := 0
	for off < len(data) {
		next := len(data)
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		line := bytes.TrimRight(data[off:next], "\r\n")
		switch {
		case bytes.HasPrefix(line, []byte(beginPrefix)):
			begins++
			s.start, s.begin = off, line
		case string(line) == endLine:
			ends++
			if begins == 1 && ends == 1 {
				s.end = next
			}
		}
		off = next
	}
	switch {
	case begins == 0 && ends == 0:
		return span{}, false, nil
	case begins != 1 || ends != 1 || s.end <= s.start:
		return span{}, false, &BrokenError{Begins: begins, Ends: ends}
	}
	return s, true, nil
}

// Splice returns data with the block holding body, the variables' lines (each ending in
// a line break). An existing block is replaced where it is, keeping its record of how it
// came; otherwise one is appended. exists says whether the file exists at all: a block
// that makes a new file records that it created it, and one after a last line without a
// line break adds one and records that. Every byte outside the block is kept.
func Splice(data []byte, exists bool, body []byte) ([]byte, error) {
	s, ok, err := find(data)
	if err != nil {
		return nil, err
	}
	block := func(o origin) []byte {
		var b bytes.Buffer
		b.WriteString(beginFor(o) + "\n")
		b.Write(body)
		b.WriteString(endLine + "\n")
		return b.Bytes()
	}
	var out bytes.Buffer
	switch {
	case ok:
		out.Write(data[:s.start])
		out.Write(block(originOf(s.begin)))
		out.Write(data[s.end:])
	case !exists:
		out.Write(block(created))
	case len(data) > 0 && data[len(data)-1] != '\n':
		out.Write(data)
		out.WriteByte('\n')
		out.Write(block(joined))
	default:
		out.Write(data)
		out.Write(block(appended))
	}
	return out.Bytes(), nil
}

// Strip returns data without its block, as it was before the block came: the line
// break the block added after a last line is removed with it, when the block is still
// last. remove says the block created the file and nothing else is in it now, so the
// file itself goes. found is false, and data is returned as it is, when there is no
// block.
func Strip(data []byte) (out []byte, remove, found bool, err error) {
	s, ok, err := find(data)
	if err != nil || !ok {
		return data, false, false, err
	}
	start := s.start
	o := originOf(s.begin)
	if o == joined && s.end == len(data) && start > 0 && data[start-1] == '\n' {
		start--
	}
	out = append(append([]byte{}, data[:start]...), data[s.end:]...)
	return out, o == created && len(out) == 0, true, nil
}
