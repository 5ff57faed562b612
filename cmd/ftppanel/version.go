package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set at build time, as `make build` and the Dockerfile do:
//
//	go build -ldflags "-X main.version=v1.2.0 -X main.commit=3f2c1a9" ./cmd/ftppanel
var (
	version = "dev"
	commit  = "dev"
)

// showVersion prints the version, the commit and the Go release the binary was
// built from. Without -ldflags, what the Go toolchain recorded stands in: the
// module's version under `go install module@version`, the commit in a checkout.
func (c *cli) showVersion(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() { fmt.Fprintf(fs.Output(), "Usage: %s version\n", c.prog) }
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	if len(positional) > 0 {
		fs.Usage()
		return errUsage
	}
	v, rev := buildVersion()
	fmt.Fprintf(c.stdout, "ftppanel %s\ncommit %s\n%s %s/%s\n", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// buildVersion is the version and the commit the binary was built from.
func buildVersion() (v, rev string) {
	v, rev = version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if rev == "dev" && s.Key == "vcs.revision" && s.Value != "" {
				rev = s.Value[:min(12, len(s.Value))]
			}
		}
	}
	return v, rev
}

// currentVersion is what the fleet's nodes page shows: the version, and the
// commit when the version is only "dev".
func currentVersion() string {
	v, rev := buildVersion()
	if v == "dev" && rev != "dev" {
		return v + " " + rev
	}
	return v
}
