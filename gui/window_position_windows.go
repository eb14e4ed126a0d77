//go:build windows && !ci

package gui

import (
	"syscall"
	"unsafe"

	"fyne.io/fyne/v2/driver"
)

var (
	user32             = syscall.NewLazyDLL("user32.dll")
	procGetWindowRect  = user32.NewProc("GetWindowRect")
	procSetWindowPos   = user32.NewProc("SetWindowPos")
	procMonitorFromRec = user32.NewProc("MonitorFromRect")
)

// rect is Win32's RECT.
type rect struct{ Left, Top, Right, Bottom int32 }

const (
	swpNoSize           = 0x0001
	swpNoZOrder         = 0x0004
	swpNoActivate       = 0x0010
	monitorDefaultNull  = 0x0000
	visibleCornerPixels = 64
)

// nativePosition reads a Win32 window's outer top-left corner.
func nativePosition(ctx any) (x, y int, ok bool) {
	c, isWin := ctx.(driver.WindowsWindowContext)
	if !isWin || c.HWND == 0 {
		return 0, 0, false
	}
	var r rect
	if ret, _, _ := procGetWindowRect.Call(c.HWND, uintptr(unsafe.Pointer(&r))); ret == 0 {
		return 0, 0, false
	}
	return int(r.Left), int(r.Top), true
}

// nativeMove moves a Win32 window's outer top-left corner to x, y when a
// monitor shows that corner (MonitorFromRect with MONITOR_DEFAULTTONULL).
func nativeMove(ctx any, x, y int) bool {
	c, isWin := ctx.(driver.WindowsWindowContext)
	if !isWin || c.HWND == 0 {
		return false
	}
	corner := rect{Left: int32(x), Top: int32(y), Right: int32(x + visibleCornerPixels), Bottom: int32(y + visibleCornerPixels/2)}
	if mon, _, _ := procMonitorFromRec.Call(uintptr(unsafe.Pointer(&corner)), monitorDefaultNull); mon == 0 {
		return false
	}
	ret, _, _ := procSetWindowPos.Call(c.HWND, 0, uintptr(x), uintptr(y), 0, 0, swpNoSize|swpNoZOrder|swpNoActivate)
	return ret != 0
}
