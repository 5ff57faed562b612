package ftpd

import (
	"errors"
	"net"
	"os"
	"strconv"
	"testing"
	"time"
)

// listen makes a passive listener for a session of client, as the library does.
func listen(t *testing.T, p *passiveListeners, control *controlConn, client string) (*dataListener, error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dl, err := p.wrap(ln, control, client)
	if err != nil {
		ln.Close()
		return nil, err
	}
	t.Cleanup(func() { dl.Close() })
	return dl, nil
}

// dialFrom connects to the listener from the local address ip.
func dialFrom(t *testing.T, ip string, dl *dataListener) (net.Conn, error) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(dl.port)))
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

// turnedAway reports whether the server reset the connection, while connecting
// or at the first read.
func turnedAway(c net.Conn, err error) bool {
	if err != nil {
		return true
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = c.Read(make([]byte, 1))
	return err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
}

// TestDataConnectionOnlyFromTheClient: a connection from another address is reset
// and the listener goes on waiting for the session's own client.
func TestDataConnectionOnlyFromTheClient(t *testing.T) {
	p := newPassiveListeners(PortRange{}, 0, time.Hour)
	dl, _ := listen(t, p, &controlConn{}, "127.0.0.1")
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := dl.Accept()
		accepted <- c
	}()
	if !turnedAway(dialFrom(t, "127.0.0.2", dl)) {
		t.Fatal("a data connection from another address was not turned away")
	}
	own, err := dialFrom(t, "127.0.0.1", dl)
	if err != nil {
		t.Fatal(err)
	}
	c := <-accepted
	if c == nil || c.RemoteAddr().String() != own.LocalAddr().String() {
		t.Fatalf("accepted %v, want the client's own connection", c)
	}
	c.Close()
}

// TestOneDataConnectionPerPassiveReply: once the data connection is accepted, a
// late one to the same port is refused, not left waiting.
func TestOneDataConnectionPerPassiveReply(t *testing.T) {
	p := newPassiveListeners(PortRange{}, 0, time.Hour)
	dl, _ := listen(t, p, &controlConn{}, "127.0.0.1")
	if _, err := dialFrom(t, "127.0.0.1", dl); err != nil {
		t.Fatal(err)
	}
	c, err := dl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d := net.Dialer{Timeout: 5 * time.Second}
	if late, err := d.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(dl.port))); err == nil {
		late.Close()
		t.Fatal("a second data connection reached the port")
	}
}

// TestListenerWithoutDataConnectionCloses: a session that sends PASV and never
// connects gives its port and its share back after the connection timeout.
func TestListenerWithoutDataConnectionCloses(t *testing.T) {
	p := newPassiveListeners(PortRange{}, 1, 20*time.Millisecond)
	dl, _ := listen(t, p, &controlConn{}, "127.0.0.1")
	if _, err := dl.Accept(); err == nil {
		t.Fatal("Accept succeeded on a listener nobody connected to")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := listen(t, p, &controlConn{}, "127.0.0.1")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the address's share was not given back: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPassiveShareOfOneAddress: an address holds at most its share of listeners;
// others are not affected, and a session replacing its own listener is not counted twice.
func TestPassiveShareOfOneAddress(t *testing.T) {
	p := newPassiveListeners(PortRange{Low: 40000, High: 40007}, 0, time.Hour) // a quarter: 2
	first := &controlConn{}
	listen(t, p, first, "127.0.0.1")
	listen(t, p, &controlConn{}, "127.0.0.1")
	if _, err := listen(t, p, &controlConn{}, "127.0.0.1"); !errors.Is(err, errTooManyPassive) {
		t.Fatalf("a third listener for one address: %v", err)
	}
	if _, err := listen(t, p, &controlConn{}, "127.0.0.2"); err != nil {
		t.Fatalf("another address was refused: %v", err)
	}
	if _, err := listen(t, p, first, "127.0.0.1"); err != nil {
		t.Fatalf("a session at the limit could not replace its own listener: %v", err)
	}
}
