// Package reserve holds the reservation file format (.worktree-ports.json): it reads,
// writes and removes reservation files, and holds the repository-wide lock around an
// allocation. Whether a port is in use is package listener's question; InUse asks a
// prober its caller passes.
//
// Reads are lenient and safe because sibling worktrees' files are untrusted:
// a hostile or broken file is reported as a *FileError and skipped, never
// followed into a hang. Writes are atomic and only ever touch this worktree's
// own file.
package reserve

// FileName is the name of the reservation file at a worktree's top level.
const FileName = ".worktree-ports.json"

// MaxSize is the largest reservation file Read accepts, in bytes.
const MaxSize = 1 << 20

// FormatVersion is the value of the "version" key that this code writes.
// Read accepts any version, so an older binary can still see which ports a
// newer one reserved.
const FormatVersion = 1

// Port is one service's port, as listed under "ports".
type Port struct {
	Name string
	Port int
}

// EnvVar is one rendered environment variable, as listed under "env".
type EnvVar struct {
	Name, Value string
}

// Reservation is the content of a reservation file that this package
// understands. Keys added by users are not part of it; Marshal keeps them
// from the previous file's bytes.
type Reservation struct {
	Version  int
	Worktree string
	// Root is the worktree's top level and GitDir its git directory (the common
	// directory for the main worktree, <common>/worktrees/<id> for a linked one)
	// when the file was written, as absolute paths. They tell a copy (a clone of a
	// repository that committed its reservation, a copied directory) from the
	// original without running git. Files written before these fields, or by
	// hand, have "" and are read as before.
	Root   string
	GitDir string
	// Main says the file is the main worktree's and holds the services' main ports
	// (services.<name>.main), not a bundle of the range: its Ports are those, Base is the
	// first of them and Width 1, so it claims exactly its Ports, and Slot means nothing.
	Main  bool
	Base  int
	Width int
	Slot  int
	Ports []Port   // in file order
	Env   []EnvVar // in file order
	// Approval names the approval (package trust) under which Env was rendered from the
	// config, "" when it holds the ports alone; Proof is this user's tool's signature
	// over everything else (trust.Sign), "" in a file it did not write. Only a file
	// whose Proof verifies gives its Env to anybody's environment.
	Approval string
	// Host is the config's template of the services' host names (package
	// hosttemplate), "" for the default shape; the proof covers it, so the proxy routes
	// by it only in files this user's tool wrote.
	Host  string
	Proof string
	// Leases are the extra ports the worktree holds for agents and tools (lease.go), the
	// expired ones left out. Marshal does not write them: it keeps the file's "leases"
	// member as it was, so allocate's rewrites carry them, and SetLeases alone changes
	// it. Equal does not compare them.
	Leases []Lease
}

// Claimed reports whether p is claimed by r: inside [Base, Base+Width), listed in
// Ports, or leased (Leases).
func (r Reservation) Claimed(p int) bool {
	if p >= r.Base && p-r.Base < r.Width {
		return true
	}
	for _, q := range r.Ports {
		if q.Port == p {
			return true
		}
	}
	for _, l := range r.Leases {
		if l.Port == p {
			return true
		}
	}
	return false
}

// Overlaps reports whether r and o claim a common port.
func (r Reservation) Overlaps(o Reservation) bool {
	if r.Width > 0 && o.Width > 0 && r.Base < o.Base+o.Width && o.Base < r.Base+r.Width {
		return true
	}
	for _, q := range r.Ports {
		if o.Claimed(q.Port) {
			return true
		}
	}
	for _, q := range o.Ports {
		if r.Claimed(q.Port) {
			return true
		}
	}
	for _, l := range r.Leases {
		if o.Claimed(l.Port) {
			return true
		}
	}
	for _, l := range o.Leases {
		if r.Claimed(l.Port) {
			return true
		}
	}
	return false
}

// Equal reports whether r and o hold the same values, including the order
// of Ports and Env.
func (r Reservation) Equal(o Reservation) bool {
	if r.Version != o.Version || r.Worktree != o.Worktree || r.Root != o.Root || r.GitDir != o.GitDir || r.Main != o.Main || r.Base != o.Base ||
		r.Width != o.Width || r.Slot != o.Slot || r.Approval != o.Approval || r.Proof != o.Proof || r.Host != o.Host ||
		len(r.Ports) != len(o.Ports) || len(r.Env) != len(o.Env) {
		return false
	}
	for i := range r.Ports {
		if r.Ports[i] != o.Ports[i] {
			return false
		}
	}
	for i := range r.Env {
		if r.Env[i] != o.Env[i] {
			return false
		}
	}
	return true
}
