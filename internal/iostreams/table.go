package iostreams

import (
	"io"
	"strings"
)

// Segment is a run of text in one style.
type Segment struct {
	Text  string
	Style Style
}

// Cell is one table cell. Its text must already be safe for a terminal (untrusted text
// escaped). Short, when set, is a shorter form that a Shorten step prints instead.
type Cell struct {
	Full  []Segment
	Short []Segment
}

// Text is a cell of one run of text in one style.
func Text(t string, st Style) Cell { return Cell{Full: []Segment{{t, st}}} }

func (c Cell) segments(short bool) []Segment {
	if short && c.Short != nil {
		return c.Short
	}
	return c.Full
}

// Column is one column of a Table.
type Column struct {
	Header string
	// Min is the narrowest a Shrink step cuts the column to; never less than the header.
	Min int
	// KeepEnd cuts cells at their start rather than their end, for paths, whose last
	// element says the most.
	KeepEnd bool
}

// StepKind is one way of making a table narrower.
type StepKind int

const (
	// Shrink cuts the column's cells, marking the cut with "...", as far as needed but
	// never below the column's Min.
	Shrink StepKind = iota
	// Drop leaves the column out.
	Drop
	// Shorten prints each cell's Short form.
	Shorten
)

// Step makes column Col narrower.
type Step struct {
	Kind StepKind
	Col  int
}

// Table is a table to print: a header line, then one line per row. A row never spans two
// lines; a narrow terminal gets shorter cells and fewer columns instead (Fit).
type Table struct {
	Columns []Column
	Rows    [][]Cell
}

// Gap is the spaces between two columns.
const Gap = 2

const ellipsis = "..."

// Layout says how a Table prints: each column's width (-1: left out), which columns print
// their Short forms, and the width no line may pass (0: none).
type Layout struct {
	Widths []int
	Short  []bool
	Max    int
}

// Natural lays the table out at full width: every column, every cell whole.
func (t *Table) Natural() Layout {
	l := Layout{Short: make([]bool, len(t.Columns))}
	l.Widths = t.naturalWidths(l.Short)
	return l
}

// Fit lays the table out within width columns. It takes the fewest of steps, in order,
// that make the table fit: with the first k steps taken, each Drop and Shorten is done
// whole and each Shrink only as far as still needed, in order. Then it gives back what
// the last steps made unnecessary: each Drop or Shorten before the last one taken is
// undone, latest first, when the table still fits without it. So a column later in steps
// (more important) keeps its full form before an earlier one is restored, and a step is
// undone only when no other column is the narrower for it.
//
// When all the steps are not enough (a very narrow terminal), every line is cut at width
// as well, so no line ever wraps.
func (t *Table) Fit(width int, steps []Step) Layout {
	taken := make([]bool, len(steps))
	l := t.layout(width, steps, taken)
	k := 0
	for ; k < len(steps) && l.width() > width; k++ {
		taken[k] = true
		l = t.layout(width, steps, taken)
	}
	for j := k - 2; j >= 0; j-- {
		if steps[j].Kind == Shrink {
			continue
		}
		taken[j] = false
		if u := t.layout(width, steps, taken); u.width() <= width && !u.narrower(l, steps[j].Col) {
			l = u
		} else {
			taken[j] = true
		}
	}
	l.Max = width
	return l
}

// layout is the table with the taken steps.
func (t *Table) layout(width int, steps []Step, taken []bool) Layout {
	l := Layout{Short: make([]bool, len(t.Columns))}
	drop := make([]bool, len(t.Columns))
	for i, s := range steps {
		switch {
		case !taken[i]:
		case s.Kind == Drop:
			drop[s.Col] = true
		case s.Kind == Shorten:
			l.Short[s.Col] = true
		}
	}
	l.Widths = t.naturalWidths(l.Short)
	for i := range drop {
		if drop[i] {
			l.Widths[i] = -1
		}
	}
	for i, s := range steps {
		excess := l.width() - width
		if !taken[i] || s.Kind != Shrink || drop[s.Col] || excess <= 0 {
			continue
		}
		floor := max(t.Columns[s.Col].Min, DisplayWidth(t.Columns[s.Col].Header))
		if cut := min(excess, l.Widths[s.Col]-floor); cut > 0 {
			l.Widths[s.Col] -= cut
		}
	}
	return l
}

