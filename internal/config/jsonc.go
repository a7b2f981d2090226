package config

import (
	"errors"
	"fmt"
)

// stripJSONC turns JSONC into JSON: it blanks "//" and "/* */" comments,
// commas that trail the last element of an object or array, and a leading
// UTF-8 byte order mark. It replaces them with spaces rather than removing
// them, so byte offsets, and therefore line and column numbers in JSON
// syntax errors, still point into the file the user wrote. Everything
// inside strings is kept as is.
func stripJSONC(data []byte) ([]byte, error) {
	out := make([]byte, len(data))
	copy(out, data)
	i := 0
	if len(out) >= 3 && out[0] == 0xEF && out[1] == 0xBB && out[2] == 0xBF {
		out[0], out[1], out[2] = ' ', ' ', ' '
		i = 3
	}
	// lastComma is the offset of a comma seen outside strings with only
	// whitespace and comments after it so far, or -1.
	lastComma := -1
	// prev is the last byte outside whitespace and comments. A comma right
	// after '{', '[' or ',' trails no element, so it is left for the JSON
	// parser to refuse.
	var prev byte
	for i < len(out) {
		c := out[i]
		switch {
		case c == '"':
			lastComma, prev = -1, '"'
			i = skipString(out, i)
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for i < len(out) && out[i] != '\n' {
				out[i] = ' '
				i++
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			var err error
			if i, err = blankBlockComment(data, out, i); err != nil {
				return nil, err
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == ',':
			lastComma = -1
			if prev != '{' && prev != '[' && prev != ',' {
				lastComma = i
			}
			prev = c
			i++
		case c == '}' || c == ']':
			if lastComma >= 0 {
				out[lastComma] = ' '
			}
			lastComma, prev = -1, c
			i++
		default:
			lastComma, prev = -1, c
			i++
		}
	}
	return out, nil
}

var errUnterminatedComment = errors.New("unterminated /* comment")

// position returns the 1-based line and column (in bytes) of offset in data.
func position(data []byte, offset int) (line, col int) {
	line, col = 1, 1
	for _, c := range data[:min(offset, len(data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// skipString returns the offset after the JSON string that starts at out[i], a quote.
func skipString(out []byte, i int) int {
	i++
	for i < len(out) && out[i] != '"' {
		if out[i] == '\\' {
			i++ // skip the escaped byte, which may be a quote
		}
		i++
	}
	return i + 1 // the closing quote; an unterminated string is left for the JSON parser to report
}

// blankBlockComment blanks the /* */ comment that starts at out[i] and returns the
// offset after it; data, the original bytes, places an unterminated one in the error.
func blankBlockComment(data, out []byte, i int) (int, error) {
	start := i
	out[i], out[i+1] = ' ', ' '
	i += 2
	for {
		if i+1 >= len(out) {
			line, col := position(data, start)
			return 0, fmt.Errorf("line %d, column %d: %w", line, col, errUnterminatedComment)
		}
		if out[i] == '*' && out[i+1] == '/' {
			out[i], out[i+1] = ' ', ' '
			return i + 2, nil
		}
		// Newlines stay, so line numbers after the comment are right.
		if out[i] != '\n' {
			out[i] = ' '
		}
		i++
	}
}
