//go:build !unix

package cli

import "errors"

// mkfifo makes a named pipe.
func mkfifo(string) error { return errors.New("not on this system") }
