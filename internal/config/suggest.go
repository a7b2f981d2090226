package config

import (
	"fmt"
	"strings"
)

// unknownKey is the message for a key the config does not have: the nearest known key
// when one is a likely typo ("servces" for "services"), then every known key.
func unknownKey(key string, known []string) string {
	if s := nearest(key, known); s != "" {
		return fmt.Sprintf("unknown key (did you mean %q? known: %s)", s, strings.Join(known, ", "))
	}
	return "unknown key (known: " + strings.Join(known, ", ") + ")"
}

// nearest returns the known key closest to key in edits, ignoring case, when it is at
// most 2 edits away (cobra's distance for mistyped verbs), or 1 for a key of 4
// characters or fewer, where 2 edits reach too many words; "" when none is.
func nearest(key string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		limit := 2
		if len(k) <= 4 {
			limit = 1
		}
		if d := distance(strings.ToLower(key), strings.ToLower(k)); d <= limit && d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the edit distance between a and b, in bytes (keys are ASCII), where a
// swap of two neighbours ("evn") counts as one edit, as a typist makes it.
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
