//go:build !cgo

package output

import (
	"errors"
	"image"
)

// libwebpEncode needs libwebp, which a build without cgo leaves out.
func libwebpEncode(*image.RGBA, int) ([]byte, error) {
	return nil, errors.New("this StableNew was built without cgo, which WebP output needs: save as png or jpg, or build with CGO_ENABLED=1")
}
