package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"

	"github.com/ftppanel/ftppanel/internal/store"
)

// errUsage reports a command line that was wrong; the usage has been printed.
var errUsage = errors.New("invalid command line (see --help)")

type cli struct {
	prog   string
	getenv env
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// inspectFlags, when set, is shown a command's flag set instead of the
	// command running: tests render the configuration reference from it.
	inspectFlags func(*flag.FlagSet)
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprintf(w, `%[1]s runs an FTP server and the web panel that shows who is connected to it.

Usage:
  %[1]s serve [--data DIR] [--config FILE] [--print-config] [--ftp-addr HOST:PORT]
        [--http-addr HOST:PORT] [--passive-ports LOW-HIGH] [OPTION...]
  %[1]s admin add NAME [--data DIR]
  %[1]s customer add NAME [--data DIR]
  %[1]s ftp-user add LOGIN --customer NAME [--data DIR]
  %[1]s admin passwd NAME [--data DIR]
  %[1]s customer passwd NAME [--data DIR]
  %[1]s ftp-user passwd|disable|enable|delete LOGIN [--data DIR]
  %[1]s ftp-user idle-timeout LOGIN DURATION [--data DIR]
  %[1]s ftp-user limit LOGIN [--down RATE] [--up RATE] [--data DIR]
  %[1]s token add NAME [--label TEXT] [--data DIR]
  %[1]s token list NAME [--data DIR]
  %[1]s token revoke NAME ID [--data DIR]
  %[1]s sessions [--json] [--login LOGIN] [--node NAME] [--url URL]
  %[1]s disconnect ID [--reason TEXT] [--url URL]
  %[1]s disconnect --login LOGIN [--reason TEXT] [--url URL]
  %[1]s disconnect --ip ADDR|CIDR [--reason TEXT] [--url URL]
  %[1]s throttle ID RATE [--url URL]        (RATE: 500K, 1M, off)
  %[1]s nodes [--json] [--url URL]
  %[1]s maintenance [on --message TEXT [--disconnect-after DURATION] | off] [--url URL]
  %[1]s login-link CUSTOMER [--url URL] [--data DIR]
  %[1]s backup FILE [--data DIR]
  %[1]s store copy --to postgres://USER:PASSWORD@HOST/DB [--data DIR]
  %[1]s healthcheck [serve's options]
  %[1]s version

Passwords are read from the first line of standard input, never from arguments.
"sessions", "disconnect", "throttle", "nodes" and "maintenance" talk to the running server (--url,
default %[2]s) with the API token in $FTPPANEL_TOKEN.
Every command that opens the store takes --database URL (or $FTPPANEL_DATABASE):
a PostgreSQL store that several nodes share, instead of DIR/ftppanel.db.
Every option of "serve" can also be set in the environment (FTPPANEL_FTP_ADDR for
--ftp-addr, and so on) or in a TOML --config file; "serve --help" lists them.
Run "%[1]s COMMAND --help" for a command's options.
`, c.prog, defaultPanelURL)
}

// storeFlags are the options every subcommand has: where the data is.
type storeFlags struct {
	data     string // --data: the data directory (FTP homes, and the SQLite store)
	database string // --database: empty or sqlite: for DATA/ftppanel.db, or a postgres:// URL
}

// flags starts a flag set for a subcommand with the --data and --database flags
// every one has. Their environment variables are their defaults, so that every
// command finds the store a container or unit sets.
func (c *cli) flags(name, usage string) (*flag.FlagSet, *storeFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	loc := &storeFlags{data: "./data"}
	if v := c.getenv(envName("data")); v != "" {
		loc.data = v
	}
	loc.database = c.getenv(envName("database"))
	fs.StringVar(&loc.data, "data", loc.data, "data `DIR`: database and FTP home directories")
	fs.StringVar(&loc.database, "database", loc.database,
		"the store: empty or sqlite: for DIR/ftppanel.db, or a PostgreSQL `URL` (postgres://USER:PASSWORD@HOST/DB?sslmode=verify-full) that several nodes share")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s %s\n\nOptions:\n", c.prog, usage)
		fs.PrintDefaults()
	}
	return fs, loc
}

