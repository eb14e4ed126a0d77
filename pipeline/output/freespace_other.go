//go:build !unix && !windows

package output

// freeBytes is unknown on systems that are neither Unix nor Windows.
func freeBytes(string) (int64, bool) { return 0, false }
