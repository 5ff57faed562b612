package ftpd

import (
	"bytes"
	"io"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// Passive mode as a client sees it: the reply names an address to connect to,
// transfers work through it, and the port is given back when the session ends.

func TestPassiveTransfers(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.PassivePorts = PortRange{Low: 40000, High: 40999} })
	ts.addAccount("bob")
	for _, mode := range []struct {
		name        string
		disableEPSV bool
	}{{"EPSV", false}, {"PASV", true}} {
		t.Run(mode.name, func(t *testing.T) {
			ts := ts.with(t)
			c := ts.login("bob", ftp.DialWithDisabledEPSV(mode.disableEPSV))
			content := bytes.Repeat([]byte("passive "+mode.name+"\n"), 100_000)
			if err := c.Stor(mode.name+".txt", bytes.NewReader(content)); err != nil {
				t.Fatalf("upload: %v", err)
			}
			names, err := c.NameList("/")
			if err != nil || !slices.Contains(names, mode.name+".txt") {
				t.Fatalf("listing %q, %v; want the upload in it", names, err)
			}
			r, err := c.Retr(mode.name + ".txt")
			if err != nil {
				t.Fatalf("download: %v", err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("download: %v", err)
			}
			if err := r.Close(); err != nil {
				t.Fatalf("download: %v", err)
			}
			if !bytes.Equal(got, content) {
				t.Errorf("downloaded %d bytes, want the %d uploaded", len(got), len(content))
			}
		})
	}
}

func TestPassiveReplies(t *testing.T) {
	t.Parallel()
	t.Run("name the control connection's address", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, func(c *Config) { c.PassivePorts = PortRange{Low: 40000, High: 40999} })
		ts.addAccount("bob")
		c := ts.dial()
		c.login("bob")
		host, port := c.pasv()
		if host != "127.0.0.1" || port < 40000 || port > 40999 {
			t.Errorf("PASV named %s:%d, want 127.0.0.1 and a port in 40000-40999", host, port)
		}
		if port := c.epsv(); port < 40000 || port > 40999 {
			t.Errorf("EPSV named port %d, want one in 40000-40999", port)
		}
	})
	t.Run("name the public host behind NAT", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, func(c *Config) { c.PublicHost = "203.0.113.9" })
		ts.addAccount("bob")
		c := ts.dial()
		c.login("bob")
		if host, _ := c.pasv(); host != "203.0.113.9" {
			t.Errorf("PASV named %s, want the public host", host)
		}
	})
}

// A raw listing through the port the reply names.
func TestPassiveListing(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	writeFile(t, ts.home("bob")+"/hello.txt", 5)
	c := ts.dial()
	c.login("bob")
	_, port := c.pasv()
	data := ts.dataConn(port)
	c.cmd(150, "NLST")
	listing, err := io.ReadAll(data)
	if err != nil || string(listing) != "hello.txt\r\n" {
		t.Errorf("listing %q, %v", listing, err)
	}
	c.expect(226)
}

// A session that asked for a passive port and ended gives the port back, however
// it ended.
func TestPassivePortReleasedWhenTheSessionEnds(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	for _, end := range []struct {
		name string
		end  func(*testServer, *rawConn)
	}{
		{"QUIT", func(_ *testServer, c *rawConn) { c.cmd(221, "QUIT") }},
		{"client gone", func(_ *testServer, c *rawConn) { c.conn.Close() }},
		{"disconnected", func(ts *testServer, _ *rawConn) { ts.disconnect(ts.sessionOf("bob")) }},
	} {
		t.Run(end.name, func(t *testing.T) {
			ts := ts.with(t)
			c := ts.dial()
			c.login("bob")
			_, port := c.pasv()
			end.end(ts, c)
			waitPortFree(t, port)
			waitFor(t, "the session to end", func() bool { return ts.registry.Len() == 0 })
		})
	}
}

// TestPassiveListenerIsPlainTCP: a passive listener is a TCP socket, not the
// Multipath TCP one Go makes by default where the kernel has it: one data
// connection per file gains nothing from MPTCP and costs more to set up.
func TestPassiveListenerIsPlainTCP(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	c := ts.dial()
	c.login("bob")
	c.pasv()
	dl := passiveListenerOf(t, ts, "bob")
	if proto := socketOption(t, dl.Listener, syscall.SO_PROTOCOL); proto != syscall.IPPROTO_TCP {
		t.Errorf("the passive listener's protocol is %d, want TCP (%d)", proto, syscall.IPPROTO_TCP)
	}
}

// TestDataConnectionKeepAlive: a data connection carries one transfer, and TCP
// keep-alive on it cost four setsockopt calls per file; vsftpd sets none. A
// server with a stall timeout ends a transfer whose client has vanished by it;
// only one without (--stall-timeout 0) turns keep-alive on, to notice.
func TestDataConnectionKeepAlive(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		stall time.Duration
		want  bool
	}{{5 * time.Minute, false}, {0, true}} {
		ts := startServer(t, func(c *Config) { c.StallTimeout = tc.stall })
		ts.addAccount("bob")
		c := ts.dial()
		c.login("bob")
		c.dataConn()
		data, err := passiveListenerOf(t, ts, "bob").Accept() // as the library would on RETR
		if err != nil {
			t.Fatal(err)
		}
		if got := socketOption(t, data, syscall.SO_KEEPALIVE) != 0; got != tc.want {
			t.Errorf("stall timeout %v: the data connection's keep-alive is %v, want %v", tc.stall, got, tc.want)
		}
		data.Close()
	}
}

// TestControlListenerIsPlainTCP: the control connection's listener is plain TCP
// too: every command and reply of a session goes through the socket it accepts.
func TestControlListenerIsPlainTCP(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	if proto := socketOption(t, ts.srv.control.Listener, syscall.SO_PROTOCOL); proto != syscall.IPPROTO_TCP {
		t.Errorf("the control listener's protocol is %d, want TCP (%d)", proto, syscall.IPPROTO_TCP)
	}
}

// passiveListenerOf is the newest passive listener of login's session.
func passiveListenerOf(t *testing.T, ts *testServer, login string) *dataListener {
	t.Helper()
	v, ok := ts.srv.conns.Load(ts.sessionOf(login))
	if !ok {
		t.Fatal("the session has no connection")
	}
	dl := v.(*conn).control.dataLn.Load()
	if dl == nil {
		t.Fatal("the session has no passive listener")
	}
	return dl
}

// socketOption reads a SOL_SOCKET option of a listener's or connection's socket:
// SO_PROTOCOL is TCP, or MPTCP where Go made a Multipath TCP one.
func socketOption(t *testing.T, sock any, opt int) int {
	t.Helper()
	sc, err := sock.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var value int
	var errOpt error
	if err := sc.Control(func(fd uintptr) {
		value, errOpt = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, opt)
	}); err != nil {
		t.Fatal(err)
	}
	if errOpt != nil {
		t.Fatal(errOpt)
	}
	return value
}
