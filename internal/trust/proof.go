package trust

import "github.com/git-worktree-ports/git-worktree-ports/internal/reserve"

// Seal returns r with its Proof: the signature, under key, of the file Marshal writes
// for r without one. It signs what the file says, not its bytes, so a user's own keys
// added to the file keep the proof valid.
func Seal(key []byte, r reserve.Reservation) (reserve.Reservation, error) {
	r.Proof = ""
	data, err := reserve.Marshal(nil, r)
	if err != nil {
		return r, err
	}
	r.Proof = Sign(key, data)
	return r, nil
}

// Sealed reports whether r, as read from a file, carries a proof that this user's tool
// (key) wrote exactly these values.
func Sealed(key []byte, r reserve.Reservation) bool {
	if r.Proof == "" || key == nil {
		return false
	}
	proof := r.Proof
	r.Proof = ""
	data, err := reserve.Marshal(nil, r)
	return err == nil && Verify(key, data, proof)
}
