// Package e2e holds StableNew's end-to-end tests: the whole job path from a
// plan to image files and the durable store, through the real WebUI client
// against the in-repo fake WebUI over HTTP, including a crash test that
// kills a queue process with SIGKILL and restarts it.
package e2e
