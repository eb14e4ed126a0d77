// Command fakewebui serves the in-repo fake WebUI (pipeline/webui/webuitest)
// until it is stopped, with no sampling time by default: a WebUI for
// scripts that run many jobs through the real CLI, such as scripts/bench-window
// seeding a history of 10,000 jobs. It prints its URL on the first line.
//
//	go run ./scripts/tools/fakewebui [-addr 127.0.0.1:0] [-step 0s]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"stablenew/pipeline/webui/webuitest"
)

func main() {
	step := flag.Duration("step", 0, "sampling time per step")
	flag.Parse()
	srv := webuitest.New(webuitest.Options{StepDuration: *step})
	fmt.Println(srv.URL())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}
