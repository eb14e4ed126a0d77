//go:build !(linux && cgo && !ci && !wayland) && !(windows && !ci)

package gui

// nativePosition says nothing where StableNew cannot read a window's
// position (Wayland, macOS, the test driver).
func nativePosition(any) (x, y int, ok bool) { return 0, 0, false }

// nativeMove does nothing where StableNew cannot place a window.
func nativeMove(any, int, int) bool { return false }
