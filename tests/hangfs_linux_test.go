//go:build linux

package tests

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	commands["hangfs"] = cmdHangFS
	extraConditions["have:fuse"] = haveFUSE
}

// haveFUSE reports whether hangfs can mount: /dev/fuse, and root for mount(2). Under
// CI=true their absence is an error, so that the hung-mount scenarios never go unrun there.
func haveFUSE() (bool, error) {
	_, err := os.Stat("/dev/fuse")
	if err == nil && os.Geteuid() != 0 {
		err = errors.New("not root")
	}
	if err != nil && os.Getenv("CI") == "true" {
		return false, fmt.Errorf("the hung-mount scenarios need /dev/fuse and root under CI: %v", err)
	}
	return err == nil, nil
}

// cmdHangFS mounts over DIR a file system that stops answering, as a dead sshfs or a
// stale NFS mount does: DIR itself can be stat'ed, but every name looked up in it and
// every listing of it waits, in the kernel (`D` state), until the script ends.
//
//	hangfs DIR
//
// It needs /dev/fuse and root, for mount(2): scripts guard it with [have:fuse].
func cmdHangFS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: hangfs DIR")
	}
	root := &hangNode{release: make(chan struct{})}
	server, err := fs.Mount(ts.MkAbs(args[0]), root, &fs.Options{
		MountOptions: fuse.MountOptions{DirectMountStrict: true, FsName: "hangfs", Name: "hangfs"},
	})
	if err != nil {
		ts.Fatalf("hangfs: %v", err)
	}
	ts.Defer(func() {
		root.once.Do(func() { close(root.release) })
		// Lazily: a process left waiting on the mount (the point of the scenarios) must
		// not keep it from going.
		_ = syscall.Unmount(ts.MkAbs(args[0]), syscall.MNT_DETACH)
		server.Wait()
	})
}

// hangNode is the root of hangfs: its attributes answer, nothing under it does.
type hangNode struct {
	fs.Inode
	release chan struct{}
	once    sync.Once
}

var (
	_ fs.NodeLookuper  = (*hangNode)(nil)
	_ fs.NodeReaddirer = (*hangNode)(nil)
	_ fs.NodeGetattrer = (*hangNode)(nil)
)

// Getattr answers, so that the mount point looks like a directory.
func (n *hangNode) Getattr(ctx context.Context, f fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	out.Mode = syscall.S_IFDIR | 0o755
	return 0
}

// Lookup waits until the script ends, ignoring the kernel's interrupts, as a server that
// stopped answering does.
func (n *hangNode) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	<-n.release
	return nil, syscall.EIO
}

// Readdir waits as Lookup does.
func (n *hangNode) Readdir(ctx context.Context) (fs.DirStream, syscall.Errno) {
	<-n.release
	return nil, syscall.EIO
}
