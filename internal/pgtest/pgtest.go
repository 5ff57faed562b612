// Package pgtest starts a throwaway PostgreSQL server for tests: Debian's
// postgresql package's initdb and postgres, a cluster in a temporary directory,
// on a free port of 127.0.0.1, as an unprivileged user when the tests run as root.
//
// One cluster serves a whole test binary; each test gets a fresh database
// (NewDatabase). TestMain calls Shutdown after m.Run, which stops the server and
// removes its directory. Without PostgreSQL installed the tests that ask for it
// skip, saying so; when the environment variable CI is set they fail instead.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// Cluster is a PostgreSQL server and its data directory.
type Cluster struct {
	bin  string // directory of initdb and postgres
	dir  string // temporary directory: data/, the socket and the log
	port int
	cred *syscall.Credential // the user the server runs as; nil for this process's

	mu   sync.Mutex
	cmd  *exec.Cmd
	dbs  int
	exit chan struct{} // closed when the server process ends
}

var (
	sharedMu sync.Mutex
	shared   *Cluster
	failed   error
)

// NewDatabase creates an empty database on the test binary's cluster, starting
// the cluster first if needed, and returns its URL. Databases stay until
// Shutdown removes the cluster (a few MB each): dropping each at the end of its
// test costs a checkpoint, and made internal/store's tests four times as slow.
func NewDatabase(t testing.TB) string {
	t.Helper()
	c := Shared(t)
	url, err := c.NewDatabase(context.Background())
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return url
}

// Shared returns the test binary's cluster, starting it if needed; it skips the
// test when PostgreSQL is not installed (fails it under CI).
func Shared(t testing.TB) *Cluster {
	t.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil && failed == nil {
		shared, failed = Start()
	}
	if errors.Is(failed, ErrNotInstalled) {
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: %v (CI is set: PostgreSQL is required)", failed)
		}
		t.Skipf("pgtest: %v: skipping the PostgreSQL test", failed)
	}
	if failed != nil {
		t.Fatalf("pgtest: %v", failed)
	}
	return shared
}

// Own starts a cluster for one test alone, which the test may stop and start
// (stopping the shared one would fail other tests), and returns it with the URL
// of an empty database on it; the cluster is removed when the test ends. It
// skips the test when PostgreSQL is not installed (fails it under CI).
func Own(t testing.TB) (*Cluster, string) {
	t.Helper()
	c, err := Start()
	if errors.Is(err, ErrNotInstalled) && os.Getenv("CI") == "" {
		t.Skipf("pgtest: %v: skipping the PostgreSQL test", err)
	}
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Remove(); err != nil {
			t.Error(err)
		}
	})
	url, err := c.NewDatabase(context.Background())
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return c, url
}

// Shutdown stops and removes the shared cluster, if one was started. TestMain
// calls it after m.Run.
func Shutdown() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		if err := shared.Remove(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
		shared = nil
	}
}

// ErrNotInstalled says that no PostgreSQL server binaries were found.
var ErrNotInstalled = errors.New("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres; Debian's postgresql package has it)")

// binDir finds the newest installed PostgreSQL's binaries.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
				return d, nil
			}
		}
	}
	return "", ErrNotInstalled
}

// Start creates a cluster in a new temporary directory and starts its server.
func Start() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir}
	if os.Geteuid() == 0 { // PostgreSQL refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and no postgres user to run PostgreSQL as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	initdb := c.command("initdb", "-D", c.dataDir(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	// A free port can be taken between choosing and listening: try a few.
	for range 5 {
		if c.port, err = freePort(); err != nil {
			break
		}
		if err = c.Start(); err == nil {
			return c, nil
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = []string{"LC_ALL=C", "PATH=/usr/bin:/bin"}
	// The server stops at once, with its children, if this process dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Port is the TCP port the server listens on, on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// URL is the address of the database named name, as the superuser.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// Start starts the server again after Stop, on the same port and data.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		return errors.New("the server is running")
	}
	log, err := os.OpenFile(filepath.Join(c.dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := c.command("postgres", "-D", c.dataDir(), "-p", strconv.Itoa(c.port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	exit := make(chan struct{})
	go func() { cmd.Wait(); close(exit) }()
	c.cmd, c.exit = cmd, exit
	if err := c.waitReady(); err != nil {
		c.stopLocked()
		return fmt.Errorf("postgres did not start: %v; its log ends: %s", err, c.logTail())
	}
	return nil
}

// waitReady polls until the server takes connections, it exits or a minute passes.
func (c *Cluster) waitReady() error {
	db, err := sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = db.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-c.exit:
			return errors.New("the server exited")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Stop stops the server (a fast shutdown: sessions are ended) and keeps its data.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopLocked()
}

func (c *Cluster) stopLocked() error {
	if c.cmd == nil {
		return nil
	}
	c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.exit:
	case <-time.After(time.Minute):
		c.cmd.Process.Kill()
		<-c.exit
	}
	c.cmd = nil
	return nil
}

// Remove stops the server and deletes the cluster's directory.
func (c *Cluster) Remove() error {
	if err := c.Stop(); err != nil {
		return err
	}
	return os.RemoveAll(c.dir)
}

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	c.mu.Lock()
	c.dbs++
	name := fmt.Sprintf("test%d", c.dbs)
	c.mu.Unlock()
	db, err := sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return c.URL(name), nil
}
