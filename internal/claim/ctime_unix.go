//go:build linux || darwin

package claim

import (
	"io/fs"
	"time"
)

// changedBefore reports whether fi's status last changed before t. The change time, not
// the modification time, because creating, renaming or removing an entry inside a
// directory updates both and nothing can set it back.
func changedBefore(fi fs.FileInfo, t time.Time) bool {
	ct, ok := ctime(fi)
	return ok && ct.Before(t)
}
