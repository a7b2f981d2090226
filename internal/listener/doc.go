// Package listener answers what a TCP port on this machine is doing: whether
// something is bound to it (Prober; SystemProber asks the network stack), who holds
// it (Lookup names the process, its program and its working directory; Attribute maps
// that directory to the worktree it belongs to), and whether the server there is
// healthy (CheckHealth, an HTTP probe).
//
// The bind probe binds the port itself and closes the socket at once, so it sees a
// listener on any local address without talking to it. Lookup goes through gopsutil:
// on Linux one call walks /proc/*/fd once to map socket inodes to processes; on macOS
// gopsutil runs lsof once. Either way Lookup makes a single scan for all the ports it
// is asked about. A health check only ever talks to the loopback address it was
// given: it follows no redirect, uses no proxy from the environment, keeps no
// connection open, and reads no body.
//
// The package knows ports, not reservations: reserve asks a Prober of its caller's
// choosing whether a reservation's bundle is in use.
package listener
