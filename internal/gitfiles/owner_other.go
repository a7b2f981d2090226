//go:build !unix

package gitfiles

// ownedByUs leaves every repository to git where ownership is not read here.
func ownedByUs(path string, _ func(string) (string, bool)) error {
	return fallback("the owner of %s is not read on this system", path)
}

// device leaves discovery to git where file systems are not told apart here.
func device(dir string) (uint64, error) {
	return 0, fallback("the file system of %s is not read on this system", dir)
}

// searchable says no where it is not asked: git then decides.
func searchable(string) bool { return false }
