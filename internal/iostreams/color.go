package iostreams

// Style is one of the few ways a command may mark text on a terminal. Colours are kept
// few so that each one means something: green is good (a port someone listens on, a
// healthy service), yellow wants a look (no reservation, a worktree git can prune), red
// is wrong (overlapping bundles, an unreadable file, an unhealthy service).
type Style int

// The styles. Plain is the zero value.
const (
	Plain Style = iota
	Bold
	Green
	Yellow
	Red
)

// sgr holds each style's "select graphic rendition" code.
var sgr = [...]string{Plain: "", Bold: "\x1b[1m", Green: "\x1b[32m", Yellow: "\x1b[33m", Red: "\x1b[31m"}

const reset = "\x1b[0m"

// ColorScheme paints text in a Style when colour is on, and returns it as it is when off.
// The text must already be safe for a terminal: escape untrusted text first
// (internal/untrusted); the codes added here are the only ones that reach the terminal.
type ColorScheme struct{ enabled bool }

// NewColorScheme returns a scheme that paints only when enabled.
func NewColorScheme(enabled bool) *ColorScheme { return &ColorScheme{enabled: enabled} }

// Enabled reports whether the scheme paints.
func (c *ColorScheme) Enabled() bool { return c.enabled }

// Paint returns t in style st.
func (c *ColorScheme) Paint(st Style, t string) string {
	if !c.enabled || st == Plain || t == "" || int(st) >= len(sgr) {
		return t
	}
	return sgr[st] + t + reset
}

// Bold returns t in bold.
func (c *ColorScheme) Bold(t string) string { return c.Paint(Bold, t) }

// Green returns t in green.
func (c *ColorScheme) Green(t string) string { return c.Paint(Green, t) }

// Yellow returns t in yellow.
func (c *ColorScheme) Yellow(t string) string { return c.Paint(Yellow, t) }

// Red returns t in red.
func (c *ColorScheme) Red(t string) string { return c.Paint(Red, t) }
