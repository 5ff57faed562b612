package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/pgtest"
)

// loginClients is how many clients log in at once in BenchmarkFTPLogins.
const loginClients = 8

// BenchmarkFTPLogins measures complete FTP logins (connect, greeting, USER,
// PASS, QUIT, the session's history row) per second, loginClients at once, on
// each store: "repeat" logs in again and again to accounts the server verified a
// moment ago (the verified-password cache: a database read, no bcrypt), "first"
// to a new account each time, with a hash of bcrypt's default cost, as
// production makes them. The goal: PostgreSQL at least 0.8x SQLite.
// Run: go test -run '^$' -bench FTPLogins -benchtime 100x ./cmd/ftppanel (first
// logins hash b.N passwords beforehand: 2000x takes minutes; repeat logins want
// more, -bench 'FTPLogins/.*/repeat' -benchtime 5000x).
func BenchmarkFTPLogins(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			dir := b.TempDir()
			if kind == "postgres" {
				useDatabase(dir, pgtest.NewDatabase(b))
			} else {
				useDatabase(dir, "")
			}
			in := startIn(b, dir)
			in.addCustomer("acme")
			accounts := 0
			// addAccounts adds n accounts, "u1", "u2", ..., hashed at bcrypt's default cost.
			addAccounts := func(n int) []string {
				db := openStore(b, dir)
				defer db.Close()
				db.PasswordCost = bcrypt.DefaultCost
				logins := make([]string, n)
				for i := range logins {
					accounts++
					logins[i] = fmt.Sprintf("u%d", accounts)
				}
				var next atomic.Int64
				var wg sync.WaitGroup
				errs := make([]error, n)
				for range 4 { // bcrypt on every core, and not more connections than that
					wg.Go(func() {
						for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
							errs[i] = db.AddFTPAccount(context.Background(), logins[i], "acme", logins[i]+"-password")
						}
					})
				}
				wg.Wait()
				if err := errors.Join(errs...); err != nil {
					b.Fatal(err)
				}
				return logins
			}

			b.Run("repeat", func(b *testing.B) {
				logins := addAccounts(loginClients)
				for _, login := range logins { // verified once, before the clock starts
					rawLogin(b, in.ftpAddr, login)
				}
				measureLogins(b, b.N, func(i int) { rawLogin(b, in.ftpAddr, logins[i%len(logins)]) })
			})
			b.Run("first", func(b *testing.B) {
				logins := addAccounts(b.N)
				measureLogins(b, b.N, func(i int) { rawLogin(b, in.ftpAddr, logins[i]) })
			})
		})
	}
}

// measureLogins runs login(0) ... login(n-1), loginClients at once, timed, and
// reports logins per second.
func measureLogins(b *testing.B, n int, login func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	cpuBefore := cpuTime()
	start := time.Now()
	for range loginClients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				login(int(i))
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	cpu := cpuTime() - cpuBefore
	b.StopTimer()
	b.ReportMetric(float64(n)/took.Seconds(), "logins/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "CPU-µs/login")
}

// cpuTime is the CPU time this process and its PostgreSQL server (a child, with
// its own children) have used: on a machine shared with other work, CPU per
// login compares the stores more steadily than logins per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	total := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	type proc struct {
		ppid  int
		ticks int64
	}
	procs := map[int]proc{}
	for _, path := range stats {
		b, err := os.ReadFile(path)
		i := bytes.LastIndexByte(b, ')')
		if err != nil || i < 0 || !bytes.Contains(b[:i], []byte("(postgres")) {
			continue
		}
		f := strings.Fields(string(b[i+1:])) // state, ppid, ... utime is field 14, stime 15
		if len(f) < 13 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		ppid, _ := strconv.Atoi(f[1])
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		procs[pid] = proc{ppid, utime + stime}
	}
	self := os.Getpid()
	for _, p := range procs {
		if p.ppid == self || procs[p.ppid].ppid == self { // the server, or one of its backends
			total += time.Duration(p.ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
		}
	}
	return total
}

// rawLogin logs in as login with its test password and quits, speaking the
// protocol directly: the measure is the server's, not a client library's.
func rawLogin(b *testing.B, addr, login string) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		b.Error(err)
		return
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	text := textproto.NewConn(conn)
	step := func(code int, cmd string) bool {
		if cmd != "" {
			if err := text.PrintfLine("%s", cmd); err != nil {
				b.Error(err)
				return false
			}
		}
		if _, msg, err := text.ReadResponse(code); err != nil {
			b.Errorf("%s as %s: %v %s", cmd, login, err, msg)
			return false
		}
		return true
	}
	_ = step(220, "") && step(331, "USER "+login) && step(230, "PASS "+login+"-password") && step(221, "QUIT")
}
