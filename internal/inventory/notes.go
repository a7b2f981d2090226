package inventory

import (
	"strconv"
	"strings"
	"time"
)

// Notes returns the lines list prints under its table, escaped: one for each worktree
// that holds leases ("leases of feature-x: agent=21399, pw=21398 until 16:05Z"), and,
// with urls, one for each service that has a name ("web of feature-x:
// http://web.feature-x.shop.localhost:21340"). A lease is a port no bundle column
// shows, so without its line list would hide a port the worktree holds; the URLs are
// long, so they come only when asked for (--wide). With all, each worktree is named
// with its repository ("shop/feature-x").
func Notes(out List, all, urls bool) []string {
	var lines []string
	for _, r := range out.Worktrees {
		if len(r.Leases) == 0 {
			continue
		}
		parts := make([]string, len(r.Leases))
		for i, l := range r.Leases {
			parts[i] = cell(l.Name) + "=" + strconv.Itoa(l.Port) + until(l.Expires)
		}
		lines = append(lines, "leases of "+rowName(r, all)+": "+strings.Join(parts, ", "))
	}
	if !urls {
		return lines
	}
	for _, r := range out.Worktrees {
		for _, p := range r.Ports {
			if p.URL != "" {
				lines = append(lines, cell(p.Service)+" of "+rowName(r, all)+": "+cell(p.URL))
			}
		}
	}
	return lines
}

// rowName names r in a note: its name, with all its repository's too.
func rowName(r Row, all bool) string {
	if all {
		return cell(r.Repo) + "/" + cell(r.Name)
	}
	return cell(r.Name)
}

// until is " until 16:05Z" for a lease's RFC 3339 expiry, "" for none.
func until(expires string) string {
	if expires == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339, expires)
	if err != nil {
		return " until " + cell(expires)
	}
	return " until " + t.UTC().Format("15:04Z")
}
