// Command exsweep finds, judges and cleans up after attacks on Microsoft Exchange servers.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/exsweep/exsweep/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C asks for a clean end; after it the default returns, so a second one
	// ends the program at once.
	go func() { <-ctx.Done(); stop() }()
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