func (t *Table) naturalWidths(short []bool) []int {
	w := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		w[i] = DisplayWidth(c.Header)
	}
	for _, row := range t.Rows {
		for i, c := range row {
			w[i] = max(w[i], segmentsWidth(c.segments(short[i])))
		}
	}
	return w
}

// narrower reports whether any column but col is narrower in l than in than.
func (l Layout) narrower(than Layout, col int) bool {
	for i, w := range l.Widths {
		if i != col && (w < than.Widths[i] || l.Short[i] && !than.Short[i]) {
			return true
		}
	}
	return false
}

// width is the width of the widest line the layout can print.
func (l Layout) width() int {
	n, cols := 0, 0
	for _, w := range l.Widths {
		if w >= 0 {
			n += w
			cols++
		}
	}
	if cols > 1 {
		n += Gap * (cols - 1)
	}
	return n
}

// Print writes the table to w in layout l, painting with cs. Headers are bold.
func (t *Table) Print(w io.Writer, l Layout, cs *ColorScheme) error {
	var b strings.Builder
	header := make([]Cell, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = Text(c.Header, Bold)
	}
	for _, row := range append([][]Cell{header}, t.Rows...) {
		t.line(&b, row, l, cs)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *Table) line(b *strings.Builder, row []Cell, l Layout, cs *ColorScheme) {
	last := -1
	for i, w := range l.Widths {
		if w >= 0 {
			last = i
		}
	}
	var segs []Segment
	for i, w := range l.Widths {
		if w < 0 {
			continue
		}
		cell := cut(row[i].segments(l.Short[i]), w, t.Columns[i].KeepEnd)
		segs = append(segs, cell...)
		if i != last {
			segs = append(segs, Segment{Text: strings.Repeat(" ", w-segmentsWidth(cell)+Gap)})
		}
	}
	if l.Max > 0 {
		segs = cut(segs, l.Max, false)
	}
	for _, s := range segs {
		b.WriteString(cs.Paint(s.Style, s.Text))
	}
	b.WriteByte('\n')
}

func segmentsWidth(segs []Segment) int {
	n := 0
	for _, s := range segs {
		n += DisplayWidth(s.Text)
	}
	return n
}

// cut shortens segs to at most w columns, marking the cut with "..." at the end (or, with
// keepEnd, at the start). Below four columns there is no room for the mark.
func cut(segs []Segment, w int, keepEnd bool) []Segment {
	if segmentsWidth(segs) <= w {
		return segs
	}
	mark := ellipsis
	if w <= len(ellipsis) {
		mark = ""
	}
	room := w - len(mark)
	if keepEnd {
		kept := takeEnd(segs, room)
		if mark == "" {
			return kept
		}
		return append([]Segment{{Text: mark}}, kept...)
	}
	kept := takeStart(segs, room)
	if mark == "" {
		return kept
	}
	return append(kept, Segment{Text: mark})
}

// takeStart keeps the first room columns of segs.
func takeStart(segs []Segment, room int) []Segment {
	var out []Segment
	for _, s := range segs {
		if room <= 0 {
			break
		}
		n := 0
		for i, r := range s.Text {
			rw := runeWidth(r)
			if rw > room {
				out = append(out, Segment{s.Text[:i], s.Style})
				return append(out, Segment{Text: strings.Repeat(" ", room)})
			}
			room -= rw
			n = i + len(string(r))
		}
		out = append(out, Segment{s.Text[:n], s.Style})
	}
	return out
}

// takeEnd keeps the last room columns of segs.
func takeEnd(segs []Segment, room int) []Segment {
	var out []Segment
	for k := len(segs) - 1; k >= 0 && room > 0; k-- {
		s := segs[k]
		runes := []rune(s.Text)
		i := len(runes)
		for i > 0 && runeWidth(runes[i-1]) <= room {
			room -= runeWidth(runes[i-1])
			i--
		}
		out = append([]Segment{{string(runes[i:]), s.Style}}, out...)
		if i > 0 {
			break // the next character is wider than the room left
		}
	}
	return out
}
