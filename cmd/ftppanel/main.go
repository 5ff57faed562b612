// Command ftppanel runs an FTP server and the web panel that shows who is
// connected to it, and manages its users.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ftppanel:", err)
		os.Exit(1)
	}
}

// env reads an environment variable; os.Getenv in production, a map in tests.
type env func(string) string

// run is the whole program: args[0] is the program's name, as in os.Args.
func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	prog := "ftppanel"
	if len(args) > 0 {
		prog = args[0]
		args = args[1:]
	}
	c := &cli{prog: prog, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		c.usage(stderr)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return c.serve(ctx, args[1:])
	case "admin":
		return c.admin(ctx, args[1:])
	case "customer":
		return c.customer(ctx, args[1:])
	case "ftp-user":
		return c.ftpUser(ctx, args[1:])
	case "token":
		return c.token(ctx, args[1:])
	case "sessions":
		return c.sessions(ctx, args[1:])
	case "disconnect":
		return c.disconnect(ctx, args[1:])
	case "throttle":
		return c.throttle(ctx, args[1:])
	case "nodes":
		return c.nodes(ctx, args[1:])
	case "maintenance":
		return c.maintenance(ctx, args[1:])
	case "version":
		return c.showVersion(ctx, args[1:])
	case "healthcheck":
		return c.healthcheck(ctx, args[1:])
	case "login-link":
		return c.loginLink(ctx, args[1:])
	case "backup":
		return c.backup(ctx, args[1:])
	case "store":
		return c.storeCommand(ctx, args[1:])
	case "help", "-h", "-help", "--help":
		c.usage(stdout)
		return nil
	default:
		c.usage(stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
