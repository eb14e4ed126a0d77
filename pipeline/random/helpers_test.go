package random

import (
	"errors"
	"strings"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func asError[T error](err error, target *T) bool { return errors.As(err, target) }
