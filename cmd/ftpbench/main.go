// Command ftpbench measures ftppanel against vsftpd on the same machine, in the
// same run: file transfers, many small files (with lftp and curl), logins and
// memory on both servers, alternating between them for several rounds;
// disconnect latency and the session list on ftppanel alone (vsftpd has no
// panel); and a fleet of three ftppanel nodes on a NATS server, then a cluster
// of three, that this process runs. It writes the table, with a description of
// the machine, into docs/benchmarks.md. `make bench` runs it; -quick makes
// every measure small.
//
// It needs the ftppanel binary (-ftppanel) and vsftpd, which it installs with
// apt-get when missing and running as root, or else leaves out. Everything runs
// on loopback, in a temporary directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

type config struct {
	out      string
	ftppanel string
	commit   string
	vsftpd   string
	noVsftpd bool
	keep     bool
	measures string

	rounds        int
	fileSize      size
	parallel      int
	loginClients  int
	loginTime     time.Duration
	bcryptCost    int
	idleSessions  int
	listSessions  int
	listRequests  int
	transfers     int
	transferRate  size
	disconnects   int
	quick         bool
	sessionOpener int
	pushes        int
	pushTransfers int
	pushRate      size
	fleetSessions int
	fleetSample   time.Duration
	fleetPushes   int
	fleetKills    int
	smallFiles    int
	smallCurl     int
	smallRounds   int // -rounds, or 2 with -quick
}

