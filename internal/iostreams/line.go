package iostreams

import "strings"

// CutLine shortens s, text already safe for a terminal, to at most w columns, ending
// it with "..." when it is cut, as a table cell is cut; w <= 0 leaves it whole.
func CutLine(s string, w int) string {
	if w <= 0 {
		return s
	}
	var b strings.Builder
	for _, seg := range cut([]Segment{{Text: s}}, w, false) {
		b.WriteString(seg.Text)
	}
	return b.String()
}