// parse parses flags given before, between or after positional arguments, and
// returns the positional ones. --help is not an error.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// parseOrHelp parses and tells the caller to stop, successfully, after --help.
func parseOrHelp(fs *flag.FlagSet, args []string) (positional []string, stop bool, err error) {
	positional, err = parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, true, nil
	}
	if err != nil {
		return nil, true, errUsage
	}
	return positional, false, nil
}

// costEnv names the variable that sets the bcrypt cost of new password hashes.
const costEnv = "FTPPANEL_BCRYPT_COST"

// openStore opens the store --database names (by default the SQLite database in
// the data directory), creating the data directory.
func (c *cli) openStore(ctx context.Context, loc storeFlags) (*store.DB, error) {
	cost := bcrypt.DefaultCost
	if v := c.getenv(costEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < bcrypt.MinCost || n > 16 {
			return nil, fmt.Errorf("%s=%q: want a whole number from %d to 16", costEnv, v, bcrypt.MinCost)
		}
		cost = n
	}
	if err := os.MkdirAll(loc.data, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := store.OpenURL(ctx, loc.database, loc.data)
	if err != nil {
		return nil, err
	}
	db.PasswordCost = cost
	return db, nil
}

// readPassword reads the first line of standard input; on a terminal it asks
// for it without echo.
func (c *cli) readPassword(who string) (string, error) {
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(c.stderr, "Password for %s: ", who)
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(pw), store.ValidatePassword(string(pw))
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("no password on standard input: give it as the first line, for example: echo 'secret-password' | %s ...", c.prog)
	}
	return pw, store.ValidatePassword(pw)
}

// addCommand is one of the "X add NAME" commands, which all read a password and
// create something in the database.
type addCommand struct {
	name   string                 // "customer add"
	usage  string                 // the command line after the program's name
	kind   string                 // what NAME names, for error messages
	flags  func(fs *flag.FlagSet) // registers the command's own flags
	check  func() error           // checks them, before the password is read
	create func(ctx context.Context, db *store.DB, dataDir, name, password string) (done string, err error)
	// audit, when set, is the audit log entry of what create made (without the
	// actor; never with the password).
	audit func(name string) store.AuditEntry
}

// parseVerb parses a command whose first argument is verb (store copy, ftp-user
// add), followed by flags and n positional arguments. When it says stop, the
// command ends with err: the usage was printed, for help (nil) or a mistake.
func parseVerb(fs *flag.FlagSet, args []string, verb string, n int) (positional []string, stop bool, err error) {
	if len(args) == 0 || args[0] != verb {
		fs.Usage()
		if len(args) > 0 && isHelp(args[0]) {
			return nil, true, nil
		}
		return nil, true, errUsage
	}
	positional, stop, err = parseOrHelp(fs, args[1:])
	if stop {
		return nil, true, err
	}
	if len(positional) != n {
		fs.Usage()
		return nil, true, errUsage
	}
	return positional, false, nil
}

// add runs an addCommand: parse, check the name, read the password, create.
func (c *cli) add(ctx context.Context, args []string, cmd addCommand) error {
	fs, loc := c.flags(cmd.name, cmd.usage)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	positional, stop, err := parseVerb(fs, args, "add", 1)
	if stop {
		return err
	}
	name := positional[0]
	if cmd.check != nil {
		if err := cmd.check(); err != nil {
			fs.Usage()
			return err
		}
	}
	if err := store.ValidateName(cmd.kind, name); err != nil {
		return err
	}
	pw, err := c.readPassword(name)
	if err != nil {
		return err
	}
	db, err := c.openStore(ctx, *loc)
	if err != nil {
		return err
	}
	defer db.Close()
	done, err := cmd.create(ctx, db, loc.data, name, pw)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, done)
	if cmd.audit != nil {
		return c.audit(ctx, db, cmd.audit(name))
	}
	return nil
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}
