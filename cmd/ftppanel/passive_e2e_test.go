package main

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// dialPort connects to port on host, as a client's data connection does.
func dialPort(host string, port int) (net.Conn, error) {
	return net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), 5*time.Second)
}

// TestLateDataConnectionDoesNotHijackATransfer: a client disconnected by the
// admin right after its PASV connects late, as a vanished client's stack does;
// another session's download must still reach that session, whole. Two ports, so
// the port just released is the one the next PASV may get.
func TestLateDataConnectionDoesNotHijackATransfer(t *testing.T) {
	in := start(t, "--passive-ports", "31100-31101")
	in.addCustomer("acme")
	in.addFTPUser("live", "acme")
	want := bytes.Repeat([]byte("live's own file\n"), 4096)
	if err := os.WriteFile(filepath.Join(in.home("acme", "live"), "own.txt"), want, 0o644); err != nil {
		t.Fatal(err)
	}
	admin := in.signInAdmin()
	live := in.rawDial()
	live.login("live")
	live.cmd(200, "TYPE I")
	for round := range 8 {
		login := fmt.Sprintf("gone%d", round)
		in.addFTPUser(login, "acme")
		gone := in.rawDial()
		gone.login(login)
		gonePort := pasvPort(t, gone.cmd(227, "PASV"))
		id, _ := admin.rowFor(login)
		admin.mustDisconnect(id)
		if err := closedByServer(gone.conn); err != nil {
			t.Fatal(err)
		}

		livePort := pasvPort(t, live.cmd(227, "PASV"))
		late, err := dialPort("127.0.0.1", gonePort) // the vanished client, late
		if err == nil {
			defer late.Close()
		}
		data, err := dialPort("127.0.0.1", livePort)
		if err != nil {
			t.Fatalf("round %d: live's data connection: %v", round, err)
		}
		live.cmd(150, "RETR own.txt")
		data.SetReadDeadline(time.Now().Add(10 * time.Second))
		got, err := io.ReadAll(data)
		data.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("round %d (ports %d, then %d): live got %d of %d bytes of its download: %v",
				round, gonePort, livePort, len(got), len(want), err)
		}
		live.expect(226)
		if late != nil {
			late.SetReadDeadline(time.Now().Add(time.Second))
			if n, _ := late.Read(make([]byte, 1)); n > 0 {
				t.Fatalf("round %d: the late connection of a disconnected client received live's file", round)
			}
		}
	}
}

// TestLateDataConnectionAfterTheRangeCycled: under load every port of the range
// comes round within seconds, so "least recently released" alone lets a port be
// reused while a disconnected client may still connect to it. A port whose
// listener never got its connection rests for the connection timeout: the
// transfers that cycle the rest of the range do not hand it to a live session.
func TestLateDataConnectionAfterTheRangeCycled(t *testing.T) {
	in := start(t, "--passive-ports", "31400-31402")
	in.addCustomer("acme")
	in.addFTPUser("live", "acme")
	in.addFTPUser("gone", "acme")
	want := bytes.Repeat([]byte("live's own file\n"), 4096)
	if err := os.WriteFile(filepath.Join(in.home("acme", "live"), "own.txt"), want, 0o644); err != nil {
		t.Fatal(err)
	}
	live := in.rawDial()
	live.login("live")
	live.cmd(200, "TYPE I")
	download := func(before func()) int {
		port := pasvPort(t, live.cmd(227, "PASV"))
		if before != nil {
			before()
		}
		data, err := dialPort("127.0.0.1", port)
		if err != nil {
			t.Fatalf("live's data connection to %d: %v", port, err)
		}
		defer data.Close()
		live.cmd(150, "RETR own.txt")
		data.SetReadDeadline(time.Now().Add(10 * time.Second))
		got, err := io.ReadAll(data)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("live got %d of %d bytes of its download on port %d: %v", len(got), len(want), port, err)
		}
		live.expect(226)
		return port
	}

	gone := in.rawDial()
	gone.login("gone")
	gonePort := pasvPort(t, gone.cmd(227, "PASV"))
	admin := in.signInAdmin()
	id, _ := admin.rowFor("gone")
	admin.mustDisconnect(id)
	if err := closedByServer(gone.conn); err != nil {
		t.Fatal(err)
	}
	// The other two ports, each used and given back: the range has come round.
	for range 2 {
		if port := download(nil); port == gonePort {
			t.Fatalf("port %d, whose session was disconnected before connecting, was reused at once", port)
		}
	}
	download(func() {
		if late, err := dialPort("127.0.0.1", gonePort); err == nil { // the disconnected client, late
			t.Cleanup(func() { late.Close() })
		}
	})
}

// TestFTPSDisconnectResetsASlowDownload: an FTPS download read slowly and
// disconnected ends in an error, not in buffered data and then a clean end of the
// TLS stream, which a client could take for the whole file.
func TestFTPSDisconnectResetsASlowDownload(t *testing.T) {
	in := start(t, "--tls")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	const size = 64 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)
	c, err := ftp.Dial(in.ftpAddr, ftp.DialWithTimeout(10*time.Second),
		ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true})) // the self-signed certificate
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Login("bob", "bob-password"); err != nil {
		t.Fatal(err)
	}
	admin := in.signInAdmin()
	id, _ := admin.rowFor("bob")
	r, err := c.Retr("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	killMidDownload(t, admin, id, r, size)
}

