package claim

// Warning is one line that allocation, or a reading of the other repositories' reservations
// (Foreign), warns with. Its Kind tells apart the few warnings that a caller treats on
// their own from the rest: the hook, which prints one line, puts those in it and only
// counts the others.
type Warning struct {
	Kind WarningKind
	Text string
}

// WarningKind says what a Warning is about.
type WarningKind int

const (
	// OtherWarning is any warning not listed below.
	OtherWarning WarningKind = iota
	// TrackedWarning: the reservation file is tracked by git, so every new worktree starts
	// with a copy of it.
	TrackedWarning
	// StuckWarning: another repository did not answer in time, so its ports were not
	// counted.
	StuckWarning
	// UnapprovedNote: the config asks for more than the ports and this user has not
	// approved its content, so only the ports are used (repository.Approval.Note). Not
	// a problem: the hook prints it as it is and does not count it.
	UnapprovedNote
)

// warning is a Warning of kind OtherWarning.
func warning(text string) Warning { return Warning{Kind: OtherWarning, Text: text} }
