package main

import (
	"io"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkDisconnect measures how fast a confirmed disconnect takes effect, per
// state: "post" is the panel's answer to the confirming POST (the session is gone
// by then), "client" is when the client's control connection reads its close.
// Each state is measured without a reason and with one ("421 REASON" written
// before the close).
// Run: go test -run '^$' -bench Disconnect -benchtime 100x ./cmd/ftppanel
func BenchmarkDisconnect(b *testing.B) {
	// Every iteration leaves a passive port resting, all from 127.0.0.1: room for all.
	in := start(b, "--passive-ports", "42000-42999", "--max-passive-per-ip", "1000")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	writeFile(b, filepath.Join(in.home("acme", "bob"), "big.bin"), 64<<20)
	admin := in.signInAdmin()

	states := map[string]func() (net.Conn, func()){
		"idle": func() (net.Conn, func()) {
			c := in.rawDial()
			c.login("bob")
			return c.conn, func() {}
		},
		"downloading to a slow reader": func() (net.Conn, func()) {
			c := in.rawDial()
			c.login("bob")
			port := pasvPort(b, c.cmd(227, "PASV"))
			data, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
			if err != nil {
				b.Fatal(err)
			}
			c.cmd(150, "RETR big.bin")
			if _, err := io.ReadFull(data, make([]byte, 1024)); err != nil {
				b.Fatal(err)
			}
			return c.conn, func() { data.Close() }
		},
		"waiting for a data connection": func() (net.Conn, func()) {
			c := in.rawDial()
			c.login("bob")
			c.cmd(227, "PASV")
			if err := c.text.PrintfLine("STOR never.bin"); err != nil {
				b.Fatal(err)
			}
			return c.conn, func() {}
		},
	}
	for name, setup := range states {
		for _, reason := range []string{"", "Closed for maintenance"} {
			if reason != "" {
				name += "/with a reason"
			}
			benchmarkDisconnect(b, admin, name, reason, setup)
		}
	}
}

func benchmarkDisconnect(b *testing.B, admin *browser, name, reason string, setup func() (net.Conn, func())) {
	b.Run(name, func(b *testing.B) {
		admin := admin.with(b)
		var post, client []time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			conn, cleanup := setup()
			ids := admin.rows()
			if len(ids) != 1 {
				b.Fatalf("%d sessions, want 1", len(ids))
			}
			var id string
			for id = range ids {
			}
			admin.waitStateAny(id)
			closed := make(chan time.Time, 1)
			go func() {
				conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				buf := make([]byte, 512)
				for {
					if _, err := conn.Read(buf); err != nil {
						closed <- time.Now()
						return
					}
				}
			}()
			b.StartTimer()
			begin := time.Now()
			resp := admin.post("/sessions/"+id+"/disconnect", url.Values{"reason": {reason}})
			answered := time.Now()
			b.StopTimer()
			if resp.status != 303 {
				b.Fatalf("disconnect: status %d", resp.status)
			}
			post = append(post, answered.Sub(begin))
			client = append(client, (<-closed).Sub(begin))
			conn.Close()
			cleanup()
		}
		report(b, "post", post)
		report(b, "client", client)
	})
}

// waitStateAny waits until the session shows a state other than "not logged in".
func (b *browser) waitStateAny(id string) {
	waitFor(b.t, "session "+id+" to log in", func() bool {
		row, ok := b.rows()[id]
		return ok && !strings.Contains(row, `data-state="not logged in"`)
	})
}

func report(b *testing.B, name string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	pct := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), name+"-p50-ms")
	b.ReportMetric(pct(0.99), name+"-p99-ms")
}
