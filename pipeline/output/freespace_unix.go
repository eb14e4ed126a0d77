//go:build unix

package output

import "golang.org/x/sys/unix"

// freeBytes asks the file system of dir for its available blocks (the
// conversions are needed: the field types differ between systems).
func freeBytes(dir string) (int64, bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
