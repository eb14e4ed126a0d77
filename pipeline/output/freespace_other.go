//go:build !unix

package output

// freeBytes is unknown on systems without statfs.
func freeBytes(string) (int64, bool) { return 0, false }