// TestPassiveListenerWithoutDataConnectionIsClosed: a session that sends PASV and
// never connects gives its port back after the connection timeout.
func TestPassiveListenerWithoutDataConnectionIsClosed(t *testing.T) {
	ftpConnectionTimeout = time.Second
	t.Cleanup(func() { ftpConnectionTimeout = 0 })
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("idler", "acme")
	c := in.rawDial()
	c.login("idler")
	port := pasvPort(t, c.cmd(227, "PASV"))
	// Probed by binding it: connecting would hand the listener its data connection.
	waitFor(t, "the unused passive port to be released", func() bool {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return false
		}
		ln.Close()
		return true
	})
	c.cmd(200, "NOOP") // the session itself goes on
}

// TestPassivePortsShareOfOneAddress: one address holds at most a quarter of the
// passive range (--max-passive-per-ip 0), so a customer elsewhere can still PASV;
// the address over its share gets a 425 and its session goes on.
func TestPassivePortsShareOfOneAddress(t *testing.T) {
	in := start(t, "--passive-ports", "31200-31207") // a share of 2
	in.addCustomer("acme")
	in.addFTPUser("hog", "acme")
	in.addFTPUser("customer", "acme")
	var hogs []*rawFTP
	for range 3 {
		h := in.rawDial()
		h.login("hog")
		hogs = append(hogs, h)
	}
	hogs[0].cmd(227, "PASV")
	hogs[1].cmd(229, "EPSV")
	if msg := hogs[2].cmd(425, "PASV"); !strings.Contains(msg, "Too many passive connections") {
		t.Errorf("the refusal says %q", msg)
	}
	hogs[2].cmd(200, "NOOP")
	hogs[0].cmd(227, "PASV") // a session at the share replaces its own listener
	other := in.rawDialFrom("127.0.0.2")
	other.login("customer")
	port := pasvPort(t, other.cmd(227, "PASV"))
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	data, err := d.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	other.cmd(150, "LIST")
	io.Copy(io.Discard, data)
	other.expect(226)
}

// TestPassiveListenerOnTheControlAddress: a passive port listens on the address
// the client's control connection reached, not on every interface.
func TestPassiveListenerOnTheControlAddress(t *testing.T) {
	t.Run("server on one address", func(t *testing.T) {
		in := start(t) // on 127.0.0.1
		in.addCustomer("acme")
		in.addFTPUser("bob", "acme")
		c := in.rawDial()
		c.login("bob")
		port := pasvPort(t, c.cmd(227, "PASV"))
		if conn, err := dialPort("127.0.0.2", port); err == nil {
			conn.Close()
			t.Fatalf("the passive port answers on 127.0.0.2 too")
		}
	})
	t.Run("server on every interface", func(t *testing.T) {
		in := start(t, "--ftp-addr", ":0")
		in.addCustomer("acme")
		in.addFTPUser("bob", "acme")
		_, ftpPort, _ := net.SplitHostPort(in.ftpAddr)
		conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.3", ftpPort), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c := &rawFTP{t: t, conn: conn}
		defer conn.Close()
		c.text = textproto.NewConn(conn)
		c.expect(220)
		c.login("bob")
		reply := c.cmd(227, "PASV")
		if !strings.Contains(reply, "(127,0,0,3,") {
			t.Fatalf("the PASV reply names another address: %q", reply)
		}
		port := pasvPort(t, reply)
		if other, err := dialPort("127.0.0.1", port); err == nil {
			other.Close()
			t.Fatalf("the passive port answers on 127.0.0.1, not only on the control connection's 127.0.0.3")
		}
		data, err := dialPort("127.0.0.3", port)
		if err != nil {
			t.Fatal(err)
		}
		defer data.Close()
		c.cmd(150, "LIST")
		io.Copy(io.Discard, data)
		c.expect(226)
	})
}

// TestPassivePortReleasedLongestAgoFirst: PASV hands out every port of the range
// before any again, and then the one released longest ago, so a port just given
// back is the last to be reused.
func TestPassivePortReleasedLongestAgoFirst(t *testing.T) {
	// Below the system's ephemeral ports (32768 and up), so that no client socket of
	// another test takes one of them and skews the order.
	in := start(t, "--passive-ports", "31000-31019")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	c := in.rawDial()
	c.login("bob")
	var ports []int
	for range 40 {
		ports = append(ports, pasvPort(t, c.cmd(227, "PASV"))) // each replaces, and releases, the one before
	}
	seen := map[int]bool{}
	for _, p := range ports[:20] {
		if seen[p] {
			t.Fatalf("port %d handed out twice before the range was used up: %v", p, ports)
		}
		seen[p] = true
	}
	for i, p := range ports[20:] {
		if p != ports[i] {
			t.Fatalf("PASV %d got port %d, want %d, released longest ago: %v", 21+i, p, ports[i], ports)
		}
	}
}

// TestFailedPASVGivesItsPortBack: PASV cannot name an IPv6 address, and the
// refused PASV must not keep the listener it made, holding a port and a place in
// the address's share.
func TestFailedPASVGivesItsPortBack(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback here")
	} else {
		ln.Close()
	}
	in := start(t, "--ftp-addr", "[::1]:0", "--passive-ports", "31300-31307") // a share of 2
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	c := in.rawDialFrom("::1")
	c.login("bob")
	if reply := c.cmd(425, "PASV"); !strings.Contains(reply, "PASV can only name an IPv4 address; use EPSV") {
		t.Errorf("PASV on IPv6 says %q, want the reason in plain words", reply)
	}
	c.cmd(229, "EPSV")
	other := in.rawDialFrom("::1")
	other.login("bob")
	other.cmd(229, "EPSV")
}
