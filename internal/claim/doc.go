// Package claim says what a reservation means, for allocate, env and doctor alike: whose
// it is (OriginOf, CopiedWarning), what it should hold (Expected, ExpectedMain, Vars,
// SlotValue), which of two overlapping ones keeps its bundle (Winner, Keeps), whether it
// is stale (ConfigDrift, Compare), and what the other worktrees and repositories have
// reserved (ReadSiblings, ListForeign and Foreign). The rules take plain values (a
// reservation, a top level, a config, a bundle spec) and return verdicts and typed
// warnings (diag.Warning); choosing and writing a bundle is package alloc's.
//
// The files:
//
//	origin.go   whether a reservation is this worktree's own, moved here, or a copy
//	expected.go the reservation's content for a bundle, and its variables
//	overlap.go  the overlap rule: which of two overlapping reservations keeps its bundle
//	stale.go    how a reservation differs from what the config gives now
//	siblings.go the other worktrees' reservations, read in parallel
//	foreign.go  other repositories' worktrees and reservations, each within a time limit
//	listed.go   whether a worktree listing taken earlier is still complete
package claim