func parseFlags(args []string) (config, error) {
	var c config
	c.fileSize, c.transferRate, c.pushRate = 1<<30, 2<<20, 512<<10
	fs := flag.NewFlagSet("ftpbench", flag.ContinueOnError)
	fs.StringVar(&c.out, "out", "docs/benchmarks.md", "write the results into this Markdown `file` (\"-\": standard output only)")
	fs.StringVar(&c.ftppanel, "ftppanel", "bin/ftppanel", "the ftppanel `binary` to measure")
	fs.StringVar(&c.commit, "commit", "", "the `commit` the binary was built from, for the report (default: what go build recorded in it)")
	fs.StringVar(&c.vsftpd, "vsftpd", "", "the vsftpd `binary` (default: found on PATH, or installed with apt-get as root)")
	fs.BoolVar(&c.noVsftpd, "no-vsftpd", false, "measure ftppanel alone")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary directory")
	fs.StringVar(&c.measures, "measures", strings.Join(allMeasures, ","), "the `measures` to run, comma-separated")
	fs.BoolVar(&c.quick, "quick", false, "small sizes for every measure not set by its own flag")
	fs.IntVar(&c.rounds, "rounds", 5, "rounds of each measure on each server")
	fs.Var(&c.fileSize, "file-size", "`size` of the file for RETR and STOR (1GiB, 64MiB, ...)")
	fs.IntVar(&c.parallel, "parallel", 8, "clients in the parallel RETR")
	fs.IntVar(&c.loginClients, "login-clients", 4, "clients logging in at once")
	fs.DurationVar(&c.loginTime, "login-time", 5*time.Second, "how `long` each login round lasts")
	fs.IntVar(&c.bcryptCost, "bcrypt-cost", 10, "bcrypt `cost` of ftppanel's FTP passwords (its default is 10)")
	fs.IntVar(&c.idleSessions, "idle-sessions", 5000, "idle logged-in sessions for the memory measure")
	fs.IntVar(&c.listSessions, "list-sessions", 10000, "sessions listed by GET /sessions and the API")
	fs.IntVar(&c.listRequests, "list-requests", 200, "requests of each list")
	fs.IntVar(&c.transfers, "transfers", 100, "downloads running during the disconnect measure")
	fs.Var(&c.transferRate, "transfer-rate", "`rate` of each of those downloads per second (2MiB, ...)")
	fs.IntVar(&c.disconnects, "disconnects", 200, "disconnects measured")
	fs.IntVar(&c.sessionOpener, "openers", 16, "clients opening sessions at once for the session measures")
	fs.IntVar(&c.pushes, "pushes", 50, "sessions that come and go while the push delay is measured")
	fs.IntVar(&c.pushTransfers, "push-transfers", 500, "downloads running during the push measure, among its -list-sessions sessions")
	fs.Var(&c.pushRate, "push-rate", "`rate` of each of those downloads per second")
	fs.IntVar(&c.fleetSessions, "fleet-sessions", 3000, "idle sessions on each of the fleet's three nodes (fewer if descriptors run short)")
	fs.DurationVar(&c.fleetSample, "fleet-sample", 10*time.Second, "how `long` the fleet's NATS traffic is counted")
	fs.IntVar(&c.fleetPushes, "fleet-pushes", 25, "logins on one node while another's live list is watched")
	fs.IntVar(&c.fleetKills, "fleet-kills", 3, "times a node is killed and started again")
	fs.IntVar(&c.smallFiles, "small-files", 1000, "small files (4 KiB) moved with lftp over one session, up and down")
	fs.IntVar(&c.smallCurl, "small-curl", 200, "small files uploaded with curl, one process and connection each")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.quick {
		quick := map[string]string{"rounds": "3", "file-size": "256MiB", "login-time": "2s", "idle-sessions": "500",
			"list-sessions": "1000", "list-requests": "50", "transfers": "20", "disconnects": "30",
			"pushes": "10", "push-transfers": "50", "fleet-sessions": "100", "fleet-sample": "3s", "fleet-pushes": "5",
			"fleet-kills": "1", "small-files": "100", "small-curl": "50"}
		for name, v := range quick {
			if !set[name] {
				fs.Set(name, v)
			}
		}
	}
	c.smallRounds = c.rounds
	if c.quick && !set["rounds"] {
		c.smallRounds = 2
	}
	if c.rounds < 1 || c.parallel < 1 || c.loginClients < 1 || c.idleSessions < 1 || c.listSessions < 1 ||
		c.listRequests < 1 || c.transfers < 1 || c.disconnects < 1 || c.fileSize < 1 || c.sessionOpener < 1 ||
		c.pushes < 1 || c.pushTransfers < 0 || c.pushTransfers >= c.listSessions || c.pushRate < 1 ||
		c.fleetSessions < 1 || c.fleetSample <= 0 || c.fleetPushes < 1 || c.fleetKills < 1 ||
		c.smallFiles < 1 || c.smallCurl < 1 {
		return c, errors.New("every count and size must be at least 1, and -push-transfers under -list-sessions")
	}
	for _, m := range strings.Split(c.measures, ",") {
		if !contains(allMeasures, m) {
			return c, fmt.Errorf("unknown measure %q; the measures are %s", m, strings.Join(allMeasures, ", "))
		}
	}
	return c, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ftpbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "ftpbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	raiseFileLimit()
	bin, err := filepath.Abs(cfg.ftppanel)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("the ftppanel binary: %w (make build makes bin/ftppanel)", err)
	}
	dir, err := os.MkdirTemp("", "ftpbench-")
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Fprintln(os.Stderr, "Temporary files in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	big := filepath.Join(dir, "big.bin")
	fmt.Fprintf(os.Stderr, "Writing a %s file and reading it into the page cache\n", cfg.fileSize)
	if err := writeBigFile(big, int64(cfg.fileSize)); err != nil {
		return err
	}

	b := &bench{cfg: cfg, machine: describeMachine(), bin: bin, dir: dir, big: big}
	b.machine.commit = binaryCommit(bin)
	if cfg.commit != "" {
		b.machine.commit = "built from " + cfg.commit
	}
	b.panel, err = startFTPPanel(ctx, bin, b.freshDir(), big, cfg.bcryptCost)
	if err != nil {
		return err
	}
	defer func() { b.panel.stop() }()
	if !cfg.noVsftpd {
		path := cfg.vsftpd
		why := ""
		if path == "" {
			path, why = findVsftpd(ctx, os.Stderr)
		}
		if path != "" {
			b.vsftpdBin = path
			b.vsftpd, err = startVsftpd(path, b.freshDir(), big)
			if err != nil {
				why = err.Error()
			} else {
				defer func() { b.vsftpd.stop() }()
				b.vsftpdVersion = vsftpdVersion()
			}
		}
		if b.vsftpd == nil {
			b.skipped = "vsftpd was left out: " + why
			fmt.Fprintln(os.Stderr, b.skipped)
		}
	}

	began := time.Now()
	for _, m := range strings.Split(cfg.measures, ",") {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fmt.Fprintf(os.Stderr, "Measuring %s\n", m)
		if err := b.measure(ctx, m); err != nil {
			return fmt.Errorf("%s: %w\nftppanel's log ends:\n%s", m, err, lastLines(b.panel.stderr.String(), 20))
		}
	}
	b.took = time.Since(began)
	report := b.markdown()
	fmt.Println(report)
	if cfg.out == "-" {
		return nil
	}
	return writeReport(cfg.out, report)
}

// raiseFileLimit lets this process, and the servers it starts, hold enough
// descriptors for the session measures: 10,000 sessions are 10,000 sockets
// here and, in ftppanel, 20,000 descriptors (each logged-in session holds its
// home directory open). Root may raise the hard limit too.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	const want = 1 << 17
	if lim.Max < want {
		raised := syscall.Rlimit{Cur: want, Max: want}
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			return
		}
	}
	lim.Cur = lim.Max
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// writeBigFile writes n bytes that do not repeat within a MiB, and reads them
// back, so that the file is in the page cache for both servers.
func writeBigFile(path string, n int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	block := make([]byte, 1<<20)
	x := uint32(2463534242)
	for i := range block {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		block[i] = byte(x)
	}
	for left := n; left > 0; {
		k := min(left, int64(len(block)))
		if _, err := f.Write(block[:k]); err != nil {
			f.Close()
			return err
		}
		left -= k
	}
	if err := f.Close(); err != nil {
		return err
	}
	f, err = os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		if _, err := f.Read(block); err != nil {
			return nil
		}
	}
}
