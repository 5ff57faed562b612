package ftpd

import (
	"strings"
	"testing"
)

// Connections over a limit are answered 421 with a plain sentence and closed,
// before the library reads a byte; closing one makes room again.

func TestMaxSessions(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.MaxSessions = 2 })
	first := ts.dialFrom("127.0.0.2")
	ts.dialFrom("127.0.0.3")
	if reply := ts.refusedFrom("127.0.0.4"); reply != "421 Too many connections to this server (2); try again later." {
		t.Errorf("a third connection got %q", reply)
	}
	first.conn.Close()
	waitFor(t, "room for a new connection", func() bool { return ts.greets("127.0.0.4") })
}

func TestMaxSessionsPerIP(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.MaxSessionsPerIP = 2 })
	ts.addAccount("bob")
	first := ts.dialFrom("127.0.0.2")
	second := ts.dialFrom("127.0.0.2")
	second.login("bob")
	if reply := ts.refusedFrom("127.0.0.2"); reply != "421 Too many connections from your address (limit 2); close one and try again." {
		t.Errorf("a third connection from one address got %q", reply)
	}
	// Other addresses are untouched, and so are the connections already in.
	ts.dialFrom("127.0.0.3").login("bob")
	ts.dialFrom("127.0.0.3")
	second.cmd(200, "NOOP")

	first.cmd(221, "QUIT")
	waitFor(t, "room for a new connection", func() bool { return ts.greets("127.0.0.2") })
}

func TestMaxSessionsPerLogin(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.MaxSessionsPerLogin = 1 })
	ts.addAccount("bob")
	ts.addAccount("carol")
	first := ts.dial()
	first.login("bob")

	second := ts.dial()
	second.cmd(331, "USER bob")
	second.send("PASS bob-password")
	if line := second.line(); line != "421 Too many sessions for bob (limit 1); close one and try again." {
		t.Errorf("a second session of bob got %q", line)
	}
	if err := second.closed(); err != nil {
		t.Error(err)
	}
	first.cmd(200, "NOOP")
	ts.dial().login("carol") // other accounts are untouched

	// Ending the session makes room for another.
	first.cmd(221, "QUIT")
	waitFor(t, "bob's session to end", func() bool { return ts.registry.Len() == 1 })
	ts.dial().login("bob")
}

// greets reports whether a new connection from ip is greeted with 220.
func (ts *testServer) greets(ip string) bool {
	ts.t.Helper()
	r := ts.connectFrom(ip)
	defer r.conn.Close()
	return strings.HasPrefix(r.line(), "220 ")
}
