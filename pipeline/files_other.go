//go:build !unix

package pipeline

// openNonBlock is 0 where the system has no non-blocking open.
const openNonBlock = 0
